/**
 * The wasm backend on two threads (src/backends/wasm/threads.ts): a gemm split across the
 * calling thread and the helper worker gives exactly the one-thread numbers (every element is the
 * same sequential sum over k), a model trained on two threads ends with exactly the same weights,
 * the helper never keeps a process alive, and asking for two threads where they cannot run says
 * why. `threadedWasmBackend(0)` splits every product with N ≥ 16, however small, so the tests
 * exercise the split on odd shapes.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Backend } from '../../src/backends/backend.js';
import { threadedWasmBackend, wasmBackend } from '../../src/backends/wasm/index.js';
import { twoThreadGemms } from '../../src/backends/wasm/threads.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';

const root = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A, B, C and scratch for one product, in an arena of `backend`, filled from `seed`. */
function problem(backend: Backend, M: number, N: number, K: number, seed: number) {
  const s = backend.gemmScratchFloats(M, N, K);
  const arena = backend.createArena(M * K + K * N + M * N + s);
  const rng = new MT19937(seed);
  const A = arena.alloc(M * K);
  const B = arena.alloc(K * N);
  for (let i = 0; i < A.length; i++) A[i] = rng.uniform(-1, 1);
  for (let i = 0; i < B.length; i++) B[i] = rng.uniform(-1, 1);
  const C = arena.alloc(M * N);
  const scratch = arena.alloc(s);
  return { A, B, C, scratch };
}

describe('the wasm backend on two threads', () => {
  it('splits a gemm into column halves that equal the one-thread product bit for bit (NN, TN, NT, TT; odd shapes; beta 0 and 1)', async () => {
    const two = threadedWasmBackend(0);
    const shapes: [number, number, number][] = [[37, 45, 29], [5, 17, 3], [1, 33, 130], [66, 131, 70]]; // none a multiple of the 4×8 tile; 66·131 > 8192 packs B
    let split = 0;
    for (const [M, N, K] of shapes) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const p2 = problem(two, M, N, K, M * N + K);
        const p1 = problem(wasmBackend, M, N, K, M * N + K);
        const C0 = new MT19937(3).uniform(-1, 1);
        for (const beta of [0, 1] as const) {
          p1.C.fill(beta ? C0 : NaN);
          wasmBackend.gemm(tA, tB, M, N, K, p1.A, p1.B, beta, p1.C, p1.scratch.fill(NaN));
          // the helper takes a new memory asynchronously: until then the product runs on one thread
          const before = twoThreadGemms();
          for (let tries = 0; tries < 400 && twoThreadGemms() === before; tries++) {
            p2.C.fill(beta ? C0 : NaN);
            two.gemm(tA, tB, M, N, K, p2.A, p2.B, beta, p2.C, p2.scratch.fill(NaN));
            if (twoThreadGemms() === before) await sleep(5);
          }
          expect(twoThreadGemms(), `${M}×${N}×${K} ${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} split`).toBe(before + 1);
          expect(p2.C, `${M}×${N}×${K} ${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} beta ${beta}`).toEqual(p1.C);
          split++;
        }
      }
    }
    expect(split).toBe(shapes.length * 8);
  });

  it('trains a model to exactly the weights of one thread', async () => {
    const rng = new MT19937(11);
    const X = new Matrix(300, 40);
    for (let i = 0; i < X.data.length; i++) X.data[i] = rng.uniform(-1, 1);
    const y = Float32Array.from({ length: 300 }, (_, i) => (X.data[i * 40] + X.data[i * 40 + 1] > 0 ? 1 : 0));
    const fit = async (backend: Backend) => {
      const m = new Sequential([new Dense(48, { activation: 'relu', inputShape: [40] }), new Dense(24, { activation: 'tanh' }), new Dense(1, { activation: 'sigmoid' })], { backend, seed: 5 });
      m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
      // fitAsync yields between slices, so the helper can take the new memory mid-run
      await m.fitAsync(X, y, { epochs: 6, batchSize: 32, verbose: 0 });
      return m.getWeights();
    };
    const one = await fit(wasmBackend);
    // the helper may still be starting (this test alone): train until it has joined in, then compare
    for (let i = 0; i < 100 && twoThreadGemms() === 0; i++) {
      await fit(threadedWasmBackend(0));
      await sleep(20);
    }
    // each new model is a new memory, which the helper takes up between slices: on a loaded
    // machine a run may split few of its gemms, so run until one splits most of them (every run
    // must equal one thread, however many it split)
    let most = 0;
    for (let attempt = 0; attempt < 10 && most <= 50; attempt++) {
      const before = twoThreadGemms();
      const two = await fit(threadedWasmBackend(0));
      most = Math.max(most, twoThreadGemms() - before);
      expect(two).toEqual(one);
    }
    expect(most).toBeGreaterThan(50); // it really ran on two threads
  });

  it('lets the process exit after two-thread gemms (the helper never keeps it alive)', () => {
    const script = `
      import { threadedWasmBackend } from './src/backends/wasm/index.ts';
      import { twoThreadGemms } from './src/backends/wasm/threads.ts';
      const b = threadedWasmBackend(0);
      const a = b.createArena(64 * 64 * 3 + b.gemmScratchFloats(64, 64, 64));
      const [A, B, C, S] = [a.alloc(4096).fill(1), a.alloc(4096).fill(1), a.alloc(4096), a.alloc(b.gemmScratchFloats(64, 64, 64))];
      const until = Date.now() + 5000;
      while (twoThreadGemms() === 0 && Date.now() < until) b.gemm(false, false, 64, 64, 64, A, B, 0, C, S);
      console.log(twoThreadGemms() > 0 && C[0] === 64 ? 'split' : 'no split');
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.signal, r.stderr).toBeNull(); // not killed by the timeout: it exited by itself
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('split');
  });

  it("reports the threads in train --json, and refuses threads 2 on the js backend", () => {
    const lines: string[] = [];
    const code = main(['train', '--json', '--epochs', '1', '--threads', '2'], { out: (l) => lines.push(l), err: () => {} });
    expect(code).toBe(0);
    expect(JSON.parse(lines[0])).toMatchObject({ backend: 'wasm', threads: 2 });
    const err: string[] = [];
    expect(main(['train', '--threads', '2', '--backend', 'js'], { out: () => {}, err: (l) => err.push(l) })).toBe(2);
    expect(err.join('\n')).toMatch(/threads: 2 needs backend 'wasm'/);
    expect(() => new Sequential([], { backend: 'js', threads: 2 })).toThrow(/threads: 2 needs backend 'wasm'/);
    expect(() => new Sequential([], { backend: wasmBackend, threads: 2 })).toThrow(/threads: 2 needs backend 'wasm' by name/);
    expect(new Sequential([], { backend: 'js' }).backend.threads ?? 1).toBe(1);
    expect(new Sequential([], { threads: 1 }).backend.threads ?? 1).toBe(1);
    expect(() => new Sequential([], { threads: 3 as 2 })).toThrow(/threads must be 1, 2 or 'auto'/);
  });
});

describe('where shared memory is missing (a page that is not cross-origin isolated)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("'auto' stays on one thread quietly in Node, and threads 2 is an error that says why", async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    vi.resetModules();
    const { Sequential: Fresh } = await import('../../src/nn/sequential.js');
    const auto = new Fresh([]);
    expect(auto.backend.name).toBe('wasm');
    expect(auto.backend.threads ?? 1).toBe(1);
    expect(() => new Fresh([], { threads: 2 })).toThrow(/threads: 2 cannot run here: .*SharedArrayBuffer.*cross-origin isolated/);
  });
});
