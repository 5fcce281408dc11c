import { checkOptions } from './options.js';
import { BlockOptimizer, checkHyper, type GradientClipping, type OptimizerState } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

export interface NadamOptions extends GradientClipping {
  learningRate?: number | LearningRateSchedule;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** The keys NadamOptions has: any other (`learning_rate`, `momentun`, …) is refused with a suggestion. */
export const NADAM_OPTIONS: readonly string[] = ['learningRate', 'beta1', 'beta2', 'epsilon', 'clipnorm', 'clipvalue', 'globalClipnorm'];

/**
 * Nadam (Dozat: Adam with Nesterov momentum), Keras 3's form, with a momentum schedule
 * μₜ = β1·(1 − 0.5·0.96ᵗ) and its running product Πₜ = μ₁·…·μₜ:
 *   m = β1·m + (1−β1)·g;   v = β2·v + (1−β2)·g²
 *   m̂ = μₜ₊₁·m / (1 − Πₜ·μₜ₊₁) + (1 − μₜ)·g / (1 − Πₜ)
 *   v̂ = v / (1 − β2ᵗ)
 *   w −= lr·m̂ / (sqrt(v̂) + ε)
 * Πₜ is a function of t alone, so it is not a saved slot: setState recomputes it from t.
 * Defaults are Keras's: lr 0.001, β1 0.9, β2 0.999, ε 1e-7. The loop runs here over each flat
 * block (plain Float32Array views), not as a backend kernel.
 *
 * @example
 * const opt = new Nadam({ learningRate: 0.1 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([2]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // p.param[0] ≈ 0.9 (the first step moves each weight by about lr)
 */
export class Nadam extends BlockOptimizer {
  readonly name = 'nadam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Πₜ, the product of the momentum schedule up to the current step (1 before the first). */
  private uProduct = 1;

  constructor(options: NadamOptions = {}) {
    super();
    checkOptions('Nadam', options, NADAM_OPTIONS);
    this.learningRate = this.readLearningRate('Nadam', options.learningRate, 0.001);
    this.beta1 = checkHyper('Nadam', 'beta1', options.beta1 ?? 0.9, 0, 1, false, true);
    this.beta2 = checkHyper('Nadam', 'beta2', options.beta2 ?? 0.999, 0, 1, false, true);
    this.epsilon = checkHyper('Nadam', 'epsilon', options.epsilon ?? 1e-7, 0, Infinity);
    this.setClipping('Nadam', options);
  }

  /** μₜ = β1·(1 − 0.5·0.96ᵗ). */
  private mu(t: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(0.96, t));
  }

  protected slotNames(): readonly string[] {
    return ['m', 'v'];
  }

  protected update(): void {
    const { beta1: b1, beta2: b2, epsilon: eps, t } = this;
    const lr = this.lr();
    const uT = this.mu(t);
    const uNext = this.mu(t + 1);
    this.uProduct *= uT;
    const prod = this.uProduct;
    const cm = uNext / (1 - prod * uNext); // coefficient of m in m̂
    const cg = (1 - uT) / (1 - prod); // coefficient of g in m̂
    const bc2 = 1 - Math.pow(b2, t);
    const [m, v] = this.slots;
    for (let k = 0; k < this.blocks.length; k++) {
      const { param: w, grad: g } = this.blocks[k];
      const mk = m[k];
      const vk = v[k];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = b1 * mk[i] + (1 - b1) * gi;
        const vi = b2 * vk[i] + (1 - b2) * gi * gi;
        mk[i] = mi;
        vk[i] = vi;
        const mHat = cm * mi + cg * gi;
        w[i] -= (lr * mHat) / (Math.sqrt(vi / bc2) + eps);
      }
    }
  }

  override setState(state: OptimizerState): void {
    super.setState(state);
    this.uProduct = 1;
    for (let s = 1; s <= this.t; s++) this.uProduct *= this.mu(s);
  }

  getConfig(): Record<string, unknown> {
    const { beta1, beta2, epsilon } = this;
    return { name: this.name, learningRate: this.lrConfig(), beta1, beta2, epsilon, ...this.clipConfig() };
  }
}
