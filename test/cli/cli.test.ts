import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './run.js';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { loadNpyMatrix } from '../../src/node/files.js';
import { DEFAULT_DATA } from '../../src/cli/dataset.js';

const root = join(__dirname, '..', '..');

/** A small labelled .npy: 600 rows × 6 features + label, a learnable rule. */
function smallData(dir: string) {
  const n = 600;
  const d = 6;
  const table = new Float32Array(n * (d + 1));
  let s = 1;
  const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = rand();
      table[i * (d + 1) + j] = v;
      z += (j % 2 ? -1 : 1) * v;
    }
    table[i * (d + 1) + d] = z > 0 ? 1 : 0;
  }
  const path = join(dir, 'small.npy');
  writeFileSync(path, writeNpy({ shape: [n, d + 1], data: table }));
  return path;
}

describe('densely train', () => {
  let dir: string;
  let data: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'densely-cli-'));
    data = smallData(dir);
  });

  it('prints Keras epoch lines, then test accuracy and ROC AUC', () => {
    const r = run('train', '--data', data, '--epochs', '3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Epoch 3\/3$/m);
    expect(r.out).toMatch(/^15\/15 \[={30}\] - \d+s \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/m);
    expect(r.out).toMatch(/test: loss \d\.\d{4} - accuracy \d\.\d{4} - ROC AUC \d\.\d{4}/);
  });

  it('--json prints exactly one JSON object with the documented keys', () => {
    const r = run('train', '--data', data, '--epochs', '2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).sort()).toEqual(
      ['backend', 'batchSize', 'threads', 'epochs', 'features', 'fitSeconds', 'history', 'rows', 'samplesPerSecond', 'test', 'testRows', 'trainRows', 'usPerStep'].sort(),
    );
    expect([j.rows, j.features, j.trainRows, j.testRows, j.epochs, j.batchSize]).toEqual([600, 6, 480, 120, 2, 32]);
    expect(j.history.loss).toHaveLength(2);
    expect(j.test.accuracy).toBeGreaterThan(0.8);
    expect(j.test.auc).toBeGreaterThan(0.85);
    // the default where WebAssembly SIMD exists (Node 20 has it)
    expect(j.backend).toBe('wasm');
  });

  it('--backend js|wasm chooses the kernels, --json says which ran, and the two agree', () => {
    const js = JSON.parse(run('train', '--data', data, '--epochs', '2', '--json', '--backend', 'js').out);
    const wasm = JSON.parse(run('train', '--data', data, '--epochs', '2', '--json', '--backend', 'wasm').out);
    expect([js.backend, wasm.backend]).toEqual(['js', 'wasm']);
    expect(Math.abs(js.test.accuracy - wasm.test.accuracy)).toBeLessThan(0.01);
    expect(Math.abs(js.history.loss[1] - wasm.history.loss[1])).toBeLessThan(1e-3);
    const bad = run('train', '--data', data, '--backend', 'gpu');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--backend must be 'js' or 'wasm', got 'gpu'/);
  });

  it('--labels reads labels from their own file (int64 here), features may be float64', () => {
    const m = loadNpyMatrix(data);
    const X = new Float64Array(m.rows * 6);
    const y = new BigInt64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < 6; j++) X[i * 6 + j] = m.data[i * 7 + j];
      y[i] = BigInt(m.data[i * 7 + 6]);
    }
    writeFileSync(join(dir, 'X.npy'), writeNpy({ shape: [m.rows, 6], data: X }));
    writeFileSync(join(dir, 'y.npy'), writeNpy({ shape: [m.rows], data: y }));
    const r = run('train', '--data', join(dir, 'X.npy'), '--labels', join(dir, 'y.npy'), '--epochs', '2', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).features).toBe(6);
  });

  it('trains on a real float64 Fortran-order dataset with int64 or bool labels in their own files (NumPy-written)', () => {
    const fx = join(__dirname, '..', 'fixtures', 'npy', 'more');
    for (const labels of ['labels_i8.npy', 'labels_b1.npy']) {
      const r = run('train', '--data', join(fx, 'dataset_f8_fortran.npy'), '--labels', join(fx, labels), '--epochs', '1', '--json');
      expect(r.code, r.err).toBe(0);
      const j = JSON.parse(r.out);
      expect([j.rows, j.features, j.testRows]).toEqual([200, 7, 40]);
    }
  });

  it('saves a model that predict uses to write <f4 [n, 1] probabilities', () => {
    const model = join(dir, 'model.json');
    expect(run('train', '--data', data, '--epochs', '2', '--save', model, '--json').code).toBe(0);
    const feats = loadNpyMatrix(data);
    const X = new Float32Array(feats.rows * 6);
    for (let i = 0; i < feats.rows; i++) for (let j = 0; j < 6; j++) X[i * 6 + j] = feats.data[i * 7 + j];
    writeFileSync(join(dir, 'Xp.npy'), writeNpy({ shape: [feats.rows, 6], data: X }));
    const out = join(dir, 'preds.npy');
    const r = run('predict', '--model', model, '--data', join(dir, 'Xp.npy'), '--out', out);
    expect(r.code).toBe(0);
    const p = readNpy(readFileSync(out));
    expect(p.dtype).toBe('f4');
    expect(p.shape).toEqual([600, 1]);
    expect(Math.min(...(p.data as Float32Array))).toBeGreaterThan(0);
    expect(Math.max(...(p.data as Float32Array))).toBeLessThan(1);
    // --backend on predict: the js and wasm kernels give the same probabilities to float32 tolerance
    const byBackend = (backend: string) => {
      const file = join(dir, `preds-${backend}.npy`);
      expect(run('predict', '--model', model, '--data', join(dir, 'Xp.npy'), '--out', file, '--backend', backend).code).toBe(0);
      return readNpy(readFileSync(file)).data as Float32Array;
    };
    const [js, wasm] = [byBackend('js'), byBackend('wasm')];
    let worst = 0;
    for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(js[i] - wasm[i]));
    expect(worst).toBeLessThan(1e-5);
    expect(Array.from(wasm)).toEqual(Array.from(p.data as Float32Array)); // the default is wasm
  });

  it('bad input ends with one clear line naming the file or option, and a non-zero exit', () => {
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, 'not numpy at all');
    const nan = join(dir, 'nan.npy');
    writeFileSync(nan, writeNpy({ shape: [3, 3], data: new Float32Array([1, 2, 0, NaN, 1, 1, 0, 0, 0]) }));
    // labels 0, 0.5, 1: neither 0/1 nor whole-number classes
    const three = join(dir, 'three.npy');
    writeFileSync(three, writeNpy({ shape: [3, 3], data: new Float32Array([1, 2, 0, 3, 1, 0.5, 0, 0, 1]) }));
    const cases: [string[], RegExp][] = [
      [['train', '--data', join(dir, 'missing.npy')], /missing\.npy: no such file/],
      [['train', '--data', bad], /bad\.npy: .*magic/i],
      [['train', '--data', nan], /nan\.npy: column 0 has NaN or Inf in 1 row\(s\)/],
      [['train', '--data', three], /three\.npy \(label = last column\): the labels: neither binary \(0\/1\) nor whole-number classes; found 3 distinct values, e\.g\. 0\.5/],
      [['train', '--epochs', 'ten'], /--epochs must be an integer, got 'ten'/],
      [['train', '--bogus'], /Unknown option '--bogus'/],
      [['predict', '--model', join(dir, 'none.json'), '--data', bad, '--out', join(dir, 'o.npy')], /none\.json: no such file/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [argv, message] of cases) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).not.toBe(0);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('predict refuses features of the wrong width and never writes a partial file', () => {
    const model = join(dir, 'model2.json');
    run('train', '--data', data, '--epochs', '1', '--save', model, '--json');
    const out = join(dir, 'never.npy');
    const r = run('predict', '--model', model, '--data', data, '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/has 7 columns .* but the model expects 6 features/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the bank marketing pipeline (embedded data)', () => {
  it('reproduces the Keras split sizes and reaches accuracy ≥ 0.89 and AUC ≥ 0.77 (median of 3 seeds)', () => {
    const results = [1, 2, 3].map((seed) => {
      const r = run('train', '--json', '--seed', String(seed));
      expect(r.code).toBe(0);
      return JSON.parse(r.out);
    });
    expect(results[0].rows).toBe(45211);
    expect(results[0].features).toBe(50);
    expect(results[0].testRows).toBe(9043); // ceil(0.2 · 45211)
    expect(results[0].trainRows).toBe(36168);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1];
    expect(median(results.map((r) => r.test.accuracy))).toBeGreaterThanOrEqual(0.89);
    expect(median(results.map((r) => r.test.auc))).toBeGreaterThanOrEqual(0.77);
  });

  it('the embedded data is the prepared bank matrix: 45211 × 51 with 11.7% positives', () => {
    const m = loadNpyMatrix(DEFAULT_DATA);
    expect(m.shape).toEqual([45211, 51]);
    let pos = 0;
    for (let i = 0; i < m.rows; i++) pos += m.data[i * 51 + 50];
    expect(pos / m.rows).toBeCloseTo(0.117, 3);
  });
});

describe('the installed bin', () => {
  it('`npx densely train --json` prints exactly one JSON object on stdout (the scripts\' route; npm start adds npm\'s banner)', () => {
    if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
    const dir = mkdtempSync(join(tmpdir(), 'densely-npx-'));
    const data = smallData(dir);
    const r = spawnSync('npx', ['--no-install', 'densely', 'train', '--data', data, '--epochs', '1', '--json'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout); // throws unless stdout is one JSON value
    expect(j.epochs).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('runs `densely predict` with missing options: exit 2 and a usage hint, no stack trace', () => {
    const bin = join(root, 'bin', 'densely.js');
    if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
    const r = spawnSync(process.execPath, [bin, 'predict'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--model is required/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('option checking', () => {
  it('rejects out-of-range seeds, hex numbers, batch size 0 and half-given class weights as usage errors (exit 2)', () => {
    const cases: [string[], RegExp][] = [
      [['train', '--seed', '4294967296'], /--seed must be between 0 and 4294967295, got 4294967296/],
      [['train', '--batch-size', '0x20'], /--batch-size must be an integer, got '0x20'/],
      [['train', '--epochs', '0'], /--epochs must be between 1 and ∞, got 0/],
      [['predict', '--batch-size', '0', '--model', 'm', '--data', 'd', '--out', 'o'], /--batch-size must be between 1/],
      [['train', '--class-weight', '1:5'], /needs a weight for both classes/],
      [['train', '--class-weight', '0:1,1:5,1:2'], /gives class 1 twice/],
    ];
    for (const [argv, message] of cases) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});

describe('found when tried as a new user would', () => {
  it('--epochs -1 says what is allowed; --version prints the version', () => {
    const r = run('train', '--epochs', '-1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--epochs must be between 1 and ∞, got -1/);
    const v = run('--version');
    expect(v.code).toBe(0);
    expect(v.out).toBe(`densely ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}`);
  });

  it('an output that cannot be written is refused before any training or scoring', () => {
    const r = run('train', '--save', join(root, 'no', 'such', 'folder', 'm.json'), '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/m\.json: cannot write there: the folder .*folder does not exist/);
    expect(r.out).not.toMatch(/Epoch 1\/1/); // refused before the first epoch
    const folder = join(mkdtempSync(join(tmpdir(), 'densely-out-')), 'scores.csv');
    mkdirSync(folder);
    const p = run('predict', '--model', 'whatever.json', '--data', 'x.npy', '--out', folder);
    expect(p.err).toMatch(/cannot write there: it is a folder/);
  });
});
