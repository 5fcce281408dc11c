/**
 * Ranking quality: the area under the ROC curve and average precision (the area under the
 * precision-recall curve, as sklearn's average_precision_score computes it).
 */
import { rankByScore } from './ranking.js';

export { rocAuc } from '../nn/metrics.js';

/**
 * Average precision: Σ over the distinct scores t, highest first, of (R(t) − R(prev))·P(t), with
 * P and R the precision and recall of `score ≥ t` (tied scores enter together). NaN without
 * positives, where it is undefined.
 *
 * @example
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.8333…  (sklearn: 0.8333)
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = rankByScore(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  if (positives === 0) return NaN;
  let tp = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let i = 0; i < order.length; ) {
    const t = scores[order[i]];
    for (; i < order.length && scores[order[i]] === t; i++) tp += labels[order[i]];
    const recall = tp / positives;
    ap += (recall - lastRecall) * (tp / i);
    lastRecall = recall;
  }
  return ap;
}
