/**
 * The mutation fuzzers in CI: 2,000 cases per reader (a few seconds in all). Each case must end
 * in success or densely's own error (no time limit here: a test asserts no wall-clock time; a case
 * that hangs meets vitest's own timeout); a failure names the seed and index, and `npm run fuzz -- --target T --seed S --index I` replays it. `npm run fuzz` runs
 * 20,000 per reader. The seed changes with DENSELY_FUZZ_SEED (default 11).
 */
import { describe, expect, it } from 'vitest';
import { fuzz, runCase, TARGETS } from './fuzz.js';

const seed = Number(process.env.DENSELY_FUZZ_SEED ?? 11);

describe('mutation fuzzers', () => {
  for (const target of TARGETS) {
    it(`${target}: 2,000 mutated files end in success or a densely error`, () => {
      const r = fuzz(target, seed, 2000);
      expect(r.failures).toEqual([]);
      // the mutations really do reach both outcomes
      expect(r.refused).toBeGreaterThan(20);
      expect(r.refused).toBeLessThan(r.cases);
    });
  }

  it('a case replays the same from its seed and index alone', () => {
    const outcome = (i: number) => {
      try {
        runCase('csv', 5, i);
        return 'ok';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const first = [3, 4, 5].map(outcome);
    expect([5, 4, 3].map(outcome).reverse()).toEqual(first);
  });
});
