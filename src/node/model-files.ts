/**
 * Model files by path: save atomically (temp file, then rename), load any version. Importing
 * this module (through 'densely/node') also lets `model.save(path)` write to the file system,
 * in densely's format and (through tfjs-files.ts and onnx-files.ts) TF.js's and ONNX's.
 * `loadModelFile` also reads a TensorFlow.js model.json (a Sequential of layers densely has).
 */
import { rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { modelFile, modelFromFile, type DataSections, type LoadedModel } from '../io/model-file.js';
import { isTfjsModelJson } from '../io/tfjs/from-tfjs.js';
import { registerPathWriter } from '../nn/save-handlers.js';
import type { SaveOptions, Sequential, SequentialOptions } from '../nn/sequential.js';
import { readFileBytes, writeFilesTogether, writeJsonAtomic } from './files.js';
import { asDenselyError, ModelFileError } from '../errors.js';
import { saveOnnx } from './onnx-files.js';
import { readTfjsDocument, saveTfjs } from './tfjs-files.js';

registerPathWriter((path, document) => writeJsonAtomic(path, document));

/** Models with at least this many weights keep them in a binary sidecar (see saveModel). */
export const SIDECAR_WEIGHTS = 4_000_000;

export interface SaveModelOptions extends SaveOptions {
  /** format 'onnx': put `sections.preparation` in the graph, so the file scores raw rows (docs/export.md). */
  preprocess?: boolean;
}

/**
 * Saves the model and its data sections (preparation, featureNames, training) to `path`: the
 * one model file, written atomically, so a failed save never leaves a half-written model, and
 * streamed in pieces, so its size is not limited by the longest string JavaScript can hold. A model
 * with `sidecarWeights` (default 4M) weights or more keeps them in `<path>.weights.bin` beside the
 * JSON (float32, little-endian, in the document's order; the JSON's `weightsFile` names it), and
 * the two are replaced together: the JSON text of 100M weights would be past what JSON.parse reads.
 * `format: 'tfjs'` writes a TF.js folder instead (the preparation and feature names in its
 * metadata, the training record left out), `format: 'onnx'` an ONNX
 * file, with the preparation in its graph when `preprocess` is true.
 *
 * @example
 * saveModel('m.onnx', model, { preparation }, { format: 'onnx', preprocess: true });
 */
export function saveModel(path: string, model: Sequential, sections: DataSections = {}, options: SaveModelOptions & { sidecarWeights?: number } = {}): void {
  const format = options.format ?? 'densely';
  if (options.preprocess && format !== 'onnx') throw new Error(`saveModel: preprocess goes with format 'onnx' (the ${format} format has no place for the preparation)`);
  if (format === 'tfjs') {
    saveTfjs(path, model.toJSON(), { preparation: sections.preparation, featureNames: sections.featureNames, classes: sections.classes, target: sections.target });
    return;
  }
  if (format === 'onnx') {
    if (options.preprocess && !sections.preparation) throw new Error("saveModel: preprocess needs sections.preparation (the model's data preparation)");
    saveOnnx(path, model.toJSON(), options.preprocess ? (sections.preparation ?? null) : null);
    return;
  }
  if (format !== 'densely') throw new Error(`saveModel: unknown format ${JSON.stringify(format)} (expected densely, tfjs or onnx)`);
  // streamed, with the weights as typed arrays: no one JSON string, no boxed copy of every weight
  const doc = modelFile(model, sections, { ...options, typedValues: true });
  const weights = doc.weights.map((w) => w.values as unknown as Float32Array);
  const total = weights.reduce((n, w) => n + w.length, 0);
  if (total < (options.sidecarWeights ?? SIDECAR_WEIGHTS)) {
    writeJsonAtomic(path, doc);
    rmSync(`${path}.weights.bin`, { force: true }); // a sidecar from an earlier, larger save is no longer this file's
    return;
  }
  const bin = new Float32Array(total);
  let at = 0;
  for (const w of weights) {
    bin.set(w, at);
    at += w.length;
  }
  const bytes = new Uint8Array(bin.buffer);
  if (!HOST_LITTLE) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  const sidecar = `${basename(path)}.weights.bin`;
  const json = { ...doc, weights: doc.weights.map((w) => ({ name: w.name, shape: w.shape })), weightsFile: { path: sidecar, dtype: '<f4', values: total } };
  const text = JSON.stringify(json, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
  writeFilesTogether([
    { path: join(dirname(path), sidecar), data: bytes },
    { path, data: text },
  ]);
}

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A document's `weightsFile` read into its weights' values (Float32Arrays), checked: a plain file
 * name beside the JSON, float32 little-endian, exactly as many values as the shapes need.
 */
function readSidecar(path: string, doc: Record<string, unknown>): void {
  const bad = (detail: string): never => {
    throw new ModelFileError(path, detail, 'weightsFile');
  };
  const given = doc.weightsFile;
  if (!given || typeof given !== 'object' || Array.isArray(given)) bad('must be {path, dtype, values}');
  const wf = given as { path?: unknown; dtype?: unknown; values?: unknown };
  if (typeof wf.path !== 'string' || wf.path === '' || /[\\/]/.test(wf.path) || wf.path.startsWith('.')) bad('path must be a plain file name beside the model file');
  if (wf.dtype !== '<f4') bad(`dtype must be '<f4', got ${JSON.stringify(wf.dtype)}`);
  if (!Number.isSafeInteger(wf.values) || (wf.values as number) < 0) bad('values must be a count');
  const weights = doc.weights;
  if (!Array.isArray(weights)) return; // fromJSON names it
  const counts = weights.map((w, i) => {
    const shape = (w as { shape?: unknown } | null)?.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ModelFileError(path, 'must be a list of sizes (the values are in the weights file)', `weights[${i}].shape`);
    return (shape as number[]).reduce((a, b) => a * b, 1);
  });
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== wf.values) bad(`says ${String(wf.values)} values, the weights' shapes need ${total}`);
  const binPath = join(dirname(path), wf.path as string);
  const raw = readFileBytes(binPath);
  if (raw.length !== total * 4) throw new ModelFileError(binPath, `has ${raw.length} bytes, the model's ${total} float32 weights need ${total * 4}`);
  const aligned = raw.byteOffset % 4 === 0 ? raw : raw.slice();
  const all = new Float32Array(aligned.buffer, aligned.byteOffset, total);
  if (!HOST_LITTLE) for (let i = 0; i < raw.length; i += 4) aligned.subarray(i, i + 4).reverse();
  let at = 0;
  weights.forEach((w, i) => {
    (w as { values?: unknown }).values = all.subarray(at, at + counts[i]!);
    at += counts[i]!;
  });
}

/**
 * A model file (any version, from the API or the CLI) as a compiled model and its data sections;
 * or a TensorFlow.js model.json (weights files beside it) as an uncompiled model with no preparation.
 */
export function loadModelFile(path: string, options: Pick<SequentialOptions, 'backend'> = {}): LoadedModel {
  if (isFolder(path)) path = join(path, 'model.json'); // a folder saved with { format: 'tfjs' }
  const bytes = readFileBytes(path);
  // V8's longest string is 2^29 - 24 characters: a JSON text past it cannot be parsed at all
  if (bytes.length > 2 ** 29 - 24) {
    throw new ModelFileError(path, `is ${bytes.length} bytes of JSON, more than JavaScript can parse as one text (512 MiB); save large models with their weights in a binary sidecar (saveModel does past ${SIDECAR_WEIGHTS} weights)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ModelFileError(path, `not a densely model file (invalid JSON: ${(e as Error).message})`);
  }
  try {
    if (isTfjsModelJson(json)) return modelFromFile(readTfjsDocument(path, json), path, options);
    if (json !== null && typeof json === 'object' && 'weightsFile' in json) readSidecar(path, json as Record<string, unknown>);
    return modelFromFile(json, path, options);
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

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // reading it says what is wrong
  }
}
