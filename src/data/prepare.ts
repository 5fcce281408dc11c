/**
 * The whole preparation of training and predict inputs, for both routes, from values already in
 * memory (browser-safe: no files here; src/node reads them, the CLI chooses the route):
 *
 * - {@link prepareNpyTraining}: a numeric table (a `.npy`): the label is its last column, or a
 *   separate labels column; checked for NaN/Inf and 0/1 labels; split as sklearn's
 *   train_test_split (stratified when asked); with `standardize` and/or `impute: 'mean'`, a
 *   {@link Standardizer} fitted on the training rows only.
 * - {@link prepareCsvTraining}: raw CSV rows: scanned, split (a stratified split reads the labels
 *   first), a {@link Preprocessor} fitted on the training rows only, every row transformed.
 * - {@link preparePredictFeatures}: new rows for a trained model, through what training fitted.
 * - {@link prepareCsvTable}: raw CSV → the prepared matrix a Keras pipeline loads (label last),
 *   fitted on all rows.
 *
 * What was fitted comes back as a {@link Preprocessing}, plain JSON, which the model file stores so
 * that predict replays it.
 */
import { DataError } from '../errors.js';
import { countNonFinite, findNonBinary, findNonFinite } from '../tensor/checks.js';
import { Matrix } from '../tensor/matrix.js';
import type { ChunkSource } from './csv.js';
import { Preprocessor, prepareCsv, readLabels, type PreprocessorJSON } from './preprocessor.js';
import { splitIndices, stratifiedSplitIndices } from './split.js';
import { arrangeRowsInPlace } from './arrange-rows.js';
import { Standardizer, type Impute, type StandardizerJSON } from './standardize.js';
import { numericLabelClasses, toClassIndices } from './label-classes.js';

/** What the model file stores so that predict prepares new rows exactly as training did. */
export type Preprocessing = { kind: 'csv'; preprocessor: PreprocessorJSON } | { kind: 'npy'; standardizer: StandardizerJSON };

/** The split: sklearn's train_test_split (defaults as {@link splitIndices}: 0.25, seed 42). */
export interface SplitChoice {
  /** A fraction in (0, 1), rounded up, or a whole number of test rows. */
  testSize?: number;
  randomState?: number;
  /** Keep the class ratio in both parts (sklearn's stratify=y); needs the labels. */
  stratify?: boolean;
  /**
   * A label that is not binary (not 0/1; for a CSV, not yes/no, true/false or 1/0) is a number to
   * predict, kept as it is (a regression target), instead of naming classes. Default false.
   */
  regression?: boolean;
}

export interface NpyTrainingOptions extends SplitChoice {
  /** The table's name in messages (e.g. its path). */
  source: string;
  /** The labels `[rows, 1]`, one per row of the table, which is then all features. Default: the table's last column. */
  labels?: Matrix;
  /** The labels' name in messages (default 'labels'). */
  labelsSource?: string;
  /** Names of the feature columns, when known (one per column); returned as `featureNames`. */
  featureNames?: string[];
  /** z-score the features with the training rows' mean and population std. */
  standardize?: boolean;
  /** 'mean': NaN/Inf cells become the training mean; 'none' (default): they are an error. */
  impute?: Impute;
  /**
   * Reuse the table's memory for XTrain and XTest (see arrange-rows.ts): one copy of the data
   * instead of three, and the table is left holding them (scrambled for any other use). For
   * loaders that own the table (the CLI). Same values, bit for bit. Default false.
   */
  inPlace?: boolean;
}

/** The CSV options every CSV route shares. */
export interface CsvRouteOptions {
  /** The label column (default 'y', else the last column). */
  label?: string;
  /** Columns to leave out. */
  drop?: string[];
  /** Sniffed when omitted. */
  delimiter?: string;
  /** 'mean': missing/NaN/Inf numeric cells become the training mean; 'none' (default): an error. */
  impute?: Impute;
  /** Name in messages (default: the source's sourceName). */
  source?: string;
  /** Column types set by the user instead of the typing rule, e.g. { zip: 'categorical' }. */
  types?: Record<string, 'numeric' | 'categorical'>;
}

export interface CsvTrainingOptions extends CsvRouteOptions, SplitChoice {}

/** Training and test sets, prepared with statistics of the training rows only. */
export interface TrainingData {
  /** `[nTrain, features]` */
  XTrain: Matrix;
  /** `[nTrain, 1]` labels 0/1, or class indices 0…K−1 when `classes` is set */
  yTrain: Matrix;
  /** `[nTest, features]` */
  XTest: Matrix;
  /** `[nTest, 1]` */
  yTest: Matrix;
  /** Rows before the split. */
  rows: number;
  /** One name per feature column, when known. */
  featureNames?: string[];
  /** What was fitted (null: features are used as they are). */
  preprocessing: Preprocessing | null;
  /** Lines for stderr (unseen categories, imputed cells, …). */
  warnings: string[];
  /** The input's name. */
  source: string;
  /**
   * A multi-class label's class names, sorted (label-classes.ts): the labels are their indices.
   * null for a binary (0/1) label or a regression target.
   */
  classes: string[] | null;
  /** Whether the labels are numbers to predict (SplitChoice.regression, and a label that is not binary). */
  regression: boolean;
}

/** Features for predict: `X: [rows, features]`, and lines for stderr. */
export interface PredictFeatures {
  X: Matrix;
  warnings: string[];
}

/** The CSV prepared for a Keras pipeline: `table: [rows, features + 1]`, label last. */
export interface CsvTable {
  table: Matrix;
  /** Names of the first `table.cols - 1` columns. */
  featureNames: string[];
  /** The label column's name in the CSV. */
  label: string;
  /** A multi-class label's class names: the label column holds their indices 0…K−1 (null: a 0/1 label). */
  classes: string[] | null;
  warnings: string[];
}

/** The split of a file's rows; a split the data cannot give (too few rows of a class) is a DataError naming the file. */
function splitRows(rows: number, labels: () => ArrayLike<number>, o: SplitChoice, source = 'input'): { train: Int32Array; test: Int32Array } {
  const opts = { testSize: o.testSize, randomState: o.randomState };
  try {
    return o.stratify ? stratifiedSplitIndices(labels(), opts) : splitIndices(rows, opts);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new DataError(source, `cannot split its ${rows} rows: ${e.message}`);
  }
}

/**
 * The `.npy` route: `table: [rows, features + 1]` (label last), or `[rows, features]` with
 * `labels: [rows, 1]`, to training and test sets. Errors name `source` (or `labelsSource`) and what
 * was wrong: shapes, no rows, labels other than 0/1, NaN/Inf cells without `impute: 'mean'`.
 *
 * @example
 * const t = Matrix.from([[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]);
 * const d = prepareNpyTraining(t, { source: 't.npy', testSize: 0.2, randomState: 42, standardize: true });
 * d.XTrain.shape; // [4, 1], z-scored with the mean and std of those 4 rows
 * d.XTest.shape;  // [1, 1]
 */
export function prepareNpyTraining(table: Matrix, o: NpyTrainingOptions): TrainingData {
  if (o.inPlace) return prepareNpyInPlace(table, o);
  const path = o.source;
  let X: Matrix;
  let y: Matrix;
  let labelsName: string | undefined;
  if (o.labels) {
    labelsName = o.labelsSource ?? 'labels';
    y = checkLabelsFit(o.labels, table, labelsName, path);
    X = table;
  } else {
    if (table.cols < 2) throw new DataError(path, `needs at least 2 columns (features, then the label), got shape [${table.rows}, ${table.cols}]`);
    X = table.sliceColumns(0, -1);
    y = table.sliceColumns(-1);
  }
  if (o.featureNames && o.featureNames.length !== X.cols) {
    throw new DataError(path, `${o.featureNames.length} feature names for ${X.cols} feature columns`);
  }
  if (X.cols === 0) throw new DataError(path, `has no feature columns (shape [${table.rows}, ${table.cols}]); a model needs at least one`);
  if (X.rows === 0) throw new DataError(path, `has no rows`);
  const regression = isRegression(y, o, labelsName ?? `${path} (label = last column)`);
  const classes = regression ? null : labelClassesOf(y, labelsName ?? `${path} (label = last column)`);
  if (classes) y = new Matrix(y.rows, 1, toClassIndices(y.data, classes, labelsName ?? path));
  const impute = o.impute ?? 'none';
  if (impute !== 'mean') checkFiniteCells(X, path);
  const { train, test } = splitRows(X.rows, () => y.data, o, path);
  const XTrain = X.takeRows(train);
  const XTest = X.takeRows(test);
  let preprocessing: Preprocessing | null = null;
  const warnings: string[] = [];
  if (o.standardize || impute === 'mean') {
    let s: Standardizer;
    try {
      s = Standardizer.fit(XTrain.data, X.cols, { impute, scale: o.standardize ?? false });
    } catch (e) {
      throw new DataError(path, `${(e as Error).message}`);
    }
    const filled = countNonFinite(XTrain.data) + countNonFinite(XTest.data);
    if (filled > 0) warnings.push(`${path}: filled ${filled} NaN/Inf cell(s) with the training mean (--impute mean)`);
    s.transform(XTrain.data);
    s.transform(XTest.data);
    preprocessing = { kind: 'npy', standardizer: s.toJSON() };
  }
  return {
    XTrain,
    yTrain: y.takeRows(train),
    XTest,
    yTest: y.takeRows(test),
    rows: X.rows,
    featureNames: o.featureNames,
    preprocessing,
    warnings,
    source: path,
    classes,
    regression,
  };
}

/** prepareNpyTraining with `inPlace`: the same checks and results, the table's memory reused. */
function prepareNpyInPlace(table: Matrix, o: NpyTrainingOptions): TrainingData {
  const path = o.source;
  const labelsName = o.labels ? (o.labelsSource ?? 'labels') : `${path} (label = last column)`;
  if (!o.labels && table.cols < 2) throw new DataError(path, `needs at least 2 columns (features, then the label), got shape [${table.rows}, ${table.cols}]`);
  let y = o.labels ? checkLabelsFit(o.labels, table, labelsName, path) : table.sliceColumns(-1);
  const cols = o.labels ? table.cols : table.cols - 1;
  if (o.featureNames && o.featureNames.length !== cols) throw new DataError(path, `${o.featureNames.length} feature names for ${cols} feature columns`);
  if (cols === 0) throw new DataError(path, `has no feature columns (shape [${table.rows}, ${table.cols}]); a model needs at least one`);
  if (table.rows === 0) throw new DataError(path, `has no rows`);
  const regression = isRegression(y, o, labelsName);
  const classes = regression ? null : labelClassesOf(y, labelsName);
  if (classes) y = new Matrix(y.rows, 1, toClassIndices(y.data, classes, labelsName));
  const { train, test } = splitRows(table.rows, () => y.data, o, path);
  const order = new Int32Array(train.length + test.length);
  order.set(train);
  order.set(test, train.length);
  const data = arrangeRowsInPlace(table.data, table.cols, cols, order);
  const X = new Matrix(table.rows, cols, data);
  const impute = o.impute ?? 'none';
  if (impute !== 'mean') checkFiniteCells(X, path); // counts per column: the row order does not change them
  const XTrain = X.rowView(0, train.length);
  const XTest = X.rowView(train.length, table.rows);
  let preprocessing: Preprocessing | null = null;
  const warnings: string[] = [];
  if (o.standardize || impute === 'mean') {
    let s: Standardizer;
    try {
      s = Standardizer.fit(XTrain.data, cols, { impute, scale: o.standardize ?? false });
    } catch (e) {
      throw new DataError(path, `${(e as Error).message}`);
    }
    const filled = countNonFinite(X.data);
    if (filled > 0) warnings.push(`${path}: filled ${filled} NaN/Inf cell(s) with the training mean (--impute mean)`);
    s.transform(XTrain.data);
    s.transform(XTest.data);
    preprocessing = { kind: 'npy', standardizer: s.toJSON() };
  }
  return { XTrain, yTrain: y.takeRows(train), XTest, yTest: y.takeRows(test), rows: table.rows, featureNames: o.featureNames, preprocessing, warnings, source: path, classes, regression };
}

/**
 * The CSV route: raw rows to training and test sets in three or four streaming passes (scan; the
 * labels, for a stratified split; fit on the training rows; transform). XTrain and XTest are views
 * of one matrix holding the training rows, then the test rows, in the split's order.
 *
 * @example
 * const d = prepareCsvTraining(() => ['age,y\n30,no\n40,yes\n50,no\n60,yes\n70,no\n'], { testSize: 0.2 });
 * d.XTrain.shape;            // [4, 1]: age, z-scored with the 4 training rows' statistics
 * d.preprocessing?.kind;     // 'csv'
 */
export function prepareCsvTraining(source: ChunkSource, o: CsvTrainingOptions = {}): TrainingData {
  const name = o.source ?? source.sourceName ?? 'input';
  const p = prepareCsv(source, {
    label: o.label,
    delimiter: o.delimiter,
    source: name,
    drop: o.drop,
    impute: o.impute,
    types: o.types,
    regression: o.regression,
    split: (rows, scan) => {
      if (scan.label === null) throw new DataError(name, `no label column`);
      if (o.stratify && scan.labelFamily === 'number') throw new DataError(name, `a regression target (numbers to predict) has no classes to stratify by; leave out --stratify`);
      if (rows < 2) throw new DataError(name, `needs at least 2 data rows to split, found ${rows}`);
      return splitRows(rows, () => readLabels(source, scan), o, name);
    },
  });
  if (p.y === null) throw new DataError(name, `no label column`);
  const X = new Matrix(p.rows, p.cols, p.X);
  const y = new Matrix(p.rows, 1, p.y);
  const n = p.nTrain;
  return {
    XTrain: X.rowView(0, n),
    yTrain: y.rowView(0, n),
    XTest: X.rowView(n, p.rows),
    yTest: y.rowView(n, p.rows),
    rows: p.scan.rows,
    featureNames: p.featureNames,
    preprocessing: { kind: 'csv', preprocessor: p.preprocessor.toJSON() },
    warnings: p.warnings,
    source: name,
    classes: p.preprocessor.label?.family === 'classes' ? p.preprocessor.label.classes.slice() : null,
    regression: p.preprocessor.label?.family === 'number',
  };
}

/**
 * Features for predict, prepared as the model's training data was: raw CSV rows (a ChunkSource)
 * through the saved Preprocessor, or `.npy` features (a Matrix `[rows, inputSize]`, standardized
 * IN PLACE) through the saved Standardizer, if any. A CSV for a model trained on `.npy` features,
 * features of the wrong width and NaN/Inf cells (unless the model imputes) are errors naming
 * `source` (default: the ChunkSource's sourceName, else 'input'). The CSV's first read comes after
 * the model check.
 *
 * @example
 * const { X } = preparePredictFeatures(Matrix.from([[1, 2]]), null, 2, 'X.npy'); // X as it is
 */
export function preparePredictFeatures(
  input: ChunkSource | Matrix,
  preprocessing: Preprocessing | null,
  inputSize: number,
  source?: string,
): PredictFeatures {
  if (!(input instanceof Matrix)) {
    const name = source ?? input.sourceName ?? 'input';
    if (preprocessing?.kind !== 'csv') throw new DataError(name, `is read as CSV, but this model was trained on .npy features; give a .npy file`);
    const pre = Preprocessor.fromJSON(preprocessing.preprocessor);
    const t = pre.transform(input, { withLabels: false, source: name });
    return { X: new Matrix(t.rows, t.cols, t.X), warnings: t.warnings };
  }
  const X = input;
  const name = source ?? 'input';
  if (X.cols !== inputSize) {
    const hint = preprocessing?.kind === 'csv' ? ' (this model was trained on CSV: pass the raw CSV rows)' : '';
    throw new DataError(name, `has ${X.cols} columns (shape [${X.rows}, ${X.cols}]) but the model expects ${inputSize} features${hint}`);
  }
  if (preprocessing?.kind === 'npy') {
    const s = Standardizer.fromJSON(preprocessing.standardizer);
    if (s.impute !== 'mean') checkFiniteCells(X, name);
    s.transform(X.data);
  } else checkFiniteCells(X, name);
  return { X, warnings: [] };
}

/** Features and their true labels, for evaluating a trained model. */
export interface EvaluationData extends PredictFeatures {
  /** `[rows, 1]` labels 0/1, or class indices for a multi-class model. */
  y: Matrix;
}

/**
 * Labelled rows for a trained model, prepared as in training: raw CSV rows (the label column the
 * model was trained with must be there), or a numeric table with `inputSize` feature columns and
 * the labels either given (`labels: [rows, 1]`) or as one more, last column. Labels must be 0/1.
 *
 * @example
 * const { X, y } = prepareEvaluation(Matrix.from([[1, 2, 0], [3, 4, 1]]), null, 2, { source: 't.npy' });
 * X.shape; // [2, 2]; y.data = [0, 1]
 */
export function prepareEvaluation(
  input: ChunkSource | Matrix,
  preprocessing: Preprocessing | null,
  inputSize: number,
  o: { labels?: Matrix; labelsSource?: string; source?: string; classes?: readonly string[] | null; regression?: boolean } = {},
): EvaluationData {
  if (!(input instanceof Matrix)) {
    const name = o.source ?? input.sourceName ?? 'input';
    if (o.labels) throw new DataError(name, `is read as CSV, whose labels are its label column; labels from another file go with .npy features`);
    if (preprocessing?.kind !== 'csv') throw new DataError(name, `is read as CSV, but this model was trained on .npy features; give a .npy file`);
    const pre = Preprocessor.fromJSON(preprocessing.preprocessor);
    const t = pre.transform(input, { withLabels: true, source: name });
    return { X: new Matrix(t.rows, t.cols, t.X), y: new Matrix(t.rows, 1, t.y as Float32Array), warnings: t.warnings };
  }
  const name = o.source ?? 'input';
  let table = input;
  let y: Matrix;
  if (o.labels) {
    y = checkLabelsFit(o.labels, table, o.labelsSource ?? 'labels', name);
  } else {
    if (table.cols !== inputSize + 1) {
      throw new DataError(name, `has ${table.cols} columns; to evaluate, give the model's ${inputSize} features and the label as the last column, or the labels in their own file`);
    }
    y = table.sliceColumns(-1);
    table = table.sliceColumns(0, -1);
  }
  const labelsName = o.labels ? (o.labelsSource ?? 'labels') : `${name} (label = last column)`;
  // a multi-class model's labels are values of its classes, read as their indices
  if (o.classes) y = new Matrix(y.rows, 1, toClassIndices(y.data, o.classes, labelsName));
  else if (o.regression) checkFiniteCells(y, labelsName);
  else checkBinaryLabels(y, labelsName);
  const { X, warnings } = preparePredictFeatures(table, preprocessing, inputSize, name);
  return { X, y, warnings };
}

/**
 * Raw CSV → the matrix a NumPy-prepared Keras pipeline loads: the features (numerics z-scored,
 * categoricals one-hot), then the label as the last column, fitted on ALL rows.
 *
 * @example
 * const t = prepareCsvTable(() => ['job,age,y\nadmin,30,no\ncook,50,yes\n']);
 * t.featureNames;  // ['job=admin', 'job=cook', 'age']
 * t.table.shape;   // [2, 4]: three features, then y
 */
export function prepareCsvTable(source: ChunkSource, o: CsvRouteOptions = {}): CsvTable {
  const name = o.source ?? source.sourceName ?? 'input';
  const p = prepareCsv(source, { label: o.label, drop: o.drop, delimiter: o.delimiter, impute: o.impute, source: name });
  if (!p.y || !p.preprocessor.label) throw new DataError(name, `no label column`);
  const width = p.cols + 1;
  const table = new Matrix(p.rows, width);
  for (let r = 0; r < p.rows; r++) {
    table.data.set(p.X.subarray(r * p.cols, (r + 1) * p.cols), r * width);
    table.data[r * width + p.cols] = p.y[r];
  }
  const label = p.preprocessor.label;
  return { table, featureNames: p.featureNames, label: label.name, classes: label.family === 'classes' ? label.classes.slice() : null, warnings: p.warnings };
}

/** Labels given in their own matrix: one column, one per row of the table; errors name both. */
function checkLabelsFit(y: Matrix, table: Matrix, labelsName: string, tableName: string): Matrix {
  if (y.cols !== 1) throw new DataError(labelsName, `labels must be one column, got shape [${y.rows}, ${y.cols}]`);
  if (y.rows !== table.rows) throw new DataError(labelsName, `has ${y.rows} labels but ${tableName} has ${table.rows} rows`);
  return y;
}

/** NaN or Inf anywhere: an error naming the source, the first bad column and how many rows are affected. */
function checkFiniteCells(X: Matrix, source: string): void {
  const bad = findNonFinite(X.data, X.cols);
  if (bad) {
    throw new DataError(
      source, `column ${bad.firstColumn} has NaN or Inf in ${bad.inFirstColumn} row(s) (${bad.rows} row(s) in all); fix the data or use --impute mean`,
    );
  }
}

/**
 * Whether the labels are a regression target: asked for, and not 0/1 (0/1 labels stay binary).
 * Their values must be finite; a stratified split needs classes.
 */
function isRegression(y: Matrix, o: SplitChoice, source: string): boolean {
  if (!o.regression || findNonBinary(y.data, 0) === null) return false;
  checkFiniteCells(y, source);
  if (o.stratify) throw new DataError(source, `a regression target (numbers to predict) has no classes to stratify by; leave out --stratify`);
  return true;
}

/**
 * null for 0/1 labels (the binary route, unchanged); otherwise the class names of multi-class
 * labels (sorted distinct whole numbers, label-classes.ts), or an error naming the source.
 */
function labelClassesOf(y: Matrix, source: string): string[] | null {
  if (findNonBinary(y.data, 0) === null) return null;
  return numericLabelClasses(y.data, source);
}

/** Labels other than 0 and 1: an error naming the source and the distinct values found (the first 10). */
function checkBinaryLabels(y: Matrix, source: string): void {
  const bad = findNonBinary(y.data, 10);
  if (bad) {
    const more = bad.distinctCount > bad.distinct.length ? ', …' : '';
    throw new DataError(source, `labels must be 0 or 1 for binary cross-entropy; found ${bad.distinctCount} distinct values: ${bad.distinct.join(', ')}${more}`);
  }
}
