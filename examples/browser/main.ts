/**
 * densely in a browser, no Node APIs: parse a CSV string, prepare it, split it as sklearn does,
 * train the pipeline's network, and round-trip predictions through .npy bytes.
 * Build and open with: npx vite examples/browser   (or `bash examples/browser/check.sh` headless)
 */
import { Dense, Matrix, Sequential, prepareCsv, readNpy, rocAuc, splitIndices, writeNpy } from '../../src/index.js';

const out = document.getElementById('out')!;
const lines: string[] = [];
const log = (line: string) => {
  lines.push(line);
  out.textContent = lines.join('\n');
};

// a small synthetic marketing export: ';'-separated, quoted categoricals, yes/no label
let s = 7;
const rand = () => (s = (s * 48271) % 2147483647) / 2147483647;
const rows = ['"age";"job";"balance";"y"'];
for (let i = 0; i < 2000; i++) {
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
const history = model.fit(X.rowView(0, p.nTrain), p.y!.subarray(0, p.nTrain), { epochs: 10, print: log });
const XTest = X.rowView(p.nTrain, p.rows);
const yTest = p.y!.subarray(p.nTrain);
const probs = model.predict(XTest);
const back = readNpy(writeNpy({ shape: [probs.rows, 1], data: probs.data }));
const same = (back.data as Float32Array).every((v, i) => v === probs.data[i]);
log(`features: ${p.featureNames.join(', ')}`);
log(`final loss ${history.history.loss.at(-1)!.toFixed(4)}; test accuracy ${model.evaluate(XTest, yTest).accuracy.toFixed(4)}; AUC ${rocAuc(probs.data, yTest).toFixed(4)}`);
log(`npy round trip identical: ${same}`);
log('DONE');
