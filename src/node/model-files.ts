/**
 * Model files by path: save atomically (temp file, then rename), load any version. Importing
 * this module (through 'densely/node') also lets `model.save(path)` write to the file system.
 */
import { modelFile, modelFromFile, type DataSections, type LoadedModel } from '../io/model-file.js';
import { registerPathWriter } from '../nn/save-handlers.js';
import type { Sequential, ToJSONOptions } from '../nn/sequential.js';
import { readFileBytes, writeJsonAtomic } from './files.js';
import { asDenselyError, ModelFileError } from '../errors.js';

registerPathWriter((path, document) => writeJsonAtomic(path, document));

/**
 * Saves the model and its data sections (preparation, featureNames, training) to `path`: the
 * one model file, written atomically, so a failed save never leaves a half-written model, and
 * streamed in pieces, so its size is not limited by the longest string JavaScript can hold.
 */
export function saveModel(path: string, model: Sequential, sections: DataSections = {}, options: ToJSONOptions = {}): void {
  // streamed, with the weights as typed arrays: no one JSON string, no boxed copy of every weight
  writeJsonAtomic(path, modelFile(model, sections, { ...options, typedValues: true }));
}

/** A model file (any version, from the API or the CLI) as a compiled model and its data sections. */
export function loadModelFile(path: string): LoadedModel {
  const text = new TextDecoder().decode(readFileBytes(path));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(path, `not a densely model file (invalid JSON: ${(e as Error).message})`);
  }
  try {
    return modelFromFile(json, path);
  } catch (e) {
    throw asDenselyError(e, ModelFileError, path); // whatever slipped past the checks still names the file
  }
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
