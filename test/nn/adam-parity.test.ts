/**
 * Optimizer parity with frozen reference runs (test/fixtures/reference/adam_trace_*.json):
 * start from the trace's initial weights, fit one epoch without shuffling, and match every
 * batch loss and the final weights to 1e-5 — against tfjs with Adam's 'corrected' ε form,
 * and against the Keras-form replay (kerasForm) with the default Adam. On every registered backend
 * (js, and wasm where WebAssembly SIMD exists).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackends } from '../../src/backends/index.js';
import { Adam } from '../../src/optim/adam.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';

interface Weights {
  shape: number[];
  values: number[];
}
interface Trace {
  config: { inputDim: number; hidden: number[]; batchSize: number; learningRate: number; rows: number };
  X: number[];
  y: number[];
  initialWeights: Weights[];
  batchLosses: number[];
  finalWeights: Weights[];
  predictions: number[];
  kerasForm: { batchLosses: number[]; finalWeights: Weights[] };
}

const dir = join(__dirname, '..', 'fixtures', 'reference');
const traces = readdirSync(dir).filter((f) => /^adam_trace_.*\.json$/.test(f));

function run(trace: Trace, epsilonForm: 'keras' | 'corrected', backend: string) {
  const { inputDim, hidden, batchSize, learningRate, rows } = trace.config;
  const layers = [
    new Dense(hidden[0], { activation: 'relu', inputShape: [inputDim] }),
    ...hidden.slice(1).map((h) => new Dense(h, { activation: 'relu' })),
    new Dense(1, { activation: 'sigmoid' }),
  ];
  const model = new Sequential(layers, { backend });
  model.setWeights(trace.initialWeights.map((w) => w.values));
  const optimizer = epsilonForm === 'keras' ? new Adam({ learningRate }) : new Adam({ learningRate, epsilonForm });
  model.compile({ optimizer, loss: 'binary_crossentropy', metrics: ['accuracy'] });
  const losses: number[] = [];
  const X = new Matrix(rows, inputDim, Float32Array.from(trace.X));
  model.fit(X, Float32Array.from(trace.y), {
    epochs: 1,
    batchSize,
    shuffle: false,
    verbose: 0,
    callbacks: [{ onBatchEnd: (_b, logs) => losses.push(logs.loss) }],
  });
  return { model, losses, X };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const cases = traces.flatMap((file) => listBackends().map((b): [string, string] => [file, b.name]));

describe.each(cases)('Adam parity with %s on backend %s', (file, backend) => {
  const trace = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Trace;

  it('matches tfjs (epsilonForm "corrected"): batch losses, final weights, predictions', () => {
    const { model, losses, X } = run(trace, 'corrected', backend);
    expect(losses.length).toBe(trace.batchLosses.length);
    expect(maxDiff(losses, trace.batchLosses)).toBeLessThan(1e-5);
    const w = model.getWeights();
    trace.finalWeights.forEach((ref, i) => expect(maxDiff(w[i], ref.values)).toBeLessThan(1e-5));
    expect(maxDiff(model.predict(X).data, trace.predictions)).toBeLessThan(1e-5);
  });

  it('matches the Keras-form replay with the default Adam', () => {
    const { model, losses } = run(trace, 'keras', backend);
    expect(maxDiff(losses, trace.kerasForm.batchLosses)).toBeLessThan(1e-5);
    const w = model.getWeights();
    trace.kerasForm.finalWeights.forEach((ref, i) => expect(maxDiff(w[i], ref.values)).toBeLessThan(1e-5));
  });

  it('the two forms really differ on this trace (so the test can tell them apart)', () => {
    const keras = run(trace, 'keras', backend).model.getWeights();
    const tfjs = run(trace, 'corrected', backend).model.getWeights();
    expect(Math.max(...keras.map((w, i) => maxDiff(w, tfjs[i])))).toBeGreaterThan(1e-6);
  });
});

it('finds the trace fixtures', () => {
  expect(traces.length).toBeGreaterThanOrEqual(2);
});
