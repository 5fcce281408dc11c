/**
 * Reading the network from the inside, with the engine's own buffers and kernels.
 *
 * Both functions do what a training step does (src/nn/trainer.ts, forwardBackward), one layer at a
 * time, so the page can copy out what each layer computed before the next layer runs:
 * - `forwardGrid` pushes many points through every layer (for the heat maps);
 * - `inspectSample` runs forward AND backward on one sample and records, per layer, its input,
 *   output, dY, dZ = dY ⊙ f′(Y) (the layer's backward overwrites dY with dZ in place, so the
 *   buffer is read again after backward), dW, db and dX; then, as the step does, each regularized
 *   layer adds its penalty to the loss and its gradient to dW (kept apart as dWPenalty too).
 * The batch goes into the model's batch buffers (model.buffers, in its arena), as the Trainer's
 * gather puts it there; the outputs are the layers' own buffers. Nothing is updated: the next
 * training step gathers its own batch and recomputes every gradient.
 */
import { sigmoid, type Sequential } from '../../src/index.js';

/** Each layer's outputs for every point: outputs[l] is [n, units of layer l]; the last is p = σ(z). */
export interface GridOutputs {
  outputs: Float32Array[];
}

/** points: [n, 2]. Runs forward in chunks of the arena's batch capacity. */
export function forwardGrid(model: Sequential, points: Float32Array, capacity: number): GridOutputs {
  const n = points.length / 2;
  const layers = model.layers;
  const outputs = layers.map((l) => new Float32Array(n * l.outputDim));
  const Xb = model.buffers.X;
  const last = layers.length - 1;
  for (let start = 0; start < n; start += capacity) {
    const rows = Math.min(capacity, n - start);
    Xb.buffer.set(points.subarray(2 * start, 2 * (start + rows)));
    let a = Xb.get(rows);
    layers.forEach((layer, l) => {
      a = layer.forward(a, rows);
      const width = layer.outputDim;
      outputs[l].set(a.subarray(0, rows * width), start * width);
    });
  }
  // the loss fused the output sigmoid, so the last layer emitted logits: apply it here, as predict does
  const out = outputs[last];
  for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
  return { outputs };
}

export interface LayerTrace {
  name: string;
  activation: string;
  /** The layer's input X: [1, in]. */
  input: Float32Array;
  /** Its output Y = f(X·W + b): [1, out] (the logit z for the output layer, whose sigmoid the loss fused). */
  output: Float32Array;
  /** W: [in, out] row-major, and b: [out], as they are now. */
  W: Float32Array;
  b: Float32Array;
  /** ∂L/∂Y, what backward received: [1, out]. */
  dY: Float32Array;
  /** dY ⊙ f′(Y): [1, out]. */
  dZ: Float32Array;
  /** dWPenalty: the regularizer's part of dW, l1·sign(W) + 2·l2·W (zeros without one): [in, out]. */
  dWPenalty: Float32Array;
  /** Xᵀ·dZ (+ dWPenalty): [in, out], and Σrows dZ: [out]. */
  dW: Float32Array;
  db: Float32Array;
  /** dZ·Wᵀ: [1, in] (not computed for the first layer: nothing needs it). */
  dX: Float32Array | null;
}

export interface SampleTrace {
  x: [number, number];
  label: number;
  /** The output logit z, the probability p = σ(z), and the loss L = ℓ + penalty on this one sample. */
  z: number;
  p: number;
  loss: number;
  /** The regularizers' penalty in `loss` (0 without any). */
  penalty: number;
  layers: LayerTrace[];
}

/** Forward and backward on one sample (x, label), reading every layer's buffers on the way. */
export function inspectSample(model: Sequential, x: [number, number], label: number): SampleTrace {
  const { loss, fused } = model.compiled('inspect');
  const { X, y, dOut } = model.buffers;
  X.buffer.set(x);
  y.buffer[0] = label;
  const traces: LayerTrace[] = [];
  // 1. forward
  let a = X.get(1);
  for (const layer of model.layers) {
    const input = a.slice();
    a = layer.forward(a, 1);
    const [W, b] = layer.params();
    traces.push({
      name: layer.name,
      activation: (layer.toJSON().activation as string) ?? 'linear',
      input,
      output: a.slice(),
      W: W.param.slice(),
      b: b ? b.param.slice() : new Float32Array(0),
      dY: new Float32Array(0),
      dZ: new Float32Array(0),
      dW: new Float32Array(0),
      dWPenalty: new Float32Array(0),
      db: new Float32Array(0),
      dX: null,
    });
  }
  const z = a[0];
  // 2. the loss and its gradient with respect to the output (p − y when sigmoid and BCE are fused)
  const lossValue = loss.forwardBackward(model.backend, a, y.get(1), null, 1, 1, fused, dOut.get(1));
  // 3. backward, last layer first; gradients are added, so zero them first (as the step does)
  model.zeroGrads();
  let g: Float32Array | null = dOut.get(1);
  for (let l = model.layers.length - 1; l >= 0; l--) {
    const layer = model.layers[l];
    const t = traces[l];
    const dYBuffer = g as Float32Array;
    t.dY = dYBuffer.slice();
    g = layer.backward(dYBuffer, 1, l > 0);
    t.dZ = dYBuffer.slice(); // backward turned dY into dZ in place
    const [W, b] = layer.params();
    t.dW = W.grad.slice();
    t.db = b ? b.grad.slice() : new Float32Array(0);
    t.dX = g ? g.slice() : null;
  }
  // 3b. the regularizers, as the step does: the penalty joins the loss, its gradient joins dW
  let penalty = 0;
  model.layers.forEach((layer, l) => {
    const t = traces[l];
    const [W] = layer.params();
    penalty += layer.penalty?.(true) ?? 0;
    t.dWPenalty = W.grad.map((g, i) => g - t.dW[i]);
    t.dW = W.grad.slice();
  });
  return { x, label, z, p: sigmoid(z), loss: lossValue + penalty, penalty, layers: traces };
}
