/**
 * The marketing pipeline in TensorFlow.js (@tensorflow/tfjs), as one process, on the backend
 * given by --backend: 'cpu' (plain JS kernels) or 'wasm' (@tensorflow/tfjs-backend-wasm; in
 * Node it runs single-threaded, with SIMD when the runtime has it).
 *
 * The same everything as bench/peers/densely-pipeline.ts: the same sklearn split indices (from
 * densely's splitIndices), Dense(64 relu) → Dense(64 relu) → Dense(1 sigmoid), glorot_uniform
 * kernels and zero biases, Adam(0.001), binary cross-entropy, batch 32, shuffle every epoch.
 * Scored with the same `p > 0.5` accuracy and the project's rocAuc. Prints one JSON line.
 *
 *   node tmp/bench/peers/tfjs-pipeline.mjs --backend cpu|wasm [--epochs 10] [--batch-size 32]
 *   (after `node bench/build.mjs`)
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { isMain } from '../harness.js';
import { loadBankSplit, pipelineArgs, pipelineResult } from './densely-pipeline.js';

/** Switches tfjs to 'cpu' or 'wasm' and waits until it is ready. */
export async function useBackend(backend: string): Promise<void> {
  if (backend === 'wasm') {
    // In Node the .wasm binaries are read from the package's dist folder.
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  } else if (backend !== 'cpu') {
    throw new Error(`tfjs-pipeline: --backend must be 'cpu' or 'wasm', got '${backend}'`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs-pipeline: backend '${backend}' failed to initialise`);
  await tf.ready();
}

/** The pipeline's model in tfjs: 64 relu → 64 relu → 1 sigmoid, glorot_uniform (seeded), zero biases. */
export function tfjsModel(features: number, seed = 42): tf.Sequential {
  const dense = (units: number, activation: 'relu' | 'sigmoid', i: number, inputShape?: number[]) =>
    tf.layers.dense({ units, activation, inputShape, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }), biasInitializer: 'zeros' });
  const model = tf.sequential({ layers: [dense(64, 'relu', 0, [features]), dense(64, 'relu', 1), dense(1, 'sigmoid', 2)] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  const args = pipelineArgs();
  await useBackend(args.backend);
  const s = loadBankSplit(args.data);
  const xTrain = tf.tensor2d(s.XTrain.data, [s.XTrain.rows, s.XTrain.cols]);
  const yTrain = tf.tensor2d(s.yTrain.data, [s.yTrain.rows, 1]);
  const xTest = tf.tensor2d(s.XTest.data, [s.XTest.rows, s.XTest.cols]);
  const yTest = tf.tensor2d(s.yTest.data, [s.yTest.rows, 1]);
  const model = tfjsModel(s.features);

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await model.fit(xTrain, yTrain, { epochs: args.epochs, batchSize: args.batchSize, shuffle: true, verbose: 0 });
  const fitSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);

  const evaluated = model.evaluate(xTest, yTest, { batchSize: 32 }) as tf.Scalar[];
  const testLoss = (await evaluated[0].data())[0];
  const predicted = model.predict(xTest, { batchSize: 32 }) as tf.Tensor;
  const p = await predicted.data();
  const result = {
    system: `tfjs-${args.backend}`,
    backend: tf.getBackend(),
    wasmSimd: args.backend === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : undefined,
    wasmThreads: args.backend === 'wasm' ? tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') : undefined,
    ...pipelineResult(s, args, { seconds: fitSeconds, cpu }, { loss: testLoss, probabilities: p }),
    tfjsVersion: tf.version.tfjs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (isMain('peers/tfjs-pipeline')) await main();
