// Saves and loads back a large model through the model file (saveModel / loadModel), checking
// every weight bit for bit, and prints the times and the files' sizes.
//
//   npm run build && node --max-old-space-size=12000 bench/big-model.mjs [units]
//
// units (default 20000): the first Dense layer's width on 5,000 inputs, so 20000 is about 100M
// weights (a 668-byte JSON and a 400 MB .weights.bin sidecar); 6000 is about 30M.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { Dense, Sequential } = await import(join(root, 'dist', 'index.js'));
const { saveModel, loadModel } = await import(join(root, 'dist', 'node.js'));

const units = Number(process.argv[2] ?? 20000);
const m = new Sequential([new Dense(units, { activation: 'relu', inputShape: [5000] }), new Dense(1, { activation: 'sigmoid' })], { seed: 1 });
m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
const dir = mkdtempSync(join(tmpdir(), 'densely-big-model-'));
const path = join(dir, 'model.json');
try {
  const t0 = performance.now();
  saveModel(path, m);
  const t1 = performance.now();
  const back = loadModel(path);
  const t2 = performance.now();
  const a = m.getWeights();
  const b = back.getWeights();
  const same = a.length === b.length && a.every((w, i) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)));
  const size = (p) => { try { return statSync(p).size; } catch { return 0; } };
  console.log(`${m.memoryReport().params.toLocaleString('en')} weights: save ${((t1 - t0) / 1000).toFixed(1)} s, load ${((t2 - t1) / 1000).toFixed(1)} s, identical: ${same}; model.json ${size(path)} bytes, model.json.weights.bin ${size(`${path}.weights.bin`)} bytes; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
