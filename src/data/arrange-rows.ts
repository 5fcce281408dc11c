/**
 * Rows put in a new order, and columns dropped from their ends, inside the array that holds them:
 * the training and test sets of a large table without a second copy of it.
 *
 *   data: [n, width] row-major  →  its first n·keep floats: [n, keep], row k = old row order[k]
 *
 * Two passes, both in place: the rows are permuted by following the permutation's cycles (each
 * row moves once, through one row of scratch), then each row's first `keep` floats are moved down
 * to k·keep, which never overtakes the row still to be read (k·keep ≤ k·width).
 *
 * @example
 * const d = new Float32Array([1, 10, 2, 20, 3, 30]); // 3 rows × 2
 * arrangeRowsInPlace(d, 2, 1, Int32Array.from([2, 0, 1])); // d starts with [3, 1, 2]
 */
export function arrangeRowsInPlace(data: Float32Array, width: number, keep: number, order: Int32Array): Float32Array {
  const n = order.length;
  if (data.length !== n * width || keep > width || keep < 0) throw new RangeError(`arrangeRowsInPlace: ${data.length} floats are not ${n} rows of ${width} (keeping ${keep})`);
  const done = new Uint8Array(n);
  for (const r of order) {
    if (!(r >= 0 && r < n) || done[r]) throw new RangeError('arrangeRowsInPlace: order must hold every row once');
    done[r] = 1;
  }
  done.fill(0);
  const tmp = new Float32Array(width);
  for (let start = 0; start < n; start++) {
    if (done[start] || order[start] === start) continue;
    // the cycle through `start`: row j receives row order[j], until it comes back to start
    tmp.set(data.subarray(start * width, start * width + width));
    let j = start;
    for (;;) {
      done[j] = 1;
      const src = order[j]!;
      if (src === start) {
        data.set(tmp, j * width);
        break;
      }
      data.copyWithin(j * width, src * width, src * width + width);
      j = src;
    }
  }
  if (keep !== width) for (let k = 1; k < n; k++) data.copyWithin(k * keep, k * width, k * width + keep);
  return data.subarray(0, n * keep);
}
