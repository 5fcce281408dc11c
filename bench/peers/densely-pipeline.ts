/**
 * The marketing pipeline in densely, as one process: load the bank data, split it exactly as
 * sklearn's train_test_split(test_size=0.2, random_state=42), train Dense(64 relu) →
 * Dense(64 relu) → Dense(1 sigmoid) with Adam(1e-3) and binary cross-entropy, batch 32,
 * shuffled, then score the test rows. Prints one JSON line (see PipelineResult in ../pipeline.ts).
 *
 *   node tmp/bench/peers/densely-pipeline.mjs [--epochs 10] [--batch-size 32] [--data path] [--backend js|wasm|default] [--threads 1|2|auto]
 *   (after `node bench/build.mjs`; `npx tsx bench/peers/densely-pipeline.ts` works too, but slower:
 *   see bench/harness.ts)
 *
 * This file also exports the data loading and scoring both pipeline children share.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { splitIndices } from '../../src/data/split.js';
import { loadNpyMatrix } from '../../src/node/files.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { rocAuc } from '../../src/nn/metrics.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Dense } from '../../src/nn/dense.js';
import { Adam } from '../../src/optim/adam.js';
import { isMain, ROOT } from '../harness.js';

export const BANK_DATA = join(ROOT, 'data', 'marketing_data.npy.gz');

export interface BankSplit {
  rows: number;
  features: number;
  XTrain: Matrix;
  yTrain: Matrix;
  XTest: Matrix;
  yTest: Matrix;
}

/** The bank matrix (label = last column), split with sklearn's indices. */
export function loadBankSplit(path = BANK_DATA): BankSplit {
  const table = loadNpyMatrix(path);
  const d = table.cols - 1;
  const X = table.sliceColumns(0, -1); // data[:, :-1]
  const y = table.sliceColumns(-1); //    data[:, -1:]
  const { train, test } = splitIndices(table.rows, { testSize: 0.2, randomState: 42 });
  return { rows: table.rows, features: d, XTrain: X.takeRows(train), yTrain: y.takeRows(train), XTest: X.takeRows(test), yTest: y.takeRows(test) };
}

/** Binary accuracy with Keras's strict `p > 0.5`. */
export function accuracy(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let hit = 0;
  for (let i = 0; i < p.length; i++) if ((p[i] > 0.5 ? 1 : 0) === y[i]) hit++;
  return hit / Math.max(p.length, 1);
}

/**
 * The fields every pipeline peer reports, computed the same way for each system from the
 * same split: sizes, fit time and CPU time, µs/step, samples/s, test loss/accuracy/AUC, memory.
 */
export function pipelineResult(
  s: BankSplit,
  args: PipelineArgs,
  fit: { seconds: number; cpu: NodeJS.CpuUsage },
  test: { loss: number; probabilities: ArrayLike<number> },
): Record<string, number> {
  const steps = args.epochs * Math.ceil(s.XTrain.rows / args.batchSize);
  return {
    rows: s.rows,
    features: s.features,
    trainRows: s.XTrain.rows,
    testRows: s.XTest.rows,
    epochs: args.epochs,
    batchSize: args.batchSize,
    steps,
    fitSeconds: fit.seconds,
    fitCpuSeconds: (fit.cpu.user + fit.cpu.system) / 1e6,
    usPerStep: (fit.seconds * 1e6) / steps,
    samplesPerSecond: (s.XTrain.rows * args.epochs) / fit.seconds,
    testLoss: test.loss,
    testAccuracy: accuracy(test.probabilities, s.yTest.data),
    testAuc: rocAuc(test.probabilities, s.yTest.data),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20,
    totalSeconds: performance.now() / 1000,
  };
}

export interface PipelineArgs {
  epochs: number;
  batchSize: number;
  data: string;
  backend: string;
  /** densely only: --threads 1|2|auto (default auto, as a user gets). */
  threads: 1 | 2 | 'auto';
}

export function pipelineArgs(argv = process.argv.slice(2)): PipelineArgs {
  const { values } = parseArgs({
    args: argv,
    options: { epochs: { type: 'string' }, 'batch-size': { type: 'string' }, data: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' } },
    strict: true,
  });
  return {
    epochs: Number(values.epochs ?? 10),
    batchSize: Number(values['batch-size'] ?? 32),
    data: values.data ?? BANK_DATA,
    backend: values.backend ?? 'cpu',
    threads: values.threads === '1' ? 1 : values.threads === '2' ? 2 : 'auto',
  };
}

async function main(): Promise<void> {
  const args = pipelineArgs();
  const s = loadBankSplit(args.data);
  const model = new Sequential(
    [
      new Dense(64, { activation: 'relu', inputShape: [s.features] }),
      new Dense(64, { activation: 'relu' }),
      new Dense(1, { activation: 'sigmoid' }),
    ],
    // --backend js|wasm forces one; 'default' (or none) takes densely's default
    { seed: 42, backend: process.argv.includes('--backend') && args.backend !== 'default' ? args.backend : undefined, threads: args.threads },
  );
  model.compile({ optimizer: new Adam(), loss: 'binary_crossentropy', metrics: ['accuracy'] });

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  model.fit(s.XTrain, s.yTrain, { epochs: args.epochs, batchSize: args.batchSize, shuffle: true, seed: 42, verbose: 0 });
  const fitSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);

  const test = model.evaluate(s.XTest, s.yTest);
  const p = model.predict(s.XTest).data;
  const result = {
    system: 'densely',
    backend: model.backend.name,
    threads: model.backend.threads ?? 1,
    ...pipelineResult(s, args, { seconds: fitSeconds, cpu }, { loss: test.loss, probabilities: p }),
    arena: model.memoryReport(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (isMain('peers/densely-pipeline')) await main();
