/**
 * `densely evaluate`: a saved model on labelled rows, in the analyst's terms: the baseline, ROC
 * and PR AUC, the decision at a threshold, the best-F1 threshold, gains and lift by decile,
 * calibration, and with costs the campaign's profit by cut (src/analysis/summary.ts).
 * A multi-class model gets its loss, accuracy and confusion matrix instead (those figures rank
 * one score per row, so they need a binary label); a regression model its loss, MAE, RMSE and R².
 */
import { formatImportance, permutationImportance } from '../analysis/importance.js';
import { formatSummary, scoreSummary } from '../analysis/summary.js';
import { featureGroups } from '../data/feature-groups.js';
import { checkWritableTarget, writeFileAtomic } from '../node/files.js';
import { renderReport } from '../report/report.js';
import { loadModelFile } from '../node/model-files.js';
import { backendOption, THREADS_SPEC, commandOptions, type Spec, UsageError } from './args.js';
import { loadEvaluationData } from './dataset.js';
import type { Io } from './io.js';
import { checkFiniteScores } from '../io/finite-scores.js';
import type { Sequential } from '../nn/sequential.js';
import type { Matrix } from '../tensor/matrix.js';
import { confusionMatrix, formatConfusion } from './confusion.js';
import { oneHot } from './model-options.js';
import { formatRegression, regressionFigures } from './regression.js';
import { classNamesOf } from '../io/model-file.js';

export const EVALUATE_SPEC: Spec = {
  model: { type: 'string', help: 'a model file (densely train --save, or model.save)' },
  data: { type: 'string', help: 'labelled rows: raw CSV with the label column, or .npy features (+ the label last, or --labels)' },
  labels: { type: 'string', help: '.npy labels, one per row of a .npy --data' },
  threshold: { type: 'number', help: 'decide 1 when the score is at least this', default: 0.5, min: 0, max: 1 },
  'contact-cost': { type: 'number', help: 'cost of contacting one customer (with --conversion-value: profit by cut)', min: 0 },
  'conversion-value': { type: 'number', help: 'value of one positive contacted', min: 0 },
  report: { type: 'string', help: 'write an HTML report (charts and tables) here' },
  'batch-size': { type: 'int', help: 'rows per forward pass', default: 32, min: 1 },
  backend: { type: 'string', help: "kernels to run on: 'js' or 'wasm' (WebAssembly SIMD)", default: 'wasm where WebAssembly SIMD exists, else js' },
  threads: THREADS_SPEC,
  json: { type: 'boolean', help: 'print one JSON object (the keys of docs/semantics.md, "The analyst\'s summary"; multi-class: docs/cli.md)' },
  help: { type: 'boolean', help: 'show this help' },
};

export const EVALUATE_USAGE = 'densely evaluate --model model.json --data test.csv|X.npy [--labels y.npy] [--threshold 0.5] [--contact-cost C --conversion-value V] [--report report.html] [--json]';

export function evaluate(argv: string[], io: Io): number {
  const o = commandOptions('evaluate', argv, EVALUATE_SPEC, EVALUATE_USAGE, ['model', 'data'], io.out);
  if (o === null) return 0;
  if ((o.contactCost === undefined) !== (o.conversionValue === undefined)) {
    throw new UsageError('evaluate: --contact-cost and --conversion-value go together');
  }
  if (o.data === '-') throw new UsageError("evaluate: --data - (stdin) is for predict; evaluate reads a file");
  if (o.report) checkWritableTarget(o.report as string);
  const loaded = loadModelFile(o.model as string, { backend: backendOption(o.backend, o.threads) });
  const { model, preparation, featureNames } = loaded;
  // a model of K > 1 outputs is a classifier: its class names, or 0…K−1 when the file has none
  const classes = classNamesOf(loaded);
  if (classes) {
    for (const [flag, given] of [['--threshold', o.threshold], ['--contact-cost', o.contactCost], ['--report', o.report]] as const) {
      if (given !== undefined) throw new UsageError(`evaluate: ${flag} needs a binary label; ${o.model as string} has ${classes.length} classes (${classes.join(', ')})`);
    }
  }
  const regression = loaded.target === 'regression';
  if (regression) {
    for (const [flag, given] of [['--threshold', o.threshold], ['--contact-cost', o.contactCost], ['--report', o.report]] as const) {
      if (given !== undefined) throw new UsageError(`evaluate: ${flag} needs a binary label; ${o.model as string} is a regression model (it predicts numbers)`);
    }
  }
  const { X, y, warnings } = loadEvaluationData(o.data as string, o.labels as string | undefined, preparation, model.inputSize as number, classes, regression);
  for (const w of warnings) io.err(`densely: warning: ${w}`);
  if (classes) return evaluateClasses(model, X, y, classes, o, io);
  if (regression) return evaluateRegression(model, X, y, o, io);
  if (model.outputSize !== 1) throw new Error(`${o.model as string}: the model has ${model.outputSize} outputs; evaluate reads one score per row`);
  const scores = model.predict(X, { batchSize: (o.batchSize as number | undefined) ?? 32 });
  checkFiniteScores(scores.data, o.data as string);
  const summary = scoreSummary(scores.data, y.data, {
    threshold: o.threshold as number | undefined,
    contactCost: o.contactCost as number | undefined,
    conversionValue: o.conversionValue as number | undefined,
  }, o.data as string);
  const groups = featureGroups(preparation, featureNames, model.inputSize as number);
  const importance = permutationImportance((rows) => model.predict(rows, { batchSize: 256 }).data, X, y.data, groups);
  if (o.report) {
    const provenance = { model: o.model as string, data: o.data as string, ...(o.labels ? { labels: o.labels as string } : {}), rows: X.rows, features: X.cols };
    writeFileAtomic(o.report as string, renderReport({ title: `densely: ${o.model as string} on ${o.data as string}`, provenance, scores: scores.data, labels: y.data, summary, importance }));
    io.err(`densely: wrote the report to ${o.report as string}`);
  }
  if (o.json) io.out(JSON.stringify({ ...summary, importance }));
  else {
    io.out(`densely: ${o.model as string} on ${o.data as string}`);
    for (const line of [...formatSummary(summary), '', ...formatImportance(importance)]) io.out(line);
  }
  return 0;
}

/** A multi-class model on labelled rows: loss, accuracy, and the confusion matrix with each class's rows and recall. */
function evaluateClasses(model: Sequential, X: Matrix, y: Matrix, classes: string[], o: Record<string, unknown>, io: Io): number {
  const batchSize = (o.batchSize as number | undefined) ?? 32;
  const P = model.predict(X, { batchSize });
  checkFiniteScores(P.data, o.data as string);
  // the loss as compiled: categorical_crossentropy takes one-hot rows, the sparse form class indices
  const oneHotTargets = /^categorical/i.test(model.compiled('evaluate').loss.name);
  const logs = model.evaluate(X, oneHotTargets ? oneHot(y, classes.length) : y, { batchSize });
  const confusion = confusionMatrix(P.data, y.data, classes.length);
  const rows = confusion.map((r) => r.reduce((a, b) => a + b, 0));
  let correct = 0;
  confusion.forEach((r, t) => (correct += r[t]));
  const accuracy = correct / X.rows;
  if (o.json) {
    io.out(JSON.stringify({ rows: X.rows, classes, loss: logs.loss, accuracy, counts: Object.fromEntries(classes.map((c, i) => [c, rows[i]])), confusion }));
    return 0;
  }
  io.out(`densely: ${o.model as string} on ${o.data as string}`);
  io.out(`${X.rows} rows, ${classes.length} classes: loss ${logs.loss.toFixed(4)} - accuracy ${accuracy.toFixed(4)}`);
  for (const line of ['', 'rows: true class, columns: predicted', ...formatConfusion(confusion, classes)]) io.out(line);
  return 0;
}

/** A regression model on labelled rows: its loss (as compiled), MAE, RMSE and R². */
function evaluateRegression(model: Sequential, X: Matrix, y: Matrix, o: Record<string, unknown>, io: Io): number {
  const batchSize = (o.batchSize as number | undefined) ?? 32;
  const P = model.predict(X, { batchSize });
  checkFiniteScores(P.data, o.data as string);
  const logs = model.evaluate(X, y, { batchSize });
  const figures = regressionFigures(P.data, y.data);
  if (o.json) {
    io.out(JSON.stringify({ ...logs, ...figures }));
    return 0;
  }
  io.out(`densely: ${o.model as string} on ${o.data as string}`);
  io.out(`${X.rows} rows: loss ${logs.loss.toFixed(4)} - ${formatRegression(figures)}`);
  return 0;
}
