import { checkOptions } from './options.js';
import { BlockOptimizer, checkHyper, type GradientClipping } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

export interface SGDOptions extends GradientClipping {
  /** A constant, or a schedule (see schedules.ts) asked for the rate before every update. */
  learningRate?: number | LearningRateSchedule;
  /** 0 (default) is plain SGD. */
  momentum?: number;
  nesterov?: boolean;
}

/** The keys SGDOptions has: any other (`learning_rate`, `momentun`, …) is refused with a suggestion. */
export const SGD_OPTIONS: readonly string[] = ['learningRate', 'momentum', 'nesterov', 'clipnorm', 'clipvalue', 'globalClipnorm'];

/**
 * Stochastic gradient descent, Keras's form:
 *   plain:     w −= lr·g
 *   momentum:  u = μ·u − lr·g;  w += u
 *   nesterov:  u = μ·u − lr·g;  w += μ·u − lr·g
 * Defaults are Keras's: lr 0.01, momentum 0. The loop is the backend's `sgd` kernel.
 *
 * @example
 * const opt = new SGD({ learningRate: 0.5 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([2]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // p.param[0] === 0
 */
export class SGD extends BlockOptimizer {
  readonly name = 'sgd';
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private static readonly NO_MOMENTUM = new Float32Array(0);

  constructor(options: SGDOptions = {}) {
    super();
    checkOptions('SGD', options, SGD_OPTIONS);
    this.learningRate = this.readLearningRate('SGD', options.learningRate, 0.01);
    this.setClipping('SGD', options);
    this.momentum = checkHyper('SGD', 'momentum', options.momentum ?? 0, 0, 1);
    this.nesterov = options.nesterov ?? false;
  }

  protected slotNames(): readonly string[] {
    return this.momentum > 0 ? ['u'] : [];
  }

  protected update(): void {
    const { momentum: mu, nesterov } = this;
    const lr = this.lr();
    const u = this.slots[0];
    for (let k = 0; k < this.blocks.length; k++) {
      const { param, grad } = this.blocks[k];
      this.backend.sgd(param, grad, u ? u[k] : SGD.NO_MOMENTUM, lr, mu, nesterov);
    }
  }

  getConfig(): Record<string, unknown> {
    const { momentum, nesterov } = this;
    return { name: this.name, learningRate: this.lrConfig(), momentum, nesterov, ...this.clipConfig() };
  }
}
