/**
 * A float64 twin of a Sequential of Dense layers: the same weights (float32 values held as
 * float64), the same activations and loss, every operation in float64. gradCheck differences its
 * loss instead of the engine's float32 forward, whose rounding (~6e-8 relative per evaluation)
 * would otherwise swamp small gradients and force steps so large that they cross ReLU's kink.
 *
 *   A₀ = X                          X: [rows, d]
 *   Zₗ = Aₗ₋₁·Wₗ + bₗ                Wₗ: [in, out], bₗ: [out]
 *   Aₗ = f(Zₗ)                      (the last layer stays linear when the loss fused its
 *                                   activation: it emits logits)
 *   L  = (1/rows)·Σᵢ ℓᵢ + Σ penalties   ℓ as in losses.ts, mean over the k outputs; the
 *                                   penalties l1·Σ|w| + l2·Σw² of the trainable layers'
 *                                   regularizers (regularizers.ts), as Keras adds them
 *
 * **Changing one weight is cheap.** The twin keeps every Zₗ and Aₗ at the model's weights. A
 * weight of layer l (W[p, j] or b[j]) moves only unit j of that layer: Zₗ[:, j] += δ·Aₗ₋₁[:, p]
 * (or += δ for the bias). Then Aₗ changes in column j only, so the next layer's pre-activations
 * take a rank-1 update, Zₗ₊₁ += ΔAₗ[:, j] ⊗ Wₗ₊₁[j, :], and only the layers after that run in full.
 * For the marketing model (50 → 64 → 64 → 1) that makes one evaluation a few thousand
 * multiply-adds instead of a whole forward pass.
 *
 * It only knows Dense layers with elementwise activations (and Dropout, the identity here) (softmax only where a cross-entropy
 * fused it away) and the built-in losses; for anything else `referenceLoss` returns null and
 * gradCheck differences the engine's own forward instead.
 */
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { binaryCrossentropy, categoricalCrossentropy, clipProbability, hinge, huber, HUBER_DELTA, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy, type Loss } from './losses.js';
import type { L1L2 } from './regularizers.js';
import type { Sequential } from './sequential.js';

/** The twin at the model's weights; `lossWith` evaluates it with one weight changed. */
export interface ReferenceLoss {
  /** The model's weight tensors in float64, Keras order (read them; do not change them). */
  weights: Float64Array[];
  /** The mean loss over the rows at the model's weights, in float64. */
  loss(): number;
  /** The mean loss with weights[tensor][index] replaced by `value`, every other weight as it is. */
  lossWith(tensor: number, index: number, value: number): number;
}


interface TwinLayer {
  W: Float64Array;
  b: Float64Array | null;
  nIn: number;
  nOut: number;
  f: (z: number) => number;
}

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
  // Dropout is the identity outside a training step (gradCheck differentiates that function)
  const layersOfTwin = model.layers.filter((l) => !(l instanceof Dropout));
  if (lossFn === null || !layersOfTwin.every((l) => l instanceof Dense)) return null;
  const dense = layersOfTwin as Dense[];
  // the rank-1 update below assumes elementwise activations: a row-wise one (softmax) the loss did not absorb has no twin
  if (dense.some((l, i) => l.activation.rowwise && !(fused && i === dense.length - 1))) return null;
  const weights: Float64Array[] = [];
  /** For each weight tensor: its layer, and whether it is the bias. */
  const owner: { layer: number; bias: boolean }[] = [];
  /** For each weight tensor: its regularizer, or null (none, or a frozen layer: Keras penalises trainable weights only). */
  const regs: (L1L2 | null)[] = [];
  const layers: TwinLayer[] = dense.map((layer, l) => {
    const params = layer.params();
    const W = Float64Array.from(params[0].param);
    weights.push(W);
    owner.push({ layer: l, bias: false });
    const trainable = layer.trainable !== false;
    regs.push(trainable ? layer.kernelRegularizer : null);
    let b: Float64Array | null = null;
    if (layer.useBias) {
      b = Float64Array.from(params[1].param);
      weights.push(b);
      owner.push({ layer: l, bias: true });
      regs.push(trainable ? layer.biasRegularizer : null);
    }
    const last = l === dense.length - 1;
    return { W, b, nIn: layer.inputDim as number, nOut: layer.units, f: last && fused ? (z: number) => z : layer.activation.f };
  });
  const k = model.outputSize;

  // the forward pass at the model's weights, every Zₗ and Aₗ kept: A[0] = X, A[l + 1] = f(Z[l])
  const A: Float64Array[] = [Float64Array.from(X)];
  const Z: Float64Array[] = [];
  for (const layer of layers) {
    const z = dense1(A[A.length - 1], layer, rows);
    Z.push(z);
    A.push(z.map(layer.f));
  }
  const meanLoss = (out: Float64Array): number => {
    let total = 0;
    for (let r = 0; r < rows; r++) total += lossFn(out, y, r, k);
    return total / rows;
  };
  // the penalties at the model's weights; one weight's change moves them by term(new) − term(old)
  const penalty0 = regs.reduce((p, r, t) => p + (r === null ? 0 : r.penalty(weights[t])), 0);
  const term = (r: L1L2 | null, x: number) => (r === null ? 0 : r.l1 * Math.abs(x) + r.l2 * x * x);
  const base = meanLoss(A[A.length - 1]) + penalty0;

  return {
    weights,
    loss: () => base,
    lossWith(tensor, index, value) {
      const { layer: l, bias } = owner[tensor];
      const { nIn, nOut, f } = layers[l];
      const j = bias ? index : index % nOut;
      const delta = value - weights[tensor][index];
      // unit j of layer l: Zₗ[:, j] + δ·Aₗ₋₁[:, p]  (or + δ for the bias)
      const p = bias ? -1 : Math.floor(index / nOut);
      let a = A[l + 1].slice();
      const dA = new Float64Array(rows); // the change in column j of Aₗ
      for (let r = 0; r < rows; r++) {
        const z = Z[l][r * nOut + j] + delta * (bias ? 1 : A[l][r * nIn + p]);
        const next = f(z);
        dA[r] = next - a[r * nOut + j];
        a[r * nOut + j] = next;
      }
      if (l + 1 < layers.length) {
        // layer l + 1: a rank-1 update of its pre-activations, Zₗ₊₁ + ΔAₗ[:, j] ⊗ Wₗ₊₁[j, :]
        const { W, nOut: n2, f: f2 } = layers[l + 1];
        const z2 = Z[l + 1];
        const a2 = new Float64Array(rows * n2);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < n2; c++) a2[r * n2 + c] = f2(z2[r * n2 + c] + dA[r] * W[j * n2 + c]);
        }
        a = a2;
        // and every layer after it in full
        for (let m = l + 2; m < layers.length; m++) a = dense1(a, layers[m], rows).map(layers[m].f);
      }
      return meanLoss(a) + penalty0 + (term(regs[tensor], value) - term(regs[tensor], weights[tensor][index]));
    },
  };
}

/** Z = A·W + b in float64.  A: [rows, nIn] → Z: [rows, nOut]. */
function dense1(A: Float64Array, { W, b, nIn, nOut }: TwinLayer, rows: number): Float64Array {
  const Z = new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < nOut; j++) {
      let s = b === null ? 0 : b[j];
      for (let i = 0; i < nIn; i++) s += A[r * nIn + i] * W[i * nOut + j];
      Z[r * nOut + j] = s;
    }
  }
  return Z;
}

/** Row r's loss ℓ_r in float64 for the built-in losses (out: [rows, k]; y: [rows, k], or [rows, 1] class indices); null for any other. */
type RowLoss = (out: Float64Array, y: Float32Array, r: number, k: number) => number;

/** An elementwise loss's row: the mean over k of ℓ(out, t). */
function meanOver(f: (out: number, t: number) => number, mapTargets?: (y: Float32Array) => (t: number) => number): RowLoss {
  let map: ((t: number) => number) | null = null;
  return (out, y, r, k) => {
    map ??= mapTargets ? mapTargets(y) : (t) => t;
    let row = 0;
    for (let j = r * k; j < (r + 1) * k; j++) row += f(out[j], map(y[j]));
    return row / k;
  };
}

/** −Σ y·log softmax(z) on logits (sparse: y is the class index), in float64. */
function crossEntropyOnLogits(sparse: boolean): RowLoss {
  return (z, y, r, k) => {
    const o = r * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, z[o + c]);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(z[o + c] - m);
    const lse = m + Math.log(s);
    if (sparse) return lse - z[o + y[r]];
    let row = 0;
    for (let c = 0; c < k; c++) row -= y[o + c] * (z[o + c] - lse);
    return row;
  };
}

/** Keras's cross-entropy on probabilities: normalised by the row sum, clipped, −Σ y·log q. */
function crossEntropyOnProbabilities(sparse: boolean): RowLoss {
  return (p, y, r, k) => {
    const o = r * k;
    if (sparse) {
      // TF's sparse order: clip, then normalise (a softmax of the logs)
      let Sc = 0;
      for (let c = 0; c < k; c++) Sc += clipProbability(p[o + c]);
      return Math.log(Sc) - Math.log(clipProbability(p[o + y[r]]));
    }
    let S = 0;
    for (let c = 0; c < k; c++) S += p[o + c];
    let row = 0;
    for (let c = 0; c < k; c++) {
      const q = p[o + c] / S;
      const qc = clipProbability(q);
      row -= (sparse ? (c === y[r] ? 1 : 0) : y[o + c]) * Math.log(qc);
    }
    return row;
  };
}

function rowLoss(loss: Loss, fused: boolean): RowLoss | null {
  const bceLogits = fused || (loss.name === 'binary_crossentropy' && loss.fromLogits);
  if (loss.name === 'binary_crossentropy' && bceLogits) return meanOver((z, t) => Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z))));
  if (loss === binaryCrossentropy) {
    return meanOver((p, t) => {
      const pc = clipProbability(p);
      return -(t * Math.log(pc) + (1 - t) * Math.log(1 - pc));
    });
  }
  if (loss.name === categoricalCrossentropy.name || loss.name === sparseCategoricalCrossentropy.name) {
    const sparse = loss.name === sparseCategoricalCrossentropy.name;
    return fused || loss.fromLogits ? crossEntropyOnLogits(sparse) : crossEntropyOnProbabilities(sparse);
  }
  if (loss === meanSquaredError) return meanOver((out, t) => (out - t) * (out - t));
  if (loss === meanAbsoluteError) return meanOver((out, t) => Math.abs(out - t));
  if (loss === huber) {
    return meanOver((out, t) => {
      const d = Math.abs(out - t);
      return d <= HUBER_DELTA ? 0.5 * d * d : HUBER_DELTA * d - 0.5 * HUBER_DELTA * HUBER_DELTA;
    });
  }
  if (loss === hinge) {
    return meanOver(
      (out, t) => Math.max(1 - t * out, 0),
      (y) => (y.every((v) => v === 0 || v === 1) ? (t) => 2 * t - 1 : (t) => t),
    );
  }
  return null;
}
