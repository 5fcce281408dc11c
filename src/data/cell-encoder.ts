/**
 * One raw cell → its features: the encoding step of a fitted {@link Preprocessor}, shared by the
 * CSV route (Preprocessor.transform, which reads cells out of a file) and by anything that gets
 * cells one at a time (the scoring server's JSON instances), so both encode a value the same way.
 *
 * For the column specs `columns` (in the preprocessor's order), feature j of a row starts at
 * `offset[j]`: a numeric column has one feature, `(x − mean) / std` computed in float64; a binary
 * column one 0/1 feature; a one-hot column one feature per training category (all zeros for a
 * missing cell or an unseen category). What happened to the cell is returned as a {@link CellOutcome},
 * so each caller counts or refuses it in its own way (a file warns, a request answers 400).
 */
import { isMissing, parseBoolean, parseNumber } from './columns.js';
import type { ColumnSpec } from './preprocessor.js';

/** What encoding one cell did. Every outcome but NOT_A_NUMBER has written the cell's features. */
export const CellOutcome = {
  /** Encoded as it is. */
  OK: 0,
  /** A one-hot column's category not seen in training: all zeros. */
  UNSEEN: 1,
  /** A one-hot column's missing cell: all zeros. */
  MISSING_CATEGORY: 2,
  /** A missing or non-finite number, replaced by the training mean (impute 'mean'). */
  IMPUTED: 3,
  /** Text in a numeric column, treated as missing and replaced by the training mean (impute 'mean'). */
  TEXT_IMPUTED: 4,
  /** A missing or non-finite number and no imputation: left at 0, and an error for the caller. */
  MISSING: 5,
  /** Text where a number (or yes/no, true/false) belongs and no imputation: nothing written. */
  NOT_A_NUMBER: 6,
} as const;
export type CellOutcome = (typeof CellOutcome)[keyof typeof CellOutcome];

const STD = 0;
const BIN = 1;
const ONEHOT = 2;

export class CellEncoder {
  /** Features per row. */
  readonly width: number;
  /** Where column j's features start in a row. */
  readonly offset: Int32Array;
  private readonly types: Uint8Array;
  private readonly mean: Float64Array;
  private readonly std: Float64Array;
  private readonly fill: Float64Array;
  private readonly categories: (Map<string, number> | null)[];

  constructor(columns: readonly ColumnSpec[]) {
    const nc = columns.length;
    this.types = Uint8Array.from(columns, (s) => (s.type === 'standardize' ? STD : s.type === 'binary' ? BIN : ONEHOT));
    this.offset = new Int32Array(nc);
    this.mean = new Float64Array(nc);
    this.std = new Float64Array(nc).fill(1);
    this.fill = new Float64Array(nc).fill(NaN);
    this.categories = [];
    let o = 0;
    columns.forEach((s, j) => {
      this.offset[j] = o;
      if (s.type === 'onehot') {
        this.categories.push(new Map(s.categories.map((v, k) => [v, k])));
        o += s.categories.length;
      } else {
        this.categories.push(null);
        if (s.type === 'standardize') (this.mean[j] = s.mean), (this.std[j] = s.std);
        if (s.fill !== null) this.fill[j] = s.fill;
        o += 1;
      }
    });
    this.width = o;
  }


  /** Whether column j is standardized (as opposed to binary or one-hot). */
  isStandardized(j: number): boolean {
    return this.types[j] === STD;
  }

  /** Whether column j reads yes/no or true/false into one 0/1 feature. */
  isBinary(j: number): boolean {
    return this.types[j] === BIN;
  }

  /**
   * Numeric column j's feature for the number x, as `encode` gives for x's text (parseNumber is
   * correctly rounded, so a number and its shortest text are the same value): for values that
   * arrive as numbers (JSON), skipping the text. Not for binary or one-hot columns.
   * @example
   * encoder.encodeNumber(0, 45, X, 0); // X[0] = (45 − mean) / std
   */
  encodeNumber(j: number, x: number, X: Float32Array, base: number): CellOutcome {
    if (this.types[j] !== STD) throw new Error(`encodeNumber: column ${j} is not numeric`);
    if (x - x !== 0) {
      const f = this.fill[j];
      if (f !== f) return CellOutcome.MISSING;
      X[base + this.offset[j]] = (f - this.mean[j]) / this.std[j];
      return CellOutcome.IMPUTED;
    }
    X[base + this.offset[j]] = (x - this.mean[j]) / this.std[j];
    return CellOutcome.OK;
  }

  /**
   * Writes column j's features for the cell text `v` into the row of X that starts at `base`
   * (which must be zero there: a one-hot cell only sets its one).
   * @example
   * new CellEncoder([{ name: 'age', type: 'standardize', mean: 40, std: 10, fill: null }]).encode(0, '45', X, 0); // X[0] = 0.5
   */
  encode(j: number, v: string, X: Float32Array, base: number): CellOutcome {
    const t = this.types[j];
    if (t === ONEHOT) {
      if (isMissing(v)) return CellOutcome.MISSING_CATEGORY;
      const k = this.categories[j]!.get(v);
      if (k === undefined) return CellOutcome.UNSEEN;
      X[base + this.offset[j] + k] = 1;
      return CellOutcome.OK;
    }
    const f = this.fill[j];
    let outcome: CellOutcome = CellOutcome.OK;
    let x = NaN;
    if (!isMissing(v)) {
      x = t === STD ? parseNumber(v) : parseBoolean(v);
      if (x !== x) {
        if (f !== f) return CellOutcome.NOT_A_NUMBER;
        outcome = CellOutcome.TEXT_IMPUTED;
      }
    }
    if (x - x !== 0) {
      if (f !== f) return CellOutcome.MISSING;
      if (outcome === CellOutcome.OK) outcome = CellOutcome.IMPUTED;
      x = f;
    }
    X[base + this.offset[j]] = t === STD ? (x - this.mean[j]) / this.std[j] : x;
    return outcome;
  }
}
