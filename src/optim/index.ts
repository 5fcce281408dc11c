export type { Optimizer, ParamGrad, OptimizerState } from './optimizer.js';
export { BlockOptimizer, flatBlocks } from './optimizer.js';
export { Adam, type AdamOptions } from './adam.js';
export { SGD, type SGDOptions } from './sgd.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { Nadam, type NadamOptions } from './nadam.js';
export { ExponentialDecay, PiecewiseConstantDecay, CosineDecay, scheduleFromConfig, type LearningRateSchedule } from './schedules.js';
export { clipGradients, type GradientClipping } from './optimizer.js';
export { checkOptions, suggest } from './options.js';
import { Adam, type AdamOptions } from './adam.js';
import { SGD, type SGDOptions } from './sgd.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import { Adagrad, type AdagradOptions } from './adagrad.js';
import { Adamax, type AdamaxOptions } from './adamax.js';
import { Nadam, type NadamOptions } from './nadam.js';
import { scheduleFromConfig } from './schedules.js';
import type { Optimizer } from './optimizer.js';

/** The optimizer names compile accepts (Keras's and tfjs's spellings, case-insensitive). */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop', 'adamw', 'adagrad', 'adamax', 'nadam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Each name's optimizer, built from options (a config's settings, or none for the defaults). */
const FACTORIES: Record<OptimizerName, (o: Record<string, unknown>) => Optimizer> = {
  adam: (o) => new Adam(o as AdamOptions),
  sgd: (o) => new SGD(o as SGDOptions),
  rmsprop: (o) => new RMSprop(o as RMSpropOptions),
  adamw: (o) => new AdamW(o as AdamWOptions),
  adagrad: (o) => new Adagrad(o as AdagradOptions),
  adamax: (o) => new Adamax(o as AdamaxOptions),
  nadam: (o) => new Nadam(o as NadamOptions),
};

function factory(name: unknown): ((o: Record<string, unknown>) => Optimizer) | null {
  const key = typeof name === 'string' ? name.toLowerCase() : '';
  return Object.prototype.hasOwnProperty.call(FACTORIES, key) ? FACTORIES[key as OptimizerName] : null;
}

const EXPECTED = OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ');

/** An optimizer from its Keras/tfjs name (see OPTIMIZER_NAMES, case-insensitive) with default settings. */
export function getOptimizer(spec: OptimizerName | (string & {}) | Optimizer): Optimizer {
  if (typeof spec !== 'string') return spec;
  const make = factory(spec);
  if (make === null) throw new Error(`compile: unknown optimizer '${spec}' (expected one of ${EXPECTED}, or an Optimizer)`);
  return make({});
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
  const make = factory(name);
  if (make === null) throw new Error(`${source}: unknown optimizer ${JSON.stringify(name)} (expected one of ${EXPECTED})`);
  // a schedule is stored as its config: { className: 'ExponentialDecay', ... }
  const lr = settings.learningRate;
  if (typeof lr === 'object' && lr !== null && !Array.isArray(lr)) settings.learningRate = scheduleFromConfig(lr as Record<string, unknown>, `${source}.learningRate`);
  return make(settings);
}
