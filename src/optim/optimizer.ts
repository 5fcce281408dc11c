/**
 * The optimizer interface. An optimizer sees only a flat list of {param, grad} pairs:
 * it knows nothing of layers, shapes or models.
 */

/** One trainable tensor and its gradient, both flat views of the same length. */
export interface ParamGrad {
  /** For messages, e.g. 'dense_1/kernel'. */
  name: string;
  param: Float32Array;
  grad: Float32Array;
}

export interface Optimizer {
  readonly name: string;
  /** Floats of state the optimizer keeps for `paramCount` parameter floats (Adam: 2·paramCount). */
  stateFloats(paramCount: number): number;
  /**
   * Binds to the parameters. `alloc(n)` hands out zeroed state views (from the model's
   * arena). Called again, with the same params in the same order, whenever the model
   * moves to a larger arena; state views then land at the same offsets.
   */
  bind(params: ParamGrad[], alloc: (n: number) => Float32Array): void;
  /** One update from the accumulated gradients. Step counters advance once per call. */
  step(): void;
  /** Step count so far (Keras's `optimizer.iterations`). */
  readonly iterations: number;
  getConfig(): Record<string, unknown>;
}

/** Checks a hyperparameter and names it when it is wrong. */
export function checkHyper(owner: string, name: string, value: number, lo: number, hi: number, loOpen = false, hiOpen = false): number {
  const ok = Number.isFinite(value) && (loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi);
  if (!ok) throw new RangeError(`${owner}: ${name} must be in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${value}`);
  return value;
}
