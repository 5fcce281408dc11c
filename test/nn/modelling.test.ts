/**
 * Issue 9's modelling core: the new activations and losses (each finite-difference checked),
 * a softmax multi-class model that learns, Dropout (train vs predict, saved, resumed exactly),
 * initializers, and strict option names.
 */
import { describe, expect, it } from 'vitest';
import {
  Dense,
  Dropout,
  getLoss,
  GRAD_CHECK_TOLERANCE,
  gradCheck,
  MT19937,
  Sequential,
  TRUNCATED_NORMAL_STDDEV,
  type ActivationName,
  type Loss,
  type LossName,
} from '../../src/index.js';

/** 30 rows of 3 features in [-1, 1) and a class 0, 1 or 2 by which of x0, x1, x2 is largest. */
function threeClass(n = 30, seed = 11): { X: number[][]; labels: number[]; oneHot: number[][] } {
  const rng = new MT19937(seed);
  const X = Array.from({ length: n }, () => [2 * rng.random() - 1, 2 * rng.random() - 1, 2 * rng.random() - 1]);
  const labels = X.map((r) => r.indexOf(Math.max(...r)));
  return { X, labels, oneHot: labels.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0))) };
}

/** A 3-6-k model, trained a little so biases are away from 0. */
function trained(hidden: ActivationName, out: ActivationName, k: number, loss: LossName | Loss, y: number[][] | number[], X: number[][], alpha?: number): Sequential {
  const m = new Sequential([new Dense(6, { activation: hidden, inputShape: [3], ...(alpha !== undefined ? { alpha } : {}) }), new Dense(k, { activation: out })], { seed: 5 });
  m.compile({ optimizer: 'adam', loss });
  m.fit(X, y, { epochs: 5, batchSize: 10, verbose: 0 });
  return m;
}

describe('new activations: gradCheck against the float64 twin', () => {
  const { X, labels } = threeClass();
  const binary = labels.map((c) => (c === 0 ? 1 : 0));
  it.each([
    ['leaky_relu', undefined],
    ['leaky_relu', 0.05],
    ['elu', undefined],
    ['elu', 0.5],
    ['selu', undefined],
    ['softplus', undefined],
  ] as const)('%s (alpha %s) hidden layer under BCE', (activation, alpha) => {
    const r = gradCheck(trained(activation, 'sigmoid', 1, 'binary_crossentropy', binary, X, alpha), X, binary);
    expect(r.reference).toBe('float64');
    expect(r.worst).toBeLessThan(GRAD_CHECK_TOLERANCE);
  });

  it('a softmax hidden layer (not fused: its row-wise backward) passes against the engine forward', () => {
    const m = trained('softmax', 'linear', 1, 'mse', binary, X);
    const r = gradCheck(m, X, binary);
    expect(r.reference).toBe('engine'); // the twin is elementwise only
    expect(r.worst).toBeLessThan(2e-2);
    // and a broken softmax backward (dropping the − Σ dA⊙A term) would be far off: the term is not small
    const g = m.computeGradients(X, binary).grads[0];
    expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it('f matches Keras values at a few points', () => {
    const m = (a: ActivationName, alpha?: number) => new Sequential([new Dense(1, { activation: a, inputShape: [1], kernelInitializer: 'ones', ...(alpha !== undefined ? { alpha } : {}) })]);
    const at = (a: ActivationName, z: number, alpha?: number) => m(a, alpha).predict([[z]]).data[0];
    expect(at('leaky_relu', -2)).toBeCloseTo(-0.4, 6); // keras.activations.leaky_relu negative_slope 0.2
    expect(at('leaky_relu', -2, 0.3)).toBeCloseTo(-0.6, 6); // the LeakyReLU layer's 0.3
    expect(at('elu', -1)).toBeCloseTo(Math.exp(-1) - 1, 6);
    expect(at('selu', -1)).toBeCloseTo(1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1), 6);
    expect(at('selu', 2)).toBeCloseTo(2 * 1.0507009873554805, 6);
    expect(at('softplus', 0)).toBeCloseTo(Math.log(2), 6);
    expect(at('softplus', 100)).toBeCloseTo(100, 4);
  });
});

describe('new losses: gradCheck and values', () => {
  const { X, labels, oneHot } = threeClass();
  const cases: [string, ActivationName, number, LossName | Loss, number[][] | number[]][] = [
    ['categorical_crossentropy fused with softmax', 'softmax', 3, 'categorical_crossentropy', oneHot],
    ['sparse_categorical_crossentropy fused with softmax', 'softmax', 3, 'sparse_categorical_crossentropy', labels],
    ['categorical_crossentropy fromLogits on a linear head', 'linear', 3, getLoss('categorical_crossentropy', { fromLogits: true }), oneHot],
    ['sparse_categorical_crossentropy fromLogits', 'linear', 3, getLoss('sparse_categorical_crossentropy', { fromLogits: true }), labels],
    ['categorical_crossentropy on sigmoid probabilities (normalised, clipped)', 'sigmoid', 3, 'categorical_crossentropy', oneHot],
    ['sparse_categorical_crossentropy on sigmoid probabilities (clipped, normalised)', 'sigmoid', 3, 'sparse_categorical_crossentropy', labels],
    ['binary_crossentropy fromLogits', 'linear', 1, getLoss('binary_crossentropy', { fromLogits: true }), labels.map((c) => (c === 1 ? 1 : 0))],
    ['mae', 'linear', 1, 'mae', labels],
    ['huber', 'linear', 1, 'huber', labels.map((c) => 3 * c - 2)],
    ['hinge on 0/1 labels', 'tanh', 1, 'hinge', labels.map((c) => (c === 1 ? 1 : 0))],
  ];
  it.each(cases)('%s', (_name, out, k, loss, y) => {
    const r = gradCheck(trained('tanh', out, k, loss, y, X), X, y);
    expect(r.reference).toBe('float64');
    expect(r.worst).toBeLessThan(GRAD_CHECK_TOLERANCE);
  });

  it('loss values match hand computations', () => {
    // one row, logits [1, 2, 3]: cce = lse − z_y
    const m = new Sequential([new Dense(3, { activation: 'softmax', inputShape: [1], useBias: true })]);
    m.compile({ loss: 'sparse_categorical_crossentropy' });
    m.setWeights([[0, 0, 0], [1, 2, 3]]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(m.evaluate([[0]], [2]).loss).toBeCloseTo(lse - 3, 6);
    m.compile({ loss: 'categorical_crossentropy' });
    expect(m.evaluate([[0]], [[0.5, 0.5, 0]]).loss).toBeCloseTo(lse - 1.5, 6);
    const p = m.predict([[0]]).data; // softmax probabilities, not logits
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 6);
    expect(p[2]).toBeCloseTo(Math.exp(3 - lse), 6);

    const lin = new Sequential([new Dense(1, { inputShape: [1] })]);
    lin.setWeights([[0], [0.5]]); // output 0.5 for every row
    lin.compile({ loss: 'hinge' });
    // labels 0/1 → −1/1: max(1 − (−1)(0.5), 0) = 1.5 and max(1 − 0.5, 0) = 0.5
    expect(lin.evaluate([[0], [0]], [0, 1]).loss).toBeCloseTo(1, 6);
    lin.compile({ loss: 'huber' });
    expect(lin.evaluate([[0], [0]], [0, 3]).loss).toBeCloseTo((0.125 + (2.5 - 0.5)) / 2, 6);
    lin.compile({ loss: 'mae' });
    expect(lin.evaluate([[0], [0]], [0, 3]).loss).toBeCloseTo((0.5 + 2.5) / 2, 6);
  });

  it('sparse targets are checked: one column of class indices in [0, k)', () => {
    const m = new Sequential([new Dense(3, { activation: 'softmax', inputShape: [3] })]);
    m.compile({ loss: 'sparse_categorical_crossentropy' });
    expect(() => m.fit(X.slice(0, 2), [0, 3], { verbose: 0 })).toThrow(/class indices 0 … 2 .*row 1 has 3/);
    expect(() => m.fit(X.slice(0, 1), [oneHot[0]], { verbose: 0 })).toThrow(/needs \[1, 1\].*one column of class indices/);
  });
});

describe('a softmax multi-class model', () => {
  it('learns the 3-class toy problem; accuracy is argmax accuracy; predict rows are probabilities', () => {
    const { X, labels, oneHot } = threeClass(300, 3);
    for (const [loss, y] of [
      ['sparse_categorical_crossentropy', labels],
      ['categorical_crossentropy', oneHot],
    ] as const) {
      const m = new Sequential([new Dense(16, { activation: 'relu', inputShape: [3] }), new Dense(3, { activation: 'softmax' })], { seed: 1 });
      m.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
      const h = m.fit(X, y, { epochs: 60, batchSize: 32, verbose: 0 });
      const acc = h.history.accuracy.at(-1) as number;
      expect(acc).toBeGreaterThan(0.9);
      expect(h.history.loss.at(-1)).toBeLessThan(h.history.loss[0] / 3);
      const P = m.predict(X);
      let hits = 0;
      for (let i = 0; i < X.length; i++) {
        const row = Array.from(P.data.subarray(3 * i, 3 * i + 3));
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        if (row.indexOf(Math.max(...row)) === labels[i]) hits++;
      }
      expect(m.evaluate(X, y).accuracy).toBeCloseTo(hits / X.length, 10);
      // saved and loaded: same predictions
      const back = Sequential.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
      expect(Array.from(back.predict(X).data)).toEqual(Array.from(P.data));
    }
  });
});

describe('class weights with a softmax head', () => {
  it('weigh rows by class index (sparse) or by the argmax of one-hot rows, the same way', () => {
    const { X, labels, oneHot } = threeClass(40, 4);
    const run = (loss: LossName, y: number[] | number[][], classWeight?: Record<number, number>) => {
      const m = new Sequential([new Dense(3, { activation: 'softmax', inputShape: [3] })], { seed: 3 });
      m.compile({ optimizer: 'adam', loss });
      m.fit(X, y, { epochs: 2, batchSize: 8, verbose: 0, classWeight });
      return m.getWeights();
    };
    const cw = { 0: 1, 1: 4, 2: 0.5 };
    const sparse = run('sparse_categorical_crossentropy', labels, cw);
    expect(run('categorical_crossentropy', oneHot, cw)).toEqual(sparse);
    expect(run('sparse_categorical_crossentropy', labels)).not.toEqual(sparse);
  });
});

describe('Dropout', () => {
  const { X, labels } = threeClass(64, 9);
  const y = labels.map((c) => (c === 0 ? 1 : 0));
  const make = (rate: number, seed = 2) =>
    new Sequential([new Dense(8, { activation: 'relu', inputShape: [3] }), new Dropout(rate), new Dense(1, { activation: 'sigmoid' })], { seed });

  it('is the identity in predict and evaluate, and masks with 1/(1 − rate) scaling in training', () => {
    const m = make(0.5);
    const plain = new Sequential([new Dense(8, { activation: 'relu', inputShape: [3] }), new Dense(1, { activation: 'sigmoid' })], { seed: 2 });
    m.compile({ loss: 'binary_crossentropy' });
    plain.compile({ loss: 'binary_crossentropy' });
    expect(m.getWeights()).toEqual(plain.getWeights()); // Dropout draws no weights
    expect(Array.from(m.predict(X).data)).toEqual(Array.from(plain.predict(X).data));
    expect(m.evaluate(X, y).loss).toBe(plain.evaluate(X, y).loss);
    // in a training step: see what the dropout layer passes on, through a probe layer after it
    const d = m.layers[1] as Dropout;
    const input = new Float32Array(4000).fill(1);
    d.build(8, m.backend);
    d.bindWorkspace((n) => new Float32Array(n), 500, new Float32Array(0));
    const out = d.forward(input, 500, new MT19937(1));
    const zeros = out.filter((v) => v === 0).length;
    expect(zeros / 4000).toBeGreaterThan(0.45);
    expect(zeros / 4000).toBeLessThan(0.55);
    expect(new Set(out)).toEqual(new Set([0, 2]));
    const dY = new Float32Array(4000).fill(3);
    const dX = d.backward(dY, 500, true) as Float32Array;
    for (let i = 0; i < 4000; i++) expect(dX[i]).toBe(out[i] === 0 ? 0 : 6);
    expect(d.forward(input, 500)).toBe(input); // no generator: inference, X passed through
  });

  it('changes training (and a fit seed replays it), shows 0 params, saves and loads', () => {
    const run = (rate: number, seed?: number) => {
      const m = make(rate);
      m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
      m.fit(X, y, { epochs: 2, batchSize: 16, verbose: 0, seed });
      return m;
    };
    const a = run(0.3, 7);
    expect(a.getWeights()).not.toEqual(run(0, 7).getWeights());
    expect(a.getWeights()).toEqual(run(0.3, 7).getWeights());
    expect(a.summary(null)).toMatch(/dropout \(Dropout\)\s+\(None, 8\)\s+0\n/);
    const json = JSON.parse(JSON.stringify(a.toJSON()));
    expect(json.layers[1]).toEqual({ className: 'Dropout', name: 'dropout', rate: 0.3, inputDim: 8 });
    const back = Sequential.fromJSON(json);
    expect(Array.from(back.predict(X).data)).toEqual(Array.from(a.predict(X).data));
    expect(() => new Dropout(1)).toThrow(/rate must be a number in \[0, 1\)/);
    json.layers[1].rate = 2;
    expect(() => Sequential.fromJSON(json, 'm.json')).toThrow(/^m.json: layers\[1\]: Dropout: Dropout: rate must be a number in \[0, 1\), got 2$/);
  });

  it('resumes exactly: paused mid-epoch, state through JSON, same weights as one run', () => {
    const opts = { epochs: 3, batchSize: 10, verbose: 0 as const };
    const whole = make(0.4);
    whole.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    whole.fit(X, y, opts);

    const first = make(0.4);
    first.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const t = first.makeTrainer(X, y, opts);
    for (let i = 0; i < 9; i++) t.step(); // epoch 2, step 2 of 7
    const state = JSON.parse(JSON.stringify(t.getState()));
    expect(state.rngs.dropout.key).toBeDefined();
    const second = Sequential.fromJSON(JSON.parse(JSON.stringify(first.toJSON({ includeOptimizer: true }))));
    second.fit(X, y, { ...opts, resumeFrom: state });
    expect(second.getWeights()).toEqual(whole.getWeights());
  });
});

describe('initializers', () => {
  it('glorot_uniform stays the default, drawn as before; zeros and ones; saved when not default', () => {
    const m = new Sequential([new Dense(4, { inputShape: [3] })], { seed: 9 });
    const rng = new MT19937(9);
    const limit = Math.sqrt(6 / 7);
    expect(Array.from(m.getWeights()[0])).toEqual(Array.from(Float32Array.from({ length: 12 }, () => limit * (2 * rng.random() - 1))));
    expect(m.toJSON().layers[0].kernelInitializer).toBeUndefined();
    const z = new Sequential([new Dense(4, { inputShape: [3], kernelInitializer: 'zeros', biasInitializer: 'ones' })]);
    expect(Array.from(z.getWeights()[0])).toEqual(new Array(12).fill(0));
    expect(Array.from(z.getWeights()[1])).toEqual([1, 1, 1, 1]);
    const doc = JSON.parse(JSON.stringify(z.toJSON()));
    expect(doc.layers[0]).toMatchObject({ kernelInitializer: 'zeros', biasInitializer: 'ones' });
    expect(Sequential.fromJSON(doc).layers[0].toJSON()).toMatchObject({ kernelInitializer: 'zeros', biasInitializer: 'ones' });
  });

  it.each([
    ['he_normal', Math.sqrt(2 / 200)],
    ['lecun_normal', Math.sqrt(1 / 200)],
    ['glorot_normal', Math.sqrt(2 / 300)],
  ] as const)('%s: truncated at 2σ, with variance scale/fan', (name, target) => {
    const w = new Sequential([new Dense(100, { inputShape: [200], kernelInitializer: name })]).getWeights()[0];
    const sigma = target / TRUNCATED_NORMAL_STDDEV;
    let sq = 0;
    for (const v of w) {
      expect(Math.abs(v)).toBeLessThanOrEqual(2 * sigma * (1 + 1e-6));
      sq += v * v;
    }
    // 20,000 draws: the standard deviation is within 2% of the target
    expect(Math.sqrt(sq / w.length) / target).toBeGreaterThan(0.98);
    expect(Math.sqrt(sq / w.length) / target).toBeLessThan(1.02);
  });

  it('he_uniform: U(±sqrt(6/fanIn))', () => {
    const w = new Sequential([new Dense(100, { inputShape: [150], kernelInitializer: 'he_uniform' })]).getWeights()[0];
    const limit = Math.sqrt(6 / 150);
    expect(Math.max(...w.map(Math.abs))).toBeLessThan(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * limit);
  });
});

describe('strict options and names', () => {
  const m = () => {
    const s = new Sequential([new Dense(1, { inputShape: [2], activation: 'sigmoid' })]);
    s.compile({ loss: 'binary_crossentropy' });
    return s;
  };
  const plain = (x: unknown) => x as never; // what plain JavaScript can pass

  it('an unknown option key names it, suggests the spelling and lists the valid ones', () => {
    expect(() => m().fit([[1, 2]], [1], plain({ batch_size: 32 }))).toThrow(/fit: unknown option 'batch_size' \(did you mean 'batchSize'\?\); valid options: epochs, batchSize, /);
    expect(() => new Dense(2, plain({ kernel_initializer: 'zeros' }))).toThrow(/Dense\(2\): unknown option 'kernel_initializer' \(did you mean 'kernelInitializer'\?\)/);
    expect(() => new Dropout(0.2, plain({ seed: 1 }))).toThrow(/Dropout\(0.2\): unknown option 'seed'; valid options: inputShape, name/);
    expect(() => m().compile(plain({ loss: 'mse', metric: ['accuracy'] }))).toThrow(/compile: unknown option 'metric' \(did you mean 'metrics'\?\)/);
    expect(() => m().predict([[1, 2]], plain({ batch: 4 }))).toThrow(/predict: unknown option 'batch'/);
    expect(() => m().compile(plain({ optimizer: 'adam' }))).toThrow(/compile: a loss is required/);
  });

  it('unknown activation, loss and initializer names list the valid names', () => {
    expect(() => new Dense(2, { activation: plain('swish') })).toThrow(/unknown activation 'swish' \(expected one of relu, sigmoid, tanh, linear, leaky_relu, elu, selu, softplus, softmax\)/);
    expect(() => m().compile({ loss: plain('kld') })).toThrow(/unknown loss 'kld' \(expected one of .*categorical_crossentropy.*huber.*hinge/);
    expect(() => new Dense(2, { kernelInitializer: plain('orthogonal') })).toThrow(/unknown initializer 'orthogonal' \(expected one of glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_normal, zeros, ones\)/);
    expect(() => new Dense(2, { activation: 'relu', alpha: 0.1 })).toThrow(/alpha applies to leaky_relu and elu only/);
    expect(() => getLoss('mse', { fromLogits: true })).toThrow(/fromLogits applies to the cross-entropies only/);
  });
});
