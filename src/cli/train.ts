/** `densely train`: the marketing pipeline — load, split as sklearn does, fit, score, save. */
import { Dense } from '../nn/dense.js';
import { rocAuc } from '../nn/metrics.js';
import { Sequential } from '../nn/sequential.js';
import { Adam } from '../optim/adam.js';
import { splitIndices } from '../data/split.js';
import { helpText, parseOptions, UsageError, type Spec } from './args.js';
import { DEFAULT_DATA, loadNpyLabelled } from './load.js';
import { saveModelFile } from './model-file.js';
import type { Io } from './io.js';

export const TRAIN_SPEC: Spec = {
  data: { type: 'string', help: 'features .npy (label = last column unless --labels); .gz is fine', default: 'the embedded bank data' },
  labels: { type: 'string', help: 'labels .npy, one per row of --data' },
  epochs: { type: 'int', help: 'passes over the training rows', default: 10 },
  'batch-size': { type: 'int', help: 'rows per step', default: 32 },
  'test-size': { type: 'number', help: 'held-out fraction (or count, if ≥ 1), as sklearn test_size', default: 0.2 },
  'random-state': { type: 'int', help: 'seed of the sklearn-identical split', default: 42 },
  seed: { type: 'int', help: 'seed for weight initialisation and shuffling', default: 42 },
  'learning-rate': { type: 'number', help: "Adam's learning rate", default: 0.001 },
  save: { type: 'string', help: 'write the trained model (JSON) here, atomically' },
  json: { type: 'boolean', help: 'print one JSON object instead of progress lines' },
  help: { type: 'boolean', help: 'show this help' },
};

export const TRAIN_USAGE = 'densely train [options]';

export function train(argv: string[], io: Io): number {
  const o = parseOptions('train', argv, TRAIN_SPEC);
  if (o.help) {
    io.out(helpText(TRAIN_USAGE, TRAIN_SPEC));
    return 0;
  }
  const epochs = (o.epochs as number | undefined) ?? 10;
  const batchSize = (o.batchSize as number | undefined) ?? 32;
  const testSize = (o.testSize as number | undefined) ?? 0.2;
  const randomState = (o.randomState as number | undefined) ?? 42;
  const seed = (o.seed as number | undefined) ?? 42;
  const learningRate = (o.learningRate as number | undefined) ?? 0.001;
  if (epochs < 1) throw new UsageError(`train: --epochs must be at least 1, got ${epochs}`);
  if (batchSize < 1) throw new UsageError(`train: --batch-size must be at least 1, got ${batchSize}`);
  if (!(learningRate > 0)) throw new UsageError(`train: --learning-rate must be positive, got ${learningRate}`);
  if (o.labels && !o.data) throw new UsageError('train: --labels needs --data');
  const json = o.json === true;

  const data = loadNpyLabelled((o.data as string | undefined) ?? DEFAULT_DATA, o.labels as string | undefined);
  const { train: trainIdx, test: testIdx } = splitIndices(data.X.rows, { testSize, randomState });
  const XTrain = data.X.takeRows(trainIdx);
  const yTrain = data.y.takeRows(trainIdx);
  const XTest = data.X.takeRows(testIdx);
  const yTest = data.y.takeRows(testIdx);

  const model = new Sequential(
    [
      new Dense(64, { activation: 'relu', inputShape: [XTrain.cols] }),
      new Dense(64, { activation: 'relu' }),
      new Dense(1, { activation: 'sigmoid' }),
    ],
    { seed },
  );
  model.compile({ optimizer: new Adam({ learningRate }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  if (!json) io.out(`densely: ${data.X.rows} rows × ${data.X.cols} features from ${data.source}; train ${XTrain.rows}, test ${XTest.rows}`);

  const started = performance.now();
  const history = model.fit(XTrain, yTrain, { epochs, batchSize, seed, verbose: json ? 0 : 1, print: io.out });
  const fitSeconds = (performance.now() - started) / 1000;
  const steps = epochs * Math.ceil(XTrain.rows / batchSize);

  const test = model.evaluate(XTest, yTest);
  const probabilities = model.predict(XTest);
  const auc = rocAuc(probabilities.data, yTest.data);

  if (o.save) {
    saveModelFile(o.save as string, model, {
      featureNames: data.featureNames,
      preprocessing: null,
      training: { data: data.source, epochs, batchSize, testSize, randomState, seed, learningRate, test: { ...test, auc } },
    });
  }

  const result = {
    rows: data.X.rows,
    features: data.X.cols,
    trainRows: XTrain.rows,
    testRows: XTest.rows,
    epochs,
    batchSize,
    fitSeconds,
    usPerStep: (fitSeconds * 1e6) / steps,
    samplesPerSecond: (XTrain.rows * epochs) / fitSeconds,
    history: { loss: history.history.loss, accuracy: history.history.accuracy },
    test: { loss: test.loss, accuracy: test.accuracy, auc },
  };
  if (json) io.out(JSON.stringify(result));
  else {
    io.out(`fit: ${fitSeconds.toFixed(2)} s, ${result.usPerStep.toFixed(0)} µs/step, ${Math.round(result.samplesPerSecond).toLocaleString('en-US')} samples/s`);
    io.out(`test: loss ${test.loss.toFixed(4)} - accuracy ${test.accuracy.toFixed(4)} - ROC AUC ${auc.toFixed(4)}`);
    if (o.save) io.out(`saved model to ${o.save as string}`);
  }
  return 0;
}
