import { sigmoid } from './activations.js';

/**
 * Metrics. A metric returns a weighted SUM over a batch (Σ wi·mi) so the model can keep
 * Keras's running epoch mean, Σ wi·mi / Σ wi, across batches of any size.
 */
export interface Metric {
  readonly name: string;
  /** out: [rows, k] (logits when `fused`), y: [rows, k], w: [rows] or null. */
  sum(out: Float32Array, y: Float32Array, w: Float32Array | null, rows: number, k: number, fused: boolean): number;
}

/**
 * Binary accuracy with Keras's strict threshold: predicted 1 when p > 0.5.
 * With logits, p = float32(sigmoid(z)), so a z so small that p rounds to 0.5 counts as 0,
 * as it would in Keras.
 *
 * @example
 * binaryAccuracy.sum(new Float32Array([0.9, 0.5]), new Float32Array([1, 1]), null, 2, 1, false); // 1
 */
export const binaryAccuracy: Metric = {
  name: 'accuracy',
  sum(out, y, w, rows, k, fused) {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      let hits = 0;
      for (let j = i * k, end = j + k; j < end; j++) {
        const p = fused ? Math.fround(sigmoid(out[j])) : out[j];
        if ((p > 0.5 ? 1 : 0) === y[j]) hits++;
      }
      total += ((w === null ? 1 : w[i]) * hits) / k;
    }
    return total;
  },
};

const METRIC_NAMES: Record<string, Metric> = {
  accuracy: binaryAccuracy,
  acc: binaryAccuracy,
  binary_accuracy: binaryAccuracy,
  binaryAccuracy: binaryAccuracy,
};

/** A metric by Keras or tfjs name. Its logs key is the name the user gave, as in Keras. */
export function getMetric(name: string): Metric {
  const m = METRIC_NAMES[name];
  if (!m) throw new Error(`compile: unknown metric '${name}' (expected one of ${Object.keys(METRIC_NAMES).join(', ')})`);
  return name === m.name ? m : { name, sum: m.sum };
}

/**
 * Area under the ROC curve, by ranks (Mann–Whitney U), with tied scores given their mean
 * rank, as sklearn's roc_auc_score does.
 *   AUC = (Σ ranks of positives − P(P+1)/2) / (P·N)
 *
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new RangeError(`rocAuc: ${n} scores but ${labels.length} labels`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const meanRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let t = i; t <= j; t++) {
      if (labels[order[t]] === 1) {
        pos++;
        rankSumPos += meanRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN; // undefined with one class, as sklearn raises
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
