/**
 * The model file: a trained Sequential together with the preparation its inputs need.
 * nn never parses files and data never knows models, so the CLI (the layer above both)
 * combines them here.
 */
import { Sequential, type SequentialJSON } from '../nn/sequential.js';
import { readFileBytes, writeFileAtomic } from '../node/files.js';
import type { Preprocessing } from '../data/prepare.js';

export interface ModelFile {
  format: 'densely-model';
  version: 1;
  /** Feature names in column order, when known. */
  featureNames?: string[];
  /** How raw inputs become the model's features (null: inputs are used as they are). */
  preprocessing: Preprocessing | null;
  /** What produced it: options and test figures, for the record. */
  training?: Record<string, unknown>;
  model: SequentialJSON;
}

/** Saves atomically (temp file + rename): a failed run never leaves a half-written model. */
export function saveModelFile(path: string, model: Sequential, extra: Omit<ModelFile, 'format' | 'version' | 'model'>): void {
  const file: ModelFile = { format: 'densely-model', version: 1, ...extra, model: model.toJSON() };
  writeFileAtomic(path, JSON.stringify(file));
}

export function loadModelFile(path: string): { file: ModelFile; model: Sequential } {
  const text = new TextDecoder().decode(readFileBytes(path));
  let file: ModelFile;
  try {
    file = JSON.parse(text) as ModelFile;
  } catch (e) {
    throw new Error(`${path}: not a densely model file (invalid JSON: ${(e as Error).message})`);
  }
  if (file?.format !== 'densely-model') throw new Error(`${path}: not a densely model file (format is ${JSON.stringify(file?.format)})`);
  if (file.version !== 1) throw new Error(`${path}: unsupported model file version ${JSON.stringify(file.version)}`);
  return { file, model: Sequential.fromJSON(file.model, path) };
}
