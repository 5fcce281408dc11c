import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RANDOM_STATE, splitIndices, splitSizes, trainTestSplit } from '../../src/data/split.js';
import { Matrix } from '../../src/tensor/matrix.js';

const ref = (name: string): any =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/reference/${name}`, import.meta.url)), 'utf8'));
const sk = ref('sklearn_split.json');
const more = ref('split_more.json');

function digest(a: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = (s + ((i * a[i]) % 2147483648)) % 2147483648;
  const arr = Array.from(a);
  return { length: a.length, head: arr.slice(0, 50), tail: arr.slice(-50), weightedSumMod2p31: s };
}

/** The error messages for each failing check of sklearn's _validate_shuffle_split. */
const ERROR_PATTERNS: Record<string, RegExp> = {
  testSize: /^testSize=.* should be either positive and smaller than the number of samples \d+ or a float in the \(0, 1\) range$/,
  trainSize: /^trainSize=.* should be either positive and smaller than the number of samples \d+ or a float in the \(0, 1\) range$/,
  sum: /^The sum of (testSize and trainSize|trainSize and testSize) = /,
  empty: /the resulting train set will be empty/,
};

type Case = {
  n: number;
  testSize: number | null;
  trainSize: number | null;
  randomState: number;
  shuffle: boolean;
  error?: string;
  test?: number[];
  train?: number[];
  testDigest?: unknown;
  trainDigest?: unknown;
};

function check(c: Case) {
  const opts = {
    testSize: c.testSize ?? undefined,
    trainSize: c.trainSize ?? undefined,
    randomState: c.randomState,
    shuffle: c.shuffle,
  };
  if (c.error) {
    expect(() => splitIndices(c.n, opts)).toThrow(ERROR_PATTERNS[c.error]);
    return;
  }
  const { train, test } = splitIndices(c.n, opts);
  if (c.test) {
    expect(Array.from(test)).toEqual(c.test);
    expect(Array.from(train)).toEqual(c.train);
  } else {
    expect(digest(test)).toEqual(c.testDigest);
    expect(digest(train)).toEqual(c.trainDigest);
  }
}

describe('splitIndices: DESIGN.md test vector', () => {
  it('n=10, testSize 0.2, seed 42', () => {
    const { train, test } = splitIndices(10, { testSize: 0.2, randomState: 42 });
    expect(Array.from(test)).toEqual([8, 1]);
    expect(Array.from(train)).toEqual([5, 0, 7, 2, 9, 4, 3, 6]);
  });
});

describe('splitIndices against real sklearn 1.2.1 (sklearn_split.json)', () => {
  for (const [name, c] of Object.entries<any>(sk.cases)) {
    it(name, () => {
      const { train, test } = splitIndices(c.n, { testSize: c.test_size, randomState: c.random_state });
      expect(Array.from(test)).toEqual(c.test);
      expect(Array.from(train)).toEqual(c.train);
    });
  }

  it('the marketing data: 45211 rows give 9043 test and 36168 train rows', () => {
    const { train, test } = splitIndices(45211, { testSize: 0.2 });
    expect([test.length, train.length]).toEqual([9043, 36168]);
  });
});

describe('splitIndices against the numpy reimplementation (split_more.json)', () => {
  const byN = new Map<number, Case[]>();
  for (const c of more.splits as Case[]) {
    if (!byN.has(c.n)) byN.set(c.n, []);
    byN.get(c.n)!.push(c);
  }
  for (const [n, cases] of byN) {
    it(`n=${n}: ${cases.length} cases over test sizes and seeds`, () => cases.forEach(check));
  }
  it(`${more.extraSplits.length} other size combinations, with and without shuffle`, () => {
    (more.extraSplits as Case[]).forEach(check);
  });
  it('covers the error paths', () => {
    const kinds = new Set([...more.splits, ...more.extraSplits].map((c: Case) => c.error).filter(Boolean));
    expect([...kinds].sort()).toEqual(['empty', 'sum', 'testSize', 'trainSize']);
  });
});

describe('splitSizes: sklearn arithmetic by hand', () => {
  it('ceil for test fractions, in float64 (0.07·100 = 7.000000000000001 → 8)', () => {
    expect(splitSizes(100, 0.07)).toEqual({ nTrain: 92, nTest: 8 });
    expect(splitSizes(15, 0.2)).toEqual({ nTrain: 12, nTest: 3 });
    expect(splitSizes(10, 0.2)).toEqual({ nTrain: 8, nTest: 2 });
    expect(splitSizes(45211, 0.2)).toEqual({ nTrain: 36168, nTest: 9043 });
  });
  it('floor for train fractions; the other size is the rest', () => {
    expect(splitSizes(10, undefined, 0.75)).toEqual({ nTrain: 7, nTest: 3 });
    expect(splitSizes(10, 0.2, 0.5)).toEqual({ nTrain: 5, nTest: 2 });
    expect(splitSizes(100, undefined, 0.29)).toEqual({ nTrain: 28, nTest: 72 }); // 28.999999999999996
  });
  it('whole numbers are row counts', () => {
    expect(splitSizes(10, 3)).toEqual({ nTrain: 7, nTest: 3 });
    expect(splitSizes(10, 1)).toEqual({ nTrain: 9, nTest: 1 });
    expect(splitSizes(10, undefined, 4)).toEqual({ nTrain: 4, nTest: 6 });
    expect(splitSizes(10, 2, 5)).toEqual({ nTrain: 5, nTest: 2 });
  });
  it('defaults to testSize 0.25', () => {
    expect(splitSizes(8)).toEqual({ nTrain: 6, nTest: 2 });
    expect(splitIndices(8)).toEqual(splitIndices(8, { testSize: 0.25, randomState: 42 }));
  });
});

describe('validation errors name the argument and value', () => {
  it('testSize out of range', () => {
    expect(() => splitIndices(10, { testSize: 0 })).toThrow(/testSize=0 .*number of samples 10/);
    expect(() => splitIndices(10, { testSize: 10 })).toThrow(/testSize=10 /);
    expect(() => splitIndices(10, { testSize: 11 })).toThrow(/testSize=11 /);
    expect(() => splitIndices(10, { testSize: -0.5 })).toThrow(/testSize=-0.5 /);
    expect(() => splitIndices(10, { testSize: 1.5 })).toThrow(/testSize=1.5 /);
    expect(() => splitIndices(10, { testSize: -2 })).toThrow(/testSize=-2 /);
  });
  it('trainSize out of range', () => {
    expect(() => splitIndices(10, { trainSize: 0 })).toThrow(/trainSize=0 /);
    expect(() => splitIndices(10, { trainSize: 10 })).toThrow(/trainSize=10 /);
    expect(() => splitIndices(10, { trainSize: 1.25 })).toThrow(/trainSize=1.25 /);
  });
  it('sizes that do not fit', () => {
    expect(() => splitIndices(10, { testSize: 0.6, trainSize: 0.5 })).toThrow(/sum of testSize and trainSize = 1.1/);
    expect(() => splitIndices(10, { testSize: 8, trainSize: 3 })).toThrow(/sum of trainSize and testSize = 11.*samples 10/);
  });
  it('an empty train set', () => {
    expect(() => splitIndices(1, { testSize: 0.2 })).toThrow(/With n=1, testSize=0.2 and trainSize=undefined.*empty/);
    expect(() => splitIndices(0)).toThrow(/With n=0.*empty/);
  });
  it('non-finite sizes, bad n and bad seeds', () => {
    expect(() => splitIndices(10, { testSize: NaN })).toThrow(/Invalid value for testSize: NaN/);
    expect(() => splitIndices(10, { trainSize: Infinity })).toThrow(/Invalid value for trainSize: Infinity/);
    expect(() => splitIndices(-1)).toThrow(/n must be .* got -1/);
    expect(() => splitIndices(2.5)).toThrow(/got 2.5/);
    expect(() => splitIndices(10, { randomState: -1 })).toThrow(/randomState.*-1/);
    expect(() => splitIndices(10, { randomState: 2 ** 32 })).toThrow(/randomState.*4294967296/);
  });
  it('all errors are RangeErrors', () => {
    expect(() => splitIndices(10, { testSize: 0 })).toThrow(RangeError);
    expect(() => splitIndices(1)).toThrow(RangeError);
  });
});

describe('shuffle: false', () => {
  it('train is the first rows and test the last', () => {
    const { train, test } = splitIndices(10, { testSize: 0.2, shuffle: false });
    expect(Array.from(train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(test)).toEqual([8, 9]);
  });
  it('with both sizes, the rows after nTrain + nTest are left out', () => {
    const { train, test } = splitIndices(10, { testSize: 2, trainSize: 5, shuffle: false });
    expect(Array.from(train)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(test)).toEqual([5, 6]);
  });
  it('ignores randomState', () => {
    expect(splitIndices(20, { shuffle: false, randomState: 1 })).toEqual(splitIndices(20, { shuffle: false, randomState: 2 }));
  });
});

describe('defaults and determinism', () => {
  it('the default randomState is 42', () => {
    expect(DEFAULT_RANDOM_STATE).toBe(42);
    expect(splitIndices(100, { testSize: 0.2 })).toEqual(splitIndices(100, { testSize: 0.2, randomState: 42 }));
    expect(splitIndices(100, { testSize: 0.2, randomState: 0 })).not.toEqual(splitIndices(100, { testSize: 0.2 }));
  });
  it('train and test partition the rows when the sizes add up to n', () => {
    for (const n of [2, 3, 17, 64, 1001]) {
      const { train, test } = splitIndices(n, { testSize: 0.3, randomState: n });
      expect([...train, ...test].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });
});

describe('trainTestSplit', () => {
  const n = 10;
  const X = new Matrix(n, 3, Float32Array.from({ length: n * 3 }, (_, i) => i));
  const y = new Matrix(n, 1, Float32Array.from({ length: n }, (_, i) => i * 10));

  it('gathers the rows of X and y by splitIndices', () => {
    const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
    expect(XTest.shape).toEqual([2, 3]);
    expect(XTrain.shape).toEqual([8, 3]);
    expect(XTest.toArray()).toEqual([[24, 25, 26], [3, 4, 5]]); // rows 8 and 1
    expect(yTest.toArray()).toEqual([[80], [10]]);
    expect(Array.from(yTrain.data)).toEqual([5, 0, 7, 2, 9, 4, 3, 6].map((r) => r * 10));
    expect(XTrain.get(0, 0)).toBe(15); // row 5
  });

  it('copies, so the splits do not share memory with X', () => {
    const { XTrain } = trainTestSplit(X, y);
    XTrain.data[0] = -1;
    expect(X.data.includes(-1)).toBe(false);
  });

  it('rejects X and y with different row counts, printing both shapes', () => {
    expect(() => trainTestSplit(X, new Matrix(9, 1))).toThrow(/X \[10, 3\] and y \[9, 1\]/);
    expect(() => trainTestSplit(X, new Matrix(9, 1))).toThrow(RangeError);
  });
});
