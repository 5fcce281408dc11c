/**
 * The optimizer interface. An optimizer sees only a flat list of {param, grad} pairs:
 * it knows nothing of layers, shapes or models. Its elementwise loops are the backend's
 * (`backend.adam`, `backend.sgd`, `backend.rmsprop`), run once per flat block.
 */
import type { Backend } from '../backends/backend.js';
import { jsBackend } from '../backends/js/index.js';

/** One trainable tensor and its gradient, both flat views of the same length. */
export interface ParamGrad {
  /** For messages, e.g. 'dense_1/kernel'. */
  name: string;
  param: Float32Array;
  grad: Float32Array;
}

/**
 * An optimizer's state as plain data (survives structuredClone): its step count and, per slot
 * (Adam's 'm' and 'v', RMSprop's 'v', SGD's momentum 'u'), one flat array over every parameter.
 */
export interface OptimizerState {
  name: string;
  iterations: number;
  slots: Record<string, Float32Array>;
}

export interface Optimizer {
  readonly name: string;
  /** Floats of state the optimizer keeps for `paramCount` parameter floats (Adam: 2·paramCount). */
  stateFloats(paramCount: number): number;
  /**
   * Binds to the parameters. `alloc(n)` hands out zeroed state views (from the model's
   * arena). Called again, with the same params in the same order, whenever the model
   * moves to a larger arena; state views then land at the same offsets. The updates run on
   * `backend` (default: the js backend, for an optimizer used on its own).
   */
  bind(params: ParamGrad[], alloc: (n: number) => Float32Array, backend?: Backend): void;
  /** One update from the accumulated gradients. Step counters advance once per call. */
  step(): void;
  /** Step count so far (Keras's `optimizer.iterations`). */
  readonly iterations: number;
  getConfig(): Record<string, unknown>;
  /** Copies of the step count and every slot. */
  getState(): OptimizerState;
  /** Sets the step count and slots from getState's output (lengths checked). */
  setState(state: OptimizerState): void;
}

/** Checks a hyperparameter and names it when it is wrong. */
export function checkHyper(owner: string, name: string, value: number, lo: number, hi: number, loOpen = false, hiOpen = false): number {
  const ok = Number.isFinite(value) && (loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi);
  if (!ok) throw new RangeError(`${owner}: ${name} must be in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${value}`);
  return value;
}

/**
 * Merges neighbours whose params (and grads) sit back to back in the same buffer into one block,
 * so an update runs one loop over a model's whole arena region instead of one per tensor. The
 * updates are elementwise, so this changes no number.
 *
 * @example
 * const buf = new Float32Array(10);
 * flatBlocks([{ name: 'a', param: buf.subarray(0, 2), grad: buf.subarray(4, 6) },
 *             { name: 'b', param: buf.subarray(2, 4), grad: buf.subarray(6, 8) }]);
 * // one block: param = buf[0..4), grad = buf[4..8)
 */
export function flatBlocks(params: ParamGrad[]): ParamGrad[] {
  const out: ParamGrad[] = [];
  for (const p of params) {
    const last = out[out.length - 1];
    if (last && follows(last.param, p.param) && follows(last.grad, p.grad)) {
      out[out.length - 1] = { name: `${last.name}+${p.name}`, param: extend(last.param, p.param.length), grad: extend(last.grad, p.grad.length) };
    } else out.push(p);
  }
  return out;
}

function follows(a: Float32Array, b: Float32Array): boolean {
  return a.buffer === b.buffer && a.byteOffset + a.byteLength === b.byteOffset;
}

function extend(a: Float32Array, n: number): Float32Array {
  return new Float32Array(a.buffer, a.byteOffset, a.length + n);
}

/**
 * What Adam, SGD and RMSprop share: flat blocks, named state slots (one view per block, from the
 * model's arena), the step count, and state as plain data. A subclass names its slots and writes
 * `update`, which runs its backend kernel over each block.
 */
export abstract class BlockOptimizer implements Optimizer {
  abstract readonly name: string;
  protected blocks: ParamGrad[] = [];
  /** slots[s][b]: slot s (in slotNames() order) of block b. */
  protected slots: Float32Array[][] = [];
  protected backend: Backend = jsBackend;
  protected t = 0;

  /** The state slots, e.g. ['m', 'v'] for Adam; each holds one float per parameter float. */
  protected abstract slotNames(): readonly string[];
  /** One update of every block; `this.t` has already advanced. */
  protected abstract update(): void;
  abstract getConfig(): Record<string, unknown>;

  get iterations(): number {
    return this.t;
  }

  stateFloats(paramCount: number): number {
    return this.slotNames().length * paramCount;
  }

  bind(params: ParamGrad[], alloc: (n: number) => Float32Array, backend: Backend = jsBackend): void {
    this.blocks = flatBlocks(params);
    // slot by slot, block by block: Adam's arena region is [m for every param][v for every param]
    this.slots = this.slotNames().map(() => this.blocks.map((b) => alloc(b.param.length)));
    this.backend = backend;
  }

  step(): void {
    this.t += 1;
    this.update();
  }

  private requireBound(where: string): void {
    if (this.slots.length !== this.slotNames().length) throw new Error(`${this.name}.${where}: bind the optimizer to parameters first (compile and build a model)`);
  }

  getState(): OptimizerState {
    this.requireBound('getState');
    const slots: Record<string, Float32Array> = {};
    this.slotNames().forEach((name, s) => {
      const total = this.slots[s].reduce((n, v) => n + v.length, 0);
      const flat = new Float32Array(total);
      let o = 0;
      for (const v of this.slots[s]) {
        flat.set(v, o);
        o += v.length;
      }
      slots[name] = flat;
    });
    return { name: this.name, iterations: this.t, slots };
  }

  setState(state: OptimizerState): void {
    this.requireBound('setState');
    if (!state || state.name !== this.name) throw new Error(`${this.name}: optimizer state is for '${state?.name}', not '${this.name}'`);
    if (!Number.isInteger(state.iterations) || state.iterations < 0) throw new RangeError(`${this.name}: iterations must be a non-negative integer, got ${state.iterations}`);
    const names = this.slotNames();
    const given = Object.keys(state.slots ?? {});
    if (given.length !== names.length || !names.every((n) => given.includes(n))) {
      throw new Error(`${this.name}: optimizer state has slots [${given.join(', ')}], expected [${names.join(', ')}]`);
    }
    names.forEach((name, s) => {
      const src = state.slots[name];
      const need = this.slots[s].reduce((n, v) => n + v.length, 0);
      if (!(src instanceof Float32Array) && !Array.isArray(src)) throw new TypeError(`${this.name}: slot '${name}' must be a Float32Array`);
      if (src.length !== need) throw new RangeError(`${this.name}: slot '${name}' has ${src.length} values, the bound parameters need ${need}`);
    });
    names.forEach((name, s) => {
      const src = state.slots[name];
      let o = 0;
      for (const v of this.slots[s]) {
        for (let i = 0; i < v.length; i++) v[i] = src[o + i];
        o += v.length;
      }
    });
    this.t = state.iterations;
  }
}
