/**
 * The API's resume: a checkpoint document written mid-run (checkpointDocument), read back
 * (parseCheckpoint), and `model.fit(X, y, { resumeFrom: state })` ends with the weights and
 * History of a run never interrupted, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/errors.js';
import { checkpointDocument, parseCheckpoint } from '../../src/io/checkpoint.js';
import { ModelCheckpoint } from '../../src/nn/callbacks.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';

function data(): { X: Matrix; y: Float32Array } {
  const X = new Matrix(90, 4);
  const y = new Float32Array(90);
  for (let i = 0; i < 90; i++) {
    for (let j = 0; j < 4; j++) X.data[i * 4 + j] = Math.cos(i * 1.3 + j * 0.7);
    y[i] = X.data[i * 4] + X.data[i * 4 + 2] > 0 ? 1 : 0;
  }
  return { X, y };
}

const model = () => {
  const m = new Sequential([new Dense(8, { activation: 'relu', inputShape: [4] }), new Dense(1, { activation: 'sigmoid' })], { seed: 9 });
  m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return m;
};

describe('fit({ resumeFrom })', () => {
  it('continues from a checkpoint document to the uninterrupted result', () => {
    const { X, y } = data();
    const opts = { epochs: 3, batchSize: 8, verbose: 0 as const };
    const whole = model();
    const ref = whole.fit(X, y, opts);

    const first = model();
    const trainer = first.makeTrainer(X, y, opts);
    for (let i = 0; i < 17; i++) trainer.step(); // into the second epoch (12 steps each)
    const text = JSON.stringify(checkpointDocument(first, trainer.getState(), { options: {}, data: { rows: 90, cols: 4, fingerprint: '-' } }));

    const ck = parseCheckpoint(text, 'mid.json');
    const history = ck.model.fit(X, y, { resumeFrom: ck.state, verbose: 0 });
    expect(ck.model.getWeights()).toEqual(whole.getWeights());
    expect(history.history).toEqual(ref.history);
    expect(() => model().fit(X, y, { resumeFrom: ck.state, epochs: 5 })).toThrow(/resumeFrom is a run with epochs 3, but epochs 5 was given/);
  });

  it('ModelCheckpoint saves the state at each epoch start; resuming from one ends as the whole run', () => {
    const { X, y } = data();
    const opts = { epochs: 4, batchSize: 8, verbose: 0 as const };
    const whole = model();
    const ref = whole.fit(X, y, opts);
    const saved: string[] = [];
    const m = model();
    const cb = new ModelCheckpoint((state) => saved.push(JSON.stringify(checkpointDocument(m, state, { options: {}, data: { rows: 90, cols: 4, fingerprint: '-' } }))));
    m.fit(X, y, { ...opts, callbacks: [cb] });
    expect(saved).toHaveLength(3); // at the start of epochs 2, 3 and 4
    expect(m.getWeights()).toEqual(whole.getWeights());
    const ck = parseCheckpoint(saved[1]!, 'epoch3.json');
    expect(ck.state.epoch).toBe(2);
    const history = ck.model.fit(X, y, { resumeFrom: ck.state, verbose: 0 });
    expect(ck.model.getWeights()).toEqual(whole.getWeights());
    expect(history.history).toEqual(ref.history);
  });

  it('a damaged checkpoint is a CheckpointError naming the field', () => {
    const { X, y } = data();
    const m = model();
    const t = m.makeTrainer(X, y, { epochs: 1, batchSize: 8, verbose: 0 });
    t.step();
    const doc = JSON.parse(JSON.stringify(checkpointDocument(m, t.getState(), { options: {}, data: { rows: 90, cols: 4, fingerprint: '-' } })));
    doc.state.rngs.shuffle.key.pop();
    expect(() => parseCheckpoint(JSON.stringify(doc), 'c.json')).toThrow(CheckpointError);
    expect(() => parseCheckpoint(JSON.stringify(doc), 'c.json')).toThrow('c.json: state.rngs.shuffle.key: has 623 entries, expected 624');
  });
});
