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

/**
 * densely's steps per benchmark.js call: ~70 ms of work per call at either batch size, so both get
 * many samples. Shared by bench/step.ts and bench/baseline.ts, so both time the same thing.
 */
export const stepsPerCall = (batch: number, quick: boolean): number => Math.max(10, Math.round((quick ? 1600 : 6400) / batch));

/** benchmark.js maxTime for every step child, seconds. */
export const stepMaxTime = (quick: boolean): number => (quick ? 1 : 4);

/** The arguments of one `peers/densely-step` child, as bench/step.ts and bench/baseline.ts pass them. */
export function denselyStepArgs(batch: number, quick: boolean): string[] {
  return ['--batch', String(batch), '--max-time', String(stepMaxTime(quick)), '--steps', String(stepsPerCall(batch, quick))];
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
