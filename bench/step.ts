/**
 * The cost of one training step of the pipeline's MLP (50 → 64 relu → 64 relu → 1 sigmoid,
 * Adam, binary cross-entropy) at batch 32 and batch 256, measured with benchmark.js, side by
 * side with TensorFlow.js (cpu and wasm backends) in the same process:
 *
 *   densely    one benchmark.js call = `model.fit` for one epoch of 200 batches of 32 (25 of 256),
 *              verbose 0, so a step includes the shuffle and the batch gather; µs/step = call time / steps.
 *   tfjs-*     one benchmark.js call = `model.trainOnBatch(xs, ys)` on a fixed batch (deferred,
 *              since it returns a promise): no shuffle and no gather, which favours tfjs.
 *
 * Then the heap over 10,000 densely steps, in a child run with --expose-gc: heapUsed after a
 * warm-up fit (5,000 steps) and gc, then after one fit of 10,000 steps (no callbacks, verbose 0), with the
 * number of garbage collections that happened during it. Both should be ~0: a step allocates
 * nothing.
 *
 *   npx tsx bench/step.ts [--quick]
 *   node --expose-gc --import tsx bench/step.ts --child heap   (one JSON line; the table runs it)
 */
import { PerformanceObserver } from 'node:perf_hooks';
import Benchmark from 'benchmark';
// tfjs is imported dynamically, only where it runs: the heap child must not load it, since
// merely having it loaded changes how much short-lived garbage V8 makes in densely's loop.
import { defaultOptions, isMain, mdTable, num, ratio, runChild, type BenchOptions, type Section } from './pipeline.js';
import { FEATURES, pipelineModel, syntheticBank } from './scaling.js';

interface StepRow {
  batch: number;
  system: string;
  usPerStep: number;
  rme: number;
  samples: number;
  samplesPerSecond: number;
}

/** Runs one benchmark.js benchmark to completion; rejects with its error. */
function measure(name: string, fn: ((deferred: Benchmark.Deferred) => void) | (() => void), options: { defer: boolean; maxTime: number }): Promise<Benchmark> {
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

async function densely(batch: number, steps: number, maxTime: number): Promise<StepRow> {
  const { X, y } = syntheticBank(batch * steps, 11);
  const model = pipelineModel();
  const fitOnce = () => {
    model.fit(X, y, { epochs: 1, batchSize: batch, shuffle: true, verbose: 0 });
  };
  fitOnce(); // warm-up: JIT, and the arena sized for this batch
  const b = await measure(`densely b${batch}`, fitOnce, { defer: false, maxTime });
  const usPerStep = (b.stats.mean * 1e6) / steps;
  return { batch, system: 'densely', usPerStep, rme: b.stats.rme, samples: b.stats.sample.length, samplesPerSecond: (batch * 1e6) / usPerStep };
}

async function tfjs(backend: string, batch: number, maxTime: number): Promise<StepRow> {
  const tf = await import('@tensorflow/tfjs');
  const { tfjsModel, useBackend } = await import('./peers/tfjs-pipeline.js');
  await useBackend(backend);
  const { X, y } = syntheticBank(batch, 11);
  const xs = tf.tensor2d(X.data, [batch, FEATURES]);
  const ys = tf.tensor2d(y, [batch, 1]);
  const model = tfjsModel(FEATURES);
  try {
    for (let i = 0; i < 10; i++) await model.trainOnBatch(xs, ys); // warm-up
    let failure: unknown = null;
    const b = await measure(
      `tfjs-${backend} b${batch}`,
      (deferred: Benchmark.Deferred) => {
        model.trainOnBatch(xs, ys).then(
          () => deferred.resolve(),
          (e: unknown) => {
            failure ??= e;
            deferred.resolve();
          },
        );
      },
      { defer: true, maxTime },
    );
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    const usPerStep = b.stats.mean * 1e6;
    return { batch, system: `tfjs-${backend}`, usPerStep, rme: b.stats.rme, samples: b.stats.sample.length, samplesPerSecond: (batch * 1e6) / usPerStep };
  } finally {
    model.dispose();
    tf.dispose([xs, ys]);
  }
}

interface HeapResult {
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

/**
 * The heap child: after a 5,000-step warm-up and a full gc, `reps` fits of `steps` steps each
 * (10 epochs of 1,000 batches), recording heapUsed around each fit and the GCs seen during it.
 */
async function heapChild(steps = 10_000, batch = 32, reps = 3): Promise<void> {
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

export async function benchStep(opts: BenchOptions = defaultOptions()): Promise<Section> {
  // steps per benchmark.js call: ~70 ms of work per call at either batch size, so both get many samples
  const stepsFor = (batch: number) => Math.max(10, Math.round((opts.quick ? 1600 : 6400) / batch));
  const maxTime = opts.quick ? 1 : 4;
  const rows: StepRow[] = [];
  const failures: string[] = [];
  for (const batch of [32, 256]) {
    const runs: [string, () => Promise<StepRow>][] = [
      ['densely', () => densely(batch, stepsFor(batch), maxTime)],
      ['tfjs-cpu', () => tfjs('cpu', batch, maxTime)],
      ['tfjs-wasm', () => tfjs('wasm', batch, maxTime)],
    ];
    for (const [name, run] of runs) {
      opts.log(`step: ${name}, batch ${batch}…`);
      try {
        const r = await run();
        rows.push(r);
        opts.log(`step: ${name}, batch ${batch}: ${r.usPerStep.toFixed(1)} µs/step ±${r.rme.toFixed(1)}%`);
      } catch (e) {
        failures.push(`${name} batch ${batch}: ${(e as Error).message.split('\n')[0]}`);
        opts.log(`step: ${name} batch ${batch} failed: ${(e as Error).message}`);
      }
    }
  }
  const table = mdTable(
    ['batch', 'system', 'µs/step', '± %', 'samples', 'samples/s', 'step time ÷ densely'],
    rows.map((r) => {
      const d = rows.find((x) => x.batch === r.batch && x.system === 'densely');
      return [r.batch, r.system, num(r.usPerStep, 1), num(r.rme, 1), r.samples, num(r.samplesPerSecond), d ? ratio(r.usPerStep / d.usPerStep) : 'n/a'];
    }),
    ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
  );

  opts.log('step: heap over 10,000 densely steps (child, --expose-gc)…');
  let heap: HeapResult | null = null;
  try {
    heap = (await runChild<HeapResult>('bench/step.ts', ['--child', 'heap'], { nodeArgs: ['--expose-gc'] })).json;
  } catch (e) {
    failures.push(`heap: ${(e as Error).message.split('\n')[0]}`);
  }
  const tfjsVersion = (await import('@tensorflow/tfjs')).version.tfjs;
  const lines = [
    `${FEATURES} → 64 relu → 64 relu → 1 sigmoid, Adam, binary cross-entropy; benchmark.js, tfjs ${tfjsVersion} in the same process. ` +
      `densely: \`fit\` over ${stepsFor(32)} steps per call at batch 32 and ${stepsFor(256)} at batch 256 (shuffle and batch gather included), ÷ steps; ` +
      'tfjs: one `trainOnBatch` on a fixed batch per call. "± %" is benchmark.js\'s relative margin of error; ' +
      '"step time ÷ densely" > 1 means densely is that many times faster.',
    '',
    table,
  ];
  if (heap) {
    const kb = (b: number) => num(b / 1024, 1);
    const list = (xs: number[], d: number) => xs.map((x) => num(x, d)).join(' / ');
    lines.push(
      '',
      `**Heap over ${num(heap.steps)} steps** (densely, batch ${heap.batch}, one \`fit\` of ${num(heap.steps)} steps, verbose 0, no callbacks, ` +
        `measured ${heap.reps}× after a 5,000-step warm-up; own process${heap.gcExposed ? ', --expose-gc' : ', gc NOT exposed'}):`,
      '',
      mdTable(
        ['heapUsed before KB', 'after all, gc KB', 'retained B/step', 'garbage B/step per rep (before gc)', 'GCs during each fit', 'fit s per rep', 'arena floats'],
        [[kb(heap.heapBefore), kb(heap.heapAfterGc), num(heap.retainedBytesPerStep, 2), list(heap.bytesPerStepBeforeGc, 1), heap.gcDuringFit.join(' / '), list(heap.fitSeconds, 2), num(heap.arena.arenaFloats)]],
      ),
      '',
      '"retained" is what survives a full gc (a leak would show here). "garbage" is heapUsed growth across one fit with no gc in between, ' +
        'divided by its steps: short-lived objects, and an allocation rate only when no GC ran during that fit. It is mostly paid once per ' +
        '`fit` call, not per step (V8 runs the first iterations of fit\'s loops unoptimised, boxing floats, until on-stack replacement), ' +
        'so it shrinks as one fit runs more steps.',
    );
  }
  if (failures.length) lines.push('', ...failures.map((f) => `- failed: ${f}`));
  return { title: 'Training step (µs/step, samples/s)', markdown: lines.join('\n') };
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--child')) await heapChild();
  else {
    const section = await benchStep();
    process.stdout.write(`## ${section.title}\n\n${section.markdown}\n`);
  }
}
