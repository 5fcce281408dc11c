/**
 * The layer registry: one map from a saved `className` to the function that rebuilds the layer
 * from its config. Every loader goes through `layerFromConfig`, so a new layer joins every format
 * with one `registerLayer` line.
 */
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import type { Layer, LayerConfig } from './layer.js';
import { describe, ModelFileError } from '../errors.js';

export type LayerFactory = (config: LayerConfig) => Layer;

const LAYERS = new Map<string, LayerFactory>([
  ['Dense', (config) => Dense.fromJSON(config)],
  ['Dropout', (config) => Dropout.fromJSON(config)],
]);

/** Makes a layer class loadable by its className (e.g. registerLayer('Dropout', Dropout.fromJSON)). */
export function registerLayer(className: string, factory: LayerFactory): void {
  LAYERS.set(className, factory);
}

/** The classNames every loader knows. */
export function knownLayers(): string[] {
  return [...LAYERS.keys()];
}

/**
 * A layer rebuilt from its toJSON() config; errors name `source` and the layer's position.
 *
 * @example
 * layerFromConfig({ className: 'Dense', name: 'dense', units: 4, activation: 'relu' }).outputDim; // 4
 */
export function layerFromConfig(config: unknown, source = 'model', index = 0): Layer {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ModelFileError(source, `must be an object with a className, got ${describe(config)}`, `layers[${index}]`);
  }
  const className = (config as LayerConfig).className;
  const factory = typeof className === 'string' ? LAYERS.get(className) : undefined;
  if (!factory) throw new ModelFileError(source, `unknown className ${describe(className)} (known: ${knownLayers().join(', ')})`, `layers[${index}].className`);
  try {
    return factory(config as LayerConfig);
  } catch (e) {
    throw new ModelFileError(source, `${className}: ${(e as Error).message}`, `layers[${index}]`);
  }
}
