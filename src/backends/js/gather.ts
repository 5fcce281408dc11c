/**
 * Gathers rows of a row-major matrix into a batch buffer:
 *   dst[i, :] = src[indices[start + i], :]   for i < count
 * src: [n, cols], dst: at least [count, cols]. A loop rather than `subarray` + `set`, so a
 * training step creates no view objects.
 *
 * @example
 * const dst = new Float32Array(4);
 * gatherRows(Float32Array.of(1, 2, 3, 4, 5, 6), 2, Int32Array.of(2, 0), 0, 2, dst); // dst = [5, 6, 1, 2]
 */
export function gatherRows(src: Float32Array, cols: number, indices: Int32Array, start: number, count: number, dst: Float32Array): void {
  for (let i = 0; i < count; i++) {
    const from = indices[start + i] * cols;
    const to = i * cols;
    for (let j = 0; j < cols; j++) dst[to + j] = src[from + j];
  }
}
