import { checkOptions } from './options.js';
import { BlockOptimizer, checkHyper, type GradientClipping } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

export interface RMSpropOptions extends GradientClipping {
  /** A constant, or a schedule (see schedules.ts) asked for the rate before every update. */
  learningRate?: number | LearningRateSchedule;
  rho?: number;
  epsilon?: number;
}

/** The keys RMSpropOptions has: any other (`learning_rate`, `momentun`, …) is refused with a suggestion. */
export const RMSPROP_OPTIONS: readonly string[] = ['learningRate', 'rho', 'epsilon', 'clipnorm', 'clipvalue', 'globalClipnorm'];

/**
 * RMSprop, Keras's form (no momentum, not centered):
 *   v = ρ·v + (1−ρ)·g²;  w −= lr·g / sqrt(v + ε)      (ε inside the root, as Keras and TF do)
 * Defaults are Keras's: lr 0.001, ρ 0.9, ε 1e-7. The loop is the backend's `rmsprop` kernel.
 *
 * @example
 * const opt = new RMSprop({ learningRate: 0.1 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([2]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // v = 0.4, so p.param[0] ≈ 1 − 0.1·2/sqrt(0.4 + 1e-7) ≈ 0.684
 */
export class RMSprop extends BlockOptimizer {
  readonly name = 'rmsprop';
  readonly learningRate: number;
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: RMSpropOptions = {}) {
    super();
    checkOptions('RMSprop', options, RMSPROP_OPTIONS);
    this.learningRate = this.readLearningRate('RMSprop', options.learningRate, 0.001);
    this.setClipping('RMSprop', options);
    this.rho = checkHyper('RMSprop', 'rho', options.rho ?? 0.9, 0, 1);
    this.epsilon = checkHyper('RMSprop', 'epsilon', options.epsilon ?? 1e-7, 0, Infinity);
  }

  protected slotNames(): readonly string[] {
    return ['v'];
  }

  protected update(): void {
    const { rho, epsilon: eps } = this;
    const lr = this.lr();
    const [v] = this.slots;
    for (let k = 0; k < this.blocks.length; k++) {
      const { param, grad } = this.blocks[k];
      this.backend.rmsprop(param, grad, v[k], lr, rho, eps);
    }
  }

  getConfig(): Record<string, unknown> {
    const { rho, epsilon } = this;
    return { name: this.name, learningRate: this.lrConfig(), rho, epsilon, ...this.clipConfig() };
  }
}
