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

/**
 * The ROC curve: [false positive rate, true positive rate] at each distinct score as threshold
 * (score ≥ t), highest first, from (0, 0) to (1, 1).
 *
 * @example
 * rocCurve([0.9, 0.6, 0.3], [1, 0, 1]); // [[0, 0], [0, 0.5], [1, 0.5], [1, 1]]
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): [number, number][] {
  const order = rankByScore(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  const negatives = labels.length - positives;
  const points: [number, number][] = [[0, 0]];
  let tp = 0;
  for (let i = 0; i < order.length; ) {
    const t = scores[order[i]];
    for (; i < order.length && scores[order[i]] === t; i++) tp += labels[order[i]];
    points.push([(i - tp) / negatives, tp / positives]);
  }
  return points;
}

/**
 * The precision-recall curve: [recall, precision] at each distinct score as threshold, highest
 * first, starting from (0, 1) as sklearn's curve ends.
 *
 * @example
 * prCurve([0.9, 0.6, 0.3], [1, 0, 1]); // [[0, 1], [0.5, 1], [0.5, 0.5], [1, 0.667]]
 */
export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): [number, number][] {
  const order = rankByScore(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  const points: [number, number][] = [[0, 1]];
  let tp = 0;
  for (let i = 0; i < order.length; ) {
    const t = scores[order[i]];
    for (; i < order.length && scores[order[i]] === t; i++) tp += labels[order[i]];
    points.push([tp / positives, tp / i]);
  }
  return points;
}
