/**
 * From files to the training and test matrices, and from files to features for predict.
 *
 * Two routes, chosen by the file name:
 * - `.npy` / `.npy.gz`: a numeric matrix; the label is the last column, or `--labels` gives
 *   them. `--standardize` z-scores with statistics of the training rows; `--impute mean` fills
 *   NaN/Inf with the training mean.
 * - anything else is read as CSV: columns typed, numerics z-scored and categoricals one-hot,
 *   fitted on the training rows only (three streaming passes, see src/data/preprocessor.ts).
 * Either way the split is sklearn's train_test_split (optionally stratified), and what was
 * fitted is returned as `preprocessing`, which the model file stores so predict can replay it.
 */
import { fileURLToPath } from 'node:url';
import { fileChunks } from '../data/files.js';
import { loadNpyMatrix, readFileBytes } from '../data/node-io.js';
import { Preprocessor, readLabels, scanCsv, type PreprocessorJSON } from '../data/preprocessor.js';
import { splitIndices, stratifiedSplitIndices } from '../data/split.js';
import { Standardizer, type Impute, type StandardizerJSON } from '../data/standardize.js';
import { Matrix } from '../tensor/matrix.js';

/** The embedded UCI Bank Marketing matrix (prepared as marketing_data.npy, label last). */
export const DEFAULT_DATA = fileURLToPath(new URL('../../data/marketing_data.npy.gz', import.meta.url));
const DEFAULT_FEATURES = fileURLToPath(new URL('../../data/marketing_data.features.json', import.meta.url));

/** What the model file stores so that predict prepares new rows exactly as training did. */
export type Preprocessing = { kind: 'csv'; preprocessor: PreprocessorJSON } | { kind: 'npy'; standardizer: StandardizerJSON };

export interface DataOptions {
  data?: string;
  labels?: string;
  /** CSV: the label column (default 'y', else the last column). */
  label?: string;
  drop?: string[];
  delimiter?: string;
  standardize?: boolean;
  impute?: Impute;
  testSize: number;
  randomState: number;
  stratify?: boolean;
}

export interface TrainingData {
  XTrain: Matrix;
  yTrain: Matrix;
  XTest: Matrix;
  yTest: Matrix;
  rows: number;
  featureNames?: string[];
  preprocessing: Preprocessing | null;
  /** Lines for stderr (unseen categories, imputed cells, …). */
  warnings: string[];
  source: string;
}

/** True for .npy and .npy.gz files; everything else is read as CSV. */
export function isNpyPath(path: string): boolean {
  return /\.npy(\.gz)?$/i.test(path);
}

export function loadTrainingData(o: DataOptions): TrainingData {
  const path = o.data ?? DEFAULT_DATA;
  if (o.labels && !isNpyPath(path)) throw new Error(`--labels goes with .npy features; ${path} is read as CSV, whose label is a column (--label NAME)`);
  return isNpyPath(path) ? loadNpyTraining(path, o) : loadCsvTraining(path, o);
}

function split(rows: number, y: ArrayLike<number>, o: DataOptions): { train: Int32Array; test: Int32Array } {
  const opts = { testSize: o.testSize, randomState: o.randomState };
  return o.stratify ? stratifiedSplitIndices(y, opts) : splitIndices(rows, opts);
}

function loadNpyTraining(path: string, o: DataOptions): TrainingData {
  if (o.drop?.length) throw new Error(`--drop names CSV columns; ${path} is a .npy file without column names`);
  if (o.label) throw new Error(`--label names a CSV column; for .npy, the label is the last column or --labels FILE`);
  const table = loadNpyMatrix(path);
  let X: Matrix;
  let y: Matrix;
  if (o.labels) {
    y = loadNpyMatrix(o.labels);
    if (y.cols !== 1) throw new Error(`${o.labels}: labels must be one column, got shape [${y.rows}, ${y.cols}]`);
    if (y.rows !== table.rows) throw new Error(`${o.labels}: has ${y.rows} labels but ${path} has ${table.rows} rows`);
    X = table;
  } else {
    if (table.cols < 2) throw new Error(`${path}: needs at least 2 columns (features, then the label), got shape [${table.rows}, ${table.cols}]`);
    X = table.sliceColumns(0, -1);
    y = table.sliceColumns(-1);
  }
  if (X.rows === 0) throw new Error(`${path}: has no rows`);
  checkBinaryLabels(y, o.labels ?? `${path} (label = last column)`);
  const impute = o.impute ?? 'none';
  if (impute !== 'mean') checkFiniteCells(X, path);
  const { train, test } = split(X.rows, y.data, o);
  const XTrain = X.takeRows(train);
  const XTest = X.takeRows(test);
  let preprocessing: Preprocessing | null = null;
  const warnings: string[] = [];
  if (o.standardize || impute === 'mean') {
    let s: Standardizer;
    try {
      s = Standardizer.fit(XTrain.data, X.cols, { impute, scale: o.standardize ?? false });
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`);
    }
    const filled = countNonFinite(XTrain) + countNonFinite(XTest);
    if (filled > 0) warnings.push(`${path}: filled ${filled} NaN/Inf cell(s) with the training mean (--impute mean)`);
    s.transform(XTrain.data);
    s.transform(XTest.data);
    preprocessing = { kind: 'npy', standardizer: s.toJSON() };
  }
  let featureNames: string[] | undefined;
  if (path === DEFAULT_DATA) featureNames = (JSON.parse(new TextDecoder().decode(readFileBytes(DEFAULT_FEATURES))) as { features: string[] }).features;
  return { XTrain, yTrain: y.takeRows(train), XTest, yTest: y.takeRows(test), rows: X.rows, featureNames, preprocessing, warnings, source: path };
}

function loadCsvTraining(path: string, o: DataOptions): TrainingData {
  const source = fileChunks(path);
  const scan = scanCsv(source, { label: o.label, delimiter: o.delimiter });
  if (scan.label === null) throw new Error(`${path}: no label column`);
  if (scan.rows < 2) throw new Error(`${path}: needs at least 2 data rows to split, found ${scan.rows}`);
  const { train, test } = split(scan.rows, o.stratify ? readLabels(source, scan) : [], o);
  const trainRows = new Uint8Array(scan.rows);
  for (const r of train) trainRows[r] = 1;
  const pre = Preprocessor.fit(source, scan, { trainRows, drop: o.drop, impute: o.impute });
  const order = new Int32Array(train.length + test.length);
  order.set(train);
  order.set(test, train.length);
  // one matrix holding the training rows, then the test rows: the two sets are views of it
  const t = pre.transform(source, { order, rowCount: scan.rows, delimiter: scan.delimiter, source: scan.source, withLabels: true });
  const X = new Matrix(t.rows, t.cols, t.X);
  const y = new Matrix(t.rows, 1, t.y!);
  const n = train.length;
  return {
    XTrain: X.rowView(0, n),
    yTrain: y.rowView(0, n),
    XTest: X.rowView(n, t.rows),
    yTest: y.rowView(n, t.rows),
    rows: scan.rows,
    featureNames: pre.featureNames.slice(),
    preprocessing: { kind: 'csv', preprocessor: pre.toJSON() },
    warnings: t.warnings,
    source: path,
  };
}

/**
 * Features for predict, prepared as the model's training data was: raw CSV rows through the
 * saved Preprocessor, or .npy features through the saved Standardizer (if any).
 */
export function loadPredictFeatures(path: string, preprocessing: Preprocessing | null, inputSize: number): { X: Matrix; warnings: string[] } {
  if (!isNpyPath(path)) {
    if (preprocessing?.kind !== 'csv') throw new Error(`${path}: is read as CSV, but this model was trained on .npy features; give a .npy file`);
    const pre = Preprocessor.fromJSON(preprocessing.preprocessor);
    const t = pre.transform(fileChunks(path), { withLabels: false, source: path });
    return { X: new Matrix(t.rows, t.cols, t.X), warnings: t.warnings };
  }
  const X = loadNpyMatrix(path);
  if (X.cols !== inputSize) {
    const hint = preprocessing?.kind === 'csv' ? ' (this model was trained on CSV: pass the raw CSV rows)' : '';
    throw new Error(`${path}: has ${X.cols} columns (shape [${X.rows}, ${X.cols}]) but the model expects ${inputSize} features${hint}`);
  }
  if (preprocessing?.kind === 'npy') {
    const s = Standardizer.fromJSON(preprocessing.standardizer);
    if (s.impute !== 'mean') checkFiniteCells(X, path);
    s.transform(X.data);
  } else checkFiniteCells(X, path);
  return { X, warnings: [] };
}

function countNonFinite(X: Matrix): number {
  let n = 0;
  for (let i = 0; i < X.data.length; i++) if (!Number.isFinite(X.data[i])) n++;
  return n;
}

/** NaN or Inf anywhere: an error naming the file, the first bad column and how many rows are affected. */
export function checkFiniteCells(X: Matrix, source: string): void {
  let firstCol = -1;
  let rowsAffected = 0;
  for (let r = 0; r < X.rows; r++) {
    let bad = false;
    for (let c = 0; c < X.cols; c++) {
      if (!Number.isFinite(X.data[r * X.cols + c])) {
        if (firstCol < 0) firstCol = c;
        bad = true;
      }
    }
    if (bad) rowsAffected++;
  }
  if (firstCol >= 0) {
    let inColumn = 0;
    for (let r = 0; r < X.rows; r++) if (!Number.isFinite(X.data[r * X.cols + firstCol])) inColumn++;
    throw new Error(
      `${source}: column ${firstCol} has NaN or Inf in ${inColumn} row(s) (${rowsAffected} row(s) in all); fix the data or use --impute mean`,
    );
  }
}

function checkBinaryLabels(y: Matrix, source: string): void {
  const seen = new Set<number>();
  for (let i = 0; i < y.rows; i++) seen.add(y.data[i]);
  const bad = [...seen].filter((v) => v !== 0 && v !== 1);
  if (bad.length > 0) {
    const shown = [...seen].sort((a, b) => a - b).slice(0, 10);
    throw new Error(`${source}: labels must be 0 or 1 for binary cross-entropy; found ${seen.size} distinct values: ${shown.join(', ')}${seen.size > 10 ? ', …' : ''}`);
  }
}
