/** `densely train`: the marketing pipeline — load, split as sklearn does, fit, score, save. */
import { Dense } from '../nn/dense.js';
import { formatImportance, permutationImportance, type Importance } from '../analysis/importance.js';
import { formatSummary, scoreSummary, type ScoreSummary } from '../analysis/summary.js';
import { featureGroups } from '../data/feature-groups.js';
import { renderReport } from '../report/report.js';
import { rocAuc } from '../nn/metrics.js';
import { Sequential } from '../nn/sequential.js';
import { Adam } from '../optim/adam.js';
import type { Matrix } from '../tensor/matrix.js';
import { backendOption, commandOptions, listOption, type Spec, UsageError } from './args.js';
import { loadTrainingData } from './dataset.js';
import type { Io } from './io.js';
import { checkWritableTarget, writeFileAtomic } from '../node/files.js';
import { saveModel } from '../node/model-files.js';
import { saveOnnx } from '../node/onnx-files.js';
import { checkTfjsTarget, saveTfjs } from '../node/tfjs-files.js';

export const TRAIN_SPEC: Spec = {
  data: { type: 'string', help: '.npy (label = last column unless --labels) or CSV (.csv, .gz ok)', default: 'the embedded bank data' },
  labels: { type: 'string', help: '.npy labels, one per row of --data (int, bool or float 0/1)' },
  label: { type: 'string', help: "CSV: the label column (yes/no, true/false or 1/0)", default: "'y', else the last column" },
  drop: { type: 'string', help: 'CSV: columns to leave out, comma-separated (e.g. duration)' },
  delimiter: { type: 'string', help: "CSV: ',' ';' or 'tab'", default: 'sniffed' },
  standardize: { type: 'boolean', help: '.npy: z-score the features with the training rows\' mean and std (CSV numerics always are)' },
  impute: { type: 'string', help: "'mean': fill missing/NaN/Inf numeric cells, and text in numeric columns, with the training mean (default: an error)" },
  numeric: { type: 'string', help: 'CSV: columns to read as numbers whatever the typing rule says, comma-separated' },
  categorical: { type: 'string', help: 'CSV: columns to one-hot encode even if they hold numbers (e.g. zip codes), comma-separated' },
  'class-weight': { type: 'string', help: "'balanced' (n / (2·count)) or explicit weights like 0:1,1:7.5" },
  stratify: { type: 'boolean', help: 'keep the class ratio in both parts of the split (sklearn stratify=y)' },
  epochs: { type: 'int', help: 'passes over the training rows', default: 10, min: 1 },
  'batch-size': { type: 'int', help: 'rows per step', default: 32, min: 1 },
  'test-size': { type: 'number', help: 'held-out fraction (or count, if a whole number ≥ 1), as sklearn test_size', default: 0.2 },
  'random-state': { type: 'int', help: 'seed of the sklearn-identical split', default: 42, min: 0, max: 0xffffffff },
  seed: { type: 'int', help: 'seed for weight initialisation and shuffling', default: 42, min: 0, max: 0xffffffff },
  'learning-rate': { type: 'number', help: "Adam's learning rate", default: 0.001 },
  threshold: { type: 'number', help: 'the test summary decides 1 when the score is at least this', default: 0.5, min: 0, max: 1 },
  'contact-cost': { type: 'number', help: 'cost of contacting one customer (with --conversion-value: profit by cut on the test rows)', min: 0 },
  'conversion-value': { type: 'number', help: 'value of one positive contacted', min: 0 },
  report: { type: 'string', help: 'write an HTML report (charts and tables of the test rows) here' },
  save: { type: 'string', help: 'write the trained model (JSON, with its data preparation) here, atomically' },
  'save-tfjs': { type: 'string', help: 'also write the model as TensorFlow.js Layers files: DIR/model.json and DIR/weights.bin (docs/export.md)' },
  'save-onnx': { type: 'string', help: 'also write the model as an ONNX file (opset 13) here (docs/export.md)' },
  'onnx-preprocess': { type: 'boolean', help: 'with --save-onnx: put the data preparation in the ONNX graph too, so it scores raw rows' },
  json: { type: 'boolean', help: 'print one JSON object instead of progress lines' },
  backend: { type: 'string', help: "kernels to run on: 'js' or 'wasm' (WebAssembly SIMD)", default: 'wasm where WebAssembly SIMD exists, else js' },
  help: { type: 'boolean', help: 'show this help' },
};

export const TRAIN_USAGE = 'densely train [--data F.npy|F.csv] [options]';

export function train(argv: string[], io: Io): number {
  const o = commandOptions('train', argv, TRAIN_SPEC, TRAIN_USAGE, [], io.out);
  if (o === null) return 0;
  const epochs = (o.epochs as number | undefined) ?? 10;
  const batchSize = (o.batchSize as number | undefined) ?? 32;
  const testSize = (o.testSize as number | undefined) ?? 0.2;
  const randomState = (o.randomState as number | undefined) ?? 42;
  const seed = (o.seed as number | undefined) ?? 42;
  const learningRate = (o.learningRate as number | undefined) ?? 0.001;
  if (!(learningRate > 0)) throw new UsageError(`train: --learning-rate must be positive, got ${learningRate}`);
  if (o.labels && !o.data) throw new UsageError('train: --labels needs --data');
  if (o.impute !== undefined && o.impute !== 'mean') throw new UsageError(`train: --impute takes 'mean', got '${String(o.impute)}'`);
  const json = o.json === true;
  const backend = backendOption(o.backend); // checked before any work
  if ((o.contactCost === undefined) !== (o.conversionValue === undefined)) throw new UsageError('train: --contact-cost and --conversion-value go together');
  if (o.save) checkWritableTarget(o.save as string); // before any work, not after the training
  if (o.report) checkWritableTarget(o.report as string);
  if (o.saveTfjs) checkTfjsTarget(o.saveTfjs as string);
  if (o.saveOnnx) checkWritableTarget(o.saveOnnx as string);
  if (o.onnxPreprocess && !o.saveOnnx) throw new UsageError('train: --onnx-preprocess goes with --save-onnx F.onnx');

  const data = loadTrainingData({
    data: o.data as string | undefined,
    labels: o.labels as string | undefined,
    label: o.label as string | undefined,
    drop: listOption(o.drop),
    delimiter: delimiterOption(o.delimiter),
    standardize: o.standardize === true,
    impute: o.impute === 'mean' ? 'mean' : 'none',
    types: columnTypes(o.numeric, o.categorical),
    testSize,
    randomState,
    stratify: o.stratify === true,
  });
  for (const w of data.warnings) io.err(`densely: warning: ${w}`);
  const { XTrain, yTrain, XTest, yTest } = data;
  if (o.report && (XTest.rows < 10 || !hasBothClasses(yTest.data))) {
    // said before the training, not after it
    const why = XTest.rows < 10 ? `${XTest.rows} test rows are fewer than the 10 the decile tables need` : `the ${XTest.rows} test rows hold one class only`;
    throw new Error(`--report: ${why}; use a larger --test-size or --stratify`);
  }
  const classWeight = o.classWeight === undefined ? undefined : parseClassWeight(String(o.classWeight), yTrain);

  const model = new Sequential(
    [
      new Dense(64, { activation: 'relu', inputShape: [XTrain.cols] }),
      new Dense(64, { activation: 'relu' }),
      new Dense(1, { activation: 'sigmoid' }),
    ],
    { seed, backend },
  );
  model.compile({ optimizer: new Adam({ learningRate }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  if (!json) io.out(`densely: ${data.rows} rows × ${XTrain.cols} features from ${data.source}; train ${XTrain.rows}, test ${XTest.rows}; backend ${model.backend.name}`);

  const started = performance.now();
  const history = model.fit(XTrain, yTrain, { epochs, batchSize, seed, classWeight, verbose: json ? 0 : 1, print: io.out });
  const fitSeconds = (performance.now() - started) / 1000;
  const steps = epochs * Math.ceil(XTrain.rows / batchSize);

  const test = model.evaluate(XTest, yTest);
  const scores = model.predict(XTest).data;
  // the analyst's summary of the test rows; undefined (and said so) when they hold one class only
  let summary: ScoreSummary | null = null;
  let noSummary: string | null = null;
  try {
    summary = scoreSummary(scores, yTest.data, { threshold: o.threshold as number | undefined, contactCost: o.contactCost as number | undefined, conversionValue: o.conversionValue as number | undefined }, 'test rows');
  } catch (e) {
    noSummary = (e as Error).message;
  }
  const auc = summary ? summary.auc : rocAuc(scores, yTest.data); // (the summary already has it)
  let importance: Importance[] | null = null;
  if (summary) {
    const groups = featureGroups(data.preprocessing, data.featureNames, XTest.cols);
    importance = permutationImportance((rows) => model.predict(rows, { batchSize: 256 }).data, XTest, yTest.data, groups);
  }

  if (o.save) {
    saveModel(o.save as string, model, {
      featureNames: data.featureNames,
      preparation: data.preprocessing,
      training: { data: data.source, epochs, batchSize, testSize, randomState, seed, learningRate, classWeight, test: { ...test, auc } },
    });
  }
  if (o.saveTfjs) saveTfjs(o.saveTfjs as string, model.toJSON(), { preparation: data.preprocessing, featureNames: data.featureNames });
  if (o.saveOnnx) saveOnnx(o.saveOnnx as string, model.toJSON(), o.onnxPreprocess ? data.preprocessing : null);

  const result = {
    rows: data.rows,
    features: XTrain.cols,
    trainRows: XTrain.rows,
    testRows: XTest.rows,
    epochs,
    batchSize,
    // which kernels ran: 'wasm' (the default where WebAssembly SIMD exists) or 'js'
    backend: model.backend.name,
    fitSeconds,
    usPerStep: (fitSeconds * 1e6) / steps,
    samplesPerSecond: (XTrain.rows * epochs) / fitSeconds,
    history: { loss: history.history.loss, accuracy: history.history.accuracy },
    // Keras's loss and accuracy (p > 0.5), then the analyst's summary (its keys: see evaluate)
    test: { loss: test.loss, accuracy: test.accuracy, auc, ...(summary ? { ...summary, importance } : {}) },
  };
  if (noSummary) io.err(`densely: warning: no test summary: ${noSummary}`);
  if (o.report) {
    if (!summary) throw new Error(`--report: no report: ${noSummary}`);
    const provenance = { data: data.source, rows: data.rows, features: XTrain.cols, 'train rows': XTrain.rows, 'test rows': XTest.rows, 'test size': testSize, 'random state (split)': randomState, seed, epochs, 'batch size': batchSize, 'learning rate': learningRate, ...(classWeight ? { 'class weight': JSON.stringify(classWeight) } : {}) };
    writeFileAtomic(o.report as string, renderReport({ title: `densely: the model on the test rows of ${data.source.split(/[\\/]/).pop()}`, provenance, history: history.history, scores, labels: yTest.data, summary, importance: importance ?? undefined }));
  }
  if (json) io.out(JSON.stringify(result));
  else {
    io.out(`fit: ${fitSeconds.toFixed(2)} s, ${result.usPerStep.toFixed(0)} µs/step, ${Math.round(result.samplesPerSecond).toLocaleString('en-US')} samples/s`);
    io.out(`test: loss ${test.loss.toFixed(4)} - accuracy ${test.accuracy.toFixed(4)} - ROC AUC ${Number.isFinite(auc) ? auc.toFixed(4) : 'n/a (one class in the test rows)'}`);
    if (summary) for (const line of ['', 'on the test rows:', ...formatSummary(summary), '', ...formatImportance(importance ?? [])]) io.out(line);
    if (o.save) io.out(`saved model to ${o.save as string}`);
    if (o.saveTfjs) io.out(`saved the TensorFlow.js model to ${o.saveTfjs as string}/model.json`);
    if (o.saveOnnx) io.out(`saved the ONNX model to ${o.saveOnnx as string}${o.onnxPreprocess ? ' (with its data preparation)' : ''}`);
    if (o.report) io.out(`wrote the report to ${o.report as string}`);
  }
  return 0;
}

/** 'tab' (or '\t') → a tab; ',' and ';' as they are. */
export function delimiterOption(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (s === 'tab' || s === '\\t' || s === '\t') return '\t';
  if (s === ',' || s === ';') return s;
  throw new UsageError(`--delimiter must be ',', ';' or 'tab', got '${s}'`);
}

/**
 * Keras class_weight from the CLI: 'balanced' is sklearn's n_samples / (n_classes · count),
 * counted on the training labels; otherwise 'class:weight' pairs.
 */
export function parseClassWeight(spec: string, yTrain: Matrix): Record<number, number> {
  if (spec === 'balanced') {
    let pos = 0;
    for (let i = 0; i < yTrain.rows; i++) pos += yTrain.data[i];
    const n = yTrain.rows;
    if (pos === 0 || pos === n) throw new Error(`--class-weight balanced: the training labels have one class only`);
    return { 0: n / (2 * (n - pos)), 1: n / (2 * pos) };
  }
  const out: Record<number, number> = {};
  for (const pair of spec.split(',')) {
    const m = /^\s*([01])\s*:\s*(\d+\.?\d*([eE][+-]?\d+)?)\s*$/.exec(pair);
    if (!m) throw new UsageError(`train: --class-weight must be 'balanced' or both classes' weights like 0:1,1:7.5, got '${spec}'`);
    const cls = Number(m[1]);
    if (out[cls] !== undefined) throw new UsageError(`train: --class-weight gives class ${cls} twice in '${spec}'`);
    out[cls] = Number(m[2]);
  }
  if (out[0] === undefined || out[1] === undefined) {
    throw new UsageError(`train: --class-weight needs a weight for both classes, like 0:1,1:7.5, got '${spec}'`);
  }
  return out;
}

/** --numeric a,b --categorical c → { a: 'numeric', b: 'numeric', c: 'categorical' }; a column in both is refused. */
export function columnTypes(numeric: unknown, categorical: unknown): Record<string, 'numeric' | 'categorical'> | undefined {
  if (numeric === undefined && categorical === undefined) return undefined;
  const types: Record<string, 'numeric' | 'categorical'> = {};
  for (const c of listOption(numeric) ?? []) types[c] = 'numeric';
  for (const c of listOption(categorical) ?? []) {
    if (types[c]) throw new UsageError(`train: column '${c}' is given to both --numeric and --categorical`);
    types[c] = 'categorical';
  }
  return types;
}

/** Whether 0/1 labels hold both classes (AUC, lift and the report need both). */
function hasBothClasses(y: ArrayLike<number>): boolean {
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  return positives > 0 && positives < y.length;
}
