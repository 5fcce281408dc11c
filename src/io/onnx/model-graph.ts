/**
 * densely's model document → the ONNX graph of its forward pass (inference only):
 *
 *   input [N, d] ─ Gemm(W, b) ─ Relu ─ Gemm(W, b) ─ … ─ Sigmoid ─ output [N, k]
 *
 * Each Dense layer is one Gemm (Y = X·W + b; W stays [in, out] as densely stores it, so transB
 * is 0), or a MatMul when it has no bias, then its activation as its own node: Relu, Sigmoid,
 * Tanh, Elu, Selu, Softplus, Softmax (axis −1), nothing for linear. Dropout is the identity at
 * inference and writes no node. The weights are initializers named as densely names them
 * (`dense/kernel`). `N` is a symbolic dimension, so any number of rows can be scored at once.
 *
 * The output is what `model.predict` returns: probabilities, not logits, even when training
 * fused the sigmoid into the loss (the document records the layer's own activation).
 */
import type { LayerConfig } from '../../nn/layer.js';
import type { SequentialJSON, WeightJSON } from '../../nn/model-json.js';
import { DataType, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-proto.js';

/** densely activation → its ONNX node (opset 13), with the attributes that make it Keras's. */
const ACTIVATION_NODES: Record<string, Pick<OnnxNode, 'opType' | 'attributes'> | null> = {
  linear: null,
  relu: { opType: 'Relu' },
  sigmoid: { opType: 'Sigmoid' },
  tanh: { opType: 'Tanh' },
  elu: { opType: 'Elu', attributes: [{ name: 'alpha', f: 1 }] },
  // Keras's selu constants (ONNX's defaults are these, rounded to float32)
  selu: { opType: 'Selu', attributes: [{ name: 'alpha', f: 1.6732632423543772 }, { name: 'gamma', f: 1.0507009873554805 }] },
  softplus: { opType: 'Softplus' },
  softmax: { opType: 'Softmax', attributes: [{ name: 'axis', i: -1 }] },
  // alpha: the layer's own (saved when given), else densely's default (keras.activations.leaky_relu's 0.2)
  leaky_relu: { opType: 'LeakyRelu', attributes: [{ name: 'alpha', f: 0.2 }] },
};

/** The name of the graph's float input [N, d] and output [N, k]. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/**
 * The forward pass as an ONNX graph reading `inputName` ([N, d] float) and writing
 * {@link ONNX_OUTPUT}. Refuses a layer or activation it cannot write, naming it.
 *
 * @example
 * const g = modelGraph(model.toJSON());
 * g.nodes.map((n) => n.opType); // ['Gemm', 'Relu', 'Gemm', 'Sigmoid'] for Dense(relu) → Dense(sigmoid)
 */
export function modelGraph(doc: SequentialJSON, inputName = ONNX_INPUT): OnnxGraph {
  const byName = new Map<string, WeightJSON>(doc.weights.map((w) => [w.name, w]));
  const inputDim = (doc.layers[0]?.inputDim as number | undefined) ?? doc.weights[0]?.shape[0];
  if (typeof inputDim !== 'number') throw new Error('onnx export: the model has no input size yet (build it first)');
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let x = inputName;
  let width = inputDim;
  doc.layers.forEach((l: LayerConfig) => {
    if (l.className === 'Dropout') return; // the identity at inference
    if (l.className !== 'Dense') throw new Error(`onnx export: layer '${l.name}' is a ${l.className}, which the ONNX export does not write (it writes Dense and Dropout)`);
    const units = l.units as number;
    const activation = typeof l.activation === 'string' ? l.activation : 'linear';
    if (!(activation in ACTIVATION_NODES)) {
      throw new Error(`onnx export: layer '${l.name}' uses activation '${activation}', which the ONNX export does not write (it writes ${Object.keys(ACTIVATION_NODES).join(', ')})`);
    }
    const kernel = weight(byName, `${l.name}/kernel`, [width, units]);
    initializers.push({ name: kernel.name, dims: [width, units], dataType: DataType.FLOAT, floats: kernel.values });
    const z = `${l.name}/z`;
    if (l.useBias !== false) {
      const bias = weight(byName, `${l.name}/bias`, [units]);
      initializers.push({ name: bias.name, dims: [units], dataType: DataType.FLOAT, floats: bias.values });
      nodes.push({ opType: 'Gemm', name: `${l.name}/gemm`, inputs: [x, kernel.name, bias.name], outputs: [z] });
    } else {
      nodes.push({ opType: 'MatMul', name: `${l.name}/matmul`, inputs: [x, kernel.name], outputs: [z] });
    }
    x = z;
    const act = ACTIVATION_NODES[activation];
    if (act) {
      const a = `${l.name}/${activation}`;
      // leaky_relu's slope and elu's alpha: the layer's own when it was given one
      const alpha = typeof l.alpha === 'number' && (activation === 'leaky_relu' || activation === 'elu') ? [{ name: 'alpha', f: l.alpha }] : act.attributes;
      nodes.push({ ...act, ...(alpha ? { attributes: alpha } : {}), name: a, inputs: [z], outputs: [a] });
      x = a;
    }
    width = units;
  });
  if (nodes.length === 0) throw new Error('onnx export: the model has no Dense layer');
  nodes[nodes.length - 1].outputs = [ONNX_OUTPUT]; // the last value is the graph's output
  return {
    name: doc.name,
    nodes,
    initializers,
    inputs: [{ name: inputName, elemType: DataType.FLOAT, shape: ['N', inputDim] }],
    outputs: [{ name: ONNX_OUTPUT, elemType: DataType.FLOAT, shape: ['N', width] }],
  };
}

function weight(byName: Map<string, WeightJSON>, name: string, shape: number[]): WeightJSON {
  const w = byName.get(name);
  if (!w) throw new Error(`onnx export: the model document has no weight '${name}'`);
  if (w.values.length !== shape.reduce((n, d) => n * d, 1)) throw new Error(`onnx export: weight '${name}' has ${w.values.length} values, the layer needs [${shape.join(', ')}]`);
  return w;
}
