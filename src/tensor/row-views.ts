/**
 * Views of the first `rows` rows of a batch buffer, made once per row count and reused.
 *
 * Buffers are sized for a full batch; the last partial batch (and predict's tail) uses
 * the first rows. Kernels want arrays of exactly the right length, and making a
 * `subarray` allocates a view object, so each distinct row count gets its view once.
 *
 * @example
 * const v = new RowViews(new Float32Array(32 * 64), 64);
 * v.get(6).length;        // 384: rows 0..5
 * v.get(6) === v.get(6);  // true: cached, no allocation after the first call
 */
export class RowViews {
  private readonly cache = new Map<number, Float32Array>();

  constructor(
    readonly buffer: Float32Array,
    readonly width: number,
  ) {}

  get(rows: number): Float32Array {
    let view = this.cache.get(rows);
    if (view === undefined) {
      if (rows * this.width > this.buffer.length) {
        throw new RangeError(`RowViews: ${rows} rows of ${this.width} do not fit in a buffer of ${this.buffer.length}`);
      }
      view = this.buffer.subarray(0, rows * this.width);
      this.cache.set(rows, view);
    }
    return view;
  }
}
