/**
 * Raw CSV rows → one float32 feature matrix, in three streaming passes over a restartable
 * {@link ChunkSource} (nothing but the output matrix grows with the file):
 *
 * 1. {@link scanCsv}: row count, header, each column's kind, missing counts, the label's values.
 * 2. {@link Preprocessor.fit}: on the TRAINING rows only (a row mask or index set from the caller's
 *    split), the mean / population std of each numeric column and the sorted categories of each
 *    categorical one.
 * 3. {@link Preprocessor.transform}: every (or every selected) row straight into one preallocated
 *    `X: [rows, features]` Float32Array and `y: [rows]`.
 *
 * Encoding, in the header's column order (label and dropped columns left out):
 * - numeric → `(x − mean) / std`, computed in float64; a constant column is divided by 1;
 * - categorical (and boolean, by default) → one-hot over the training categories sorted by code
 *   point, features named `col=value`; a missing cell is all zeros; a category not seen in training
 *   is all zeros and counted per column (sklearn's `handle_unknown='ignore'`), see `unseen`;
 * - boolean with `booleans: 'binary'` → one 0/1 feature named `col`;
 * - a missing / non-finite numeric cell is an error naming the column and row count, unless
 *   `impute: 'mean'` (the training mean, so 0 after scaling).
 *
 * {@link prepareCsv} does all three passes. The fitted {@link Preprocessor} is plain JSON
 * (`toJSON` / `fromJSON`) so it can be saved beside a model and applied to new raw rows.
 */
import { CellEncoder, CellOutcome } from './cell-encoder.js';
import { CsvError } from '../errors.js';
import { forEachCsvRow, type ChunkSource, type CsvOptions } from './csv.js';
import {
  ColumnScanner,
  SCAN_DISTINCT_LIMIT,
  checkHeader,
  compareCodePoints,
  detachString,
  isMissing,
  labelFamily,
  labelValue,
  parseBoolean,
  parseNumber,
  type ColumnSummary,
  type LabelFamily,
} from './columns.js';
import { RunningMoments, countRows, rowMask, scaleFor, type Impute, type RowFilter } from './standardize.js';
import { classIndexer, labelClasses } from './label-classes.js';

export type { RowFilter, Impute } from './standardize.js';

/** What a scan (pass 1) learned about a CSV. */
export interface CsvScan {
  source: string;
  delimiter: string;
  header: string[];
  /** Number of data rows. */
  rows: number;
  /** One summary per header column, in header order. */
  columns: ColumnSummary[];
  /** The label column, or null when there is none. */
  label: string | null;
  /** A binary label's family, 'classes' for a multi-class label (see label-classes.ts), 'number' for a regression target. */
  labelFamily: LabelKind | null;
  /** A multi-class label's class names, sorted (null for a binary label or none). */
  labelClasses: string[] | null;
  /** Rows whose label maps to 1 / to 0 (0 and 0 without a label, or a multi-class one). */
  positives: number;
  negatives: number;
}

export interface ScanOptions {
  /** Delimiter; sniffed when omitted. */
  delimiter?: string;
  /** Name for messages (default: the source's sourceName). */
  source?: string;
  /**
   * The label column: a name; undefined for 'y' when there is such a column, else the last column;
   * null for no label (features only).
   */
  label?: string | null;
  /**
   * A label that is not binary is a number to predict (a regression target, read as it is)
   * instead of a class. Default false: such a label names classes.
   */
  regression?: boolean;
}

function csvOpts(source: ChunkSource, o: { delimiter?: string; source?: string }): CsvOptions {
  return { delimiter: o.delimiter, source: o.source ?? source.sourceName ?? 'input' };
}

/**
 * Pass 1: reads the whole source once and summarises each column. Throws on a bad CSV, a label
 * column with missing or non-binary values, or a bad header.
 *
 * @example
 * const scan = scanCsv(() => ['a,y\n1,yes\n2,no\n']);
 * scan.rows;             // 2
 * scan.columns[0].kind;  // 'numeric'
 */
export function scanCsv(source: ChunkSource, options: ScanOptions = {}): CsvScan {
  const opts = csvOpts(source, options);
  const name = opts.source!;
  let scanners: ColumnScanner[] = [];
  let ncols = 0;
  let label = null as string | null;
  let labelIdx = -1;
  const tally = new Map<string, number>();
  const summary = forEachCsvRow(
    source,
    {
      onHeader: (header) => {
        checkHeader(header, name);
        scanners = header.map((h) => new ColumnScanner(h));
        ncols = header.length;
        if (options.label === null) label = null;
        else if (options.label !== undefined) {
          if (!header.includes(options.label)) {
            throw new CsvError(name, `label column '${options.label}' not found; the columns are: ${header.join(', ')}`);
          }
          label = options.label;
        } else label = header.includes('y') ? 'y' : header[header.length - 1];
        labelIdx = label === null ? -1 : header.indexOf(label);
      },
      onRow: (fields, _row, line) => {
        for (let c = 0; c < ncols; c++) scanners[c].observe(fields[c], line, _row);
        if (labelIdx >= 0 && tally.size <= SCAN_DISTINCT_LIMIT) {
          const v = fields[labelIdx];
          const n = tally.get(v);
          if (n === undefined) tally.set(detachString(v), 1);
          else tally.set(v, n + 1);
        }
      },
    },
    opts,
  );
  const header = summary.header;
  const columns = scanners.map((s) => s.summary());
  let family: LabelKind | null = null;
  let classes: string[] | null = null;
  let positives = 0;
  let negatives = 0;
  if (label !== null) {
    const col = columns[header.indexOf(label)];
    if (col.missing > 0) {
      throw new CsvError(name, `label column '${label}' has ${plural(col.missing, 'missing value')} (first at line ${col.firstBadLine})`);
    }
    const values = [...tally.keys()];
    const more = tally.size > SCAN_DISTINCT_LIMIT;
    try {
      family = labelFamily(values, label, name, more);
    } catch (e) {
      // not yes/no, true/false or 1/0: the values name classes (a multi-class target), or are
      // the numbers to predict (a regression target)
      if (!(e instanceof CsvError)) throw e;
      if (options.regression) {
        if (col.kind !== 'numeric' || col.nonFinite > 0) {
          throw new CsvError(name, `label column '${label}' must hold finite numbers to be a regression target (e.g. ${JSON.stringify(col.examples.find((v) => !Number.isFinite(parseNumber(v))) ?? col.examples[0])})`);
        }
        family = 'number';
      } else {
        classes = labelClasses(values, label, name, more);
        family = 'classes';
      }
    }
    if (family !== 'classes' && family !== 'number') {
      for (const [v, n] of tally) {
        if (labelValue(v, family) === 1) positives += n;
        else negatives += n;
      }
    }
  }
  return {
    source: name,
    delimiter: summary.delimiter,
    header,
    rows: summary.rows,
    columns,
    label,
    labelFamily: family,
    labelClasses: classes,
    positives,
    negatives,
  };
}

/** How one input column becomes features. */
export type ColumnSpec =
  | { name: string; type: 'standardize'; mean: number; std: number; fill: number | null }
  | { name: string; type: 'binary'; fill: number | null }
  | { name: string; type: 'onehot'; categories: string[] };

/** A binary label's family, 'classes' for a multi-class one, 'number' for a regression target. */
export type LabelKind = LabelFamily | 'classes' | 'number';

/**
 * The label column: a binary one (its family says which texts are 1 and 0), or a multi-class one
 * (its sorted class names; a label becomes its class's index).
 */
export type LabelSpec = { name: string; family: LabelFamily | 'number' } | { name: string; family: 'classes'; classes: string[] };

export interface PreprocessorJSON {
  format: 'densely.preprocessor';
  version: 1;
  columns: ColumnSpec[];
  label: LabelSpec | null;
  dropped: string[];
  impute: Impute;
  featureNames: string[];
}

export interface FitOptions {
  /** The training rows the statistics are computed on (default all rows). */
  trainRows?: RowFilter;
  /** Columns to leave out entirely (e.g. ['duration']). */
  drop?: string[];
  /** What to do with missing / non-finite numeric cells (default 'none': an error). */
  impute?: Impute;
  /** Boolean (yes/no, true/false) feature columns: 'onehot' (default, two columns) or 'binary' (one 0/1 column). */
  booleans?: 'onehot' | 'binary';
  /** Most categories a column may have (default 1000); more is an error suggesting `drop`. */
  maxCategories?: number;
  /** Column types decided by the user instead of the typing rule (columns.ts), e.g. { zip: 'categorical' }. */
  types?: Record<string, 'numeric' | 'categorical'>;
}

/** A block of encoded rows, handed out by a streaming transform (TransformOptions.block). */
export interface TransformBlock {
  /** `[rows, cols]`, reused for the next block: copy what you keep. */
  X: Float32Array;
  /** `[rows]` labels, or null. */
  y: Float32Array | null;
  rows: number;
  /** The 0-based data row of the block's first row. */
  start: number;
  /** The raw text of each `keep` column, per row of the block. */
  kept: string[][];
}

export interface TransformOptions {
  /**
   * Stream: encode `rows` rows at a time into one reused buffer and hand each block to `emit`,
   * with the raw text of the `keep` columns (e.g. an ID), so memory stays bounded whatever the
   * file's length. The result then holds no X (and no y). Not with rows, order or out.
   */
  block?: { rows: number; keep?: string[]; emit: (block: TransformBlock) => void };
  /** Data rows to output, in file order (default all). */
  rows?: RowFilter;
  /**
   * Instead of `rows`: output row k is data row `order[k]` (no repeats). E.g. the training indices
   * then the test indices of a split, so both sets are contiguous views of one matrix, in the
   * split's order, with no copy.
   */
  order?: ArrayLike<number>;
  /** Number of data rows in the source, when known (e.g. `scan.rows`); saves a counting pass. */
  rowCount?: number;
  /** Reuse this buffer for X (at least [outRows, features]); it is zeroed first. */
  out?: Float32Array;
  /** Read the label column: default when the source has it. false ignores it; true requires it. */
  withLabels?: boolean;
  /** Delimiter of this source; sniffed when omitted. */
  delimiter?: string;
  /** Name for messages. */
  source?: string;
}

export interface TransformResult {
  /** `[rows, cols]` row-major features. */
  X: Float32Array;
  /** `[rows]` 1/0 labels (class indices for a multi-class label), or null when not read. */
  y: Float32Array | null;
  rows: number;
  cols: number;
  /** Per column: rows whose category was not seen in training (encoded as all zeros). Only non-zero counts. */
  unseen: Record<string, number>;
  /** Per categorical column: rows with a missing value (encoded as all zeros). Only non-zero counts. */
  missing: Record<string, number>;
  /** Per numeric/binary column: rows imputed with the training mean. Only non-zero counts. */
  imputed: Record<string, number>;
  /** Human-readable lines about the counts above, for the CLI to print. */
  warnings: string[];
}

const STD = 0;
const BIN = 1;
const ONEHOT = 2;

function featureNamesOf(columns: readonly ColumnSpec[]): string[] {
  const names: string[] = [];
  for (const c of columns) {
    if (c.type === 'onehot') for (const v of c.categories) names.push(`${c.name}=${v}`);
    else names.push(c.name);
  }
  return names;
}

/** How to drop a column, for the CLI user and the API user alike. */
function dropHint(column: string): string {
  return `--drop ${column} on the command line, drop: ['${column}'] in the API`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A fitted raw-row → feature transformation. Build one with {@link Preprocessor.fit} (or
 * {@link prepareCsv}); rebuild a saved one with {@link Preprocessor.fromJSON}.
 */
export class Preprocessor {
  readonly columns: readonly ColumnSpec[];
  readonly label: LabelSpec | null;
  readonly dropped: readonly string[];
  readonly impute: Impute;
  /** One name per output feature: numerics keep their name, one-hot features are `col=value`. */
  readonly featureNames: readonly string[];

  constructor(
    columns: ColumnSpec[],
    label: LabelSpec | null,
    dropped: string[] = [],
    impute: Impute = 'none',
  ) {
    this.columns = columns;
    this.label = label;
    this.dropped = dropped;
    this.impute = impute;
    this.featureNames = featureNamesOf(columns);
  }

  /** Number of output features. */
  get nFeatures(): number {
    return this.featureNames.length;
  }

  /**
   * Pass 2: fits on the training rows of `source`, using the column kinds from `scan`.
   * Errors (before reading): unknown `drop` names (listing the columns), a column empty in every
   * row, a numeric column with missing / non-finite cells without `impute: 'mean'`. After reading:
   * a categorical column with more than `maxCategories` categories, a numeric column with no value
   * in the training rows.
   */
  static fit(source: ChunkSource, scan: CsvScan, options: FitOptions = {}): Preprocessor {
    const name = scan.source;
    const drop = options.drop ?? [];
    const impute = options.impute ?? 'none';
    const booleans = options.booleans ?? 'onehot';
    const maxCategories = options.maxCategories ?? 1000;
    for (const d of drop) {
      if (!scan.header.includes(d)) {
        throw new CsvError(name, `cannot drop column '${d}': no such column; the columns are: ${scan.header.join(', ')}`);
      }
      if (d === scan.label) throw new CsvError(name, `cannot drop '${d}': it is the label column`);
    }
    if (!scan.header.some((h) => h !== scan.label && !drop.includes(h))) {
      throw new CsvError(name, `no feature columns left after the label and drop`);
    }
    for (const [col, t] of Object.entries(options.types ?? {})) {
      if (!scan.header.includes(col)) throw new CsvError(name, `cannot set the type of column '${col}': no such column; the columns are: ${scan.header.join(', ')}`);
      if (col === scan.label) throw new CsvError(name, `cannot set the type of '${col}': it is the label column`);
      if (drop.includes(col)) throw new CsvError(name, `cannot set the type of '${col}': it is dropped`);
      if (t !== 'numeric' && t !== 'categorical') throw new CsvError(name, `column '${col}': type must be 'numeric' or 'categorical', got ${JSON.stringify(t)}`);
    }
    const nTrain = countRows(options.trainRows, scan.rows);
    if (nTrain === 0) throw new CsvError(name, `no training rows to fit on`);

    type Plan = { index: number; col: ColumnSummary; type: number };
    const plan: Plan[] = [];
    scan.columns.forEach((col, index) => {
      if (col.name === scan.label || drop.includes(col.name)) return;
      if (col.kind === 'empty') {
        throw new CsvError(
          name, `column '${col.name}' is empty in every row (${plural(col.missing, 'missing value')}); ` +
            `drop it (${dropHint(col.name)})`,
        );
      }
      const forced = options.types?.[col.name];
      if (col.kind === 'mixed' && !forced) {
        const t = col.firstText!;
        throw new CsvError(
          name, `column ${col.name} is mostly numbers, but ${col.textCells} of its values are not (first ${JSON.stringify(t.value)}, line ${t.line}); ` +
            `say which it is: --numeric ${col.name} (with --impute mean to treat the text as missing) or --categorical ${col.name} (types in the API)`,
        );
      }
      const kind = forced ?? (col.kind === 'mixed' ? 'numeric' : col.kind);
      const type = kind === 'numeric' ? STD : kind === 'boolean' && booleans === 'binary' ? BIN : ONEHOT;
      if (forced === 'numeric' && col.kind !== 'numeric' && col.kind !== 'mixed') {
        throw new CsvError(name, `column '${col.name}' is set to numeric, but most of its values are not numbers (e.g. ${JSON.stringify(col.examples.find((v) => parseNumber(v) !== parseNumber(v)) ?? col.examples[0])})`);
      }
      if (type === STD && col.textCells > 0 && impute !== 'mean') {
        const t = col.firstText!;
        throw new CsvError(
          name,
          `row ${t.row}, column ${col.name}: ${JSON.stringify(t.value)} is not a number` +
            `${col.textCells > 1 ? ` (nor are ${col.textCells - 1} more cells of it)` : ''}; fix the data, treat such cells as missing with --impute mean (impute: 'mean'), ` +
            `or read the column as categories with --categorical ${col.name}`,
          t.line,
        );
      }
      if (type !== ONEHOT && impute !== 'mean') {
        const bad = col.missing + col.nonFinite;
        if (bad > 0) {
          throw new CsvError(
            name, `numeric column '${col.name}' has a missing or non-finite value in ${plural(bad, 'row')} ` +
              `(first at line ${col.firstBadLine}); fix the data, drop the column, or impute it (impute: 'mean', --impute mean)`,
          );
        }
      }
      plan.push({ index, col, type });
    });

    const moments = plan.map(() => new RunningMoments());
    const counts = plan.map((p) => (p.type === ONEHOT ? new Map<string, number>() : null));
    const mask = options.trainRows instanceof Uint8Array ? options.trainRows : null;
    const set = options.trainRows && !(options.trainRows instanceof Uint8Array) ? options.trainRows : null;
    const idx = Int32Array.from(plan, (p) => p.index);
    const types = Uint8Array.from(plan, (p) => p.type);
    const np = plan.length;
    forEachCsvRow(
      source,
      {
        onHeader: (header) => checkSameHeader(header, scan),
        onRow: (fields, row) => {
          if (mask ? !(mask[row] > 0) : set ? !set.has(row) : false) return;
          for (let j = 0; j < np; j++) {
            const v = fields[idx[j]];
            if (isMissing(v)) continue;
            const t = types[j];
            if (t === ONEHOT) {
              const m = counts[j]!;
              const n = m.get(v);
              if (n === undefined) {
                if (m.size >= maxCategories) {
                  throw new CsvError(
                    name, `column '${plan[j].col.name}' has more than ${maxCategories} categories in the training rows; ` +
                      `drop it (${dropHint(plan[j].col.name)}), or set it numeric if it holds numbers (--numeric ${plan[j].col.name})`,
                  );
                }
                m.set(detachString(v), 1);
              } else m.set(v, n + 1);
            } else {
              const x = t === STD ? parseNumber(v) : parseBoolean(v);
              if (x - x === 0) moments[j].push(x);
            }
          }
        },
      },
      { delimiter: scan.delimiter, source: name },
    );

    const columns: ColumnSpec[] = plan.map((p, j): ColumnSpec => {
      const colName = p.col.name;
      if (p.type === ONEHOT) {
        const categories = [...counts[j]!.keys()].sort(compareCodePoints);
        return { name: colName, type: 'onehot', categories };
      }
      const m = moments[j];
      if (m.n === 0) {
        throw new CsvError(name, `column '${colName}' has no value in the ${plural(nTrain, 'training row')}`);
      }
      const fill = impute === 'mean' ? m.mean : null;
      if (p.type === BIN) return { name: colName, type: 'binary', fill };
      // Imputed training cells sit at the mean: they add to n, not to the squared deviations.
      return { name: colName, type: 'standardize', mean: m.mean, std: scaleFor(m.m2 / nTrain, m.mean, nTrain), fill };
    });
    const label: LabelSpec | null =
      scan.label === null ? null : scan.labelFamily === 'classes' ? { name: scan.label, family: 'classes', classes: scan.labelClasses!.slice() } : { name: scan.label, family: scan.labelFamily! };
    return new Preprocessor(columns, label, drop.slice(), impute);
  }

  /**
   * Pass 3: encodes the rows of `source` (all, or `options.rows`) into one Float32Array.
   * Columns are found by header name, so the new file may order them differently or carry extra
   * ones (ignored, with a warning). A needed column that is absent is an error listing both.
   */
  transform(source: ChunkSource, options: TransformOptions = {}): TransformResult {
    const opts = csvOpts(source, options);
    const name = opts.source!;
    const F = this.nFeatures;
    // Output rows: from the filter, or from rowCount, or (for a new file) a counting pass.
    const filter = options.rows;
    const order = options.order;
    if (order !== undefined && filter !== undefined) throw new Error('transform: give rows or order, not both');
    const block = options.block;
    if (block && (order !== undefined || filter !== undefined || options.out)) throw new Error('transform: a block transform takes no rows, order or out');
    if (block && !(Number.isInteger(block.rows) && block.rows > 0)) throw new RangeError(`transform: block.rows must be a positive integer, got ${block.rows}`);
    let nOut: number;
    /** With `order`: the output row of each data row, or -1. */
    let pos: Int32Array | null = null;
    if (order !== undefined) {
      nOut = order.length;
      let len = options.rowCount ?? 0;
      if (options.rowCount === undefined) for (let k = 0; k < nOut; k++) len = Math.max(len, order[k] + 1);
      pos = new Int32Array(len).fill(-1);
      for (let k = 0; k < nOut; k++) {
        const v = order[k];
        if (!Number.isInteger(v) || v < 0 || v >= len) throw new RangeError(`transform: order[${k}] = ${v} is outside [0, ${len})`);
        if (pos[v] >= 0) throw new RangeError(`transform: row ${v} appears twice in order (at ${pos[v]} and ${k})`);
        pos[v] = k;
      }
    } else if (filter instanceof Uint8Array) nOut = countRows(filter, options.rowCount ?? filter.length);
    else if (filter !== undefined) nOut = options.rowCount !== undefined ? countRows(filter, options.rowCount) : filter.size;
    else if (block) nOut = block.rows;
    else nOut = options.rowCount ?? forEachCsvRow(source, () => {}, { ...opts, allowNoRows: true }).rows;
    let X: Float32Array;
    if (options.out) {
      if (options.out.length < nOut * F) {
        throw new RangeError(`transform: out has ${options.out.length} values, needs ${nOut} × ${F} = ${nOut * F}`);
      }
      X = options.out;
      X.fill(0, 0, nOut * F);
    } else {
      X = new Float32Array(nOut * F);
    }

    const specs = this.columns;
    const nc = specs.length;
    const cells = new CellEncoder(specs);
    const idx = new Int32Array(nc);
    const bad = new Float64Array(nc);
    const badLine = new Float64Array(nc);
    const unseen = new Float64Array(nc);
    const unseenExample: (string | null)[] = new Array(nc).fill(null);
    const missingCat = new Float64Array(nc);
    const imputed = new Float64Array(nc);
    const text = new Float64Array(nc);
    const textExample: string[] = new Array(nc).fill('');
    const warnings: string[] = [];
    let labelIdx = -1;
    let y: Float32Array | null = null;
    const family = this.label?.family ?? 'yes/no';
    // a multi-class label reads as its class's index (label-classes.ts), a binary one as 1/0
    const classIndex = this.label?.family === 'classes' ? classIndexer(this.label.classes) : this.label?.family === 'number' ? readNumber : null;

    const mask = options.rows instanceof Uint8Array ? options.rows : null;
    const set = options.rows && !(options.rows instanceof Uint8Array) ? options.rows : null;
    let r = 0;
    // streaming: the data row where the block in X starts, and the kept columns' text
    let blockStart = 0;
    const keepIdx: number[] = [];
    const kept: string[][] = (block?.keep ?? []).map(() => []);
    const checkBad = () => {
      const badCol = bad.findIndex((b) => b > 0);
      if (badCol >= 0) {
        throw new CsvError(
          name, `numeric column '${specs[badCol].name}' has a missing or non-finite value in ${plural(bad[badCol], 'row')} ` +
            `(first at line ${badLine[badCol]}); fix the data, drop the column, or fit with impute: 'mean'`,
        );
      }
    };
    const flush = () => {
      if (!block || r === blockStart) return;
      checkBad(); // before the block leaves: a bad cell stops the stream where it is found
      block.emit({ X, y, rows: r - blockStart, start: blockStart, kept });
      X.fill(0);
      for (const k of kept) k.length = 0;
      blockStart = r;
    };
    const read = forEachCsvRow(
      source,
      {
        onHeader: (header) => {
          checkHeader(header, name);
          const at = new Map(header.map((h, i) => [h, i]));
          const absent = specs.filter((s) => !at.has(s.name)).map((s) => s.name);
          if (absent.length > 0) {
            throw new CsvError(
              name, `missing column${absent.length > 1 ? 's' : ''} ${absent.map((a) => `'${a}'`).join(', ')} ` +
                `(the preprocessor needs: ${specs.map((s) => s.name).join(', ')}); the file has: ${header.join(', ')}`,
            );
          }
          specs.forEach((s, j) => (idx[j] = at.get(s.name)!));
          for (const k of block?.keep ?? []) {
            if (!at.has(k)) throw new CsvError(name, `no column '${k}'; the columns are: ${header.join(', ')}`);
            keepIdx.push(at.get(k)!);
          }
          const hasLabel = this.label !== null && at.has(this.label.name);
          if (options.withLabels === true && !hasLabel) {
            throw new CsvError(
              name,
              this.label === null ? 'labels requested but the preprocessor has no label column' : `label column '${this.label.name}' not found; the file has: ${header.join(', ')}`,
            );
          }
          if (hasLabel && options.withLabels !== false) {
            labelIdx = at.get(this.label!.name)!;
            y = new Float32Array(nOut);
          }
          const known = new Set([...specs.map((s) => s.name), ...this.dropped, ...(this.label ? [this.label.name] : [])]);
          const extra = header.filter((h) => !known.has(h));
          if (extra.length > 0) warnings.push(`ignored column${extra.length > 1 ? 's' : ''} not seen in training: ${extra.join(', ')}`);
        },
        onRow: (fields, row, line) => {
          let out = r - blockStart;
          if (pos !== null) {
            if (row >= pos.length || (out = pos[row]) < 0) return;
          } else if (mask ? !(mask[row] > 0) : set ? !set.has(row) : false) return;
          if (!block && r >= nOut) throw new CsvError(name, `more rows than the ${nOut} expected (the file changed, or rowCount is wrong)`);
          const base = out * F;
          for (let j = 0; j < nc; j++) {
            const v = fields[idx[j]];
            const c = cells.encode(j, v, X, base);
            if (c === CellOutcome.OK) continue;
            switch (c) {
              case CellOutcome.UNSEEN:
                if (unseen[j]++ === 0) unseenExample[j] = detachString(v);
                break;
              case CellOutcome.MISSING_CATEGORY:
                missingCat[j]++;
                break;
              case CellOutcome.TEXT_IMPUTED:
                if (text[j]++ === 0) textExample[j] = detachString(v);
                imputed[j]++;
                break;
              case CellOutcome.IMPUTED:
                imputed[j]++;
                break;
              case CellOutcome.MISSING:
                if (bad[j]++ === 0) badLine[j] = line;
                break;
              default:
                throw new CsvError(name, `column '${specs[j].name}' expects ${cells.isBinary(j) ? 'yes/no or true/false' : 'a number'}, got ${JSON.stringify(v)}`, line);
            }
          }
          if (labelIdx >= 0) {
            const v = fields[labelIdx];
            const l = classIndex !== null ? classIndex(v) : labelValue(v, family as LabelFamily);
            if (l !== l) {
              const expected = this.label!.family === 'classes' ? `one of the classes the model was trained on (${this.label!.classes.join(', ')})` : family === 'number' ? 'a finite number' : family.replace('/', ' or ');
              throw new CsvError(name, `label '${this.label!.name}' must be ${expected}, got ${JSON.stringify(v)}`, line);
            }
            y![out] = l;
          }
          for (let k = 0; k < keepIdx.length; k++) kept[k].push(fields[keepIdx[k]]);
          r++;
          if (block && r - blockStart === block.rows) flush();
        },
      },
      { ...opts, allowNoRows: true },
    );
    if (mask && read.rows !== mask.length) {
      throw new CsvError(name, `the row mask has length ${mask.length}, but the file has ${read.rows} rows`);
    }
    if ((set || pos) && r !== nOut) throw new CsvError(name, `some row indices are not below the ${read.rows} rows of the file`);
    if (block) flush();
    else if (r !== nOut) throw new CsvError(name, `${r} rows read, ${nOut} expected (the file changed, or rowCount is wrong)`);
    checkBad();
    const rec = (a: Float64Array): Record<string, number> => {
      const out: Record<string, number> = {};
      a.forEach((n, j) => {
        if (n > 0) out[specs[j].name] = n;
      });
      return out;
    };
    specs.forEach((s, j) => {
      if (unseen[j] > 0) {
        warnings.push(
          `column '${s.name}': ${plural(unseen[j], 'row')} with a category not seen in training ` +
            `(e.g. ${JSON.stringify(unseenExample[j])}), encoded as all zeros`,
        );
      }
      if (missingCat[j] > 0) warnings.push(`column '${s.name}': ${plural(missingCat[j], 'missing value')}, encoded as all zeros`);
      if (imputed[j] > 0) warnings.push(`column '${s.name}': ${plural(imputed[j], 'missing or non-finite value')} replaced by the training mean`);
      if (text[j] > 0) warnings.push(`column '${s.name}': ${plural(text[j], 'cell')} that ${text[j] === 1 ? 'is' : 'are'} not a number (e.g. ${JSON.stringify(textExample[j])}) treated as missing (included above)`);
    });
    return {
      X: block ? new Float32Array(0) : options.out ? X.subarray(0, nOut * F) : X,
      y: block ? null : y,
      rows: block ? r : nOut,
      cols: F,
      unseen: rec(unseen),
      missing: rec(missingCat),
      imputed: rec(imputed),
      warnings,
    };
  }

  toJSON(): PreprocessorJSON {
    return {
      format: 'densely.preprocessor',
      version: 1,
      columns: this.columns.map((c) => (c.type === 'onehot' ? { ...c, categories: c.categories.slice() } : { ...c })),
      label: this.label ? (this.label.family === 'classes' ? { ...this.label, classes: this.label.classes.slice() } : { ...this.label }) : null,
      dropped: this.dropped.slice(),
      impute: this.impute,
      featureNames: this.featureNames.slice(),
    };
  }

  /** Rebuilds a preprocessor from {@link Preprocessor.toJSON} output, checking every field. */
  static fromJSON(json: unknown): Preprocessor {
    const fail = (what: string): never => {
      throw new Error(`Preprocessor.fromJSON: ${what}`);
    };
    const o = json as Partial<PreprocessorJSON> | null;
    if (!o || typeof o !== 'object' || o.format !== 'densely.preprocessor') fail(`not a densely.preprocessor object`);
    if (o!.version !== 1) fail(`unsupported version ${JSON.stringify(o!.version)}`);
    if (!Array.isArray(o!.columns)) fail(`'columns' must be an array`);
    const columns: ColumnSpec[] = o!.columns!.map((c, i) => {
      const at = `columns[${i}]`;
      if (!c || typeof c.name !== 'string') return fail(`${at}.name must be a string`);
      const okFill = (f: unknown): f is number | null => f === null || (typeof f === 'number' && Number.isFinite(f));
      switch (c.type) {
        case 'standardize':
          if (!Number.isFinite(c.mean) || !(Number.isFinite(c.std) && c.std > 0)) fail(`${at} needs a finite mean and std > 0`);
          if (!okFill(c.fill)) fail(`${at}.fill must be a finite number or null`);
          return { name: c.name, type: 'standardize', mean: c.mean, std: c.std, fill: c.fill };
        case 'binary':
          if (!okFill(c.fill)) fail(`${at}.fill must be a finite number or null`);
          return { name: c.name, type: 'binary', fill: c.fill };
        case 'onehot':
          if (!Array.isArray(c.categories) || !c.categories.every((v) => typeof v === 'string')) {
            fail(`${at}.categories must be an array of strings`);
          }
          return { name: c.name, type: 'onehot', categories: c.categories.slice() };
        default:
          return fail(`${at}.type must be 'standardize', 'binary' or 'onehot', got ${JSON.stringify((c as { type?: unknown }).type)}`);
      }
    });
    const label = o!.label ?? null;
    if (label !== null && (typeof label.name !== 'string' || !['yes/no', 'true/false', '1/0', 'classes', 'number'].includes(label.family))) {
      fail(`'label' must be null, { name, family: 'yes/no' | 'true/false' | '1/0' | 'number' } or { name, family: 'classes', classes }`);
    }
    if (label?.family === 'classes') {
      const c = (label as { classes?: unknown }).classes;
      if (!Array.isArray(c) || c.length < 2 || !c.every((v) => typeof v === 'string') || new Set(c).size !== c.length) fail(`'label.classes' must be a list of two or more distinct strings`);
    }
    const impute = o!.impute ?? 'none';
    if (impute !== 'none' && impute !== 'mean') fail(`'impute' must be 'none' or 'mean'`);
    const dropped = Array.isArray(o!.dropped) ? o!.dropped.map(String) : [];
    const spec: LabelSpec | null = label === null ? null : label.family === 'classes' ? { name: label.name, family: 'classes', classes: label.classes.slice() } : { name: label.name, family: label.family };
    const p = new Preprocessor(columns, spec, dropped, impute);
    if (o!.featureNames !== undefined) {
      const names = o!.featureNames;
      if (!Array.isArray(names) || names.length !== p.featureNames.length || names.some((n, i) => n !== p.featureNames[i])) {
        fail(`'featureNames' do not match the columns (${p.featureNames.length} features expected)`);
      }
    }
    return p;
  }
}

/** A regression label's text as its number; NaN (refused by the caller) when it is not a finite one. */
function readNumber(v: string): number {
  const x = parseNumber(v);
  return Number.isFinite(x) ? x : NaN;
}

function checkSameHeader(header: string[], scan: CsvScan): void {
  if (header.length !== scan.header.length || header.some((h, i) => h !== scan.header[i])) {
    throw new CsvError(scan.source, `the header changed since the scan (the file changed between passes?)`);
  }
}

export interface PrepareOptions extends ScanOptions, FitOptions {
  /**
   * Given the number of data rows (and the scan, e.g. for {@link readLabels} when the split is
   * stratified), the training and test row indices (e.g. sklearn's train_test_split). Called after
   * the scan, before anything is fitted; it may throw. The preprocessor is fitted on the training
   * rows, and X holds the training rows then the test rows, each in the given order, so
   * `X.subarray(0, nTrain * cols)` and the rest are the two sets with no copy. Not with `trainRows`.
   */
  split?: (rows: number, scan: CsvScan) => { train: ArrayLike<number>; test: ArrayLike<number> };
}

export interface Prepared extends TransformResult {
  featureNames: string[];
  preprocessor: Preprocessor;
  scan: CsvScan;
  /** The first nTrain rows of X / y are the training rows (all rows without `split`). */
  nTrain: number;
}

/**
 * Scan + fit (on `trainRows` or `split`'s train rows, default all) + transform, in three passes.
 *
 * @example
 * const p = prepareCsv(fileChunks('bank-full.csv.gz'), { drop: ['duration'] });
 * p.X;  // Float32Array [45211 × 50]
 * p.y;  // Float32Array [45211] of 1/0
 */
export function prepareCsv(source: ChunkSource, options: PrepareOptions = {}): Prepared {
  const scan = scanCsv(source, options);
  let order: Int32Array | undefined;
  let fitOptions: FitOptions = options;
  let nTrain = scan.rows;
  if (options.split) {
    if (options.trainRows !== undefined) throw new Error('prepareCsv: give trainRows or split, not both');
    const { train, test } = options.split(scan.rows, scan);
    nTrain = train.length;
    order = new Int32Array(train.length + test.length);
    for (let k = 0; k < train.length; k++) order[k] = train[k];
    for (let k = 0; k < test.length; k++) order[train.length + k] = test[k];
    fitOptions = { ...options, trainRows: rowMask(train, scan.rows) };
  }
  const preprocessor = Preprocessor.fit(source, scan, fitOptions);
  const t = preprocessor.transform(source, { delimiter: scan.delimiter, source: scan.source, rowCount: scan.rows, order });
  return { ...t, featureNames: preprocessor.featureNames.slice(), preprocessor, scan, nTrain };
}

/**
 * One pass that reads only the label column as 1/0 (or class indices), [rows] (for a stratified split, which
 * needs the labels before anything is fitted).
 */
export function readLabels(source: ChunkSource, scan: CsvScan): Float32Array {
  if (scan.label === null || scan.labelFamily === null) throw new CsvError(scan.source, `no label column to read`);
  const index = scan.header.indexOf(scan.label);
  const family = scan.labelFamily;
  const classIndex = family === 'classes' ? classIndexer(scan.labelClasses!) : family === 'number' ? readNumber : null;
  const y = new Float32Array(scan.rows);
  forEachCsvRow(
    source,
    {
      onHeader: (header) => checkSameHeader(header, scan),
      onRow: (fields, row) => {
        y[row] = classIndex !== null ? classIndex(fields[index]) : labelValue(fields[index], family as LabelFamily);
      },
    },
    { delimiter: scan.delimiter, source: scan.source },
  );
  return y;
}
