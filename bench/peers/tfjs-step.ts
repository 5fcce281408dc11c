/**
 * TensorFlow.js's side of bench/step.ts, one backend per process: µs per `model.trainOnBatch`
 * of the pipeline's MLP on a fixed batch (no shuffle and no gather, which favours tfjs), with
 * benchmark.js (deferred, since it returns a promise). Prints one JSON line (a StepRow).
 *
 *   node tmp/bench/peers/tfjs-step.mjs --backend cpu|wasm --batch 32 --max-time 4
 */
import type Benchmark from 'benchmark';
import * as tf from '@tensorflow/tfjs';
import { isMain } from '../harness.js';
import { FEATURES, syntheticBank } from '../scaling.js';
import { measure, stepArgs, type StepRow } from './step-common.js';
import { tfjsModel, useBackend } from './tfjs-pipeline.js';

async function main(): Promise<void> {
  const { backend, batch, maxTime } = stepArgs();
  await useBackend(backend);
  const { X, y } = syntheticBank(batch, 11);
  const xs = tf.tensor2d(X.data, [batch, FEATURES]);
  const ys = tf.tensor2d(y, [batch, 1]);
  const model = tfjsModel(FEATURES);
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
  const row: StepRow & { tfjsVersion: string } = {
    batch,
    system: `tfjs-${backend}`,
    usPerStep,
    rme: b.stats.rme,
    samples: b.stats.sample.length,
    samplesPerSecond: (batch * 1e6) / usPerStep,
    tfjsVersion: tf.version.tfjs,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

if (isMain('peers/tfjs-step')) await main();
