/**
 * TensorFlow.js's side of bench/width.ts, one backend per process: µs per `trainOnBatch` of
 * 50 → hidden → hidden → 1 on a fixed batch of dense random inputs (no shuffle, no gather: that
 * favours tfjs). Timing protocol: width-common.ts. Prints one JSON line.
 *
 *   node tmp/bench/peers/tfjs-width.mjs --hidden 256 --batch 32 --backend cpu|wasm
 */
import * as tf from '@tensorflow/tfjs';
import { isMain } from '../harness.js';
import { FEATURES, syntheticBank } from '../scaling.js';
import { useBackend } from './tfjs-pipeline.js';
import { timeSteps, widthArgs, type WidthRow } from './width-common.js';

async function main(): Promise<void> {
  const { hidden, batch, backend } = widthArgs();
  await useBackend(backend);
  const { X, y } = syntheticBank(batch, 11);
  const xs = tf.tensor2d(X.data, [batch, FEATURES]);
  const ys = tf.tensor2d(y, [batch, 1]);
  const dense = (units: number, activation: 'relu' | 'sigmoid', i: number, inputShape?: number[]) =>
    tf.layers.dense({ units, activation, inputShape, kernelInitializer: tf.initializers.glorotUniform({ seed: 42 + i }), biasInitializer: 'zeros' });
  const model = tf.sequential({ layers: [dense(hidden, 'relu', 0, [FEATURES]), dense(hidden, 'relu', 1), dense(1, 'sigmoid', 2)] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
  const timing = await timeSteps((steps) => async () => {
    for (let i = 0; i < steps; i++) await model.trainOnBatch(xs, ys);
  });
  const row: WidthRow = { system: `tfjs-${backend}`, hidden, batch, ...timing };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

if (isMain('peers/tfjs-width')) await main();
