/**
 * A multi-class model's predictions against the true classes: the confusion matrix (rows: the
 * true class, columns: the predicted one, the argmax of the probabilities) and its text table.
 */
import { argmax } from '../tensor/argmax.js';

/**
 * Counts `[K][K]`: `m[t][p]` rows of true class t predicted as p. `P` is `[rows, K]` probabilities
 * (row-major), `y` the true class indices; the predicted class is the first largest probability.
 *
 * @example
 * confusionMatrix(Float32Array.of(0.9, 0.1, 0.3, 0.7, 0.6, 0.4), Float32Array.of(0, 1, 1), 2); // [[1, 0], [1, 1]]
 */
export function confusionMatrix(P: Float32Array, y: ArrayLike<number>, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < y.length; i++) m[y[i]][argmax(P, i * k, k)]++;
  return m;
}

/**
 * The matrix as aligned text lines, with each class's row count and recall (its diagonal share).
 *
 * @example
 * formatConfusion([[5, 1], [0, 4]], ['a', 'b']);
 * // ['true \\ predicted  a  b  rows  recall', 'a                  5  1     6  0.8333', …]
 */
export function formatConfusion(m: number[][], classes: readonly string[]): string[] {
  const head = ['true \\ predicted', ...classes, 'rows', 'recall'];
  const body = m.map((row, t) => {
    const n = row.reduce((a, b) => a + b, 0);
    return [classes[t], ...row.map(String), String(n), n ? (row[t] / n).toFixed(4) : 'n/a'];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(head), ...body.map(line)];
}
