import { checkHyper, type Optimizer, type ParamGrad } from './optimizer.js';

export interface SGDOptions {
  learningRate?: number;
  /** 0 (default) is plain SGD. */
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, Keras's form:
 *   plain:     w −= lr·g
 *   momentum:  u = μ·u − lr·g;  w += u
 *   nesterov:  u = μ·u − lr·g;  w += μ·u − lr·g
 * Defaults are Keras's: lr 0.01, momentum 0.
 *
 * @example
 * const opt = new SGD({ learningRate: 0.5 });
 * const p = { name: 'w', param: new Float32Array([1]), grad: new Float32Array([2]) };
 * opt.bind([p], (n) => new Float32Array(n));
 * opt.step(); // p.param[0] === 0
 */
export class SGD implements Optimizer {
  readonly name = 'sgd';
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private params: ParamGrad[] = [];
  private u: Float32Array[] = [];
  private t = 0;

  constructor(options: SGDOptions = {}) {
    this.learningRate = checkHyper('SGD', 'learningRate', options.learningRate ?? 0.01, 0, Infinity);
    this.momentum = checkHyper('SGD', 'momentum', options.momentum ?? 0, 0, 1);
    this.nesterov = options.nesterov ?? false;
  }

  get iterations(): number {
    return this.t;
  }

  stateFloats(paramCount: number): number {
    return this.momentum > 0 ? paramCount : 0;
  }

  bind(params: ParamGrad[], alloc: (n: number) => Float32Array): void {
    this.params = params;
    this.u = this.momentum > 0 ? params.map((p) => alloc(p.param.length)) : [];
  }

  step(): void {
    this.t += 1;
    const { learningRate: lr, momentum: mu, nesterov } = this;
    for (let k = 0; k < this.params.length; k++) {
      const { param: w, grad: g } = this.params[k];
      if (mu === 0) {
        for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
        continue;
      }
      const u = this.u[k];
      for (let i = 0; i < w.length; i++) {
        const ui = mu * u[i] - lr * g[i];
        u[i] = ui;
        w[i] += nesterov ? mu * ui - lr * g[i] : ui;
      }
    }
  }

  getConfig(): Record<string, unknown> {
    const { learningRate, momentum, nesterov } = this;
    return { name: this.name, learningRate, momentum, nesterov };
  }
}
