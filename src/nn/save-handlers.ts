/**
 * How `model.save(path)` reaches a file system without nn importing one: 'densely/node' registers
 * a path writer when it is imported (as tfjs-node registers its file:// handler). In a browser,
 * pass `model.save` a function instead, e.g. one that posts the JSON or stores it.
 *
 * A path writer is registered per format: 'densely' (the one model file, the default), and, from
 * 'densely/node', 'tfjs' (a directory with model.json and weights.bin, see src/io/tfjs) and 'onnx'
 * (one .onnx file, see src/io/onnx). Each receives the same model document and converts it.
 */
import type { SequentialJSON } from './model-json.js';

/** The formats `model.save(path, { format })` can write. */
export type SaveFormat = 'densely' | 'tfjs' | 'onnx';
export const SAVE_FORMATS: readonly SaveFormat[] = ['densely', 'tfjs', 'onnx'];

/** Writes a model document somewhere; what `model.save(target)` calls. */
export type ModelWriter = (document: SequentialJSON) => void;
/** Writes a model document to a path, in one format (registered by 'densely/node'). */
export type PathWriter = (path: string, document: SequentialJSON) => void;

const pathWriters = new Map<string, PathWriter>();

/** Called by 'densely/node' on import, once per format. */
export function registerPathWriter(writer: PathWriter, format: SaveFormat = 'densely'): void {
  pathWriters.set(format, writer);
}

/** The writer for a save target: a function as it is, a path through the format's registered writer. */
export function writerFor(target: string | ModelWriter, format: SaveFormat = 'densely'): ModelWriter {
  if (!SAVE_FORMATS.includes(format)) throw new Error(`save: unknown format ${JSON.stringify(format)} (expected one of ${SAVE_FORMATS.join(', ')})`);
  if (typeof target === 'function') {
    if (format !== 'densely') {
      throw new Error(`save(fn, { format: '${format}' }): a function receives densely's document; convert it yourself with ${format === 'tfjs' ? 'tfjsArtifacts' : 'onnxModelBytes'}(model.toJSON())`);
    }
    return target;
  }
  const w = pathWriters.get(format);
  if (!w) throw new Error(`save('${target}'): saving to a path needs Node: import { loadModel } from 'densely/node' (or pass save a function that stores the JSON)`);
  return (document) => w(target, document);
}
