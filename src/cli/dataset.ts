/**
 * From files to the training and test matrices, and from files to features for predict.
 *
 * The route is chosen by the file name: `.npy` / `.npy.gz` is a numeric matrix (the label is the
 * last column, or `--labels` gives them); anything else is read as CSV. This file only resolves
 * the paths, rejects flags that do not fit the route, reads the files (src/node) and hands the
 * contents to src/data/prepare.ts, which does the whole preparation.
 */
import { fileURLToPath } from 'node:url';
import type { ChunkSource } from '../data/csv.js';
import { prepareCsvTraining, prepareEvaluation, prepareNpyTraining, preparePredictFeatures, type EvaluationData, type Preprocessing, type PredictFeatures, type TrainingData } from '../data/prepare.js';
import type { Impute } from '../data/standardize.js';
import { fileChunks } from '../node/chunks.js';
import { UsageError } from './args.js';
import { loadNpyMatrix, readFileBytes } from '../node/files.js';

/** The embedded UCI Bank Marketing matrix (prepared as marketing_data.npy, label last). */
export const DEFAULT_DATA = fileURLToPath(new URL('../../data/marketing_data.npy.gz', import.meta.url));
const DEFAULT_FEATURES = fileURLToPath(new URL('../../data/marketing_data.features.json', import.meta.url));

export interface DataOptions {
  data?: string;
  labels?: string;
  /** CSV: the label column (default 'y', else the last column). */
  label?: string;
  drop?: string[];
  delimiter?: string;
  standardize?: boolean;
  impute?: Impute;
  /** CSV: column types set by --numeric / --categorical. */
  types?: Record<string, 'numeric' | 'categorical'>;
  testSize: number;
  randomState: number;
  stratify?: boolean;
  /** A label that is not binary is a number to predict (see SplitChoice.regression). */
  regression?: boolean;
}

/** True for .npy and .npy.gz files; everything else is read as CSV. */
export function isNpyPath(path: string): boolean {
  return /\.npy(\.gz)?$/i.test(path);
}

export function loadTrainingData(o: DataOptions): TrainingData {
  const path = o.data ?? DEFAULT_DATA;
  const split = { testSize: o.testSize, randomState: o.randomState, stratify: o.stratify, regression: o.regression };
  if (!isNpyPath(path)) {
    if (o.labels) throw new UsageError(`train: --labels goes with .npy features; ${path} is read as CSV, whose label is a column (--label NAME)`);
    return prepareCsvTraining(fileChunks(path), { label: o.label, drop: o.drop, delimiter: o.delimiter, impute: o.impute, types: o.types, ...split });
  }
  if (o.drop?.length) throw new UsageError(`train: --drop names CSV columns; ${path} is a .npy file without column names`);
  if (o.types && Object.keys(o.types).length) throw new UsageError(`train: --numeric and --categorical name CSV columns; ${path} is a .npy file without column names`);
  if (o.label) throw new UsageError(`train: --label names a CSV column; for .npy, the label is the last column or --labels FILE`);
  const table = loadNpyMatrix(path);
  const labels = o.labels ? loadNpyMatrix(o.labels) : undefined;
  const featureNames = path === DEFAULT_DATA ? (JSON.parse(new TextDecoder().decode(readFileBytes(DEFAULT_FEATURES))) as { features: string[] }).features : undefined;
  // the table was read for this run alone: its memory becomes XTrain and XTest (one copy of the data)
  return prepareNpyTraining(table, { source: path, labels, labelsSource: o.labels, featureNames, standardize: o.standardize, impute: o.impute, ...split, inPlace: true });
}

/**
 * Features for predict, prepared as the model's training data was: raw CSV rows through the
 * saved Preprocessor, or .npy features through the saved Standardizer (if any).
 */
export function loadPredictFeatures(input: string | ChunkSource, preprocessing: Preprocessing | null, inputSize: number): PredictFeatures {
  if (typeof input !== 'string') return preparePredictFeatures(input, preprocessing, inputSize, input.sourceName);
  if (isNpyPath(input)) return preparePredictFeatures(loadNpyMatrix(input), preprocessing, inputSize, input);
  return preparePredictFeatures(csvRows(input), preprocessing, inputSize, input);
}

/**
 * A CSV file's rows, opened at the first read (so that, say, a model trained on .npy features is
 * reported before the file is looked at), and again at every read.
 */
export function csvRows(path: string): ChunkSource {
  return Object.assign(() => fileChunks(path)(), { sourceName: path });
}

/** Labelled rows for evaluate, prepared as the model's training data was (see prepareEvaluation). */
export function loadEvaluationData(path: string, labelsPath: string | undefined, preprocessing: Preprocessing | null, inputSize: number, classes: readonly string[] | null = null, regression = false): EvaluationData {
  if (!isNpyPath(path)) {
    if (labelsPath) throw new UsageError(`evaluate: --labels goes with .npy features; ${path} is read as CSV, whose label is a column`);
    return prepareEvaluation(csvRows(path), preprocessing, inputSize, { source: path });
  }
  const labels = labelsPath ? loadNpyMatrix(labelsPath) : undefined;
  return prepareEvaluation(loadNpyMatrix(path), preprocessing, inputSize, { labels, labelsSource: labelsPath, source: path, classes, regression });
}
