/**
 * densely in a browser, no Node APIs: parse a CSV string, prepare it, split it as sklearn does,
 * train the pipeline's network with fitAsync while a timer keeps ticking (the page stays
 * responsive), and round-trip predictions through .npy bytes.
 * Build and open with: npx vite examples/browser   (or `bash examples/browser/check.sh` headless)
 */
import { Dense, Matrix, Sequential, prepareCsv, readNpy, rocAuc, splitIndices, writeNpy } from '../../src/index.js';

const out = document.getElementById('out')!;
const lines: string[] = [];
const log = (line: string) => {
  lines.push(line);
  out.textContent = lines.join('\n');
};

// a synthetic marketing export: ';'-separated, quoted categoricals, yes/no label (20000 rows, so
// that training on the wasm backend lasts long enough to time a 10 ms timer against)
let s = 7;
const rand = () => (s = (s * 48271) % 2147483647) / 2147483647;
const rows = ['"age";"job";"balance";"y"'];
for (let i = 0; i < 20000; i++) {
  const age = 20 + Math.floor(rand() * 50);
  const job = ['admin.', 'technician', 'retired'][Math.floor(rand() * 3)];
  const balance = Math.floor(rand() * 5000) - 500;
  const z = (age - 45) / 10 + (job === 'retired' ? 1.5 : 0) + balance / 2500 - 0.5 + (rand() - 0.5);
  rows.push(`${age};"${job}";${balance};"${z > 0 ? 'yes' : 'no'}"`);
}
const text = rows.join('\n');

const p = prepareCsv(() => [text], { split: (n) => splitIndices(n, { testSize: 0.2, randomState: 42 }) });
const X = new Matrix(p.rows, p.cols, p.X);
const model = new Sequential([
  new Dense(64, { activation: 'relu', inputShape: [p.cols] }),
  new Dense(64, { activation: 'relu' }),
  new Dense(1, { activation: 'sigmoid' }),
]);
model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
// the default backend: 'wasm' where WebAssembly SIMD exists (every current browser), else 'js'
log(`backend: ${model.backend.name}`);
// threads 'auto' (the default): 2 where the page is cross-origin isolated (served with COOP/COEP
// headers, so it has SharedArrayBuffer) and the machine has two cores; big gemms then split
// across the page and a Web Worker. Without isolation densely stays on one thread and says so once.
log(`threads: ${model.backend.threads ?? 1} (cross-origin isolated: ${globalThis.crossOriginIsolated === true})`);
// fitAsync trains in slices of ~2 ms and yields between them, so this 10 ms timer (and any
// click, scroll or repaint) keeps running while it trains; with fit it would wait for the end.
async function timerRate(during: () => Promise<unknown>): Promise<{ perSecond: number; ms: number }> {
  let ticks = 0;
  const id = setInterval(() => ticks++, 10);
  const started = performance.now();
  await during();
  const ms = performance.now() - started;
  clearInterval(id);
  return { perSecond: (ticks / ms) * 1000, ms };
}
let history!: Awaited<ReturnType<typeof model.fitAsync>>;
const training = await timerRate(async () => {
  history = await model.fitAsync(X.rowView(0, p.nTrain), p.y!.subarray(0, p.nTrain), { epochs: 10, print: log });
});
const idle = await timerRate(() => new Promise((resolve) => setTimeout(resolve, training.ms)));
log(`a 10 ms timer during fitAsync (${training.ms.toFixed(0)} ms): ${training.perSecond.toFixed(1)}/s; idle: ${idle.perSecond.toFixed(1)}/s; ratio ${(training.perSecond / idle.perSecond).toFixed(2)}`);
// the same training with the synchronous fit (the timer is frozen meanwhile): the same numbers
const twin = new Sequential([
  new Dense(64, { activation: 'relu', inputShape: [p.cols] }),
  new Dense(64, { activation: 'relu' }),
  new Dense(1, { activation: 'sigmoid' }),
]);
twin.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
const syncHistory = twin.fit(X.rowView(0, p.nTrain), p.y!.subarray(0, p.nTrain), { epochs: 10, verbose: 0 });
const sameLoss = syncHistory.history.loss.every((v, i) => v === history.history.loss[i]);
log(`fit and fitAsync, same losses: ${sameLoss}`);
const XTest = X.rowView(p.nTrain, p.rows);
const yTest = p.y!.subarray(p.nTrain);
const probs = model.predict(XTest);
const back = readNpy(writeNpy({ shape: [probs.rows, 1], data: probs.data }));
const same = (back.data as Float32Array).every((v, i) => v === probs.data[i]);
log(`features: ${p.featureNames.join(', ')}`);
log(`final loss ${history.history.loss.at(-1)!.toFixed(4)}; test accuracy ${model.evaluate(XTest, yTest).accuracy.toFixed(4)}; AUC ${rocAuc(probs.data, yTest).toFixed(4)}`);
log(`npy round trip identical: ${same}`);
log('DONE');
