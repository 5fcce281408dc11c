/**
 * One copy of the data: the CLI's .npy route reuses the table's memory for XTrain and XTest
 * (arrange-rows.ts). The results must be the copying route's, bit for bit, in every variant.
 */
import { describe, expect, it } from 'vitest';
import { arrangeRowsInPlace } from '../../src/data/arrange-rows.js';
import { prepareNpyTraining } from '../../src/data/prepare.js';
import { Matrix } from '../../src/tensor/matrix.js';

function table(rows: number, cols: number, seed: number): Matrix {
  const m = new Matrix(rows, cols);
  let s = seed;
  for (let i = 0; i < m.data.length; i++) m.data[i] = ((s = (s * 48271) % 2147483647) / 2147483647) * 10 - 5;
  for (let r = 0; r < rows; r++) m.data[r * cols + cols - 1] = r % 3 === 0 ? 1 : 0; // labels
  return m;
}

describe('in-place preparation', () => {
  it('arranges rows by any permutation and drops trailing columns', () => {
    const d = Float32Array.from({ length: 7 * 3 }, (_, i) => i);
    const order = Int32Array.from([3, 6, 0, 1, 5, 2, 4]);
    const out = arrangeRowsInPlace(d, 3, 2, order);
    expect(Array.from(out)).toEqual(Array.from(order).flatMap((r) => [3 * r, 3 * r + 1]));
    expect(out.buffer).toBe(d.buffer);
    expect(() => arrangeRowsInPlace(new Float32Array(6), 3, 2, Int32Array.from([0, 0]))).toThrow(/every row once/);
  });

  for (const variant of [{}, { stratify: true }, { standardize: true }, { impute: 'mean' as const, standardize: true }, { labels: true }]) {
    it(`gives the copying route's result: ${JSON.stringify(variant)}`, () => {
      const t = table(503, 6, 11);
      const opts = { source: 't.npy', testSize: 0.2, randomState: 7, ...variant, labels: undefined as Matrix | undefined };
      if (variant.impute) t.data[5 * 6 + 2] = NaN;
      if ('labels' in variant) opts.labels = new Matrix(503, 1, Float32Array.from({ length: 503 }, (_, r) => r % 2));
      const copy = prepareNpyTraining(new Matrix(t.rows, t.cols, t.data.slice()), opts);
      const inPlace = prepareNpyTraining(t, { ...opts, inPlace: true });
      expect(inPlace.XTrain.data.buffer).toBe(t.data.buffer); // no copy of the features
      for (const k of ['XTrain', 'yTrain', 'XTest', 'yTest'] as const) {
        expect([inPlace[k].rows, inPlace[k].cols]).toEqual([copy[k].rows, copy[k].cols]);
        expect(Buffer.from(inPlace[k].data.buffer, inPlace[k].data.byteOffset, inPlace[k].data.byteLength).equals(Buffer.from(copy[k].data.buffer, copy[k].data.byteOffset, copy[k].data.byteLength))).toBe(true);
      }
      expect(inPlace.preprocessing).toEqual(copy.preprocessing);
      expect(inPlace.warnings).toEqual(copy.warnings);
    });
  }

  it('refuses NaN cells with the same message', () => {
    const t = table(50, 4, 3);
    t.data[7 * 4 + 1] = Infinity;
    const o = { source: 't.npy', testSize: 0.2, randomState: 1 };
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const fresh = table(50, 4, 3);
    fresh.data[7 * 4 + 1] = Infinity;
    const expected = message(() => prepareNpyTraining(fresh, o));
    expect(expected).toBe('t.npy: column 1 has NaN or Inf in 1 row(s) (1 row(s) in all); fix the data or use --impute mean');
    expect(message(() => prepareNpyTraining(t, { ...o, inPlace: true }))).toBe(expected);
  });

  it('a file with no feature columns is refused naming the file, on both routes', () => {
    const labels = new Matrix(6, 1, Float32Array.from([0, 1, 0, 1, 0, 1]));
    for (const inPlace of [false, true]) {
      expect(() => prepareNpyTraining(new Matrix(6, 0), { source: 'zero.npy', labels, testSize: 0.5, randomState: 1, inPlace })).toThrow(
        'zero.npy: has no feature columns (shape [6, 0]); a model needs at least one',
      );
    }
  });
});
