/**
 * The Trainer: training as steps whose state is plain data. A run interrupted after k steps and
 * continued in a brand-new model (weights through toJSON/fromJSON, state through structuredClone,
 * or through v8 serialisation into another process) must end bit-identical to one uninterrupted
 * fit. And fitAsync must let the event loop run while it trains.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { linearData } from './helpers.js';
import { EarlyStopping, type Callback } from '../../src/nn/callbacks.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Trainer, type FitOptions } from '../../src/nn/trainer.js';
import { SGD } from '../../src/optim/sgd.js';
import { Matrix } from '../../src/tensor/matrix.js';

const root = join(__dirname, '..', '..');

/** 100 rows × 6 features and a learnable 0/1 label: batch 16 gives 7 steps, the last of 4 rows. */
const data = (n = 100, d = 6, seed = 5) => linearData(n, d, seed, (j) => (j % 3 === 0 ? 1 : -0.5), 0.3);

function model(d = 6, seed = 3) {
  const m = new Sequential([new Dense(12, { activation: 'relu', inputShape: [d] }), new Dense(8, { activation: 'tanh' }), new Dense(1, { activation: 'sigmoid' })], { seed });
  m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return m;
}

const bits = (ws: Float32Array[]) => ws.map((w) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)));

/** One uninterrupted fit, and the same run interrupted after k steps and finished in a new model. */
function interrupted(k: number, options: FitOptions, callbacks: () => Callback[] = () => []) {
  const { X, y } = data();
  const whole = model();
  const ref = whole.fit(X, y, { ...options, callbacks: callbacks() });
  const first = model();
  const trainer = first.makeTrainer(X, y, { ...options, callbacks: callbacks() });
  for (let i = 0; i < k; i++) trainer.step();
  const position = trainer.position;
  const json = JSON.parse(JSON.stringify(first.toJSON()));
  const state = structuredClone(trainer.getState());
  const second = Sequential.fromJSON(json);
  const resumed = Trainer.restore(second, X, y, state, { callbacks: callbacks() });
  const history = resumed.run();
  return { whole, ref, second, history, position, resumed };
}

describe('Trainer: interrupted runs finish bit-identical to one fit', () => {
  const options: FitOptions = { epochs: 3, batchSize: 16, verbose: 0 };
  // 7 steps per epoch: k = 3 is mid-epoch, 6 leaves the last (partial, 4-row) batch to run,
  // 7 is an epoch boundary, 13 is the partial batch of epoch 2, 0 is before anything ran
  for (const k of [0, 3, 6, 7, 13]) {
    it(`after ${k} steps`, () => {
      const { whole, ref, second, history, position } = interrupted(k, options);
      expect(position).toEqual({ epoch: Math.floor(k / 7), step: k % 7, stepsPerEpoch: 7 });
      expect(bits(second.getWeights())).toEqual(bits(whole.getWeights()));
      expect(history.history).toEqual(ref.history);
      expect(history.epoch).toEqual([0, 1, 2]);
    });
  }

  it('with a validation split, class weights and an EarlyStopping callback that carries state', () => {
    const opts: FitOptions = { epochs: 5, batchSize: 16, verbose: 0, validationSplit: 0.25, classWeight: { 0: 1, 1: 1.7 } };
    const callbacks = () => [new EarlyStopping({ stopTraining: false }, { monitor: 'val_loss', patience: 2 })];
    for (const k of [4, 5, 10, 16]) {
      // 75 training rows: 5 steps per epoch, the last of 11 rows
      const { whole, ref, second, history } = interrupted(k, opts, callbacks);
      expect(Object.keys(ref.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
      expect(bits(second.getWeights())).toEqual(bits(whole.getWeights()));
      expect(history.history).toEqual(ref.history);
    }
  });

  it('EarlyStopping state (best, wait) is restored, so it stops at the same epoch', () => {
    const { X, y } = data();
    const stopAt = (m: Sequential, t: Trainer | null, es: EarlyStopping) => {
      const trainer = t ?? m.makeTrainer(X, y, { epochs: 40, batchSize: 50, verbose: 0, validationSplit: 0.5, callbacks: [es] });
      return { trainer, es };
    };
    // a large learning rate with momentum makes val_loss bounce, so the wait count matters
    const bouncy = () => {
      const m = new Sequential([new Dense(4, { activation: 'relu', inputShape: [6] }), new Dense(1, { activation: 'sigmoid' })], { seed: 9 });
      m.compile({ optimizer: new SGD({ learningRate: 0.9, momentum: 0.9 }), loss: 'binary_crossentropy' });
      return m;
    };
    const a = bouncy();
    const esA = new EarlyStopping(a, { monitor: 'val_loss', patience: 3 });
    const ref = stopAt(a, null, esA).trainer.run();
    expect(esA.stoppedEpoch).toBeGreaterThan(0);
    expect(ref.epoch.length).toBeLessThan(40);
    const b = bouncy();
    const esB = new EarlyStopping(b, { monitor: 'val_loss', patience: 3 });
    const tb = stopAt(b, null, esB).trainer;
    for (let i = 0; i < 3; i++) tb.step(); // into epoch 2 (two steps per epoch)
    const c = Sequential.fromJSON(JSON.parse(JSON.stringify(b.toJSON())));
    const esC = new EarlyStopping(c, { monitor: 'val_loss', patience: 3 });
    const history = Trainer.restore(c, X, y, structuredClone(tb.getState()), { callbacks: [esC] }).run();
    expect(history.epoch).toEqual(ref.epoch);
    expect(esC.stoppedEpoch).toBe(esA.stoppedEpoch);
    expect(history.history).toEqual(ref.history);
  });

  it('restores as well from a state that went through JSON.stringify/JSON.parse', () => {
    const { X, y } = data();
    const opts: FitOptions = { epochs: 2, batchSize: 16, verbose: 0 };
    const whole = model();
    const ref = whole.fit(X, y, opts);
    const first = model();
    const t = first.makeTrainer(X, y, opts);
    for (let i = 0; i < 9; i++) t.step();
    const state = JSON.parse(JSON.stringify(t.getState()));
    expect(Array.isArray(state.permutation)).toBe(false); // a typed array becomes {"0": …, "1": …}
    const second = Sequential.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    const history = Trainer.restore(second, X, y, state).run();
    expect(bits(second.getWeights())).toEqual(bits(whole.getWeights()));
    expect(history.history).toEqual(ref.history);
    state.permutation = { 0: 'x' };
    expect(() => Trainer.restore(model(), X, y, state)).toThrow(/permutation is not an array of numbers/);
  });

  it('continues in another process (model as JSON, state through v8.serialize)', () => {
    const { X, y } = data();
    const opts: FitOptions = { epochs: 4, batchSize: 16, verbose: 0, validationSplit: 0.2 };
    const callbacks = () => [new EarlyStopping({ stopTraining: false }, { monitor: 'val_loss', patience: 50 })];
    const whole = model();
    const ref = whole.fit(X, y, { ...opts, callbacks: callbacks() });
    const first = model();
    const trainer = first.makeTrainer(X, y, { ...opts, callbacks: callbacks() });
    for (let i = 0; i < 11; i++) trainer.step(); // epoch 2, step 6 of 5 + … (80 rows: 5 steps per epoch)
    const dir = mkdtempSync(join(tmpdir(), 'densely-resume-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(first.toJSON()));
    writeFileSync(join(dir, 'state.bin'), serialize(trainer.getState()));
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ rows: X.rows, cols: X.cols, X: Array.from(X.data), y: Array.from(y) }));
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test', 'nn', 'resume-child.ts'), dir], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(out.weights).toEqual(whole.getWeights().map((w) => Array.from(w)));
    expect(out.history).toEqual(ref.history);
  });
});

describe('Trainer: stepping, state, and refusals', () => {
  it('fit is a loop over step(): the same History and weights', () => {
    const { X, y } = data();
    const a = model();
    const h = a.fit(X, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const b = model();
    const t = b.makeTrainer(X, y, { epochs: 2, batchSize: 16, verbose: 0 });
    let steps = 0;
    const losses: number[] = [];
    while (!t.done) {
      losses.push(t.step());
      steps++;
    }
    expect(steps).toBe(14);
    expect(losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    expect(t.history.history).toEqual(h.history);
    expect(bits(b.getWeights())).toEqual(bits(a.getWeights()));
    expect(() => t.step()).toThrow(/this training run is done/);
  });

  it('runEpoch runs to the end of the epoch under way and returns its logs', () => {
    const { X, y } = data();
    const t = model().makeTrainer(X, y, { epochs: 3, batchSize: 16, verbose: 0 });
    t.step();
    const logs = t.runEpoch();
    expect(t.position).toEqual({ epoch: 1, step: 0, stepsPerEpoch: 7 });
    expect(logs).toEqual({ loss: t.history.history.loss[0], accuracy: t.history.history.accuracy[0] });
    t.runEpoch();
    t.runEpoch();
    expect(t.done).toBe(true);
    expect(t.history.epoch).toEqual([0, 1, 2]);
  });

  it('getState is plain data: every value survives structuredClone, and holds the optimizer moments and t', () => {
    const { X, y } = data();
    const m = model();
    const t = m.makeTrainer(X, y, { epochs: 2, batchSize: 16, verbose: 0 });
    for (let i = 0; i < 9; i++) t.step();
    const s = t.getState();
    expect(structuredClone(s)).toEqual(s);
    expect(s.epoch).toBe(1);
    expect(s.step).toBe(2);
    expect(s.optimizer.iterations).toBe(9);
    expect(s.optimizer.slots.m).toBeInstanceOf(Float32Array);
    expect(s.optimizer.slots.m.length).toBe(6 * 12 + 12 + 12 * 8 + 8 + 8 + 1);
    expect(s.permutation).toBeInstanceOf(Int32Array);
    expect([...s.permutation].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect(s.rngs.shuffle.key.length).toBe(624);
    expect(s.sums.metrics).toHaveLength(1);
    expect(s.sums.loss).toBeGreaterThan(0);
  });

  it('restore refuses other data, another architecture, a missing validation set and missing callbacks', () => {
    const { X, y } = data();
    const m = model();
    const t = m.makeTrainer(X, y, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [new EarlyStopping(m, { monitor: 'loss' })] });
    t.step();
    const s = t.getState();
    const fresh = () => Sequential.fromJSON(m.toJSON());
    const other = data(100, 6, 6);
    expect(() => Trainer.restore(fresh(), other.X, other.y, s, { callbacks: [new EarlyStopping(m)] })).toThrow(/differ from the data/);
    expect(() => Trainer.restore(fresh(), X, y, s)).toThrow(/callback #0's state/);
    const wider = new Sequential([new Dense(13, { activation: 'relu', inputShape: [6] }), new Dense(8, { activation: 'tanh' }), new Dense(1, { activation: 'sigmoid' })]);
    wider.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    expect(() => Trainer.restore(wider, X, y, s, { callbacks: [new EarlyStopping(wider)] })).toThrow(/the state is for a model whose layers differ/);
    // the same layers compiled otherwise (here: another learning rate) would continue another run
    const otherLr = Sequential.fromJSON(m.toJSON());
    otherLr.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    expect(() => Trainer.restore(otherLr, X, y, s, { callbacks: [new EarlyStopping(otherLr)] })).toThrow(/whose compile differ: saved \{"optimizer":\{"name":"adam"/);
    // a failed restore leaves the paused run as it was
    t.step();
    const v = model().makeTrainer(X, y, { epochs: 1, verbose: 0, validationData: [X, y] });
    v.step();
    expect(() => Trainer.restore(fresh(), X, y, v.getState())).toThrow(/had validationData; pass it again/);
    expect(() => Trainer.restore(fresh(), X, y, { ...s, format: 'x' } as never)).toThrow(/not a densely training state/);
  });

  it('stopTraining set by a callback mid-epoch is part of the state', () => {
    const { X, y } = data();
    const stopper = (m: { stopTraining: boolean }): Callback => ({ onBatchEnd: (batch) => void (batch === 2 && (m.stopTraining = true)) });
    const a = model();
    const ref = a.fit(X, y, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [stopper(a)] });
    expect(ref.epoch).toEqual([0]); // stopped at the end of the first epoch
    const b = model();
    const t = b.makeTrainer(X, y, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [stopper(b)] });
    for (let i = 0; i < 4; i++) t.step(); // past batch 2: the flag is set, the epoch not over
    const c = Sequential.fromJSON(b.toJSON());
    c.stopTraining = false;
    const h = Trainer.restore(c, X, y, structuredClone(t.getState())).run();
    expect(h.epoch).toEqual([0]);
    expect(h.history).toEqual(ref.history);
    // and a stale flag on the model it is restored into does not stop the run early
    const d = model();
    const u = d.makeTrainer(X, y, { epochs: 2, batchSize: 16, verbose: 0 });
    u.step();
    const e = Sequential.fromJSON(d.toJSON());
    e.stopTraining = true;
    expect(Trainer.restore(e, X, y, u.getState()).run().epoch).toEqual([0, 1]);
  });

  it('compiling again during a run ends it, instead of training on a stale optimizer', () => {
    const { X, y } = data();
    const m = model();
    const t = m.makeTrainer(X, y, { epochs: 1, verbose: 0 });
    t.step();
    m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    expect(() => t.step()).toThrow(/compiled again during this run/);
  });

  it('a run refused during fitAsync changes nothing: no larger arena, the same shuffle stream', async () => {
    const { X, y } = data();
    const ref = model();
    const hRef = ref.fit(X, y, { epochs: 30, batchSize: 16, verbose: 0 });
    const m = model();
    const pending = m.fitAsync(X, y, { epochs: 30, batchSize: 16, verbose: 0, yieldEveryMs: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    const arena = m.memoryReport().arenaFloats;
    expect(() => m.fit(X, y, { batchSize: 100, seed: 999, verbose: 0 })).toThrow(/fitAsync is training this model/);
    expect(m.memoryReport().arenaFloats).toBe(arena);
    expect(() => m.computeGradients(X, y)).toThrow(/planned for 16/);
    expect((await pending).history).toEqual(hRef.history);
    expect(bits(m.getWeights())).toEqual(bits(ref.getWeights()));
  });

  it('a state taken while fitAsync validates restores exactly', async () => {
    const { X, y } = data(400);
    const opts: FitOptions = { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.5 };
    const ref = model().fit(X, y, opts);
    const m = model();
    let state: ReturnType<Trainer['getState']> | null = null;
    const t = m.makeTrainer(X, y, opts);
    const run = t.runAsync(0);
    // yieldEveryMs 0: a yield after every batch, including each validation batch
    while (state === null) {
      await new Promise((resolve) => setImmediate(resolve));
      const p = t.position;
      if (p.epoch === 1 && p.step === p.stepsPerEpoch) state = structuredClone(t.getState());
    }
    const weights = m.toJSON();
    await run;
    expect(state.step).toBe(13); // 200 training rows: 13 steps, all run, the epoch's end not yet
    const again = Sequential.fromJSON(weights);
    const h = Trainer.restore(again, X, y, state).run();
    expect(h.history).toEqual(ref.history);
  });

  it('a new run supersedes a paused one, and is refused while fitAsync trains', async () => {
    const { X, y } = data();
    const m = model();
    const t = m.makeTrainer(X, y, { epochs: 1, verbose: 0 });
    t.step();
    m.fit(X, y, { epochs: 1, verbose: 0 });
    expect(() => t.step()).toThrow(/superseded/);
    const pending = m.fitAsync(X, y, { epochs: 30, verbose: 0, yieldEveryMs: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => m.fit(X, y, { verbose: 0 })).toThrow(/fitAsync is training this model/);
    const h = await pending;
    expect(h.epoch).toHaveLength(30);
    expect(() => m.fit(X, y, { epochs: 1, verbose: 0 })).not.toThrow();
  });

  it('a predict with a bigger batch during a run does not grow the arena, and changes nothing', () => {
    const { X, y } = data();
    const m = model();
    const t = m.makeTrainer(X, y, { epochs: 1, batchSize: 16, verbose: 0 });
    t.step();
    const before = m.memoryReport().arenaFloats;
    const during = m.predict(X, { batchSize: 100 });
    expect(m.memoryReport().arenaFloats).toBe(before);
    t.run();
    const ref = model();
    ref.fit(X, y, { epochs: 1, batchSize: 16, verbose: 0 });
    expect(bits(m.getWeights())).toEqual(bits(ref.getWeights()));
    expect(during.rows).toBe(100);
  });
});

describe('fitAsync', () => {
  it('gives fit\'s numbers bit for bit, as a Promise', async () => {
    const { X, y } = data();
    const a = model();
    const h = a.fit(X, y, { epochs: 2, batchSize: 8, verbose: 0, validationSplit: 0.1 });
    const b = model();
    const pending = b.fitAsync(X, y, { epochs: 2, batchSize: 8, verbose: 0, validationSplit: 0.1 });
    expect(pending).toBeInstanceOf(Promise);
    const hb = await pending;
    expect(hb.history).toEqual(h.history);
    expect(bits(b.getWeights())).toEqual(bits(a.getWeights()));
    await expect(b.fitAsync(X, y, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
  });

  it('lets a 10 ms timer fire at close to its idle rate while it trains', async () => {
    const n = 3000;
    const X = new Matrix(n, 50);
    for (let i = 0; i < X.data.length; i++) X.data[i] = Math.sin(i * 0.37);
    const y = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const m = new Sequential([new Dense(64, { activation: 'relu', inputShape: [50] }), new Dense(64, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]);
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    m.fit(X.rowView(0, 64), y.subarray(0, 64), { epochs: 1, verbose: 0 }); // warm up the JIT
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    // train until the timer has fired 40 times (however fast the machine), then measure idle as long
    const started = performance.now();
    const h = await m.fitAsync(X, y, { epochs: 1000, verbose: 0, callbacks: [{ onBatchEnd: () => void (ticks >= 40 && (m.stopTraining = true)) }] });
    const training = { ticks, ms: performance.now() - started };
    ticks = 0;
    await new Promise((resolve) => setTimeout(resolve, training.ms));
    const idle = { ticks, ms: training.ms };
    clearInterval(timer);
    // a loop blocked by training would not let the timer reach 40 before all 1000 epochs ran
    expect(h.epoch.length).toBeLessThan(1000);
    expect(training.ticks / training.ms).toBeGreaterThan(0.75 * (idle.ticks / idle.ms));
  });
});
