/**
 * The JSON form of a Sequential model: densely's one model document, version 2. The API
 * (`model.toJSON()`, `model.save`) and the CLI (`densely train --save`) write the same document;
 * the CLI adds its data sections (see src/io/model-file.ts), which this layer leaves alone.
 *
 * ```json
 * { "format": "densely-model", "version": 2, "name": "sequential", "seed": 42,
 *   "layers":  [{ "className": "Dense", "name": "dense", "units": 64, "activation": "relu", … }, …],
 *   "weights": [{ "name": "dense/kernel", "shape": [50, 64], "values": [ … ] }, …],
 *   "compile": { "optimizer": { "name": "adam", "learningRate": 0.001, … },
 *                "loss": "binary_crossentropy", "metrics": ["accuracy"] },
 *   "optimizerState": { "name": "adam", "iterations": 11310, "slots": { "m": [ … ], "v": [ … ] } } }
 * ```
 * `compile` is null for a model saved before compile; `optimizerState` is there only when asked
 * for (`toJSON({ includeOptimizer: true })`).
 *
 * Older documents still load (Sequential.fromJSON reads them):
 * - `{"format": "densely-sequential", "version": 1}`: the API's, before v2 (no compile record);
 * - `{"format": "densely-model", "version": 1, "model": {…}}`: the CLI's, before v2 (the model
 *   nested, always compiled with Adam, binary cross-entropy and accuracy).
 */
import type { MetricOptions } from './metrics.js';
import type { LayerConfig } from './layer.js';

export const MODEL_FORMAT = 'densely-model';
export const MODEL_VERSION = 2;

/** How the model was compiled, by name: enough to compile it again. */
export interface CompileJSON {
  /** The optimizer's getConfig(): its name and settings. */
  optimizer: Record<string, unknown>;
  loss: string;
  /** The loss's options when not the defaults (Keras's from_logits). */
  lossOptions?: { fromLogits?: boolean };
  /** Names, or `{ auc: { curve: 'PR' } }` objects, as compile took them. */
  metrics: (string | Record<string, MetricOptions>)[];
  /** Keras's weighted_metrics, when given (weighed by classWeight in fit). */
  weightedMetrics?: (string | Record<string, MetricOptions>)[];
}

export interface WeightJSON {
  name: string;
  shape: number[];
  values: number[];
}

export interface SequentialJSON {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  name: string;
  seed: number;
  layers: LayerConfig[];
  weights: WeightJSON[];
  compile: CompileJSON | null;
  optimizerState?: { name: string; iterations: number; slots: Record<string, number[]> } | null;
}

/** The API's document before version 2. */
export interface SequentialJSONv1 {
  format: 'densely-sequential';
  version: 1;
  name: string;
  seed: number;
  layers: LayerConfig[];
  weights: WeightJSON[];
}

/** The CLI's document before version 2: the model nested, beside the CLI's own sections. */
export interface CliModelJSONv1 {
  format: 'densely-model';
  version: 1;
  model: SequentialJSONv1;
  training?: { learningRate?: number } & Record<string, unknown>;
  [section: string]: unknown;
}
