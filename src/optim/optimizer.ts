/**
 * The optimizer interface. An optimizer sees only a flat list of {param, grad} pairs:
 * it knows nothing of layers, shapes or models. Adam's, SGD's and RMSprop's elementwise loops are
 * the backend's (`backend.adam`, `backend.sgd`, `backend.rmsprop`), run once per flat block; the
 * other optimizers run their own loop over the same blocks (plain Float32Array views, also of the
 * wasm backend's memory), as they are off the default pipeline's hot path.
 */
import type { Backend } from '../backends/backend.js';
import { jsBackend } from '../backends/js/index.js';
import { isSchedule, type LearningRateSchedule } from './schedules.js';

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
  /**
   * Which of the bound tensors (bind's `params`, same order) the updates move: false freezes one
   * (its weights and its state slots are left as they are). null: every tensor (the default).
   * Kept across rebinds. Optional: an optimizer without it cannot train a model with a frozen layer.
   */
  setTrainable?(mask: readonly boolean[] | null): void;
  getConfig(): Record<string, unknown>;
  /** Copies of the step count and every slot. */
  getState(): OptimizerState;
  /** Sets the step count and slots from getState's output (lengths checked). */
  setState(state: OptimizerState): void;
}

/**
 * Keras's gradient clipping, applied to the gradients (in place) before each update. At most one:
 * - clipnorm c: each variable's gradient g becomes g·c / max(‖g‖₂, c) (per tensor, not per block)
 * - clipvalue c: each element is clipped to [−c, c]
 * - globalClipnorm c: every gradient is scaled by c / max(‖all gradients‖₂, c)
 */
export interface GradientClipping {
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
}

/**
 * Clips `params`' gradients in place by `clip` (see GradientClipping). No allocation.
 *
 * @example
 * const p = { name: 'w', param: new Float32Array(2), grad: Float32Array.of(3, 4) };
 * clipGradients([p], { clipnorm: 1 }); // p.grad = [0.6, 0.8]
 */
export function clipGradients(params: readonly ParamGrad[], clip: GradientClipping): void {
  if (clip.clipvalue !== undefined) {
    const c = clip.clipvalue;
    for (const { grad } of params) for (let i = 0; i < grad.length; i++) grad[i] = Math.min(c, Math.max(-c, grad[i]));
  } else if (clip.clipnorm !== undefined) {
    for (const { grad } of params) scaleToNorm(grad, Math.sqrt(sumSquares(grad)), clip.clipnorm);
  } else if (clip.globalClipnorm !== undefined) {
    let ss = 0;
    for (const { grad } of params) ss += sumSquares(grad);
    const norm = Math.sqrt(ss);
    for (const { grad } of params) scaleToNorm(grad, norm, clip.globalClipnorm);
  }
}

function sumSquares(g: Float32Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

/** g ← g·c / max(norm, c): unchanged when norm ≤ c. */
function scaleToNorm(g: Float32Array, norm: number, c: number): void {
  if (!(norm > c)) return;
  const k = c / norm;
  for (let i = 0; i < g.length; i++) g[i] *= k;
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
 * What every optimizer here shares: flat blocks, named state slots (one view per block, from the
 * model's arena), the step count, state as plain data, gradient clipping (applied before each
 * update) and a learning rate that may be a schedule. A subclass names its slots and writes
 * `update`, which runs its backend kernel (Adam, SGD, RMSprop) or its own loop (AdamW's decay,
 * Adagrad, Adamax, Nadam) over each block, at the rate `this.lr()`.
 */
export abstract class BlockOptimizer implements Optimizer {
  abstract readonly name: string;
  /** The blocks an update runs over: the trainable tensors, neighbours in memory merged. */
  protected blocks: ParamGrad[] = [];
  /** slots[s][b]: slot s (in slotNames() order) of block b. */
  protected slots: Float32Array[][] = [];
  /**
   * Each slot over every bound parameter, frozen ones included, in bind order: one view per slot
   * (what getState/setState copy). A frozen tensor keeps its slot floats, untouched, so the
   * state has the same shape whatever is frozen (model files and Trainer states stay valid).
   */
  private slotRegions: Float32Array[] = [];
  /** Per bound tensor, false when frozen (setTrainable); null = all trainable. */
  private mask: boolean[] | null = null;
  /** Every bound tensor (bind's params), frozen ones included. */
  private bound: ParamGrad[] = [];
  protected backend: Backend = jsBackend;
  protected t = 0;
  /** The learning rate: a constant, or (with a schedule) the schedule's rate at step 0. */
  abstract readonly learningRate: number;
  /** Keras's `learning_rate=schedule`; null for a constant rate. */
  protected schedule: LearningRateSchedule | null = null;

  /** The unmerged trainable parameters, one per variable tensor (clipnorm is per tensor, as in Keras). */
  protected params: ParamGrad[] = [];
  /** Gradient clipping (Keras's clipnorm / clipvalue / global_clipnorm); {} = none. */
  protected clip: GradientClipping = {};

  /** The state slots, e.g. ['m', 'v'] for Adam; each holds one float per parameter float. */
  protected abstract slotNames(): readonly string[];
  /** The value slot `name` starts at (Adagrad's accumulator: 0.1); 0 for most. */
  protected slotInit(_name: string): number {
    return 0;
  }
  /** Reads a `learningRate` option, a number or a schedule (kept in this.schedule). */
  protected readLearningRate(owner: string, value: number | LearningRateSchedule | undefined, fallback: number): number {
    if (isSchedule(value)) {
      this.schedule = value;
      return checkHyper(owner, 'learningRate (the schedule at step 0)', value.at(0), 0, Infinity);
    }
    return checkHyper(owner, 'learningRate', (value as number | undefined) ?? fallback, 0, Infinity);
  }
  /** The rate for the update under way: the schedule's at the number of updates done before it. */
  protected lr(): number {
    return this.schedule === null ? this.learningRate : this.schedule.at(this.t - 1);
  }
  /** learningRate as getConfig stores it: the number, or the schedule's config. */
  protected lrConfig(): number | Record<string, unknown> {
    return this.schedule === null ? this.learningRate : this.schedule.getConfig();
  }
  /** Reads and checks clipnorm / clipvalue / globalClipnorm from an optimizer's options. */
  protected setClipping(owner: string, options: GradientClipping): void {
    const set = (['clipnorm', 'clipvalue', 'globalClipnorm'] as const).filter((k) => options[k] !== undefined && options[k] !== null);
    if (set.length > 1) throw new Error(`${owner}: only one of clipnorm, clipvalue and globalClipnorm can be set, got ${set.join(' and ')}`);
    for (const k of set) this.clip = { [k]: checkHyper(owner, k, options[k] as number, 0, Infinity, true) };
  }
  /** The clipping settings for getConfig (empty when there is none, so configs stay as they were). */
  protected clipConfig(): GradientClipping {
    return { ...this.clip };
  }
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
    if (this.mask !== null && this.mask.length !== params.length) this.mask = null;
    this.bound = params;
    const total = params.reduce((n, p) => n + p.param.length, 0);
    // slot by slot: Adam's arena region is [m for every param][v for every param]
    this.slotRegions = this.slotNames().map(() => alloc(total));
    // a slot with a non-zero start is filled only before the first step: a rebind to a larger
    // arena (t > 0) has copied the state over, and must not reset it
    if (this.t === 0) {
      this.slotNames().forEach((name, s) => {
        const v0 = this.slotInit(name);
        if (v0 !== 0) this.slotRegions[s].fill(v0);
      });
    }
    this.backend = backend;
    this.deriveBlocks();
  }

  setTrainable(mask: readonly boolean[] | null): void {
    if (mask !== null && mask.length !== this.bound.length) {
      throw new RangeError(`${this.name}: setTrainable got ${mask.length} flags for ${this.bound.length} bound tensors`);
    }
    this.mask = mask === null || mask.every(Boolean) ? null : mask.slice();
    this.deriveBlocks();
  }

  /**
   * The blocks and slot views the updates run over: the trainable tensors, neighbours merged when
   * their params and grads sit back to back (as flatBlocks does), each block's slots the same span
   * of the slot regions. With nothing frozen these are exactly flatBlocks(params).
   */
  private deriveBlocks(): void {
    const blocks: ParamGrad[] = [];
    const starts: number[] = [];
    const params: ParamGrad[] = [];
    let at = 0; // the tensor's offset in the slot regions
    let lastEnd = -1; // where the last block ends in them
    this.bound.forEach((p, i) => {
      if (this.mask === null || this.mask[i]) {
        params.push(p);
        const last = blocks[blocks.length - 1];
        if (last && lastEnd === at && follows(last.param, p.param) && follows(last.grad, p.grad)) {
          blocks[blocks.length - 1] = { name: `${last.name}+${p.name}`, param: extend(last.param, p.param.length), grad: extend(last.grad, p.grad.length) };
        } else {
          blocks.push(p);
          starts.push(at);
        }
        lastEnd = at + p.param.length;
      }
      at += p.param.length;
    });
    this.params = params;
    this.blocks = blocks;
    this.slots = this.slotRegions.map((region) => blocks.map((b, k) => region.subarray(starts[k], starts[k] + b.param.length)));
  }

  step(): void {
    this.t += 1;
    if (this.clip.clipnorm !== undefined || this.clip.clipvalue !== undefined || this.clip.globalClipnorm !== undefined) clipGradients(this.params, this.clip);
    this.update();
  }

  private requireBound(where: string): void {
    if (this.slotRegions.length !== this.slotNames().length) throw new Error(`${this.name}.${where}: bind the optimizer to parameters first (compile and build a model)`);
  }

  getState(): OptimizerState {
    this.requireBound('getState');
    const slots: Record<string, Float32Array> = {};
    this.slotNames().forEach((name, s) => {
      slots[name] = this.slotRegions[s].slice();
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
      const need = this.slotRegions[s].length;
      if (!(src instanceof Float32Array) && !Array.isArray(src)) throw new TypeError(`${this.name}: slot '${name}' must be a Float32Array`);
      if (src.length !== need) throw new RangeError(`${this.name}: slot '${name}' has ${src.length} values, the bound parameters need ${need}`);
    });
    names.forEach((name, s) => {
      const src = state.slots[name];
      const region = this.slotRegions[s];
      for (let i = 0; i < region.length; i++) region[i] = src[i];
    });
    this.t = state.iterations;
  }
}
