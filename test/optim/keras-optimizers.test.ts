/**
 * AdamW, Adagrad, Adamax, Nadam, gradient clipping and learning-rate schedules against oracles:
 * tfjs's own optimizers where tfjs has them (Adagrad, Adamax), else Keras 3's update formulas
 * (keras/src/optimizers/*.py) written out step by step in double precision below.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adagrad, AdamW, Adamax, Nadam, SGD, Adam, CosineDecay, ExponentialDecay, PiecewiseConstantDecay, optimizerFromConfig, getOptimizer, clipGradients } from '../../src/optim/index.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { listBackends } from '../../src/backends/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 5;
const STEPS = 12;
const W0 = [0.5, -1.2, 2.0, 0.0, -0.3];
/** Gradient of step s (0-based): mixed signs, sizes, a zero, and a sign flip over time. */
function grad(s: number): number[] {
  return Array.from({ length: N }, (_, i) => (i === 3 && s % 3 === 0 ? 0 : Math.sin(1.3 * s + 0.7 * i) * (1 + i) * (s % 2 ? 0.5 : 2)));
}

/** Runs `opt` over STEPS steps of grad(); the weights after each step. */
function ours(opt: Optimizer, steps = STEPS): number[][] {
  const p = { name: 'w', param: Float32Array.from(W0), grad: new Float32Array(N) };
  opt.bind([p], (n) => new Float32Array(n));
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    p.grad.set(grad(s));
    opt.step();
    out.push([...p.param]);
  }
  return out;
}

let nameSeq = 0;
function tfjsRun(opt: tf.Optimizer): number[][] {
  const name = `w_${nameSeq++}`;
  const v = tf.variable(tf.tensor1d(W0), true, name);
  const out: number[][] = [];
  for (let s = 0; s < STEPS; s++) {
    const g = tf.tensor1d(grad(s));
    opt.applyGradients({ [name]: g });
    g.dispose();
    out.push([...(v.dataSync() as Float32Array)]);
  }
  v.dispose();
  return out;
}

function expectClose(a: number[][], b: number[][], tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let s = 0; s < a.length; s++) for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(a[s][i] - b[s][i]));
  expect(worst).toBeLessThan(tol);
}

/** Keras 3's Nadam (keras/src/optimizers/nadam.py), per element, in doubles. */
function kerasNadam(lr: number, b1: number, b2: number, eps: number): number[][] {
  const w = [...W0], m = new Array(N).fill(0), v = new Array(N).fill(0);
  let uProduct = 1;
  const out: number[][] = [];
  for (let it = 0; it < STEPS; it++) {
    const g = grad(it);
    uProduct *= b1 * (1 - 0.5 * 0.96 ** (it + 1)); // _backend_update_step, before update_step
    const uT = b1 * (1 - 0.5 * 0.96 ** (it + 1));
    const uT1 = b1 * (1 - 0.5 * 0.96 ** (it + 2));
    const uProductT1 = uProduct * uT1;
    const b2Power = b2 ** (it + 1);
    for (let i = 0; i < N; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      const mHat = (uT1 * m[i]) / (1 - uProductT1) + ((1 - uT) * g[i]) / (1 - uProduct);
      const vHat = v[i] / (1 - b2Power);
      w[i] -= (mHat * lr) / (Math.sqrt(vHat) + eps);
    }
    out.push([...w]);
  }
  return out;
}

/** Keras 3's AdamW: _apply_weight_decay (w −= w·wd·lr), then Adam's update_step, in doubles. */
function kerasAdamW(lr: number, wd: number, b1: number, b2: number, eps: number): number[][] {
  const w = [...W0], m = new Array(N).fill(0), v = new Array(N).fill(0);
  const out: number[][] = [];
  for (let it = 0; it < STEPS; it++) {
    const g = grad(it);
    const alpha = (lr * Math.sqrt(1 - b2 ** (it + 1))) / (1 - b1 ** (it + 1));
    for (let i = 0; i < N; i++) {
      w[i] -= w[i] * wd * lr;
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    }
    out.push([...w]);
  }
  return out;
}

describe('optimizers against tfjs', () => {
  it('Adagrad matches tf.train.adagrad (accumulator from 0.1, ε 1e-7)', () => {
    expectClose(ours(new Adagrad({ learningRate: 0.1 })), tfjsRun(tf.train.adagrad(0.1)), 2e-6);
    expectClose(ours(new Adagrad({ learningRate: 0.05, initialAccumulatorValue: 0.5 })), tfjsRun(tf.train.adagrad(0.05, 0.5)), 2e-6);
  });

  it('Adamax matches tf.train.adamax', () => {
    expectClose(ours(new Adamax({ learningRate: 0.02 })), tfjsRun(tf.train.adamax(0.02, 0.9, 0.999, 1e-7)), 2e-6);
    expectClose(ours(new Adamax({ learningRate: 0.1, beta1: 0.8, beta2: 0.99 })), tfjsRun(tf.train.adamax(0.1, 0.8, 0.99, 1e-7)), 2e-6);
  });
});

describe('optimizers against Keras 3 formulas', () => {
  it('Nadam follows keras/src/optimizers/nadam.py', () => {
    expectClose(ours(new Nadam({ learningRate: 0.01 })), kerasNadam(0.01, 0.9, 0.999, 1e-7), 2e-6);
    expectClose(ours(new Nadam({ learningRate: 0.1, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 })), kerasNadam(0.1, 0.8, 0.99, 1e-3), 5e-6);
  });

  it("Nadam: Keras's documented example (lr 0.2, loss w²/2 from w = 10) gives 9.8", () => {
    const opt = new Nadam({ learningRate: 0.2 });
    const p = { name: 'w', param: Float32Array.of(10), grad: new Float32Array(1) };
    opt.bind([p], (n) => new Float32Array(n));
    p.grad[0] = p.param[0];
    opt.step();
    expect(p.param[0].toFixed(1)).toBe('9.8');
  });

  it('AdamW decays weights apart from the gradient, then runs Adam', () => {
    expectClose(ours(new AdamW({ learningRate: 0.01 })), kerasAdamW(0.01, 0.004, 0.9, 0.999, 1e-7), 2e-6);
    expectClose(ours(new AdamW({ learningRate: 0.05, weightDecay: 0.5 })), kerasAdamW(0.05, 0.5, 0.9, 0.999, 1e-7), 2e-6);
    // with no decay it is exactly Adam
    expect(ours(new AdamW({ learningRate: 0.05, weightDecay: 0 }))).toEqual(ours(new Adam({ learningRate: 0.05 })));
  });
});

describe('optimizer state', () => {
  const makers: [string, () => Optimizer][] = [
    ['adamw', () => new AdamW({ learningRate: 0.05 })],
    ['adagrad', () => new Adagrad({ learningRate: 0.05 })],
    ['adamax', () => new Adamax({ learningRate: 0.05 })],
    ['nadam', () => new Nadam({ learningRate: 0.05 })],
    ['sgd + cosine schedule + clipnorm', () => new SGD({ learningRate: new CosineDecay({ initialLearningRate: 0.1, decaySteps: 8 }), momentum: 0.9, clipnorm: 1 })],
  ];
  for (const [label, make] of makers) {
    it(`${label}: 5 steps, save, restore into a fresh optimizer, 7 more = 12 steps in one go`, () => {
      const straight = ours(make());
      const first = make();
      const p = { name: 'w', param: Float32Array.from(W0), grad: new Float32Array(N) };
      first.bind([p], (n) => new Float32Array(n));
      for (let s = 0; s < 5; s++) {
        p.grad.set(grad(s));
        first.step();
      }
      const state = structuredClone(first.getState());
      const second = optimizerFromConfig(JSON.parse(JSON.stringify(first.getConfig())));
      const q = { name: 'w', param: Float32Array.from(p.param), grad: new Float32Array(N) };
      second.bind([q], (n) => new Float32Array(n));
      second.setState(state);
      expect(second.iterations).toBe(5);
      for (let s = 5; s < STEPS; s++) {
        q.grad.set(grad(s));
        second.step();
      }
      expect([...q.param]).toEqual(straight[STEPS - 1]);
    });
  }

  it('Adagrad saves its accumulator from 0.1 on', () => {
    const opt = new Adagrad();
    ours(opt, 1);
    const acc = opt.getState().slots.accumulator;
    expect(acc[0]).toBeCloseTo(0.1 + grad(0)[0] ** 2, 5);
    expect(acc[3]).toBeCloseTo(0.1, 7); // zero gradient at step 0
  });
});

describe('compile by name, and a model file keeps the optimizer', () => {
  it('every new name compiles; an unknown name lists the valid ones', () => {
    for (const name of ['adamw', 'adagrad', 'adamax', 'nadam'] as const) expect(getOptimizer(name).name).toBe(name);
    expect(getOptimizer('Adagrad').getConfig()).toMatchObject({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    expect(() => getOptimizer('adadelta')).toThrow(/unknown optimizer 'adadelta'.*'adamw', 'adagrad', 'adamax', 'nadam'/);
  });

  it('fit with Adagrad, save with includeOptimizer, load, fit on = fit on in memory', () => {
    const X = new Matrix(8, 2, Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.2, 0.1, 0.9, 0.7, 0.3, 0.2, 0.4]));
    const y = Float32Array.from([0, 1, 1, 0, 1, 0, 1, 0]);
    const model = new Sequential([new Dense(3, { activation: 'tanh', inputShape: [2] }), new Dense(1, { activation: 'sigmoid' })], { seed: 7 });
    model.compile({ optimizer: new Adagrad({ learningRate: new ExponentialDecay({ initialLearningRate: 0.3, decaySteps: 2, decayRate: 0.5 }), clipvalue: 0.5 }), loss: 'binary_crossentropy' });
    model.fit(X, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const doc = JSON.parse(JSON.stringify(model.toJSON({ includeOptimizer: true })));
    expect(doc.compile.optimizer).toMatchObject({ name: 'adagrad', clipvalue: 0.5, learningRate: { className: 'ExponentialDecay', decaySteps: 2 } });
    expect(doc.optimizerState.iterations).toBe(4);
    const copy = Sequential.fromJSON(doc);
    const before = model.getWeights().map((w) => [...w]);
    model.fit(X, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    copy.fit(X, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    expect(copy.getWeights().map((w) => [...w])).toEqual(model.getWeights().map((w) => [...w]));
    expect(model.getWeights().map((w) => [...w])).not.toEqual(before);
  });
});

describe('inside a model, on every backend', () => {
  // the new optimizers' loops run in the optimizer over the arena's Float32Array views, which on
  // the wasm backend are views of its WebAssembly.Memory: the same numbers as on js
  it('Nadam with clipnorm and a cosine schedule trains the same on each registered backend', () => {
    const X = new Matrix(6, 2, Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.2, 0.1, 0.9]));
    const y = Float32Array.from([0, 1, 1, 0, 1, 0]);
    const runs = listBackends().map((b) => {
      const model = new Sequential([new Dense(4, { activation: 'relu', inputShape: [2] }), new Dense(1, { activation: 'sigmoid' })], { seed: 3, backend: b.name });
      model.compile({ optimizer: new Nadam({ learningRate: new CosineDecay({ initialLearningRate: 0.05, decaySteps: 6 }), clipnorm: 0.5 }), loss: 'binary_crossentropy' });
      const h = model.fit(X, y, { epochs: 4, batchSize: 3, shuffle: false, verbose: 0 });
      return { loss: h.history.loss, w: model.getWeights().flatMap((w) => [...w]) };
    });
    expect(runs[0].loss[3]).toBeLessThan(runs[0].loss[0]);
    for (const r of runs.slice(1)) {
      for (let i = 0; i < r.w.length; i++) expect(Math.abs(r.w[i] - runs[0].w[i])).toBeLessThan(1e-5);
    }
  });
});

describe('gradient clipping (Keras semantics)', () => {
  it('clipnorm is per variable tensor, even when two tensors share one flat block', () => {
    const buf = new Float32Array(8);
    const a = { name: 'a', param: buf.subarray(0, 2), grad: buf.subarray(4, 6) };
    const b = { name: 'b', param: buf.subarray(2, 4), grad: buf.subarray(6, 8) };
    a.grad.set([3, 4]); // ‖·‖ = 5 → scaled to norm 1
    b.grad.set([0.3, 0.4]); // ‖·‖ = 0.5 ≤ 1 → unchanged
    const opt = new SGD({ learningRate: 1, clipnorm: 1 });
    opt.bind([a, b], (n) => new Float32Array(n));
    opt.step();
    expect([...buf.subarray(0, 4)].map((x) => +x.toFixed(6))).toEqual([-0.6, -0.8, -0.3, -0.4]);
  });

  it('clipvalue clips each element; globalClipnorm scales all by one factor', () => {
    const g1 = { name: 'a', param: new Float32Array(2), grad: Float32Array.of(3, -0.2) };
    clipGradients([g1], { clipvalue: 0.5 });
    expect([...g1.grad].map((x) => +x.toFixed(6))).toEqual([0.5, -0.2]);
    const a = { name: 'a', param: new Float32Array(1), grad: Float32Array.of(3) };
    const b = { name: 'b', param: new Float32Array(1), grad: Float32Array.of(4) };
    clipGradients([a, b], { globalClipnorm: 2.5 }); // global norm 5 → factor 0.5
    expect([a.grad[0], b.grad[0]]).toEqual([1.5, 2]);
  });

  it('only one kind at a time, and the config records it', () => {
    expect(() => new Adam({ clipnorm: 1, clipvalue: 1 })).toThrow(/only one of clipnorm, clipvalue and globalClipnorm/);
    expect(() => new Adam({ clipnorm: 0 })).toThrow(/clipnorm must be in \(0/);
    expect(new Nadam({ globalClipnorm: 3 }).getConfig()).toMatchObject({ globalClipnorm: 3 });
    expect(new Adam().getConfig()).not.toHaveProperty('clipnorm');
  });
});

describe('learning-rate schedules (Keras formulas)', () => {
  it('ExponentialDecay, smooth and staircase', () => {
    const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(s.at(0)).toBe(0.1);
    expect(s.at(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    expect(s.at(20)).toBeCloseTo(0.025, 12);
    expect(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }).at(19)).toBeCloseTo(0.05, 12);
  });

  it('PiecewiseConstantDecay: a boundary step still has the earlier value', () => {
    const s = new PiecewiseConstantDecay({ boundaries: [3, 6], values: [1, 0.5, 0.1] });
    expect([0, 3, 4, 6, 7, 100].map((t) => s.at(t))).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => new PiecewiseConstantDecay({ boundaries: [3], values: [1] })).toThrow(/one more entry/);
  });

  it('CosineDecay falls to alpha·lr and stays', () => {
    const s = new CosineDecay({ initialLearningRate: 0.2, decaySteps: 10, alpha: 0.1 });
    expect(s.at(0)).toBeCloseTo(0.2, 12);
    expect(s.at(5)).toBeCloseTo(0.2 * (0.9 * 0.5 + 0.1), 12);
    expect(s.at(10)).toBeCloseTo(0.02, 12);
    expect(s.at(50)).toBeCloseTo(0.02, 12);
  });

  it('an optimizer asks the schedule at the updates done so far (0 for the first)', () => {
    const sched = new PiecewiseConstantDecay({ boundaries: [1], values: [1, 0.1] });
    const opt = new SGD({ learningRate: sched });
    const p = { name: 'w', param: Float32Array.of(0), grad: Float32Array.of(1) };
    opt.bind([p], (n) => new Float32Array(n));
    opt.step(); // step 0: lr 1
    opt.step(); // step 1: lr 1 (boundary)
    opt.step(); // step 2: lr 0.1
    expect(p.param[0]).toBeCloseTo(-2.1, 6);
    const cfg = opt.getConfig();
    expect(cfg.learningRate).toEqual({ className: 'PiecewiseConstantDecay', boundaries: [1], values: [1, 0.1] });
    expect(optimizerFromConfig(JSON.parse(JSON.stringify(cfg))).getConfig()).toEqual(cfg);
  });
});
