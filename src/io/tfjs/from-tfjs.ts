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
 *   allowed) and checked against the shape the layer needs.
 *
 * A layer densely does not have, a missing weight, a weight of the wrong shape, a weights file
 * of the wrong size or a non-float32 weight is refused with a message that names it. The
 * result is an ordinary document, so Sequential.fromJSON makes the model (and checks it again).
 */
import type { LayerConfig } from '../../nn/layer.js';
import { MODEL_FORMAT, MODEL_VERSION, type SequentialJSON, type WeightJSON } from '../../nn/model-json.js';
import { knownLayers } from '../../nn/registry.js';
import { readFloat32s } from './float32-bytes.js';
import type { KerasLayerJSON, TfjsWeightGroup } from './layers-model.js';

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
      const activation = c.activation ?? 'linear';
      if (typeof activation !== 'string') fail(`${where}: activation must be a name, got ${JSON.stringify(activation)}`);
      const layer: LayerConfig = { className: 'Dense', name: lname, units, activation, useBias };
      if (layers.length === 0) layer.inputDim = width;
      if (c.trainable === false) layer.trainable = false;
      layers.push(layer);
      needed.push({ layer: lname, suffix: 'kernel', shape: [width as number, units as number] });
      if (useBias) needed.push({ layer: lname, suffix: 'bias', shape: [units as number] });
      width = units as number;
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
      return;
    }
    fail(`${where} is a ${JSON.stringify(className)}, a layer densely does not have (densely has ${known.join(', ')})`);
  });
  if (layers.length === 0) fail('the model has no layers after its InputLayer');

  // ---- the weights -------------------------------------------------------------------------
  const stored = readManifest(doc.weightsManifest, readFile, fail);
  const weights: WeightJSON[] = needed.map(({ layer, suffix, shape }) => {
    const full = `${layer}/${suffix}`;
    const found = stored.get(full) ?? [...stored.entries()].find(([n]) => n.endsWith(`/${full}`))?.[1];
    if (!found) fail(`the weights manifest has no '${full}' (layer '${layer}' needs its ${suffix}, shape [${shape.join(', ')}])`);
    const w = found as { shape: number[]; values: Float32Array };
    if (w.shape.join(',') !== shape.join(',')) fail(`weight '${full}' has shape [${w.shape.join(', ')}], but layer '${layer}' needs [${shape.join(', ')}]`);
    return { name: full, shape, values: Array.from(w.values) };
  });
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name, seed: 42, layers, weights, compile: null };
}

/** The input width a layer config declares, if any: d from [null, d]. */
function inputWidth(c: Record<string, unknown>, where: string, fail: (m: string) => never): number | undefined {
  const batchShape = c.batch_input_shape ?? c.batchInputShape ?? c.batch_shape;
  const shape = batchShape !== undefined && batchShape !== null ? batchShape : c.input_shape ?? c.inputShape;
  if (shape === undefined || shape === null) return undefined;
  const dims = shape as unknown[];
  const feature = batchShape !== undefined && batchShape !== null ? dims.slice(1) : dims;
  if (!Array.isArray(dims) || feature.length !== 1 || !Number.isInteger(feature[0]) || (feature[0] as number) < 1) {
    fail(`${where}: input shape ${JSON.stringify(shape)} is not [null, features]; densely's layers take rows of features`);
  }
  return feature[0] as number;
}

/** Every weight in the manifest by name (a trailing ':0' dropped), read from its group's files. */
function readManifest(manifest: unknown, readFile: (name: string) => Uint8Array, fail: (m: string) => never): Map<string, { shape: number[]; values: Float32Array }> {
  if (!Array.isArray(manifest)) fail("'weightsManifest' must be a list of {paths, weights}");
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
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
    let offset = 0;
    for (const w of group.weights) {
      if (!w || typeof w.name !== 'string' || !Array.isArray(w.shape)) fail(`weightsManifest[${g}] has a weight without a name and shape`);
      if (w.dtype !== 'float32' || w.quantization) {
        fail(`weight '${w.name}' is ${w.quantization ? 'quantized' : w.dtype}; densely reads float32 weights only`);
      }
      const count = w.shape.reduce((n: number, d: number) => n * d, 1);
      if (offset + count * 4 > bytes.length) {
        fail(`the weights files of group ${g} (${group.paths.join(', ')}) hold ${bytes.length} bytes, too few for weight '${w.name}' (the manifest needs ${totalBytes(group)})`);
      }
      out.set(w.name.replace(/:\d+$/, ''), { shape: w.shape.slice(), values: readFloat32s(bytes, offset, count) });
      offset += count * 4;
    }
    if (offset !== bytes.length) fail(`the weights files of group ${g} (${group.paths.join(', ')}) hold ${bytes.length} bytes, but the manifest lists ${offset}`);
  });
  return out;
}

function totalBytes(group: TfjsWeightGroup): number {
  return group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, d) => a * d, 1), 0);
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
