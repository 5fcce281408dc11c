/**
 * The heap over 10,000 densely training steps, alone in its process with --expose-gc (no
 * benchmark.js and no tfjs loaded: merely having another library loaded changes how much
 * short-lived garbage V8 makes in densely's loop).
 *
 * After a 5,000-step warm-up and a full gc, `reps` fits of `steps` steps each (10 epochs of 1,000
 * batches of 32, verbose 0, no callbacks), recording heapUsed around each fit and the GCs seen
 * during it. Both should be ~0: a step allocates nothing. Prints one JSON line (a HeapResult).
 *
 *   node --expose-gc tmp/bench/peers/densely-heap.mjs
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { isMain } from '../harness.js';
import { pipelineModel, syntheticBank } from '../scaling.js';

export interface HeapResult {
  steps: number;
  reps: number;
  batch: number;
  gcExposed: boolean;
  heapBefore: number;
  heapAfterGc: number;
  /** (heapUsed after all reps and a full gc − before) ÷ all steps: a leak shows here. */
  retainedBytesPerStep: number;
  /** Per rep: heap growth across the fit, before any gc, ÷ steps (short-lived garbage). */
  bytesPerStepBeforeGc: number[];
  /** GCs that ran during each rep's fit. */
  gcDuringFit: number[];
  fitSeconds: number[];
  arena: { arenaFloats: number; params: number; capacityRows: number };
}

async function main(steps = 10_000, batch = 32, reps = 3): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const stepsPerEpoch = 1000;
  const epochs = Math.ceil(steps / stepsPerEpoch);
  const { X, y } = syntheticBank(stepsPerEpoch * batch, 13);
  const model = pipelineModel();
  model.fit(X, y, { epochs: 5, batchSize: batch, verbose: 0 }); // warm-up: let the JIT settle, so its garbage is not counted
  let gcs = 0;
  const observer = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms)); // lets the observer report
  gc?.();
  gc?.();
  await settle(20);
  const heapBefore = process.memoryUsage().heapUsed;
  const bytesPerStepBeforeGc: number[] = [];
  const gcDuringFit: number[] = [];
  const fitSeconds: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    gc?.();
    await settle(20);
    gcs = 0;
    const h0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    model.fit(X, y, { epochs, batchSize: batch, verbose: 0 });
    fitSeconds.push((performance.now() - t0) / 1000);
    bytesPerStepBeforeGc.push((process.memoryUsage().heapUsed - h0) / (epochs * stepsPerEpoch));
    await settle(50);
    gcDuringFit.push(gcs);
  }
  observer.disconnect();
  gc?.();
  gc?.();
  const heapAfterGc = process.memoryUsage().heapUsed;
  const total = epochs * stepsPerEpoch;
  const result: HeapResult = {
    steps: total,
    reps,
    batch,
    gcExposed: gc !== undefined,
    heapBefore,
    heapAfterGc,
    retainedBytesPerStep: (heapAfterGc - heapBefore) / (total * reps),
    bytesPerStepBeforeGc,
    gcDuringFit,
    fitSeconds,
    arena: model.memoryReport(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (isMain('peers/densely-heap')) await main();
