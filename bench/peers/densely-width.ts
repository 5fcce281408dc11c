/**
 * densely's side of bench/width.ts, alone in its process: µs per training step of
 * 50 → hidden → hidden → 1 (relu, relu, sigmoid; Adam; binary cross-entropy) on dense random
 * inputs, at one batch size, on one backend. A call is `model.fit` for one epoch (shuffle and
 * batch gather included); the timing protocol is width-common.ts's. Prints one JSON line.
 *
 *   node tmp/bench/peers/densely-width.mjs --hidden 256 --batch 32 --backend js|wasm [--threads 1|2]
 */
import { isMain } from '../harness.js';
import { pipelineModel, syntheticBank } from '../scaling.js';
import { timeSteps, widthArgs, type WidthRow } from './width-common.js';

async function main(): Promise<void> {
  const { hidden, batch, backend, threads } = widthArgs();
  const model = pipelineModel(undefined, 42, backend, hidden, backend === 'wasm' ? threads : 1);
  const timing = await timeSteps((steps) => {
    const { X, y } = syntheticBank(batch * steps, 11);
    return async () => {
      model.fit(X, y, { epochs: 1, batchSize: batch, shuffle: true, verbose: 0 });
    };
  });
  const row: WidthRow = { system: `densely-${model.backend.name}${model.backend.name === 'wasm' ? `-${model.backend.threads ?? 1}t` : ''}`, hidden, batch, ...timing };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

if (isMain('peers/densely-width')) await main();
