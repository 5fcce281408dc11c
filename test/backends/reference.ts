/**
 * Naive float64 references for the kernels of the backend seam (src/backends/backend.ts), written
 * straight from the formulas in that file's doc comments. They call no backend: the js backend is
 * itself under test in test/backends/kernels.test.ts, so it cannot be its own reference.
 *
 * Every reference reads its float32 inputs as doubles, computes in double, and returns doubles
 * (unrounded), together with a scale for the tolerance where the float32 rounding error of a
 * correct kernel depends on more than the result itself (a sum with cancellation, a difference).
 */
import type { ActivationKind } from '../../src/backends/backend.js';

/**
 * C = beta·C0 + op(A)·op(B) in double, and for each element the sum of the absolute values of
 * the terms added (|beta·C0| + Σk |op(A)ik·op(B)kj|): any float32 summation, in any order, with
 * or without FMA, is within a small multiple of 2⁻²⁴·K of that sum.
 */
export function refGemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  beta: 0 | 1,
  C0: Float32Array,
): { value: Float64Array; absSum: Float64Array } {
  const value = new Float64Array(M * N);
  const absSum = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = beta === 1 ? C0[i * N + j] : 0;
      let t = Math.abs(s);
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        s += a * b;
        t += Math.abs(a * b);
      }
      value[i * N + j] = s;
      absSum[i * N + j] = t;
    }
  }
  return { value, absSum };
}

/** The logistic function, in double; the two branches keep exp's argument ≤ 0. */
export function refSigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** f(z) of each activation. */
export function refActivation(kind: ActivationKind, z: number): number {
  switch (kind) {
    case 'relu':
      return Math.max(z, 0);
    case 'sigmoid':
      return refSigmoid(z);
    case 'tanh':
      return Math.tanh(z);
    case 'linear':
      return z;
    case 'leaky_relu':
      return z >= 0 ? z : 0.2 * z;
    case 'elu':
      return z > 0 ? z : Math.exp(z) - 1;
    case 'selu':
      return z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * (Math.exp(z) - 1);
    case 'softplus':
      return z > 30 ? z : Math.log(1 + Math.exp(z));
    case 'softmax':
      throw new Error('softmax is row-wise: see refBiasForward');
  }
}

/** Keras's SELU constants, written out from keras.activations.selu's docs (not imported from src). */
const SELU_ALPHA = 1.67326324235437728481704299;
const SELU_SCALE = 1.05070098735548049578;

/** f'(z) written in terms of the output a = f(z), as the backward kernel's doc comment states it. */
export function refDerivativeFromOutput(kind: ActivationKind, a: number): number {
  switch (kind) {
    case 'relu':
      return a > 0 ? 1 : 0;
    case 'sigmoid':
      return a * (1 - a);
    case 'tanh':
      return 1 - a * a;
    case 'linear':
      return 1;
    case 'leaky_relu':
      return a > 0 ? 1 : 0.2;
    case 'elu':
      return a > 0 ? 1 : a + 1;
    case 'selu':
      return a > 0 ? SELU_SCALE : a + SELU_SCALE * SELU_ALPHA;
    case 'softplus':
      return 1 - Math.exp(-a);
    case 'softmax':
      throw new Error('softmax is row-wise: see refBackward');
  }
}

/** Y = f(Y + b) over the first rows·cols elements. */
export function refBiasForward(kind: ActivationKind, Y: Float32Array, b: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  if (kind === 'softmax') {
    // row-wise: e^(z − max) / Σ e^(z − max), with z = Y + b as a float32 (the kernel's contract:
    // the same as softmax applied later to stored float32 logits)
    for (let r = 0; r < rows; r++) {
      const z = Array.from({ length: cols }, (_, c) => Math.fround(Y[r * cols + c] + b[c]));
      const max = Math.max(...z);
      const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
      for (let c = 0; c < cols; c++) out[r * cols + c] = Math.exp(z[c] - max) / sum;
    }
    return out;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = refActivation(kind, Y[r * cols + c] + b[c]);
  }
  return out;
}

/**
 * dZ = dA ⊙ f'(A) and db = db0 + Σr dZ. Also returns, per column, Σr |dZ| and Σr |dA| (the
 * scales of the rounding error of db: the sum, and each term's error, which for tanh's
 * 1 − A² near |A| = 1 is relative to dA rather than to dZ).
 */
export function refBackward(
  kind: ActivationKind,
  A: Float32Array,
  dA: Float32Array,
  db0: Float32Array,
  rows: number,
  cols: number,
): { dZ: Float64Array; db: Float64Array; dbAbs: Float64Array; dAAbs: Float64Array } {
  const dZ = new Float64Array(rows * cols);
  const db = Float64Array.from(db0.subarray(0, cols));
  const dbAbs = new Float64Array(cols);
  const dAAbs = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    // softmax's Jacobian is not diagonal: dZ = A ⊙ (dA − Σc dA⊙A) per row
    let dot = 0;
    if (kind === 'softmax') for (let c = 0; c < cols; c++) dot += dA[r * cols + c] * A[r * cols + c];
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const g = kind === 'softmax' ? A[i] * (dA[i] - dot) : dA[i] * refDerivativeFromOutput(kind, A[i]);
      dZ[i] = g;
      db[c] += g;
      dbAbs[c] += Math.abs(g);
      dAAbs[c] += Math.abs(dA[i]);
    }
  }
  return { dZ, db, dbAbs: dbAbs.map((s, c) => s + Math.abs(db0[c])), dAAbs };
}

/**
 * ℓ = max(z, 0) − z·y + log1p(exp(−|z|)),  dZ = w·(σ(z) − y)/(rows·k);
 * returns loss = Σi wi·(Σj ℓij)/k (a sum of non-negative terms, so it is its own error scale).
 */
export function refSigmoidBce(
  z: Float32Array,
  y: Float32Array,
  w: Float32Array | null,
  rows: number,
  k: number,
): { loss: number; dZ: Float64Array } {
  const dZ = new Float64Array(rows * k);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const wi = w === null ? 1 : w[i];
    let rowLoss = 0;
    for (let j = 0; j < k; j++) {
      const zj = z[i * k + j];
      const yj = y[i * k + j];
      rowLoss += Math.max(zj, 0) - zj * yj + Math.log1p(Math.exp(-Math.abs(zj)));
      dZ[i * k + j] = (wi * (refSigmoid(zj) - yj)) / (rows * k);
    }
    loss += (wi * rowLoss) / k;
  }
  return { loss, dZ };
}

/** dst[i, :] = src[indices[start + i], :] for i < count, as a fresh array of count·cols floats. */
export function refGatherRows(src: Float32Array, cols: number, indices: Int32Array, start: number, count: number): Float32Array {
  const out = new Float32Array(count * cols);
  for (let i = 0; i < count; i++) {
    const from = indices[start + i] * cols;
    for (let j = 0; j < cols; j++) out[i * cols + j] = src[from + j];
  }
  return out;
}

/** One optimizer step's new values, and per element the scale of a correct float32 kernel's error. */
export interface RefStep {
  value: Float64Array;
  scale: Float64Array;
}

/**
 * Adam: m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= alpha·m / (sqrt(v)·vScale + ε).
 * Scales: |β1·m| + |(1−β1)·g| for m, the same for v, |w| + |Δw| for w.
 */
export function refAdam(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  alpha: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  vScale: number,
): { w: RefStep; m: RefStep; v: RefStep } {
  const n = w.length;
  const out = { w: step(n), m: step(n), v: step(n) };
  for (let i = 0; i < n; i++) {
    const mi = beta1 * m[i] + (1 - beta1) * g[i];
    const vi = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    const dw = (alpha * mi) / (Math.sqrt(vi) * vScale + epsilon);
    out.m.value[i] = mi;
    out.m.scale[i] = Math.abs(beta1 * m[i]) + Math.abs((1 - beta1) * g[i]);
    out.v.value[i] = vi;
    out.v.scale[i] = vi; // both terms are non-negative
    out.w.value[i] = w[i] - dw;
    out.w.scale[i] = Math.abs(w[i]) + Math.abs(dw);
  }
  return out;
}

/**
 * SGD: plain w −= lr·g when momentum is 0; else u = μ·u − lr·g and w += u (nesterov:
 * w += μ·u − lr·g, with the new u). `u` is null for plain SGD (the reference never reads it).
 */
export function refSgd(
  w: Float32Array,
  g: Float32Array,
  u: Float32Array | null,
  learningRate: number,
  momentum: number,
  nesterov: boolean,
): { w: RefStep; u: RefStep } {
  const n = w.length;
  const out = { w: step(n), u: step(momentum === 0 ? 0 : n) };
  for (let i = 0; i < n; i++) {
    if (momentum === 0) {
      out.w.value[i] = w[i] - learningRate * g[i];
      out.w.scale[i] = Math.abs(w[i]) + Math.abs(learningRate * g[i]);
      continue;
    }
    const ui = momentum * u![i] - learningRate * g[i];
    out.u.value[i] = ui;
    out.u.scale[i] = Math.abs(momentum * u![i]) + Math.abs(learningRate * g[i]);
    const dw = nesterov ? momentum * ui - learningRate * g[i] : ui;
    out.w.value[i] = w[i] + dw;
    out.w.scale[i] = Math.abs(w[i]) + (nesterov ? Math.abs(momentum * ui) + Math.abs(learningRate * g[i]) : Math.abs(ui)) + out.u.scale[i];
  }
  return out;
}

/** RMSprop: v = ρ·v + (1−ρ)·g²;  w −= lr·g / sqrt(v + ε). */
export function refRmsprop(
  w: Float32Array,
  g: Float32Array,
  v: Float32Array,
  learningRate: number,
  rho: number,
  epsilon: number,
): { w: RefStep; v: RefStep } {
  const n = w.length;
  const out = { w: step(n), v: step(n) };
  for (let i = 0; i < n; i++) {
    const vi = rho * v[i] + (1 - rho) * g[i] * g[i];
    const dw = (learningRate * g[i]) / Math.sqrt(vi + epsilon);
    out.v.value[i] = vi;
    out.v.scale[i] = vi;
    out.w.value[i] = w[i] - dw;
    out.w.scale[i] = Math.abs(w[i]) + Math.abs(dw);
  }
  return out;
}

function step(n: number): RefStep {
  return { value: new Float64Array(n), scale: new Float64Array(n) };
}
