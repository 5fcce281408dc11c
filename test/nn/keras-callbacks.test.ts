/**
 * Keras's callbacks, handed the model by fit (set_model): EarlyStopping on val_auc restoring the
 * best weights, ReduceLROnPlateau and LearningRateScheduler changing the optimizer's rate (and
 * carrying it through a paused run), TerminateOnNaN, and the tfjs factory spelling.
 */
import { describe, expect, it } from 'vitest';
import { linearData } from './helpers.js';
import { callbacks, EarlyStopping, LearningRateScheduler, ReduceLROnPlateau, type Callback } from '../../src/nn/callbacks.js';
import { Dense } from '../../src/nn/dense.js';
import { rocAuc } from '../../src/nn/metrics.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Trainer } from '../../src/nn/trainer.js';
import { ExponentialDecay } from '../../src/optim/schedules.js';
import { SGD } from '../../src/optim/sgd.js';

/** n rows × d features; the label is mostly noise, so a wide net overfits and val_auc falls. */
const data = (n: number, d: number, noise: number, seed = 7) => linearData(n, d, seed, (j) => (j < 2 ? 1 : 0), noise);

const bits = (ws: Float32Array[]) => ws.map((w) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)));

function sgdModel(lr: number, d = 4) {
  const m = new Sequential([new Dense(6, { activation: 'tanh', inputShape: [d] }), new Dense(1, { activation: 'sigmoid' })], { seed: 9 });
  m.compile({ optimizer: new SGD({ learningRate: lr }), loss: 'binary_crossentropy', metrics: ['auc'] });
  return m;
}

const rate = (m: Sequential) => (m.compiled('test').optimizer as unknown as { learningRate: number }).learningRate;

describe('Keras callbacks', () => {
  it('EarlyStopping({ monitor: val_auc, restoreBestWeights }) stops, and the model holds the best epoch', () => {
    const { X, y } = data(160, 12, 4);
    const m = new Sequential([new Dense(64, { activation: 'relu', inputShape: [12] }), new Dense(1, { activation: 'sigmoid' })], { seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['auc'] });
    const es = new EarlyStopping({ monitor: 'val_auc', patience: 4, restoreBestWeights: true }); // mode auto → max
    const h = m.fit(X, y, { epochs: 300, batchSize: 16, verbose: 0, validationSplit: 0.5, callbacks: [es] });
    const valAuc = h.history.val_auc;
    expect(valAuc.length).toBeLessThan(300);
    expect(es.stoppedEpoch).toBe(valAuc.length - 1);
    const best = Math.max(...valAuc);
    expect(es.bestEpoch).toBe(valAuc.indexOf(best));
    expect(valAuc.at(-1)!).toBeLessThan(best);
    expect(es.stoppedEpoch - es.bestEpoch).toBe(4);
    // the weights now in the model are the best epoch's: its val AUC, computed afresh
    expect(rocAuc(m.predict(X.rowView(80, 160)).data, y.subarray(80))).toBeCloseTo(best, 6);
    // the epochs running out restores them too (Keras 3): 3 epochs, patience too long to stop
    const m2 = new Sequential([new Dense(64, { activation: 'relu', inputShape: [12] }), new Dense(1, { activation: 'sigmoid' })], { seed: 1 });
    m2.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['auc'] });
    const es2 = new EarlyStopping({ monitor: 'val_auc', patience: 50, restoreBestWeights: true });
    const h2 = m2.fit(X, y, { epochs: es.stoppedEpoch + 1, batchSize: 16, verbose: 0, validationSplit: 0.5, callbacks: [es2] });
    expect(h2.history.val_auc).toEqual(valAuc);
    expect(es2.stoppedEpoch).toBe(-1);
    expect(bits(m2.getWeights())).toEqual(bits(m.getWeights()));
  });

  it('ReduceLROnPlateau lowers the rate, and training used it: the same weights as a schedule of those rates', () => {
    const { X, y } = data(64, 4, 0.5);
    // minDelta 10: no epoch after the first counts as an improvement, so each one (patience 1) halves the rate
    const a = sgdModel(0.1);
    const ha = a.fit(X, y, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 10 })] });
    expect(rate(a)).toBe(0.0125);
    // reductions come at the ends of epochs 1, 2, 3 (epoch 0 sets the best): epochs ran at 0.1, 0.1, 0.05, 0.025
    const b = sgdModel(0.1);
    const hb = b.fit(X, y, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [new LearningRateScheduler((e) => [0.1, 0.1, 0.05, 0.025][e])] });
    expect(bits(a.getWeights())).toEqual(bits(b.getWeights()));
    expect(ha.history.loss).toEqual(hb.history.loss);
    const c = sgdModel(0.1);
    c.fit(X, y, { epochs: 4, batchSize: 16, verbose: 0 });
    expect(bits(c.getWeights())).not.toEqual(bits(a.getWeights()));
    // minLr is a floor
    const d = sgdModel(0.1);
    d.fit(X, y, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 10, minLr: 0.04 })] });
    expect(rate(d)).toBe(0.04);
  });

  it('refuses to change a rate that follows a schedule, as Keras does', () => {
    const { X, y } = data(64, 4, 0.5);
    const m = new Sequential([new Dense(6, { activation: 'tanh', inputShape: [4] }), new Dense(1, { activation: 'sigmoid' })], { seed: 9 });
    m.compile({ optimizer: new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 4, decayRate: 0.5 }) }), loss: 'binary_crossentropy' });
    expect(() => m.fit(X, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', patience: 0, minDelta: 10 })] })).toThrow(/follows a schedule/);
  });

  it('a paused run with ReduceLROnPlateau resumes with the lowered rate and ends bit-identical', () => {
    const { X, y } = data(64, 4, 0.5);
    const make = (): Callback[] => [new ReduceLROnPlateau({ monitor: 'val_auc', factor: 0.5, patience: 1, minDelta: 10 })];
    const options = { epochs: 5, batchSize: 16, verbose: 0 as const, validationSplit: 0.25 };
    const whole = sgdModel(0.1);
    const ref = whole.fit(X, y, { ...options, callbacks: make() });
    const first = sgdModel(0.1);
    const t = first.makeTrainer(X, y, { ...options, callbacks: make() });
    for (let i = 0; i < 10; i++) t.step(); // 3 steps per epoch: mid-epoch 4, after two reductions
    const state = JSON.parse(JSON.stringify(t.getState()));
    const second = Sequential.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    expect(rate(second)).toBe(0.1);
    const history = Trainer.restore(second, X, y, state, { callbacks: make() }).run();
    expect(history.history).toEqual(ref.history);
    expect(bits(second.getWeights())).toEqual(bits(whole.getWeights()));
    expect(rate(second)).toBe(rate(whole));
    expect(rate(whole)).toBe(0.1 / 16);
  });

  it('TerminateOnNaN stops on a non-finite loss; the tfjs factory makes the same classes; options are strict', () => {
    const model = { stopTraining: false };
    const t = callbacks.terminateOnNaN();
    t.setModel(model);
    t.onBatchEnd(0, { loss: 0.3 });
    expect(model.stopTraining).toBe(false);
    t.onBatchEnd(1, { loss: NaN });
    expect(model.stopTraining).toBe(true);
    expect(callbacks.earlyStopping({ monitor: 'val_auc' })).toBeInstanceOf(EarlyStopping);
    expect(callbacks.reduceLROnPlateau()).toBeInstanceOf(ReduceLROnPlateau);
    expect(() => new EarlyStopping({ restore_best_weights: true } as never)).toThrow(/did you mean 'restoreBestWeights'/);
    expect(() => new ReduceLROnPlateau({ factor: 2 })).toThrow(/factor must be in \[0, 1\)/);
  });

  it('EarlyStopping baseline: an epoch that does not beat the baseline leaves the patience count running', () => {
    const { X, y } = data(64, 4, 0.5);
    // minDelta 10: only the first epoch counts as an improvement
    const run = (baseline?: number) => {
      const es = new EarlyStopping({ monitor: 'loss', patience: 2, minDelta: 10, ...(baseline === undefined ? {} : { baseline }) });
      const h = sgdModel(0.01).fit(X, y, { epochs: 20, batchSize: 16, verbose: 0, callbacks: [es] });
      return { epochs: h.history.loss.length, stopped: es.stoppedEpoch };
    };
    expect(run()).toEqual({ epochs: 3, stopped: 2 }); // wait 0, 1, 2
    expect(run(0.01)).toEqual({ epochs: 2, stopped: 1 }); // a loss never reached: wait 1, 2
  });
});
