/**
 * Where a model's floats live. All of them come from one Arena, planned for a batch capacity:
 *
 *   [params P][grads P][optimizer state S][X cap·d][y cap·k][dOut cap·k][w cap][gemm scratch][layer workspaces…]
 *
 * P is the parameter count, d the inputs, k the outputs, `cap` the batch capacity. A layer's
 * workspace holds what it caches per batch (its output, its dX; a bias-less Dense's zero bias).
 * The same model at the same capacity always gets the same offsets: moving to a larger arena
 * copies the prefix [params][grads][optimizer state] and re-derives every view in the same order.
 * A backend whose memory is a WebAssembly.Memory can hold this arena as it is.
 */
import type { Backend } from '../backends/backend.js';
import type { Optimizer, ParamGrad } from '../optim/optimizer.js';
import { Arena } from '../tensor/arena.js';
import { RowViews } from '../tensor/row-views.js';
import type { BatchBuffers } from './trainer.js';
import type { Layer } from './layer.js';

/** Sizes, in floats, of each region for one capacity. */
export interface MemoryPlan {
  capacity: number;
  params: number;
  optimizerState: number;
  /** X, y, dOut and w together. */
  batch: number;
  /** One gemm scratch, shared by every layer: the largest any of them needs. */
  scratch: number;
  /** Each layer's workspace, in layer order. */
  layers: number[];
  total: number;
}

/**
 * The plan for `capacity` rows per batch.
 *
 * @example
 * // the pipeline's 50 → 64 → 64 → 1 with Adam at batch 32: P = 7,489, S = 2P
 * planMemory(layers, 50, 1, adam, 32).total; // 2·7489 + 2·7489 + 32·(50 + 2 + 1) + scratch + workspaces
 */
export function planMemory(layers: readonly Layer[], inputDim: number, outputDim: number, optimizer: Optimizer | null, capacity: number): MemoryPlan {
  const params = layers.reduce((s, l) => s + l.paramCount, 0);
  const optimizerState = optimizer ? optimizer.stateFloats(params) : 0;
  const batch = capacity * (inputDim + 2 * outputDim + 1);
  const scratch = Math.max(0, ...layers.map((l) => l.scratchFloats(capacity)));
  const layerFloats = layers.map((l) => l.workspaceFloats(capacity));
  const total = 2 * params + optimizerState + batch + scratch + layerFloats.reduce((s, n) => s + n, 0);
  return { capacity, params, optimizerState, batch, scratch, layers: layerFloats, total };
}

/** What laying out an arena hands back to the model. */
export interface Layout {
  arena: Arena;
  /** Every gradient, one view (zeroed once per step). */
  grads: Float32Array;
  /** Trainable {param, grad} pairs, Keras order. */
  paramList: ParamGrad[];
  buffers: BatchBuffers;
}

/**
 * Makes the arena for `plan` (in the backend's memory) and binds everything to it in plan order: layer params and grads,
 * the optimizer's state, the batch buffers, the shared gemm scratch, each layer's workspace.
 * `keep` floats of the old arena's prefix are copied over first (P to keep the weights; 2P + S to
 * keep the gradients and the optimizer state too).
 */
export function layoutArena(plan: MemoryPlan, layers: readonly Layer[], inputDim: number, outputDim: number, optimizer: Optimizer | null, backend: Backend, old: Arena | null, keep: number): Layout {
  const { capacity, params: P } = plan;
  const arena = backend.createArena(plan.total);
  if (old) arena.copyPrefixFrom(old, keep);
  const params = new Arena(arena.alloc(P));
  const grads = new Arena(arena.alloc(P));
  for (const layer of layers) layer.bindParams((n) => params.alloc(n), (n) => grads.alloc(n));
  const paramList = layers.flatMap((l) => l.params());
  optimizer?.bind(paramList, (n) => arena.alloc(n), backend);
  const buffers: BatchBuffers = {
    X: new RowViews(arena.alloc(capacity * inputDim), inputDim),
    y: new RowViews(arena.alloc(capacity * outputDim), outputDim),
    dOut: new RowViews(arena.alloc(capacity * outputDim), outputDim),
    w: new RowViews(arena.alloc(capacity), 1),
  };
  const gemmScratch = arena.alloc(plan.scratch);
  for (const layer of layers) layer.bindWorkspace((n) => arena.alloc(n), capacity, gemmScratch);
  return { arena, grads: grads.floats, paramList, buffers };
}
