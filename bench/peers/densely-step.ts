/**
 * densely's side of bench/step.ts, alone in its process (no tfjs loaded): µs per training step of
 * the pipeline's MLP at one batch size, with benchmark.js. One benchmark.js call is `model.fit`
 * for one epoch of `--steps` batches (verbose 0, shuffled), so a step includes the shuffle and the
 * batch gather; µs/step = call time ÷ steps. Prints one JSON line (a StepRow).
 *
 *   node tmp/bench/peers/densely-step.mjs --batch 32 --steps 200 --max-time 4 [--backend js|wasm]
 *
 * Without --backend the model gets densely's default (wasm where WebAssembly SIMD exists). The
 * row's system is `densely-<backend>`.
 */
import { isMain } from '../harness.js';
import { pipelineModel, syntheticBank } from '../scaling.js';
import { measure, stepArgs, type StepRow } from './step-common.js';

async function main(): Promise<void> {
  const { batch, steps, maxTime } = stepArgs();
  // stepArgs defaults --backend to tfjs's 'cpu'; densely takes a backend only when one is named
  const named = process.argv.includes('--backend') ? stepArgs().backend : undefined;
  const { X, y } = syntheticBank(batch * steps, 11);
  const model = pipelineModel(undefined, undefined, named);
  const fitOnce = () => {
    model.fit(X, y, { epochs: 1, batchSize: batch, shuffle: true, verbose: 0 });
  };
  fitOnce(); // warm-up: JIT, and the arena sized for this batch
  const b = await measure(`densely b${batch}`, fitOnce, { defer: false, maxTime });
  const usPerStep = (b.stats.mean * 1e6) / steps;
  const row: StepRow = { batch, system: `densely-${model.backend.name}`, usPerStep, rme: b.stats.rme, samples: b.stats.sample.length, samplesPerSecond: (batch * 1e6) / usPerStep };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

if (isMain('peers/densely-step')) await main();
