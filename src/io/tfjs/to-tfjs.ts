/**
 * densely's model document → the TensorFlow.js Layers format (model.json + weights.bin), which
 * `tf.loadLayersModel` reads and `tensorflowjs_converter --input_format tfjs_layers_model
 * --output_format keras` turns into a Keras model.
 *
 * Each densely layer becomes the Keras layer of the same name with Keras's config keys:
 *
 *   densely  { className: 'Dense', name, units, activation, useBias, inputDim }
 *   Keras    { class_name: 'Dense', config: { name, units, activation, use_bias,
 *              kernel_initializer, bias_initializer, …, batch_input_shape: [null, inputDim],
 *              dtype: 'float32', trainable } }
 *
 * `batch_input_shape` goes on the first layer only (Keras 2's form, which the tfjs loader needs to
 * build the model). The weights keep densely's names (`dense/kernel`, `dense/bias`), which are
 * the names tfjs gives them (`<layer name>/kernel`), and densely's layout: a kernel is [in, out]
 * row-major in both. A model file's data sections (the preparation, the feature names) go in
 * tfjs's `userDefinedMetadata.densely`, where densely's reader finds them again. Browser-safe:
 * plain data in, bytes out.
 */
import type { LayerConfig } from '../../nn/layer.js';
import type { SequentialJSON } from '../../nn/model-json.js';
import { float32Bytes } from './float32-bytes.js';
import { TFJS_WEIGHTS_FILE, type DenselyMetadata, type KerasLayerJSON, type TfjsArtifacts, type TfjsModelJSON, type TfjsWeightSpec } from './layers-model.js';

/** Activations that tfjs (and Keras) know by the same name densely uses. */
const TFJS_ACTIVATIONS = new Set(['linear', 'relu', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'softmax']);

/** Keras's initializer configs for densely's initializer names (only the record: weights are saved). */
const INITIALIZERS: Record<string, KerasLayerJSON> = {
  glorot_uniform: varianceScaling(1, 'fan_avg', 'uniform'),
  glorot_normal: varianceScaling(1, 'fan_avg', 'normal'),
  he_uniform: varianceScaling(2, 'fan_in', 'uniform'),
  he_normal: varianceScaling(2, 'fan_in', 'normal'),
  lecun_normal: varianceScaling(1, 'fan_in', 'normal'),
  zeros: { class_name: 'Zeros', config: {} },
  ones: { class_name: 'Ones', config: {} },
};

function varianceScaling(scale: number, mode: string, distribution: string): KerasLayerJSON {
  return { class_name: 'VarianceScaling', config: { scale, mode, distribution, seed: null } };
}

/** The tfjs version these files are written for (any tfjs 4 reads them). */
const KERAS_VERSION = 'tfjs-layers 4.22.0';

/**
 * The TF.js artifacts of a model document: model.json and the bytes of weights.bin.
 * Refuses a layer or an activation tfjs does not have, naming it.
 *
 * @example
 * const { modelJson, weightFiles } = tfjsArtifacts(model.toJSON());
 * modelJson.modelTopology.config.layers[0].config.batch_input_shape; // [null, 4]
 */
export function tfjsArtifacts(doc: SequentialJSON, metadata: DenselyMetadata = {}, generatedBy = 'densely'): TfjsArtifacts {
  const inputDim = (doc.layers[0]?.inputDim as number | undefined) ?? doc.weights[0]?.shape[0];
  if (typeof inputDim !== 'number') throw new Error('tfjs export: the model has no input size yet (build it first)');
  const layers = doc.layers.flatMap((l, i) => kerasLayers(l, i === 0 ? inputDim : null));
  const weights: TfjsWeightSpec[] = doc.weights.map((w) => ({ name: w.name, shape: w.shape.slice(), dtype: 'float32' }));
  const values = new Float32Array(doc.weights.reduce((n, w) => n + w.values.length, 0));
  let at = 0;
  for (const w of doc.weights) {
    values.set(w.values, at);
    at += w.values.length;
  }
  const modelJson: TfjsModelJSON = {
    format: 'layers-model',
    generatedBy,
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: doc.name, layers }, keras_version: KERAS_VERSION, backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights }],
  };
  // the data sections, where tfjs keeps a model's own metadata
  const densely: DenselyMetadata = {};
  if (metadata.preparation) densely.preparation = structuredClone(metadata.preparation);
  if (metadata.featureNames) densely.featureNames = metadata.featureNames.slice();
  if (metadata.classes) densely.classes = metadata.classes.slice();
  if (metadata.target) densely.target = metadata.target;
  if (Object.keys(densely).length > 0) modelJson.userDefinedMetadata = { densely };
  return { modelJson, weightFiles: new Map([[TFJS_WEIGHTS_FILE, float32Bytes(values)]]) };
}

/**
 * One densely layer config as Keras layers; `inputDim` only for the first layer. A Dense with
 * leaky_relu has no Keras activation string that carries its slope, so it goes out as
 * Dense(linear) followed by Keras's LeakyReLU layer with that alpha: the same function. (An elu
 * with alpha other than 1 is refused: tfjs's ELU layer does not support one.)
 */
function kerasLayers(l: LayerConfig, inputDim: number | null): KerasLayerJSON[] {
  const alpha = typeof l.alpha === 'number' ? l.alpha : undefined;
  if (l.className === 'Dense' && l.activation === 'elu' && alpha !== undefined && alpha !== 1) {
    throw new Error(`tfjs export: layer '${l.name}' uses elu with alpha ${alpha}; TensorFlow.js's elu (and its ELU layer) only has alpha 1`);
  }
  if (l.className === 'Dense' && l.activation === 'leaky_relu') {
    const dense = kerasLayer({ ...l, activation: 'linear' }, inputDim);
    const config = { alpha: alpha ?? 0.2, name: `${l.name}_leaky_relu`, trainable: true, dtype: 'float32' };
    return [dense, { class_name: 'LeakyReLU', config }];
  }
  return [kerasLayer(l, inputDim)];
}

/** One densely layer config as a Keras layer; `inputDim` only for the first layer. */
function kerasLayer(l: LayerConfig, inputDim: number | null): KerasLayerJSON {
  const common: Record<string, unknown> = { name: l.name, trainable: l.trainable !== false, dtype: 'float32' };
  if (inputDim !== null) common.batch_input_shape = [null, inputDim];
  if (l.className === 'Dense') {
    const activation = typeof l.activation === 'string' ? l.activation : 'linear';
    if (!TFJS_ACTIVATIONS.has(activation)) {
      throw new Error(`tfjs export: layer '${l.name}' uses activation '${activation}', which TensorFlow.js does not have (it has ${[...TFJS_ACTIVATIONS].join(', ')})`);
    }
    return {
      class_name: 'Dense',
      config: {
        units: l.units,
        activation,
        use_bias: l.useBias !== false,
        kernel_initializer: initializer(l.kernelInitializer, 'glorot_uniform'),
        bias_initializer: initializer(l.biasInitializer, 'zeros'),
        kernel_regularizer: regularizer(l.kernelRegularizer),
        bias_regularizer: regularizer(l.biasRegularizer),
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        ...common,
      },
    };
  }
  if (l.className === 'Dropout' && typeof l.rate === 'number') {
    return { class_name: 'Dropout', config: { rate: l.rate, noise_shape: null, seed: null, ...common } };
  }
  throw new Error(`tfjs export: layer '${l.name}' is a ${l.className}, which the tfjs export does not write (it writes Dense and Dropout)`);
}

/**
 * A densely regularizer config ({ l1, l2 }) as Keras's and tfjs's serialized L1L2, or null.
 *
 * @example
 * regularizer({ l1: 0, l2: 0.01 }); // { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } }
 */
function regularizer(config: unknown): KerasLayerJSON | null {
  if (config === null || typeof config !== 'object') return null;
  const { l1 = 0, l2 = 0 } = config as { l1?: number; l2?: number };
  return { class_name: 'L1L2', config: { l1, l2 } };
}

function initializer(name: unknown, fallback: string): KerasLayerJSON {
  return structuredClone(INITIALIZERS[typeof name === 'string' && name in INITIALIZERS ? name : fallback]);
}
