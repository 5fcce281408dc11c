export type { Optimizer, ParamGrad, OptimizerState } from './optimizer.js';
export { BlockOptimizer, flatBlocks } from './optimizer.js';
export { Adam, type AdamOptions } from './adam.js';
export { SGD, type SGDOptions } from './sgd.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { Adam, type AdamOptions } from './adam.js';
import { SGD, type SGDOptions } from './sgd.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import type { Optimizer } from './optimizer.js';

/** An optimizer from its Keras/tfjs name ('adam', 'sgd', 'rmsprop', case-insensitive) with default settings. */
export function getOptimizer(spec: string | Optimizer): Optimizer {
  if (typeof spec !== 'string') return spec;
  switch (spec.toLowerCase()) {
    case 'adam':
      return new Adam();
    case 'sgd':
      return new SGD();
    case 'rmsprop':
      return new RMSprop();
    default:
      throw new Error(`compile: unknown optimizer '${spec}' (expected 'adam', 'sgd', 'rmsprop' or an Optimizer)`);
  }
}

/**
 * Rebuilds an optimizer from its getConfig() (as a model file stores it), checking every
 * setting as the constructor does.
 *
 * @example
 * optimizerFromConfig({ name: 'adam', learningRate: 0.01 }).getConfig().learningRate; // 0.01
 */
export function optimizerFromConfig(config: Record<string, unknown>, source = 'optimizer'): Optimizer {
  const { name, ...settings } = config ?? {};
  switch (typeof name === 'string' ? name.toLowerCase() : name) {
    case 'adam':
      return new Adam(settings as AdamOptions);
    case 'sgd':
      return new SGD(settings as SGDOptions);
    case 'rmsprop':
      return new RMSprop(settings as RMSpropOptions);
    default:
      throw new Error(`${source}: unknown optimizer ${JSON.stringify(name)} (expected 'adam', 'sgd' or 'rmsprop')`);
  }
}
