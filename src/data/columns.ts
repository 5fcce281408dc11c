/**
 * Column typing and value parsing for raw CSV cells.
 *
 * A column's kind is decided from all of its non-missing cells:
 * - **numeric** when every one parses as a number: decimal, optional sign, optional fraction,
 *   optional exponent (`9.83E-05`, `+3`, `-.5`), or a non-finite spelling (`inf`, `-Infinity`);
 *   surrounding spaces are allowed. Hex, `1_000` and the empty string are not numbers.
 * - **boolean** when every one is yes/no or true/false (any letter case).
 *   DECISION: a boolean feature column is still one-hot encoded by default, as two columns
 *   `col=no` / `col=yes` (in sorted order). That is what the NumPy-prepared bank file does for
 *   `default`, `housing` and `loan`, and matching it matters more than saving a column. Pass
 *   `booleans: 'binary'` to the preprocessor for one 0/1 column named `col` instead.
 * - **categorical** otherwise. `unknown` is an ordinary category, not a missing value.
 * - **empty** when every cell is missing.
 *
 * Missing-value tokens are {@link MISSING_TOKENS}; they are counted per column.
 *
 * The label is a binary column: yes/no, true/false (any case) or numbers equal to 1/0 (`1.0`,
 * `0.0`) map to 1/0. Any other set of values is an error listing them.
 */
import { CsvError } from '../errors.js';

/** Cells that mean "no value" in any column (compared exactly, case-sensitive). */
export const MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL'];

/**
 * True when `v` is a missing-value token.
 *
 * @example
 * isMissing('NA'); // true
 * isMissing('unknown'); // false
 */
export function isMissing(v: string): boolean {
  switch (v.length) {
    case 0:
      return true;
    case 2:
      return v === 'NA';
    case 3:
      return v === 'NaN' || v === 'nan' || v === 'N/A';
    case 4:
      return v === 'null' || v === 'NULL';
    default:
      return false;
  }
}

function nonFinite(v: string): number {
  let s = v.toLowerCase();
  let sign = 1;
  if (s.charCodeAt(0) === 0x2b) s = s.slice(1);
  else if (s.charCodeAt(0) === 0x2d) (sign = -1), (s = s.slice(1));
  return s === 'inf' || s === 'infinity' ? sign * Infinity : NaN;
}

/** Exact powers of ten: every 10^k with k ≤ 22 is a float64 without rounding. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Parses a numeric cell strictly: returns the number (possibly ±Infinity), or NaN when `v` is not
 * a number token. Missing tokens are not numbers: check {@link isMissing} first.
 *
 * Fast path (no call to the general string-to-double): at most 15 significant digits and a small
 * exponent. The mantissa m < 2^53 and 10^k (k ≤ 22) are then exact doubles, so the one division
 * or multiplication `m / 10^k` is correctly rounded — the same double Number() gives (Clinger's
 * fast path). Everything else goes to Number() after the same strict syntax check.
 *
 * @example
 * parseNumber('9.83E-05'); // 0.0000983
 * parseNumber('-inf');     // -Infinity
 * parseNumber('0x10');     // NaN
 */
export function parseNumber(v: string): number {
  const n = v.length;
  let i = 0;
  let c = v.charCodeAt(0);
  let neg = false;
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    c = v.charCodeAt(++i);
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  let seenDot = false;
  for (; i < n; c = v.charCodeAt(++i)) {
    const d = c - 0x30;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
      if (seenDot) frac++;
    } else if (c === 0x2e && !seenDot) seenDot = true;
    else break;
  }
  if (digits === 0) return slowNumber(v);
  let exp = 0;
  if (i < n) {
    // Only an exponent may follow: [eE][+-]?digits
    if ((c | 0x20) !== 0x65) return slowNumber(v);
    c = v.charCodeAt(++i);
    let eneg = false;
    if (c === 0x2d || c === 0x2b) {
      eneg = c === 0x2d;
      c = v.charCodeAt(++i);
    }
    const e0 = i;
    for (; i < n; c = v.charCodeAt(++i)) {
      const d = c - 0x30;
      if (d < 0 || d > 9) return slowNumber(v);
      if (exp < 1e6) exp = exp * 10 + d;
    }
    if (i === e0) return NaN;
    if (eneg) exp = -exp;
  }
  if (digits > 15) return +v;
  const t = exp - frac;
  let x: number;
  if (t === 0) x = m;
  else if (t < 0 && t >= -22) x = m / POW10[-t];
  else if (t > 0 && t <= 22) x = m * POW10[t];
  else return +v;
  return neg ? -x : x;
}

/** The rare shapes: surrounding spaces, 'inf' / 'Infinity', or not a number at all. */
function slowNumber(v: string): number {
  const n = v.length;
  if (n === 0) return NaN;
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(n - 1);
  if (a === 0x20 || a === 0x09 || z === 0x20 || z === 0x09) {
    const t = v.trim();
    return t.length === n || t.length === 0 ? NaN : parseNumber(t);
  }
  if (n >= 3 && n <= 9) return nonFinite(v);
  return NaN;
}

/**
 * 1 for yes/true, 0 for no/false (any letter case), else NaN.
 *
 * @example
 * parseBoolean('TRUE'); // 1
 */
export function parseBoolean(v: string): number {
  switch (v.length) {
    case 2:
      return v.toLowerCase() === 'no' ? 0 : NaN;
    case 3:
      return v.toLowerCase() === 'yes' ? 1 : NaN;
    case 4:
      return v.toLowerCase() === 'true' ? 1 : NaN;
    case 5:
      return v.toLowerCase() === 'false' ? 0 : NaN;
    default:
      return NaN;
  }
}

/** 'mixed': mostly numbers, with more text than the rule tolerates; the user must say which it is. */
export type ColumnKind = 'numeric' | 'boolean' | 'categorical' | 'mixed' | 'empty';

/** What a scan learned about one column, over all rows. */
export interface ColumnSummary {
  name: string;
  kind: ColumnKind;
  /** Cells that are missing tokens. */
  missing: number;
  /** Numeric columns: cells that are ±Infinity. */
  nonFinite: number;
  /** Distinct non-missing values, or null when more than the scan tracks. */
  distinct: number | null;
  /** Up to 10 distinct non-missing values, in order of first appearance. */
  examples: string[];
  /** The first missing or non-finite cell: its 1-based line, or null. */
  firstBadLine: number | null;
  /** Numeric columns: cells that are text, not a number ('fifty' among ages). */
  textCells: number;
  /** The first of them: its value, 1-based data row and line. */
  firstText: { value: string; row: number; line: number } | null;
}

/**
 * The typing rule, over a column's non-missing cells:
 * - numeric: at least one parses as a number, and at most one cell or this share of them (the
 *   larger) is text; those cells are then data errors (or, with impute 'mean', missing values),
 *   never a reason to one-hot encode the whole column;
 * - mixed: at least half are numbers but more are text than that: densely does not guess, it asks
 *   (--numeric or --categorical);
 * - boolean: all yes/no or true/false; categorical: anything else.
 */
export const NUMERIC_TEXT_TOLERANCE = 0.02;

/** Distinct values tracked per column during a scan; beyond it a column just counts as "many". */
export const SCAN_DISTINCT_LIMIT = 1000;

/**
 * Keeps a string for a long time without pinning the big chunk string it was sliced from.
 * (V8 slices of 13+ characters point into their parent.)
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * Accumulates a column's kind, missing count and distinct values, one cell at a time.
 *
 * @example
 * const c = new ColumnScanner('age');
 * for (const v of ['1', 'NA', '2e3']) c.observe(v, 0);
 * c.summary().kind; // 'numeric'
 */
export class ColumnScanner {
  readonly name: string;
  private missing = 0;
  private nonFinite = 0;
  private numbers = 0;
  private text = 0;
  private firstText: { value: string; row: number; line: number } | null = null;
  private boolean = true;
  private seen = 0;
  private distinct: Map<string, true> | null = new Map();
  private firstBadLine: number | null = null;

  constructor(name: string) {
    this.name = name;
  }

  /** One cell: its text, its 1-based line and (for messages) its 0-based data row. */
  observe(v: string, line: number, row = -1): void {
    if (isMissing(v)) {
      this.missing++;
      if (this.firstBadLine === null) this.firstBadLine = line;
      return;
    }
    this.seen++;
    const x = parseNumber(v);
    if (x !== x) {
      if (this.text++ === 0) this.firstText = { value: detachString(v), row: row + 1, line };
    } else {
      this.numbers++;
      if (x === Infinity || x === -Infinity) {
        this.nonFinite++;
        if (this.firstBadLine === null) this.firstBadLine = line;
      }
    }
    if (this.boolean && parseBoolean(v) !== parseBoolean(v)) this.boolean = false;
    const d = this.distinct;
    if (d !== null && !d.has(v)) {
      if (d.size >= SCAN_DISTINCT_LIMIT) this.distinct = null;
      else d.set(detachString(v), true);
    }
  }

  /** Whether the typing rule (NUMERIC_TEXT_TOLERANCE) makes this column numeric. */
  private get numeric(): boolean {
    return this.numbers > 0 && this.text <= Math.max(1, NUMERIC_TEXT_TOLERANCE * this.seen);
  }

  summary(): ColumnSummary {
    let kind: ColumnKind;
    if (this.seen === 0) kind = 'empty';
    else if (this.numeric) kind = 'numeric';
    else if (this.numbers >= this.text) kind = 'mixed';
    else if (this.boolean) kind = 'boolean';
    else kind = 'categorical';
    const examples: string[] = [];
    if (this.distinct) for (const k of this.distinct.keys()) if (examples.length < 10) examples.push(k);
    return {
      name: this.name,
      kind,
      missing: this.missing,
      nonFinite: kind === 'numeric' ? this.nonFinite : 0,
      distinct: this.distinct ? this.distinct.size : null,
      examples,
      firstBadLine: kind === 'numeric' || this.missing > 0 ? this.firstBadLine : null,
      textCells: kind === 'numeric' || kind === 'mixed' ? this.text : 0,
      firstText: kind === 'numeric' || kind === 'mixed' ? this.firstText : null,
    };
  }

  /** The distinct values seen (null when over {@link SCAN_DISTINCT_LIMIT}). */
  values(): string[] | null {
    return this.distinct ? [...this.distinct.keys()] : null;
  }
}

/** How a binary label's strings map to 1/0. */
export type LabelFamily = 'yes/no' | 'true/false' | '1/0';

/**
 * Maps a label cell to 1/0 for a family, or NaN when it is not one of the family's values.
 *
 * @example
 * labelValue('yes', 'yes/no'); // 1
 * labelValue('0.0', '1/0');    // 0
 */
export function labelValue(v: string, family: LabelFamily): number {
  if (family === '1/0') {
    const x = parseNumber(v);
    return x === 1 || x === 0 ? x : NaN;
  }
  const b = parseBoolean(v);
  if (b !== b) return NaN;
  const yesNo = v.length <= 3;
  return (family === 'yes/no') === yesNo ? b : NaN;
}

/**
 * Finds the label family that covers every distinct label value, or throws listing what was
 * found (up to 10 values). `more` says `values` is only the first of many.
 *
 * @example
 * labelFamily(['no', 'yes'], 'y'); // 'yes/no'
 */
export function labelFamily(values: readonly string[], column: string, source = 'input', more = false): LabelFamily {
  const families: LabelFamily[] = ['yes/no', 'true/false', '1/0'];
  if (!more && values.length > 0) {
    for (const f of families) {
      if (values.every((v) => labelValue(v, f) === labelValue(v, f))) return f;
    }
  }
  const shown = values.slice(0, 10).map((v) => JSON.stringify(v));
  const rest = more ? ' and more' : values.length > 10 ? ` (and ${values.length - 10} more)` : '';
  throw new CsvError(
    source, `label column '${column}' must be binary (yes/no, true/false or 1/0), ` +
      `found ${more ? 'more than ' + (values.length - 1) : values.length} distinct values: ${shown.join(', ')}${rest}`,
  );
}

/**
 * Compares strings by Unicode code point, the order of Python's / numpy's `sorted` (JS's default
 * sort compares UTF-16 units, which differs only for characters beyond U+FFFF).
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800-0xDFFF) starts a code point above every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Checks a header for empty or duplicate names.
 *
 * @example
 * checkHeader(['a', 'a'], 'x.csv'); // throws "x.csv: duplicate column name 'a' (columns 1 and 2)"
 */
export function checkHeader(header: readonly string[], source = 'input'): void {
  const at = new Map<string, number>();
  header.forEach((name, i) => {
    if (name.trim() === '') throw new CsvError(source, `header column ${i + 1} has no name`);
    const prev = at.get(name);
    if (prev !== undefined) {
      throw new CsvError(source, `duplicate column name '${name}' (columns ${prev + 1} and ${i + 1})`);
    }
    at.set(name, i);
  });
}
