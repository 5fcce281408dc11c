/**
 * Scoring raw CSV rows into a scored list (`id,score[,decision]` CSV, or a .npy of scores), written
 * whole or not at all: what `densely predict` does with a CSV, and what `densely serve`'s `:score`
 * does with a request body. Memory stays bounded: rows are scored block by block
 * (io/score-stream.ts) and, when nothing must be sorted, written as they are scored; with `top`
 * (or a .npy) the scores are kept (4 bytes a row) and the chosen rows' IDs read in a second pass.
 * A multi-class model (`classes`) writes one probability per class and the predicted class
 * (io/class-scores.ts), or a .npy of `[rows, K]` probabilities; it has no `top` or threshold.
 */
import { readCsvColumn } from '../data/csv-column.js';
import type { ChunkSource } from '../data/csv.js';
import { writeNpy } from '../data/npy.js';
import type { PreprocessorJSON } from '../data/preprocessor.js';
import { scoreCsvBlocks } from '../io/score-stream.js';
import { field, scoredCsvHeader, scoredCsvRows, selectRows, type ScoredCsvOptions, type TopSpec } from '../io/scored-list.js';
import { classScoresHeader, classScoresRows } from '../io/class-scores.js';
import type { Sequential } from '../nn/sequential.js';
import type { AtomicWriter } from './files.js';

export interface ScoreListJob {
  batchSize: number;
  /** The decision column's threshold, if any. */
  csv: ScoredCsvOptions;
  /** A column carried through to the output, first. */
  idName: string | undefined;
  /** Keep only the highest scores, sorted. */
  top: TopSpec | undefined;
  /** CSV out (else a .npy of all the scores). */
  toCsv: boolean;
  /** Where the list goes: a fresh writer, committed when the list is whole. */
  sink: () => AtomicWriter;
  /** For .npy: writes the bytes whole. */
  writeBytes?: (bytes: Uint8Array) => void;
  /** Called between the two reads of a sorted list: throws if the rows changed in between. */
  checkUnchanged?: () => void;
  /** A multi-class model's class names, one per output: the list has a probability per class. */
  classes?: readonly string[] | null;
  /** The value column's name instead of 'score' (a regression model's 'prediction'), with no decision column. */
  valueColumn?: string;
}

/** The list's header line: `[id,]score[,decision]`, or `[id,]<valueColumn>`. */
function listHeader(job: ScoreListJob, id: ScoredCsvOptions['id']): string {
  if (job.valueColumn === undefined) return scoredCsvHeader({ ...job.csv, id });
  return `${id ? `${field(id.name)},` : ''}${field(job.valueColumn)}\n`;
}

export interface ScoreListResult {
  /** Rows written. */
  written: number;
  /** Rows scored. */
  total: number;
  /** The preparation's warnings (unseen categories, imputed cells). */
  warnings: string[];
}

/**
 * Scores every row of `source` with the model and its CSV preprocessor, and writes the list.
 * A source with a header and no rows is an error, and writes nothing.
 *
 * @example
 * scoreCsvToList(fileChunks('rows.csv'), pre, model, { batchSize: 32, csv: {}, idName: 'id', top: undefined, toCsv: true, sink: () => openAtomicWriter('scores.csv') });
 */
export function scoreCsvToList(source: ChunkSource, preprocessor: PreprocessorJSON, model: Sequential, job: ScoreListJob): ScoreListResult {
  const { batchSize, csv, idName, top, toCsv, sink } = job;
  const keep = idName === undefined ? [] : [idName];
  const name = source.sourceName ?? 'input';
  const classes = job.classes ?? null;
  if (job.valueColumn !== undefined && csv.threshold !== undefined) throw new Error(`a threshold needs a binary model; this one predicts numbers`);
  if (classes && (top || csv.threshold !== undefined)) throw new Error(`${top ? 'top' : 'a threshold'} needs a binary model; this one has ${classes.length} classes (${classes.join(', ')})`);
  // straight through: each block's lines go out as soon as they are scored; the header with the
  // first block, so an input refused at its header or first rows writes nothing
  const stream = (header: string, lines: (scores: Float32Array, ids: string[] | undefined) => string): ScoreListResult => {
    const w = sink();
    try {
      let first = header;
      const r = scoreCsvBlocks(source, preprocessor, model, {
        keep,
        batchSize,
        onBlock: (b) => {
          w.write(first + lines(b.scores, idName === undefined ? undefined : b.kept[0]));
          first = '';
        },
      });
      if (r.rows === 0) throw new Error(`${name}: header only, no data rows`);
      w.commit();
      return { written: r.rows, total: r.rows, warnings: r.warnings };
    } catch (e) {
      w.abort();
      throw e;
    }
  };
  // one probability per class and the predicted class
  if (classes && toCsv) return stream(classScoresHeader(classes, idName), (scores, ids) => classScoresRows(scores, classes, ids));
  if (toCsv && !top) {
    const header = listHeader(job, idName === undefined ? undefined : { name: idName, values: [] });
    return stream(header, (scores, ids) => scoredCsvRows(scores, selectRows(scores), { ...csv, id: idName === undefined ? undefined : { name: idName, values: ids as string[] } }));
  }
  // --top, or .npy: keep the scores (4 bytes a row), then the IDs of the chosen rows only
  // (keep checks the ID column's name at the header, before any scoring)
  const parts: Float32Array[] = [];
  const r = scoreCsvBlocks(source, preprocessor, model, { keep, batchSize, onBlock: (b) => parts.push(b.scores.slice()) });
  if (r.rows === 0) throw new Error(`${name}: header only, no data rows`);
  job.checkUnchanged?.();
  const written = writeScoreList(concat(parts, r.rows * (classes?.length ?? 1)), source, job);
  return { written, total: r.rows, warnings: r.warnings };
}

/**
 * Writes all the scores, or the `top` ones sorted, as CSV (with the IDs of the written rows, read
 * from `source`) or as a .npy; returns the rows written.
 */
export function writeScoreList(scores: Float32Array, source: ChunkSource, job: ScoreListJob): number {
  const { csv, idName, top, toCsv, sink } = job;
  if (job.classes) return writeClassScores(scores, source, job, job.classes);
  const selected = selectRows(scores, top);
  if (toCsv) {
    let id: ScoredCsvOptions['id'];
    if (idName !== undefined) {
      const wanted = new Uint8Array(scores.length);
      for (const r of selected) wanted[r] = 1;
      id = { name: idName, values: readCsvColumn(source, idName, { rows: wanted }) };
    }
    const w = sink();
    try {
      w.write(listHeader(job, id) + scoredCsvRows(scores, selected, { ...csv, id }));
      w.commit();
    } catch (e) {
      w.abort();
      throw e;
    }
  } else {
    if (!job.writeBytes) throw new Error('writeScoreList: a .npy list needs writeBytes');
    job.writeBytes(writeNpy({ dtype: 'f4', shape: [scores.length, 1], data: scores }));
  }
  return selected.length;
}

/** A multi-class list: `P: [rows, K]` probabilities as CSV (with the IDs, read from `source`) or a .npy `[rows, K]`. */
function writeClassScores(P: Float32Array, source: ChunkSource, job: ScoreListJob, classes: readonly string[]): number {
  const rows = P.length / classes.length;
  if (job.top || job.csv.threshold !== undefined) throw new Error(`${job.top ? 'top' : 'a threshold'} needs a binary model; this one has ${classes.length} classes`);
  if (!job.toCsv) {
    if (!job.writeBytes) throw new Error('writeScoreList: a .npy list needs writeBytes');
    job.writeBytes(writeNpy({ dtype: 'f4', shape: [rows, classes.length], data: P }));
    return rows;
  }
  const ids = job.idName === undefined ? undefined : readCsvColumn(source, job.idName, { rows: new Uint8Array(rows).fill(1) });
  const w = job.sink();
  try {
    w.write(classScoresHeader(classes, job.idName) + classScoresRows(P, classes, ids));
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
  return rows;
}

/** The blocks' scores as one array. */
function concat(parts: Float32Array[], n: number): Float32Array {
  const all = new Float32Array(n);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}
