/**
 * How `model.save(path)` reaches a file system without nn importing one: 'densely/node' registers
 * a path writer when it is imported (as tfjs-node registers its file:// handler). In a browser,
 * pass `model.save` a function instead, e.g. one that posts the JSON or stores it.
 */
import type { SequentialJSON } from './model-json.js';

/** Writes a model document somewhere; what `model.save(target)` calls. */
export type ModelWriter = (document: SequentialJSON) => void;
/** Writes a model document to a path (registered by 'densely/node'). */
export type PathWriter = (path: string, document: SequentialJSON) => void;

let pathWriter: PathWriter | null = null;

/** Called by 'densely/node' on import. */
export function registerPathWriter(writer: PathWriter): void {
  pathWriter = writer;
}

/** The writer for a save target: a function as it is, a path through the registered writer. */
export function writerFor(target: string | ModelWriter): ModelWriter {
  if (typeof target === 'function') return target;
  const w = pathWriter;
  if (!w) throw new Error(`save('${target}'): saving to a path needs Node: import { loadModel } from 'densely/node' (or pass save a function that stores the JSON)`);
  return (document) => w(target, document);
}
