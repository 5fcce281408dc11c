/**
 * The last guard before scores leave densely: every score must be a finite number. A model file
 * or preparation with values that overflow float32 on real rows (a std of 1e-300, a weight near
 * 3.4e38) would otherwise print NaN scores and exit 0. Browser-safe.
 */
import { DataError } from '../errors.js';

/**
 * Throws a DataError naming `source` and the first row whose score is NaN or infinite.
 * `start` is the 0-based data row of scores[0] (for scores that come in blocks).
 *
 * @example
 * checkFiniteScores(new Float32Array([0.2, NaN]), 'rows.csv'); // DataError: rows.csv: row 2: the score is NaN; …
 */
export function checkFiniteScores(scores: Float32Array, source: string, start = 0, model = 'the model'): void {
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s - s !== 0) {
      throw new DataError(source, `row ${start + i + 1}: the score is ${s}; ${model} or its preparation holds values that overflow on this row (a damaged or tampered model file?), so no scores were written`);
    }
  }
}
