/**
 * Keras's ModelCheckpoint({ filepath, monitor, saveBestOnly }) from densely/node: `{epoch}` paths,
 * and the best file holding the best epoch's model.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelCheckpoint } from '../../src/node.js';
import { Dense } from '../../src/nn/dense.js';
import { rocAuc } from '../../src/nn/metrics.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';

describe('ModelCheckpoint({ filepath, monitor, saveBestOnly })', () => {
  it('saves every epoch to {epoch:02d} paths, and the best val_auc epoch to the best file', () => {
    const rng = new MT19937(8);
    const n = 120;
    const X = new Matrix(n, 10);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 10; j++) X.data[i * 10 + j] = 2 * rng.random() - 1;
      y[i] = X.data[i * 10] + 3 * (rng.random() - 0.5) > 0 ? 1 : 0; // noisy: val_auc rises, then wanders
    }
    const m = new Sequential([new Dense(32, { activation: 'relu', inputShape: [10] }), new Dense(1, { activation: 'sigmoid' })], { seed: 2 });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['auc'] });
    const dir = mkdtempSync(join(tmpdir(), 'densely-mc-'));
    const best = join(dir, 'best.json');
    const h = m.fit(X, y, {
      epochs: 12,
      batchSize: 8,
      verbose: 0,
      validationSplit: 0.5,
      callbacks: [new ModelCheckpoint({ filepath: best, monitor: 'val_auc', saveBestOnly: true }), new ModelCheckpoint({ filepath: join(dir, 'm-{epoch:02d}.json') })],
    });
    expect(readdirSync(dir).filter((f) => f.startsWith('m-')).sort()).toEqual(Array.from({ length: 12 }, (_, e) => `m-${String(e + 1).padStart(2, '0')}.json`));
    const valAuc = h.history.val_auc;
    const top = Math.max(...valAuc);
    const bestEpoch = valAuc.indexOf(top);
    expect(bestEpoch).toBeLessThan(11); // the best is not simply the last epoch
    const vX = X.rowView(60, 120);
    const vy = y.subarray(60);
    expect(rocAuc(loadModel(best).predict(vX).data, vy)).toBeCloseTo(top, 6);
    // the best file is that epoch's file
    expect(loadModel(best).getWeights()).toEqual(loadModel(join(dir, `m-${String(bestEpoch + 1).padStart(2, '0')}.json`)).getWeights());
    expect(existsSync(join(dir, 'best.json'))).toBe(true);
    expect(() => new ModelCheckpoint({ filepath: best, save_best_only: true } as never)).toThrow(/did you mean 'saveBestOnly'/);
  });
});
