import { checkOptions } from './options.js';
import { BlockOptimizer, checkHyper, type GradientClipping } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

export interface AdamaxOptions extends GradientClipping {
  learningRate?: number | LearningRateSchedule;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** The keys AdamaxOptions has: any other (`learning_rate`, `momentun`, …) is refused with a suggestion. */
export const ADAMAX_OPTIONS: readonly string[] = ['learningRate', 'beta1', 'beta2', 'epsilon', 'clipnorm', 'clipvalue', 'globalClipnorm'];

/**
 * Adamax (Kingma & Ba, §7: Adam with the infinity norm), Keras's form:
 *   m = β1·m + (1−β1)·g
 *   u = max(β2·u, |g|)
 *   w −= lr/(1−β1ᵗ) · m / (u + ε)
 * Defaults are Keras's: lr 0.001, β1 0.9, β2 0.999, ε 1e-7. The loop runs here over each flat
 * block (plain Float32Array views), not as a backend kernel.
 *
 * @example
 * const opt = new Adamax({ learningRate: 0.1 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([2]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // m = 0.2, u = 2; p.param[0] ≈ 1 − (0.1/0.1)·0.2/2 = 0.9
 */
export class Adamax extends BlockOptimizer {
  readonly name = 'adamax';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super();
    checkOptions('Adamax', options, ADAMAX_OPTIONS);
    this.learningRate = this.readLearningRate('Adamax', options.learningRate, 0.001);
    this.beta1 = checkHyper('Adamax', 'beta1', options.beta1 ?? 0.9, 0, 1, false, true);
    this.beta2 = checkHyper('Adamax', 'beta2', options.beta2 ?? 0.999, 0, 1, false, true);
    this.epsilon = checkHyper('Adamax', 'epsilon', options.epsilon ?? 1e-7, 0, Infinity);
    this.setClipping('Adamax', options);
  }

  protected slotNames(): readonly string[] {
    return ['m', 'u'];
  }

  protected update(): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const step = this.lr() / (1 - Math.pow(b1, this.t));
    const [m, u] = this.slots;
    for (let k = 0; k < this.blocks.length; k++) {
      const { param: w, grad: g } = this.blocks[k];
      const mk = m[k];
      const uk = u[k];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = b1 * mk[i] + (1 - b1) * gi;
        const ui = Math.max(b2 * uk[i], Math.abs(gi));
        mk[i] = mi;
        uk[i] = ui;
        w[i] -= (step * mi) / (ui + eps);
      }
    }
  }

  getConfig(): Record<string, unknown> {
    const { beta1, beta2, epsilon } = this;
    return { name: this.name, learningRate: this.lrConfig(), beta1, beta2, epsilon, ...this.clipConfig() };
  }
}
