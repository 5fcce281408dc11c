/**
 * `densely predict`: score rows with a saved model and write a scored list: CSV (`id,score,
 * decision`, for a campaign tool) or .npy (the probabilities), chosen by the output's name;
 * `--data -` reads CSV from stdin and `--out -` writes CSV to stdout, for shell pipelines.
 * Raw CSV rows are scored block by block (io/score-stream.ts), so memory stays bounded: 4 bytes
 * a row for the scores when they must be kept (--top, .npy), nothing per row otherwise.
 * A multi-class model writes one probability per class (`p_<class>`) and the predicted class's
 * name (`class`), or a .npy of `[rows, K]` probabilities (io/class-scores.ts).
 */
import { statSync } from 'node:fs';
import type { ChunkSource } from '../data/csv.js';
import type { Preprocessing } from '../data/prepare.js';
import type { Sequential } from '../nn/sequential.js';
import { parseTop, type ScoredCsvOptions, type TopSpec } from '../io/scored-list.js';
import { checkWritableTarget, openAtomicWriter, writeFileAtomic, type Spool } from '../node/files.js';
import { scoreCsvToList, writeScoreList, type ScoreListJob } from '../node/score-file.js';
import { loadModelFile } from '../node/model-files.js';
import { backendOption, THREADS_SPEC, commandOptions, type Spec, UsageError } from './args.js';
import { csvRows, isNpyPath, loadPredictFeatures } from './dataset.js';
import { writeOut, type Io } from './io.js';
import { checkFiniteScores } from '../io/finite-scores.js';
import { classNamesOf } from '../io/model-file.js';

export const PREDICT_SPEC: Spec = {
  model: { type: 'string', help: 'a model file: saved by densely train --save or by model.save (any version)' },
  data: { type: 'string', help: "rows to score: raw CSV (prepared as in training) or .npy features; '-' reads CSV from stdin" },
  out: { type: 'string', help: "scores.csv (id,score[,decision]; multi-class: id,p_<class>…,class) or preds.npy (<f4 [n, 1]; multi-class [n, K]); '-' writes CSV to stdout" },
  id: { type: 'string', help: 'CSV: a column carried through to the output, first (never a feature)' },
  top: { type: 'string', help: 'keep only the highest scores, sorted: a count (500) or a percentage (10%)' },
  threshold: { type: 'number', help: 'CSV: add a decision column, 1 when the score is at least this', min: 0, max: 1 },
  'batch-size': { type: 'int', help: 'rows per forward pass', default: 32, min: 1 },
  backend: { type: 'string', help: "kernels to run on: 'js' or 'wasm' (WebAssembly SIMD)", default: 'wasm where WebAssembly SIMD exists, else js' },
  threads: THREADS_SPEC,
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

  const loaded = loadModelFile(o.model as string, { backend: backendOption(o.backend, o.threads) });
  const { model, preparation } = loaded;
  // a model of K > 1 outputs is a classifier: its class names, or 0…K−1 when the file has none
  const classes = classNamesOf(loaded);
  // a regression model's one output is the number predicted: a 'prediction' column, no decision
  const regression = loaded.target === 'regression';
  if (regression && o.threshold !== undefined) throw new UsageError(`predict: --threshold needs a binary model; ${o.model as string} is a regression model (it predicts numbers)`);
  if (classes) {
    for (const [flag, given] of [['--threshold', o.threshold], ['--top', o.top]] as const) {
      if (given !== undefined) throw new UsageError(`predict: ${flag} needs a binary model; ${o.model as string} has ${classes.length} classes (${classes.join(', ')})`);
    }
  }
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
    return score(rows, { model, preparation, batchSize, csv, idName, top, out, toCsv, io, classes, regression });
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
  /** A multi-class model's class names (null: one score per row). */
  classes: string[] | null;
  /** A regression model: the column is 'prediction'. */
  regression: boolean;
}

/** Scores `rows` (a path, or a CSV source) and writes the list. */
function score(rows: ChunkSource | string, job: ScoreJob): number {
  const { model, preparation, batchSize, csv, idName, top, out, toCsv, io, classes, regression } = job;
  const list: ScoreListJob = {
    classes,
    ...(regression ? { valueColumn: 'prediction' } : {}),
    batchSize,
    csv,
    idName,
    top,
    toCsv,
    sink: () => (out === '-' ? { write: (t) => writeOut(io, String(t)), commit: () => {}, abort: () => {} } : openAtomicWriter(out)),
    writeBytes: (bytes) => writeFileAtomic(out, bytes),
  };
  const report = (written: number, total: number, warnings: string[]) => {
    for (const line of warnings) io.err(`densely: warning: ${line}`);
    io.err(`densely: wrote ${written} ${written < total ? `of ${total} ` : ''}${classes ? `rows of ${classes.length} class probabilities` : regression ? 'predictions' : 'scores'} to ${out === '-' ? 'stdout' : out}`);
    return 0;
  };

  // raw CSV rows and a CSV preparation: scored block by block
  if ((typeof rows !== 'string' || !isNpyPath(rows)) && preparation?.kind === 'csv') {
    const source = typeof rows === 'string' ? csvRows(rows) : rows;
    // a sorted list reads the IDs in a second pass: refuse a file that changed in between
    const before = typeof rows === 'string' ? fileState(rows) : '';
    const checkUnchanged = () => {
      if (typeof rows === 'string' && fileState(rows) !== before) throw new Error(`${rows}: the file changed while it was being scored`);
    };
    const r = scoreCsvToList(source, preparation.preprocessor, model, { ...list, checkUnchanged });
    return report(r.written, r.total, r.warnings);
  }
  // .npy features (or a CSV the model cannot prepare, which loadPredictFeatures refuses by name)
  const { X, warnings } = loadPredictFeatures(rows, preparation, model.inputSize as number);
  const scores = model.predict(X, { batchSize }).data;
  checkFiniteScores(scores, typeof rows === 'string' ? rows : (rows.sourceName ?? 'stdin'));
  const written = writeScoreList(scores, typeof rows === 'string' ? csvRows(rows) : rows, list);
  return report(written, X.rows, warnings);
}

/** A file's size and modification time, to tell whether it changed between two reads. */
function fileState(path: string): string {
  const st = statSync(path);
  return `${st.size}:${st.mtimeMs}`;
}
