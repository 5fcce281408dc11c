/**
 * `npm run fuzz`: the long run of the mutation fuzzers (see fuzz.ts), 20,000 cases per reader by
 * default, or one case to replay a failure.
 *
 *   npm run fuzz                                   all four readers, 20,000 cases each, seed 1
 *   npm run fuzz -- --target csv --cases 50000 --seed 7
 *   npm run fuzz -- --target npy --seed 1234 --index 567     replay one case, showing its error
 */
import { parseArgs } from 'node:util';
import { fuzz, runCase, TARGETS, type Target } from './fuzz.js';

const { values } = parseArgs({ options: { target: { type: 'string' }, seed: { type: 'string' }, cases: { type: 'string' }, index: { type: 'string' } } });
const seed = Number(values.seed ?? 1);
const targets = values.target ? [values.target as Target] : TARGETS;
for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`--target must be one of ${TARGETS.join(', ')}`);

if (values.index !== undefined) {
  const index = Number(values.index);
  try {
    runCase(targets[0]!, seed, index);
    console.log(`${targets[0]} seed ${seed} index ${index}: accepted`);
  } catch (e) {
    console.log(`${targets[0]} seed ${seed} index ${index}: ${(e as Error).constructor.name}: ${(e as Error).message}`);
    console.log((e as Error).stack);
  }
} else {
  const cases = Number(values.cases ?? 20000);
  let failed = false;
  for (const t of targets) {
    const t0 = performance.now();
    const r = fuzz(t, seed, cases, { caseMs: 2000 });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`${t}: ${r.cases} cases in ${s} s, ${r.refused} refused with a densely error, slowest ${r.slowestMs.toFixed(0)} ms, ${r.failures.length} failures`);
    for (const f of r.failures) console.log(`  ${f}`);
    failed ||= r.failures.length > 0;
  }
  process.exitCode = failed ? 1 : 0;
}
