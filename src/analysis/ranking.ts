/**
 * Rows ranked by score, the way every table in this folder reads them: highest score first, and
 * rows with equal scores in their input order (a stable sort), so a table never depends on how a
 * sort breaks ties. Deciles are cut on that order by position:
 *
 *   decile k (1–10) holds ranked rows floor((k−1)·n/10) … floor(k·n/10) − 1
 *
 * so tied scores can fall on both sides of a cut, deterministically.
 */

/**
 * Row indices by score, highest first, ties in input order.
 *
 * @example
 * rankByScore([0.2, 0.9, 0.2, 0.5]); // Int32Array [1, 3, 0, 2]
 */
export function rankByScore(scores: ArrayLike<number>): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Array.prototype.sort is stable; the index breaks ties explicitly all the same
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * The ranked positions where each decile starts and ends: decile k is [bounds[k−1], bounds[k]).
 *
 * @example
 * decileBounds(25); // [0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25]
 */
export function decileBounds(n: number): number[] {
  return Array.from({ length: 11 }, (_, k) => Math.floor((k * n) / 10));
}

/** Rows the decile tables need: with fewer, some deciles would be empty. */
export const MIN_SCORED_ROWS = 10;

/** Throws unless scores and labels have the same length, labels are 0/1 and scores are probabilities. */
export function checkScored(scores: ArrayLike<number>, labels: ArrayLike<number>, where: string): void {
  if (scores.length !== labels.length) throw new RangeError(`${where}: ${scores.length} scores but ${labels.length} labels`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`${where}: labels must be 0 or 1, row ${i} has ${labels[i]}`);
    if (!(scores[i] >= 0 && scores[i] <= 1)) {
      throw new RangeError(`${where}: scores must be probabilities in [0, 1], row ${i} has ${scores[i]} (does the model end in a sigmoid?)`);
    }
  }
}
