/**
 * `densely prepare`: raw CSV → the prepared .npy a Keras pipeline loads (features, then the
 * label as the last column, <f4), plus the feature names beside it as JSON. Fitted on ALL rows,
 * as the NumPy script that made marketing_data.npy was.
 */
import { writeNpy } from '../data/npy.js';
import { prepareCsvTable } from '../data/prepare.js';
import { fileChunks } from '../node/chunks.js';
import { checkWritableTarget, writeFilesTogether } from '../node/files.js';
import { commandOptions, listOption, type Spec, UsageError } from './args.js';
import type { Io } from './io.js';
import { delimiterOption } from './train.js';

export const PREPARE_SPEC: Spec = {
  data: { type: 'string', help: 'the raw CSV (.gz ok)' },
  out: { type: 'string', help: 'the .npy to write; the feature names go to <out>.json' },
  label: { type: 'string', help: 'the label column', default: "'y', else the last column" },
  drop: { type: 'string', help: 'columns to leave out, comma-separated (e.g. duration)' },
  delimiter: { type: 'string', help: "',' ';' or 'tab'", default: 'sniffed' },
  impute: { type: 'string', help: "'mean': fill missing numeric cells with the column mean" },
  help: { type: 'boolean', help: 'show this help' },
};

export const PREPARE_USAGE = 'densely prepare --data bank-full.csv [--drop duration] --out marketing_data.npy';

export function prepare(argv: string[], io: Io): number {
  const o = commandOptions('prepare', argv, PREPARE_SPEC, PREPARE_USAGE, ['data', 'out'], io.out);
  if (o === null) return 0;
  if (o.impute !== undefined && o.impute !== 'mean') throw new UsageError(`prepare: --impute takes 'mean', got '${String(o.impute)}'`);
  checkWritableTarget(o.out as string);
  const p = prepareCsvTable(fileChunks(o.data as string), {
    label: o.label as string | undefined,
    drop: listOption(o.drop),
    delimiter: delimiterOption(o.delimiter),
    impute: o.impute === 'mean' ? 'mean' : 'none',
  });
  for (const w of p.warnings) io.err(`densely: warning: ${w}`);
  const { rows, cols } = p.table;
  const out = o.out as string;
  // a multi-class label is written as class indices; the names say which index is which
  const meta = { features: p.featureNames, label: p.label, ...(p.classes ? { classes: p.classes } : {}), shape: [rows, cols] };
  // the .npy and its names are one result: both replaced, or neither
  writeFilesTogether([
    { path: out, data: writeNpy({ dtype: 'f4', shape: [rows, cols], data: p.table.data }) },
    { path: `${out}.json`, data: `${JSON.stringify(meta, null, 1)}\n` },
  ]);
  io.err(`densely: wrote ${rows} × ${cols} (${cols - 1} features + label) to ${out}, names to ${out}.json`);
  return 0;
}
