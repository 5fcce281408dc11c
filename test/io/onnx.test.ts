/**
 * The ONNX export, scored by ONNX Runtime itself (onnxruntime-web, a devDependency, on its
 * WebAssembly backend in Node): the plain model, and with the data preparation in the graph, each
 * predicting what densely predicts to 1e-5. Plus the hand-written protobuf encoder's bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, Dropout, Matrix, Sequential, Standardizer, onnxModelBytes, prepareCsv, type ChunkSource } from '../../src/index.js';
import { saveModel } from '../../src/node.js';
import { main } from '../../src/cli/main.js';
import { writeNpy } from '../../src/data/npy.js';
import { ProtoWriter } from '../../src/io/onnx/protobuf.js';

const tmp = mkdtempSync(join(tmpdir(), 'densely-onnx-'));
const io = { out: () => {}, err: () => {} };

beforeAll(() => {
  // the WebAssembly files from the package itself, one thread: no network, no workers
  ort.env.wasm.wasmPaths = join(__dirname, '..', '..', 'node_modules', 'onnxruntime-web', 'dist') + '/';
  ort.env.wasm.numThreads = 1;
});

type Feeds = Record<string, ort.Tensor>;

async function score(bytes: Uint8Array, feeds: Feeds): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run(feeds);
  return out.output.data as Float32Array;
}

function rows(n: number, d: number, seed = 7): Matrix {
  let s = seed;
  return new Matrix(n, d, Float32Array.from({ length: n * d }, () => ((s = (s * 48271) % 2147483647) / 2147483647) * 4 - 2));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The score column of a scored CSV densely wrote. */
function scoresOf(path: string): number[] {
  return readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').pop()));
}

describe('protobuf.ts', () => {
  it('writes the wire format by hand: varints, negative int64, strings, floats, packed lists', () => {
    expect(Array.from(new ProtoWriter().int(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    expect(Array.from(new ProtoWriter().int(3, -1).finish())).toEqual([0x18, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
    expect(Array.from(new ProtoWriter().string(2, 'hi').finish())).toEqual([0x12, 2, 104, 105]);
    expect(Array.from(new ProtoWriter().float(2, 1).finish())).toEqual([0x15, 0, 0, 0x80, 0x3f]);
    expect(Array.from(new ProtoWriter().packedInts(1, [3, 270]).finish())).toEqual([0x0a, 3, 3, 0x8e, 0x02]);
    expect(Array.from(new ProtoWriter().packedFloats(4, [1, -2]).finish())).toEqual([0x22, 8, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    const inner = new ProtoWriter().int(1, 1).finish();
    expect(Array.from(new ProtoWriter().message(7, inner).finish())).toEqual([0x3a, 2, 0x08, 1]);
  });
});

describe('ONNX export', () => {
  it('model.save(path, { format: "onnx" }) scores in ONNX Runtime as densely predicts, to 1e-5', async () => {
    const model = new Sequential([new Dense(16, { inputShape: [6], activation: 'relu' }), new Dense(8, { activation: 'tanh', useBias: false }), new Dense(1, { activation: 'sigmoid' })], { seed: 5 });
    model.compile({ loss: 'binary_crossentropy' });
    const X = rows(100, 6);
    model.fit(X, Float32Array.from({ length: 100 }, (_, i) => (X.data[i * 6] + X.data[i * 6 + 3] > 0 ? 1 : 0)), { epochs: 3, verbose: 0 });
    const path = join(tmp, 'm.onnx');
    model.save(path, { format: 'onnx' });
    const got = await score(readFileSync(path), { input: new ort.Tensor('float32', X.data, [100, 6]) });
    expect(maxDiff(got, model.predict(X).data)).toBeLessThan(1e-5);
  });

  it('the new activations (leaky_relu and elu with their alpha, selu, softplus, a softmax head) and a Dropout score as densely predicts', async () => {
    const model = new Sequential(
      [
        new Dense(8, { inputShape: [4], activation: 'leaky_relu', alpha: 0.1 }),
        new Dropout(0.3),
        new Dense(8, { activation: 'elu', alpha: 0.5 }),
        new Dense(6, { activation: 'selu' }),
        new Dense(6, { activation: 'softplus' }),
        new Dense(3, { activation: 'softmax' }),
      ],
      { seed: 8 },
    );
    model.compile({ loss: 'sparse_categorical_crossentropy' });
    const X = rows(40, 4, 5);
    model.fit(X, Float32Array.from({ length: 40 }, (_, i) => (X.data[i * 4] > 0 ? 1 : 2)), { epochs: 2, verbose: 0 });
    const got = await score(onnxModelBytes(model.toJSON()), { input: new ort.Tensor('float32', X.data, [40, 4]) });
    expect(maxDiff(got, model.predict(X).data)).toBeLessThan(1e-5);
  });

  it('writes a linear multi-output head, and refuses an activation it cannot write by name', async () => {
    const model = new Sequential([new Dense(5, { inputShape: [3], activation: 'sigmoid' }), new Dense(3)], { seed: 9 });
    const X = rows(10, 3, 2);
    const got = await score(onnxModelBytes(model.toJSON()), { input: new ort.Tensor('float32', X.data, [10, 3]) });
    expect(maxDiff(got, model.predict(X).data)).toBeLessThan(1e-5);
    const doc = model.toJSON();
    // a Dropout (coming to densely) writes no node: the identity at inference
    const withDropout = { ...doc, layers: [doc.layers[0], { className: 'Dropout', name: 'dropout', rate: 0.5 }, doc.layers[1]] };
    const again = await score(onnxModelBytes(withDropout), { input: new ort.Tensor('float32', X.data, [10, 3]) });
    expect(maxDiff(again, got)).toBe(0);
    expect(() => onnxModelBytes({ ...doc, layers: [doc.layers[0], { className: 'Conv1D', name: 'conv' }] })).toThrow(/layer 'conv' is a Conv1D, which the ONNX export does not write/);
    doc.layers[1].activation = 'swish';
    expect(() => onnxModelBytes(doc)).toThrow(/layer 'dense_1' uses activation 'swish', which the ONNX export does not write/);
  });
});

describe('ONNX export with the data preparation (--onnx-preprocess)', () => {
  it('.npy route: Standardizer (with mean imputation) in the graph; raw features score as densely predict scores them', async () => {
    const n = 240;
    const d = 4;
    const X = rows(n, d, 3);
    const table = new Float32Array(n * (d + 1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) table[i * (d + 1) + j] = X.data[i * d + j] * (j + 1) * 10 + 50 * j; // far from z-scores
      table[i * (d + 1) + d] = X.data[i * d] > X.data[i * d + 2] ? 1 : 0;
    }
    table[5 * (d + 1) + 1] = NaN; // a missing cell in training, imputed
    const data = join(tmp, 'train.npy');
    writeFileSync(data, writeNpy({ dtype: 'f4', shape: [n, d + 1], data: table }));
    const onnx = join(tmp, 'npy.onnx');
    expect(main(['train', '--data', data, '--standardize', '--impute', 'mean', '--epochs', '2', '--save', join(tmp, 'npy.json'), '--save-onnx', onnx, '--onnx-preprocess', '--json'], io)).toBe(0);

    const raw = new Float32Array(20 * d);
    for (let i = 0; i < 20; i++) raw.set(table.subarray(i * (d + 1), i * (d + 1) + d), i * d);
    raw[3 * d + 2] = NaN; // imputed at scoring time too
    const features = join(tmp, 'raw.npy');
    writeFileSync(features, writeNpy({ dtype: 'f4', shape: [20, d], data: raw }));
    const out = join(tmp, 'npy-scores.csv');
    expect(main(['predict', '--model', join(tmp, 'npy.json'), '--data', features, '--out', out], io)).toBe(0);
    const got = await score(readFileSync(onnx), { input: new ort.Tensor('float32', raw, [20, d]) });
    expect(maxDiff(got, scoresOf(out))).toBeLessThan(1e-5);
  });

  it('CSV route: one input per raw column, z-scores with mean imputation and a one-hot of strings; raw rows score as densely predict scores them', async () => {
    const jobs = ['admin', 'blue-collar', 'technician', 'retired'];
    const lines = ['age,job,balance,y'];
    let s = 11;
    const rand = () => (s = (s * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 300; i++) {
      const age = 20 + Math.floor(rand() * 50);
      const job = jobs[Math.floor(rand() * jobs.length)];
      const balance = Math.round((rand() - 0.3) * 5000);
      const y = (age > 45 ? 1 : 0) + (job === 'retired' ? 1 : 0) + (balance > 1500 ? 1 : 0) >= 2 ? 'yes' : 'no';
      lines.push(`${age},${job},${balance},${y}`);
    }
    const train = join(tmp, 'train.csv');
    writeFileSync(train, lines.join('\n') + '\n');
    const onnx = join(tmp, 'csv.onnx');
    expect(main(['train', '--data', train, '--label', 'y', '--impute', 'mean', '--epochs', '3', '--save', join(tmp, 'csv.json'), '--save-onnx', onnx, '--onnx-preprocess', '--json'], io)).toBe(0);

    // rows to score: the first 30, one with a category never seen in training (all zeros, in both)
    // and one with a missing balance
    const score30 = lines.slice(1, 31).map((l) => l.split(','));
    score30[4][1] = 'student';
    score30[7][2] = ''; // a missing number: the training mean in both (--impute mean)
    const rowsCsv = join(tmp, 'rows.csv');
    writeFileSync(rowsCsv, ['age,job,balance', ...score30.map((r) => r.slice(0, 3).join(','))].join('\n') + '\n');
    const out = join(tmp, 'csv-scores.csv');
    expect(main(['predict', '--model', join(tmp, 'csv.json'), '--data', rowsCsv, '--out', out], io)).toBe(0);

    const col = (j: number) => score30.map((r) => r[j]);
    const got = await score(readFileSync(onnx), {
      age: new ort.Tensor('float32', Float32Array.from(col(0), Number), [30, 1]),
      job: new ort.Tensor('string', col(1), [30, 1]),
      balance: new ort.Tensor('float32', Float32Array.from(col(2), (v) => (v === '' ? NaN : Number(v))), [30, 1]),
    });
    const expected = scoresOf(out);
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
    expect(new Set(expected.map((v) => v.toFixed(3))).size).toBeGreaterThan(5); // real, varied scores

    // densely export writes the same file from the saved model, without training again
    const again = join(tmp, 'again.onnx');
    expect(main(['export', '--model', join(tmp, 'csv.json'), '--onnx', again, '--preprocess'], io)).toBe(0);
    expect(readFileSync(again).equals(readFileSync(onnx))).toBe(true);
    expect(main(['export', '--model', join(tmp, 'csv.json'), '--preprocess'], io)).toBe(2);
  });

  it("the API: saveModel(path, model, { preparation }, { format: 'onnx', preprocess: true })", async () => {
    const raw = rows(30, 3, 17);
    for (let i = 0; i < raw.data.length; i++) raw.data[i] = raw.data[i] * 40 + 100;
    const s = Standardizer.fit(raw.data, 3);
    const model = new Sequential([new Dense(5, { inputShape: [3], activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })], { seed: 2 });
    const path = join(tmp, 'api.onnx');
    saveModel(path, model, { preparation: { kind: 'npy', standardizer: s.toJSON() } }, { format: 'onnx', preprocess: true });
    const got = await score(readFileSync(path), { input: new ort.Tensor('float32', raw.data, [30, 3]) });
    const expected = model.predict(new Matrix(30, 3, s.transform(raw.data.slice()))).data;
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
    expect(() => saveModel(path, model, {}, { format: 'onnx', preprocess: true })).toThrow(/preprocess needs sections.preparation/);
    expect(() => saveModel(path, model, {}, { format: 'tfjs', preprocess: true })).toThrow(/preprocess goes with format 'onnx'/);
  });

  it('API binary columns (booleans: "binary"): yes/no, true/false text in any case, others imputed, as the Preprocessor encodes them', async () => {
    const text = (t: string): ChunkSource => Object.assign(() => [new TextEncoder().encode(t)], { sourceName: 'rows' });
    const train = ['age,housing,job,y'];
    for (let i = 0; i < 60; i++) train.push(`${20 + ((i * 7) % 40)},${i % 3 ? 'yes' : 'no'},${['a', 'b', 'c'][i % 3]},${i % 2 ? 'yes' : 'no'}`);
    const p = prepareCsv(text(train.join('\n') + '\n'), { label: 'y', booleans: 'binary', impute: 'mean' });
    expect(p.preprocessor.columns.map((c) => c.type)).toEqual(['standardize', 'binary', 'onehot']);
    const model = new Sequential([new Dense(4, { inputShape: [p.cols], activation: 'tanh' }), new Dense(1, { activation: 'sigmoid' })], { seed: 12 });

    const cells = [['31', 'YES', 'b'], ['45', 'False', 'a'], ['52', '', 'c'], ['23', 'maybe', 'a'], ['38', 'no', 'z']];
    const X = p.preprocessor.transform(text(['age,housing,job', ...cells.map((r) => r.join(','))].join('\n') + '\n')).X;
    const expected = model.predict(new Matrix(cells.length, p.cols, X)).data;
    expect(X[3 * p.cols + 1]).toBeCloseTo(2 / 3, 6); // 'maybe': the training mean of housing
    const bytes = onnxModelBytes(model.toJSON(), { preparation: { kind: 'csv', preprocessor: p.preprocessor.toJSON() } });
    const got = await score(bytes, {
      age: new ort.Tensor('float32', Float32Array.from(cells, (r) => Number(r[0])), [cells.length, 1]),
      housing: new ort.Tensor('string', cells.map((r) => r[1]), [cells.length, 1]),
      job: new ort.Tensor('string', cells.map((r) => r[2]), [cells.length, 1]),
    });
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
  });
});
