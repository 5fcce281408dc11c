/**
 * `densely predict`: score rows with a saved model and write a scored list: CSV (`id,score,
 * decision`, for a campaign tool) or .npy (the probabilities), chosen by the output's name;
 * `--data -` reads CSV from stdin and `--out -` writes CSV to stdout, for shell pipelines.
 */
import { readCsvColumn } from '../data/csv-column.js';
import type { ChunkSource } from '../data/csv.js';
import { writeNpy } from '../data/npy.js';
import { parseTop, scoredCsv, selectRows } from '../io/scored-list.js';
import { checkWritableTarget, writeFileAtomic } from '../node/files.js';
import { loadModelFile } from '../node/model-files.js';
import { commandOptions, type Spec, UsageError } from './args.js';
import { csvRows, isNpyPath, loadPredictFeatures } from './dataset.js';
import { writeOut, type Io } from './io.js';

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
  let top;
  try {
    top = o.top === undefined ? undefined : parseTop(String(o.top));
  } catch (e) {
    throw new UsageError(`predict: ${(e as Error).message}`);
  }
  if (out !== '-') checkWritableTarget(out);

  const { model, preparation } = loadModelFile(o.model as string);
  let rows: ChunkSource | string = data;
  if (data === '-') {
    if (!io.readStdin) throw new Error("--data -: this command has no stdin to read");
    const bytes = io.readStdin();
    rows = Object.assign(() => [bytes], { sourceName: 'stdin' });
  }
  if (model.outputSize !== 1) throw new Error(`${o.model as string}: the model has ${model.outputSize} outputs; predict writes one score per row`);
  // the ID column first: a misspelt --id fails before the scoring, not after it
  const id = o.id === undefined ? undefined : { name: String(o.id), values: readCsvColumn(typeof rows === 'string' ? csvRows(rows) : rows, String(o.id)) };
  const { X, warnings } = loadPredictFeatures(rows, preparation, model.inputSize as number);
  for (const w of warnings) io.err(`densely: warning: ${w}`);
  const p = model.predict(X, { batchSize: (o.batchSize as number | undefined) ?? 32 });
  const selected = selectRows(p.data, top);
  if (toCsv) {
    const text = scoredCsv(p.data, selected, { id, threshold: o.threshold as number | undefined });
    if (out === '-') writeOut(io, text);
    else writeFileAtomic(out, text);
  } else {
    const scores = Float32Array.from(selected, (r) => p.data[r]);
    writeFileAtomic(out, writeNpy({ dtype: 'f4', shape: [scores.length, 1], data: scores }));
  }
  io.err(`densely: wrote ${selected.length} ${top ? `of ${p.rows} ` : ''}scores to ${out === '-' ? 'stdout' : out}`);
  return 0;
}
