/**
 * What the width-sweep children share (bench/width.ts): their arguments, the row they print, and
 * one timing protocol for every system, so a densely step and a tfjs step are timed the same way
 * (bench/peers/torch-width.py follows it in Python):
 *
 *   1. a probe: two calls of 2 steps (the first warms the JIT), the second timed → µs/step estimate;
 *   2. steps per call = about 0.3 s of work (at least 2, at most 400);
 *   3. one warm-up call at that size, then 5 timed calls; the row reports their median µs/step,
 *      and the fastest and slowest.
 */
import { parseArgs } from 'node:util';

export interface WidthArgs {
  hidden: number;
  batch: number;
  /** densely: 'js' | 'wasm'; tfjs: 'cpu' | 'wasm'. */
  backend: string;
  /** densely's wasm backend: 1 or 2 threads (--threads; default 1). */
  threads: 1 | 2;
}

export interface WidthRow {
  system: string;
  hidden: number;
  batch: number;
  usPerStep: number;
  minUs: number;
  maxUs: number;
  stepsPerCall: number;
}

export function widthArgs(argv = process.argv.slice(2)): WidthArgs {
  const { values } = parseArgs({ args: argv, options: { hidden: { type: 'string' }, batch: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' } }, strict: true });
  return { hidden: Number(values.hidden ?? 64), batch: Number(values.batch ?? 32), backend: values.backend ?? 'wasm', threads: values.threads === '2' ? 2 : 1 };
}

/** Seconds of work per timed call. */
const CALL_SECONDS = 0.3;
const CALLS = 5;

/**
 * The protocol above. `prepare(steps)` readies a call of `steps` training steps (e.g. makes the
 * data) and returns it; the call runs them.
 */
export async function timeSteps(prepare: (steps: number) => Promise<() => Promise<void>> | (() => Promise<void>)): Promise<Omit<WidthRow, 'system' | 'hidden' | 'batch'>> {
  const probe = await prepare(2);
  await probe();
  let t = performance.now();
  await probe();
  const perStep = (performance.now() - t) / 1000 / 2;
  const steps = Math.max(2, Math.min(400, Math.round(CALL_SECONDS / perStep)));
  const call = await prepare(steps);
  await call();
  const us: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    t = performance.now();
    await call();
    us.push(((performance.now() - t) * 1000) / steps);
  }
  us.sort((a, b) => a - b);
  return { usPerStep: us[Math.floor(us.length / 2)], minUs: us[0], maxUs: us[us.length - 1], stepsPerCall: steps };
}
