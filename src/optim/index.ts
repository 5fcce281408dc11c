export type { Optimizer, ParamGrad } from './optimizer.js';
export { Adam, type AdamOptions } from './adam.js';
export { SGD, type SGDOptions } from './sgd.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { Adam } from './adam.js';
import { SGD } from './sgd.js';
import { RMSprop } from './rmsprop.js';
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
