import { checkOptions } from './options.js';
import { BlockOptimizer, checkHyper, type GradientClipping } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

export interface AdamOptions extends GradientClipping {
  /** A constant, or a schedule (see schedules.ts) asked for the rate before every update. */
  learningRate?: number | LearningRateSchedule;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /**
   * Where ε goes.
   * - 'keras' (default, Keras/TF): alpha = lr·sqrt(1−β2ᵗ)/(1−β1ᵗ);  w −= alpha·m / (sqrt(v) + ε)
   * - 'corrected' (tfjs, PyTorch):  w −= lr·m̂ / (sqrt(v̂) + ε), with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
   * The two differ only in how ε is scaled; over 100 steps weights drift apart by ~1e-3.
   */
  epsilonForm?: 'keras' | 'corrected';
}

/** The keys AdamOptions has: any other (`learning_rate`, `momentun`, …) is refused with a suggestion. */
export const ADAM_OPTIONS: readonly string[] = ['learningRate', 'beta1', 'beta2', 'epsilon', 'epsilonForm', 'clipnorm', 'clipvalue', 'globalClipnorm'];

/**
 * Adam (Kingma & Ba), one update per step over every parameter:
 *   t += 1                      (once per step, never once per parameter)
 *   m = β1·m + (1−β1)·g
 *   v = β2·v + (1−β2)·g²
 *   w −= (see epsilonForm)
 * Defaults are Keras's: lr 0.001, β1 0.9, β2 0.999, ε 1e-7. The elementwise loop is the
 * backend's `adam` kernel; this class keeps t and folds the bias corrections into its arguments.
 *
 * @example
 * const opt = new Adam({ learningRate: 0.1 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([2]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // p.param[0] ≈ 0.9: the first Adam step moves each weight by about lr
 */
export class Adam extends BlockOptimizer {
  readonly name: string = 'adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly epsilonForm: 'keras' | 'corrected';

  constructor(options: AdamOptions = {}) {
    super();
    checkOptions('Adam', options, ADAM_OPTIONS);
    this.learningRate = this.readLearningRate('Adam', options.learningRate, 0.001);
    this.setClipping('Adam', options);
    this.beta1 = checkHyper('Adam', 'beta1', options.beta1 ?? 0.9, 0, 1, false, true);
    this.beta2 = checkHyper('Adam', 'beta2', options.beta2 ?? 0.999, 0, 1, false, true);
    this.epsilon = checkHyper('Adam', 'epsilon', options.epsilon ?? 1e-7, 0, Infinity);
    const form = options.epsilonForm ?? 'keras';
    if (form !== 'keras' && form !== 'corrected') {
      throw new RangeError(`Adam: epsilonForm must be 'keras' or 'corrected', got '${String(form)}'`);
    }
    this.epsilonForm = form;
  }

  protected slotNames(): readonly string[] {
    return ['m', 'v'];
  }

  protected update(): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const lr = this.lr();
    const bc1 = 1 - Math.pow(b1, this.t);
    const bc2 = 1 - Math.pow(b2, this.t);
    const keras = this.epsilonForm === 'keras';
    // keras:     w −= alpha·m/(sqrt(v)+ε),            alpha = lr·sqrt(bc2)/bc1
    // corrected: w −= (lr/bc1)·m/(sqrt(v)/sqrt(bc2)+ε) = lr·m̂/(sqrt(v̂)+ε)
    const alpha = keras ? (lr * Math.sqrt(bc2)) / bc1 : lr / bc1;
    const vScale = keras ? 1 : 1 / Math.sqrt(bc2);
    const [m, v] = this.slots;
    for (let k = 0; k < this.blocks.length; k++) {
      const { param, grad } = this.blocks[k];
      this.backend.adam(param, grad, m[k], v[k], alpha, b1, b2, eps, vScale);
    }
  }

  getConfig(): Record<string, unknown> {
    const { beta1, beta2, epsilon, epsilonForm } = this;
    return { name: this.name, learningRate: this.lrConfig(), beta1, beta2, epsilon, epsilonForm, ...this.clipConfig() };
  }
}
