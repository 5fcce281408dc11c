/**
 * The page test/browser/threads.test.ts opens, served with and without cross-origin isolation.
 * It reports, as one JSON object in #out: whether the page is isolated, how many threads the
 * default ('auto') model gets, and (when isolated) whether a model trained with its gemms split
 * across the page's main thread and a Web Worker ends with exactly the weights of one thread.
 */
import { Dense, Matrix, Sequential } from '../../../src/index.js';
import type { Backend } from '../../../src/backends/backend.js';
import { threadedWasmBackend, wasmBackend } from '../../../src/backends/wasm/index.js';
import { twoThreadGemms } from '../../../src/backends/wasm/threads.js';

const out = document.getElementById('out')!;
const report: Record<string, unknown> = { isolated: globalThis.crossOriginIsolated === true };
// two default models: 'auto' warns at most once when it has to stay on one thread
report.autoThreads = new Sequential([]).backend.threads ?? 1;
report.autoThreadsAgain = new Sequential([]).backend.threads ?? 1;
try {
  new Sequential([], { threads: 2 });
  report.forcedTwo = 'ok';
} catch (e) {
  report.forcedTwo = (e as Error).message;
}

if (report.isolated) {
  let s = 3;
  const rand = () => (s = (s * 48271) % 2147483647) / 2147483647 - 0.5;
  const X = new Matrix(256, 40);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rand();
  const y = Float32Array.from({ length: 256 }, (_, i) => (X.data[i * 40] > 0 ? 1 : 0));
  const fit = async (backend: Backend) => {
    const m = new Sequential([new Dense(48, { activation: 'relu', inputShape: [40] }), new Dense(24, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })], { backend, seed: 9 });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    // fitAsync returns to the event loop between slices: a page's new Worker starts only then
    await m.fitAsync(X, y, { epochs: 8, batchSize: 32, verbose: 0 });
    return m.getWeights();
  };
  const one = await fit(wasmBackend);
  // a page's Worker may take a while to start: train until it has joined in, then compare
  for (let i = 0; i < 100 && twoThreadGemms() === 0; i++) {
    await fit(threadedWasmBackend(0));
    await new Promise((r) => setTimeout(r, 50));
  }
  const before = twoThreadGemms();
  const two = await fit(threadedWasmBackend(0)); // every gemm with N ≥ 16 splits, however small
  report.splits = twoThreadGemms() - before;
  report.sameWeights = one.length === two.length && one.every((w, i) => w.length === two[i].length && w.every((v, j) => v === two[i][j]));
}
out.textContent = JSON.stringify(report);
