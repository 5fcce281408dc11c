/**
 * Loading a labelled table for training, and a feature table for prediction, from files.
 * Each route checks what the model cannot: NaN/Inf cells and 0/1 labels, naming the file.
 */
import { fileURLToPath } from 'node:url';
import { loadNpyMatrix, readFileBytes } from '../data/node-io.js';
import { Matrix } from '../tensor/matrix.js';

/** The embedded UCI Bank Marketing matrix (prepared as marketing_data.npy, label last). */
export const DEFAULT_DATA = fileURLToPath(new URL('../../data/marketing_data.npy.gz', import.meta.url));
export const DEFAULT_FEATURES = fileURLToPath(new URL('../../data/marketing_data.features.json', import.meta.url));

export interface Labelled {
  X: Matrix;
  y: Matrix;
  featureNames?: string[];
  source: string;
}

/**
 * Features and labels from .npy: with `labelsPath`, labels come from that file (1-D or
 * [n, 1], any numeric or bool dtype); without it, the label is the last column of `dataPath`.
 */
export function loadNpyLabelled(dataPath: string, labelsPath?: string): Labelled {
  const table = loadNpyMatrix(dataPath);
  let X: Matrix;
  let y: Matrix;
  if (labelsPath) {
    y = loadNpyMatrix(labelsPath);
    if (y.cols !== 1) throw new Error(`${labelsPath}: labels must be one column, got shape [${y.rows}, ${y.cols}]`);
    if (y.rows !== table.rows) throw new Error(`${labelsPath}: has ${y.rows} labels but ${dataPath} has ${table.rows} rows`);
    X = table;
  } else {
    if (table.cols < 2) throw new Error(`${dataPath}: needs at least 2 columns (features, then the label), got shape [${table.rows}, ${table.cols}]`);
    X = table.sliceColumns(0, -1);
    y = table.sliceColumns(-1);
  }
  if (X.rows === 0) throw new Error(`${dataPath}: has no rows`);
  checkFiniteCells(X, dataPath);
  checkBinaryLabels(y, labelsPath ?? `${dataPath} (label = last column)`);
  let featureNames: string[] | undefined;
  if (dataPath === DEFAULT_DATA) {
    const meta = JSON.parse(new TextDecoder().decode(readFileBytes(DEFAULT_FEATURES))) as { features: string[] };
    featureNames = meta.features;
  }
  return { X, y, featureNames, source: dataPath };
}

/** NaN or Inf anywhere: an error naming the file, the first bad cell and how many rows are affected. */
export function checkFiniteCells(X: Matrix, source: string): void {
  let first = -1;
  let badRows = 0;
  for (let r = 0; r < X.rows; r++) {
    let bad = false;
    for (let c = 0; c < X.cols; c++) {
      if (!Number.isFinite(X.data[r * X.cols + c])) {
        if (first < 0) first = r * X.cols + c;
        bad = true;
      }
    }
    if (bad) badRows++;
  }
  if (first >= 0) {
    const r = Math.floor(first / X.cols);
    const c = first % X.cols;
    throw new Error(`${source}: row ${r}, column ${c} is ${X.data[first]}; ${badRows} row(s) have NaN or Inf (no imputation for .npy input)`);
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
