/**
 * The learner's table of activations: each f, and its derivative written in terms of the OUTPUT
 * a = f(z), so that backward needs only what forward already cached:
 *
 *   name        f(z)                                  f'(z), from a = f(z)
 *   relu        max(z, 0)                             [a > 0]
 *   sigmoid     1 / (1 + e^−z)                        a·(1 − a)
 *   tanh        tanh z                                1 − a²
 *   linear      z                                     1
 *   leaky_relu  z (z ≥ 0), alpha·z (z < 0)            1 (a > 0), alpha (a ≤ 0)     alpha ≥ 0, default 0.2
 *   elu         z (z > 0), alpha·(eᶻ − 1)             1 (a > 0), a + alpha         alpha > 0, default 1
 *   selu        scale·elu(z) with Keras's α, scale    scale (a > 0), a + scale·α
 *   softplus    log(1 + eᶻ)                           1 − e^−a   (= sigmoid(z))
 *   softmax     e^zc / Σ e^z, per row                 not elementwise: dZ = A ⊙ (dA − Σ dA⊙A) per row
 *
 * The loops that apply them to a whole batch, fused with Dense's bias add and bias gradient, are
 * the backend's (src/backends/js/activations.ts is the reference); a layer looks its kernels up
 * by `name` (and `alpha`) once, when it binds. `f` and `df` here are the scalar definitions, for
 * tests, for reading, and `applyRows` applies an activation that the loss fused away (predict
 * after sigmoid + BCE, or softmax + categorical cross-entropy).
 */
import { ACTIVATION_KINDS, type ActivationKind } from '../backends/backend.js';
import { ELU_ALPHA, LEAKY_RELU_ALPHA, SELU_ALPHA, SELU_SCALE, sigmoid } from '../backends/js/activations.js';

export { sigmoid };

export type ActivationName = ActivationKind;

export interface Activation {
  readonly name: ActivationName;
  /** leaky_relu's slope or elu's alpha; undefined for the others. */
  readonly alpha?: number;
  /** True for softmax: f and df are not per element (they are NaN here); use applyRows. */
  readonly rowwise: boolean;
  /** The scalar function (elementwise activations). */
  f(z: number): number;
  /** f'(z) expressed through the output a = f(z) (elementwise activations). */
  df(a: number): number;
  /** dst[r, :] = f(src[r, :]) for rows of k values (src and dst may be the same array). */
  applyRows(src: ArrayLike<number>, dst: { [i: number]: number }, rows: number, k: number): void;
}

function elementwise(name: ActivationName, f: (z: number) => number, df: (a: number) => number, alpha?: number): Activation {
  return {
    name,
    alpha,
    rowwise: false,
    f,
    df,
    applyRows(src, dst, rows, k) {
      for (let i = 0; i < rows * k; i++) dst[i] = f(src[i]);
    },
  };
}

function leakyRelu(alpha: number): Activation {
  return elementwise('leaky_relu', (z) => (z >= 0 ? z : alpha * z), (a) => (a > 0 ? 1 : alpha), alpha);
}

function elu(alpha: number): Activation {
  return elementwise('elu', (z) => (z > 0 ? z : alpha * Math.expm1(z)), (a) => (a > 0 ? 1 : a + alpha), alpha);
}

/** Row-wise softmax, max-shifted so exp never overflows. */
const softmax: Activation = {
  name: 'softmax',
  rowwise: true,
  f: () => NaN,
  df: () => NaN,
  applyRows(src, dst, rows, k) {
    for (let r = 0, o = 0; r < rows; r++, o += k) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, src[o + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(src[o + c] - max);
      for (let c = 0; c < k; c++) dst[o + c] = Math.exp(src[o + c] - max) / sum;
    }
  },
};

const ACTIVATIONS = new Map<string, Activation>([
  ['relu', elementwise('relu', (z) => (z > 0 ? z : 0), (a) => (a > 0 ? 1 : 0))],
  ['sigmoid', elementwise('sigmoid', sigmoid, (a) => a * (1 - a))],
  ['tanh', elementwise('tanh', Math.tanh, (a) => 1 - a * a)],
  ['linear', elementwise('linear', (z) => z, () => 1)],
  ['leaky_relu', leakyRelu(LEAKY_RELU_ALPHA)],
  ['elu', elu(ELU_ALPHA)],
  [
    'selu',
    elementwise(
      'selu',
      (z) => (z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * Math.expm1(z)),
      (a) => (a > 0 ? SELU_SCALE : a + SELU_SCALE * SELU_ALPHA),
    ),
  ],
  ['softplus', elementwise('softplus', (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), (a) => -Math.expm1(-a))],
  ['softmax', softmax],
]);

/** The activation names densely knows, in the order error messages list them. */
export const ACTIVATION_NAMES: readonly ActivationName[] = ACTIVATION_KINDS;

/**
 * Looks an activation up by name (undefined or null means linear, as in Keras). `alpha` sets
 * leaky_relu's slope (≥ 0, default 0.2) or elu's alpha (> 0, default 1); other activations refuse it.
 *
 * @example
 * getActivation('leaky_relu', 'Dense', 0.1).f(-2); // -0.2
 */
export function getActivation(name: string | null | undefined, where = 'activation', alpha?: number): Activation {
  if (name === undefined || name === null) name = 'linear';
  const a = typeof name === 'string' ? ACTIVATIONS.get(name) : undefined;
  if (!a) {
    throw new Error(`${where}: unknown activation '${String(name)}' (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  }
  if (alpha === undefined) return a;
  if (name === 'leaky_relu') {
    if (!(typeof alpha === 'number' && Number.isFinite(alpha) && alpha >= 0)) throw new RangeError(`${where}: leaky_relu's alpha must be a finite number ≥ 0, got ${String(alpha)}`);
    return alpha === LEAKY_RELU_ALPHA ? a : leakyRelu(alpha);
  }
  if (name === 'elu') {
    if (!(typeof alpha === 'number' && Number.isFinite(alpha) && alpha > 0)) throw new RangeError(`${where}: elu's alpha must be a finite number > 0, got ${String(alpha)}`);
    return alpha === ELU_ALPHA ? a : elu(alpha);
  }
  throw new Error(`${where}: alpha applies to leaky_relu and elu only, not to '${name}'`);
}
