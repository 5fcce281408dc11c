/**
 * The backend seam: the kernels a training step spends its time in, behind one interface.
 *
 * A backend is a table of plain functions over Float32Arrays and sizes (after tinygrad's one file
 * of ops per device, and stdlib-js's main.js / native.js behind one index.js). A kernel allocates
 * nothing and keeps no state: the caller passes every output and every scratch buffer, and in a
 * model all of them are views of the model's one arena, so a backend whose memory is a
 * WebAssembly.Memory can hold the whole arena. (Two inputs come from outside the arena: the rows
 * `gatherRows` reads from the user's dataset, and the index list it reads them by.)
 *
 * `js/` is the reference: plain TypeScript loops, against which every other backend is tested
 * (test/backends/kernels.test.ts runs the same checks over every backend in `BACKENDS`).
 *
 * A model takes its backend once, when it is constructed (`new Sequential(layers, { backend })`),
 * and hands it to its layers and its optimizer when they bind; nothing looks a backend up mid-run.
 *
 * Shapes: row-major. `rows` is the batch's row count, `cols` a layer's width, `k` the outputs.
 */

import type { Arena } from '../tensor/arena.js';

/**
 * The activations a backend fuses with the bias add (forward) and the bias gradient (backward).
 * All are elementwise except softmax, which normalises each row over the layer's units.
 */
export type ActivationKind = 'relu' | 'sigmoid' | 'tanh' | 'linear' | 'leaky_relu' | 'elu' | 'selu' | 'softplus' | 'softmax';

/** Every ActivationKind, in the order error messages list them. */
export const ACTIVATION_KINDS: readonly ActivationKind[] = ['relu', 'sigmoid', 'tanh', 'linear', 'leaky_relu', 'elu', 'selu', 'softplus', 'softmax'];

/** One activation's two kernels, fused with Dense's bias. */
export interface ActivationKernels {
  /**
   * Y[r,c] = f(Y[r,c] + b[c]) for r < rows, in place.  Y: [rows, cols], b: [cols].
   * @example
   * backend.activation('relu').biasForward(Y = [1, -3], b = [0.5, 1], 1, 2); // Y = [1.5, 0]
   */
  biasForward(Y: Float32Array, b: Float32Array, rows: number, cols: number): void;
  /**
   * dA[r,c] *= f'(A[r,c]) in place (f' written in terms of the output A = f(Z)), then
   * db[c] += Σr dA[r,c].  A, dA: [rows, cols], db: [cols].
   * @example
   * backend.activation('relu').backward(A = [2, 0], dA = [5, 7], db = [0, 0], 1, 2); // dA = [5, 0], db = [5, 0]
   */
  backward(A: Float32Array, dA: Float32Array, db: Float32Array, rows: number, cols: number): void;
}

export interface Backend {
  readonly name: string;
  /**
   * The most threads one of its gemms may use: 2 for the wasm backend over shared memory (a gemm
   * past a measured size splits C across two threads), absent or 1 for one thread.
   */
  readonly threads?: number;

  /**
   * The memory a model's arena lives in: `floats` zeroed floats. The js backend makes a plain
   * ArrayBuffer; a WebAssembly backend places the arena in its WebAssembly.Memory (sized up front:
   * growing a Memory detaches every view, and the model plans its arena once per run).
   * @example
   * backend.createArena(8).capacity; // 8
   */
  createArena(floats: number): Arena;

  /**
   * C[M,N] = beta·C + op(A)·op(B); op(A): [M, K] (stored [K, M] when transA), op(B): [K, N]
   * (stored [N, K] when transB); beta 0 overwrites C, 1 accumulates. Backprop uses NN (Y = X·W),
   * TN (dW += Xᵀ·dZ) and NT (dX = dZ·Wᵀ). `scratch` has at least gemmScratchFloats(M, N, K) floats.
   * @example
   * backend.gemm(false, false, 2, 2, 2, [1, 2, 3, 4], [5, 6, 7, 8], 0, C, scratch); // C = [19, 22, 43, 50]
   */
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array, beta: 0 | 1, C: Float32Array, scratch: Float32Array): void;
  /**
   * The scratch floats gemm needs for an M×N×K product (0 when it needs none).
   * @example
   * backend.gemmScratchFloats(32, 1, 64); // 0 in the js backend: a thin product needs no packing
   */
  gemmScratchFloats(M: number, N: number, K: number): number;

  /**
   * The fused bias + activation kernels of one activation (looked up once, when a layer binds).
   * `alpha` is the slope of leaky_relu (default 0.2) and the scale of elu (default 1); the other
   * kinds ignore it.
   */
  activation(kind: ActivationKind, alpha?: number): ActivationKernels;

  /**
   * Sigmoid and binary cross-entropy fused, on the logits z (TF's form, which never overflows):
   *   ℓ = max(z, 0) − z·y + log1p(exp(−|z|)),   dZ = w·(sigmoid(z) − y)/(rows·k)
   * Returns Σi wi·(Σj ℓij)/k, a sum over rows (the caller divides by rows for the mean).
   * z, y, dZ: [rows, k]; w: [rows] per-row weights, or null for all 1.
   * @example
   * backend.sigmoidBce(z = [0], y = [1], null, 1, 1, dZ); // log 2 ≈ 0.6931; dZ = [-0.5]
   */
  sigmoidBce(z: Float32Array, y: Float32Array, w: Float32Array | null, rows: number, k: number, dZ: Float32Array): number;

  /**
   * dst[i, :] = src[indices[start + i], :] for i < count.  src: [n, cols], dst: ≥ [count, cols].
   * @example
   * backend.gatherRows([1, 2, 3, 4, 5, 6], 2, Int32Array.of(2, 0), 0, 2, dst); // dst = [5, 6, 1, 2]
   */
  gatherRows(src: Float32Array, cols: number, indices: Int32Array, start: number, count: number, dst: Float32Array): void;

  /**
   * One Adam update over a flat block, elementwise (w, g, m, v: the same length):
   *   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= alpha·m / (sqrt(v)·vScale + ε)
   * The optimizer folds the bias corrections into alpha and vScale (see optim/adam.ts).
   * @example
   * backend.adam(w = [1], g = [2], m = [0], v = [0], 0.1, 0.9, 0.999, 1e-7, 1); // m = [0.2], v = [0.004], w ≈ [0.6838]
   */
  adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, alpha: number, beta1: number, beta2: number, epsilon: number, vScale: number): void;
  /**
   * One SGD update over a flat block: plain `w −= lr·g` when momentum is 0 (u unused, may be
   * empty); else u = μ·u − lr·g and w += u (nesterov: w += μ·u − lr·g).
   * @example
   * backend.sgd(w = [1], g = [2], u = [], 0.5, 0, false); // w = [0]
   */
  sgd(w: Float32Array, g: Float32Array, u: Float32Array, learningRate: number, momentum: number, nesterov: boolean): void;
  /**
   * One RMSprop update over a flat block: v = ρ·v + (1−ρ)·g²;  w −= lr·g / sqrt(v + ε).
   * @example
   * backend.rmsprop(w = [1], g = [2], v = [0], 0.1, 0.9, 1e-7); // v = [0.4], w ≈ [0.684]
   */
  rmsprop(w: Float32Array, g: Float32Array, v: Float32Array, learningRate: number, rho: number, epsilon: number): void;
}
