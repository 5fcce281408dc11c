/**
 * A binary decision at a threshold, and the scores' fit as probabilities.
 *
 * Decisions predict 1 when score ≥ threshold (as sklearn's precision_recall_curve cuts). Keras's
 * `accuracy` during training predicts 1 when p > 0.5; the two differ only for a score of exactly
 * the threshold.
 */
import { rankByScore } from './ranking.js';

export interface Confusion {
  tn: number;
  fp: number;
  fn: number;
  tp: number;
}

/**
 * The confusion matrix of `score ≥ threshold` against labels.
 *
 * @example
 * confusion([0.9, 0.4, 0.6, 0.1], [1, 1, 0, 0], 0.5); // { tn: 1, fp: 1, fn: 1, tp: 1 }
 */
export function confusion(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Confusion {
  const c: Confusion = { tn: 0, fp: 0, fn: 0, tp: 0 };
  // float32 scores meet the threshold as a float32: a score printed as 0.7 is ≥ a threshold of 0.7
  threshold = scores instanceof Float32Array ? Math.fround(threshold) : threshold;
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) predicted ? c.tp++ : c.fn++;
    else predicted ? c.fp++ : c.tn++;
  }
  return c;
}

/** Precision, recall and F1 of a confusion matrix (0 where undefined, as sklearn's zero_division=0). */
export function precisionRecallF1(c: Confusion): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/**
 * The threshold that maximises F1, among the distinct scores (each as `score ≥ t`), and that F1;
 * the lowest such threshold when several tie (as argmax over sklearn's precision_recall_curve).
 *
 * @example
 * bestF1([0.9, 0.8, 0.3, 0.2], [1, 0, 1, 0]); // { threshold: 0.3, f1: 0.8 }
 */
export function bestF1(scores: ArrayLike<number>, labels: ArrayLike<number>): { threshold: number; f1: number } {
  const order = rankByScore(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  let tp = 0;
  let best = { threshold: Infinity, f1: 0 };
  for (let i = 0; i < order.length; ) {
    const t = scores[order[i]];
    // everything scored ≥ t: the whole group of ties goes in together
    for (; i < order.length && scores[order[i]] === t; i++) tp += labels[order[i]];
    const f1 = positives > 0 ? (2 * tp) / (i + positives) : 0; // 2·tp / (predicted + actual)
    if (f1 >= best.f1 && f1 > 0) best = { threshold: t, f1 };
  }
  return best;
}

/** Clip for log loss: float64's machine epsilon, as sklearn's log_loss clips float64 input. */
export const LOG_LOSS_EPS = 2.220446049250313e-16;

/**
 * Mean binary log loss −(y·log p + (1 − y)·log(1 − p)), p clipped to [ε, 1 − ε].
 *
 * @example
 * logLoss([0.5, 0.5], [1, 0]); // 0.6931… (log 2)
 */
export function logLoss(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = Math.min(Math.max(scores[i], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / scores.length;
}

/**
 * The Brier score: the mean of (p − y)².
 *
 * @example
 * brier([1, 0.5], [1, 0]); // 0.125
 */
export function brier(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += (scores[i] - labels[i]) ** 2;
  return sum / scores.length;
}
