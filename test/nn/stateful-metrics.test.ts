/**
 * Stateful metrics: epoch and validation values are computed over every row at once (exactly),
 * never as a mean of batch values, and their state survives a paused and resumed run.
 */
import { describe, expect, it } from 'vitest';
import { linearData } from './helpers.js';
import { averagePrecision } from '../../src/analysis/curves.js';
import { Dense } from '../../src/nn/dense.js';
import { aucMetric, getMetric, rocAuc, type MetricSpec, weightedAveragePrecision, weightedRocAuc } from '../../src/nn/metrics.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Trainer, type FitOptions } from '../../src/nn/trainer.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';

/** n rows × 5 features, a noisy 0/1 label. */
const data = (n = 120, d = 5, seed = 11) => linearData(n, d, seed, (j) => (j % 2 === 0 ? 1 : -0.7), 0.8);

const METRICS: MetricSpec[] = ['accuracy', 'auc', { auc: { curve: 'PR' as const, name: 'pr_auc' } }, 'precision', 'recall', 'mae', 'mse'];

function model(seed = 2) {
  const m = new Sequential([new Dense(8, { activation: 'relu', inputShape: [5] }), new Dense(1, { activation: 'sigmoid' })], { seed });
  m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: METRICS });
  return m;
}

/** The metrics by hand from predictions p and labels y (threshold 0.5, strict). */
function byHand(p: Float32Array, y: Float32Array) {
  let tp = 0, fp = 0, fn = 0, hits = 0, ae = 0, se = 0;
  for (let i = 0; i < p.length; i++) {
    const pos = p[i] > 0.5;
    if (pos && y[i] === 1) tp++;
    else if (pos) fp++;
    else if (y[i] === 1) fn++;
    if ((pos ? 1 : 0) === y[i]) hits++;
    ae += Math.abs(y[i] - p[i]);
    se += (y[i] - p[i]) ** 2;
  }
  const n = p.length;
  return { accuracy: hits / n, auc: rocAuc(p, y), pr_auc: averagePrecision(p, y), precision: tp / (tp + fp), recall: tp / (tp + fn), mae: ae / n, mse: se / n };
}

describe('stateful metrics', () => {
  it('evaluate gives each metric over the whole set, equal to the metric computed once on predict', () => {
    const { X, y } = data();
    const m = model();
    m.fit(X, y, { epochs: 3, batchSize: 16, verbose: 0 });
    const logs = m.evaluate(X, y, { batchSize: 7 }); // 18 batches, the last of 1 row
    const expected = byHand(m.predict(X).data, y);
    expect(expected.auc).toBeGreaterThan(0.6);
    expect(expected.auc).toBeLessThan(1);
    for (const [key, value] of Object.entries(expected)) expect(logs[key], key).toBeCloseTo(value, 6);
  });

  it('val_* of the last epoch are the metrics of the final weights on the validation rows', () => {
    const { X, y } = data();
    const m = model();
    const h = m.fit(X, y, { epochs: 4, batchSize: 10, verbose: 0, validationSplit: 0.25 });
    const vX = X.rowView(90, 120);
    const vy = y.subarray(90);
    const expected = byHand(m.predict(vX).data, vy);
    for (const [key, value] of Object.entries(expected)) expect(h.history[`val_${key}`][3], key).toBeCloseTo(value, 6);
    expect(h.history.auc).toHaveLength(4);
  });

  it('an accumulator over two batches gives the AUC of all rows, not the mean of the batch AUCs', () => {
    const scores = Float32Array.from([0.9, 0.2, 0.6, 0.4, 0.7, 0.1, 0.3, 0.8]);
    const labels = Float32Array.from([1, 0, 1, 0, 0, 1, 1, 0]);
    const acc = aucMetric('auc').create();
    acc.update(scores.subarray(0, 4), labels.subarray(0, 4), null, 4, 1, false);
    acc.update(scores.subarray(4), labels.subarray(4), null, 4, 1, false);
    const whole = rocAuc(scores, labels); // 0.5: 8 of 16 pairs ordered right
    expect(acc.result()).toBe(whole);
    const meanOfBatches = (rocAuc(scores.subarray(0, 4), labels.subarray(0, 4)) + rocAuc(scores.subarray(4), labels.subarray(4))) / 2;
    expect(meanOfBatches).not.toBeCloseTo(whole, 3);
    // state round trip
    const again = aucMetric('auc').create();
    again.setState(JSON.parse(JSON.stringify(acc.getState())));
    expect(again.result()).toBe(whole);
  });

  it('weighted AUC and average precision: weight 2 is the row counted twice; unit weights match the unweighted forms', () => {
    const rng = new MT19937(4);
    const n = 60;
    const s = Float32Array.from({ length: n }, () => Math.round(rng.random() * 10) / 10); // many ties
    const l = Float32Array.from({ length: n }, (_, i) => (s[i] + rng.random() > 0.9 ? 1 : 0));
    const ones = new Float32Array(n).fill(1);
    expect(weightedRocAuc(s, l, ones)).toBeCloseTo(rocAuc(s, l), 12);
    expect(weightedAveragePrecision(s, l, ones)).toBeCloseTo(averagePrecision(s, l), 12);
    const w = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 2 : 1));
    const dup = (a: Float32Array) => Float32Array.from([...a, ...Array.from(a).filter((_, i) => i % 3 === 0)]);
    expect(weightedRocAuc(s, l, w)).toBeCloseTo(rocAuc(dup(s), dup(l)), 12);
    expect(weightedAveragePrecision(s, l, w)).toBeCloseTo(averagePrecision(dup(s), dup(l)), 12);
  });

  it('metrics on a fused softmax head see probabilities; sparse targets refuse mse (auc, precision and recall read them as one-hot)', () => {
    const m = new Sequential([new Dense(3, { activation: 'softmax', inputShape: [2] })], { seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['mse', 'auc'] });
    const X = Matrix.from([[1, 0], [0, 1], [1, 1], [-1, 0.5]]);
    const y = Matrix.from([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
    const p = m.predict(X).data;
    let se = 0;
    for (let i = 0; i < 12; i++) se += (y.data[i] - p[i]) ** 2;
    const logs = m.evaluate(X, y);
    expect(logs.mse).toBeCloseTo(se / 12, 6);
    expect(logs.auc).toBeCloseTo(rocAuc(p, y.data), 6);
    expect(() => getMetric('mse', { accuracy: 'sparse' } as never, 3)).toThrow(/sparse class indices/);
    // precision and recall on sparse class indices equal those on the one-hot rows they stand for
    const sparse = new Sequential([new Dense(3, { activation: 'softmax', inputShape: [2] })], { seed: 1 });
    sparse.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: [{ precision: { threshold: 0.3 } }, { recall: { threshold: 0.3 } }] });
    const oneHot = new Sequential([new Dense(3, { activation: 'softmax', inputShape: [2] })], { seed: 1 });
    oneHot.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: [{ precision: { threshold: 0.3 } }, { recall: { threshold: 0.3 } }] });
    const a = sparse.evaluate(X, [0, 1, 2, 0]);
    const b = oneHot.evaluate(X, y);
    expect(a.precision).toBe(b.precision);
    expect(a.recall).toBe(b.recall);
    let tp = 0;
    let predicted = 0;
    for (let i = 0; i < 12; i++) {
      if (p[i] > 0.3) predicted++;
      if (p[i] > 0.3 && y.data[i] === 1) tp++;
    }
    expect(b.precision).toBeCloseTo(tp / predicted, 6);
    expect(b.recall).toBeCloseTo(tp / 4, 6);
    expect(() => getMetric('f1')).toThrow(/unknown metric 'f1'.*auc, precision, recall/);
    expect(() => getMetric({ auc: { curve: 'XY' as never } })).toThrow(/'ROC' or 'PR'/);
  });

  it('a run paused mid-epoch and resumed in a new model reports the same History, val_auc included', () => {
    const { X, y } = data();
    const options: FitOptions = { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25, classWeight: { 0: 1, 1: 2 } };
    const ref = model().fit(X, y, options);
    const first = model();
    const trainer = first.makeTrainer(X, y, options);
    for (let i = 0; i < 9; i++) trainer.step(); // 6 steps per epoch: mid-epoch 2
    const state = JSON.parse(JSON.stringify(trainer.getState()));
    expect(state.sums.metrics[1][0]).toBe(3 * 16); // auc keeps this epoch's 48 scores so far
    const second = Sequential.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    const history = Trainer.restore(second, X, y, state).run();
    expect(history.history).toEqual(ref.history);
    expect(Object.keys(ref.history)).toEqual(expect.arrayContaining(['auc', 'pr_auc', 'val_auc', 'val_precision', 'val_recall', 'val_mae', 'val_mse']));
  });
});
