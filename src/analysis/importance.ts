/**
 * Permutation feature importance: how much the ranking (ROC AUC) drops when one input column's
 * values are shuffled across rows, breaking its link with the label while keeping its
 * distribution. All features of one column (a one-hot group) move together, by one seeded
 * permutation per column, so the same seed gives the same figures.
 */
import { rocAuc } from '../nn/metrics.js';
import { Matrix } from '../tensor/matrix.js';
import { MT19937 } from '../tensor/random.js';

export interface Importance {
  column: string;
  /** AUC with the column intact minus AUC with it shuffled: positive when the model relies on it. */
  aucDrop: number;
}

export interface ImportanceOptions {
  /** Seeds the permutations. Default 42. */
  seed?: number;
  /** Keep the largest this many. Default 15. */
  top?: number;
}

/**
 * The columns whose shuffling costs the most AUC, largest first (ties by column order).
 * `score(X)` returns one score per row of X (the model's predict); `groups` say which features
 * each column owns (data/feature-groups.ts). X is not modified.
 *
 * @example
 * permutationImportance((X) => model.predict(X).data, XTest, yTest.data, groups)[0];
 * // e.g. { column: 'poutcome', aucDrop: 0.061 }
 */
export function permutationImportance(
  score: (X: Matrix) => ArrayLike<number>,
  X: Matrix,
  labels: ArrayLike<number>,
  groups: readonly { column: string; features: readonly number[] }[],
  options: ImportanceOptions = {},
): Importance[] {
  const base = rocAuc(score(X), labels);
  const rng = new MT19937(options.seed ?? 42);
  const work = new Matrix(X.rows, X.cols, X.data.slice());
  const d = X.cols;
  const out = groups.map((g, index) => {
    const perm = rng.permutation(X.rows);
    for (let r = 0; r < X.rows; r++) for (const f of g.features) work.data[r * d + f] = X.data[perm[r] * d + f];
    const shuffled = rocAuc(score(work), labels);
    for (let r = 0; r < X.rows; r++) for (const f of g.features) work.data[r * d + f] = X.data[r * d + f];
    return { column: g.column, aucDrop: base - shuffled, index };
  });
  out.sort((a, b) => b.aucDrop - a.aucDrop || a.index - b.index);
  return out.slice(0, options.top ?? 15).map(({ column, aucDrop }) => ({ column, aucDrop }));
}

/** The importance list as lines for a terminal. */
export function formatImportance(list: readonly Importance[]): string[] {
  const width = Math.max(6, ...list.map((i) => i.column.length));
  return [
    'what drives the score: the drop in ROC AUC when a column is shuffled (largest first):',
    ...list.map((i) => `  ${i.column.padEnd(width)} ${i.aucDrop >= 0 ? ' ' : ''}${i.aucDrop.toFixed(4)}`),
  ];
}
