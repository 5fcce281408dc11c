import { describe, expect, it } from 'vitest';
import { Adam } from '../../src/optim/adam.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { SGD } from '../../src/optim/sgd.js';
import type { Optimizer } from '../../src/optim/optimizer.js';

function one(opt: Optimizer, w: number, grads: number[]): number[] {
  const p = { name: 'w', param: new Float32Array([w]), grad: new Float32Array(1) };
  opt.bind([p], (n) => new Float32Array(n));
  return grads.map((g) => {
    p.grad[0] = g;
    opt.step();
    return p.param[0];
  });
}

describe('Adam', () => {
  it('Keras form, two steps by hand', () => {
    const lr = 0.1;
    const [w1, w2] = one(new Adam({ learningRate: lr }), 1, [2, -1]);
    // t=1: m = 0.2, v = 0.004; alpha = 0.1·sqrt(0.001)/0.1
    const a1 = (lr * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const e1 = 1 - (a1 * 0.2) / (Math.sqrt(0.004) + 1e-7);
    expect(w1).toBeCloseTo(e1, 6);
    // t=2: m = 0.9·0.2 − 0.1 = 0.08, v = 0.999·0.004 + 0.001 = 0.004996
    const a2 = (lr * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    expect(w2).toBeCloseTo(e1 - (a2 * 0.08) / (Math.sqrt(0.004996) + 1e-7), 6);
  });

  it('corrected (tfjs/PyTorch) form differs from Keras form only through ε', () => {
    const eps = 0.1; // a large ε makes the difference visible
    const keras = one(new Adam({ learningRate: 0.1, epsilon: eps }), 1, [2])[0];
    const corrected = one(new Adam({ learningRate: 0.1, epsilon: eps, epsilonForm: 'corrected' }), 1, [2])[0];
    // corrected: m̂ = 2, v̂ = 4 → w = 1 − 0.1·2/(2 + 0.1)
    expect(corrected).toBeCloseTo(1 - 0.2 / 2.1, 6);
    // keras: alpha = 0.1·sqrt(0.001)/0.1; m = 0.2, sqrt(v) = sqrt(0.004)
    expect(keras).toBeCloseTo(1 - (0.1 * Math.sqrt(0.001) / 0.1) * 0.2 / (Math.sqrt(0.004) + 0.1), 6);
    expect(Math.abs(keras - corrected)).toBeGreaterThan(1e-3);
  });

  it('advances t once per step, not once per parameter', () => {
    const opt = new Adam();
    const params = [0, 1, 2].map((i) => ({ name: `p${i}`, param: new Float32Array([1]), grad: new Float32Array([1]) }));
    opt.bind(params, (n) => new Float32Array(n));
    opt.step();
    expect(opt.iterations).toBe(1);
    // with t = 1 every parameter moves by lr·g/(|g| + ε·…) ≈ lr, identically
    for (const p of params) expect(p.param[0]).toBeCloseTo(1 - 0.001, 6);
  });

  it('rejects bad hyperparameters by name', () => {
    expect(() => new Adam({ beta1: 1.5 })).toThrow(/beta1 must be in \[0, 1\), got 1.5/);
    expect(() => new Adam({ beta2: 1 })).toThrow(/beta2 must be in \[0, 1\), got 1/);
    expect(() => new Adam({ epsilonForm: 'x' as never })).toThrow(/epsilonForm/);
  });
});

describe('SGD and RMSprop', () => {
  it('plain SGD: w −= lr·g', () => {
    expect(one(new SGD({ learningRate: 0.5 }), 1, [2, 2])).toEqual([0, -1]);
  });

  it('momentum and nesterov follow Keras', () => {
    // u1 = −0.1·1 = −0.1, w = 0.9; u2 = 0.9·(−0.1) − 0.1 = −0.19, w = 0.71
    const m = one(new SGD({ learningRate: 0.1, momentum: 0.9 }), 1, [1, 1]);
    expect(m[0]).toBeCloseTo(0.9, 6);
    expect(m[1]).toBeCloseTo(0.71, 6);
    // nesterov: w += μ·u − lr·g → 1 + 0.9·(−0.1) − 0.1 = 0.81
    expect(one(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 1, [1])[0]).toBeCloseTo(0.81, 6);
  });

  it('RMSprop: v = ρv + (1−ρ)g², w −= lr·g/sqrt(v+ε) (ε inside the root, as Keras)', () => {
    expect(one(new RMSprop({ learningRate: 0.1 }), 1, [2])[0]).toBeCloseTo(1 - 0.2 / Math.sqrt(0.4 + 1e-7), 6);
    // with a tiny gradient the two placements of ε differ tenfold; Keras moves by lr·g/sqrt(0.1·g² + ε)
    const g = 1e-4;
    const moved = 1 - one(new RMSprop({ learningRate: 0.1 }), 1, [g])[0];
    expect(moved).toBeCloseTo((0.1 * g) / Math.sqrt(0.1 * g * g + 1e-7), 5);
  });
});

describe('optimizer state as data', () => {
  it('getState/setState carry the slots and t exactly; before bind they say so', () => {
    const params = () => [
      { name: 'a', param: Float32Array.of(1, 2), grad: Float32Array.of(0.5, -1) },
      { name: 'b', param: Float32Array.of(3), grad: Float32Array.of(2) },
    ];
    const a = new Adam({ learningRate: 0.1 });
    const pa = params();
    a.bind(pa, (n) => new Float32Array(n));
    a.step();
    a.step();
    const b = new Adam({ learningRate: 0.1 });
    const pb = params();
    pb.forEach((p, i) => p.param.set(pa[i].param));
    expect(() => b.getState()).toThrow(/adam.getState: bind the optimizer to parameters first/);
    b.bind(pb, (n) => new Float32Array(n));
    b.setState(structuredClone(a.getState()));
    expect(b.iterations).toBe(2);
    a.step();
    b.step();
    expect(pb.map((p) => Array.from(p.param))).toEqual(pa.map((p) => Array.from(p.param)));
    expect(() => b.setState({ ...a.getState(), name: 'sgd' })).toThrow(/state is for 'sgd'/);
    expect(() => b.setState({ ...a.getState(), slots: { m: new Float32Array(2), v: new Float32Array(3) } })).toThrow(/slot 'm' has 2 values, the bound parameters need 3/);
  });
});

describe('optimizer options are strict', () => {
  it('an unknown key is refused with the likely spelling, for every optimizer', async () => {
    const { Adam, SGD, RMSprop, AdamW, Adagrad, Adamax, Nadam } = await import('../../src/index.js');
    expect(() => new Adam({ learning_rate: 0.1 } as object)).toThrow(/Adam: unknown option 'learning_rate' \(did you mean 'learningRate'\?\)/);
    expect(() => new SGD({ momentun: 0.9 } as object)).toThrow(/SGD: unknown option 'momentun' \(did you mean 'momentum'\?\)/);
    expect(() => new RMSprop({ centered: true } as object)).toThrow(/RMSprop: unknown option 'centered'; valid options: learningRate, rho, epsilon/);
    expect(() => new AdamW({ weight_decay: 0.1 } as object)).toThrow(/AdamW: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/);
    expect(() => new Adagrad({ initial_accumulator_value: 0.2 } as object)).toThrow(/did you mean 'initialAccumulatorValue'/);
    expect(() => new Adamax({ beta_1: 0.8 } as object)).toThrow(/did you mean 'beta1'/);
    expect(() => new Nadam({ global_clipnorm: 1 } as object)).toThrow(/did you mean 'globalClipnorm'/);
    // the right keys still work, and a model file's optimizer config goes back through them
    expect(new AdamW({ learningRate: 0.01, weightDecay: 0.1, clipnorm: 1 }).getConfig()).toMatchObject({ learningRate: 0.01, weightDecay: 0.1, clipnorm: 1 });
  });
});
