/**
 * `densely predict`: score rows with a saved model and write a scored list: CSV (`id,score,
 * decision`, for a campaign tool) or .npy (the probabilities), chosen by the output's name;
 * `--data -` reads CSV from stdin and `--out -` writes CSV to stdout, for shell pipelines.
 * Raw CSV rows are scored block by block (io/score-stream.ts), so memory stays bounded: 4 bytes
 * a row for the scores when they must be kept (--top, .npy), nothing per row otherwise.
 */
import { readCsvColumn } from '../data/csv-column.js';
import { statSync } from 'node:fs';
import type { ChunkSource } from '../data/csv.js';
import type { Preprocessing } from '../data/prepare.js';
import type { Sequential } from '../nn/sequential.js';
import { writeNpy } from '../data/npy.js';
import { scoreCsvBlocks } from '../io/score-stream.js';
import { parseTop, scoredCsvHeader, scoredCsvRows, selectRows, type ScoredCsvOptions, type TopSpec } from '../io/scored-list.js';
import { checkWritableTarget, openAtomicWriter, writeFileAtomic, type AtomicWriter, type Spool } from '../node/files.js';
import { loadModelFile } from '../node/model-files.js';
import { commandOptions, type Spec, UsageError } from './args.js';
import { csvRows, isNpyPath, loadPredictFeatures } from './dataset.js';
import { writeOut, type Io } from './io.js';
import { checkFiniteScores } from '../io/finite-scores.js';

export const PREDICT_SPEC: Spec = {
  model: { type: 'string', help: 'a model file: saved by densely train --save or by model.save (any version)' },
  data: { type: 'string', help: "rows to score: raw CSV (prepared as in training) or .npy features; '-' reads CSV from stdin" },
  out: { type: 'string', help: "scores.csv (id,score[,decision]) or preds.npy (<f4 [n, 1]); '-' writes CSV to stdout" },
  id: { type: 'string', help: 'CSV: a column carried through to the output, first (never a feature)' },
  top: { type: 'string', help: 'keep only the highest scores, sorted: a count (500) or a percentage (10%)' },
  threshold: { type: 'number', help: 'CSV: add a decision column, 1 when the score is at least this', min: 0, max: 1 },
  'batch-size': { type: 'int', help: 'rows per forward pass', default: 32, min: 1 },
  help: { type: 'boolean', help: 'show this help' },
};

export const PREDICT_USAGE = 'densely predict --model model.json --data X.npy|rows.csv|- --out scores.csv|preds.npy|- [--id COLUMN] [--top 10%] [--threshold 0.5]';

export function predict(argv: string[], io: Io): number {
  const o = commandOptions('predict', argv, PREDICT_SPEC, PREDICT_USAGE, ['model', 'data', 'out'], io.out);
  if (o === null) return 0;
  const data = o.data as string;
  const out = o.out as string;
  const toCsv = out === '-' || /\.csv$/i.test(out);
  if (!toCsv && !/\.npy$/i.test(out)) throw new UsageError(`predict: --out must end in .csv or .npy (or be '-' for CSV on stdout), got '${out}'`);
  if (!toCsv && (o.id !== undefined || o.threshold !== undefined)) throw new UsageError('predict: --id and --threshold add CSV columns; write a .csv (or --out -)');
  if (o.id !== undefined && (data === '-' ? false : isNpyPath(data))) throw new UsageError('predict: --id names a CSV column; a .npy file has none');
  if (!toCsv && o.top !== undefined) throw new UsageError('predict: --top sorts the rows, and a .npy of scores cannot say which row each came from; write a .csv (with --id)');
  let top: TopSpec | undefined;
  try {
    top = o.top === undefined ? undefined : parseTop(String(o.top));
  } catch (e) {
    throw new UsageError(`predict: ${(e as Error).message}`);
  }
  if (out !== '-') checkWritableTarget(out);

  const { model, preparation } = loadModelFile(o.model as string);
  if (model.outputSize !== 1) throw new Error(`${o.model as string}: the model has ${model.outputSize} outputs; predict writes one score per row`);
  const batchSize = (o.batchSize as number | undefined) ?? 32;
  const csv: ScoredCsvOptions = { threshold: o.threshold as number | undefined };
  const idName = o.id === undefined ? undefined : String(o.id);
  let rows: ChunkSource | string = data;
  let spool: Spool | null = null;
  if (data === '-') {
    if (io.spoolStdin) {
      // a pipe is read once, into an unlinked temporary file, so it can be read again in bounded memory
      spool = io.spoolStdin();
      rows = spool;
    } else if (io.readStdin) {
      const bytes = io.readStdin();
      rows = Object.assign(() => [bytes], { sourceName: 'stdin' });
    } else throw new Error('--data -: this command has no stdin to read');
  }
  try {
    return score(rows, { model, preparation, batchSize, csv, idName, top, out, toCsv, io });
  } finally {
    spool?.close();
  }
}

interface ScoreJob {
  model: Sequential;
  preparation: Preprocessing | null;
  batchSize: number;
  csv: ScoredCsvOptions;
  idName: string | undefined;
  top: TopSpec | undefined;
  out: string;
  toCsv: boolean;
  io: Io;
}

/** Scores `rows` (a path, or a CSV source) and writes the list. */
function score(rows: ChunkSource | string, job: ScoreJob): number {
  const { model, preparation, batchSize, csv, idName, top, out, toCsv, io } = job;
  const sink = (): AtomicWriter => (out === '-' ? { write: (t) => writeOut(io, String(t)), commit: () => {}, abort: () => {} } : openAtomicWriter(out));

  // raw CSV rows and a CSV preparation: scored block by block
  if ((typeof rows !== 'string' || !isNpyPath(rows)) && preparation?.kind === 'csv') {
    const source = typeof rows === 'string' ? csvRows(rows) : rows;
    const keep = idName === undefined ? [] : [idName];
    if (toCsv && !top) {
      // straight through: each block's lines go out as soon as they are scored; the header with
      // the first block, so an input refused at its header or first rows writes nothing
      const w = sink();
      try {
        let header = scoredCsvHeader({ ...csv, id: idName === undefined ? undefined : { name: idName, values: [] } });
        const r = scoreCsvBlocks(source, preparation.preprocessor, model, {
          keep,
          batchSize,
          onBlock: (b) => {
            w.write(header + scoredCsvRows(b.scores, selectRows(b.scores), { ...csv, id: idName === undefined ? undefined : { name: idName, values: b.kept[0] } }));
            header = '';
          },
        });
        if (r.rows === 0) throw new Error(`${source.sourceName ?? 'input'}: header only, no data rows`);
        w.commit();
        for (const line of r.warnings) io.err(`densely: warning: ${line}`);
        io.err(`densely: wrote ${r.rows} scores to ${out === '-' ? 'stdout' : out}`);
      } catch (e) {
        w.abort();
        throw e;
      }
      return 0;
    }
    // --top, or .npy: keep the scores (4 bytes a row), then the IDs of the chosen rows only
    const parts: Float32Array[] = [];
    // (keep checks the --id column's name at the header, before any scoring)
    const before = typeof rows === 'string' ? fileState(rows) : '';
    const r = scoreCsvBlocks(source, preparation.preprocessor, model, { keep, batchSize, onBlock: (b) => parts.push(b.scores.slice()) });
    if (r.rows === 0) throw new Error(`${source.sourceName ?? 'input'}: header only, no data rows`);
    // the IDs come from a second read: refuse a file that changed in between
    if (typeof rows === 'string' && fileState(rows) !== before) throw new Error(`${rows}: the file changed while it was being scored`);
    for (const line of r.warnings) io.err(`densely: warning: ${line}`);
    return writeScores(concat(parts, r.rows), source, idName, top, csv, out, toCsv, sink, io);
  }
  // .npy features (or a CSV the model cannot prepare, which loadPredictFeatures refuses by name)
  const { X, warnings } = loadPredictFeatures(rows, preparation, model.inputSize as number);
  for (const w of warnings) io.err(`densely: warning: ${w}`);
  const scores = model.predict(X, { batchSize }).data;
  checkFiniteScores(scores, typeof rows === 'string' ? rows : (rows.sourceName ?? 'stdin'));
  return writeScores(scores, typeof rows === 'string' ? csvRows(rows) : rows, idName, top, csv, out, toCsv, sink, io);
}

/** Writes all the scores, or the --top ones sorted, as CSV (with the IDs of the written rows) or .npy. */
function writeScores(scores: Float32Array, source: ChunkSource, idName: string | undefined, top: TopSpec | undefined, csv: ScoredCsvOptions, out: string, toCsv: boolean, sink: () => AtomicWriter, io: Io): number {
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
      w.write(scoredCsvHeader({ ...csv, id }) + scoredCsvRows(scores, selected, { ...csv, id }));
      w.commit();
    } catch (e) {
      w.abort();
      throw e;
    }
  } else writeFileAtomic(out, writeNpy({ dtype: 'f4', shape: [scores.length, 1], data: scores }));
  io.err(`densely: wrote ${selected.length} ${selected.length < scores.length ? `of ${scores.length} ` : ''}scores to ${out === '-' ? 'stdout' : out}`);
  return 0;
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

/** A file's size and modification time, to tell whether it changed between two reads. */
function fileState(path: string): string {
  const st = statSync(path);
  return `${st.size}:${st.mtimeMs}`;
}
