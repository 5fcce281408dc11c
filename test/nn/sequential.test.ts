import { describe, expect, it } from 'vitest';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';

import { Matrix } from '../../src/tensor/matrix.js';
import { checkGradient, randomArray, randomLabels, worstRatio } from './helpers.js';

function mlp(inputDim: number, seed = 42) {
  return new Sequential(
    [
      new Dense(8, { activation: 'relu', inputShape: [inputDim] }),
      new Dense(5, { activation: 'tanh' }),
      new Dense(1, { activation: 'sigmoid' }),
    ],
    { seed },
  );
}

function data(n: number, d: number, seed: number) {
  const X = new Matrix(n, d, randomArray(n * d, seed));
  // a learnable rule: label = [x0 + x1 > 0]
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = X.get(i, 0) + X.get(i, 1 % d) > 0 ? 1 : 0;
  return { X, y };
}

describe('a one-neuron model, by hand', () => {
  it('gives the BCE loss and SGD update computed on paper', () => {
    const model = new Sequential([new Dense(1, { activation: 'sigmoid', inputShape: [2] })]);
    model.setWeights([[0.5, -1], [0.25]]);
    model.compile({ optimizer: new SGD({ learningRate: 1 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    // x = [2, 1], y = 1: z = 1 - 1 + 0.25 = 0.25, p = σ(0.25)
    const p = 1 / (1 + Math.exp(-0.25));
    const ev = model.evaluate([[2, 1]], [1]);
    expect(ev.loss).toBeCloseTo(-Math.log(p), 6);
    expect(ev.accuracy).toBe(1);
    model.fit([[2, 1]], [1], { epochs: 1, verbose: 0 });
    // dz = p − 1; dW = x·dz; db = dz; w −= dW
    const [W, b] = model.getWeights();
    expect(W[0]).toBeCloseTo(0.5 - 2 * (p - 1), 6);
    expect(W[1]).toBeCloseTo(-1 - 1 * (p - 1), 6);
    expect(b[0]).toBeCloseTo(0.25 - (p - 1), 6);
  });

  it('counts p == 0.5 as class 0 (Keras thresholds with p > 0.5)', () => {
    const model = new Sequential([new Dense(1, { activation: 'sigmoid', inputShape: [1] })]);
    model.setWeights([[0], [0]]); // p = 0.5 for every row
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    expect(model.evaluate([[1], [2], [3]], [0, 1, 0]).accuracy).toBeCloseTo(2 / 3, 12);
  });
});

describe('whole-model gradient against finite differences', () => {
  for (const [loss, rows] of [
    ['binary_crossentropy', 1],
    ['binary_crossentropy', 9],
    ['mse', 6],
  ] as const) {
    it(`${loss}, ${rows} rows, through relu → tanh → sigmoid`, () => {
      const model = mlp(4, 3);
      model.compile({ optimizer: 'adam', loss });
      const X = new Matrix(rows, 4, randomArray(rows * 4, 21, 1.5));
      const y = randomLabels(rows, 22);
      const { loss: L, grads } = model.computeGradients(X, y);
      expect(Number.isFinite(L)).toBe(true);
      const weights = model.getWeights();
      let skipped = 0;
      let total = 0;
      weights.forEach((w, t) => {
        const lossAt = () => {
          model.setWeights(weights);
          return model.evaluate(X, y).loss;
        };
        skipped += checkGradient(grads[t], lossAt, w);
        total += w.length;
      });
      expect(skipped).toBeLessThanOrEqual(Math.ceil(0.05 * total)); // relu kinks only
    });
  }
});

describe('fit', () => {
  it('returns per-epoch loss and accuracy that improve on a learnable rule', () => {
    const { X, y } = data(300, 3, 1);
    const model = mlp(3);
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const h = model.fit(X, y, { epochs: 8, batchSize: 16, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss']);
    expect(h.history.loss.length).toBe(8);
    expect(h.history.loss[7]).toBeLessThan(h.history.loss[0]);
    expect(h.history.accuracy[7]).toBeGreaterThan(0.9);
  });

  it('keeps the last partial batch and weights the epoch loss by batch size', () => {
    const { X, y } = data(70, 3, 2);
    const model = mlp(3);
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const batches: { size: number; loss: number; accuracy: number }[] = [];
    const h = model.fit(X, y, {
      epochs: 1,
      batchSize: 32,
      verbose: 0,
      callbacks: [{ onBatchEnd: (_b, logs) => batches.push({ size: logs.size, loss: logs.loss, accuracy: logs.accuracy }) }],
    });
    expect(batches.map((b) => b.size)).toEqual([32, 32, 6]);
    const weighted = batches.reduce((s, b) => s + b.size * b.loss, 0) / 70;
    expect(h.history.loss[0]).toBeCloseTo(weighted, 6);
    const acc = batches.reduce((s, b) => s + b.size * b.accuracy, 0) / 70;
    expect(h.history.accuracy[0]).toBeCloseTo(acc, 9);
  });

  it('is reproducible: the same seed gives bit-identical weights, another seed does not', () => {
    const { X, y } = data(100, 3, 3);
    const train = (seed: number) => {
      const model = mlp(3, seed);
      model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
      model.fit(X, y, { epochs: 2, verbose: 0 });
      return model.getWeights();
    };
    const a = train(7);
    const b = train(7);
    const c = train(8);
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i])));
    expect(Array.from(a[0])).not.toEqual(Array.from(c[0]));
  });

  it('validationSplit holds out the LAST rows, before shuffling', () => {
    const { X, y } = data(100, 3, 4);
    const model = mlp(3);
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const seen: number[] = [];
    const h = model.fit(X, y, {
      epochs: 1,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [{ onBatchEnd: (_b, logs) => seen.push(logs.size) }],
    });
    expect(seen.reduce((s, x) => s + x, 0)).toBe(75);
    const last = model.evaluate(X.rowView(75, 100), y.subarray(75));
    expect(h.history.val_loss[0]).toBeCloseTo(last.loss, 6);
    expect(h.history.val_accuracy[0]).toBeCloseTo(last.accuracy, 9);
  });

  it('validationData gives val_ keys', () => {
    const { X, y } = data(50, 3, 5);
    const model = mlp(3);
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['acc'] });
    const h = model.fit(X, y, { epochs: 2, verbose: 0, validationData: [X, y] });
    expect(Object.keys(h.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
  });

  it('classWeight scales each row of the loss, as Keras does', () => {
    const X = Matrix.from([[1], [-1]]);
    const y = [1, 0];
    const model = new Sequential([new Dense(1, { activation: 'sigmoid', inputShape: [1] })]);
    model.setWeights([[0.3], [0.1]]);
    model.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const l1 = -Math.log(1 / (1 + Math.exp(-0.4)));
    const l0 = -Math.log(1 - 1 / (1 + Math.exp(0.2)));
    const h = model.fit(X, y, { epochs: 1, verbose: 0, shuffle: false, classWeight: { 0: 1, 1: 3 } });
    expect(h.history.loss[0]).toBeCloseTo((3 * l1 + 1 * l0) / 2, 6);
  });

  it('prints Keras progress lines with verbose 1', () => {
    const { X, y } = data(40, 3, 6);
    const model = mlp(3);
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const lines: string[] = [];
    model.fit(X, y, { epochs: 2, print: (l) => lines.push(l) });
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(/^2\/2 \[={30}\] - \d+s \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    expect(lines[2]).toBe('Epoch 2/2');
  });

  it('rejects bad input with messages naming what was wrong', () => {
    const model = mlp(3);
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    expect(() => model.fit([[1, 2]], [1])).toThrow(/X has shape \[1, 2\] but the model expects \[1, 3\]/);
    expect(() => model.fit([[1, 2, 3]], [2])).toThrow(/labels 0 or 1, but row 0 has 2/);
    expect(() => model.fit([[1, NaN, 3]], [1])).toThrow(/row 0, column 1 is NaN/);
    expect(() => model.fit([[1, 2, 3]], [1, 0])).toThrow(/y: has 2 rows but X has 1/);
    expect(() => model.compile({ loss: 'squared_hinge' as 'hinge' })).toThrow(/unknown loss 'squared_hinge'/); // a plain-JS caller: the union type stops it in TS
    expect(() => new Sequential([new Dense(2)]).fit([[1]], [1])).toThrow(/compile/);
  });
});

describe('predict, weights, JSON and summary', () => {
  it('predicts [n, 1] probabilities in batches, matching a single big batch', () => {
    const { X } = data(77, 3, 7);
    const model = mlp(3);
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const a = model.predict(X);
    const b = model.predict(X, { batchSize: 500 });
    expect(a.shape).toEqual([77, 1]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Math.min(...a.data)).toBeGreaterThan(0);
    expect(Math.max(...a.data)).toBeLessThan(1);
  });

  it('predicts the same before and after compile fuses the sigmoid into the loss', () => {
    const { X } = data(10, 3, 8);
    const model = mlp(3);
    const before = model.predict(X).data;
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    expect(worstRatio(model.predict(X).data, before, 1e-7, 1e-6)).toBeLessThanOrEqual(1);
  });

  it('round-trips through toJSON/fromJSON with identical predictions', () => {
    const { X, y } = data(60, 3, 9);
    const model = mlp(3);
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    model.fit(X, y, { epochs: 1, verbose: 0 });
    const copy = Sequential.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(copy.predict(X).data)).toEqual(Array.from(model.predict(X).data));
  });

  it('getWeights uses Keras order and shapes; setWeights checks lengths', () => {
    const model = mlp(3);
    expect(model.getWeights().map((w) => w.length)).toEqual([24, 8, 40, 5, 5, 1]);
    expect(() => model.setWeights([new Float32Array(3)])).toThrow(/6 weight tensors, got 1/);
    const w = model.getWeights();
    w[2] = new Float32Array(39);
    expect(() => model.setWeights(w)).toThrow(/dense_1\/kernel has shape \[8, 5\] \(40 values\), got 39/);
  });

  it('summary lists the pipeline model as Keras does (7,489 params for 50 inputs)', () => {
    const model = new Sequential([
      new Dense(64, { activation: 'relu', inputShape: [50] }),
      new Dense(64, { activation: 'relu' }),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    const text = model.summary(null);
    expect(text).toMatch(/dense \(Dense\)\s+\(None, 64\)\s+3264/); // 50·64 + 64
    expect(text).toMatch(/dense_1 \(Dense\)\s+\(None, 64\)\s+4160/);
    expect(text).toMatch(/dense_2 \(Dense\)\s+\(None, 1\)\s+65/);
    expect(text).toContain('Total params: 7,489');
  });
});

describe('review regressions', () => {
  const compiled = (seed = 42) => {
    const m = mlp(3, seed);
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    return m;
  };

  it('a larger arena mid-fit (validation rows, or predict in a callback) does not change training', () => {
    const { X, y } = data(10, 3, 12);
    const v = data(40, 3, 13);
    const reference = compiled();
    reference.fit(X, y, { epochs: 3, verbose: 0, shuffle: false });
    const withValidation = compiled();
    withValidation.fit(X, y, { epochs: 3, verbose: 0, shuffle: false, validationData: [v.X, v.y] });
    const withPredict = compiled();
    withPredict.fit(X, y, { epochs: 3, verbose: 0, shuffle: false, callbacks: [{ onEpochEnd: () => void withPredict.predict(v.X, { batchSize: 1000 }) }] });
    const ref = reference.getWeights();
    for (const other of [withValidation, withPredict]) other.getWeights().forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(ref[i])));
  });

  it('fit(epochs: 1) twice continues the shuffle stream: equal to fit(epochs: 2)', () => {
    const { X, y } = data(100, 3, 14);
    const twice = compiled();
    twice.fit(X, y, { epochs: 1, verbose: 0 });
    twice.fit(X, y, { epochs: 1, verbose: 0 });
    const once = compiled();
    once.fit(X, y, { epochs: 2, verbose: 0 });
    once.getWeights().forEach((w, i) => expect(Array.from(twice.getWeights()[i])).toEqual(Array.from(w)));
  });

  it('recompiling with the same optimizer keeps its state; a new optimizer starts fresh', () => {
    const { X, y } = data(64, 3, 15);
    const opt = new Adam();
    const a = mlp(3);
    a.compile({ optimizer: opt, loss: 'binary_crossentropy' });
    a.fit(X, y, { epochs: 1, verbose: 0, shuffle: false });
    a.compile({ optimizer: opt, loss: 'binary_crossentropy' });
    a.fit(X, y, { epochs: 1, verbose: 0, shuffle: false });
    const b = mlp(3);
    b.compile({ optimizer: new Adam(), loss: 'binary_crossentropy' });
    b.fit(X, y, { epochs: 2, verbose: 0, shuffle: false });
    b.getWeights().forEach((w, i) => expect(Array.from(a.getWeights()[i])).toEqual(Array.from(w)));
    expect(opt.iterations).toBe(4);
  });

  it('rejects empty data, bad validation labels (before training), bad class weights and bad weights', () => {
    const m = compiled();
    const { X, y } = data(20, 3, 16);
    expect(() => m.fit(new Matrix(0, 3), new Float32Array(0))).toThrow(/X has 0 rows/);
    expect(() => m.evaluate(new Matrix(0, 3), new Float32Array(0))).toThrow(/X has 0 rows/);
    const before = m.getWeights();
    expect(() => m.fit(X, y, { verbose: 0, validationData: [X, y.map(() => 2)] })).toThrow(/validationData y: .*row 0 has 2/);
    m.getWeights().forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(before[i]))); // untouched
    expect(() => m.fit(X, y, { verbose: 0, validationSplit: -0.1 })).toThrow(/validationSplit must be in \[0, 1\), got -0.1/);
    expect(() => m.fit(X, y, { verbose: 0, classWeight: { 1: 5 } })).toThrow(/no weight for class 0/);
    expect(() => m.fit(X, y, { verbose: 0, classWeight: { 0: 0, 1: 0 } })).toThrow(/weight of 0/);
    expect(() => m.fit(X, y, { verbose: 0, classWeight: { yes: 3 } as never })).toThrow(/keys must be class indices/);
    const w = m.getWeights();
    w[1][2] = NaN;
    expect(() => m.setWeights(w)).toThrow(/dense\/bias\[2\] is null; weights must be finite/);
    expect(() => m.fit(X, ['a', 'b'] as never)).toThrow(/labels must be numbers/);
  });
});

describe('hostile weights and many layers', () => {
  it('a weight finite as a double but Infinity as a float32 is refused, naming it', () => {
    const m = new Sequential([new Dense(2, { inputShape: [1] })]);
    expect(() => m.setWeights([[1, 2], [0, 3.5e38]])).toThrow(/dense\/bias\[1\] is 3\.5e\+38; weights must be finite float32 numbers/);
  });

  it('naming added layers stays as before (dense, dense_1, …, skipping taken names) and is linear', () => {
    const m = new Sequential([new Dense(2, { inputShape: [3] }), new Dense(2, { name: 'dense_1' }), new Dense(2), new Dense(1)]);
    expect(m.layers.map((l) => l.name)).toEqual(['dense', 'dense_1', 'dense_2', 'dense_3']);
    const big = new Sequential();
    for (let i = 0; i < 20000; i++) big.add(new Dense(1));
    expect(big.layers[19999].name).toBe('dense_19999');
  });
});
