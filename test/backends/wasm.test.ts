/**
 * What is particular to the wasm backend (its kernels' numbers are checked with every other
 * backend's in kernels.test.ts): the committed bytes are a fresh build of kernels.wat, the arena
 * is one WebAssembly.Memory sized once, the fallback where WebAssembly SIMD is missing, and the
 * bank pipeline scoring as on the js backend.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';
// @ts-expect-error: a plain .mjs build script, without types
import { buildKernelsModule } from '../../scripts/build-wasm.mjs';

const root = join(__dirname, '..', '..');

describe('the wasm backend', () => {
  it('ships exactly the bytes kernels.wat assembles to (npm run build:wasm)', async () => {
    const fresh: string = await buildKernelsModule(join(root, 'src/backends/wasm/kernels.wat'));
    const committed = readFileSync(join(root, 'src/backends/wasm/kernels-wasm.ts'), 'utf8');
    expect(fresh.length).toBeGreaterThan(1000);
    expect(committed).toBe(fresh);
  });

  it('places the arena in one WebAssembly.Memory of whole pages, which a run never grows', () => {
    const rng = new MT19937(5);
    const X = new Matrix(100, 9);
    for (let i = 0; i < X.data.length; i++) X.data[i] = rng.uniform(-1, 1);
    const y = Float32Array.from({ length: 100 }, (_, i) => (X.data[i * 9] > 0 ? 1 : 0));
    const m = new Sequential([new Dense(12, { activation: 'relu', inputShape: [9] }), new Dense(1, { activation: 'sigmoid' })], { backend: 'wasm', batchCapacity: 16 });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const w = m.getWeights(); // copies
    const buffer = (m as unknown as { arena: { floats: Float32Array } }).arena.floats.buffer;
    expect(buffer.byteLength % 65536).toBe(0);
    const before = buffer.byteLength;
    m.fit(X, y, { epochs: 3, batchSize: 16, verbose: 0 });
    const after = (m as unknown as { arena: { floats: Float32Array } }).arena.floats.buffer;
    expect(after).toBe(buffer); // the same memory: no re-plan, no growth, no detached views
    expect(after.byteLength).toBe(before);
    expect(m.getWeights()[0]).not.toEqual(w[0]); // and it did train
    // a larger batch re-plans explicitly: a new memory, the weights carried over
    const trained = m.getWeights();
    m.predict(X, { batchSize: 64 });
    expect((m as unknown as { arena: { floats: Float32Array } }).arena.floats.buffer).not.toBe(buffer);
    expect(m.getWeights()).toEqual(trained);
  });

  it("gives the bank pipeline's test accuracy and AUC within 0.005 of the js backend", () => {
    const result = (backend: string) => {
      const lines: string[] = [];
      expect(main(['train', '--json', '--backend', backend], { out: (l) => lines.push(l), err: () => {} })).toBe(0);
      return JSON.parse(lines[0]) as { backend: string; test: { accuracy: number; auc: number } };
    };
    const js = result('js');
    const wasm = result('wasm');
    expect([js.backend, wasm.backend]).toEqual(['js', 'wasm']);
    expect(Math.abs(wasm.test.accuracy - js.test.accuracy)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(wasm.test.auc - js.test.auc)).toBeLessThanOrEqual(0.005);
    expect(wasm.test.accuracy).toBeGreaterThanOrEqual(0.89);
    expect(wasm.test.auc).toBeGreaterThanOrEqual(0.77);
  });
});

describe('where WebAssembly SIMD is missing', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('the default falls back to js quietly, and forcing wasm is an error that says why', async () => {
    vi.stubGlobal('WebAssembly', { ...WebAssembly, validate: () => false });
    vi.resetModules();
    const backends = await import('../../src/backends/index.js');
    const { Sequential: Fresh } = await import('../../src/nn/sequential.js');
    expect(backends.wasmSimdSupported()).toBe(false);
    expect(backends.DEFAULT_BACKEND).toBe('js');
    expect(new Fresh([]).backend.name).toBe('js');
    expect(backends.listBackends().map((b) => b.name)).toEqual(['js']);
    expect(() => backends.resolveBackend('wasm')).toThrow(/backend 'wasm' needs WebAssembly SIMD, which this runtime does not have/);
    expect(() => new Fresh([], { backend: 'wasm' })).toThrow(/needs WebAssembly SIMD/);
  });
});
