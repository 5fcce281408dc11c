/**
 * layer.trainable = false (Keras's frozen layers) and weight regularizers (Keras's
 * kernel_regularizer / bias_regularizer): what fit, evaluate, summary, gradCheck and the model
 * file do with them.
 */
import { describe, expect, it } from 'vitest';
import { Adam, Dense, Dropout, gradCheck, L1L2, regularizers, SGD, Sequential, type Optimizer } from '../../src/index.js';

/** 40 seeded rows of 3 features and a 0/1 label. */
function data(n = 40): { X: number[][]; y: number[] } {
  let s = 11;
  const r = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
  const X = Array.from({ length: n }, () => [r(), r(), r()]);
  return { X, y: X.map((row) => (row[0] - 0.5 * row[1] > 0 ? 1 : 0)) };
}

function model(opts: { frozen?: boolean; reg?: ConstructorParameters<typeof Dense>[1]; dropout?: number } = {}): Sequential {
  return new Sequential([
    new Dense(5, { activation: 'tanh', inputShape: [3], trainable: opts.frozen === undefined ? true : !opts.frozen }),
    new Dropout(opts.dropout ?? 0.2),
    new Dense(4, { activation: 'relu', ...opts.reg }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
}

describe('layer.trainable = false', () => {
  it('fit leaves a frozen layer bit for bit (and its Adam moments at 0) while the others learn', () => {
    const { X, y } = data();
    const m = model();
    m.layers[2].trainable = false; // set after construction, before compile
    const adam = new Adam({ learningRate: 0.05 });
    m.compile({ optimizer: adam, loss: 'binary_crossentropy' });
    const before = m.getWeights();
    m.fit(X, y, { epochs: 3, batchSize: 8, verbose: 0 });
    const after = m.getWeights();
    // [dense kernel, dense bias, dense_1 kernel, dense_1 bias, dense_2 kernel, dense_2 bias]
    expect(after[2]).toEqual(before[2]);
    expect(after[3]).toEqual(before[3]);
    for (const i of [0, 1, 4, 5]) expect(after[i]).not.toEqual(before[i]);
    // the moments of the frozen tensors were never touched; the others' were
    const { slots, iterations } = adam.getState();
    expect(iterations).toBe(15);
    const sizes = before.map((w) => w.length);
    const start = sizes.slice(0, 2).reduce((a, b) => a + b, 0);
    const frozenSpan = slots.m.subarray(start, start + sizes[2] + sizes[3]);
    expect(frozenSpan.every((v) => v === 0)).toBe(true);
    expect(slots.v.subarray(start, start + sizes[2] + sizes[3]).every((v) => v === 0)).toBe(true);
    expect(slots.m.subarray(0, start).some((v) => v !== 0)).toBe(true);
    // and its gradients are not computed (computeGradients reports 0); dX still flows to the first layer
    const g = m.computeGradients(X, y).grads;
    expect(g[2].every((v) => v === 0) && g[3].every((v) => v === 0)).toBe(true);
    expect(g[0].some((v) => v !== 0)).toBe(true);
  });

  it('takes effect after compile, at the next step, and unfreezing resumes training with the same optimizer', () => {
    const { X, y } = data();
    const m = model();
    m.compile({ optimizer: new SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'binary_crossentropy' });
    const trainer = m.makeTrainer(X, y, { epochs: 2, batchSize: 10, verbose: 0 });
    trainer.step();
    const w0 = m.getWeights();
    m.layers[0].trainable = false; // mid-run: no recompile
    trainer.step();
    const w1 = m.getWeights();
    expect(w1[0]).toEqual(w0[0]);
    expect(w1[1]).toEqual(w0[1]);
    expect(w1[4]).not.toEqual(w0[4]);
    m.layers[0].trainable = true;
    trainer.step();
    expect(m.getWeights()[0]).not.toEqual(w1[0]);
  });

  it('freezing the first layer gives the same other weights as training with it fixed by a zero learning rate', () => {
    // the frozen first layer's backward is skipped entirely; the rest of the model must not notice
    const { X, y } = data();
    const a = model({ frozen: true });
    a.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'binary_crossentropy' });
    a.fit(X, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const b = model();
    b.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'binary_crossentropy' });
    const keep = b.getWeights().slice(0, 2);
    b.fit(X, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [{ onBatchEnd: () => b.setWeights([...keep, ...b.getWeights().slice(2)]) }] });
    const wa = a.getWeights();
    const wb = b.getWeights();
    expect(wa.slice(0, 2)).toEqual(keep);
    // b moved its first layer for one step each batch before the callback put it back: the others see the same inputs
    for (let i = 2; i < 6; i++) for (let j = 0; j < wa[i].length; j++) expect(wa[i][j]).toBeCloseTo(wb[i][j], 6);
  });

  it('freezes the same way on every backend (js and wasm agree to 1e-5), regularizers included', async () => {
    const { listBackends } = await import('../../src/index.js');
    const { X, y } = data();
    const runs = listBackends().map((backend) => {
      const m = new Sequential([new Dense(5, { activation: 'tanh', inputShape: [3] }), new Dense(4, { activation: 'relu', trainable: false, kernelRegularizer: 'l2' }), new Dense(1, { activation: 'sigmoid', kernelRegularizer: 'l1_l2' })], { backend });
      m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
      const before = m.getWeights();
      const h = m.fit(X, y, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
      expect(m.getWeights()[2]).toEqual(before[2]);
      return { w: m.getWeights(), loss: h.history.loss[1] };
    });
    for (const r of runs.slice(1)) {
      expect(r.loss).toBeCloseTo(runs[0].loss, 5);
      r.w.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(runs[0].w[i][j], 5)));
    }
  });

  it('model.trainable = false freezes every layer, and true unfreezes them all, as in Keras', () => {
    const { X, y } = data();
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    m.fit(X, y, { epochs: 1, batchSize: 8, verbose: 0 });
    m.trainable = false;
    expect(m.trainable).toBe(false);
    expect(m.layers.every((l) => l.trainable === false)).toBe(true);
    const before = m.getWeights();
    m.fit(X, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(m.getWeights()).toEqual(before); // nothing moved
    expect(m.summary(null)).toContain('Trainable params: 0');
    m.trainable = true;
    expect(m.layers.every((l) => l.trainable === true)).toBe(true);
    m.fit(X, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(m.getWeights()[0]).not.toEqual(before[0]);
    expect(() => ((m as unknown as { trainable: unknown }).trainable = 'no')).toThrow('trainable must be true or false, got "no"');
  });

  it('summary counts frozen weights as Non-trainable params', () => {
    const m = model({ frozen: true });
    const text = m.summary(null);
    // 3·5+5 = 20 frozen; 5·4+4 = 24 and 4+1 = 5 trainable
    expect(text).toContain('Total params: 49');
    expect(text).toContain('Trainable params: 29');
    expect(text).toContain('Non-trainable params: 20');
    // Keras's trainable_weights / non_trainable_weights
    expect(m.trainableWeights.map((w) => w.length)).toEqual([20, 4, 4, 1]);
    expect(m.nonTrainableWeights).toEqual(m.getWeights().slice(0, 2));
  });

  it('survives toJSON/fromJSON, and the document of a model without frozen layers is as before', () => {
    const m = model({ frozen: true });
    m.compile({ loss: 'binary_crossentropy' });
    const doc = m.toJSON();
    expect(doc.layers[0].trainable).toBe(false);
    expect('trainable' in doc.layers[2]).toBe(false);
    const back = Sequential.fromJSON(JSON.parse(JSON.stringify(doc)));
    expect(back.layers.map((l) => l.trainable)).toEqual([false, true, true, true]);
    const before = back.getWeights();
    const { X, y } = data();
    back.fit(X, y, { epochs: 1, verbose: 0 });
    expect(back.getWeights()[0]).toEqual(before[0]);
  });

  it('refuses an optimizer that cannot skip frozen weights, naming it', () => {
    const bare: Optimizer = {
      name: 'bare',
      stateFloats: () => 0,
      bind: () => {},
      step: () => {},
      iterations: 0,
      getConfig: () => ({ name: 'bare' }),
      getState: () => ({ name: 'bare', iterations: 0, slots: {} }),
      setState: () => {},
    };
    const m = model({ frozen: true });
    m.compile({ optimizer: bare, loss: 'binary_crossentropy' });
    const { X, y } = data();
    expect(() => m.fit(X, y, { verbose: 0 })).toThrow(/'bare' cannot skip frozen weights/);
  });
});

describe('kernel and bias regularizers', () => {
  it("spell as Keras and tfjs do, with Keras's default factor 0.01", () => {
    expect(regularizers.l2().getConfig()).toEqual({ l1: 0, l2: 0.01 });
    expect(regularizers.l2(0.001).getConfig()).toEqual({ l1: 0, l2: 0.001 });
    expect(regularizers.l1({ l1: 0.2 }).getConfig()).toEqual({ l1: 0.2, l2: 0 });
    expect(regularizers.l1l2({ l1: 0.1 }).getConfig()).toEqual({ l1: 0.1, l2: 0.01 });
    expect(new Dense(2, { kernelRegularizer: 'l1' }).kernelRegularizer?.getConfig()).toEqual({ l1: 0.01, l2: 0 });
    expect(new Dense(2, { kernelRegularizer: 'l1_l2' }).kernelRegularizer?.getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(new Dense(2, { kernelRegularizer: { l2: 0.5 } }).kernelRegularizer?.getConfig()).toEqual({ l1: 0, l2: 0.5 });
    expect(() => new Dense(2, { kernelRegularizer: 'l3' as 'l1' })).toThrow(/unknown regularizer 'l3'/);
    expect(() => new Dense(2, { kernelRegularizer: { l2: -1 } })).toThrow(/l2 must be a finite number ≥ 0/);
    expect(() => new Dense(2, { kernel_regularizer: 'l2' } as object)).toThrow(/did you mean 'kernelRegularizer'/);
    // the penalty by hand: l1·Σ|w| + l2·Σw², no ½
    expect(new L1L2(0.1, 0.01).penalty(Float32Array.of(1, -2))).toBeCloseTo(0.35, 12);
  });

  it("are added to the loss as Keras adds them: fit's loss, evaluate's and val_loss", () => {
    const { X, y } = data();
    const reg = regularizers.l1l2({ l1: 0.003, l2: 0.02 });
    // no dropout here: fit's loss would be the loss of dropped-out forwards
    const m = model({ reg: { kernelRegularizer: reg, biasRegularizer: 'l2' }, dropout: 0 });
    const plain = model({ dropout: 0 });
    for (const x of [m, plain]) x.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'binary_crossentropy' });
    plain.setWeights(m.getWeights().map((w, i) => (i === 3 ? w.map((_, j) => 0.1 * (j + 1)) : w)));
    m.setWeights(plain.getWeights());
    const w = m.getWeights();
    const byHand = reg.penalty(w[2]) + 0.01 * w[3].reduce((s, v) => s + v * v, 0);
    expect(m.penalty()).toBeCloseTo(byHand, 7);
    const plainLoss = plain.evaluate(X, y).loss;
    expect(m.evaluate(X, y).loss).toBeCloseTo(plainLoss + byHand, 6);
    // a learning rate of 0 keeps the weights: the epoch's loss is evaluate's, penalty included
    const h = m.fit(X, y, { epochs: 1, batchSize: 8, verbose: 0, validationData: [X, y] });
    expect(h.history.loss[0]).toBeCloseTo(plainLoss + byHand, 5);
    expect(h.history.val_loss[0]).toBeCloseTo(plainLoss + byHand, 6);
  });

  it('add their gradient (2·l2·w + l1·sign w) to the weight gradients, and not for a frozen layer', () => {
    const { X, y } = data(12);
    const m = model({ reg: { kernelRegularizer: { l1: 0.01, l2: 0.05 } } });
    const plain = model();
    for (const x of [m, plain]) x.compile({ loss: 'binary_crossentropy' });
    const with_ = m.computeGradients(X, y);
    const without = plain.computeGradients(X, y);
    const W = m.getWeights()[2];
    for (let i = 0; i < W.length; i++) expect(with_.grads[2][i]).toBeCloseTo(without.grads[2][i] + 0.01 * Math.sign(W[i]) + 0.1 * W[i], 6);
    expect(with_.grads[3]).toEqual(without.grads[3]); // no bias regularizer
    m.layers[2].trainable = false;
    expect(m.penalty()).toBe(0); // Keras penalises trainable weights only
    expect(m.computeGradients(X, y).grads[2].every((v) => v === 0)).toBe(true);
  });

  for (const [name, spec] of [
    ['l1', { kernelRegularizer: { l1: 0.05 }, biasRegularizer: { l1: 0.02 } }],
    ['l2', { kernelRegularizer: 'l2', biasRegularizer: { l2: 0.3 } }],
    ['l1l2', { kernelRegularizer: regularizers.l1l2({ l1: 0.04, l2: 0.1 }) }],
  ] as const) {
    it(`pass a finite-difference gradient check: ${name} (weights away from 0)`, () => {
      const { X, y } = data(16);
      const m = model({ reg: spec as ConstructorParameters<typeof Dense>[1] });
      m.compile({ loss: 'binary_crossentropy' });
      // keep every regularized weight away from l1's kink at 0
      m.setWeights(m.getWeights().map((w, i) => (i === 3 ? w.map((_, j) => 0.05 + 0.1 * j) : w.map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)))));
      expect(m.penalty()).toBeGreaterThan(0);
      const r = gradCheck(m, X, y);
      expect(r.reference).toBe('float64');
      expect(r.worst).toBeLessThan(1e-3);
    });
  }

  it('a gradient check with a frozen layer checks the others and marks it', () => {
    const { X, y } = data(16);
    const m = model({ frozen: true, reg: { kernelRegularizer: 'l2' } });
    m.compile({ loss: 'binary_crossentropy' });
    const r = gradCheck(m, X, y);
    expect(r.layers[0]).toMatchObject({ frozen: true, params: 0 });
    expect(r.layers[2].params).toBe(24);
    expect(r.worst).toBeLessThan(1e-3);
  });

  it('survive toJSON/fromJSON (and a model without them writes no regularizer keys)', () => {
    const m = model({ reg: { kernelRegularizer: regularizers.l2(0.001), biasRegularizer: 'l1' } });
    m.compile({ loss: 'binary_crossentropy' });
    const doc = m.toJSON();
    expect(doc.layers[2]).toMatchObject({ kernelRegularizer: { l1: 0, l2: 0.001 }, biasRegularizer: { l1: 0.01, l2: 0 } });
    expect('kernelRegularizer' in doc.layers[0]).toBe(false);
    const back = Sequential.fromJSON(JSON.parse(JSON.stringify(doc)));
    const { X, y } = data();
    expect(back.evaluate(X, y).loss).toBe(m.evaluate(X, y).loss);
    expect(back.penalty()).toBeGreaterThan(0);
  });
});
