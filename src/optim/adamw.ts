import { Adam, ADAM_OPTIONS, type AdamOptions } from './adam.js';
import { checkOptions } from './options.js';
import { checkHyper } from './optimizer.js';

export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay λ (Keras default 0.004). */
  weightDecay?: number;
}

/** The keys AdamWOptions has (Adam's and weightDecay). */
export const ADAMW_OPTIONS: readonly string[] = [...ADAM_OPTIONS, 'weightDecay'];

/**
 * AdamW (Loshchilov & Hutter), Keras's form: before each Adam update every weight decays by
 * itself, apart from the gradient (so the decay never passes through m and v):
 *   w −= w·λ·lr            (lr: this step's learning rate, a schedule's when there is one)
 *   then Adam's update (see adam.ts)
 * Keras decays every variable, biases too (unless excluded; densely has no exclusion list).
 * Defaults are Keras's: lr 0.001, λ 0.004, β1 0.9, β2 0.999, ε 1e-7.
 *
 * @example
 * const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([0]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // p.param[0] = 1 − 1·0.5·0.1 = 0.95 (a zero gradient moves nothing in Adam)
 */
export class AdamW extends Adam {
  override readonly name: string = 'adamw';
  readonly weightDecay: number;

  constructor(options: AdamWOptions = {}) {
    super(adamPart(options));
    this.weightDecay = checkHyper('AdamW', 'weightDecay', options.weightDecay ?? 0.004, 0, Infinity);
  }

  protected override update(): void {
    const decay = this.weightDecay * this.lr();
    // w − w·λ·lr; the blocks cover every trainable parameter once (a frozen one does not decay)
    for (const { param } of this.blocks) for (let i = 0; i < param.length; i++) param[i] -= param[i] * decay;
    super.update();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), name: this.name, weightDecay: this.weightDecay };
  }
}

/** AdamW's options checked under its own name, less weightDecay (what Adam takes). */
function adamPart(options: AdamWOptions): AdamOptions {
  checkOptions('AdamW', options, ADAMW_OPTIONS);
  const { weightDecay: _, ...adam } = options ?? {};
  return adam;
}
