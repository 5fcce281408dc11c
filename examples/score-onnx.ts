/**
 * One ONNX file scores raw CSV rows: the model `densely train --save-onnx m.onnx --onnx-preprocess`
 * wrote, run in ONNX Runtime (onnxruntime-web's WebAssembly build, in Node), compared row by row
 * with `densely predict` on the same rows. Any ONNX Runtime takes the same feeds (onnxruntime-node
 * on a server, onnxruntime-web in a page, ONNX Runtime Mobile, the Python and C# packages).
 *
 *   npx densely train --data data/bank-full.csv.gz --drop duration --save m.json --save-onnx m.onnx --onnx-preprocess
 *   npx densely predict --model m.json --data data/bank-full.csv.gz --out scores.csv
 *   npx tsx examples/score-onnx.ts m.json m.onnx data/bank-full.csv.gz scores.csv
 *
 * The graph has one input per raw column (see docs/export.md): float32 [N, 1] for a numeric
 * column (a blank cell is NaN), string [N, 1] for a categorical one. The model file says which is which.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-web';
import { parseCsv, type PreprocessorJSON } from '../src/index.js';

const [modelPath, onnxPath, csvPath, scoresPath] = process.argv.slice(2);
ort.env.wasm.wasmPaths = join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-web', 'dist') + '/';
ort.env.wasm.numThreads = 1;

const pre = (JSON.parse(readFileSync(modelPath, 'utf8')) as { preparation: { preprocessor: PreprocessorJSON } }).preparation.preprocessor;
const bytes = readFileSync(csvPath);
const { header, rows } = parseCsv(new TextDecoder().decode(csvPath.endsWith('.gz') ? gunzipSync(bytes) : bytes));
const n = rows.length;

// one feed per column the preparation reads, shaped [n, 1]
const feeds: Record<string, ort.Tensor> = {};
for (const c of pre.columns) {
  const j = header.indexOf(c.name);
  const cells = rows.map((r) => r[j]);
  if (c.type === 'onehot') feeds[c.name] = new ort.Tensor('string', cells, [n, 1]);
  else feeds[c.name] = new ort.Tensor('float32', Float32Array.from(cells, (v) => (v.trim() === '' ? NaN : Number(v))), [n, 1]);
}
const session = await ort.InferenceSession.create(readFileSync(onnxPath));
const { output } = await session.run(feeds);
const scores = output.data as Float32Array;

const densely = readFileSync(scoresPath, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').pop()));
let max = 0;
for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(scores[i] - densely[i]));
console.log(`${n} raw rows scored by ONNX Runtime; largest difference from densely predict: ${max.toExponential(2)}`);
