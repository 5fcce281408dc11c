/** `densely predict`: score rows with a saved model and write the probabilities as .npy. */
import { writeNpy } from '../data/npy.js';
import { checkWritableTarget, writeFileAtomic } from '../node/files.js';
import { helpText, parseOptions, UsageError, type Spec } from './args.js';
import { loadPredictFeatures } from './dataset.js';
import type { Io } from './io.js';
import { loadModelFile } from '../node/model-files.js';

export const PREDICT_SPEC: Spec = {
  model: { type: 'string', help: 'a model file: saved by densely train --save or by model.save (any version)' },
  data: { type: 'string', help: 'rows to score: raw CSV (prepared as in training) or .npy features' },
  out: { type: 'string', help: 'where to write the probabilities, <f4 .npy of shape [n, 1]' },
  'batch-size': { type: 'int', help: 'rows per forward pass', default: 32, min: 1 },
  help: { type: 'boolean', help: 'show this help' },
};

export const PREDICT_USAGE = 'densely predict --model model.json --data X.npy|rows.csv --out preds.npy';

export function predict(argv: string[], io: Io): number {
  const o = parseOptions('predict', argv, PREDICT_SPEC);
  if (o.help) {
    io.out(helpText(PREDICT_USAGE, PREDICT_SPEC));
    return 0;
  }
  for (const required of ['model', 'data', 'out'] as const) {
    if (!o[required]) throw new UsageError(`predict: --${required} is required (${PREDICT_USAGE})`);
  }
  checkWritableTarget(o.out as string);
  const { model, preparation } = loadModelFile(o.model as string);
  const { X, warnings } = loadPredictFeatures(o.data as string, preparation, model.inputSize as number);
  for (const w of warnings) io.err(`densely: warning: ${w}`);
  const p = model.predict(X, { batchSize: (o.batchSize as number | undefined) ?? 32 });
  writeFileAtomic(o.out as string, writeNpy({ dtype: 'f4', shape: [p.rows, p.cols], data: p.data }));
  io.err(`densely: wrote ${p.rows} probabilities to ${o.out as string}`);
  return 0;
}
