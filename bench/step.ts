/**
 * The cost of one training step of the pipeline's MLP (50 → 64 relu → 64 relu → 1 sigmoid,
 * Adam, binary cross-entropy) at batch 32 and batch 256, measured with benchmark.js, next to
 * TensorFlow.js on its cpu and wasm backends. Every (system, batch) pair runs in its OWN child
 * process, so no system disturbs another (tfjs-wasm's WebAssembly.Memory.grow, for one, detaches
 * ArrayBuffers and would slow every typed-array kernel in its process):
 *
 *   densely    bench/peers/densely-step.ts: one benchmark.js call = `model.fit` for one epoch of
 *              200 batches of 32 (25 of 256), verbose 0, so a step includes the shuffle and the
 *              batch gather; µs/step = call time ÷ steps.
 *   tfjs-*     bench/peers/tfjs-step.ts: one benchmark.js call = `model.trainOnBatch(xs, ys)` on a
 *              fixed batch (deferred, since it returns a promise): no shuffle and no gather, which
 *              favours tfjs.
 *
 * Then the heap over 10,000 densely steps, in bench/peers/densely-heap.ts run with --expose-gc.
 *
 *   node bench/build.mjs && node tmp/bench/step.mjs [--quick]
 */
import { createRequire } from 'node:module';
import { defaultOptions, mdTable, num, ratio, runChild, sectionMain, type BenchOptions, type Goal, type Section } from './harness.js';
import type { HeapResult } from './peers/densely-heap.js';
import { denselyStepArgs, stepMaxTime, stepsPerCall, type StepRow } from './peers/step-common.js';
import { FEATURES } from './scaling.js';

/** Retained heap per step below this is less than one small object (16 B) per step: no per-step allocation survives. */
const RETAINED_GOAL_BYTES = 16;

export async function benchStep(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const stepsFor = (batch: number) => stepsPerCall(batch, opts.quick);
  const maxTime = stepMaxTime(opts.quick);
  const rows: StepRow[] = [];
  const failures: string[] = [];
  const common = (batch: number) => ['--batch', String(batch), '--max-time', String(maxTime)];
  for (const batch of [32, 256]) {
    const runs: [string, () => Promise<StepRow>][] = [
      ['densely-js', async () => (await runChild<StepRow>('peers/densely-step', [...denselyStepArgs(batch, opts.quick), '--backend', 'js'], { label: `step densely-js b${batch}`, measuresDensely: true })).json],
      ['densely-wasm', async () => (await runChild<StepRow>('peers/densely-step', [...denselyStepArgs(batch, opts.quick), '--backend', 'wasm'], { label: `step densely-wasm b${batch}`, measuresDensely: true })).json],
      ['tfjs-cpu', async () => (await runChild<StepRow>('peers/tfjs-step', [...common(batch), '--backend', 'cpu'], { label: `step tfjs-cpu b${batch}` })).json],
      ['tfjs-wasm', async () => (await runChild<StepRow>('peers/tfjs-step', [...common(batch), '--backend', 'wasm'], { label: `step tfjs-wasm b${batch}` })).json],
    ];
    for (const [name, run] of runs) {
      opts.log(`step: ${name}, batch ${batch} (own process)…`);
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
    ['batch', 'system', 'µs/step', '± %', 'samples', 'samples/s', 'step time ÷ densely-wasm', 'step time ÷ densely-js'],
    rows.map((r) => {
      const w = rows.find((x) => x.batch === r.batch && x.system === 'densely-wasm');
      const j = rows.find((x) => x.batch === r.batch && x.system === 'densely-js');
      return [r.batch, r.system, num(r.usPerStep, 1), num(r.rme, 1), r.samples, num(r.samplesPerSecond), w ? ratio(r.usPerStep / w.usPerStep) : 'n/a', j ? ratio(r.usPerStep / j.usPerStep) : 'n/a'];
    }),
    ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
  );

  opts.log('step: heap over 10,000 densely steps (own process, --expose-gc)…');
  let heap: HeapResult | null = null;
  try {
    heap = (await runChild<HeapResult>('peers/densely-heap', [], { nodeArgs: ['--expose-gc'], label: 'heap densely 10,000 steps', measuresDensely: true })).json;
  } catch (e) {
    failures.push(`heap: ${(e as Error).message.split('\n')[0]}`);
  }
  const tfjsVersion = (createRequire(import.meta.url)('@tensorflow/tfjs/package.json') as { version: string }).version;
  const lines = [
    `${FEATURES} → 64 relu → 64 relu → 1 sigmoid, Adam, binary cross-entropy; benchmark.js, tfjs ${tfjsVersion}; each system and batch size in its own process. ` +
      `densely: \`fit\` over ${stepsFor(32)} steps per call at batch 32 and ${stepsFor(256)} at batch 256 (shuffle and batch gather included), ÷ steps; ` +
      'tfjs: one `trainOnBatch` on a fixed batch per call. "± %" is benchmark.js\'s relative margin of error; ' +
      '"step time ÷ densely-…" > 1 means that densely backend is that many times faster. densely-js is the plain-TypeScript backend, densely-wasm the WebAssembly SIMD one (the default where SIMD exists).',
    '',
    table,
  ];
  const goals: Goal[] = [];
  if (heap) {
    goals.push({
      goal: `heap over ${num(heap.steps)} densely steps (retained after gc, per step)`,
      target: `< ${RETAINED_GOAL_BYTES} B/step (≈ 0)`,
      measured: `${num(heap.retainedBytesPerStep, 2)} B/step (${num((heap.heapAfterGc - heap.heapBefore) / 1024, 1)} KB over ${num(heap.steps * heap.reps)} steps)`,
      met: heap.retainedBytesPerStep < RETAINED_GOAL_BYTES,
    });
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
  return { title: 'Training step (µs/step, samples/s)', markdown: lines.join('\n'), goals };
}

await sectionMain('step', benchStep);
