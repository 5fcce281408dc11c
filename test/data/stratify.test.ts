import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNpyMatrix } from '../../src/node/files.js';
import { describe, expect, it } from 'vitest';
import { stratifiedSplitIndices } from '../../src/data/split.js';

function labels(n: number, positives: number): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < positives; i++) y[(i * 7919) % n] = 1; // spread, deterministic
  return y;
}

describe('stratifiedSplitIndices', () => {
  it('keeps the class ratio in both parts (bank-like 11.7% positives)', () => {
    const n = 45211;
    const y = labels(n, 5289);
    const { train, test } = stratifiedSplitIndices(y, { testSize: 0.2, randomState: 42 });
    expect(test.length).toBe(9043);
    expect(train.length).toBe(36168);
    const pos = (idx: Int32Array) => idx.reduce((s, i) => s + y[i], 0);
    // approximate mode: floor/round of each class's share, off by at most one row per class
    expect(Math.abs(pos(test) - (5289 * 9043) / n)).toBeLessThanOrEqual(1);
    expect(Math.abs(pos(train) - (5289 * 36168) / n)).toBeLessThanOrEqual(1);
    const all = new Set([...train, ...test]);
    expect(all.size).toBe(n); // disjoint and covering
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const y = labels(500, 60);
    const a = stratifiedSplitIndices(y, { testSize: 0.25, randomState: 7 });
    const b = stratifiedSplitIndices(y, { testSize: 0.25, randomState: 7 });
    const c = stratifiedSplitIndices(y, { testSize: 0.25, randomState: 8 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('hand case: 4 + 4 rows, half for test, gives two of each class', () => {
    const y = [0, 0, 0, 0, 1, 1, 1, 1];
    const { train, test } = stratifiedSplitIndices(y, { testSize: 0.5, randomState: 0 });
    expect(Array.from(test).filter((i) => y[i] === 1).length).toBe(2);
    expect(Array.from(train).filter((i) => y[i] === 1).length).toBe(2);
  });

  it('rejects a class with a single row, as sklearn does', () => {
    expect(() => stratifiedSplitIndices([0, 0, 0, 1], { testSize: 0.5 })).toThrow(/least populated class in y has only 1 member/);
  });
});

describe('stratifiedSplitIndices equals real scikit-learn', () => {
  // test/fixtures/reference/stratified_split.json: written by scikit-learn 1.9.1 (make_stratified_refs.py)
  const ref = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'reference', 'stratified_split.json'), 'utf8'));

  interface Case { y: number[]; test_size: number; random_state: number; train: number[]; test: number[] }
  it('small cases, every index', () => {
    expect(ref.cases.length).toBe(7);
    for (const c of ref.cases as Case[]) {
      const got = stratifiedSplitIndices(c.y, { testSize: c.test_size, randomState: c.random_state });
      expect(Array.from(got.train)).toEqual(c.train);
      expect(Array.from(got.test)).toEqual(c.test);
    }
  });

  it('on the bank labels (45,211 rows), for random states 42 and 0', () => {
    const y = loadNpyMatrix(join(__dirname, '..', '..', 'data', 'marketing_data.npy.gz')).sliceColumns(-1).data;
    const digest = (a: Int32Array) => ({
      length: a.length,
      head: Array.from(a.subarray(0, 50)),
      tail: Array.from(a.subarray(a.length - 50)),
      weighted_sum_mod_2_31: Number(a.reduce((s, v, i) => (s + BigInt(i) * BigInt(v)) % 2147483648n, 0n)),
    });
    for (const rs of ['42', '0']) {
      const got = stratifiedSplitIndices(y, { testSize: 0.2, randomState: Number(rs) });
      expect(digest(got.train)).toEqual(ref['bank_labels_test_size_0.2'][rs].train);
      expect(digest(got.test)).toEqual(ref['bank_labels_test_size_0.2'][rs].test);
    }
  });
});
