/**
 * A float64 twin of a Sequential of Dense layers: the same weights (float32 values held as
 * float64), the same activations and loss, every operation in float64. gradCheck differences its
 * loss instead of the engine's float32 forward, whose rounding (~6e-8 relative per evaluation)
 * would otherwise swamp small gradients and force steps so large that they cross ReLU's kink.
 *
 *   A₀ = X                          X: [rows, d]
 *   Aₗ = f(Aₗ₋₁·Wₗ + bₗ)            Wₗ: [in, out], bₗ: [out]  (the last layer stays linear
 *                                   when the loss fused its activation: it emits logits)
 *   L  = (1/rows)·Σᵢ ℓᵢ             ℓ as in losses.ts, mean over the k outputs
 *
 * It only knows Dense layers and the built-in losses; for anything else `referenceLoss` returns
 * null and gradCheck differences the engine's own forward instead.
 */
import { Dense } from './dense.js';
import { binaryCrossentropy, meanSquaredError, type Loss } from './losses.js';
import type { Sequential } from './sequential.js';

/** The twin: its weights (one Float64Array per weight tensor, Keras order) and its loss at them. */
export interface ReferenceLoss {
  /** Copies of the model's weights in float64; perturb them, then call loss(). */
  weights: Float64Array[];
  /** The mean loss over the rows, at `weights`, computed in float64. */
  loss(): number;
}

/** Keras's clip for probabilities when BCE is not given logits (the same as losses.ts). */
const EPS = 1e-7;

/**
 * The float64 twin of `model` on (X: [rows, d], y: [rows, k]), or null when the model has a layer
 * other than Dense or a loss this file does not know.
 *
 * @example
 * const twin = referenceLoss(model, X.data, y.data, X.rows);
 * twin?.loss(); // ≈ model.evaluate(X, y).loss, to float32 rounding
 */
export function referenceLoss(model: Sequential, X: Float32Array, y: Float32Array, rows: number): ReferenceLoss | null {
  const { loss, fused } = model.compiled('referenceLoss');
  const lossFn = rowLoss(loss, fused);
  if (lossFn === null || !model.layers.every((l) => l instanceof Dense)) return null;
  const layers = model.layers as Dense[];
  const weights: Float64Array[] = [];
  const shapes: { W: number; b: number; nIn: number; nOut: number; f: (z: number) => number }[] = [];
  layers.forEach((layer, l) => {
    const params = layer.params();
    const nIn = layer.inputDim as number;
    const nOut = layer.units;
    weights.push(Float64Array.from(params[0].param));
    const W = weights.length - 1;
    let b = -1;
    if (layer.useBias) {
      weights.push(Float64Array.from(params[1].param));
      b = weights.length - 1;
    }
    const last = l === layers.length - 1;
    shapes.push({ W, b, nIn, nOut, f: last && fused ? (z) => z : layer.activation.f });
  });
  const k = model.outputSize;
  const widest = Math.max(X.length / rows, ...layers.map((l) => l.units));
  let a = new Float64Array(rows * widest);
  let z = new Float64Array(rows * widest);
  return {
    weights,
    loss() {
      const d = shapes[0].nIn;
      for (let i = 0; i < rows * d; i++) a[i] = X[i];
      for (const { W, b, nIn, nOut, f } of shapes) {
        const w = weights[W];
        const bias = b < 0 ? null : weights[b];
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < nOut; j++) {
            let s = bias === null ? 0 : bias[j];
            for (let i = 0; i < nIn; i++) s += a[r * nIn + i] * w[i * nOut + j];
            z[r * nOut + j] = f(s);
          }
        }
        [a, z] = [z, a];
      }
      let total = 0;
      for (let r = 0; r < rows; r++) {
        let row = 0;
        for (let j = r * k; j < (r + 1) * k; j++) row += lossFn(a[j], y[j]);
        total += row / k;
      }
      return total / rows;
    },
  };
}

/** ℓ(out, target) for one output, in float64, for the built-in losses; null for any other. */
function rowLoss(loss: Loss, fused: boolean): ((out: number, t: number) => number) | null {
  if (loss === binaryCrossentropy && fused) {
    return (z, t) => Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
  }
  if (loss === binaryCrossentropy) {
    return (p, t) => {
      const pc = p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
      return -(t * Math.log(pc) + (1 - t) * Math.log(1 - pc));
    };
  }
  if (loss === meanSquaredError) return (out, t) => (out - t) * (out - t);
  return null;
}
