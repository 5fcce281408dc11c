/**
 * A model exported three ways predicts the same: densely (the model file), TensorFlow.js (the
 * --save-tfjs folder, through tf.loadLayersModel) and ONNX Runtime (the --save-onnx file), on every
 * row of a features .npy whose last column is the label.
 *
 *   npx densely train --data data/marketing_data.npy.gz --save m.json --save-tfjs m-tfjs --save-onnx m.onnx
 *   npx tsx examples/check-exports.ts m.json m-tfjs m.onnx data/marketing_data.npy.gz
 *
 * Needs the devDependencies @tensorflow/tfjs and onnxruntime-web (densely itself needs neither).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { Matrix } from '../src/index.js';
import { loadModel, loadNpyMatrix } from '../src/node.js';

const [modelPath, tfjsDir, onnxPath, npyPath] = process.argv.slice(2);
await tf.setBackend('cpu');
ort.env.wasm.wasmPaths = join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-web', 'dist') + '/';
ort.env.wasm.numThreads = 1;

const table = loadNpyMatrix(npyPath);
const d = table.cols - 1;
const X = new Float32Array(table.rows * d);
for (let i = 0; i < table.rows; i++) X.set(table.data.subarray(i * table.cols, i * table.cols + d), i * d);

const densely = loadModel(modelPath).predict(new Matrix(table.rows, d, X)).data;

const json = JSON.parse(readFileSync(join(tfjsDir, 'model.json'), 'utf8'));
const bin = readFileSync(join(tfjsDir, 'weights.bin'));
const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
const viaTfjs = (tfModel.predict(tf.tensor2d(X, [table.rows, d])) as tf.Tensor).dataSync();

const session = await ort.InferenceSession.create(readFileSync(onnxPath));
const viaOnnx = (await session.run({ input: new ort.Tensor('float32', X, [table.rows, d]) })).output.data as Float32Array;

const maxDiff = (a: ArrayLike<number>) => Array.from(densely).reduce((m, v, i) => Math.max(m, Math.abs(v - a[i])), 0);
console.log(`${table.rows} rows × ${d} features: largest |difference| from densely: TensorFlow.js ${maxDiff(viaTfjs).toExponential(2)}, ONNX Runtime ${maxDiff(viaOnnx).toExponential(2)}`);
