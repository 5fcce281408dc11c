/**
 * What the training-step children share (bench/peers/densely-step.ts, bench/peers/tfjs-step.ts):
 * the row they print, their arguments, and benchmark.js run to completion as a promise.
 */
import { parseArgs } from 'node:util';
import Benchmark from 'benchmark';

/** One line of the step table, printed as JSON by a step child. */
export interface StepRow {
  batch: number;
  system: string;
  usPerStep: number;
  /** benchmark.js's relative margin of error, percent. */
  rme: number;
  /** benchmark.js samples taken. */
  samples: number;
  samplesPerSecond: number;
}

export interface StepArgs {
  batch: number;
  /** densely: steps per timed `fit` call. */
  steps: number;
  /** benchmark.js maxTime, seconds. */
  maxTime: number;
  /** tfjs: 'cpu' or 'wasm'. */
  backend: string;
}

export function stepArgs(argv = process.argv.slice(2)): StepArgs {
  const { values } = parseArgs({
    args: argv,
    options: { batch: { type: 'string' }, steps: { type: 'string' }, 'max-time': { type: 'string' }, backend: { type: 'string' } },
    strict: true,
  });
  return {
    batch: Number(values.batch ?? 32),
    steps: Number(values.steps ?? 200),
    maxTime: Number(values['max-time'] ?? 4),
    backend: values.backend ?? 'cpu',
  };
}

/** Runs one benchmark.js benchmark to completion; rejects with its error. */
export function measure(name: string, fn: ((deferred: Benchmark.Deferred) => void) | (() => void), options: { defer: boolean; maxTime: number }): Promise<Benchmark> {
  return new Promise((resolvePromise, reject) => {
    const bench: Benchmark = new Benchmark(name, {
      fn: fn as () => void,
      defer: options.defer,
      maxTime: options.maxTime,
      minSamples: 5,
      onComplete: () => {
        const err = (bench as unknown as { error?: unknown }).error;
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolvePromise(bench);
      },
    });
    bench.run({ async: true });
  });
}
