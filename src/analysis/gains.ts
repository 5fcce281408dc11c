/**
 * The campaign tables by decile of score (see ranking.ts for how rows are ranked and cut): who
 * is reached by contacting the top k tenths, and whether the scores mean what they say.
 */
import { decileBounds, rankByScore } from './ranking.js';

/** One decile of the gains and lift table. */
export interface GainsRow {
  decile: number;
  rows: number;
  /** Positives (subscribers) in this decile. */
  positives: number;
  /** positives ÷ rows. */
  responseRate: number;
  /** Positives in deciles 1…k as a percentage of all positives. */
  cumPositivesPct: number;
  /** responseRate ÷ the overall positive rate. */
  lift: number;
  /** The response rate of deciles 1…k together ÷ the overall positive rate. */
  cumLift: number;
}

/**
 * Gains and lift by decile. "Contacting the top 10% reaches cumPositivesPct[0]% of all
 * subscribers (lift lift[0])". Rates are NaN in an empty decile (fewer than 10 rows).
 *
 * @example
 * gainsTable(scores, labels)[0]; // { decile: 1, rows: 904, positives: 383, responseRate: 0.424, cumPositivesPct: 35.1, lift: 3.6, cumLift: 3.6 }
 */
export function gainsTable(scores: ArrayLike<number>, labels: ArrayLike<number>): GainsRow[] {
  const n = scores.length;
  const order = rankByScore(scores);
  const bounds = decileBounds(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += labels[i];
  const rate = total / n;
  const rows: GainsRow[] = [];
  let cumPositives = 0;
  for (let k = 1; k <= 10; k++) {
    let positives = 0;
    for (let r = bounds[k - 1]; r < bounds[k]; r++) positives += labels[order[r]];
    cumPositives += positives;
    const size = bounds[k] - bounds[k - 1];
    const responseRate = positives / size;
    rows.push({
      decile: k,
      rows: size,
      positives,
      responseRate,
      cumPositivesPct: (100 * cumPositives) / total,
      lift: responseRate / rate,
      cumLift: cumPositives / bounds[k] / rate,
    });
  }
  return rows;
}

/** One decile of the calibration table. */
export interface CalibrationRow {
  decile: number;
  /** The mean score in the decile: the response rate the model predicts. */
  meanScore: number;
  /** The response rate observed. */
  observedRate: number;
}

/**
 * Predicted against observed response rate per decile (the same deciles as gainsTable).
 *
 * @example
 * calibrationTable(scores, labels)[9]; // { decile: 10, meanScore: 0.02, observedRate: 0.018 }
 */
export function calibrationTable(scores: ArrayLike<number>, labels: ArrayLike<number>): CalibrationRow[] {
  const order = rankByScore(scores);
  const bounds = decileBounds(scores.length);
  const rows: CalibrationRow[] = [];
  for (let k = 1; k <= 10; k++) {
    let sum = 0;
    let positives = 0;
    for (let r = bounds[k - 1]; r < bounds[k]; r++) {
      sum += scores[order[r]];
      positives += labels[order[r]];
    }
    const size = bounds[k] - bounds[k - 1];
    rows.push({ decile: k, meanScore: sum / size, observedRate: positives / size });
  }
  return rows;
}
