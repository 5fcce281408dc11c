/**
 * TensorFlow.js Layers models by path: `model.save(dir, { format: 'tfjs' })` and
 * `densely train --save-tfjs DIR` write DIR/model.json and DIR/weights.bin (the CLI adds the data
 * preparation in the metadata); `loadModel` reads a model.json that tfjs wrote, with the weights
 * files next to it. The conversions are
 * src/io/tfjs's; this file only touches the disk.
 *
 * Both files go to temporary files first and are renamed into place only when both are written
 * (weights.bin first, then model.json, through writeFilesTogether), so a failed save leaves the
 * old pair as it was.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelFile } from '../io/model-file.js';
import { documentFromTfjs, tfjsDataSections } from '../io/tfjs/from-tfjs.js';
import type { DenselyMetadata } from '../io/tfjs/layers-model.js';
import { tfjsArtifacts } from '../io/tfjs/to-tfjs.js';
import type { SequentialJSON } from '../nn/model-json.js';
import { registerPathWriter } from '../nn/save-handlers.js';
import { checkWritableTarget, readFileBytes, writeFilesTogether } from './files.js';

registerPathWriter((dir, document) => saveTfjs(dir, document), 'tfjs');

/**
 * Writes the model document as a TF.js Layers model into the folder `target` (created if
 * missing), or, when `target` ends in .json, as that file with weights.bin beside it.
 * Returns the path of the model JSON.
 *
 * @example
 * saveTfjs('exported', model.toJSON()); // 'exported/model.json' (and exported/weights.bin)
 */
export function saveTfjs(target: string, document: SequentialJSON, sections: DenselyMetadata = {}): string {
  const { modelJson, weightFiles } = tfjsArtifacts(document, sections);
  const asFile = /\.json$/i.test(target);
  const dir = asFile ? dirname(target) : target;
  const jsonPath = asFile ? target : join(dir, 'model.json');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`${dir}: cannot create the folder (${(e as Error).message})`);
  }
  // weights first, then model.json, all or none (a failed rename puts the old files back)
  writeFilesTogether([...[...weightFiles].map(([name, bytes]) => ({ path: join(dir, name), data: bytes })), { path: jsonPath, data: JSON.stringify(modelJson) }]);
  return jsonPath;
}

/**
 * The densely model file of a TF.js model.json at `path` (already parsed): its weights read from
 * beside it, and the data sections densely kept in its metadata, if any.
 */
export function readTfjsDocument(path: string, json: unknown): ModelFile {
  return { ...documentFromTfjs(json, (name) => readFileBytes(join(dirname(path), name)), path), ...tfjsDataSections(json) };
}

/** Throws, naming the path, unless `dir` is (or can be created as) a folder where model.json can be written. */
export function checkTfjsTarget(dir: string): void {
  if (/\.json$/i.test(dir)) return checkWritableTarget(dir);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    checkWritableTarget(dir); // a new folder: its parent must take it
    return;
  }
  if (!isDir) throw new Error(`${dir}: cannot write a TensorFlow.js model there: it is a file (give a folder)`);
  checkWritableTarget(join(dir, 'model.json'));
}
