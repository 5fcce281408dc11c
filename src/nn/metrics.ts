import { sigmoid } from './activations.js';
import type { Loss } from './losses.js';

/**
 * Metrics. A metric returns a weighted SUM over a batch (Σ wi·mi) so the model can keep
 * Keras's running epoch mean, Σ wi·mi / Σ wi, across batches of any size.
 */
export interface Metric {
  readonly name: string;
  /** out: [rows, k] (logits when `fused`), y: [rows, k] ([rows, 1] class indices for sparse accuracy), w: [rows] or null. */
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
  name: 'binary_accuracy',
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

/** The index of a row's largest value (the first, on ties), as argmax does. */
function argmax(a: Float32Array, o: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (a[o + c] > a[o + best]) best = c;
  return best;
}

/**
 * Categorical accuracy: a row is a hit when argmax(out) = argmax(y). On logits it is the same as
 * on softmax probabilities (softmax keeps the order).
 *
 * @example
 * categoricalAccuracy.sum(new Float32Array([0.1, 0.7, 0.2]), new Float32Array([0, 1, 0]), null, 1, 3, false); // 1
 */
export const categoricalAccuracy: Metric = {
  name: 'categorical_accuracy',
  sum(out, y, w, rows, k) {
    let total = 0;
    for (let i = 0, o = 0; i < rows; i++, o += k) if (argmax(out, o, k) === argmax(y, o, k)) total += w === null ? 1 : w[i];
    return total;
  },
};

/** Sparse categorical accuracy: a hit when argmax(out) equals the class index y[i] (y: [rows, 1]). */
export const sparseCategoricalAccuracy: Metric = {
  name: 'sparse_categorical_accuracy',
  sum(out, y, w, rows, k) {
    let total = 0;
    for (let i = 0, o = 0; i < rows; i++, o += k) if (argmax(out, o, k) === y[i]) total += w === null ? 1 : w[i];
    return total;
  },
};

const METRIC_NAMES = new Map<string, Metric>([
  ['binary_accuracy', binaryAccuracy],
  ['binaryAccuracy', binaryAccuracy],
  ['categorical_accuracy', categoricalAccuracy],
  ['categoricalAccuracy', categoricalAccuracy],
  ['sparse_categorical_accuracy', sparseCategoricalAccuracy],
  ['sparseCategoricalAccuracy', sparseCategoricalAccuracy],
]);

/** 'accuracy' and 'acc' stand for one of the three, picked from the loss and the output width. */
const ACCURACY_ALIASES = new Set(['accuracy', 'acc']);

/**
 * A metric by Keras or tfjs name. Its logs key is the name the user gave, as in Keras.
 * 'accuracy' is resolved as Keras resolves it: sparse categorical accuracy under the sparse
 * categorical cross-entropy, binary accuracy when the loss is binary cross-entropy or the model
 * has one output, categorical accuracy otherwise.
 */
export function getMetric(name: string, loss?: Loss, outputs = 1): Metric {
  let m = METRIC_NAMES.get(name);
  if (!m && ACCURACY_ALIASES.has(name)) {
    const kind = loss?.accuracy ?? (outputs === 1 ? 'binary' : 'categorical');
    m = kind === 'sparse' ? sparseCategoricalAccuracy : kind === 'binary' || outputs === 1 ? binaryAccuracy : categoricalAccuracy;
    if (kind === 'categorical' && outputs === 1) m = binaryAccuracy;
  }
  if (!m) throw new Error(`compile: unknown metric '${name}' (expected one of ${[...ACCURACY_ALIASES, ...METRIC_NAMES.keys()].join(', ')})`);
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
