/**
 * The playground's logic, in Node (the page itself is tested in Chromium by
 * test/browser/playground.test.ts): the URL hash round trip, the datasets, a session that
 * learns, and the probe that reads the engine's buffers for the inspection panel and heat maps.
 */
import { describe, expect, it } from 'vitest';
import { DATASETS, DEFAULTS, fromHash, toHash, type Config } from '../../examples/playground/config.js';
import { makeDataset } from '../../examples/playground/datasets.js';
import { forwardGrid, inspectSample } from '../../examples/playground/probe.js';
import { Session } from '../../examples/playground/session.js';

describe('playground', () => {
  it('keeps the whole configuration in the URL hash, and ignores what it cannot use', () => {
    const c: Config = { dataset: 'xor', noise: 25, trainPercent: 70, seed: 9, layers: [4, 3, 2], activation: 'relu', learningRate: 0.005, batchSize: 16, optimizer: 'adam-corrected', regularization: 'l2', regularizationRate: 0.003, backend: 'js' };
    expect(fromHash(toHash(c))).toEqual(c);
    expect(fromHash('#layers=&activation=sigmoid').layers).toEqual([]); // logistic regression
    const bad = fromHash('#dataset=moons&noise=500&layers=4,x&lr=-1&batch=0&optimizer=lbfgs&train=95&reg=l3&regRate=2');
    expect(bad).toEqual(DEFAULTS);
  });

  it.each(DATASETS)('makes the %s dataset: 400 points with both classes, the same for the same seed', (name) => {
    const a = makeDataset(name, 10, 3);
    expect(a.n).toBe(400);
    const ones = a.y.reduce((s, v) => s + v, 0);
    expect(ones).toBeGreaterThan(100);
    expect(400 - ones).toBeGreaterThan(100);
    expect(a.X.every((v) => Number.isFinite(v) && Math.abs(v) < 3)).toBe(true);
    expect(makeDataset(name, 10, 3)).toEqual(a);
    expect(makeDataset(name, 10, 4).X).not.toEqual(a.X);
  });

  it('learns xor through the Trainer, one step at a time', () => {
    const s = new Session({ ...DEFAULTS, dataset: 'xor', noise: 0 });
    expect(s.train.X.rows + s.test.X.rows).toBe(400);
    const start = s.record().test;
    for (let i = 0; i < 3000; i++) s.step();
    const end = s.record();
    expect(s.steps).toBe(3000);
    expect(end.test).toBeLessThan(0.5 * start);
    expect(s.model.evaluate(s.test.X, s.test.y).accuracy).toBeGreaterThan(0.9);
  });

  it("reads the engine's own forward and backward: the inspection equals computeGradients, the grid equals predict", () => {
    const s = new Session({ ...DEFAULTS, dataset: 'circle' });
    for (let i = 0; i < 50; i++) s.step();
    const x: [number, number] = [0.25, -0.5];
    const trace = inspectSample(s.model, x, 1);
    const { loss, grads } = s.model.computeGradients([x], [1]);
    expect(trace.loss).toBe(loss);
    trace.layers.forEach((l, i) => {
      expect(l.dW).toEqual(grads[2 * i]);
      expect(l.db).toEqual(grads[2 * i + 1]);
    });
    expect(trace.layers[0].dX).toBeNull();
    expect(trace.p - 1).toBeCloseTo(trace.layers.at(-1)!.dZ[0], 6); // ∂ℓ/∂z = p − y
    const points = Float32Array.of(0.25, -0.5, 1, 1, -0.3, 0.2);
    const { outputs } = forwardGrid(s.model, points, s.capacity);
    expect(outputs.at(-1)).toEqual(s.model.predict([[0.25, -0.5], [1, 1], [-0.3, 0.2]]).data);
    s.step(); // the run goes on after being probed
  });

  it('with L2 on, the inspection adds the penalty to the loss and its gradient to dW, as the step does', () => {
    const rate = 0.01;
    const s = new Session({ ...DEFAULTS, dataset: 'circle', regularization: 'l2', regularizationRate: rate });
    for (let i = 0; i < 50; i++) s.step();
    const x: [number, number] = [0.25, -0.5];
    const trace = inspectSample(s.model, x, 1);
    const { loss, grads } = s.model.computeGradients([x], [1]);
    let sumSq = 0;
    for (const l of trace.layers) for (const w of l.W) sumSq += w * w;
    expect(trace.penalty).toBeCloseTo(rate * sumSq, 6);
    expect(trace.loss).toBe(loss);
    trace.layers.forEach((l, i) => {
      expect(l.dW).toEqual(grads[2 * i]);
      l.dWPenalty.forEach((g, j) => expect(g).toBeCloseTo(2 * rate * l.W[j], 6)); // ∂(rate·Σw²)/∂w
    });
  });
});
