/**
 * Weight regularizers (Keras's keras.regularizers, tfjs's tf.regularizers): a penalty on a
 * layer's weights, added to the loss, and its gradient, added to the weights' gradients.
 *
 *   penalty(w) = l1·Σ|wᵢ| + l2·Σwᵢ²          (Keras's L1L2: no ½ on the L2 term)
 *   ∂penalty/∂wᵢ = l1·sign(wᵢ) + 2·l2·wᵢ      (sign(0) = 0, as TF's gradient of |x| at 0)
 *
 * How Keras reports it: a layer's regularization losses (of its trainable weights only) are
 * summed into the loss of every batch, in training and in evaluate/validation alike
 * (Model.compute_loss adds `self.losses`), so `loss` and `val_loss` include the penalty. densely
 * does the same; a frozen layer's weights are not penalised (Keras's _get_regularization_losses
 * walks `trainable_weights`).
 *
 * Spellings (defaults as Keras and tfjs): 'l1' (l1 0.01), 'l2' (l2 0.01), 'l1_l2' / 'l1l2' (both
 * 0.01), `{ l1, l2 }` (missing ones 0), or a factory: `regularizers.l2(0.001)` (Keras, positional),
 * `regularizers.l2({ l2: 0.001 })` (tfjs), `regularizers.l1l2({ l1: 0.01, l2: 0.001 })`.
 */

/** An L1 + L2 penalty (every built-in regularizer is one, with a factor possibly 0). */
export class L1L2 {
  readonly className = 'L1L2';
  constructor(
    readonly l1: number = 0,
    readonly l2: number = 0,
  ) {
    for (const [name, v] of [['l1', l1], ['l2', l2]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`regularizer: ${name} must be a finite number ≥ 0, got ${String(v)}`);
    }
  }

  /**
   * l1·Σ|w| + l2·Σw², summed in float64.
   *
   * @example
   * new L1L2(0.1, 0.01).penalty(Float32Array.of(1, -2)); // 0.1·3 + 0.01·5 = 0.35
   */
  penalty(w: ArrayLike<number>): number {
    const { l1, l2 } = this;
    let a = 0;
    let s = 0;
    for (let i = 0; i < w.length; i++) {
      a += Math.abs(w[i]);
      s += w[i] * w[i];
    }
    return l1 * a + l2 * s;
  }

  /**
   * g += l1·sign(w) + 2·l2·w, in place (w, g: the same length).
   *
   * @example
   * const g = new Float32Array(2);
   * new L1L2(0.1, 0.01).addGradient(Float32Array.of(1, -2), g); // g = [0.12, -0.14]
   */
  addGradient(w: Float32Array, g: Float32Array): void {
    const { l1 } = this;
    const twoL2 = 2 * this.l2;
    for (let i = 0; i < w.length; i++) {
      const v = w[i];
      g[i] += (v > 0 ? l1 : v < 0 ? -l1 : 0) + twoL2 * v;
    }
  }

  /** The saved form: { l1, l2 } (what densely's model file and tfjs's L1L2 config hold). */
  getConfig(): { l1: number; l2: number } {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** What a layer's kernelRegularizer / biasRegularizer option takes. */
export type RegularizerSpec = 'l1' | 'l2' | 'l1_l2' | 'l1l2' | { l1?: number; l2?: number } | L1L2;

/** Keras's and tfjs's factor when a regularizer is named without one. */
export const DEFAULT_FACTOR = 0.01;

/** The regularizer for a spec, or null for none. Errors name `where`. */
export function getRegularizer(spec: RegularizerSpec | null | undefined, where: string): L1L2 | null {
  if (spec === undefined || spec === null) return null;
  if (spec instanceof L1L2) return spec;
  if (typeof spec === 'string') {
    if (spec === 'l1') return new L1L2(DEFAULT_FACTOR, 0);
    if (spec === 'l2') return new L1L2(0, DEFAULT_FACTOR);
    if (spec === 'l1_l2' || spec === 'l1l2') return new L1L2(DEFAULT_FACTOR, DEFAULT_FACTOR);
    throw new Error(`${where}: unknown regularizer '${spec}' (expected 'l1', 'l2', 'l1_l2', { l1, l2 } or regularizers.l2(0.01))`);
  }
  if (typeof spec === 'object' && !Array.isArray(spec)) {
    const keys = Object.keys(spec).filter((k) => k !== 'l1' && k !== 'l2' && k !== 'className');
    if (keys.length > 0) throw new Error(`${where}: a regularizer is { l1, l2 }, got the key '${keys[0]}'`);
    try {
      return new L1L2(spec.l1 ?? 0, spec.l2 ?? 0);
    } catch (e) {
      throw new RangeError(`${where}: ${(e as Error).message}`);
    }
  }
  throw new TypeError(`${where}: a regularizer is 'l1', 'l2', 'l1_l2' or { l1, l2 }, got ${JSON.stringify(spec)}`);
}

/** A factor given positionally (Keras: l2(0.01)) or in a config object (tfjs: l2({ l2: 0.01 })). */
function factor(arg: number | Record<string, number | undefined> | undefined, key: 'l1' | 'l2'): number {
  if (arg === undefined) return DEFAULT_FACTOR;
  if (typeof arg === 'number') return arg;
  return arg[key] ?? DEFAULT_FACTOR;
}

/**
 * The factories, Keras's and tfjs's spellings in one: `regularizers.l1(0.01)`,
 * `regularizers.l2({ l2: 0.001 })`, `regularizers.l1l2({ l1, l2 })` (alias l1_l2).
 *
 * @example
 * new Dense(64, { activation: 'relu', kernelRegularizer: regularizers.l2(0.001) });
 */
export const regularizers = {
  l1: (l1?: number | { l1?: number }): L1L2 => new L1L2(factor(l1, 'l1'), 0),
  l2: (l2?: number | { l2?: number }): L1L2 => new L1L2(0, factor(l2, 'l2')),
  l1l2: (config: { l1?: number; l2?: number } = {}): L1L2 => new L1L2(config.l1 ?? DEFAULT_FACTOR, config.l2 ?? DEFAULT_FACTOR),
  l1_l2: (config: { l1?: number; l2?: number } = {}): L1L2 => new L1L2(config.l1 ?? DEFAULT_FACTOR, config.l2 ?? DEFAULT_FACTOR),
  L1L2,
};
