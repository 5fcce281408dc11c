import { checkHyper, type Optimizer, type ParamGrad } from './optimizer.js';

export interface RMSpropOptions {
  learningRate?: number;
  rho?: number;
  epsilon?: number;
}

/**
 * RMSprop, Keras's form (no momentum, not centered):
 *   v = ρ·v + (1−ρ)·g²;  w −= lr·g / sqrt(v + ε)      (ε inside the root, as Keras and TF do)
 * Defaults are Keras's: lr 0.001, ρ 0.9, ε 1e-7.
 *
 * @example
 * const opt = new RMSprop({ learningRate: 0.1 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([2]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // v = 0.4, so p.param[0] ≈ 1 − 0.1·2/sqrt(0.4 + 1e-7) ≈ 0.684
 */
export class RMSprop implements Optimizer {
  readonly name = 'rmsprop';
  readonly learningRate: number;
  readonly rho: number;
  readonly epsilon: number;
  private params: ParamGrad[] = [];
  private v: Float32Array[] = [];
  private t = 0;

  constructor(options: RMSpropOptions = {}) {
    this.learningRate = checkHyper('RMSprop', 'learningRate', options.learningRate ?? 0.001, 0, Infinity);
    this.rho = checkHyper('RMSprop', 'rho', options.rho ?? 0.9, 0, 1);
    this.epsilon = checkHyper('RMSprop', 'epsilon', options.epsilon ?? 1e-7, 0, Infinity);
  }

  get iterations(): number {
    return this.t;
  }

  stateFloats(paramCount: number): number {
    return paramCount;
  }

  bind(params: ParamGrad[], alloc: (n: number) => Float32Array): void {
    this.params = params;
    this.v = params.map((p) => alloc(p.param.length));
  }

  step(): void {
    this.t += 1;
    const { learningRate: lr, rho, epsilon: eps } = this;
    for (let k = 0; k < this.params.length; k++) {
      const { param: w, grad: g } = this.params[k];
      const v = this.v[k];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const vi = rho * v[i] + (1 - rho) * gi * gi;
        v[i] = vi;
        w[i] -= (lr * gi) / Math.sqrt(vi + eps);
      }
    }
  }

  getConfig(): Record<string, unknown> {
    const { learningRate, rho, epsilon } = this;
    return { name: this.name, learningRate, rho, epsilon };
  }
}
