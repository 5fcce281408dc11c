/**
 * Learning-rate schedules, Keras's `learning_rate=schedule`: an optimizer given one as its
 * `learningRate` asks it for the rate before every update, passing the number of updates done so
 * far (Keras's `optimizer.iterations` before it advances: 0 for the first update). A schedule is a
 * pure function of that step, so saving the optimizer's `t` restores it; its config goes in the
 * optimizer's config (`learningRate: { className: 'ExponentialDecay', ... }`).
 */
import { checkHyper } from './optimizer.js';

export interface LearningRateSchedule {
  readonly className: string;
  /** The learning rate for the update after `step` updates (step = 0, 1, 2, ...). */
  at(step: number): number;
  getConfig(): Record<string, unknown> & { className: string };
}

/**
 * lr = initialLearningRate · decayRate^(step / decaySteps); with staircase the exponent is floored.
 *
 * @example
 * new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }).at(10); // 0.05
 */
export class ExponentialDecay implements LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(o: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }) {
    this.initialLearningRate = checkHyper('ExponentialDecay', 'initialLearningRate', o.initialLearningRate, 0, Infinity);
    this.decaySteps = checkHyper('ExponentialDecay', 'decaySteps', o.decaySteps, 0, Infinity, true);
    this.decayRate = checkHyper('ExponentialDecay', 'decayRate', o.decayRate, 0, Infinity);
    this.staircase = o.staircase ?? false;
  }

  at(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * Math.pow(this.decayRate, this.staircase ? Math.floor(p) : p);
  }

  getConfig(): Record<string, unknown> & { className: string } {
    const { className, initialLearningRate, decaySteps, decayRate, staircase } = this;
    return { className, initialLearningRate, decaySteps, decayRate, staircase };
  }
}

/**
 * Step decay as Keras's PiecewiseConstantDecay: values[0] while step ≤ boundaries[0], values[1]
 * while step ≤ boundaries[1], ..., values[n] after the last boundary. boundaries: [n], values: [n+1].
 *
 * @example
 * const s = new PiecewiseConstantDecay({ boundaries: [100], values: [0.1, 0.01] });
 * [s.at(100), s.at(101)]; // [0.1, 0.01]
 */
export class PiecewiseConstantDecay implements LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: number[];
  readonly values: number[];

  constructor(o: { boundaries: number[]; values: number[] }) {
    if (!Array.isArray(o.boundaries) || !Array.isArray(o.values) || o.values.length !== o.boundaries.length + 1) {
      throw new RangeError(`PiecewiseConstantDecay: values must have one more entry than boundaries, got ${o.values?.length} values and ${o.boundaries?.length} boundaries`);
    }
    o.boundaries.forEach((b, i) => {
      if (!Number.isFinite(b) || (i > 0 && b <= o.boundaries[i - 1])) throw new RangeError(`PiecewiseConstantDecay: boundaries must be finite and increasing, got [${o.boundaries.join(', ')}]`);
    });
    o.values.forEach((v) => checkHyper('PiecewiseConstantDecay', 'each value', v, 0, Infinity));
    this.boundaries = [...o.boundaries];
    this.values = [...o.values];
  }

  at(step: number): number {
    let i = 0;
    while (i < this.boundaries.length && step > this.boundaries[i]) i++;
    return this.values[i];
  }

  getConfig(): Record<string, unknown> & { className: string } {
    return { className: this.className, boundaries: [...this.boundaries], values: [...this.values] };
  }
}

/**
 * Cosine decay (Loshchilov & Hutter, without restarts or warmup), Keras's CosineDecay:
 *   s = min(step, decaySteps);  lr = initialLearningRate · ((1 − alpha)·0.5·(1 + cos(π·s/decaySteps)) + alpha)
 * so the rate falls from initialLearningRate to alpha·initialLearningRate and stays there.
 *
 * @example
 * new CosineDecay({ initialLearningRate: 0.1, decaySteps: 100 }).at(50); // 0.05
 */
export class CosineDecay implements LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;

  constructor(o: { initialLearningRate: number; decaySteps: number; alpha?: number }) {
    this.initialLearningRate = checkHyper('CosineDecay', 'initialLearningRate', o.initialLearningRate, 0, Infinity);
    this.decaySteps = checkHyper('CosineDecay', 'decaySteps', o.decaySteps, 0, Infinity, true);
    this.alpha = checkHyper('CosineDecay', 'alpha', o.alpha ?? 0, 0, 1);
  }

  at(step: number): number {
    const s = Math.min(step, this.decaySteps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * s) / this.decaySteps));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Record<string, unknown> & { className: string } {
    const { className, initialLearningRate, decaySteps, alpha } = this;
    return { className, initialLearningRate, decaySteps, alpha };
  }
}

/** True for a schedule object (anything with `at` and `getConfig`). */
export function isSchedule(x: unknown): x is LearningRateSchedule {
  return typeof x === 'object' && x !== null && typeof (x as LearningRateSchedule).at === 'function' && typeof (x as LearningRateSchedule).getConfig === 'function';
}

/** Rebuilds a schedule from its getConfig() (as a model file stores it). */
export function scheduleFromConfig(config: Record<string, unknown>, source = 'learningRate'): LearningRateSchedule {
  const { className, ...o } = config;
  switch (className) {
    case 'ExponentialDecay':
      return new ExponentialDecay(o as never);
    case 'PiecewiseConstantDecay':
      return new PiecewiseConstantDecay(o as never);
    case 'CosineDecay':
      return new CosineDecay(o as never);
    default:
      throw new Error(`${source}: unknown learning-rate schedule ${JSON.stringify(className)} (expected 'ExponentialDecay', 'PiecewiseConstantDecay' or 'CosineDecay')`);
  }
}
