import { describe, expect, it } from 'vitest';
import {
  ColumnScanner,
  MISSING_TOKENS,
  SCAN_DISTINCT_LIMIT,
  checkHeader,
  compareCodePoints,
  isMissing,
  labelFamily,
  labelValue,
  parseBoolean,
  parseNumber,
} from '../../src/data/columns.js';

function scan(values: string[]) {
  const c = new ColumnScanner('col');
  values.forEach((v, i) => c.observe(v, i + 2));
  return c.summary();
}

describe('value parsing', () => {
  it('missing tokens', () => {
    for (const t of ['', 'NA', 'NaN', 'null']) expect(isMissing(t), t).toBe(true);
    for (const t of MISSING_TOKENS) expect(isMissing(t), t).toBe(true);
    for (const t of ['unknown', 'na ', '0', 'none', ' ']) expect(isMissing(t), t).toBe(false);
  });

  it('parseNumber accepts decimals, signs, exponents and non-finite spellings', () => {
    const ok: [string, number][] = [
      ['0', 0],
      ['42', 42],
      ['-7', -7],
      ['+3', 3],
      ['2143', 2143],
      ['3.25', 3.25],
      ['-.5', -0.5],
      ['1.', 1],
      ['9.83E-05', 9.83e-5],
      ['1e3', 1000],
      ['-2.5e+1', -25],
      [' 12 ', 12],
      ['\t-1', -1],
      ['1e400', Infinity],
      ['inf', Infinity],
      ['-inf', -Infinity],
      ['+Infinity', Infinity],
      ['-INF', -Infinity],
    ];
    for (const [s, x] of ok) expect(parseNumber(s), s).toBe(x);
    for (const s of ['', ' ', 'abc', '0x10', '0b1', '0o7', '1_000', '1e', '.', '+', '-', '1,5', '1 2', 'Infinityy', 'infinite', 'yes', '12abc', 'NaN']) {
      expect(parseNumber(s), s).toBeNaN();
    }
  });

  it('parseNumber gives exactly the double Number() gives, on random decimal strings', () => {
    let seed = 7;
    const rand = (k: number): number => Math.floor(((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * k);
    const digits = (k: number): string => Array.from({ length: k }, () => String(rand(10))).join('');
    for (let t = 0; t < 20000; t++) {
      const sign = ['', '-', '+'][rand(3)];
      const int = digits(rand(19));
      const frac = rand(3) ? '.' + digits(rand(19)) : '';
      if (int === '' && frac.length < 2) continue;
      const exp = rand(3) ? '' : ['e', 'E'][rand(2)] + ['', '-', '+'][rand(3)] + digits(1 + rand(3));
      const s = sign + int + frac + exp;
      expect(Object.is(parseNumber(s), Number(s)), s).toBe(true);
    }
  });

  it('parseBoolean: yes/no, true/false in any case', () => {
    expect(['yes', 'YES', 'true', 'TRUE', 'True'].map(parseBoolean)).toEqual([1, 1, 1, 1, 1]);
    expect(['no', 'No', 'false', 'FALSE'].map(parseBoolean)).toEqual([0, 0, 0, 0]);
    for (const s of ['y', 'n', '1', '0', 'yes!', '']) expect(parseBoolean(s), s).toBeNaN();
  });
});

describe('ColumnScanner: column kinds', () => {
  it('numeric, with missing and non-finite counts', () => {
    const s = scan(['1', '2.5', 'NA', '9.83E-05', '', '-inf', '+4']);
    expect(s.kind).toBe('numeric');
    expect(s.missing).toBe(2);
    expect(s.nonFinite).toBe(1);
    expect(s.firstBadLine).toBe(4);
  });

  it('boolean-like: yes/no and TRUE/FALSE', () => {
    expect(scan(['yes', 'no', 'no']).kind).toBe('boolean');
    expect(scan(['TRUE', 'FALSE', 'null']).kind).toBe('boolean');
    expect(scan(['TRUE', 'FALSE', 'null']).missing).toBe(1);
  });

  it("categorical: anything else; 'unknown' is a category, not missing", () => {
    const s = scan(['admin.', 'unknown', 'admin.', '12', 'NA']);
    expect(s.kind).toBe('categorical');
    expect(s.missing).toBe(1);
    expect(s.distinct).toBe(3);
    expect(s.examples).toEqual(['admin.', 'unknown', '12']);
    // 0/1 columns are numeric (standardized), not boolean.
    expect(scan(['0', '1', '1']).kind).toBe('numeric');
    expect(scan(['yes', 'no', 'maybe']).kind).toBe('categorical');
  });

  it('empty: every cell missing', () => {
    const s = scan(['', 'NA', '']);
    expect(s.kind).toBe('empty');
    expect(s.missing).toBe(3);
  });

  it('stops tracking distinct values past the limit', () => {
    const vals = Array.from({ length: SCAN_DISTINCT_LIMIT + 5 }, (_, i) => `v${i}`);
    const s = scan(vals);
    expect(s.kind).toBe('categorical');
    expect(s.distinct).toBeNull();
    expect(s.examples).toEqual([]);
  });
});

describe('labels', () => {
  it('maps yes/no, true/false, 1/0 and 1.0/0.0 to 1/0', () => {
    expect(labelFamily(['no', 'yes'], 'y')).toBe('yes/no');
    expect(labelFamily(['TRUE', 'false'], 'y')).toBe('true/false');
    expect(labelFamily(['1', '0'], 'y')).toBe('1/0');
    expect(labelFamily(['1.0', '0.0'], 'y')).toBe('1/0');
    expect(labelFamily(['no'], 'y')).toBe('yes/no');
    expect(labelValue('Yes', 'yes/no')).toBe(1);
    expect(labelValue('false', 'true/false')).toBe(0);
    expect(labelValue('1.0', '1/0')).toBe(1);
    expect(labelValue('0.0', '1/0')).toBe(0);
    expect(labelValue('true', 'yes/no')).toBeNaN();
    expect(labelValue('2', '1/0')).toBeNaN();
  });

  it('any other label set is an error listing the values (up to 10)', () => {
    expect(() => labelFamily(['yes', 'no', 'maybe'], 'y', 'bank.csv')).toThrow(
      `bank.csv: label column 'y' must be binary (yes/no, true/false or 1/0), found 3 distinct values: "yes", "no", "maybe"`,
    );
    expect(() => labelFamily(['yes', 'true'], 'y')).toThrow(/found 2 distinct values/);
    expect(() => labelFamily(['1', '2'], 'y')).toThrow(/"1", "2"/);
    const many = Array.from({ length: 13 }, (_, i) => String(i));
    expect(() => labelFamily(many, 'grade')).toThrow(/found 13 distinct values: "0", "1", .*"9" \(and 3 more\)/);
    expect(() => labelFamily(many, 'id', 'x.csv', true)).toThrow(/found more than 12 distinct values: "0", .*"9" and more$/);
  });
});

describe('helpers', () => {
  it("compareCodePoints sorts like Python's sorted()", () => {
    // Frozen from Python: sorted(['b', 'a', 'B', '_', 'é', '😀', '！', 'ab', ''])
    const py = ['', 'B', '_', 'a', 'ab', 'b', 'é', '！', '😀'];
    expect(['b', 'a', 'B', '_', 'é', '😀', '！', 'ab', ''].sort(compareCodePoints)).toEqual(py);
  });

  it('checkHeader rejects empty and duplicate names', () => {
    expect(() => checkHeader(['a', 'b', 'a'], 'x.csv')).toThrow("x.csv: duplicate column name 'a' (columns 1 and 3)");
    expect(() => checkHeader(['a', ' '], 'x.csv')).toThrow('x.csv: header column 2 has no name');
    expect(() => checkHeader(['a', 'b'])).not.toThrow();
  });
});
