import { describe, expect, it } from 'vitest';
import { float32Text } from '../../src/tensor/float32-text.js';

/** The plain definition: the fewest significant digits (1 to 9) that read back as the same float32. */
function reference(x: number): string {
  const f = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const s = f.toPrecision(digits);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}

describe('float32Text', () => {
  it('is the shortest text that reads back as the same float32, as the plain definition says', () => {
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    let seed = 2463534242;
    const next = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), seed >>> 0);
    const mismatches: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      bits[0] = next();
      // every exponent, and (one in four) probabilities in [0, 1], as scored lists hold
      const x = i % 4 === 0 ? Math.fround((next() % 1_000_000) / 1_000_000) : f[0];
      if (float32Text(x) !== reference(x)) mismatches.push(`${x}: ${float32Text(x)} vs ${reference(x)}`);
    }
    for (const x of [0, -0, 1, 0.5, 0.1, 1e-45, 3.4028234663852886e38, 2 ** -126, 2 ** 24, 16777217, NaN, Infinity, -Infinity, 0.0025544723]) {
      if (float32Text(x) !== reference(x)) mismatches.push(`${x}: ${float32Text(x)} vs ${reference(x)}`);
    }
    expect(mismatches).toEqual([]);
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(0.0025544723)).toBe('0.0025544723');
  });
});
