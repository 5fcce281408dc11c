/**
 * ONNX files by path: `model.save('m.onnx', { format: 'onnx' })` and `densely train --save-onnx`.
 * The encoding is src/io/onnx's; this file writes the bytes atomically.
 */
import type { Preprocessing } from '../data/prepare.js';
import { onnxModelBytes } from '../io/onnx/export.js';
import type { SequentialJSON } from '../nn/model-json.js';
import { registerPathWriter } from '../nn/save-handlers.js';
import { writeFileAtomic } from './files.js';

registerPathWriter((path, document) => saveOnnx(path, document), 'onnx');

/**
 * Writes the model document as an ONNX model at `path`; with a preparation, the graph takes raw
 * columns (see src/io/onnx/preprocess-graph.ts).
 *
 * @example
 * saveOnnx('model.onnx', model.toJSON());
 */
export function saveOnnx(path: string, document: SequentialJSON, preparation: Preprocessing | null = null): void {
  writeFileAtomic(path, onnxModelBytes(document, { preparation }));
}
