/**
 * The find-and-count half of the input checks: where the NaN/±Inf cells or the labels other than
 * 0 and 1 are in a row-major Float32Array, and how many there are. The callers (nn's fit/predict
 * inputs, data's preparation routes) each word their own error from what these return.
 *
 * A clean array costs one pass with no allocation; the counting is done only once something bad
 * has been found.
 */

/** Where the NaN and ±Infinity cells of a row-major `[rows, cols]` array are. */
export interface NonFinite {
  /** Non-finite cells in all. */
  count: number;
  /** Rows with at least one non-finite cell. */
  rows: number;
  /** Row-major index of the first non-finite cell. */
  firstIndex: number;
  /** Its row, `floor(firstIndex / cols)`. */
  firstRow: number;
  /** Its column, `firstIndex % cols`. */
  firstColumn: number;
  /** Its value: NaN, Infinity or -Infinity. */
  firstValue: number;
  /** Non-finite cells in column `firstColumn` (the first one included). */
  inFirstColumn: number;
}

/** Where the values other than 0 and 1 are (NaN included), and which values the array holds. */
export interface NonBinary {
  /** Cells that are neither 0 nor 1. */
  count: number;
  /** Index of the first such cell. */
  firstIndex: number;
  /** Its value. */
  firstValue: number;
  /** Distinct values in the whole array, 0 and 1 included (-0 counts as 0, every NaN as one value). */
  distinctCount: number;
  /** The first `maxShown` of those distinct values in ascending order (`sort((a, b) => a - b)`). */
  distinct: number[];
}

/**
 * The NaN and ±Infinity cells of `data: [rows, cols]` (row-major), or null when every cell is finite.
 * An empty array is clean whatever `cols` is. Throws a RangeError when `data` does not make whole
 * rows of `cols`.
 *
 * @example
 * findNonFinite(new Float32Array([1, NaN, 3, 4, Infinity, NaN]), 2); // [3 rows, 2 cols]
 * // { count: 3, rows: 2, firstIndex: 1, firstRow: 0, firstColumn: 1, firstValue: NaN, inFirstColumn: 2 }
 * findNonFinite(new Float32Array([1, 2]), 1); // null
 */
export function findNonFinite(data: Float32Array, cols: number): NonFinite | null {
  const n = data.length;
  if (n === 0) return null;
  if (!Number.isInteger(cols) || cols <= 0 || n % cols !== 0) {
    throw new RangeError(`findNonFinite: ${n} values do not make rows of ${cols} columns`);
  }
  let first = 0;
  while (first < n && data[first] - data[first] === 0) first++;
  if (first === n) return null;
  const firstRow = Math.floor(first / cols);
  const firstColumn = first - firstRow * cols;
  let count = 0;
  let rows = 0;
  let inFirstColumn = 0;
  for (let o = firstRow * cols; o < n; o += cols) {
    let inRow = 0;
    for (let c = 0; c < cols; c++) {
      const x = data[o + c];
      if (x - x !== 0) {
        inRow++;
        if (c === firstColumn) inFirstColumn++;
      }
    }
    if (inRow > 0) rows++;
    count += inRow;
  }
  return { count, rows, firstIndex: first, firstRow, firstColumn, firstValue: data[first], inFirstColumn };
}

/**
 * The values of `data` that are neither 0 nor 1 (binary cross-entropy's labels), or null when there
 * are none. `maxShown` caps the sorted list of distinct values returned (default 10); the count
 * of distinct values is always exact.
 *
 * @example
 * findNonBinary(new Float32Array([0, 1, 2, 1, 0.5, 2]));
 * // { count: 3, firstIndex: 2, firstValue: 2, distinctCount: 4, distinct: [0, 0.5, 1, 2] }
 * findNonBinary(new Float32Array([0, 1, 1]));  // null
 */
export function findNonBinary(data: Float32Array, maxShown = 10): NonBinary | null {
  const n = data.length;
  let first = 0;
  while (first < n && (data[first] === 0 || data[first] === 1)) first++;
  if (first === n) return null;
  let count = 0;
  for (let i = first; i < n; i++) if (data[i] !== 0 && data[i] !== 1) count++;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) seen.add(data[i]);
  const distinct = [...seen].sort((a, b) => a - b).slice(0, Math.max(0, maxShown));
  return { count, firstIndex: first, firstValue: data[first], distinctCount: seen.size, distinct };
}

/**
 * How many cells of `data` are NaN or ±Infinity.
 *
 * @example
 * countNonFinite(new Float32Array([NaN, 1, -Infinity, 0])); // 2
 * countNonFinite(new Float32Array(0));                      // 0
 */
export function countNonFinite(data: Float32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (x - x !== 0) n++;
  }
  return n;
}
