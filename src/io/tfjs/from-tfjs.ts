/**
 * The TensorFlow.js Layers format → densely's model document: how `loadModel('model.json')`
 * reads a model that tfjs (or `tensorflowjs_converter` from Keras) saved.
 *
 * What is read:
 * - a Sequential topology (`modelTopology.config.layers`, or Keras 1's bare list; a converter's
 *   `modelTopology.model_config` too);
 * - an optional InputLayer first, and the input width from `batch_input_shape` (Keras 2, what
 *   tfjs writes), `batchInputShape` (tfjs's camelCase), `batch_shape` (Keras 3) or `input_shape`;
 * - Dense layers (`units`, `activation`, `use_bias`), and any other layer densely's registry
 *   knows, its config keys turned to camelCase;
 * - the weights manifest: float32 weights, shards of a group concatenated in order, each weight
 *   matched to its layer by name (`<layer name>/kernel`, a trailing `:0` and a scope prefix
 *   allowed) and checked against the shape the layer needs. Weights no layer needs (an
 *   optimizer's, saved with includeOptimizer) are stepped over, whatever their dtype.
 *
 * - the `trainingConfig` (loss, metrics, optimizer), when densely has them all: the model then
 *   comes back compiled, as from densely's own file (optimizer state is not carried).
 *
 * A layer densely does not have, a missing weight, a weight of the wrong shape, a weights file
 * of the wrong size or a non-float32 weight is refused with a message that names it. The
 * result is an ordinary document, so Sequential.fromJSON makes the model (and checks it again).
 */
import type { LayerConfig } from '../../nn/layer.js';
import { getLoss } from '../../nn/losses.js';
import { getMetric } from '../../nn/metrics.js';
import { MODEL_FORMAT, MODEL_VERSION, type CompileJSON, type SequentialJSON, type WeightJSON } from '../../nn/model-json.js';
import { knownLayers } from '../../nn/registry.js';
import { optimizerFromConfig } from '../../optim/index.js';
import { readFloat32s } from './float32-bytes.js';
import type { DenselyMetadata, KerasLayerJSON, TfjsWeightGroup, TfjsWeightSpec } from './layers-model.js';

/** Whether a parsed JSON document is a tfjs model.json (a Layers model: it has a topology and a manifest). */
export function isTfjsModelJson(json: unknown): boolean {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const doc = json as Record<string, unknown>;
  return doc.format === 'layers-model' || ('modelTopology' in doc && 'weightsManifest' in doc);
}

/**
 * A densely model document from a tfjs model.json; `readFile(name)` gives the bytes of a weights
 * file the manifest names (relative to model.json). Errors start with `source`.
 *
 * @example
 * const doc = documentFromTfjs(JSON.parse(text), (name) => readFileBytes(join(dir, name)), 'model.json');
 * Sequential.fromJSON(doc).predict(X);
 */
export function documentFromTfjs(json: unknown, readFile: (name: string) => Uint8Array, source = 'model.json'): SequentialJSON {
  const fail = (message: string): never => {
    throw new Error(`${source}: ${message}`);
  };
  if (!isTfjsModelJson(json)) fail('not a TensorFlow.js layers model (no modelTopology and weightsManifest)');
  const doc = json as Record<string, unknown>;
  if (doc.format !== undefined && doc.format !== 'layers-model') fail(`format is ${JSON.stringify(doc.format)}; densely reads TensorFlow.js 'layers-model' files (a graph model has no layers to rebuild)`);
  let topology = doc.modelTopology as Record<string, unknown> | null;
  if (topology && typeof topology === 'object' && topology.model_config) topology = topology.model_config as Record<string, unknown>;
  if (!topology || typeof topology !== 'object') fail("'modelTopology' must be an object");
  const top = topology as Record<string, unknown>;
  if (top.class_name !== 'Sequential') {
    fail(`the model is a ${JSON.stringify(top.class_name)}; densely loads Sequential models only (a stack of layers)`);
  }
  const config = top.config as { name?: unknown; layers?: unknown } | unknown[] | null;
  const rawLayers = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) fail("the Sequential topology has no 'layers' list");
  const name = !Array.isArray(config) && typeof config?.name === 'string' ? config.name : 'sequential';

  // ---- the layers, with the width flowing through them ----------------------------------
  const known = knownLayers();
  const layers: LayerConfig[] = [];
  /** The weights each layer needs, in densely's order: [name, shape]. */
  const needed: { layer: string; suffix: string; shape: number[] }[] = [];
  /** Layers read by their config alone: they must have no weights in the manifest. */
  const weightless: string[] = [];
  let width: number | undefined;
  (rawLayers as KerasLayerJSON[]).forEach((raw, i) => {
    const className = raw?.class_name;
    const c = (raw?.config ?? {}) as Record<string, unknown>;
    const lname = typeof c.name === 'string' ? c.name : `layer_${i}`;
    const where = `layer ${i} '${lname}'`;
    const declared = inputWidth(c, `${where}`, fail);
    if (declared !== undefined) {
      if (width !== undefined && width !== declared) fail(`${where} declares input width ${declared}, but receives ${width}`);
      width = declared;
    }
    if (className === 'InputLayer') {
      if (i !== 0) fail(`${where}: an InputLayer must come first`);
      if (width === undefined) fail(`${where}: the InputLayer has no batch_input_shape`);
      return;
    }
    if (width === undefined) fail(`${where}: the first layer needs batch_input_shape [null, features] (or an InputLayer before it)`);
    if (className === 'Dense') {
      const units = c.units;
      if (!Number.isInteger(units) || (units as number) < 1) fail(`${where}: units must be a positive integer, got ${JSON.stringify(units)}`);
      const useBias = (c.use_bias ?? c.useBias ?? true) !== false;
      // Keras 3 may write a built-in activation as { class_name: 'function', config: 'relu', … }
      const raw = c.activation as { config?: unknown } | string | null | undefined;
      const activation = (raw !== null && typeof raw === 'object' && typeof raw.config === 'string' ? raw.config : raw) ?? 'linear';
      if (typeof activation !== 'string') fail(`${where}: activation must be a name, got ${JSON.stringify(activation)}`);
      const layer: LayerConfig = { className: 'Dense', name: lname, units, activation, useBias };
      if (layers.length === 0) layer.inputDim = width;
      if (c.trainable === false) layer.trainable = false;
      const kernelRegularizer = regularizerFrom(c.kernel_regularizer ?? c.kernelRegularizer, `${where}: kernel_regularizer`, fail);
      if (kernelRegularizer) layer.kernelRegularizer = kernelRegularizer;
      const biasRegularizer = regularizerFrom(c.bias_regularizer ?? c.biasRegularizer, `${where}: bias_regularizer`, fail);
      if (biasRegularizer) layer.biasRegularizer = biasRegularizer;
      layers.push(layer);
      needed.push({ layer: lname, suffix: 'kernel', shape: [width as number, units as number] });
      if (useBias) needed.push({ layer: lname, suffix: 'bias', shape: [units as number] });
      width = units as number;
      return;
    }
    if (className === 'LeakyReLU') {
      // what densely's export writes for Dense(leaky_relu): folded back into the linear Dense before it
      const prev = layers[layers.length - 1];
      const slope = c.alpha ?? c.negative_slope ?? 0.3; // the LeakyReLU layer's own default is 0.3
      if (!prev || prev.className !== 'Dense' || prev.activation !== 'linear') fail(`${where}: densely reads a LeakyReLU only right after a Dense with a linear activation`);
      if (typeof slope !== 'number') fail(`${where}: alpha must be a number, got ${JSON.stringify(slope)}`);
      prev.activation = 'leaky_relu';
      prev.alpha = slope;
      return;
    }
    if (typeof className === 'string' && known.includes(className)) {
      // a weightless layer densely also has (Dropout, …): its config in densely's camelCase
      const layer: LayerConfig = { className, name: lname };
      for (const [key, value] of Object.entries(c)) {
        if (['name', 'dtype', 'batch_input_shape', 'batchInputShape', 'batch_shape', 'input_shape', 'inputShape'].includes(key)) continue;
        layer[key.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = value;
      }
      layers.push(layer);
      weightless.push(lname);
      return;
    }
    fail(`${where} is a ${JSON.stringify(className)}, a layer densely does not have (densely has ${known.join(', ')})`);
  });
  if (layers.length === 0) fail('the model has no layers after its InputLayer');

  // ---- the weights -------------------------------------------------------------------------
  const stored = readManifest(doc.weightsManifest, readFile, fail);
  for (const lname of weightless) {
    const own = [...stored.keys()].find((n) => n.startsWith(`${lname}/`) || n.includes(`/${lname}/`));
    if (own) fail(`layer '${lname}' has weights ('${own}') that densely does not know how to load`);
  }
  const weights: WeightJSON[] = needed.map(({ layer, suffix, shape }) => {
    const full = `${layer}/${suffix}`;
    const found = stored.get(full) ?? [...stored.entries()].find(([n]) => n.endsWith(`/${full}`))?.[1];
    if (!found) fail(`the weights manifest has no '${full}' (layer '${layer}' needs its ${suffix}, shape [${shape.join(', ')}])`);
    const w = found as StoredWeight;
    if (w.values === null) fail(w.refused as string);
    if (w.shape.join(',') !== shape.join(',')) fail(`weight '${full}' has shape [${w.shape.join(', ')}], but layer '${layer}' needs [${shape.join(', ')}]`);
    return { name: full, shape, values: Array.from(w.values as Float32Array) };
  });
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name, seed: 42, layers, weights, compile: compileFrom(doc.trainingConfig) };
}

/**
 * The data sections densely kept in a model.json's `userDefinedMetadata.densely` (see
 * to-tfjs.ts): the preparation, feature names, class names and target, checked later with the
 * model (modelFromFile), as a densely file's are.
 */
export function tfjsDataSections(json: unknown): DenselyMetadata {
  const meta = (json as { userDefinedMetadata?: { densely?: unknown } } | null)?.userDefinedMetadata?.densely;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return {};
  const { preparation, featureNames, classes, target } = meta as DenselyMetadata;
  const out: DenselyMetadata = {};
  if (preparation !== undefined) out.preparation = preparation;
  if (featureNames !== undefined) out.featureNames = featureNames;
  if (classes !== undefined) out.classes = classes;
  if (target !== undefined) out.target = target;
  return out;
}

/**
 * densely's compile record for a tfjs `trainingConfig` (written when tfjs saves with
 * includeOptimizer), when densely has its loss, metrics and optimizer; otherwise null, and the
 * model loads uncompiled (a training setup densely cannot rebuild never stops the weights loading).
 *
 * @example
 * compileFrom({ loss: 'binary_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { learningRate: 0.01 } } });
 * // { optimizer: { name: 'adam', learningRate: 0.01, … }, loss: 'binary_crossentropy', metrics: ['accuracy'] }
 */
export function compileFrom(trainingConfig: unknown): CompileJSON | null {
  const t = trainingConfig as { loss?: unknown; metrics?: unknown; optimizer_config?: { class_name?: unknown; config?: Record<string, unknown> } } | null | undefined;
  if (!t || typeof t.loss !== 'string' || !t.optimizer_config || typeof t.optimizer_config.class_name !== 'string') return null;
  try {
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(t.optimizer_config.config ?? {})) {
      // Keras writes settings that change nothing at these values (and its own name): left out,
      // so that the optimizer's strict options see only real settings (any other: loaded uncompiled)
      if (IGNORED_OPTIMIZER_KEYS.has(key) || value === null || (INERT_OPTIMIZER_KEYS.has(key) && (value === false || value === 0))) continue;
      settings[key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase())] = value;
    }
    const optimizer = optimizerFromConfig({ ...settings, name: t.optimizer_config.class_name.toLowerCase() });
    const metrics = Array.isArray(t.metrics) ? t.metrics.map((m) => getMetric(String(m)).name) : [];
    return { optimizer: optimizer.getConfig(), loss: getLoss(t.loss).name, metrics };
  } catch {
    return null;
  }
}

/**
 * A Keras/tfjs serialized regularizer as densely's { l1, l2 }, or null for none. Reads L1L2
 * (tfjs and Keras), L1 and L2 (Keras 3, whose configs are { l1 } and { l2 }), and tfjs's
 * identifier strings ('l1', 'l2', 'l1l2', factor 0.01); any other (a custom class) is refused.
 *
 * @example
 * regularizerFrom({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } }, 'dense', fail); // { l1: 0, l2: 0.01 }
 */
export function regularizerFrom(raw: unknown, where: string, fail: (m: string) => never): { l1: number; l2: number } | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    const known: Record<string, { l1: number; l2: number }> = { l1: { l1: 0.01, l2: 0 }, l2: { l1: 0, l2: 0.01 }, l1l2: { l1: 0.01, l2: 0.01 }, l1_l2: { l1: 0.01, l2: 0.01 } };
    return known[raw] ?? fail(`${where}: unknown regularizer ${JSON.stringify(raw)} (densely reads L1, L2 and L1L2)`);
  }
  const r = raw as { class_name?: unknown; className?: unknown; config?: Record<string, unknown> };
  const name = r.class_name ?? r.className;
  if (name !== 'L1L2' && name !== 'L1' && name !== 'L2') fail(`${where}: regularizer ${JSON.stringify(name)} is not one densely has (it reads L1, L2 and L1L2)`);
  const c = r.config ?? {};
  const factor = (v: unknown, key: string): number => {
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail(`${where}: ${key} must be a number ≥ 0, got ${JSON.stringify(v)}`);
    return v;
  };
  return { l1: factor(c.l1, 'l1'), l2: factor(c.l2, 'l2') };
}

/** Keras optimizer settings that are inert when false or 0 (decay 0, amsgrad false, use_ema false, …). */
const INERT_OPTIMIZER_KEYS = new Set(['decay', 'amsgrad', 'use_ema', 'weight_decay', 'momentum', 'centered']);
/** Keras optimizer settings that do not change the updates (the EMA ones only matter with use_ema, refused above). */
const IGNORED_OPTIMIZER_KEYS = new Set(['name', 'ema_momentum', 'ema_overwrite_frequency', 'jit_compile', 'is_legacy_optimizer', 'loss_scale_factor']);

/** The input width a layer config declares, if any: d from [null, d]. */
function inputWidth(c: Record<string, unknown>, where: string, fail: (m: string) => never): number | undefined {
  const batchShape = c.batch_input_shape ?? c.batchInputShape ?? c.batch_shape;
  const shape = batchShape !== undefined && batchShape !== null ? batchShape : c.input_shape ?? c.inputShape;
  if (shape === undefined || shape === null) return undefined;
  const dims = Array.isArray(shape) ? shape : [];
  const feature = batchShape !== undefined && batchShape !== null ? dims.slice(1) : dims;
  if (feature.length !== 1 || !Number.isInteger(feature[0]) || (feature[0] as number) < 1) {
    fail(`${where}: input shape ${JSON.stringify(shape)} is not [null, features]; densely's layers take rows of features`);
  }
  return feature[0] as number;
}

/** Bytes per value of each dtype a manifest may hold (a quantized weight: its quantization's dtype). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** A weight read from the manifest: float32 values, or why it has none (it is only refused if a layer needs it). */
type StoredWeight = { shape: number[]; values: Float32Array | null; refused?: string };

/**
 * Every weight in the manifest by name (a trailing ':0' dropped), read from its group's files.
 * Weights of other dtypes (an optimizer's int32 `iter`, quantized weights) are stepped over by
 * their byte size, so the model's float32 weights still load.
 */
function readManifest(manifest: unknown, readFile: (name: string) => Uint8Array, fail: (m: string) => never): Map<string, StoredWeight> {
  if (!Array.isArray(manifest)) fail("'weightsManifest' must be a list of {paths, weights}");
  const out = new Map<string, StoredWeight>();
  (manifest as TfjsWeightGroup[]).forEach((group, g) => {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) fail(`weightsManifest[${g}] must have 'paths' and 'weights' lists`);
    const parts = group.paths.map((p) => {
      try {
        return readFile(p);
      } catch (e) {
        return fail(`cannot read weights file '${p}': ${(e as Error).message}`);
      }
    });
    const bytes = concat(parts);
    const where = `the weights files of group ${g} (${group.paths.join(', ')})`;
    let offset = 0;
    for (const w of group.weights) {
      if (!w || typeof w.name !== 'string' || !Array.isArray(w.shape)) fail(`weightsManifest[${g}] has a weight without a name and shape`);
      const quantized = (w.quantization as { dtype?: string } | undefined)?.dtype;
      const dtype = quantized ?? w.dtype;
      const size = DTYPE_BYTES[dtype];
      if (size === undefined) fail(`weight '${w.name}' has dtype ${JSON.stringify(dtype)}, whose size densely cannot tell; densely reads float32 weights`);
      const count = w.shape.reduce((n: number, d: number) => n * d, 1);
      if (offset + count * size > bytes.length) fail(`${where} hold ${bytes.length} bytes, too few for weight '${w.name}' (the manifest needs ${totalBytes(group)})`);
      const name = w.name.replace(/:\d+$/, '');
      if (w.dtype === 'float32' && !quantized) out.set(name, { shape: w.shape.slice(), values: readFloat32s(bytes, offset, count) });
      else out.set(name, { shape: w.shape.slice(), values: null, refused: `weight '${w.name}' is ${quantized ? `quantized (${quantized})` : w.dtype}; densely reads float32 weights only` });
      offset += count * size;
    }
    if (offset !== bytes.length) fail(`${where} hold ${bytes.length} bytes, but the manifest lists ${offset}`);
  });
  return out;
}

function totalBytes(group: TfjsWeightGroup): number {
  const size = (w: TfjsWeightSpec) => DTYPE_BYTES[(w.quantization as { dtype?: string } | undefined)?.dtype ?? w.dtype] ?? 0;
  return group.weights.reduce((n, w) => n + size(w) * w.shape.reduce((a, d) => a * d, 1), 0);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
