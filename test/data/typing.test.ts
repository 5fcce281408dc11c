/**
 * Data that never changes type silently: one stray text cell in a numeric column is a named
 * error (or, with impute 'mean', a counted missing value), never a reason to one-hot encode the
 * column; the user can set a column's type; text in a numeric column at predict time is an error.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ColumnScanner, NUMERIC_TEXT_TOLERANCE } from '../../src/data/columns.js';
import { prepareCsv, Preprocessor } from '../../src/data/preprocessor.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** 200 customers: age (numeric), job, zip (numbers that are codes), y; `age` of `strayRow` is `stray`. */
function csv(strayRow = -1, stray = 'fifty'): string {
  const lines = ['age,job,zip,y'];
  for (let i = 0; i < 200; i++) {
    const age = i === strayRow ? stray : String(20 + ((i * 7) % 50));
    lines.push(`${age},${['admin', 'cook', 'pilot'][i % 3]},${[10115, 20095, 80331][i % 3]},${i % 4 === 0 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('the typing rule', () => {
  it(`numeric when at most ${NUMERIC_TEXT_TOLERANCE * 100}% of the non-missing cells are text, which it counts and locates`, () => {
    const c = new ColumnScanner('age');
    for (let i = 0; i < 100; i++) c.observe(i === 41 ? 'fifty' : String(i), i + 2, i);
    const s = c.summary();
    expect(s.kind).toBe('numeric');
    expect(s.textCells).toBe(1);
    expect(s.firstText).toEqual({ value: 'fifty', row: 42, line: 43 });
    const someText = new ColumnScanner('code');
    for (let i = 0; i < 100; i++) someText.observe(i < 10 ? `A${i}` : String(i), i + 2, i);
    expect(someText.summary().kind).toBe('mixed'); // 10% text: too much to call errors, too little to guess categories
    const mostlyText = new ColumnScanner('code');
    for (let i = 0; i < 100; i++) mostlyText.observe(i < 60 ? `A${i}` : String(i), i + 2, i);
    expect(mostlyText.summary().kind).toBe('categorical'); // codes, some of them numeric
  });

  it("one stray text cell is an error naming the line, row, column and value, not 77 one-hot columns", () => {
    expect(() => prepareCsv(() => [csv(16)], { source: 'export.csv' })).toThrow(
      /export\.csv line 18: row 17, column age: "fifty" is not a number; fix the data, treat such cells as missing with --impute mean \(impute: 'mean'\), or read the column as categories with --categorical age/,
    );
  });

  it('with impute mean the cell is a missing value, counted in a warning; the width does not change', () => {
    const clean = prepareCsv(() => [csv()]);
    const p = prepareCsv(() => [csv(16)], { impute: 'mean' });
    expect(p.featureNames).toEqual(clean.featureNames);
    expect(p.featureNames.filter((n) => n.startsWith('age'))).toEqual(['age']);
    expect(p.warnings.join('\n')).toMatch(/column 'age': 1 cell that is not a number \(e\.g\. "fifty"\) treated as missing/);
    expect(p.X[16 * p.cols + p.featureNames.indexOf('age')]).toBe(0); // the training mean, standardized
  });

  it('a small file is held to the same rule: one stray cell in 40 rows is still an error, not one-hot', () => {
    const small = csv(16).split('\n').slice(0, 41).join('\n') + '\n';
    expect(() => prepareCsv(() => [small])).toThrow(/line 18: row 17, column age: "fifty" is not a number/);
  });

  it('mostly numbers with more text than the rule tolerates: densely asks instead of guessing', () => {
    const lines = ['age,y', ...Array.from({ length: 40 }, (_, i) => `${i % 5 === 0 ? 'n/a?' : 20 + i},${i % 2 ? 'yes' : 'no'}`)];
    const text = `${lines.join('\n')}\n`;
    expect(() => prepareCsv(() => [text])).toThrow(/column age is mostly numbers, but 8 of its values are not \(first "n\/a\?", line 2\); say which it is: --numeric age .* or --categorical age/);
    expect(prepareCsv(() => [text], { types: { age: 'categorical' } }).featureNames).toHaveLength(33); // 32 numbers + 'n/a?'
    expect(prepareCsv(() => [text], { types: { age: 'numeric' }, impute: 'mean' }).featureNames).toEqual(['age']);
  });

  it('--numeric / --categorical (types) override the rule', () => {
    const auto = prepareCsv(() => [csv()]);
    expect(auto.featureNames).toContain('zip');
    const coded = prepareCsv(() => [csv()], { types: { zip: 'categorical' } });
    expect(coded.featureNames.filter((n) => n.startsWith('zip'))).toEqual(['zip=10115', 'zip=20095', 'zip=80331']);
    expect(() => prepareCsv(() => [csv()], { types: { zipp: 'categorical' } })).toThrow(/cannot set the type of column 'zipp': no such column/);
    expect(() => prepareCsv(() => [csv()], { types: { job: 'numeric' } })).toThrow(/column 'job' is set to numeric, but most of its values are not numbers \(e\.g\. "admin"\)/);
    expect(() => prepareCsv(() => [csv()], { types: { y: 'categorical' } })).toThrow(/cannot set the type of 'y': it is the label column/);
  });

  it('at predict time, text in a numeric column is an error, not an unseen category', () => {
    const pre = Preprocessor.fromJSON(prepareCsv(() => [csv()]).preprocessor.toJSON());
    expect(() => pre.transform(() => [csv(3, 'n/a?')], { withLabels: false, source: 'new.csv' })).toThrow(/new\.csv line 5: column 'age' expects a number, got "n\/a\?"/);
  });
});

describe('densely train on damaged data', () => {
  const run = (...argv: string[]) => {
    const err: string[] = [];
    const code = main(argv, { out: () => {}, err: (l) => err.push(l) });
    return { code, err: err.join('\n') };
  };
  const dir = mkdtempSync(join(tmpdir(), 'densely-typing-'));
  const file = join(dir, 'export.csv');
  writeFileSync(file, csv(16));

  it('names the bad cell and suggests the CLI flag', () => {
    const r = run('train', '--data', file, '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 18: row 17, column age: "fifty" is not a number; .*--impute mean/);
  });

  it('trains with --impute mean, warning with the count; --categorical and --numeric are checked', () => {
    const r = run('train', '--data', file, '--epochs', '1', '--impute', 'mean', '--categorical', 'zip', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/1 cell that is not a number/);
    expect(run('train', '--data', file, '--numeric', 'zip', '--categorical', 'zip').err).toMatch(/'zip' is given to both --numeric and --categorical/);
  });
});
