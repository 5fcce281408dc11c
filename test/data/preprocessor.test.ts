import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseCsv, type ChunkSource } from '../../src/data/csv.js';
import { fileChunks } from '../../src/node/chunks.js';
import { readNpy } from '../../src/data/npy.js';
import { Preprocessor, prepareCsv, scanCsv } from '../../src/data/preprocessor.js';
import { Standardizer, rowMask } from '../../src/data/standardize.js';

const repo = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const fixture = (name: string): string => repo(`test/fixtures/csv/${name}`);
/** A chunk source over an in-memory text, named for error messages. */
const text = (s: string, name = 'tiny.csv'): ChunkSource => Object.assign(() => [s], { sourceName: name });

/** X as rows of plain numbers, for readable comparisons. */
function rowsOf(X: Float32Array, cols: number): number[][] {
  const out: number[][] = [];
  for (let o = 0; o < X.length; o += cols) out.push(Array.from(X.subarray(o, o + cols)));
  return out;
}

const f32 = (x: number): number => Math.fround(x);

describe('prepareCsv matches the NumPy-prepared bank file', () => {
  it('bank-full.csv.gz with drop duration, fitted on all rows == marketing_data.npy.gz', () => {
    const p = prepareCsv(fileChunks(repo('data/bank-full.csv.gz')), { drop: ['duration'] });
    const npy = readNpy(gunzipSync(readFileSync(repo('data/marketing_data.npy.gz'))));
    const meta = JSON.parse(readFileSync(repo('data/marketing_data.features.json'), 'utf8')) as { features: string[]; label: string };
    expect(npy.shape).toEqual([45211, 51]);
    expect(p.rows).toBe(45211);
    expect(p.cols).toBe(50);
    expect(p.featureNames).toEqual(meta.features);
    expect(p.preprocessor.label).toEqual({ name: meta.label, family: 'yes/no' });
    const ref = npy.data as Float32Array;
    let maxDiff = 0;
    for (let r = 0; r < 45211; r++) {
      for (let c = 0; c < 50; c++) maxDiff = Math.max(maxDiff, Math.abs(ref[r * 51 + c] - p.X[r * 50 + c]));
      expect(p.y![r]).toBe(ref[r * 51 + 50]);
    }
    expect(maxDiff).toBeLessThan(1e-5);
    expect(p.warnings).toEqual([]);
    // The scan saw the kinds and the class balance.
    const kinds = Object.fromEntries(p.scan.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ age: 'numeric', job: 'categorical', default: 'boolean', pdays: 'numeric', y: 'boolean' });
    expect([p.scan.positives, p.scan.negatives]).toEqual([5289, 39922]);
  });
});

describe('fit on the sklearn training rows of the bank file', () => {
  it('matches NumPy statistics over the train split, and differs from the all-rows fit', () => {
    const split = JSON.parse(readFileSync(repo('test/fixtures/reference/sklearn_split.json'), 'utf8')).cases['n=45211,test_size=0.2'] as {
      train: number[];
      test: number[];
    };
    const ref = JSON.parse(readFileSync(fixture('bank_train_stats.json'), 'utf8')).columns as Record<string, { mean: number; std: number }>;
    const src = fileChunks(repo('data/bank-full.csv.gz'));
    const p = prepareCsv(src, { drop: ['duration'], split: (n) => (expect(n).toBe(45211), split) });
    expect(p.nTrain).toBe(36168);
    expect(p.rows).toBe(45211);
    const all = Preprocessor.fit(src, p.scan, { drop: ['duration'] });
    for (const [name, { mean, std }] of Object.entries(ref)) {
      const col = p.preprocessor.columns.find((c) => c.name === name)!;
      if (col.type !== 'standardize') throw new Error(`${name} should be numeric`);
      expect(Math.abs(col.mean - mean) / Math.abs(mean), name).toBeLessThan(1e-12);
      expect(Math.abs(col.std - std) / std, name).toBeLessThan(1e-12);
      const other = all.columns.find((c) => c.name === name)!;
      expect(other.type === 'standardize' && other.mean, name).not.toBe(col.mean);
    }
    // X row 0 is data row split.train[0]; its age is (raw − train mean) / train std.
    const rawAge = Number(parseCsv(src).rows[split.train[0]][0]);
    const age = p.preprocessor.columns[0] as { mean: number; std: number };
    expect(p.X[0]).toBe(Math.fround((rawAge - age.mean) / age.std));
  });
});

describe('fit on training rows only', () => {
  const tiny = 'x,c,y\n1,a,yes\n2,b,no\n3,a,yes\n4,c,no\n10,d,yes\n';

  it('equals a hand computation, and differs from fitting on all rows', () => {
    const src = text(tiny);
    const scan = scanCsv(src);
    expect(scan.rows).toBe(5);
    const train = Preprocessor.fit(src, scan, { trainRows: rowMask([0, 1, 2, 3], 5) });
    // mean (1+2+3+4)/4 = 2.5, population variance (2.25+0.25+0.25+2.25)/4 = 1.25.
    expect(train.columns[0]).toEqual({ name: 'x', type: 'standardize', mean: 2.5, std: Math.sqrt(1.25), fill: null });
    expect(train.featureNames).toEqual(['x', 'c=a', 'c=b', 'c=c']);
    const t = train.transform(src);
    const s = Math.sqrt(1.25);
    expect(rowsOf(t.X, 4)).toEqual([
      [f32(-1.5 / s), 1, 0, 0],
      [f32(-0.5 / s), 0, 1, 0],
      [f32(0.5 / s), 1, 0, 0],
      [f32(1.5 / s), 0, 0, 1],
      [f32(7.5 / s), 0, 0, 0], // 'd' was not in the training rows: all zeros
    ]);
    expect(Array.from(t.y!)).toEqual([1, 0, 1, 0, 1]);
    expect(t.unseen).toEqual({ c: 1 });
    expect(t.warnings).toEqual([`column 'c': 1 row with a category not seen in training (e.g. "d"), encoded as all zeros`]);

    // A Set of indices is the same filter.
    const viaSet = Preprocessor.fit(src, scan, { trainRows: new Set([3, 1, 0, 2]) });
    expect(viaSet.toJSON()).toEqual(train.toJSON());

    const all = Preprocessor.fit(src, scan);
    // mean 4, variance (9+4+1+0+36)/5 = 10.
    expect(all.columns[0]).toEqual({ name: 'x', type: 'standardize', mean: 4, std: Math.sqrt(10), fill: null });
    expect(all.featureNames).toEqual(['x', 'c=a', 'c=b', 'c=c', 'c=d']);
    expect(all.transform(src).unseen).toEqual({});
  });

  it('prepareCsv takes trainRows too; transform can select rows', () => {
    const src = text(tiny);
    const p = prepareCsv(src, { trainRows: rowMask([0, 1, 2, 3], 5) });
    expect(p.unseen).toEqual({ c: 1 });
    const sub = p.preprocessor.transform(src, { rows: new Set([4, 1]) });
    expect(sub.rows).toBe(2);
    expect(rowsOf(sub.X, 4)).toEqual([rowsOf(p.X, 4)[1], rowsOf(p.X, 4)[4]]);
    expect(Array.from(sub.y!)).toEqual([0, 1]);
    const masked = p.preprocessor.transform(src, { rows: rowMask([0, 4], 5) });
    expect(rowsOf(masked.X, 4)).toEqual([rowsOf(p.X, 4)[0], rowsOf(p.X, 4)[4]]);
    // split: fit on the train rows, X = train rows then test rows, in the split's order.
    const sp = prepareCsv(src, { split: (n) => ({ train: [3, 0, 2, 1].slice(0, n - 1), test: [4] }) });
    expect(sp.nTrain).toBe(4);
    expect(sp.preprocessor.toJSON()).toEqual(p.preprocessor.toJSON());
    expect(rowsOf(sp.X, 4)).toEqual([3, 0, 2, 1, 4].map((i) => rowsOf(p.X, 4)[i]));
    expect(Array.from(sp.y!)).toEqual([0, 1, 1, 0, 1]);
    expect(sp.unseen).toEqual({ c: 1 });
    // order: output row k is data row order[k] (e.g. a split's train then test indices).
    const ordered = p.preprocessor.transform(src, { order: Int32Array.of(3, 0, 4), rowCount: 5 });
    expect(rowsOf(ordered.X, 4)).toEqual([3, 0, 4].map((i) => rowsOf(p.X, 4)[i]));
    expect(Array.from(ordered.y!)).toEqual([0, 1, 1]);
    expect(rowsOf(p.preprocessor.transform(src, { order: [4, 2] }).X, 4)).toEqual([4, 2].map((i) => rowsOf(p.X, 4)[i]));
    expect(() => p.preprocessor.transform(src, { order: [1, 1] })).toThrow('transform: row 1 appears twice in order (at 0 and 1)');
    expect(() => p.preprocessor.transform(src, { order: [1, 7] })).toThrow('tiny.csv: some row indices are not below the 5 rows of the file');
    const out = new Float32Array(100).fill(7);
    const reused = p.preprocessor.transform(src, { out, rowCount: 5 });
    expect(Array.from(reused.X)).toEqual(Array.from(p.X));
    expect(() => p.preprocessor.transform(src, { rows: new Set([1, 9]) })).toThrow('tiny.csv: some row indices are not below the 5 rows of the file');
    expect(() => p.preprocessor.transform(src, { rows: new Set([1, 9]), rowCount: 5 })).toThrow('row index 9 is outside [0, 5)');
    expect(() => prepareCsv(src, { drop: ['x', 'c'] })).toThrow('tiny.csv: no feature columns left after the label and drop');
    expect(() => p.preprocessor.transform(src, { rows: rowMask([0], 4) })).toThrow('tiny.csv: the row mask has length 4, but the file has 5 rows');
  });

  it('a constant column is divided by 1', () => {
    const p = prepareCsv(text('k,y\n5,no\n5,yes\n5,no\n'));
    expect(p.preprocessor.columns[0]).toMatchObject({ mean: 5, std: 1 });
    expect(Array.from(p.X)).toEqual([0, 0, 0]);
  });
});

describe('toJSON / fromJSON', () => {
  it('round trips through JSON text to an identical transform', () => {
    const src = fileChunks(fixture('marketing-export.csv'));
    const p = prepareCsv(src, { drop: ['customer'], trainRows: rowMask([0, 1, 2, 3], 5) });
    const json = JSON.stringify(p.preprocessor);
    const back = Preprocessor.fromJSON(JSON.parse(json));
    expect(back.featureNames).toEqual(p.featureNames);
    expect(JSON.stringify(back)).toBe(json);
    const t = back.transform(src);
    expect(Array.from(t.X)).toEqual(Array.from(p.X));
    expect(Array.from(t.y!)).toEqual(Array.from(p.y!));
  });

  it('fromJSON rejects bad objects, naming the field', () => {
    const good = prepareCsv(text('x,c,y\n1,a,yes\n2,b,no\n')).preprocessor.toJSON();
    expect(() => Preprocessor.fromJSON({ format: 'other' })).toThrow(/not a densely.preprocessor/);
    expect(() => Preprocessor.fromJSON({ ...good, version: 2 })).toThrow(/unsupported version 2/);
    const badStd = { ...good, columns: [{ ...good.columns[0], std: 0 }, good.columns[1]] };
    expect(() => Preprocessor.fromJSON(badStd)).toThrow(/columns\[0\] needs a finite mean and std > 0/);
    expect(() => Preprocessor.fromJSON({ ...good, featureNames: ['x'] })).toThrow(/'featureNames' do not match/);
  });
});

describe('a second marketing export: comma, label converted=true/false, a boolean column', () => {
  const path = fixture('marketing-export.csv');
  const names = [
    'age',
    'plan=basic',
    'plan=premium',
    'plan=pro "plus"',
    'newsletter=FALSE',
    'newsletter=TRUE',
    'spend',
    'region=north, east',
    'region=south',
    'region=unknown',
  ];

  it('prepares with one-hot booleans (the default) and the last column as label', () => {
    const p = prepareCsv(fileChunks(path), { drop: ['customer'] });
    expect(p.scan.delimiter).toBe(',');
    expect(p.scan.label).toBe('converted');
    expect(p.scan.labelFamily).toBe('true/false');
    expect(p.featureNames).toEqual(names);
    expect(Array.from(p.y!)).toEqual([1, 0, 1, 0, 0]);
    // age: mean 41.4, population variance 617.2 / 5 = 123.44.
    const age = (a: number): number => f32((a - 41.4) / Math.sqrt(123.44));
    const spendVals = [150, 9.83e-5, -25, 75, 0];
    const sm = spendVals.reduce((a, b) => a + b) / 5;
    const ss = Math.sqrt(spendVals.reduce((a, b) => a + (b - sm) ** 2, 0) / 5);
    const sp = (v: number): number => f32((v - sm) / ss);
    const X = rowsOf(p.X, names.length);
    const close = (got: number[][], want: number[][]): void => {
      got.forEach((row, r) => row.forEach((v, c) => expect(v, `row ${r} col ${c}`).toBeCloseTo(want[r][c], 6)));
    };
    close(X, [
      [age(34), 1, 0, 0, 0, 1, sp(150), 1, 0, 0],
      [age(45), 0, 1, 0, 1, 0, sp(9.83e-5), 0, 1, 0],
      [age(29), 1, 0, 0, 0, 1, sp(-25), 0, 0, 1],
      [age(61), 0, 0, 1, 1, 0, sp(75), 0, 1, 0],
      [age(38), 0, 1, 0, 0, 1, sp(0), 1, 0, 0],
    ]);
  });

  it("booleans: 'binary' gives one 0/1 column", () => {
    const p = prepareCsv(fileChunks(path), { drop: ['customer'], booleans: 'binary' });
    expect(p.featureNames).toEqual(['age', 'plan=basic', 'plan=premium', 'plan=pro "plus"', 'newsletter', 'spend', 'region=north, east', 'region=south', 'region=unknown']);
    expect(rowsOf(p.X, 9).map((r) => r[4])).toEqual([1, 0, 1, 0, 1]);
    expect(p.preprocessor.columns[2]).toEqual({ name: 'newsletter', type: 'binary', fill: null });
  });

  it('scores new raw rows: other column order, extra column, no label, unseen category', () => {
    const p = prepareCsv(fileChunks(path), { drop: ['customer'] });
    const fresh = text('region;id;spend;newsletter;age;plan\n"north, east";9;150;TRUE;34;basic\nwest;10;0;FALSE;38;premium\n', 'new.csv');
    const t = p.preprocessor.transform(fresh);
    expect(t.y).toBeNull();
    expect(t.rows).toBe(2);
    expect(rowsOf(t.X, names.length)[0]).toEqual(rowsOf(p.X, names.length)[0]);
    expect(t.unseen).toEqual({ region: 1 });
    expect(t.warnings).toContain('ignored column not seen in training: id');
    expect(() => p.preprocessor.transform(fresh, { withLabels: true })).toThrow(/new\.csv: label column 'converted' not found/);
    expect(() => p.preprocessor.transform(text('age,plan\n1,basic\n', 'short.csv'))).toThrow(
      "short.csv: missing columns 'newsletter', 'spend', 'region' (the preprocessor needs: age, plan, newsletter, spend, region); the file has: age, plan",
    );
    expect(() =>
      p.preprocessor.transform(text('age,plan,newsletter,spend,region\n1,basic,TRUE,lots,south\n', 'bad.csv')),
    ).toThrow(`bad.csv line 2: column 'spend' expects a number, got "lots"`);
  });
});

describe('errors and missing values', () => {
  it('drop: unknown names list the available columns', () => {
    expect(() => prepareCsv(fileChunks(fixture('marketing-export.csv')), { drop: ['customer', 'durration'] })).toThrow(
      /cannot drop column 'durration': no such column; the columns are: customer, age, plan, newsletter, spend, region, converted/,
    );
  });

  it('missing numeric values: an error naming the column and row count, unless impute: mean', () => {
    const src = fileChunks(fixture('missing-numeric.csv'));
    expect(() => prepareCsv(src)).toThrow(
      /numeric column 'balance' has a missing or non-finite value in 2 rows \(first at line 3\); fix the data, drop the column, or impute it \(impute: 'mean', --impute mean\)/,
    );
    const p = prepareCsv(src, { impute: 'mean' });
    // Training mean of 100 and 300 is 200; imputed cells count in the variance with zero deviation:
    // (100² + 0 + 0 + 100²) / 4 = 5000.
    expect(p.preprocessor.columns[1]).toEqual({ name: 'balance', type: 'standardize', mean: 200, std: Math.sqrt(5000), fill: 200 });
    expect(rowsOf(p.X, p.cols).map((r) => r[1])).toEqual([f32(-100 / Math.sqrt(5000)), 0, 0, f32(100 / Math.sqrt(5000))]);
    expect(p.imputed).toEqual({ balance: 2 });
    expect(p.warnings).toContain("column 'balance': 2 missing or non-finite values replaced by the training mean");
    // A fitted preprocessor without impute rejects missing cells in new rows, counting them all.
    const strict = prepareCsv(text('balance,y\n1,no\n2,yes\n')).preprocessor;
    expect(() => strict.transform(text('balance,y\nNA,no\n3,yes\ninf,no\n', 'new.csv'))).toThrow(
      "new.csv: numeric column 'balance' has a missing or non-finite value in 2 rows (first at line 2); fix the data, drop the column, or fit with impute: 'mean'",
    );
  });

  it('non-finite numbers are an error too', () => {
    expect(() => prepareCsv(text('v,y\n1,no\n-inf,yes\n3,no\n'))).toThrow(/numeric column 'v' has a missing or non-finite value in 1 row \(first at line 3\)/);
    const p = prepareCsv(text('v,y\n1,no\n-inf,yes\n3,no\n'), { impute: 'mean' });
    expect(p.preprocessor.columns[0]).toMatchObject({ mean: 2, fill: 2 });
  });

  it('missing categorical values are all zeros, with a warning', () => {
    const p = prepareCsv(text('c,y\na,no\nNA,yes\nb,no\n'));
    expect(p.featureNames).toEqual(['c=a', 'c=b']);
    expect(rowsOf(p.X, 2)).toEqual([
      [1, 0],
      [0, 0],
      [0, 1],
    ]);
    expect(p.missing).toEqual({ c: 1 });
    expect(p.warnings).toEqual(["column 'c': 1 missing value, encoded as all zeros"]);
  });

  it('a column empty in every row is an error naming it (fine when dropped)', () => {
    const src = fileChunks(fixture('empty-column.csv'));
    expect(() => prepareCsv(src)).toThrow(/column 'notes' is empty in every row \(3 missing values\); drop it \(--drop notes on the command line, drop: \['notes'\] in the API\)/);
    expect(prepareCsv(src, { drop: ['notes'] }).featureNames).toEqual(['age']);
  });

  it('a label outside yes/no, true/false, 1/0 names classes; one that cannot be classes lists the values found', () => {
    const scan = scanCsv(fileChunks(fixture('bad-label.csv')));
    expect([scan.labelFamily, scan.labelClasses]).toEqual(['classes', ['maybe', 'no', 'yes']]);
    expect(() => scanCsv(text('x,y\n1,maybe\n2,maybe\n'))).toThrow(/label column 'y' has one value only \("maybe"\); a classifier needs at least two classes/);
    expect(() => scanCsv(text('x,y\n1,0.5\n2,2\n3,1\n'))).toThrow(/label column 'y': neither binary \(0\/1\) nor whole-number classes; found 3 distinct values, e\.g\. 0\.5/);
    expect(() => scanCsv(text('x,y\n1,yes\n2,\n'))).toThrow(/label column 'y' has 1 missing value \(first at line 3\)/);
    expect(() => scanCsv(text('x,y\n1,yes\n'), { label: 'target' })).toThrow(/label column 'target' not found; the columns are: x, y/);
    // 1.0 / 0.0 labels; an explicit label name; no label at all.
    expect(Array.from(prepareCsv(text('t,x\n1.0,1\n0.0,2\n'), { label: 't' }).y!)).toEqual([1, 0]);
    const noLabel = prepareCsv(text('a,b\n1,2\n3,4\n'), { label: null });
    expect(noLabel.y).toBeNull();
    expect(noLabel.featureNames).toEqual(['a', 'b']);
  });

  it('too many categories is an error suggesting drop', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `id${i},${i % 2 ? 'yes' : 'no'}`).join('\n');
    expect(() => prepareCsv(text(`id,y\n${rows}\n`), { maxCategories: 20 })).toThrow(
      /column 'id' has more than 20 categories in the training rows; drop it \(--drop id on the command line, drop: \['id'\] in the API\), or set it numeric if it holds numbers \(--numeric id\)/,
    );
  });
});

describe('Standardizer (plain numeric matrices)', () => {
  // [4 rows, 3 cols]; col 2 constant.
  const data = (): Float32Array => new Float32Array([1, 10, 7, 2, 20, 7, 3, 30, 7, 10, 40, 7]);

  it('fits on training rows only and standardizes in place', () => {
    const X = data();
    const s = Standardizer.fit(X, 3, { rows: rowMask([0, 1, 2], 4) });
    expect(Array.from(s.mean)).toEqual([2, 20, 7]);
    expect(Array.from(s.std)).toEqual([Math.sqrt(2 / 3), Math.sqrt(200 / 3), 1]);
    s.transform(X);
    expect(rowsOf(X, 3)[3]).toEqual([f32(8 / Math.sqrt(2 / 3)), f32(20 / Math.sqrt(200 / 3)), 0]);
    const all = Standardizer.fit(data(), 3);
    expect(all.mean[0]).toBe(4);
    const back = Standardizer.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(Array.from(back.transform(data()))).toEqual(Array.from(X));
  });

  it('NaN / Inf: an error naming the column and row count, unless impute: mean', () => {
    const X = data();
    X[4] = NaN;
    X[10] = Infinity;
    expect(() => Standardizer.fit(X, 3, { names: ['a', 'b', 'c'] })).toThrow("column 'b' has NaN or infinite values in 2 training rows; fix the data or impute it (impute: 'mean', --impute mean)");
    const s = Standardizer.fit(X, 3, { impute: 'mean', names: ['a', 'b', 'c'] });
    expect(s.mean[1]).toBe(20);
    s.transform(X);
    expect([X[4], X[10]]).toEqual([0, 0]);
    const strict = Standardizer.fit(data(), 3);
    const Y = data();
    Y[2] = NaN;
    expect(() => strict.transform(Y)).toThrow("column 2 has NaN or infinite values in 1 row; fix the data or impute it (impute: 'mean', --impute mean)");
  });
});
