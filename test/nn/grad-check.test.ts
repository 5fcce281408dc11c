/**
 * gradCheck: backprop against central differences. It must pass on correct models (relu, tanh,
 * sigmoid; BCE on logits and MSE) and flag gradients broken on purpose: a backend whose tanh
 * backward forgets a square, a layer that doubles its bias gradient, a layer whose forward no
 * longer matches its backward.
 */
import { describe, expect, it } from 'vitest';
import { Dense, GRAD_CHECK_TOLERANCE, gradCheck, jsBackend, MT19937, Sequential, type ActivationKind, type Backend, type Layer, type LossName } from '../../src/index.js';

/** 24 rows of 3 features in [-1, 1); the label is the sign of x0·x1 (xor-like). */
function data(): { X: number[][]; y: number[] } {
  const rng = new MT19937(7);
  const X = Array.from({ length: 24 }, () => [2 * rng.random() - 1, 2 * rng.random() - 1, 2 * rng.random() - 1]);
  return { X, y: X.map((r) => (r[0] * r[1] > 0 ? 1 : 0)) };
}

function model(activation: ActivationKind, options: { loss?: string; backend?: Backend; hidden?: Layer } = {}): Sequential {
  const m = new Sequential(
    [new Dense(6, { activation, inputShape: [3] }), options.hidden ?? new Dense(5, { activation }), new Dense(1, { activation: 'sigmoid' })],
    { backend: options.backend, seed: 3 },
  );
  m.compile({ optimizer: 'adam', loss: (options.loss ?? 'binary_crossentropy') as LossName });
  const { X, y } = data();
  m.fit(X, y, { epochs: 15, batchSize: 8, verbose: 0 }); // away from the initial zero biases
  return m;
}

describe('gradCheck', () => {
  it.each(['relu', 'tanh', 'sigmoid'] as const)('passes on a trained %s model, every weight of every layer checked', (activation) => {
    const { X, y } = data();
    for (const loss of ['binary_crossentropy', 'mse']) {
      const r = gradCheck(model(activation, { loss }), X, y);
      expect(r.reference).toBe('float64');
      expect(r.layers.map((l) => [l.layer, l.params])).toEqual([['dense', 3 * 6 + 6], ['dense_1', 6 * 5 + 5], ['dense_2', 5 + 1]]);
      expect(r.worst, JSON.stringify(r.layers.map((l) => l.worstAt))).toBeLessThan(GRAD_CHECK_TOLERANCE);
      expect(r.worst).toBe(Math.max(...r.layers.map((l) => l.maxRelError)));
    }
  });

  it('leaves the weights exactly as they were', () => {
    const { X, y } = data();
    const m = model('tanh');
    const before = m.getWeights();
    gradCheck(m, X, y);
    expect(m.getWeights()).toEqual(before);
  });

  it('flags a backend whose tanh backward uses 1 − a instead of 1 − a²', () => {
    const tanh = jsBackend.activation('tanh');
    const broken: Backend = {
      ...jsBackend,
      name: 'broken-tanh',
      activation: (kind) =>
        kind !== 'tanh'
          ? jsBackend.activation(kind)
          : {
              biasForward: tanh.biasForward,
              backward(A, dA, db, rows, cols) {
                for (let i = 0; i < rows * cols; i++) dA[i] *= 1 - A[i]; // the bug: should be 1 − A²
                for (let i = 0; i < rows * cols; i++) db[i % cols] += dA[i];
              },
            },
    };
    const { X, y } = data();
    const r = gradCheck(model('tanh', { backend: broken }), X, y);
    // both tanh layers' gradients are wrong; the output layer's (dW = Aᵀ·dZ, linear on logits) is not
    expect(r.layers[0].maxRelError).toBeGreaterThan(0.1);
    expect(r.layers[1].maxRelError).toBeGreaterThan(0.1);
    expect(r.layers[2].maxRelError).toBeLessThan(GRAD_CHECK_TOLERANCE);
    expect(r.worst).toBeGreaterThan(100 * GRAD_CHECK_TOLERANCE);
  });

  it('flags a layer that doubles its bias gradient, and says which tensor', () => {
    class DoubledBias extends Dense {
      override backward(dY: Float32Array, rows: number, needDX: boolean): Float32Array | null {
        const db = this.params()[1].grad;
        const before = Float32Array.from(db);
        const dX = super.backward(dY, rows, needDX);
        for (let j = 0; j < db.length; j++) db[j] = before[j] + 2 * (db[j] - before[j]);
        return dX;
      }
    }
    const { X, y } = data();
    const r = gradCheck(model('relu', { hidden: new DoubledBias(5, { activation: 'relu' }) }), X, y);
    const hidden = r.layers[1];
    expect(hidden.maxRelError).toBeGreaterThan(0.3); // |2a − a| / |2a| = 0.5 where the bias gradient is not tiny
    expect(hidden.worstAt?.tensor).toBe('dense_1/bias');
    expect(r.layers[2].maxRelError).toBeLessThan(GRAD_CHECK_TOLERANCE);
  });

  it("differences the engine's own forward when the float64 twin does not match it, and flags the mismatch", () => {
    // forward halves its output; backward still differentiates the unhalved layer
    class HalvedForward extends Dense {
      override forward(X: Float32Array, rows: number): Float32Array {
        const Y = super.forward(X, rows);
        for (let i = 0; i < rows * this.units; i++) Y[i] *= 0.5;
        return Y;
      }
    }
    const { X, y } = data();
    const m = model('linear', { hidden: new HalvedForward(5, { activation: 'linear' }) });
    const before = m.getWeights();
    const r = gradCheck(m, X, y);
    expect(r.reference).toBe('engine');
    expect(r.epsilon).toBe(1e-2);
    expect(r.worst).toBeGreaterThan(0.3);
    expect(m.getWeights()).toEqual(before); // perturbed in place, restored bit for bit
  });

  it("passes against the engine's own forward too, for a layer the twin does not know", () => {
    // a Dense in disguise: not `instanceof Dense`, so the twin steps aside
    class Disguised implements Layer {
      readonly className = 'Disguised';
      private readonly inner = new Dense(5, { activation: 'tanh' });
      get name() { return this.inner.name; }
      set name(v: string) { this.inner.name = v; }
      get inputDim() { return this.inner.inputDim; }
      get outputDim() { return this.inner.outputDim; }
      get paramCount() { return this.inner.paramCount; }
      build: Layer['build'] = (d, b) => this.inner.build(d, b);
      bindParams: Layer['bindParams'] = (p, g) => this.inner.bindParams(p, g);
      initialize: Layer['initialize'] = (rng) => this.inner.initialize(rng);
      workspaceFloats: Layer['workspaceFloats'] = (n) => this.inner.workspaceFloats(n);
      bindWorkspace: Layer['bindWorkspace'] = (a, n, s) => this.inner.bindWorkspace(a, n, s);
      scratchFloats: Layer['scratchFloats'] = (n) => this.inner.scratchFloats(n);
      forward: Layer['forward'] = (X, rows) => this.inner.forward(X, rows);
      backward: Layer['backward'] = (dY, rows, need) => this.inner.backward(dY, rows, need);
      params: Layer['params'] = () => this.inner.params();
      paramShapes: Layer['paramShapes'] = () => this.inner.paramShapes();
      toJSON: Layer['toJSON'] = () => this.inner.toJSON();
    }
    const disguised = new Disguised();
    const { X, y } = data();
    const r = gradCheck(model('tanh', { hidden: disguised }), X, y, { floor: 1e-4 });
    expect(r.reference).toBe('engine');
    expect(r.worst).toBeLessThan(1e-2); // float32 forward noise: looser than the twin's 1e-3
  });

  it('refuses an uncompiled model and a bad epsilon', () => {
    const m = new Sequential([new Dense(1, { inputShape: [2] })]);
    expect(() => gradCheck(m, [[1, 2]], [1])).toThrow(/compile/);
    m.compile({ loss: 'mse' });
    expect(() => gradCheck(m, [[1, 2]], [1], { epsilon: 0 })).toThrow(/epsilon/);
  });
});
