/**
 * The multi-class route from the command line, on a dataset densely had never seen: the UCI wine
 * data (test/fixtures/csv/wine.csv, 178 rows, 13 numeric features, 3 cultivars named class_0…2),
 * and on a .npy with numeric class labels.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './run.js';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { loadModelFile, saveModel } from '../../src/node/model-files.js';
import { prepareCsvTraining } from '../../src/data/prepare.js';
import { fileChunks } from '../../src/node/chunks.js';

const wine = join(__dirname, '..', 'fixtures', 'csv', 'wine.csv');
const CLASSES = ['class_0', 'class_1', 'class_2'];

/** The CSV text as rows of fields (no quoting in these files). */
function csvTable(text: string): string[][] {
  return text.trim().split('\n').map((l) => l.split(','));
}

describe('multi-class: the wine data from the CLI', () => {
  let dir: string;
  let model: string;
  let trained: Record<string, any>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'densely-multiclass-'));
    model = join(dir, 'wine.json');
    const r = run('train', '--data', wine, '--layers', '16', '--epochs', '60', '--seed', '1', '--save', model, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    trained = JSON.parse(r.out);
  });

  it('reads cultivar as 3 classes, trains a softmax head with sparse categorical cross-entropy, and reaches ≥ 0.9 held-out accuracy', () => {
    expect(trained.classes).toEqual(CLASSES);
    expect(trained.testRows).toBe(36); // ceil(0.2 · 178)
    expect(trained.model).toMatchObject({ layers: [16], loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    expect(trained.test.accuracy).toBeGreaterThanOrEqual(0.9);
    // the confusion matrix counts every test row once, and its diagonal is the accuracy
    const m: number[][] = trained.test.confusion;
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(36);
    expect((m[0][0] + m[1][1] + m[2][2]) / 36).toBeCloseTo(trained.test.accuracy, 12);
    expect(trained.history.accuracy).toHaveLength(60);
  });

  it('saves the class names beside the model, and the file round-trips', () => {
    const doc = JSON.parse(readFileSync(model, 'utf8'));
    expect(doc.classes).toEqual(CLASSES);
    expect(doc.preparation.preprocessor.label).toEqual({ name: 'cultivar', family: 'classes', classes: CLASSES });
    expect(doc.layers.at(-1)).toMatchObject({ className: 'Dense', units: 3, activation: 'softmax' });
    const loaded = loadModelFile(model);
    expect(loaded.classes).toEqual(CLASSES);
    const again = join(dir, 'again.json');
    saveModel(again, loaded.model, { preparation: loaded.preparation, featureNames: loaded.featureNames, training: loaded.training, classes: loaded.classes });
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(model, 'utf8'));
    // a class list that does not fit the model is refused by name
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...doc, classes: ['a', 'b'] }));
    expect(() => loadModelFile(join(dir, 'bad.json'))).toThrow(/classes.*names 2 classes but the model has 3 outputs/);
  });

  it('the TensorFlow.js export keeps the class names (userDefinedMetadata), and predict from it writes them', () => {
    const folder = join(dir, 'tfjs');
    expect(run('export', '--model', model, '--tfjs', folder).code).toBe(0);
    const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    expect(json.userDefinedMetadata.densely.classes).toEqual(CLASSES);
    const loaded = loadModelFile(folder);
    expect(loaded.classes).toEqual(CLASSES);
    const fromJson = join(dir, 'p-json.csv');
    const fromTfjs = join(dir, 'p-tfjs.csv');
    expect(run('predict', '--model', model, '--data', wine, '--out', fromJson).code).toBe(0);
    expect(run('predict', '--model', join(folder, 'model.json'), '--data', wine, '--out', fromTfjs).code).toBe(0);
    const a = csvTable(readFileSync(fromJson, 'utf8'));
    const b = csvTable(readFileSync(fromTfjs, 'utf8'));
    expect(b[0]).toEqual(['p_class_0', 'p_class_1', 'p_class_2', 'class']);
    expect(b.map((r) => r[3])).toEqual(a.map((r) => r[3])); // the same predicted class names
    // a class list that does not fit the outputs is refused, as in a densely file
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ ...json, userDefinedMetadata: { densely: { ...json.userDefinedMetadata.densely, classes: ['a'] } } }));
    expect(() => loadModelFile(folder)).toThrow(/classes/);
  });

  it('predict writes one probability per class (summing to 1) and the predicted class; .npy gets [rows, 3]', () => {
    const out = join(dir, 'p.csv');
    const r = run('predict', '--model', model, '--data', wine, '--out', out, '--id', 'proline');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote 178 rows of 3 class probabilities/);
    const [head, ...rows] = csvTable(readFileSync(out, 'utf8'));
    expect(head).toEqual(['proline', 'p_class_0', 'p_class_1', 'p_class_2', 'class']);
    expect(rows).toHaveLength(178);
    const truth = csvTable(readFileSync(wine, 'utf8')).slice(1);
    let correct = 0;
    rows.forEach((row, i) => {
      const p = row.slice(1, 4).map(Number);
      expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-5);
      expect(row[4]).toBe(CLASSES[p.indexOf(Math.max(...p))]);
      expect(row[0]).toBe(truth[i][12]);
      if (row[4] === truth[i][13]) correct++;
    });
    expect(correct / 178).toBeGreaterThan(0.9); // (train and test rows together)
    const npy = join(dir, 'p.npy');
    expect(run('predict', '--model', model, '--data', wine, '--out', npy).code).toBe(0);
    const arr = readNpy(readFileSync(npy));
    expect(arr.shape).toEqual([178, 3]);
    expect(Array.from(arr.data.slice(0, 3) as Float32Array)).toEqual(rows[0].slice(1, 4).map((v) => Math.fround(Number(v))));
  });

  it('evaluate reports loss, accuracy and the confusion matrix; the analyst\'s flags are refused as needing a binary label', () => {
    const r = run('evaluate', '--model', model, '--data', wine, '--json');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.out);
    expect(e.classes).toEqual(CLASSES);
    expect(e.counts).toEqual({ class_0: 59, class_1: 71, class_2: 48 });
    expect(e.confusion.map((row: number[]) => row.reduce((a, b) => a + b, 0))).toEqual([59, 71, 48]);
    expect(e.accuracy).toBeCloseTo((e.confusion[0][0] + e.confusion[1][1] + e.confusion[2][2]) / 178, 12);
    const text = run('evaluate', '--model', model, '--data', wine);
    expect(text.out).toMatch(/178 rows, 3 classes: loss \d\.\d{4} - accuracy \d\.\d{4}/);
    expect(text.out).toMatch(/^class_2 +\d+ +\d+ +\d+ +48 +\d\.\d{4}$/m);
    for (const [cmd, flag] of [['evaluate', '--threshold'], ['predict', '--threshold'], ['predict', '--top']]) {
      const bad = run(cmd, '--model', model, '--data', wine, ...(cmd === 'predict' ? ['--out', join(dir, 'x.csv')] : []), flag, flag === '--top' ? '5' : '0.5');
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(new RegExp(`${flag} needs a binary (label|model); .*has 3 classes \\(class_0, class_1, class_2\\)`));
    }
    for (const flag of [['--report', join(dir, 'r.html')], ['--threshold', '0.3']]) {
      const bad = run('train', '--data', wine, '--epochs', '1', ...flag);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(`${flag[0]} needs a binary label`);
    }
  });

  it('categorical_crossentropy trains on one-hot rows of the same classes, and evaluate scores it the same way', () => {
    const m2 = join(dir, 'cce.json');
    const r = run('train', '--data', wine, '--layers', '16', '--epochs', '60', '--seed', '1', '--loss', 'categorical_crossentropy', '--save', m2, '--json');
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out);
    expect(t.model.loss).toBe('categorical_crossentropy');
    // the same model, seed and data: sparse and one-hot cross-entropy are the same function
    expect(t.test.accuracy).toBe(trained.test.accuracy);
    expect(t.test.loss).toBeCloseTo(trained.test.loss, 5);
    const e = JSON.parse(run('evaluate', '--model', m2, '--data', wine, '--json').out);
    expect(e.accuracy).toBeGreaterThan(0.9);
  });

  it('--stratify keeps each class\'s share in the test rows', () => {
    const r = JSON.parse(run('train', '--data', wine, '--epochs', '1', '--stratify', '--json').out);
    // sklearn's stratified 36 of 59/71/48
    expect(r.test.confusion.map((row: number[]) => row.reduce((a, b) => a + b, 0))).toEqual([12, 14, 10]);
  });
});

describe('multi-class: numeric class labels in a .npy', () => {
  it('sorts classes by value (2 before 10), saves them, and evaluate reads the labels by value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-multiclass-npy-'));
    const n = 300;
    const table = new Float32Array(n * 3);
    const names = [2, 10, 7];
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      table[i * 3] = c === 0 ? 1 : 0;
      table[i * 3 + 1] = c === 1 ? 1 : 0;
      table[i * 3 + 2] = names[c];
    }
    const data = join(dir, 'd.npy');
    writeFileSync(data, writeNpy({ shape: [n, 3], data: table }));
    const model = join(dir, 'm.json');
    const r = run('train', '--data', data, '--epochs', '30', '--layers', '8', '--learning-rate', '0.02', '--save', model, '--json');
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out);
    expect(t.classes).toEqual(['2', '7', '10']);
    expect(t.test.accuracy).toBe(1); // the classes are one-hot in the features
    const e = run('evaluate', '--model', model, '--data', data, '--json');
    expect(JSON.parse(e.out)).toMatchObject({ rows: 300, accuracy: 1, counts: { 2: 100, 7: 100, 10: 100 } });
    const out = join(dir, 'p.csv');
    const X = join(dir, 'X.npy');
    writeFileSync(X, writeNpy({ shape: [2, 2], data: Float32Array.of(1, 0, 0, 0) }));
    expect(run('predict', '--model', model, '--data', X, '--out', out).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('p_2,p_7,p_10,class');
    expect(lines.slice(1).map((l) => l.split(',').at(-1))).toEqual(['2', '7']);
    // a label value that is none of the model's classes
    writeFileSync(join(dir, 'other.npy'), writeNpy({ shape: [1, 3], data: Float32Array.of(1, 0, 3) }));
    expect(run('evaluate', '--model', model, '--data', join(dir, 'other.npy')).err).toMatch(/row 0 has the label 3, which is none of the model's classes \(2, 7, 10\)/);
  });

  it('densely prepare writes the class indices as the label column and the class names beside them', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'densely-multiclass-prepare-')), 'wine.npy');
    expect(run('prepare', '--data', wine, '--out', out).code).toBe(0);
    const meta = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(meta).toMatchObject({ label: 'cultivar', classes: CLASSES, shape: [178, 14] });
    const t = readNpy(readFileSync(out));
    const labels = Array.from({ length: 178 }, (_, i) => t.data[i * 14 + 13]);
    expect([0, 1, 2].map((c) => labels.filter((v) => v === c).length)).toEqual([59, 71, 48]);
  });

  it('the CSV preparation maps text labels to their sorted class index', () => {
    const d = prepareCsvTraining(fileChunks(wine), { testSize: 0.2, randomState: 42 });
    expect(d.classes).toEqual(CLASSES);
    const all = [...d.yTrain.data, ...d.yTest.data];
    expect([0, 1, 2].map((c) => all.filter((v) => v === c).length)).toEqual([59, 71, 48]);
  });
});
