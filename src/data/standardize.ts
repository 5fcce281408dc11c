/**
 * Z-scoring for plain numeric matrices (e.g. `.npy` features with `--standardize`), with the same
 * rules as the CSV preprocessor:
 * - mean and POPULATION standard deviation (divide by n), accumulated in float64 (Welford);
 * - fitted on the training rows only, when given;
 * - a constant column (variance within float64 rounding of zero, sklearn's test) is divided by 1;
 * - NaN / ±Infinity are an error naming the column and the number of rows affected, unless
 *   `impute: 'mean'`, which replaces them by the training mean (so they become 0). As in sklearn's
 *   SimpleImputer → StandardScaler pipeline, imputed training cells count in the variance (with
 *   zero deviation).
 */

/** Which data rows take part: a 0/1 mask over all rows, or a set of row indices. */
export type RowFilter = Uint8Array | ReadonlySet<number>;

export type Impute = 'none' | 'mean';

/**
 * A 0/1 mask of length `rows` with 1 at each index.
 *
 * @example
 * rowMask([0, 2], 4); // Uint8Array [1, 0, 1, 0]
 */
export function rowMask(indices: ArrayLike<number>, rows: number): Uint8Array {
  const m = new Uint8Array(rows);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) throw new RangeError(`rowMask: index ${r} is outside [0, ${rows})`);
    m[r] = 1;
  }
  return m;
}

/** Number of rows a filter selects among `rows` (all of them when the filter is undefined). */
export function countRows(filter: RowFilter | undefined, rows: number): number {
  if (filter === undefined) return rows;
  if (filter instanceof Uint8Array) {
    if (filter.length !== rows) throw new RangeError(`row mask has length ${filter.length}, data has ${rows} rows`);
    let n = 0;
    for (let i = 0; i < rows; i++) if (filter[i] !== 0) n++;
    return n;
  }
  for (const r of filter) {
    if (!Number.isInteger(r) || r < 0 || r >= rows) throw new RangeError(`row index ${r} is outside [0, ${rows})`);
  }
  return filter.size;
}

/** Float64 running mean / sum of squared deviations (Welford), one column. */
export class RunningMoments {
  n = 0;
  mean = 0;
  m2 = 0;

  push(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
}

/**
 * The divisor for a column with population variance `variance` over `n` samples: its std, or 1
 * when the column is constant up to float64 rounding (sklearn's StandardScaler rule).
 */
export function scaleFor(variance: number, mean: number, n: number): number {
  const eps = 2.220446049250313e-16;
  const bound = n * eps * variance + (n * mean * eps) ** 2;
  return variance <= bound ? 1 : Math.sqrt(variance);
}

export interface StandardizerJSON {
  format: 'densely.standardizer';
  version: 1;
  mean: number[];
  std: number[];
  impute: Impute;
  names: string[] | null;
  /** false: only fill missing cells with the mean, leave the rest as they are (absent means true). */
  scale?: boolean;
}

export interface StandardizeFitOptions {
  /** Training rows (default all). */
  rows?: RowFilter;
  impute?: Impute;
  /** Column names for error messages (default `column <i>`). */
  names?: string[];
  /** false: an imputer only (NaN/Inf → training mean, other cells unchanged). Default true. */
  scale?: boolean;
}

function colName(names: string[] | null, c: number): string {
  return names ? `'${names[c]}'` : `${c}`;
}

/**
 * Fits per-column mean/std on a row-major matrix and applies `(x − mean) / std` in place.
 *
 * @example
 * const X = new Float32Array([1, 10, 3, 10]); // [2 rows, 2 cols]
 * const s = Standardizer.fit(X, 2);           // mean [2, 10], std [1, 1 (constant)]
 * s.transform(X);                             // X = [-1, 0, 1, 0]
 */
export class Standardizer {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly impute: Impute;
  readonly names: string[] | null;
  /** false: transform only fills NaN/Inf with the mean (needs impute 'mean'); true: z-scores. */
  readonly scale: boolean;

  constructor(mean: ArrayLike<number>, std: ArrayLike<number>, impute: Impute = 'none', names: string[] | null = null, scale = true) {
    if (mean.length !== std.length) throw new RangeError(`Standardizer: ${mean.length} means but ${std.length} stds`);
    if (names && names.length !== mean.length) {
      throw new RangeError(`Standardizer: ${names.length} names for ${mean.length} columns`);
    }
    this.mean = Float64Array.from(mean);
    this.std = Float64Array.from(std);
    this.impute = impute;
    this.names = names;
    this.scale = scale;
  }

  get cols(): number {
    return this.mean.length;
  }

  /** Fits on `X: [rows, cols]` (row-major), using only the filtered rows. */
  static fit(X: Float32Array, cols: number, options: StandardizeFitOptions = {}): Standardizer {
    if (!Number.isInteger(cols) || cols <= 0 || X.length % cols !== 0) {
      throw new RangeError(`Standardizer.fit: ${X.length} values do not make rows of ${cols} columns`);
    }
    const rows = X.length / cols;
    const impute = options.impute ?? 'none';
    const names = options.names ?? null;
    if (names && names.length !== cols) throw new RangeError(`Standardizer.fit: ${names.length} names for ${cols} columns`);
    const filter = options.rows;
    const nTrain = countRows(filter, rows);
    const mask = filter instanceof Uint8Array ? filter : null;
    const set = filter && !(filter instanceof Uint8Array) ? filter : null;
    const m = Array.from({ length: cols }, () => new RunningMoments());
    const bad = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      if (mask ? mask[r] === 0 : set ? !set.has(r) : false) continue;
      const o = r * cols;
      for (let c = 0; c < cols; c++) {
        const x = X[o + c];
        if (x - x !== 0) bad[c]++;
        else m[c].push(x);
      }
    }
    const mean = new Float64Array(cols);
    const std = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      if (bad[c] > 0 && impute !== 'mean') {
        throw new Error(
          `column ${colName(names, c)} has NaN or infinite values in ${bad[c]} training row${bad[c] === 1 ? '' : 's'}; ` +
            `fix the data or impute it (impute: 'mean', --impute mean)`,
        );
      }
      if (m[c].n === 0) {
        throw new Error(`column ${colName(names, c)} has no finite value in the ${nTrain} training rows`);
      }
      mean[c] = m[c].mean;
      std[c] = scaleFor(m[c].m2 / nTrain, m[c].mean, nTrain);
    }
    return new Standardizer(mean, std, impute, names, options.scale ?? true);
  }

  /**
   * Standardizes `X: [rows, cols]` in place (all rows). NaN / ±Infinity become 0 (the mean) with
   * impute 'mean', else the whole call throws naming the column and count, leaving X unchanged.
   */
  transform(X: Float32Array): Float32Array {
    const cols = this.cols;
    if (X.length % cols !== 0) throw new RangeError(`Standardizer.transform: ${X.length} values do not make rows of ${cols} columns`);
    const rows = X.length / cols;
    if (this.impute !== 'mean') {
      const bad = new Float64Array(cols);
      let any = false;
      for (let i = 0; i < X.length; i++) {
        const x = X[i];
        if (x - x !== 0) (bad[i % cols]++, (any = true));
      }
      if (any) {
        const c = bad.findIndex((b) => b > 0);
        throw new Error(
          `column ${colName(this.names, c)} has NaN or infinite values in ${bad[c]} row${bad[c] === 1 ? '' : 's'}; ` +
            `fix the data or impute it (impute: 'mean', --impute mean)`,
        );
      }
    }
    const mean = this.mean;
    const std = this.std;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let c = 0; c < cols; c++) {
        const x = X[o + c];
        if (this.scale) X[o + c] = x - x === 0 ? (x - mean[c]) / std[c] : 0;
        else if (x - x !== 0) X[o + c] = mean[c];
      }
    }
    return X;
  }

  toJSON(): StandardizerJSON {
    return {
      format: 'densely.standardizer',
      version: 1,
      mean: Array.from(this.mean),
      std: Array.from(this.std),
      impute: this.impute,
      names: this.names ? this.names.slice() : null,
      scale: this.scale,
    };
  }

  static fromJSON(j: unknown): Standardizer {
    const o = j as Partial<StandardizerJSON> | null;
    if (!o || o.format !== 'densely.standardizer' || o.version !== 1) {
      throw new Error(`Standardizer.fromJSON: not a densely.standardizer v1 object`);
    }
    if (!Array.isArray(o.mean) || !Array.isArray(o.std) || !o.mean.every(Number.isFinite) || !o.std.every((s) => Number.isFinite(s) && s > 0)) {
      throw new Error(`Standardizer.fromJSON: 'mean' and 'std' must be arrays of finite numbers (std > 0)`);
    }
    if (o.impute !== 'none' && o.impute !== 'mean') throw new Error(`Standardizer.fromJSON: bad 'impute' ${JSON.stringify(o.impute)}`);
    return new Standardizer(o.mean, o.std, o.impute, o.names ?? null, o.scale ?? true);
  }
}
