/**
 * The learner's table of activations: each f, and its derivative written in terms of the OUTPUT
 * a = f(z), so that backward needs only what forward already cached:
 *
 *   name      f(z)                    f'(z), from a = f(z)
 *   relu      max(z, 0)               [a > 0]
 *   sigmoid   1 / (1 + e^−z)          a·(1 − a)
 *   tanh      tanh z                  1 − a²
 *   linear    z                       1
 *
 * The loops that apply them to a whole batch, fused with Dense's bias add and bias gradient, are
 * the backend's (src/backends/js/activations.ts is the reference); a layer looks its kernels up
 * by `name` once, when it binds. `f` and `df` here are the scalar definitions, for tests, for
 * reading, and for applying an activation that the loss fused away (predict after sigmoid + BCE).
 */
import type { ActivationKind } from '../backends/backend.js';
import { sigmoid } from '../backends/js/activations.js';

export { sigmoid };

export type ActivationName = ActivationKind;

export interface Activation {
  readonly name: ActivationName;
  /** The scalar function. */
  f(z: number): number;
  /** f'(z) expressed through the output a = f(z). */
  df(a: number): number;
}

const ACTIVATIONS = new Map<string, Activation>([
  ['relu', { name: 'relu', f: (z) => (z > 0 ? z : 0), df: (a) => (a > 0 ? 1 : 0) }],
  ['sigmoid', { name: 'sigmoid', f: sigmoid, df: (a) => a * (1 - a) }],
  ['tanh', { name: 'tanh', f: Math.tanh, df: (a) => 1 - a * a }],
  ['linear', { name: 'linear', f: (z) => z, df: () => 1 }],
]);

/** Looks an activation up by name ('relu', 'sigmoid', 'tanh', 'linear'; undefined or null means linear, as in Keras). */
export function getActivation(name: string | null | undefined, where = 'activation'): Activation {
  if (name === undefined || name === null) return ACTIVATIONS.get('linear') as Activation;
  const a = typeof name === 'string' ? ACTIVATIONS.get(name) : undefined;
  if (!a) {
    throw new Error(`${where}: unknown activation '${String(name)}' (expected one of ${[...ACTIVATIONS.keys()].join(', ')})`);
  }
  return a;
}
