/**
 * A model file, loaded and checked for serving: the compiled model, how a request's instances
 * become its features, and a version that names exactly these bytes.
 *
 * The version is a number derived from the file's SHA-256 (its first 52 bits, in decimal, so a
 * TF Serving client that reads versions as int64 can), so every worker and every replica that
 * serves the same file reports the same version, and a replaced file a different one.
 * A TensorFlow.js model.json (or its folder) serves too, and a model whose weights are in a binary
 * sidecar: the files beside it count in the version.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CellEncoder } from '../data/cell-encoder.js';
import type { Preprocessing } from '../data/prepare.js';
import { Preprocessor } from '../data/preprocessor.js';
import { Standardizer } from '../data/standardize.js';
import type { Sequential } from '../nn/sequential.js';
import { readFileBytes } from '../node/files.js';
import { loadModelFile } from '../node/model-files.js';
import { Matrix } from '../tensor/matrix.js';
import { classNamesOf } from '../io/model-file.js';

/** Rows per forward pass when scoring a request: the arena is planned for this once, at load. */
export const SERVE_BATCH_ROWS = 256;

/** How one raw input column is read, as the metadata endpoint describes it. */
export interface InputColumn {
  name: string;
  /** 'number' (standardized), 'boolean' (yes/no, true/false → 0/1) or 'category' (one-hot). */
  type: 'number' | 'boolean' | 'category';
  /** A category column's training categories (others score as unseen: all zeros). */
  categories?: string[];
  /** Whether a missing value is replaced by the training mean (else it is refused). */
  imputed?: boolean;
}

export interface ServedModel {
  /** The model file's path. */
  path: string;
  /** A decimal number naming the file's bytes (see the file comment). */
  version: string;
  /** When this version was loaded (ms since the epoch). */
  loadedAt: number;
  model: Sequential;
  preparation: Preprocessing | null;
  /** Raw-column instances (a CSV preparation): the column encoder and the names in its order. */
  columns: { encoder: CellEncoder; names: string[]; known: Set<string>; describe: InputColumn[] } | null;
  /** Array instances (no CSV preparation): the .npy standardizer to apply, or null. */
  standardizer: Standardizer | null;
  inputSize: number;
  outputSize: number;
  featureNames?: string[];
  training?: Record<string, unknown>;
  /** A classifier's class names, one per output (the file's, else 0…K−1); null for one output. */
  classes: string[] | null;
  /** Whether the one output is a predicted number (a regression model), not a probability. */
  regression: boolean;
}

/**
 * The version of a model file: from the SHA-256 of its bytes and of the files it names beside it
 * (a densely file's weights sidecar, a TF.js model's weights files), which are served too.
 */
function versionOf(file: string): string {
  const bytes = readFileBytes(file);
  const hash = createHash('sha256').update(bytes);
  const doc = JSON.parse(new TextDecoder().decode(bytes)) as { weightsFile?: { path?: unknown }; weightsManifest?: { paths?: unknown }[] };
  const companions = [doc.weightsFile?.path, ...(Array.isArray(doc.weightsManifest) ? doc.weightsManifest.flatMap((g) => (Array.isArray(g?.paths) ? g.paths : [])) : [])];
  for (const name of companions) if (typeof name === 'string') hash.update(readFileBytes(join(dirname(file), name)));
  return String(parseInt(hash.digest('hex').slice(0, 13), 16));
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads, validates and warms up a model file for serving. Throws (with the path) on anything a
 * load would refuse, so a broken file never replaces a working model.
 */
export function loadServedModel(path: string): ServedModel {
  // any densely model file (with its weights sidecar, when it has one), or a TF.js model.json
  const loaded = loadModelFile(path);
  const version = versionOf(isFolder(path) ? join(path, 'model.json') : path);
  const { model, preparation } = loaded;
  const inputSize = model.inputSize as number;
  let columns: ServedModel['columns'] = null;
  let standardizer: Standardizer | null = null;
  if (preparation?.kind === 'csv') {
    const pre = Preprocessor.fromJSON(preparation.preprocessor);
    const encoder = new CellEncoder(pre.columns);
    const names = pre.columns.map((c) => c.name);
    const known = new Set([...names, ...pre.dropped, ...(pre.label ? [pre.label.name] : [])]);
    const describe = pre.columns.map((c): InputColumn => {
      if (c.type === 'onehot') return { name: c.name, type: 'category', categories: c.categories.slice() };
      return { name: c.name, type: c.type === 'binary' ? 'boolean' : 'number', imputed: c.fill !== null };
    });
    columns = { encoder, names, known, describe };
  } else if (preparation?.kind === 'npy') {
    standardizer = Standardizer.fromJSON(preparation.standardizer);
  }
  // one forward pass at the serving batch size: plans the arena now, not in the first request
  model.predict(new Matrix(SERVE_BATCH_ROWS, inputSize), { batchSize: SERVE_BATCH_ROWS });
  return {
    path,
    version,
    loadedAt: Date.now(),
    model,
    preparation,
    columns,
    standardizer,
    inputSize,
    outputSize: model.outputSize as number,
    featureNames: loaded.featureNames,
    training: loaded.training,
    classes: classNamesOf(loaded),
    regression: loaded.target === 'regression',
  };
}
