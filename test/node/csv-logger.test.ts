/**
 * CSVLogger: the file holds every finished epoch, equal to the History, after each epoch; it
 * appends when asked; and a paused and resumed run writes the same file as one whole run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Trainer } from '../../src/nn/trainer.js';
import { CSVLogger } from '../../src/node/csv-logger.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';

function data(n = 48, d = 3) {
  const rng = new MT19937(3);
  const X = new Matrix(n, d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X.data[i * d + j] = 2 * rng.random() - 1;
    y[i] = X.data[i * d] + 0.5 * (rng.random() - 0.5) > 0 ? 1 : 0;
  }
  return { X, y };
}

function model() {
  const m = new Sequential([new Dense(4, { activation: 'relu', inputShape: [3] }), new Dense(1, { activation: 'sigmoid' })], { seed: 4 });
  m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['auc'] });
  return m;
}

const options = { epochs: 3, batchSize: 8, verbose: 0 as const, validationSplit: 0.25 };

describe('CSVLogger', () => {
  it('writes epoch and the sorted logs keys, one row per epoch, after every epoch', () => {
    const { X, y } = data();
    const file = join(mkdtempSync(join(tmpdir(), 'densely-csv-')), 'log.csv');
    const seen: string[] = [];
    const logger = new CSVLogger(file);
    const h = model().fit(X, y, { ...options, callbacks: [logger, { onEpochEnd: () => void seen.push(readFileSync(file, 'utf8')) }] });
    expect(seen.map((text) => text.trim().split('\n').length)).toEqual([2, 3, 4]); // the file is whole after each epoch
    const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
    expect(header).toBe('epoch,auc,loss,val_auc,val_loss');
    rows.forEach((row, e) => {
      const cells = row.split(',').map(Number);
      expect(cells).toEqual([e, h.history.auc[e], h.history.loss[e], h.history.val_auc[e], h.history.val_loss[e]]);
    });
    // append: the old rows stay and no second header is written
    model().fit(X, y, { ...options, callbacks: [new CSVLogger(file, { append: true })] });
    const again = readFileSync(file, 'utf8').trim().split('\n');
    expect(again).toHaveLength(7);
    expect(again.filter((l) => l.startsWith('epoch'))).toHaveLength(1);
    expect(() => new CSVLogger(file, { seperator: ';' } as never)).toThrow(/did you mean 'separator'/);
  });

  it('a paused and resumed run writes the same file as one whole run', () => {
    const { X, y } = data();
    const dir = mkdtempSync(join(tmpdir(), 'densely-csv-'));
    model().fit(X, y, { ...options, callbacks: [new CSVLogger(join(dir, 'whole.csv'))] });
    const part = join(dir, 'part.csv');
    const first = model();
    const t = first.makeTrainer(X, y, { ...options, callbacks: [new CSVLogger(part)] });
    for (let i = 0; i < 7; i++) t.step(); // 5 steps per epoch: mid-epoch 2
    const state = JSON.parse(JSON.stringify(t.getState()));
    Trainer.restore(Sequential.fromJSON(first.toJSON()), X, y, state, { callbacks: [new CSVLogger(part)] }).run();
    expect(readFileSync(part, 'utf8')).toBe(readFileSync(join(dir, 'whole.csv'), 'utf8'));
  });
});
