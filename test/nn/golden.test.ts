/**
 * Frozen numbers from commit e90ba16, the last commit before the Trainer, the backend seam and the
 * one model format (test/fixtures/models/golden-e90ba16.json, written by make_legacy.ts there).
 * The refactor was meant to move no number at all, so these compare with toEqual: bit for bit.
 * They are the js backend's numbers, so they name it (the default is wasm where it runs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';

const golden = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'models', 'golden-e90ba16.json'), 'utf8'));

/** The same data make_legacy.ts draws: 120 × 5, a sign rule. */
function legacyData() {
  let s = 3;
  const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
  const n = 120;
  const d = 5;
  const X = new Matrix(n, d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      X.data[i * d + j] = rand();
      z += (j % 2 ? -1 : 1) * X.data[i * d + j];
    }
    y[i] = z > 0 ? 1 : 0;
  }
  return { X, y, d };
}

describe('numbers frozen before the refactor', () => {
  it('a small fit (validation split, class weights, a partial batch) gives the same history and weights', () => {
    const { X, y, d } = legacyData();
    const m = new Sequential([new Dense(16, { activation: 'relu', inputShape: [d] }), new Dense(8, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })], { seed: 11, backend: 'js' });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const h = m.fit(X, y, { epochs: 4, batchSize: 7, verbose: 0, validationSplit: 0.2, classWeight: { 0: 1, 1: 2.5 } });
    // all but the training accuracy, bit for bit: under class weights that is now unweighted, as
    // Keras computes its `metrics=` (class_weight weighs the loss and weighted_metrics only); the
    // frozen one was the weighted accuracy. Its new value is checked in keras-port.test.ts.
    const { accuracy, ...rest } = h.history;
    const { accuracy: weightedAccuracy, ...goldenRest } = golden.smallFit.history;
    expect(rest).toEqual(goldenRest);
    expect(accuracy).toHaveLength(weightedAccuracy.length);
    expect(m.getWeights().map((w) => Array.from(w))).toEqual(golden.smallFit.weights);
  });

  it('`densely train --epochs 2` on the bank data gives the same history and test figures', () => {
    const lines: string[] = [];
    expect(main(['train', '--epochs', '2', '--json', '--backend', 'js'], { out: (l) => lines.push(l), err: () => {} })).toBe(0);
    const r = JSON.parse(lines[0]);
    expect(r.history).toEqual(golden.bankCli.history);
    expect({ loss: r.test.loss, accuracy: r.test.accuracy, auc: r.test.auc }).toEqual(golden.bankCli.test);
  });
});
