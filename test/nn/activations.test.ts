import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backends/js/index.js';

describe('relu, branch-free', () => {
  const relu = jsBackend.activation('relu');

  it('forward is max(z + b, 0) exactly, with +0 (never −0) for non-positive z', () => {
    const Y = Float32Array.of(1.5, -2, 0, -0, 3e-39, -3e-39, 1e38, 0.1);
    const b = Float32Array.of(0.25, 0, 0, 0, 0, 0, 1e38, -0.1);
    const want = Array.from(Y, (y, i) => Math.fround(Math.max(y + b[i], 0)));
    relu.biasForward(Y, b, 1, 8);
    for (let i = 0; i < 8; i++) {
      expect(Y[i]).toBe(want[i]);
      expect(Object.is(Y[i], -0)).toBe(false);
    }
  });

  it('backward passes dA where A > 0, zeroes it elsewhere, and sums db', () => {
    const A = Float32Array.of(1, 0, 2, 0, 3, 0);
    const dA = Float32Array.of(0.5, -7, -0.25, 9, 2, -1);
    const db = Float32Array.of(1, 1, 1);
    relu.backward(A, dA, db, 2, 3);
    expect(Array.from(dA).map((v) => v + 0)).toEqual([0.5, 0, -0.25, 0, 2, 0]); // (+0 folds −0)
    expect(Array.from(db)).toEqual([1.5, 3, 0.75]);
  });
});
