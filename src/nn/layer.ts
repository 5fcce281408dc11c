import type { Backend } from '../backends/backend.js';
import type { ParamGrad } from '../optim/optimizer.js';
import type { MT19937 } from '../tensor/random.js';

/** Hands out views from the model's arena. */
export type Alloc = (n: number) => Float32Array;

/** The JSON form of a layer: enough to rebuild it (weights are stored separately). */
export interface LayerConfig {
  className: string;
  name: string;
  [key: string]: unknown;
}

/**
 * The one small interface every layer implements (after ConvNetJS).
 *
 * Lifecycle: build(inputDim, backend) fixes shapes and binds the layer to the model's backend →
 * bindParams(params, grads) takes parameter and gradient views → bindWorkspace(alloc, batch,
 * gemmScratch) takes per-batch buffers → initialize(rng) fills the parameters (once, when the
 * model is built) → forward/backward, as many times as you like, for up to `batch` rows. Every
 * buffer comes from the model's arena; when the model moves to a larger arena it calls
 * bindParams and bindWorkspace again, in the same order (the values are copied over).
 *
 * Buffers are sized for the batch capacity; a call with fewer `rows` uses their first rows,
 * so the last partial batch costs no allocation.
 */
export interface Layer {
  readonly className: string;
  name: string;
  /** Set by build (or by inputShape). */
  readonly inputDim: number | undefined;
  readonly outputDim: number;
  /**
   * Keras's layer.trainable: false freezes the layer (no weight gradients, no optimizer update;
   * dX still flows through). Absent means true.
   */
  trainable?: boolean;
  /**
   * The regularization penalty of the layer's weights (added to the loss); with `addGradient`,
   * its gradient is added into the layer's grads. Absent, or 0, without regularizers.
   */
  penalty?(addGradient: boolean): number;
  /** Parameter floats (and, equally, gradient floats). */
  readonly paramCount: number;
  /** Fixes the input width, and takes the backend whose kernels forward and backward call. */
  build(inputDim: number, backend: Backend): void;
  /** Takes this layer's parameters from `params` and gradients from `grads`, in the same order. */
  bindParams(params: Alloc, grads: Alloc): void;
  /** Fills the parameters from a seeded generator (Keras defaults). */
  initialize(rng: MT19937): void;
  /** Floats of per-batch buffers for a batch capacity. */
  workspaceFloats(batch: number): number;
  bindWorkspace(alloc: Alloc, batch: number, gemmScratch: Float32Array): void;
  /** Floats of gemm scratch this layer needs at a batch capacity. */
  scratchFloats(batch: number): number;
  /**
   * X: [rows, inputDim] → returns Y: [rows, outputDim] (a buffer owned by the layer, or X itself
   * for a layer that is the identity at inference; first rows valid). `rng` is given only in a
   * training step: a layer that draws (Dropout) draws from it, and is the identity without it.
   */
  forward(X: Float32Array, rows: number, rng?: MT19937 | null): Float32Array;
  /**
   * dY: [rows, outputDim], consumed (overwritten) → returns dX: [rows, inputDim] when needDX.
   * Gradients are ADDED into the grad views; the model zeroes them once per step.
   */
  backward(dY: Float32Array, rows: number, needDX: boolean): Float32Array | null;
  /** Trainable {param, grad} pairs, Keras order (kernel, then bias). */
  params(): ParamGrad[];
  /** Keras shapes of params(), e.g. [[in, out], [out]]. */
  paramShapes(): number[][];
  toJSON(): LayerConfig;
}
