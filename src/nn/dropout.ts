import type { Backend } from '../backends/backend.js';
import type { ParamGrad } from '../optim/optimizer.js';
import type { MT19937 } from '../tensor/random.js';
import { RowViews } from '../tensor/row-views.js';
import type { Alloc, Layer, LayerConfig } from './layer.js';
import { checkOptions } from './options.js';

export interface DropoutOptions {
  /** Keras's input_shape: [features], when Dropout is the first layer. */
  inputShape?: [number] | number[];
  name?: string;
}

/** The keys DropoutOptions has: any other is refused (see options.ts). */
export const DROPOUT_OPTIONS: readonly (keyof DropoutOptions)[] = ['inputShape', 'name'];

/**
 * Dropout(rate): during a training step, each input is zeroed with probability `rate` and the
 * survivors are scaled by 1/(1 − rate) ("inverted" dropout, as Keras and TF do it), so the
 * expected output equals the input and inference needs no rescaling. Outside training (predict,
 * evaluate, validation, gradCheck) it is the identity.
 *
 *   X, Y: [rows, n]        mask M: [rows, n], each 0 or 1/(1 − rate)
 * Forward (training):   M[i] = (u ≥ rate) / (1 − rate) with u uniform in [0, 1);  Y = X ⊙ M
 * Backward:             dX = dY ⊙ M          (in place in dY: it is consumed anyway)
 *
 * The uniforms come from the generator the training step hands to forward: the Trainer's
 * dropout generator, whose state is part of the Trainer state, so a paused and resumed run draws
 * the very masks an uninterrupted one would. No parameters.
 */
export class Dropout implements Layer {
  readonly className = 'Dropout';
  name: string;
  readonly rate: number;
  /** Keras's layer.trainable (Dropout has no weights: it changes nothing here, but is saved). */
  trainable = true;
  private nIn: number | undefined;
  private Y = new RowViews(new Float32Array(0), 0); //    [batch, n] the masked output
  private mask = new RowViews(new Float32Array(0), 0); // [batch, n] 0 or 1/(1 − rate)
  /** Whether the last forward drew a mask (training) or passed X through. */
  private masked = false;

  constructor(rate: number, options: DropoutOptions = {}) {
    checkOptions(`Dropout(${rate})`, options, DROPOUT_OPTIONS);
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`Dropout: rate must be a number in [0, 1), got ${String(rate)}`);
    this.rate = rate;
    this.name = options.name ?? '';
    if (options.inputShape !== undefined) {
      const s = options.inputShape;
      if (!Array.isArray(s) || s.length !== 1 || !Number.isInteger(s[0]) || s[0] < 1) throw new RangeError(`Dropout: inputShape must be [a positive integer], got ${JSON.stringify(s)}`);
      this.nIn = s[0];
    }
  }

  get inputDim(): number | undefined {
    return this.nIn;
  }

  /** The same width as its input (0 until known). */
  get outputDim(): number {
    return this.nIn ?? 0;
  }

  get paramCount(): number {
    return 0;
  }

  build(inputDim: number, _backend: Backend): void {
    if (this.nIn !== undefined && this.nIn !== inputDim) throw new RangeError(`${this.name || 'Dropout'}: declared input shape [${this.nIn}] but receives [${inputDim}]`);
    this.nIn = inputDim;
  }

  bindParams(_params: Alloc, _grads: Alloc): void {}

  initialize(_rng: MT19937): void {}

  workspaceFloats(batch: number): number {
    return 2 * batch * this.width();
  }

  scratchFloats(_batch: number): number {
    return 0;
  }

  bindWorkspace(alloc: Alloc, batch: number, _gemmScratch: Float32Array): void {
    const n = this.width();
    this.Y = new RowViews(alloc(batch * n), n);
    this.mask = new RowViews(alloc(batch * n), n);
  }

  /** With `rng` (a training step): a fresh mask. Without: the identity (X itself is returned). */
  forward(X: Float32Array, rows: number, rng?: MT19937 | null): Float32Array {
    this.masked = rng !== undefined && rng !== null && this.rate > 0;
    if (!this.masked) return X;
    const r = rng as MT19937;
    const n = rows * this.width();
    const Y = this.Y.get(rows);
    const M = this.mask.get(rows);
    const keep = 1 / (1 - this.rate);
    for (let i = 0; i < n; i++) {
      const m = r.random() >= this.rate ? keep : 0;
      M[i] = m;
      Y[i] = X[i] * m;
    }
    return Y;
  }

  backward(dY: Float32Array, rows: number, needDX: boolean): Float32Array | null {
    if (!needDX) return null;
    if (!this.masked) return dY;
    const M = this.mask.get(rows);
    for (let i = 0, n = rows * this.width(); i < n; i++) dY[i] *= M[i];
    return dY;
  }

  params(): ParamGrad[] {
    return [];
  }

  paramShapes(): number[][] {
    return [];
  }

  toJSON(): LayerConfig {
    return { className: this.className, name: this.name, rate: this.rate, ...(this.nIn !== undefined ? { inputDim: this.nIn } : {}), ...(this.trainable ? {} : { trainable: false }) };
  }

  static fromJSON(config: LayerConfig): Dropout {
    const d = new Dropout(config.rate as number, { name: config.name });
    if (config.trainable === false) d.trainable = false;
    if (config.inputDim !== undefined) {
      const dim = config.inputDim as number;
      if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`Dropout: inputDim must be a positive integer, got ${String(dim)}`);
      d.nIn = dim;
    }
    return d;
  }

  private width(): number {
    if (this.nIn === undefined) throw new Error(`${this.name || 'Dropout'}: input size unknown; build the model first`);
    return this.nIn;
  }
}
