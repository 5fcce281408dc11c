/**
 * The preparation routes called directly, on values in memory: no files, no node:*.
 */
import { describe, expect, it } from 'vitest';
import type { ChunkSource } from '../../src/data/csv.js';
import { prepareCsvTable, prepareCsvTraining, prepareNpyTraining, preparePredictFeatures, type Preprocessing } from '../../src/data/prepare.js';
import { Preprocessor, readLabels, scanCsv } from '../../src/data/preprocessor.js';
import { splitIndices, stratifiedSplitIndices } from '../../src/data/split.js';
import { rowMask } from '../../src/data/standardize.js';
import { Matrix } from '../../src/tensor/matrix.js';

/** `[n, 3]`: two features (x = i, z = i² / 10), then a label that is 1 for every third row. */
function table(n: number): Matrix {
  const t = new Matrix(n, 3);
  for (let i = 0; i < n; i++) t.data.set([i, (i * i) / 10, i % 3 === 0 ? 1 : 0], i * 3);
  return t;
}

/** Column c of X as float64 mean and population std. */
function moments(X: Matrix, c: number): { mean: number; std: number } {
  let s = 0;
  for (let r = 0; r < X.rows; r++) s += X.data[r * X.cols + c];
  const mean = s / X.rows;
  let v = 0;
  for (let r = 0; r < X.rows; r++) v += (X.data[r * X.cols + c] - mean) ** 2;
  return { mean, std: Math.sqrt(v / X.rows) };
}

const sum = (m: Matrix): number => m.data.reduce((a, b) => a + b, 0);

/** Ten customers: age 10..100, job by i mod 3, y yes for odd i. */
const CUSTOMERS = ['age,job,y', ...Array.from({ length: 10 }, (_, i) => `${10 * (i + 1)},${['admin', 'cook', 'pilot'][i % 3]},${i % 2 ? 'yes' : 'no'}`)].join('\n') + '\n';
const text = (s: string, name = 'customers.csv'): ChunkSource => Object.assign(() => [s], { sourceName: name });

/** The fitted mean and std of the CSV's first column (age). */
function ageStats(p: Preprocessing | null): { mean: number; std: number } {
  const col = p?.kind === 'csv' ? p.preprocessor.columns[0] : null;
  if (col?.type !== 'standardize') throw new Error('age should be standardized');
  return { mean: col.mean, std: col.std };
}

describe('prepareNpyTraining', () => {
  it("splits as sklearn: n_test = ceil(0.2 n), the rows of splitIndices, label = last column", () => {
    const t = table(47);
    const d = prepareNpyTraining(t, { source: 't.npy', testSize: 0.2, randomState: 42 });
    expect(d.XTest.shape).toEqual([10, 2]); // ceil(9.4)
    expect(d.XTrain.shape).toEqual([37, 2]);
    expect(d.yTrain.shape).toEqual([37, 1]);
    expect(d.rows).toBe(47);
    const { train, test } = splitIndices(47, { testSize: 0.2, randomState: 42 });
    expect(Array.from(d.XTest.data.filter((_, i) => i % 2 === 0))).toEqual(Array.from(test)); // x = row index
    expect(Array.from(d.XTrain.data.filter((_, i) => i % 2 === 0))).toEqual(Array.from(train));
    expect(Array.from(d.yTest.data)).toEqual(Array.from(test, (r) => (r % 3 === 0 ? 1 : 0)));
    expect([d.preprocessing, d.warnings, d.source, d.featureNames]).toEqual([null, [], 't.npy', undefined]);
    // without testSize: sklearn's default 0.25 → ceil(11.75) = 12
    expect(prepareNpyTraining(t, { source: 't.npy' }).XTest.rows).toBe(12);
  });

  it('stratify keeps the class ratio: 15 of 45 positives → 3 of 9 in test, 12 of 36 in train', () => {
    const d = prepareNpyTraining(table(45), { source: 't.npy', testSize: 0.2, randomState: 42, stratify: true });
    expect([d.XTrain.rows, d.XTest.rows]).toEqual([36, 9]);
    expect([sum(d.yTrain), sum(d.yTest)]).toEqual([12, 3]);
    const { test } = stratifiedSplitIndices(table(45).sliceColumns(-1).data, { testSize: 0.2, randomState: 42 });
    expect(Array.from(d.XTest.data.filter((_, i) => i % 2 === 0))).toEqual(Array.from(test));
  });

  it('standardize fits on the training rows only', () => {
    const t = table(50);
    const d = prepareNpyTraining(t, { source: 't.npy', testSize: 0.2, randomState: 42, standardize: true });
    expect(d.preprocessing?.kind).toBe('npy');
    const s = d.preprocessing?.kind === 'npy' ? d.preprocessing.standardizer : null;
    const { train, test } = splitIndices(50, { testSize: 0.2, randomState: 42 });
    for (let c = 0; c < 2; c++) {
      const m = moments(d.XTrain, c);
      expect(Math.abs(m.mean)).toBeLessThan(1e-6);
      expect(m.std).toBeCloseTo(1, 6);
      // the statistics are the training rows' (float64), not all rows'
      const raw = t.sliceColumns(c, c + 1);
      const trainRaw = moments(raw.takeRows(train), 0);
      expect(s!.mean[c]).toBeCloseTo(trainRaw.mean, 9);
      expect(s!.std[c]).toBeCloseTo(trainRaw.std, 9);
      expect(s!.mean[c]).not.toBe(moments(raw, 0).mean);
      // and the test rows are scaled with them: their mean is not 0
      for (let k = 0; k < test.length; k++) {
        expect(d.XTest.data[k * 2 + c]).toBe(Math.fround((raw.data[test[k]] - s!.mean[c]) / s!.std[c]));
      }
      expect(Math.abs(moments(d.XTest, c).mean)).toBeGreaterThan(0.01);
    }
  });

  it('labels from their own column, and feature names passed through', () => {
    const t = table(20);
    const d = prepareNpyTraining(t.sliceColumns(0, 2), { source: 'X.npy', labels: t.sliceColumns(-1), labelsSource: 'y.npy', featureNames: ['x', 'z'] });
    expect([d.XTrain.rows, d.XTest.rows]).toEqual([15, 5]);
    expect(d.featureNames).toEqual(['x', 'z']);
    expect(sum(d.yTrain) + sum(d.yTest)).toBe(7); // rows 0, 3, …, 18
    expect(() => prepareNpyTraining(t.sliceColumns(0, 2), { source: 'X.npy', featureNames: ['x'], labels: t.sliceColumns(-1) })).toThrow(
      'X.npy: 1 feature names for 2 feature columns',
    );
  });

  it('bad input: errors name the source and what was wrong', () => {
    const t = table(20);
    expect(() => prepareNpyTraining(t, { source: 'X.npy', labels: t.sliceColumns(0, 2), labelsSource: 'y.npy' })).toThrow(
      'y.npy: labels must be one column, got shape [20, 2]',
    );
    expect(() => prepareNpyTraining(t, { source: 'X.npy', labels: table(19).sliceColumns(-1), labelsSource: 'y.npy' })).toThrow(
      'y.npy: has 19 labels but X.npy has 20 rows',
    );
    expect(() => prepareNpyTraining(t.sliceColumns(0, 1), { source: 'one.npy' })).toThrow(
      'one.npy: needs at least 2 columns (features, then the label), got shape [20, 1]',
    );
    expect(() => prepareNpyTraining(new Matrix(0, 3), { source: 'empty.npy' })).toThrow('empty.npy: has no rows');
    expect(() => prepareNpyTraining(t.sliceColumns(0, 2), { source: 't.npy' })).toThrow(
      't.npy (label = last column): the labels: neither binary (0/1) nor whole-number classes; found 20 distinct values, e.g. 0.10000000149011612; class labels must be whole numbers or text',
    );
  });

  it('NaN/Inf: an error naming the first bad column, or with impute mean filled and reported', () => {
    const t = table(20);
    t.set(3, 1, NaN);
    t.set(3, 0, Infinity);
    t.set(7, 0, -Infinity);
    expect(() => prepareNpyTraining(t, { source: 'nan.npy' })).toThrow(
      'nan.npy: column 0 has NaN or Inf in 2 row(s) (2 row(s) in all); fix the data or use --impute mean',
    );
    const d = prepareNpyTraining(t, { source: 'nan.npy', impute: 'mean', testSize: 0.2, randomState: 42 });
    expect(d.warnings).toEqual(['nan.npy: filled 3 NaN/Inf cell(s) with the training mean (--impute mean)']);
    expect(d.XTrain.data.every(Number.isFinite) && d.XTest.data.every(Number.isFinite)).toBe(true);
    // impute only (no standardize): the finite cells are unchanged, the bad ones hold the training mean
    const s = d.preprocessing?.kind === 'npy' ? d.preprocessing.standardizer : null;
    expect(s?.scale).toBe(false);
    const { train, test } = splitIndices(20, { testSize: 0.2, randomState: 42 });
    const at = (r: number): [Matrix, number] => {
      const k = Array.from(train).indexOf(r);
      return k >= 0 ? [d.XTrain, k] : [d.XTest, Array.from(test).indexOf(r)];
    };
    const [m3, k3] = at(3);
    expect([m3.get(k3, 0), m3.get(k3, 1)]).toEqual([Math.fround(s!.mean[0]), Math.fround(s!.mean[1])]);
    const [m5, k5] = at(5);
    expect([m5.get(k5, 0), m5.get(k5, 1)]).toEqual([5, 2.5]);
  });
});

describe('prepareCsvTraining', () => {
  it('a string ChunkSource: sklearn split, z-scored age and one-hot job fitted on the 8 training rows', () => {
    const d = prepareCsvTraining(text(CUSTOMERS), { testSize: 0.2, randomState: 42 });
    // splitIndices(10, 0.2, 42): test [8, 1], train [5, 0, 7, 2, 9, 4, 3, 6]
    expect(d.featureNames).toEqual(['age', 'job=admin', 'job=cook', 'job=pilot']);
    expect([d.rows, d.XTrain.rows, d.XTest.rows, d.source]).toEqual([10, 8, 2, 'customers.csv']);
    // training ages 60 10 80 30 100 50 40 70: mean 55, population std √725 (up to float64 rounding)
    const { mean, std } = ageStats(d.preprocessing);
    expect(mean).toBeCloseTo(55, 12);
    expect(std).toBeCloseTo(Math.sqrt(725), 12);
    expect(Array.from(d.XTest.data)).toEqual([(90 - mean) / std, 0, 0, 1, (20 - mean) / std, 0, 1, 0].map(Math.fround));
    expect(d.XTest.get(0, 0)).toBeCloseTo(35 / Math.sqrt(725), 6);
    expect(d.XTrain.get(0, 0)).toBe(Math.fround((60 - mean) / std));
    expect(Array.from(d.yTest.data)).toEqual([0, 1]);
    expect(Array.from(d.yTrain.data)).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(d.preprocessing?.kind).toBe('csv');
    expect(d.warnings).toEqual([]);
    // train and test are two views of one matrix
    expect(d.XTrain.data.buffer).toBe(d.XTest.data.buffer);
  });

  it('gives the same matrices as the step-by-step route (scan, labels, split, fit, transform), in any chunking', () => {
    for (const stratify of [false, true]) {
      const src = text(CUSTOMERS);
      const scan = scanCsv(src);
      const opts = { testSize: 0.2, randomState: 42 };
      const { train, test } = stratify ? stratifiedSplitIndices(readLabels(src, scan), opts) : splitIndices(scan.rows, opts);
      const pre = Preprocessor.fit(src, scan, { trainRows: rowMask(train, scan.rows) });
      const t = pre.transform(src, { order: [...train, ...test], rowCount: scan.rows, withLabels: true });
      const chunked: ChunkSource = () => [CUSTOMERS.slice(0, 17), CUSTOMERS.slice(17, 40), CUSTOMERS.slice(40)];
      for (const source of [src, chunked]) {
        const d = prepareCsvTraining(source, { ...opts, stratify });
        expect(Array.from(d.XTrain.data)).toEqual(Array.from(t.X.subarray(0, train.length * t.cols)));
        expect(Array.from(d.XTest.data)).toEqual(Array.from(t.X.subarray(train.length * t.cols)));
        expect(Array.from(d.yTrain.data).concat(Array.from(d.yTest.data))).toEqual(Array.from(t.y!));
        expect(d.preprocessing).toEqual({ kind: 'csv', preprocessor: pre.toJSON() });
      }
    }
  });

  it('stratify keeps the 5/5 class ratio: one of each class in the 2 test rows', () => {
    const d = prepareCsvTraining(text(CUSTOMERS), { testSize: 0.2, randomState: 42, stratify: true });
    expect([sum(d.yTrain), sum(d.yTest)]).toEqual([4, 1]);
  });

  it('label, drop and delimiter options; a one-row file is an error naming it', () => {
    const semi = CUSTOMERS.replace(/,/g, ';');
    const d = prepareCsvTraining(text(semi), { delimiter: ';', drop: ['job'], testSize: 0.5, randomState: 1 });
    expect(d.featureNames).toEqual(['age']);
    expect([d.XTrain.rows, d.XTest.rows]).toEqual([5, 5]);
    const flipped = CUSTOMERS.replace('age,job,y', 'age,job,bought');
    expect(prepareCsvTraining(text(flipped), { label: 'bought' }).featureNames).toEqual(['age', 'job=admin', 'job=cook', 'job=pilot']);
    expect(() => prepareCsvTraining(text('age,y\n1,yes\n', 'one.csv'))).toThrow('one.csv: needs at least 2 data rows to split, found 1');
    expect(() => prepareCsvTraining(() => ['age,y\n1,yes\n'], { source: 'named' })).toThrow('named: needs at least 2 data rows to split, found 1');
  });
});

describe('preparePredictFeatures', () => {
  it('CSV rows through the saved preprocessor; an unseen category is zeros with a warning', () => {
    const d = prepareCsvTraining(text(CUSTOMERS), { testSize: 0.2, randomState: 42 });
    const r = preparePredictFeatures(text('job,age\npilot,55\nbaker,82\n', 'new.csv'), d.preprocessing, 4);
    const { mean, std } = ageStats(d.preprocessing);
    expect(r.X.shape).toEqual([2, 4]);
    expect(Array.from(r.X.data)).toEqual([(55 - mean) / std, 0, 0, 1, (82 - mean) / std, 0, 0, 0].map(Math.fround));
    expect(r.X.get(1, 0)).toBeCloseTo(27 / Math.sqrt(725), 6);
    expect(r.warnings).toEqual(["column 'job': 1 row with a category not seen in training (e.g. \"baker\"), encoded as all zeros"]);
  });

  it('.npy features through the saved standardizer, in place', () => {
    const d = prepareNpyTraining(table(50), { source: 't.npy', standardize: true, testSize: 0.2, randomState: 42 });
    const s = d.preprocessing?.kind === 'npy' ? d.preprocessing.standardizer : null;
    const X = Matrix.from([[10, 4]]);
    const r = preparePredictFeatures(X, d.preprocessing, 2, 'X.npy');
    expect(r.X).toBe(X);
    expect(Array.from(r.X.data)).toEqual([(10 - s!.mean[0]) / s!.std[0], (4 - s!.mean[1]) / s!.std[1]].map(Math.fround));
    expect(r.warnings).toEqual([]);
    expect(Array.from(preparePredictFeatures(Matrix.from([[1, 2]]), null, 2, 'X.npy').X.data)).toEqual([1, 2]);
  });

  it('the wrong route, width or NaN cells: errors naming the input', () => {
    const csv = prepareCsvTraining(text(CUSTOMERS), { testSize: 0.2 }).preprocessing;
    const npy = prepareNpyTraining(table(50), { source: 't.npy', standardize: true }).preprocessing;
    let opened = false;
    const lazy: ChunkSource = Object.assign(() => ((opened = true), ['age\n1\n']), { sourceName: 'rows.csv' });
    expect(() => preparePredictFeatures(lazy, npy, 2)).toThrow('rows.csv: is read as CSV, but this model was trained on .npy features; give a .npy file');
    expect(() => preparePredictFeatures(lazy, null, 2)).toThrow('rows.csv: is read as CSV');
    expect(opened).toBe(false);
    expect(() => preparePredictFeatures(Matrix.from([[1, 2, 3]]), null, 2, 'X.npy')).toThrow(
      'X.npy: has 3 columns (shape [1, 3]) but the model expects 2 features',
    );
    expect(() => preparePredictFeatures(Matrix.from([[1, 2, 3]]), csv, 4, 'X.npy')).toThrow(
      'X.npy: has 3 columns (shape [1, 3]) but the model expects 4 features (this model was trained on CSV: pass the raw CSV rows)',
    );
    expect(() => preparePredictFeatures(Matrix.from([[1, 2], [3, NaN]]), npy, 2, 'X.npy')).toThrow(
      'X.npy: column 1 has NaN or Inf in 1 row(s) (1 row(s) in all); fix the data or use --impute mean',
    );
    expect(() => preparePredictFeatures(Matrix.from([[Infinity, 2], [3, NaN]]), null, 2)).toThrow('input: column 0 has NaN or Inf in 1 row(s) (2 row(s) in all)');
  });
});

describe('prepareCsvTable', () => {
  it('features fitted on all rows, then the label as the last column', () => {
    const t = prepareCsvTable(text('job,age,y\nadmin,30,no\ncook,50,yes\n'));
    expect(t.featureNames).toEqual(['job=admin', 'job=cook', 'age']);
    expect(t.label).toBe('y');
    expect(t.table.shape).toEqual([2, 4]);
    expect(Array.from(t.table.data)).toEqual([1, 0, -1, 0, 0, 1, 1, 1]);
    expect(t.warnings).toEqual([]);
  });

  it('impute mean fills a missing numeric cell and says so', () => {
    const t = prepareCsvTable(text('age,y\n30,no\n,yes\n50,no\n'), { impute: 'mean' });
    // mean 40; the imputed cell counts with zero deviation: std √(200 / 3), so ±10 / std = ±√1.5
    const [a, b, c] = [t.table.get(0, 0), t.table.get(1, 0), t.table.get(2, 0)];
    expect(a).toBeCloseTo(-Math.sqrt(1.5), 6);
    expect([b, c]).toEqual([0, -a]);
    expect(Array.from(t.table.sliceColumns(-1).data)).toEqual([0, 1, 0]);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/column 'age': 1 missing or non-finite value replaced by the training mean/);
  });
});
