/** `densely train`: the marketing pipeline — load, split as sklearn does, fit, score, save. */
import { formatImportance, permutationImportance, type Importance } from '../analysis/importance.js';
import { formatSummary, scoreSummary, type ScoreSummary } from '../analysis/summary.js';
import { featureGroups } from '../data/feature-groups.js';
import { renderReport } from '../report/report.js';
import { rocAuc } from '../nn/metrics.js';
import type { Sequential } from '../nn/sequential.js';
import type { Matrix } from '../tensor/matrix.js';
import { buildModel, isRegressionLoss, MODEL_SPEC, modelOptions, oneHot, type BuiltModel, type ModelPlan } from './model-options.js';
import { formatRegression, regressionFigures } from './regression.js';
import { confusionMatrix, formatConfusion } from './confusion.js';
import { binaryRecodeHint } from '../data/label-classes.js';
import { backendOption, THREADS_SPEC, commandOptions, listOption, type Spec, UsageError } from './args.js';
import { loadTrainingData } from './dataset.js';
import type { Io } from './io.js';
import { checkWritableFolder, checkWritableTarget, writeFileAtomic } from '../node/files.js';
import { saveModel } from '../node/model-files.js';
import { saveOnnx } from '../node/onnx-files.js';
import { checkTfjsTarget, saveTfjs } from '../node/tfjs-files.js';
import { latestCheckpoint, writeCheckpoint } from '../node/checkpoints.js';
import { checkpointDocument, type RunRecord } from '../io/checkpoint.js';
import { modelFile, modelFromFile } from '../io/model-file.js';
import { CheckpointError } from '../errors.js';
import { Trainer } from '../nn/trainer.js';
import { fingerprint } from '../tensor/fingerprint.js';
import type { TrainingData } from '../data/prepare.js';

export const TRAIN_SPEC: Spec = {
  data: { type: 'string', help: '.npy (label = last column unless --labels) or CSV (.csv, .gz ok)', default: 'the embedded bank data' },
  labels: { type: 'string', help: '.npy labels, one per row of --data: 0/1, or whole-number classes (multi-class)' },
  label: { type: 'string', help: 'CSV: the label column: yes/no, true/false or 1/0; any other values name classes (multi-class, docs/cli.md)', default: "'y', else the last column" },
  drop: { type: 'string', help: 'CSV: columns to leave out, comma-separated (e.g. duration)' },
  delimiter: { type: 'string', help: "CSV: ',' ';' or 'tab'", default: 'sniffed' },
  standardize: { type: 'boolean', help: '.npy: z-score the features with the training rows\' mean and std (CSV numerics always are)' },
  impute: { type: 'string', help: "'mean': fill missing/NaN/Inf numeric cells, and text in numeric columns, with the training mean (default: an error)" },
  numeric: { type: 'string', help: 'CSV: columns to read as numbers whatever the typing rule says, comma-separated' },
  categorical: { type: 'string', help: 'CSV: columns to one-hot encode even if they hold numbers (e.g. zip codes), comma-separated' },
  'class-weight': { type: 'string', help: "'balanced' (n / (K·count)) or explicit weights like 0:1,1:7.5 (multi-class: CLASS:WEIGHT for every class)" },
  stratify: { type: 'boolean', help: 'keep the class ratio in both parts of the split (sklearn stratify=y)' },
  epochs: { type: 'int', help: 'passes over the training rows', default: 10, min: 1 },
  'batch-size': { type: 'int', help: 'rows per step', default: 32, min: 1 },
  'test-size': { type: 'number', help: 'held-out fraction (or count, if a whole number ≥ 1), as sklearn test_size', default: 0.2 },
  'random-state': { type: 'int', help: 'seed of the sklearn-identical split', default: 42, min: 0, max: 0xffffffff },
  seed: { type: 'int', help: 'seed for weight initialisation and shuffling', default: 42, min: 0, max: 0xffffffff },
  'learning-rate': { type: 'number', help: "the optimizer's learning rate", default: "0.001 for adam; each other optimizer's Keras default" },
  ...MODEL_SPEC,
  threshold: { type: 'number', help: 'the test summary decides 1 when the score is at least this', default: 0.5, min: 0, max: 1 },
  'contact-cost': { type: 'number', help: 'cost of contacting one customer (with --conversion-value: profit by cut on the test rows)', min: 0 },
  'conversion-value': { type: 'number', help: 'value of one positive contacted', min: 0 },
  report: { type: 'string', help: 'write an HTML report (charts and tables of the test rows) here' },
  save: { type: 'string', help: 'write the trained model (JSON, with its data preparation) here, atomically' },
  'save-tfjs': { type: 'string', help: 'also write the model as TensorFlow.js Layers files: DIR/model.json and DIR/weights.bin (docs/export.md)' },
  'save-onnx': { type: 'string', help: 'also write the model as an ONNX file (opset 13) here (docs/export.md)' },
  'onnx-preprocess': { type: 'boolean', help: 'with --save-onnx: put the data preparation in the ONNX graph too, so it scores raw rows' },
  'checkpoint-dir': { type: 'string', help: 'write a checkpoint (model, optimizer, trainer state, data fingerprint) here at the end of every epoch; the last two are kept' },
  'checkpoint-every': { type: 'int', help: 'with --checkpoint-dir: a checkpoint every N steps instead of every epoch', min: 1 },
  resume: { type: 'string', help: 'continue the run from the newest complete checkpoint in this folder (same data and options)' },
  'on-nan': { type: 'string', help: "a NaN or Infinity in the loss or a gradient: 'stop' (keep the last good weights, exit 1) or 'skip-batch'", default: 'stop' },
  json: { type: 'boolean', help: 'print one JSON object instead of progress lines' },
  backend: { type: 'string', help: "kernels to run on: 'js' or 'wasm' (WebAssembly SIMD)", default: 'wasm where WebAssembly SIMD exists, else js' },
  threads: THREADS_SPEC,
  help: { type: 'boolean', help: 'show this help' },
};

export const TRAIN_USAGE = 'densely train [--data F.npy|F.csv] [options]';

/** SIGINT/SIGTERM seen while train runs (set by io.onInterrupt's handler). */
interface Interrupts {
  signal: string | null;
}

/**
 * `densely train`. With an io that reports signals (the real process), the handlers are in place
 * from the start, so a Ctrl-C during loading is seen at the first slice of steps; the result is
 * then a Promise (see runInSlices).
 */
export function train(argv: string[], io: Io): number | Promise<number> {
  if (!io.onInterrupt) return trainWith(argv, io, null);
  const seen: Interrupts = { signal: null };
  const stop = io.onInterrupt((s) => (seen.signal ??= s));
  let result: number | Promise<number>;
  try {
    result = trainWith(argv, io, seen);
  } catch (e) {
    stop();
    throw e;
  }
  if (typeof result === 'number') {
    stop();
    return result;
  }
  return result.finally(stop);
}

function trainWith(argv: string[], io: Io, seen: Interrupts | null): number | Promise<number> {
  const o = commandOptions('train', argv, TRAIN_SPEC, TRAIN_USAGE, [], io.out);
  if (o === null) return 0;
  const epochs = (o.epochs as number | undefined) ?? 10;
  const batchSize = (o.batchSize as number | undefined) ?? 32;
  const testSize = (o.testSize as number | undefined) ?? 0.2;
  const randomState = (o.randomState as number | undefined) ?? 42;
  const seed = (o.seed as number | undefined) ?? 42;
  if (o.learningRate !== undefined && !((o.learningRate as number) > 0)) throw new UsageError(`train: --learning-rate must be positive, got ${o.learningRate as number}`);
  const plan = modelOptions(o); // names checked before any work
  if (o.labels && !o.data) throw new UsageError('train: --labels needs --data');
  if (o.impute !== undefined && o.impute !== 'mean') throw new UsageError(`train: --impute takes 'mean', got '${String(o.impute)}'`);
  const json = o.json === true;
  const backend = backendOption(o.backend, o.threads); // checked before any work
  if ((o.contactCost === undefined) !== (o.conversionValue === undefined)) throw new UsageError('train: --contact-cost and --conversion-value go together');
  if (o.save) checkWritableTarget(o.save as string); // before any work, not after the training
  if (o.report) checkWritableTarget(o.report as string);
  if (o.saveTfjs) checkTfjsTarget(o.saveTfjs as string);
  if (o.saveOnnx) checkWritableTarget(o.saveOnnx as string);
  if (o.onnxPreprocess && !o.saveOnnx) throw new UsageError('train: --onnx-preprocess goes with --save-onnx F.onnx');
  if (o.checkpointEvery !== undefined && !o.checkpointDir) throw new UsageError('train: --checkpoint-every needs --checkpoint-dir');
  const resumeDir = o.resume as string | undefined;
  // a resumed run goes on writing checkpoints where it found them, unless told otherwise
  const checkpointDir = (o.checkpointDir as string | undefined) ?? resumeDir;
  if (checkpointDir) checkWritableFolder(checkpointDir);

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
    // --loss mse, mae or huber: a label that is not binary is a number to predict
    regression: isRegressionLoss(plan.loss),
  });
  for (const w of data.warnings) io.err(`densely: warning: ${w}`);
  const { XTrain, XTest } = data;
  const classes = data.classes;
  if (classes) {
    // the analyst's outputs rank one score per row: they need a binary label
    for (const [flag, given] of [['--report', o.report], ['--threshold', o.threshold], ['--contact-cost', o.contactCost]] as const) {
      if (given !== undefined) throw new UsageError(`train: ${flag} needs a binary label; ${data.source}'s label has ${classes.length} classes (${classes.join(', ')})${binaryRecodeHint(classes)}`);
    }
  }
  if (data.regression) {
    for (const [flag, given] of [['--report', o.report], ['--threshold', o.threshold], ['--contact-cost', o.contactCost], ['--class-weight', o.classWeight]] as const) {
      if (given !== undefined) throw new UsageError(`train: ${flag} needs a binary label; ${data.source}'s label is a regression target (numbers to predict, --loss ${plan.loss})`);
    }
  }
  if (o.report && (XTest.rows < 10 || !hasBothClasses(data.yTest.data))) {
    // said before the training, not after it
    const why = XTest.rows < 10 ? `${XTest.rows} test rows are fewer than the 10 the decile tables need` : `the ${XTest.rows} test rows hold one class only`;
    throw new Error(`--report: ${why}; use a larger --test-size or --stratify`);
  }
  const classWeight = o.classWeight === undefined ? undefined : parseClassWeight(String(o.classWeight), data.yTrain, classes);

  const onNan = (o.onNan as string | undefined) ?? 'stop';
  if (onNan !== 'stop' && onNan !== 'skip-batch') throw new UsageError(`train: --on-nan takes 'stop' or 'skip-batch', got '${onNan}'`);
  const built = buildModel(plan, XTrain.cols, classes, { seed, backend, regression: data.regression });
  let model = built.model;
  // the rate the optimizer runs at (--learning-rate, or its own default), for the record
  const learningRate = (model.compiled('train').optimizer as unknown as { learningRate: number }).learningRate;
  // categorical_crossentropy takes one-hot rows; every other loss the labels as they are
  const yTrain = built.oneHot ? oneHot(data.yTrain, classes!.length) : data.yTrain;
  const yTest = built.oneHot ? oneHot(data.yTest, classes!.length) : data.yTest;
  if (built.validationSplit !== undefined) checkValidationRows(built, data.yTrain, classes);
  if (!json) io.out(`densely: ${data.rows} rows × ${XTrain.cols} features from ${data.source}; train ${XTrain.rows}, test ${XTest.rows}; backend ${model.backend.name}`);
  // the architecture, once it is not the default one
  if (!json && plan.given) model.summary(io.out);
  if (!json && data.regression) io.out(`densely: a regression target: a Dense(1, linear) head, loss ${built.loss}`);
  if (!json && classes) io.out(`densely: a multi-class label: ${classes.length} classes (${classes.join(', ')}); a Dense(${classes.length}, softmax) head, loss ${built.loss}`);
  if (!json && built.validationSplit !== undefined) {
    const val = XTrain.rows - Math.floor(XTrain.rows * (1 - built.validationSplit));
    io.out(`densely: validation: the last ${val} of the ${XTrain.rows} training rows (--validation-split ${built.validationSplit}${plan.validationSplit === undefined ? ', the default of --early-stopping' : ''})${built.monitor ? `; early stopping on ${built.monitor}, patience ${plan.earlyStopping}` : ''}`);
  }

  // What a checkpoint records of this run, and what a resume must match: the options that change
  // the result (not where outputs go), and the training rows themselves.
  const run: RunRecord = {
    options: {
      label: str(o.label), drop: str(o.drop), delimiter: str(o.delimiter), standardize: o.standardize === true, impute: str(o.impute), numeric: str(o.numeric), categorical: str(o.categorical), 'class-weight': str(o.classWeight), stratify: o.stratify === true, epochs, 'batch-size': batchSize, 'test-size': testSize, 'random-state': randomState, seed, 'learning-rate': learningRate, 'on-nan': onNan,
      // the model options: absent (null) in checkpoints written before they existed, and when not given
      ...(plan.given ? { layers: str(o.layers), activation: str(o.activation), dropout: str(o.dropout), optimizer: str(o.optimizer), loss: str(o.loss), metrics: str(o.metrics), 'validation-split': str(o.validationSplit), 'early-stopping': str(o.earlyStopping) } : {}),
    },
    data: { rows: XTrain.rows, cols: XTrain.cols, fingerprint: `${fingerprint(XTrain)}/${fingerprint(data.yTrain)}` },
  };
  const sections = { featureNames: data.featureNames, preparation: data.preprocessing, ...(classes ? { classes } : {}), ...(data.regression ? { target: 'regression' as const } : {}) };
  const callbacks = built.earlyStopping ? [built.earlyStopping] : [];
  const print = json ? () => {} : io.out;
  // in a terminal, Keras's progress bar redrawn in place; piped, one line per epoch
  const write = json ? undefined : io.terminal;
  let trainer: Trainer;
  if (resumeDir) {
    const ck = latestCheckpoint(resumeDir, (line) => io.err(`densely: warning: ${line}`));
    checkSameRun(ck.path, ck.run, run);
    // the checkpoint's model was loaded on the default backend: move it to the one asked for
    // (js and wasm round differently, so a resumed run continues on the backend it started on)
    model = backend === undefined || ck.model.backend.name === backend ? ck.model : modelFromFile(modelFile(ck.model), ck.path, { backend }).model;
    try {
      trainer = Trainer.restore(model, XTrain, yTrain, ck.state, { print, write, callbacks });
    } catch (e) {
      throw new CheckpointError(ck.path, (e as Error).message.replace(/^Trainer.restore: /, ''));
    }
    const at = trainer.position;
    if (!json) io.out(`densely: resumed from ${ck.path} at epoch ${at.epoch + 1}, step ${at.step} of ${at.stepsPerEpoch}`);
  } else {
    const extra = { ...(built.validationSplit !== undefined ? { validationSplit: built.validationSplit } : {}), ...(callbacks.length ? { callbacks } : {}) };
    trainer = model.makeTrainer(XTrain, yTrain, { epochs, batchSize, seed, classWeight, verbose: json ? 0 : 1, print, write, onNan, ...extra });
  }

  const every = o.checkpointEvery as number | undefined;
  let lastWritten = -1;
  const checkpoint = (dir: string): string => {
    const { epoch, step, stepsPerEpoch } = trainer.position;
    const global = epoch * stepsPerEpoch + step;
    const path = writeCheckpoint(dir, checkpointDocument(model, trainer.getState(), run, sections), global);
    lastWritten = global;
    return path;
  };
  let lastEpoch = trainer.position.epoch;
  const afterStep = (): void => {
    if (!checkpointDir) return;
    const { epoch, step, stepsPerEpoch } = trainer.position;
    const global = epoch * stepsPerEpoch + step;
    const due = every !== undefined ? global % every === 0 : epoch !== lastEpoch && step === 0;
    lastEpoch = epoch;
    if (due && global !== lastWritten && !trainer.done) checkpoint(checkpointDir);
  };
  const started = performance.now();
  const finish = (): number => finishTraining({ o, io, json, data, model, trainer, started, epochs, batchSize, testSize, randomState, seed, learningRate, classWeight, sections, plan, built, yTest });
  if (seen === null) {
    while (!trainer.done) {
      trainer.step();
      afterStep();
    }
    return finish();
  }
  return runInSlices(trainer, afterStep, seen).then((signal) => {
    if (signal === null) return finish();
    const dir = checkpointDir ?? (o.save ? `${o.save as string}.checkpoints` : null);
    const { epoch, step } = trainer.position;
    if (dir === null) {
      io.err(`densely: interrupted (${signal}) at epoch ${epoch + 1}, step ${step}; nothing saved (give --checkpoint-dir or --save to keep an interrupted run)`);
      return 130;
    }
    const path = checkpoint(dir);
    const again = argv.filter((a, i) => !(a === '--resume' || argv[i - 1] === '--resume' || a.startsWith('--resume=')));
    io.err(`densely: interrupted (${signal}) at epoch ${epoch + 1}, step ${step}; checkpoint written to ${path}`);
    io.err(`densely: resume with: densely train ${[...again, '--resume', dir].map(shellQuote).join(' ')}`);
    return 130;
  });
}

/** Runs steps in ~50 ms slices, yielding to the event loop between them so a signal can arrive. Resolves with the signal's name, or null when training ended. */
async function runInSlices(trainer: Trainer, afterStep: () => void, seen: Interrupts): Promise<string | null> {
  while (!trainer.done) {
    await new Promise((r) => setImmediate(r)); // a signal's handler runs here, between slices
    if (seen.signal !== null) return seen.signal;
    const until = performance.now() + 50;
    do {
      trainer.step(); // a signal never cuts a step
      afterStep();
    } while (!trainer.done && performance.now() < until);
  }
  return null;
}

/** An argument as a POSIX shell reads it back: bare when safe, else single-quoted. */
function shellQuote(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

function str(v: unknown): string | null {
  return v === undefined ? null : String(v);
}

/** A resume must be the same run: the same result-changing options and the same training rows. */
function checkSameRun(path: string, saved: RunRecord, now: RunRecord): void {
  const diffs: string[] = [];
  for (const key of new Set([...Object.keys(saved.options), ...Object.keys(now.options)])) {
    const a = saved.options[key] ?? null;
    const b = now.options[key] ?? null;
    if (a !== b) diffs.push(`--${key} ${a === null ? '(not given)' : String(a)} then, ${b === null ? '(not given)' : String(b)} now`);
  }
  if (diffs.length) throw new CheckpointError(path, `this run's options differ from the checkpoint's, which would change the result: ${diffs.join('; ')}. Give the same options, or start afresh without --resume`);
  const d = saved.data;
  const e = now.data;
  if (d.rows !== e.rows || d.cols !== e.cols || d.fingerprint !== e.fingerprint) {
    throw new CheckpointError(path, `the training data differ from the checkpoint's (${d.rows} × ${d.cols}, fingerprint ${d.fingerprint} then; ${e.rows} × ${e.cols}, ${e.fingerprint} now): give the same --data and split options`);
  }
}

interface FinishContext {
  o: Record<string, unknown>;
  io: Io;
  json: boolean;
  data: TrainingData;
  model: Sequential;
  trainer: Trainer;
  started: number;
  epochs: number;
  batchSize: number;
  testSize: number;
  randomState: number;
  seed: number;
  learningRate: number;
  classWeight: Record<number, number> | undefined;
  sections: { featureNames?: string[]; preparation: TrainingData['preprocessing']; classes?: string[]; target?: 'regression' };
  plan: ModelPlan;
  built: BuiltModel;
  /** The test targets as the loss takes them (one-hot rows for categorical_crossentropy). */
  yTest: Matrix;
}

/** What the new model options add to the record, the JSON and the saved file (nothing when none was given). */
function modelRecord(c: FinishContext): Record<string, unknown> {
  const { plan, built } = c;
  if (!plan.given && !c.data.classes && !c.data.regression) return {};
  const es = built.earlyStopping;
  return {
    model: { layers: plan.layers, activation: plan.activation, dropout: plan.dropout, optimizer: plan.optimizer, loss: built.loss, metrics: built.metrics, validationSplit: built.validationSplit ?? null },
    ...(es ? { earlyStopping: { monitor: built.monitor, patience: plan.earlyStopping, epochsRun: c.trainer.history.history.loss.length, stoppedEpoch: es.stoppedEpoch >= 0 ? es.stoppedEpoch + 1 : null, bestEpoch: es.bestEpoch + 1 } } : {}),
  };
}

/** The history for --json: loss and accuracy as before, every key (val_*, other metrics) once a model option is given. */
function historyJson(c: FinishContext): Record<string, number[]> {
  const h = c.trainer.history.history as Record<string, number[]>;
  return c.plan.given || c.data.classes || c.data.regression ? { ...h } : { loss: h.loss, accuracy: h.accuracy };
}

/** The head of --json: the data's and the run's sizes, where it ran, and its speed. */
function runFigures(c: FinishContext, fitSeconds: number) {
  const { data, model, epochs, batchSize } = c;
  return {
    rows: data.rows,
    features: data.XTrain.cols,
    trainRows: data.XTrain.rows,
    testRows: data.XTest.rows,
    epochs,
    batchSize,
    // which kernels ran: 'wasm' (the default where WebAssembly SIMD exists) or 'js'
    backend: model.backend.name,
    // the most threads its big gemms may use (1, or 2 for wasm over shared memory: --threads)
    threads: model.backend.threads ?? 1,
    fitSeconds,
    usPerStep: (fitSeconds * 1e6) / fitSteps(c),
    samplesPerSecond: (fitRows(c) * epochsRun(c)) / fitSeconds,
  };
}

/** The printed speed line. */
function printFit(c: FinishContext, fitSeconds: number): void {
  const f = runFigures(c, fitSeconds);
  c.io.out(`fit: ${fitSeconds.toFixed(2)} s, ${f.usPerStep.toFixed(0)} µs/step, ${Math.round(f.samplesPerSecond).toLocaleString('en-US')} samples/s`);
}

/** --save, --save-tfjs and --save-onnx: the run's data sections (with class names or the regression marker), and `training`, the run's record. */
function saveAll(c: FinishContext, training: Record<string, unknown>): void {
  const { o, data, model, epochs, batchSize, testSize, randomState, seed, learningRate, sections } = c;
  if (o.save) saveModel(o.save as string, model, { ...sections, training: { data: data.source, epochs, batchSize, testSize, randomState, seed, learningRate, ...training } });
  if (o.saveTfjs) saveTfjs(o.saveTfjs as string, model.toJSON(), sections);
  if (o.saveOnnx) saveOnnx(o.saveOnnx as string, model.toJSON(), o.onnxPreprocess ? data.preprocessing : null);
}

/** After the training: test figures, the saved model, the report, the printed summary. */
function finishTraining(c: FinishContext): number {
  if (c.data.classes) return finishMultiClass(c, c.data.classes);
  if (c.data.regression) return finishRegression(c);
  const { o, io, json, data, model, epochs, batchSize, testSize, randomState, seed, learningRate, classWeight, yTest } = c;
  const { XTrain, XTest } = data;
  const history = c.trainer.history;
  const fitSeconds = (performance.now() - c.started) / 1000;

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
  // the test values of the other --metrics (precision, recall, …), beside loss and accuracy
  const { loss: testLoss, accuracy: testAccuracy, ...otherMetrics } = test;
  const record = modelRecord(c);

  saveAll(c, { classWeight, ...record, test: { ...test, auc } });

  const result = {
    ...runFigures(c, fitSeconds),
    ...record,
    history: historyJson(c),
    // Keras's loss and accuracy (p > 0.5), then the analyst's summary (its keys: see evaluate)
    test: { loss: testLoss, accuracy: testAccuracy, ...otherMetrics, auc, ...(summary ? { ...summary, importance } : {}) },
  };
  if (noSummary) io.err(`densely: warning: no test summary: ${noSummary}`);
  const skipped = c.trainer.skipped;
  if (skipped.length) io.err(`densely: warning: --on-nan skip-batch skipped ${skipped.length} batch${skipped.length === 1 ? '' : 'es'} with a NaN or an Infinity (first: ${skipped[0]})`);
  if (o.report) {
    if (!summary) throw new Error(`--report: no report: ${noSummary}`);
    const provenance = { data: data.source, rows: data.rows, features: XTrain.cols, 'train rows': XTrain.rows, 'test rows': XTest.rows, 'test size': testSize, 'random state (split)': randomState, seed, epochs, 'batch size': batchSize, 'learning rate': learningRate, ...(classWeight ? { 'class weight': JSON.stringify(classWeight) } : {}) };
    writeFileAtomic(o.report as string, renderReport({ title: `densely: the model on the test rows of ${data.source.split(/[\\/]/).pop()}`, provenance, history: history.history, scores, labels: yTest.data, summary, importance: importance ?? undefined }));
  }
  if (json) io.out(JSON.stringify(result));
  else {
    printFit(c, fitSeconds);
    printEarlyStopping(c);
    const others = Object.entries(otherMetrics).map(([k, v]) => ` - ${k} ${v.toFixed(4)}`).join('');
    // (accuracy is there unless --metrics left it out)
    io.out(`test: loss ${testLoss.toFixed(4)}${testAccuracy === undefined ? '' : ` - accuracy ${testAccuracy.toFixed(4)}`}${others} - ROC AUC ${Number.isFinite(auc) ? auc.toFixed(4) : 'n/a (one class in the test rows)'}`);
    if (summary) for (const line of ['', 'on the test rows:', ...formatSummary(summary), '', ...formatImportance(importance ?? [])]) io.out(line);
    printSaved(c);
    if (o.report) io.out(`wrote the report to ${o.report as string}`);
  }
  return 0;
}

/** Steps taken: batches per epoch (of the rows fit trained on) times the epochs run. */
function fitSteps(c: FinishContext): number {
  return epochsRun(c) * Math.ceil(fitRows(c) / c.batchSize);
}

/** The epochs run: all asked for, unless early stopping ended the run sooner. */
function epochsRun(c: FinishContext): number {
  return c.built.earlyStopping ? c.trainer.history.history.loss.length : c.epochs;
}

/** The rows fit trained on: the training rows, less the validation split's. */
function fitRows(c: FinishContext): number {
  const n = c.data.XTrain.rows;
  return c.built.validationSplit === undefined ? n : Math.floor(n * (1 - c.built.validationSplit));
}

function printEarlyStopping(c: FinishContext): void {
  const es = c.built.earlyStopping;
  if (!es) return;
  const h = c.trainer.history.history as Record<string, number[]>;
  const best = h[c.built.monitor!]?.[es.bestEpoch];
  const stopped = es.stoppedEpoch >= 0 ? `stopped after epoch ${es.stoppedEpoch + 1} of ${c.epochs}` : `ran all ${c.epochs} epochs`;
  c.io.out(`early stopping: ${stopped}; kept the weights of epoch ${es.bestEpoch + 1} (${c.built.monitor} ${best === undefined ? 'n/a' : best.toFixed(4)})`);
}

function printSaved(c: FinishContext): void {
  const { o, io } = c;
  if (o.save) io.out(`saved model to ${o.save as string}`);
  if (o.saveTfjs) io.out(`saved the TensorFlow.js model to ${o.saveTfjs as string}/model.json`);
  if (o.saveOnnx) io.out(`saved the ONNX model to ${o.saveOnnx as string}${o.onnxPreprocess ? ' (with its data preparation)' : ''}`);
}

/** The end of a multi-class run: test loss and accuracy, the confusion matrix, the saved model with its class names. */
function finishMultiClass(c: FinishContext, classes: string[]): number {
  const { io, json, data, model, classWeight, yTest } = c;
  const { XTest } = data;
  const fitSeconds = (performance.now() - c.started) / 1000;
  const test = model.evaluate(XTest, yTest);
  const confusion = confusionMatrix(model.predict(XTest).data, data.yTest.data, classes.length);
  const record = modelRecord(c);
  // the argmax's accuracy, from the confusion matrix (whatever name --metrics gave the metric)
  const accuracy = confusion.reduce((sum, row, t) => sum + row[t], 0) / XTest.rows;
  // the other --metrics on the test rows (auc, precision, recall: micro-averaged), by their names
  const otherMetrics = Object.fromEntries(Object.entries(test).filter(([k]) => k !== 'loss' && !/^(acc|accuracy|sparse_categorical_accuracy|sparseCategoricalAccuracy)$/.test(k)));
  const testJson = { loss: test.loss, accuracy, ...otherMetrics, classes, confusion };
  saveAll(c, { classWeight, ...record, test: testJson });
  const skipped = c.trainer.skipped;
  if (skipped.length) io.err(`densely: warning: --on-nan skip-batch skipped ${skipped.length} batch${skipped.length === 1 ? '' : 'es'} with a NaN or an Infinity (first: ${skipped[0]})`);
  if (json) {
    io.out(JSON.stringify({ ...runFigures(c, fitSeconds), classes, ...record, history: historyJson(c), test: testJson }));
    return 0;
  }
  printFit(c, fitSeconds);
  printEarlyStopping(c);
  io.out(`test: loss ${test.loss.toFixed(4)} - accuracy ${accuracy.toFixed(4)}${Object.entries(otherMetrics).map(([k, v]) => ` - ${k} ${(v as number).toFixed(4)}`).join('')}`);
  for (const line of ['', 'on the test rows (rows: true class, columns: predicted):', ...formatConfusion(confusion, classes)]) io.out(line);
  printSaved(c);
  return 0;
}

/** The end of a regression run: the test loss and metrics, MAE, RMSE and R², the saved model marked as a regression. */
function finishRegression(c: FinishContext): number {
  const { io, json, data, model, yTest } = c;
  const { XTest } = data;
  const fitSeconds = (performance.now() - c.started) / 1000;
  const test = model.evaluate(XTest, yTest);
  const figures = regressionFigures(model.predict(XTest).data, yTest.data);
  const record = modelRecord(c);
  const testJson = { ...test, ...figures };
  saveAll(c, { ...record, test: testJson });
  if (json) {
    io.out(JSON.stringify({ ...runFigures(c, fitSeconds), target: 'regression', ...record, history: historyJson(c), test: testJson }));
    return 0;
  }
  printFit(c, fitSeconds);
  printEarlyStopping(c);
  io.out(`test: loss ${test.loss.toFixed(4)} - ${formatRegression(figures)}`);
  printSaved(c);
  return 0;
}

/**
 * The validation rows fit will hold out (the last fraction of the training rows) must be able to
 * give the monitored value: early stopping on val_auc needs both classes in them.
 */
function checkValidationRows(built: BuiltModel, yTrain: Matrix, classes: readonly string[] | null): void {
  const n = yTrain.rows;
  const f = built.validationSplit!;
  const at = Math.floor(n * (1 - f));
  if (at === 0 || at === n) throw new UsageError(`train: --validation-split ${f} of ${n} training rows leaves no training or no validation rows`);
  if (built.monitor === 'val_auc' && !classes && !hasBothClasses(yTrain.data.subarray(at))) {
    throw new UsageError(`train: --early-stopping watches val_auc, but the ${n - at} validation rows (the last ${f} of the training rows) hold one class only; use a larger --validation-split`);
  }
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
export function parseClassWeight(spec: string, yTrain: Matrix, classes: readonly string[] | null = null): Record<number, number> {
  if (classes) return parseClassWeights(spec, yTrain, classes);
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

/**
 * class_weight for a multi-class label: 'balanced' is n / (K · count) per class; otherwise
 * 'name:weight' pairs naming every class, e.g. class_0:1,class_1:2,class_2:1.
 */
function parseClassWeights(spec: string, yTrain: Matrix, classes: readonly string[]): Record<number, number> {
  const k = classes.length;
  if (spec === 'balanced') {
    const counts = new Float64Array(k);
    for (let i = 0; i < yTrain.rows; i++) counts[yTrain.data[i]]++;
    const out: Record<number, number> = {};
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) throw new Error(`--class-weight balanced: class ${classes[c]} has no training rows`);
      out[c] = yTrain.rows / (k * counts[c]);
    }
    return out;
  }
  const out: Record<number, number> = {};
  for (const pair of spec.split(',')) {
    const at = pair.lastIndexOf(':');
    const name = pair.slice(0, at).trim();
    const w = pair.slice(at + 1).trim();
    const c = classes.indexOf(name);
    if (at < 0 || c < 0 || !/^\d+\.?\d*([eE][+-]?\d+)?$/.test(w)) {
      throw new UsageError(`train: --class-weight must be 'balanced' or class:weight pairs for the classes ${classes.join(', ')}, got '${spec}'`);
    }
    if (out[c] !== undefined) throw new UsageError(`train: --class-weight gives class ${name} twice in '${spec}'`);
    out[c] = Number(w);
  }
  const missing = classes.filter((_, c) => out[c] === undefined);
  if (missing.length) throw new UsageError(`train: --class-weight needs a weight for every class; missing ${missing.join(', ')}`);
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
