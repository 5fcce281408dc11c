/**
 * Model files by path: save atomically (temp file, then rename), load any version. Importing
 * this module (through 'densely/node') also lets `model.save(path)` write to the file system,
 * in densely's format and (through tfjs-files.ts and onnx-files.ts) TF.js's and ONNX's.
 * `loadModelFile` also reads a TensorFlow.js model.json (a Sequential of layers densely has).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { modelFile, modelFromFile, type DataSections, type LoadedModel } from '../io/model-file.js';
import { isTfjsModelJson } from '../io/tfjs/from-tfjs.js';
import { registerPathWriter } from '../nn/save-handlers.js';
import type { SaveOptions, Sequential, SequentialOptions } from '../nn/sequential.js';
import { readFileBytes, writeFileAtomic } from './files.js';
import { saveOnnx } from './onnx-files.js';
import { readTfjsDocument, saveTfjs } from './tfjs-files.js';

registerPathWriter((path, document) => writeFileAtomic(path, JSON.stringify(document)));

export interface SaveModelOptions extends SaveOptions {
  /** format 'onnx': put `sections.preparation` in the graph, so the file scores raw rows (docs/export.md). */
  preprocess?: boolean;
}

/**
 * Saves the model and its data sections (preparation, featureNames, training) to `path`: the
 * one model file, written atomically, so a failed save never leaves a half-written model.
 * `format: 'tfjs'` writes a TF.js folder instead (the preparation and feature names in its
 * metadata, the training record left out), `format: 'onnx'` an ONNX
 * file, with the preparation in its graph when `preprocess` is true.
 *
 * @example
 * saveModel('m.onnx', model, { preparation }, { format: 'onnx', preprocess: true });
 */
export function saveModel(path: string, model: Sequential, sections: DataSections = {}, options: SaveModelOptions = {}): void {
  const format = options.format ?? 'densely';
  if (options.preprocess && format !== 'onnx') throw new Error(`saveModel: preprocess goes with format 'onnx' (the ${format} format has no place for the preparation)`);
  if (format === 'tfjs') {
    saveTfjs(path, model.toJSON(), { preparation: sections.preparation, featureNames: sections.featureNames });
    return;
  }
  if (format === 'onnx') {
    if (options.preprocess && !sections.preparation) throw new Error("saveModel: preprocess needs sections.preparation (the model's data preparation)");
    saveOnnx(path, model.toJSON(), options.preprocess ? (sections.preparation ?? null) : null);
    return;
  }
  if (format !== 'densely') throw new Error(`saveModel: unknown format ${JSON.stringify(format)} (expected densely, tfjs or onnx)`);
  writeFileAtomic(path, JSON.stringify(modelFile(model, sections, options)));
}

/**
 * A model file (any version, from the API or the CLI) as a compiled model and its data sections;
 * or a TensorFlow.js model.json (weights files beside it) as an uncompiled model with no preparation.
 */
export function loadModelFile(path: string, options: Pick<SequentialOptions, 'backend'> = {}): LoadedModel {
  if (isFolder(path)) path = join(path, 'model.json'); // a folder saved with { format: 'tfjs' }
  const text = new TextDecoder().decode(readFileBytes(path));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not a densely model file (invalid JSON: ${(e as Error).message})`);
  }
  if (isTfjsModelJson(json)) return modelFromFile(readTfjsDocument(path, json), path, options);
  return modelFromFile(json, path, options);
}

/**
 * The compiled model in a model file, ready for predict, evaluate or more fit.
 *
 * @example
 * const model = loadModel('model.json');
 * model.evaluate(XTest, yTest); // { loss: …, accuracy: … }
 */
export function loadModel(path: string): Sequential {
  return loadModelFile(path).model;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // reading it says what is wrong
  }
}
