/**
 * The TensorFlow.js Layers format, as plain types: what `tf.loadLayersModel` reads and
 * `model.save` writes. A saved model is two kinds of file side by side:
 *
 *   model.json     { format: 'layers-model', generatedBy, convertedBy,
 *                    modelTopology: { class_name: 'Sequential', config: { name, layers: [...] },
 *                                     keras_version, backend },
 *                    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }] }
 *   weights.bin    every weight's values, little-endian, one after another in manifest order
 *
 * The topology is Keras's own model config, in Keras's snake_case (`use_bias`,
 * `batch_input_shape`); that is why `tensorflowjs_converter` can turn it into a Keras model.
 * Only the parts densely reads or writes are typed here.
 */
import type { Preprocessing } from '../../data/prepare.js';

/** One layer of a Keras topology: its class and its config (snake_case keys). */
export interface KerasLayerJSON {
  class_name: string;
  config: Record<string, unknown>;
}

/** One weight in the manifest. `dtype` is 'float32' for everything densely writes or reads. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  /** Present on quantized weights; densely refuses them. */
  quantization?: unknown;
}

/** One group of weights, stored across `paths` (shards, concatenated in order). */
export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

/**
 * What densely keeps in tfjs's `userDefinedMetadata.densely`: the data sections of its own model
 * file, so the folder still knows how raw rows become features (tfjs itself ignores them;
 * `model.getUserDefinedMetadata()` returns them).
 */
export interface DenselyMetadata {
  preparation?: Preprocessing | null;
  featureNames?: string[];
  /** A multi-class model's class names, one per output (the model file's `classes`). */
  classes?: string[];
  /** 'regression' when the one output is a number predicted (the model file's `target`). */
  target?: 'regression';
}

/** model.json. */
export interface TfjsModelJSON {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: KerasLayerJSON[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: TfjsWeightGroup[];
  userDefinedMetadata?: { densely?: DenselyMetadata };
}

/** A saved model in memory: model.json and the bytes of each file it names. */
export interface TfjsArtifacts {
  modelJson: TfjsModelJSON;
  /** File name (relative to model.json) → its bytes. densely writes one: 'weights.bin'. */
  weightFiles: Map<string, Uint8Array>;
}

/** The one weights file densely writes. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';
