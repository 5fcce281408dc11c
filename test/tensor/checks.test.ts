import { describe, expect, it } from 'vitest';
import { countNonFinite, findNonBinary, findNonFinite } from '../../src/tensor/checks.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);

describe('findNonFinite', () => {
  it('an empty array is clean, whatever the column count', () => {
    expect(findNonFinite(new Float32Array(0), 0)).toBeNull();
    expect(findNonFinite(new Float32Array(0), 3)).toBeNull();
  });

  it('a finite array is clean (including ±0 and the float32 extremes)', () => {
    expect(findNonFinite(f32([0, -0, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, 7]), 2)).toBeNull();
  });

  it('one column: every bad cell is its own row', () => {
    expect(findNonFinite(f32([1, NaN, 2, Infinity, -Infinity]), 1)).toEqual({
      count: 3,
      rows: 3,
      firstIndex: 1,
      firstRow: 1,
      firstColumn: 0,
      firstValue: NaN,
      inFirstColumn: 3,
    });
  });

  it('finds the first bad cell in row-major order, counts cells, rows, and cells of that column', () => {
    // [4 rows, 3 cols]: row 1 has -Inf at column 2, row 2 NaN at columns 0 and 2, row 3 +Inf at column 2
    const data = f32([1, 2, 3, 4, 5, -Infinity, NaN, 8, NaN, 10, 11, Infinity]);
    expect(findNonFinite(data, 3)).toEqual({
      count: 4,
      rows: 3,
      firstIndex: 5,
      firstRow: 1,
      firstColumn: 2,
      firstValue: -Infinity,
      inFirstColumn: 3,
    });
  });

  it('a bad cell in the very first and very last position', () => {
    expect(findNonFinite(f32([NaN, 1, 2, 3]), 2)).toMatchObject({ count: 1, rows: 1, firstIndex: 0, firstRow: 0, firstColumn: 0, inFirstColumn: 1 });
    expect(findNonFinite(f32([0, 1, 2, Infinity]), 2)).toMatchObject({ count: 1, rows: 1, firstIndex: 3, firstRow: 1, firstColumn: 1, firstValue: Infinity });
  });

  it('data that does not make whole rows is a RangeError naming both numbers', () => {
    expect(() => findNonFinite(f32([1, 2, 3]), 2)).toThrow('findNonFinite: 3 values do not make rows of 2 columns');
    expect(() => findNonFinite(f32([1]), 0)).toThrow('findNonFinite: 1 values do not make rows of 0 columns');
  });
});

describe('findNonBinary', () => {
  it('empty, all-0/1 and -0 arrays are clean', () => {
    expect(findNonBinary(new Float32Array(0))).toBeNull();
    expect(findNonBinary(f32([0, 1, 1, 0, -0]))).toBeNull();
  });

  it('counts the bad cells and lists every distinct value, sorted', () => {
    expect(findNonBinary(f32([0, 1, 2, 1, 0.5, 2]))).toEqual({ count: 3, firstIndex: 2, firstValue: 2, distinctCount: 4, distinct: [0, 0.5, 1, 2] });
  });

  it('NaN and ±Inf are not binary; NaN is one distinct value', () => {
    const r = findNonBinary(f32([1, NaN, 0, NaN, -Infinity]));
    expect(r).toMatchObject({ count: 3, firstIndex: 1, firstValue: NaN, distinctCount: 4 });
    expect(r!.distinct).toHaveLength(4);
    expect(r!.distinct).toContain(-Infinity);
    expect(r!.distinct.some(Number.isNaN)).toBe(true);
  });

  it('caps the list of distinct values but not their count', () => {
    const data = f32(Array.from({ length: 30 }, (_, i) => 29 - i)); // 29, 28, …, 0
    const r = findNonBinary(data, 10)!;
    expect(r.distinctCount).toBe(30);
    expect(r.distinct).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.count).toBe(28);
    expect([r.firstIndex, r.firstValue]).toEqual([0, 29]);
    expect(findNonBinary(data, 0)!.distinct).toEqual([]);
  });
});

describe('countNonFinite', () => {
  it('counts NaN, Infinity and -Infinity cells', () => {
    expect(countNonFinite(new Float32Array(0))).toBe(0);
    expect(countNonFinite(f32([0, -0, 1e38]))).toBe(0);
    expect(countNonFinite(f32([NaN, 1, -Infinity, 0, Infinity, NaN]))).toBe(4);
  });
});
