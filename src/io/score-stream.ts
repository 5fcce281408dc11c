/**
 * Scoring raw CSV rows block by block, so memory stays bounded whatever the file's length: each
 * block of rows is prepared with the model's saved preparation, scored, and handed out with the
 * raw text of the columns asked for (an ID), then its buffers are reused. Browser-safe: the rows
 * come as a ChunkSource (a file, stdin, a string).
 */
import type { ChunkSource } from '../data/csv.js';
import { Preprocessor, type PreprocessorJSON } from '../data/preprocessor.js';
import type { Sequential } from '../nn/sequential.js';
import { Matrix } from '../tensor/matrix.js';
import { checkFiniteScores } from './finite-scores.js';

export interface ScoredBlock {
  /** One score per row of the block (a view, reused: copy what you keep). */
  scores: Float32Array;
  /** The 0-based data row of the block's first row. */
  start: number;
  /** Per kept column, the raw text of each row of the block. */
  kept: string[][];
}

/** Rows per block: large enough to amortise a predict call, small enough to stay a few MB. */
export const SCORE_BLOCK_ROWS = 8192;

/**
 * Scores every row of `rows` through `preprocessor` and `model`, one block at a time; returns
 * the row count and the preparation's warnings (unseen categories, imputed cells).
 *
 * @example
 * scoreCsvBlocks(() => [csvText], pre.toJSON(), model, { keep: ['id'], onBlock: (b) => write(b) });
 */
export function scoreCsvBlocks(
  rows: ChunkSource,
  preprocessor: PreprocessorJSON,
  model: Sequential,
  options: { keep?: string[]; batchSize?: number; blockRows?: number; source?: string; onBlock: (block: ScoredBlock) => void },
): { rows: number; warnings: string[] } {
  const pre = Preprocessor.fromJSON(preprocessor);
  const cols = pre.featureNames.length;
  const t = pre.transform(rows, {
    withLabels: false,
    source: options.source,
    block: {
      rows: options.blockRows ?? SCORE_BLOCK_ROWS,
      keep: options.keep,
      emit: (b) => {
        const scores = model.predict(new Matrix(b.rows, cols, b.X.subarray(0, b.rows * cols)), { batchSize: options.batchSize }).data;
        checkFiniteScores(scores, options.source ?? rows.sourceName ?? 'input', b.start);
        options.onBlock({ scores, start: b.start, kept: b.kept });
      },
    },
  });
  return { rows: t.rows, warnings: t.warnings };
}
