/**
 * The backend seam from the model's side: a model runs on the backend it was given (resolved once,
 * handed to its layers and optimizer), every kernel operand lives in the model's one arena, and
 * the js backend gives the numbers it always gave.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { DEFAULT_BACKEND, jsBackend, listBackends, resolveBackend, wasmSimdSupported } from '../../src/backends/index.js';

const realJs = jsBackend;
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';

/** A backend (the js one unless told), with every call counted and the ArrayBuffer of every operand recorded. */
function spyBackend(jsBackend: Backend = realJs) {
  const calls: Record<string, number> = {};
  const buffers = new Set<ArrayBufferLike>();
  const note = (name: string, arrays: Float32Array[]) => {
    calls[name] = (calls[name] ?? 0) + 1;
    for (const a of arrays) if (a.length > 0) buffers.add(a.buffer);
  };
  const backend: Backend = {
    name: 'spy',
    createArena: (floats) => (note('createArena', []), jsBackend.createArena(floats)),
    gemm: (tA, tB, M, N, K, A, B, beta, C, s) => (note('gemm', [A, B, C, s]), jsBackend.gemm(tA, tB, M, N, K, A, B, beta, C, s)),
    gemmScratchFloats: (M, N, K) => jsBackend.gemmScratchFloats(M, N, K),
    activation(kind) {
      const k = jsBackend.activation(kind);
      return {
        biasForward: (Y, b, r, c) => (note(`${kind}.forward`, [Y, b]), k.biasForward(Y, b, r, c)),
        backward: (A, dA, db, r, c) => (note(`${kind}.backward`, [A, dA, db]), k.backward(A, dA, db, r, c)),
      };
    },
    sigmoidBce: (z, y, w, r, k, dZ) => (note('sigmoidBce', [z, y, dZ, ...(w ? [w] : [])]), jsBackend.sigmoidBce(z, y, w, r, k, dZ)),
    // the gather's source is the user's dataset; only its destination must be in the arena
    gatherRows: (src, cols, idx, start, count, dst) => (note('gatherRows', [dst]), jsBackend.gatherRows(src, cols, idx, start, count, dst)),
    adam: (w, g, m, v, a, b1, b2, e, s) => (note('adam', [w, g, m, v]), jsBackend.adam(w, g, m, v, a, b1, b2, e, s)),
    sgd: (w, g, u, lr, mu, n) => (note('sgd', [w, g, u]), jsBackend.sgd(w, g, u, lr, mu, n)),
    rmsprop: (w, g, v, lr, rho, e) => (note('rmsprop', [w, g, v]), jsBackend.rmsprop(w, g, v, lr, rho, e)),
  };
  return { backend, calls, buffers };
}

function data(n: number, d: number) {
  const rng = new MT19937(8);
  const X = new Matrix(n, d);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.random() < 0.7 ? 0 : 2 * rng.random() - 1; // one-hot-like zeros
  const y = Float32Array.from({ length: n }, (_, i) => (X.data[i * d] + X.data[i * d + 1] > 0 ? 1 : 0));
  return { X, y };
}

const layers = () => [
  new Dense(16, { activation: 'relu', inputShape: [7] }),
  new Dense(8, { activation: 'tanh', useBias: false }),
  new Dense(1, { activation: 'sigmoid' }),
];

describe('the backend a model is given', () => {
  it('runs every kernel of a training step, with the js numbers bit for bit', () => {
    const { X, y } = data(90, 7);
    const spy = spyBackend();
    const a = new Sequential(layers(), { backend: spy.backend });
    a.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const ha = a.fit(X, y, { epochs: 2, batchSize: 16, verbose: 0, validationSplit: 0.2 });
    const b = new Sequential(layers(), { backend: 'js' });
    b.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const hb = b.fit(X, y, { epochs: 2, batchSize: 16, verbose: 0, validationSplit: 0.2 });
    expect(a.backend).toBe(spy.backend);
    expect(b.backend).toBe(jsBackend);
    expect(ha.history).toEqual(hb.history);
    expect(a.getWeights()).toEqual(b.getWeights());
    const steps = 2 * Math.ceil(72 / 16);
    expect(spy.calls.adam).toBe(steps); // one flat block: one update call per step
    expect(spy.calls.gatherRows).toBe(2 * steps); // X and y
    expect(spy.calls.sigmoidBce).toBe(steps + 2 * 2); // + validation, 18 rows in 2 batches, each epoch
    expect(spy.calls['relu.forward']).toBeGreaterThan(steps);
    expect(spy.calls['tanh.backward']).toBe(steps);
    expect(spy.calls['linear.backward']).toBe(steps); // the output layer emits logits under BCE
    expect(spy.calls.gemm).toBeGreaterThanOrEqual(steps * 8);
    expect(spy.calls.createArena).toBeGreaterThanOrEqual(1); // the arena's memory is the backend's too
  });

  it.each(listBackends().map((b): [string, Backend] => [b.name, b]))('every operand of every kernel during a run is a view of one buffer: the arena (%s)', (name, inner) => {
    const { X, y } = data(90, 7);
    const spy = spyBackend(inner);
    const m = new Sequential(layers(), { backend: spy.backend, batchCapacity: 16 });
    m.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy' });
    m.build(7);
    spy.buffers.clear();
    m.fit(X, y, { epochs: 1, batchSize: 16, verbose: 0, validationSplit: 0.2 });
    m.evaluate(X, y, { batchSize: 16 }); // the caller's y too is copied in first
    expect(spy.calls.rmsprop).toBeGreaterThan(0);
    expect(spy.buffers.size).toBe(1);
    // on wasm, that buffer is a WebAssembly.Memory's: whole 64 KiB pages
    if (name === 'wasm') expect([...spy.buffers][0].byteLength % 65536).toBe(0);
  });

  it('is resolved by name once; an unknown name lists the known ones', () => {
    expect(resolveBackend('js')).toBe(jsBackend);
    expect(resolveBackend(undefined).name).toBe(DEFAULT_BACKEND);
    // the default is wasm where WebAssembly SIMD validates (it does in Node 20), js otherwise
    expect(DEFAULT_BACKEND).toBe(wasmSimdSupported() ? 'wasm' : 'js');
    expect(new Sequential([]).backend.name).toBe(DEFAULT_BACKEND);
    expect(() => new Sequential([], { backend: 'wasm-simd' })).toThrow(/unknown backend 'wasm-simd' \(available: js, wasm\)/);
  });
});
