/**
 * Numeric guards: a NaN or an Infinity in the loss or a gradient never reaches the weights. With
 * onNan 'stop' (the default) training stops with a TrainingError naming the epoch, the batch and
 * the first layer with a bad value, and the model keeps the weights from before that batch; with
 * 'skip-batch' the batch is skipped and training goes on.
 */
import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../src/errors.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';

/** 64 rows of 3 features; row 40 holds 3e38s (finite, but the squared error's gradient overflows float32). */
function data(): { X: Matrix; y: Float32Array } {
  const X = new Matrix(64, 3);
  const y = new Float32Array(64);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 3; j++) X.data[i * 3 + j] = Math.sin(i * 3 + j);
    y[i] = X.data[i * 3] > 0 ? 1 : 0;
  }
  X.data.fill(3e38, 40 * 3, 41 * 3); // some unit sums three of them: Infinity, then NaN
  return { X, y };
}

function model(): Sequential {
  const m = new Sequential([new Dense(16, { activation: 'relu', inputShape: [3] }), new Dense(1)], { seed: 3 });
  m.compile({ optimizer: 'adam', loss: 'mse' });
  return m;
}

describe('numeric guards', () => {
  it("'stop' names the epoch, the batch and the first bad layer, and keeps the weights from before the batch", () => {
    const { X, y } = data();
    const m = model();
    // where the bad row falls: batch 3 (rows 32..47) with shuffle off
    const before = model();
    before.fit(X.rowView(0, 32), y.subarray(0, 32), { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    let error: unknown = null;
    try {
      m.fit(X, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toMatch(/^fit: a gradient is not finite; first layer with a bad value: dense(_\d)? \(the gradient dense(_\d)?\/kernel\[\d+\] is (NaN|-?Infinity)\) at epoch 1, batch 3 of 4; training stopped with the weights from before this batch/);
    // the weights are exactly those after the two good batches
    expect(m.getWeights()).toEqual(before.getWeights());
    for (const w of m.getWeights()) expect(w.every(Number.isFinite)).toBe(true);
  });

  it("'skip-batch' skips the bad batch and finishes with finite weights", () => {
    const { X, y } = data();
    const m = model();
    const trainer = m.makeTrainer(X, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0, onNan: 'skip-batch' });
    const history = trainer.run();
    expect(trainer.skipped).toHaveLength(2); // once per epoch
    expect(trainer.skipped[0]).toMatch(/^epoch 1, batch 3 of 4: a gradient is not finite; first layer with a bad value: /);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    for (const w of m.getWeights()) expect(w.every(Number.isFinite)).toBe(true);
  });
});
