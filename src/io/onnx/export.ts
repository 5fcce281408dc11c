/**
 * An ONNX file for a densely model: `model.save('m.onnx', { format: 'onnx' })`, `densely train
 * --save-onnx m.onnx`. The graph is model-graph.ts's forward pass; with a preparation
 * (`--onnx-preprocess`), preprocess-graph.ts's raw-row inputs go in front of it, so the one
 * file scores raw rows. ONNX IR version 8 and opset 13 (IR 9 and opset 19 when a one-hot compares strings,
 * which Equal accepts from opset 19).
 */
import type { Preprocessing } from '../../data/prepare.js';
import type { SequentialJSON } from '../../nn/model-json.js';
import { modelGraph } from './model-graph.js';
import { encodeModel, type OnnxGraph } from './onnx-proto.js';
import { preprocessGraph } from './preprocess-graph.js';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;

export interface OnnxExportOptions {
  /** Put this preparation in the graph: its inputs are then the raw columns (see preprocess-graph.ts). */
  preparation?: Preprocessing | null;
}

/**
 * The .onnx bytes for a model document.
 *
 * @example
 * const bytes = onnxModelBytes(model.toJSON());
 * // ONNX Runtime: session.run({ input: new ort.Tensor('float32', X, [n, d]) }) → { output }
 */
export function onnxModelBytes(doc: SequentialJSON, options: OnnxExportOptions = {}): Uint8Array {
  let graph: OnnxGraph;
  let opset = ONNX_OPSET;
  if (options.preparation) {
    const pre = preprocessGraph(options.preparation, 'features');
    const model = modelGraph(doc, 'features');
    graph = { ...model, nodes: [...pre.nodes, ...model.nodes], initializers: [...pre.initializers, ...model.initializers], inputs: pre.inputs };
    opset = Math.max(opset, pre.opset);
  } else graph = modelGraph(doc);
  // opset 19 came with IR version 9
  return encodeModel({ irVersion: opset >= 19 ? 9 : ONNX_IR_VERSION, opset, producerName: 'densely', producerVersion: '0.1.0', graph });
}
