import { describe, expect, it } from 'vitest';
import { Arena } from '../../src/tensor/arena.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { RowViews } from '../../src/tensor/row-views.js';
import { gatherRows } from '../../src/backends/js/gather.js';

describe('Matrix', () => {
  it('is row-major and checks shapes', () => {
    const m = Matrix.from([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.get(1, 0)).toBe(4);
    expect(() => new Matrix(2, 2, new Float32Array(3))).toThrow(/3 elements but shape \[2, 2\] needs 4/);
    expect(() => Matrix.from([[1, 2], [3]])).toThrow(/row 1 has 1 values, row 0 has 2/);
  });

  it('sliceColumns follows numpy: [:, :-1] and [:, -1:]', () => {
    const m = Matrix.from([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.sliceColumns(0, -1).toArray()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(m.sliceColumns(-1).toArray()).toEqual([[3], [6]]);
    expect(m.sliceColumns(2, 1).shape).toEqual([2, 0]);
  });

  it('rowView shares memory; takeRows gathers a copy and checks bounds', () => {
    const m = Matrix.from([[1], [2], [3]]);
    m.rowView(1, 3).data[0] = 20;
    expect(m.get(1, 0)).toBe(20);
    const t = m.takeRows([2, 0]);
    expect(t.toArray()).toEqual([[3], [1]]);
    t.data[0] = 99;
    expect(m.get(2, 0)).toBe(3);
    expect(() => m.takeRows([3])).toThrow(/row 3 is outside \[0, 3\)/);
  });
});

describe('Arena and RowViews', () => {
  it('hands out consecutive views of one buffer and refuses to overflow', () => {
    const arena = new Arena(6);
    const a = arena.alloc(4);
    const b = arena.alloc(2);
    a[3] = 1;
    b[0] = 2;
    expect(Array.from(arena.floats)).toEqual([0, 0, 0, 1, 2, 0]);
    expect(a.buffer).toBe(b.buffer);
    expect(() => arena.alloc(1)).toThrow(/asked for 1 floats with 0 of 6 left/);
  });

  it('copies a prefix into a larger arena (how a model grows without losing weights)', () => {
    const small = new Arena(3);
    small.alloc(3).set([1, 2, 3]);
    const big = new Arena(5);
    big.copyPrefixFrom(small, 2);
    expect(Array.from(big.floats)).toEqual([1, 2, 0, 0, 0]);
  });

  it('a sub-arena over a region carves views of that region', () => {
    const arena = new Arena(4);
    const region = new Arena(arena.alloc(3));
    region.alloc(1);
    region.alloc(2)[1] = 7;
    expect(arena.floats[2]).toBe(7);
  });

  it('RowViews caches one view per row count', () => {
    const v = new RowViews(new Float32Array(8), 2);
    expect(v.get(3).length).toBe(6);
    expect(v.get(3)).toBe(v.get(3));
    expect(() => v.get(5)).toThrow(/5 rows of 2 do not fit/);
  });
});

describe('gatherRows', () => {
  it('copies the indexed rows, in index order, from a start offset', () => {
    const dst = new Float32Array(6).fill(-1);
    gatherRows(Float32Array.of(1, 2, 3, 4, 5, 6), 2, Int32Array.of(9, 2, 0), 1, 2, dst);
    expect(Array.from(dst)).toEqual([5, 6, 1, 2, -1, -1]);
  });
});
