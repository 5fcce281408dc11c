/**
 * Matrix: a 2-D float32 array stored row-major.
 *
 * `data[r * cols + c]` is the element at row r, column c. A Matrix never copies on
 * construction when you hand it a Float32Array, so it can be a view into a larger
 * buffer (for example an arena, or the first rows of a batch buffer).
 *
 * @example
 * const m = Matrix.from([[1, 2], [3, 4]]);
 * m.get(1, 0); // 3
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;

  constructor(rows: number, cols: number, data?: Float32Array | ArrayLike<number>) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new RangeError(`Matrix: shape must be two non-negative integers, got [${rows}, ${cols}]`);
    }
    this.rows = rows;
    this.cols = cols;
    if (data === undefined) {
      this.data = new Float32Array(rows * cols);
    } else {
      if (data.length !== rows * cols) {
        throw new RangeError(
          `Matrix: data has ${data.length} elements but shape [${rows}, ${cols}] needs ${rows * cols}`,
        );
      }
      this.data = data instanceof Float32Array ? data : Float32Array.from(data);
    }
  }

  /** Builds a Matrix from nested arrays; every row must have the same length. */
  static from(rows: ArrayLike<ArrayLike<number>>): Matrix {
    const n = rows.length;
    const d = n === 0 ? 0 : rows[0].length;
    const m = new Matrix(n, d);
    for (let r = 0; r < n; r++) {
      const row = rows[r];
      if (row.length !== d) {
        throw new RangeError(`Matrix.from: row ${r} has ${row.length} values, row 0 has ${d}`);
      }
      for (let c = 0; c < d; c++) m.data[r * d + c] = row[c];
    }
    return m;
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get(r: number, c: number): number {
    return this.data[r * this.cols + c];
  }

  set(r: number, c: number, v: number): void {
    this.data[r * this.cols + c] = v;
  }

  /** Rows [start, end) as a Matrix that shares this one's memory (no copy). */
  rowView(start: number, end: number): Matrix {
    return new Matrix(end - start, this.cols, this.data.subarray(start * this.cols, end * this.cols));
  }

  /** A new Matrix holding the given rows, in the given order (a gather, so it copies). */
  takeRows(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(indices.length, this.cols);
    const c = this.cols;
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i];
      if (!(r >= 0 && r < this.rows)) throw new RangeError(`Matrix.takeRows: row ${r} is outside [0, ${this.rows})`);
      out.data.set(this.data.subarray(r * c, r * c + c), i * c);
    }
    return out;
  }

  /**
   * Columns [start, end) as a new Matrix (a copy), with numpy's negative indices:
   * `m.sliceColumns(0, -1)` is `data[:, :-1]` and `m.sliceColumns(-1)` is `data[:, -1:]`.
   */
  sliceColumns(start: number, end: number = this.cols): Matrix {
    const s = start < 0 ? Math.max(this.cols + start, 0) : Math.min(start, this.cols);
    const e = end < 0 ? Math.max(this.cols + end, 0) : Math.min(end, this.cols);
    const w = Math.max(e - s, 0);
    const out = new Matrix(this.rows, w);
    for (let r = 0; r < this.rows; r++) out.data.set(this.data.subarray(r * this.cols + s, r * this.cols + s + w), r * w);
    return out;
  }

  /** Nested arrays, for printing and tests. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.rows; r++) out.push(Array.from(this.data.subarray(r * this.cols, (r + 1) * this.cols)));
    return out;
  }

  toString(): string {
    return `Matrix [${this.rows}, ${this.cols}]`;
  }
}
