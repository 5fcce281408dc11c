/**
 * The raw-CSV route end to end: train on a CSV export, save, score new raw rows with the same
 * preparation, prepare the NumPy matrix, and the bad-file errors.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './run.js';
import { loadModelFile } from '../../src/node/model-files.js';
import { fileChunks } from '../../src/node/chunks.js';
import { loadNpyMatrix } from '../../src/node/files.js';
import { readNpy } from '../../src/data/npy.js';
import { Preprocessor } from '../../src/data/preprocessor.js';
import { Matrix } from '../../src/tensor/matrix.js';

const root = join(__dirname, '..', '..');
const bankCsv = join(root, 'data', 'bank-full.csv.gz');
const fixtures = join(__dirname, '..', 'fixtures', 'csv');

/**
 * A synthetic marketing export unlike the bank's: commas, a quoted field with a comma, label
 * 'converted' true/false, a TRUE/FALSE column, scientific notation, a region that matters.
 */
function syntheticExport(n: number, seed: number): string {
  let s = seed;
  const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const plans = ['basic', 'premium', 'pro "plus"'];
  const regions = ['north, east', 'south', 'west', 'unknown'];
  const lines = ['customer,age,plan,newsletter,spend,region,converted'];
  for (let i = 0; i < n; i++) {
    const age = 18 + Math.floor(rand() * 60);
    const plan = plans[Math.floor(rand() * 3)];
    const news = rand() < 0.4;
    const spend = rand() * 500;
    const region = regions[Math.floor(rand() * 4)];
    const z = -2 + (plan === 'basic' ? 0 : 1.5) + (news ? 1 : 0) + spend / 250 - (region === 'south' ? 1 : 0) + (rand() - 0.5);
    const q = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    lines.push([`c${i}`, age, q(plan), news ? 'TRUE' : 'FALSE', spend.toExponential(3), q(region), z > 0 ? 'true' : 'false'].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('densely train on raw CSV', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'densely-csv-'));
  });

  it('trains on bank-full.csv.gz with --drop duration, as on the prepared matrix', () => {
    const csv = JSON.parse(run('train', '--data', bankCsv, '--drop', 'duration', '--epochs', '1', '--json').out);
    const npy = JSON.parse(run('train', '--epochs', '1', '--json').out);
    expect([csv.rows, csv.features, csv.trainRows, csv.testRows]).toEqual([45211, 50, 36168, 9043]);
    // scaling fitted on the training rows (CSV) vs all rows (the NumPy file) differs only slightly
    expect(Math.abs(csv.test.accuracy - npy.test.accuracy)).toBeLessThan(0.01);
    expect(csv.test.auc).toBeGreaterThan(0.74);
  });

  it('trains and scores another export (commas, true/false label, TRUE/FALSE column) with no hand editing', () => {
    const train = join(dir, 'export.csv');
    writeFileSync(train, syntheticExport(3000, 7));
    const model = join(dir, 'export-model.json');
    const r = run('train', '--data', train, '--label', 'converted', '--drop', 'customer', '--epochs', '20', '--json', '--save', model);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.features).toBe(1 + 3 + 2 + 1 + 4); // age, plan×3, newsletter×2, spend, region×4
    expect(j.test.accuracy).toBeGreaterThan(0.85);
    expect(j.test.auc).toBeGreaterThan(0.9);
  });

  it('predict on raw CSV rows equals the training-time pipeline on the same rows', () => {
    const train = join(dir, 'export2.csv');
    writeFileSync(train, syntheticExport(800, 11));
    const modelPath = join(dir, 'm2.json');
    expect(run('train', '--data', train, '--label', 'converted', '--drop', 'customer', '--epochs', '3', '--save', modelPath, '--json').code).toBe(0);
    // new raw rows (a different sample, columns reordered, the label column absent)
    const fresh = syntheticExport(50, 99).split('\r\n').filter((l) => l.length > 0);
    const reordered = fresh.map((line) => {
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
      return [cells[4], cells[1], cells[2], cells[0], cells[3], cells[5]].join(',');
    });
    const rows = join(dir, 'new.csv');
    writeFileSync(rows, `${reordered.join('\n')}\n`);
    const out = join(dir, 'p.npy');
    const r = run('predict', '--model', modelPath, '--data', rows, '--out', out);
    expect(r.code, r.err).toBe(0);
    const p = readNpy(readFileSync(out)).data as Float32Array;
    // the same rows, prepared by the saved preprocessor in the original column order, through the model
    const { preparation, model } = loadModelFile(modelPath);
    const originalOrder = join(dir, 'new-orig.csv');
    writeFileSync(originalOrder, `${fresh.join('\n')}\n`);
    const pre = Preprocessor.fromJSON(preparation!.kind === 'csv' ? preparation!.preprocessor : null);
    const t = pre.transform(fileChunks(originalOrder), { withLabels: false });
    const expected = model.predict(new Matrix(t.rows, t.cols, t.X)).data;
    expect(p.length).toBe(50);
    expect(Array.from(p)).toEqual(Array.from(expected));
  });

  it('warns about categories never seen in training and encodes them as zeros', () => {
    const train = join(dir, 'export3.csv');
    writeFileSync(train, syntheticExport(300, 5));
    const modelPath = join(dir, 'm3.json');
    run('train', '--data', train, '--label', 'converted', '--drop', 'customer', '--epochs', '1', '--save', modelPath, '--json');
    const rows = join(dir, 'unseen.csv');
    writeFileSync(rows, 'customer,age,plan,newsletter,spend,region\nx,40,platinum,TRUE,100,south\ny,41,basic,FALSE,3,mars\nz,42,basic,FALSE,3,mars\n');
    const r = run('predict', '--model', modelPath, '--data', rows, '--out', join(dir, 'u.npy'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/plan.*1 .*not seen|1 .*plan/);
    expect(r.err).toMatch(/region.*2 .*not seen|2 .*region/);
  });

  it('--class-weight balanced and --stratify are honoured', () => {
    const plain = JSON.parse(run('train', '--epochs', '1', '--json').out);
    const balanced = JSON.parse(run('train', '--epochs', '1', '--json', '--class-weight', 'balanced').out);
    // weighting the 11.7% positives up trades accuracy for recall: accuracy drops, AUC stays
    expect(balanced.test.accuracy).toBeLessThan(plain.test.accuracy - 0.03);
    expect(balanced.test.auc).toBeGreaterThan(0.74);
    const strat = JSON.parse(run('train', '--epochs', '1', '--json', '--stratify').out);
    expect(strat.testRows).toBe(9043);
  });

  it('a failed run never overwrites the model already on disk', () => {
    const modelPath = join(dir, 'keep.json');
    writeFileSync(modelPath, '{"precious": true}');
    const bad = join(dir, 'ragged.csv');
    copyFileSync(join(fixtures, 'ragged.csv'), bad);
    const r = run('train', '--data', bad, '--save', modelPath);
    expect(r.code).toBe(1);
    expect(readFileSync(modelPath, 'utf8')).toBe('{"precious": true}');
  });
});

describe('densely prepare', () => {
  it('reproduces the NumPy-prepared marketing_data.npy from bank-full.csv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-prep-'));
    const out = join(dir, 'marketing_data.npy');
    const r = run('prepare', '--data', bankCsv, '--drop', 'duration', '--out', out);
    expect(r.code, r.err).toBe(0);
    const mine = loadNpyMatrix(out);
    const numpy = loadNpyMatrix(join(root, 'data', 'marketing_data.npy.gz'));
    expect(mine.shape).toEqual(numpy.shape);
    let worst = 0;
    for (let i = 0; i < mine.data.length; i++) worst = Math.max(worst, Math.abs(mine.data[i] - numpy.data[i]));
    expect(worst).toBeLessThan(1e-5);
    const names = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    const expected = JSON.parse(readFileSync(join(root, 'data', 'marketing_data.features.json'), 'utf8'));
    expect(names.features).toEqual(expected.features);
    expect(names.label).toBe('y');
  });
});

describe('bad CSV files: one clear line naming the line/column, non-zero exit', () => {
  const cases: [string, RegExp][] = [
    ['ragged.csv', /ragged\.csv line \d+: \d+ fields, header has \d+/],
    ['unterminated.csv', /unterminated\.csv.*line \d+.*quote/i],
    ['header-only.csv', /header-only\.csv.*(no data rows|header only|only a header)/i],
    ['binary.csv', /binary\.csv.*binary/i],
    // (bad-label.csv, yes / no / maybe, is no longer bad: three classes, a multi-class target; test/cli/multiclass.test.ts)
    ['empty-column.csv', /empty-column\.csv.*column '.*' is empty in every row/],
    ['missing-numeric.csv', /missing-numeric\.csv.*numeric column '.*' has a missing or non-finite value in \d+ rows?/],
  ];
  for (const [file, message] of cases) {
    it(file, () => {
      const r = run('train', '--data', join(fixtures, file), '--epochs', '1');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }

  it('a missing label column names the columns there are', () => {
    const r = run('train', '--data', join(fixtures, 'marketing-export.csv'), '--label', 'bought');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/label column 'bought' not found; the columns are: customer, age/);
  });

  it('--impute mean lets a numeric column with missing cells train', () => {
    const r = run('train', '--data', join(fixtures, 'missing-numeric.csv'), '--epochs', '1', '--impute', 'mean', '--json', '--test-size', '0.5');
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(fixtures, 'missing-numeric.csv'))).toBe(true);
  });
});
