import { checkOptions } from './options.js';
import { BlockOptimizer, checkHyper, type GradientClipping } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

export interface AdagradOptions extends GradientClipping {
  learningRate?: number | LearningRateSchedule;
  /** Where every accumulator starts (Keras and tfjs: 0.1). */
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** The keys AdagradOptions has: any other (`learning_rate`, `momentun`, …) is refused with a suggestion. */
export const ADAGRAD_OPTIONS: readonly string[] = ['learningRate', 'initialAccumulatorValue', 'epsilon', 'clipnorm', 'clipvalue', 'globalClipnorm'];

/**
 * Adagrad (Duchi et al.), Keras's form: each weight's rate shrinks with its own squared-gradient sum.
 *   a += g²                      (a starts at initialAccumulatorValue)
 *   w −= lr·g / sqrt(a + ε)
 * Defaults are Keras's: lr 0.001, initialAccumulatorValue 0.1, ε 1e-7. The loop runs here over
 * each flat block (plain Float32Array views, the wasm arena's too), not as a backend kernel.
 *
 * @example
 * const opt = new Adagrad({ learningRate: 0.1 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([2]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // a = 4.1; p.param[0] ≈ 1 − 0.2/sqrt(4.1) ≈ 0.90123
 */
export class Adagrad extends BlockOptimizer {
  readonly name = 'adagrad';
  readonly learningRate: number;
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super();
    checkOptions('Adagrad', options, ADAGRAD_OPTIONS);
    this.learningRate = this.readLearningRate('Adagrad', options.learningRate, 0.001);
    this.initialAccumulatorValue = checkHyper('Adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, 0, Infinity);
    this.epsilon = checkHyper('Adagrad', 'epsilon', options.epsilon ?? 1e-7, 0, Infinity);
    this.setClipping('Adagrad', options);
  }

  protected slotNames(): readonly string[] {
    return ['accumulator'];
  }

  protected override slotInit(): number {
    return this.initialAccumulatorValue;
  }

  protected update(): void {
    const lr = this.lr();
    const eps = this.epsilon;
    const [acc] = this.slots;
    for (let k = 0; k < this.blocks.length; k++) {
      const { param: w, grad: g } = this.blocks[k];
      const a = acc[k];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const ai = a[i] + gi * gi;
        a[i] = ai;
        w[i] -= (lr * gi) / Math.sqrt(ai + eps);
      }
    }
  }

  getConfig(): Record<string, unknown> {
    const { initialAccumulatorValue, epsilon } = this;
    return { name: this.name, learningRate: this.lrConfig(), initialAccumulatorValue, epsilon, ...this.clipConfig() };
  }
}
