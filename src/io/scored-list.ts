/**
 * A scored list a campaign tool can load: one row per customer, highest scores first when only
 * the top is kept, as CSV (`id,score[,decision]`) or as the scores alone. Browser-safe.
 */
import { rankByScore } from '../analysis/ranking.js';
import { float32Text } from '../tensor/float32-text.js';

/** Keep the `rows` highest scores, or the highest `percent`% of them (rounded up). */
export type TopSpec = { rows: number } | { percent: number };

/**
 * '10%' → { percent: 10 }, '500' → { rows: 500 }; anything else is refused, naming it.
 *
 * @example
 * parseTop('5%'); // { percent: 5 }
 */
export function parseTop(spec: string): TopSpec {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(spec.trim());
  const v = m ? Number(m[1]) : NaN;
  if (m && m[2] === '%' && v > 0 && v <= 100) return { percent: v };
  if (m && !m[2] && Number.isInteger(v) && v >= 1) return { rows: v };
  throw new RangeError(`--top takes a count of rows (e.g. 500) or a percentage in (0, 100] (e.g. 10%), got '${spec}'`);
}

/**
 * The rows to write: all, in input order; or with `top`, the highest scores first (ties in input
 * order), as many as asked (a percentage of n rounded up; never more than n).
 *
 * @example
 * selectRows([0.2, 0.9, 0.5], { rows: 2 }); // Int32Array [1, 2]
 */
export function selectRows(scores: ArrayLike<number>, top?: TopSpec): Int32Array {
  const n = scores.length;
  if (!top) return Int32Array.from({ length: n }, (_, i) => i);
  // (the tiny slack keeps 16.1% of 1000 at 161, not 162, against float rounding)
  const k = 'rows' in top ? Math.min(top.rows, n) : Math.min(n, Math.ceil((n * top.percent) / 100 - 1e-9));
  return rankByScore(scores).slice(0, k);
}

/** A CSV field, quoted when it holds the delimiter, a quote or a line break (RFC 4180). */
export function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}


export interface ScoredCsvOptions {
  /** The ID column's name and values (one per scored row), written first. */
  id?: { name: string; values: readonly string[] };
  /** Adds `decision`: 1 when score ≥ threshold (the threshold as a float32, like the scores). */
  threshold?: number;
}

/**
 * The CSV text for `rows` (from selectRows): a header, then `id,score,decision` per row as asked.
 *
 * @example
 * scoredCsv(Float32Array.of(0.25, 0.75), Int32Array.of(1, 0), { id: { name: 'id', values: ['a', 'b'] }, threshold: 0.5 });
 * // 'id,score,decision\nb,0.75,1\na,0.25,0\n'
 */
export function scoredCsv(scores: Float32Array, rows: Int32Array, options: ScoredCsvOptions = {}): string {
  return scoredCsvHeader(options) + scoredCsvRows(scores, rows, options);
}

/** The header line of scoredCsv, with its newline. */
export function scoredCsvHeader(options: ScoredCsvOptions = {}): string {
  return `${[...(options.id ? [field(options.id.name)] : []), 'score', ...(options.threshold !== undefined ? ['decision'] : [])].join(',')}\n`;
}

/** The data lines of scoredCsv (no header), each with its newline: for writing block by block. */
export function scoredCsvRows(scores: Float32Array, rows: Int32Array, options: ScoredCsvOptions = {}): string {
  const { id } = options;
  const threshold = options.threshold === undefined ? undefined : Math.fround(options.threshold);
  if (id && id.values.length !== scores.length) throw new RangeError(`scored list: ${id.values.length} IDs for ${scores.length} scores`);
  const lines: string[] = [];
  for (const r of rows) {
    const p = scores[r];
    const parts = id ? [field(id.values[r])] : [];
    parts.push(float32Text(p));
    if (threshold !== undefined) parts.push(p >= threshold ? '1' : '0');
    lines.push(`${parts.join(',')}\n`);
  }
  return lines.join('');
}
