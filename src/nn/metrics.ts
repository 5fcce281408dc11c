import { argmax } from '../tensor/argmax.js';
import { sigmoid } from './activations.js';
import type { Loss } from './losses.js';

/**
 * Metrics, stateful as Keras's are: `create()` gives an accumulator with reset / update / result,
 * so an epoch's (or a validation set's) value is computed over all its rows at once, exactly,
 * never as a mean of batch values. The accumulator's state is a flat array of numbers
 * (getState / setState), so a Trainer's paused state carries it and a resumed run reports the
 * same History.
 *
 * Mean metrics (accuracy, mae, mse) also keep `sum`: a weighted SUM over a batch (Σ wi·mi), and
 * their accumulator is the pair [Σ wi·mi, Σ wi]. AUC keeps every score; precision and recall keep
 * their weighted true/false positive and false negative counts.
 */
export interface Metric {
  readonly name: string;
  /** A fresh accumulator for this metric (state zero). */
  create(): MetricAccumulator;
  /** Mean metrics only: out: [rows, k] (logits when `fused`), y: [rows, k] ([rows, 1] class indices for sparse accuracy), w: [rows] or null. */
  sum?(out: Float32Array, y: Float32Array, w: Float32Array | null, rows: number, k: number, fused: Fused): number;
}

/** What a fused loss computed from the logits: the output activation, or null (out holds the outputs). */
export type Fused = boolean | 'sigmoid' | 'softmax';

export interface MetricAccumulator {
  reset(): void;
  /** Adds a batch: out [rows, k] (logits when fused), y [rows, k] (or [rows, 1] class indices), w [rows] or null. */
  update(out: Float32Array, y: Float32Array, w: Float32Array | null, rows: number, k: number, fused: Fused): void;
  /** The value over everything added since the last reset (NaN when it is undefined, e.g. AUC of one class). */
  result(): number;
  /** The state as plain numbers (JSON-safe unless a value is NaN or infinite). */
  getState(): number[];
  setState(state: readonly number[]): void;
}

/** A mean metric: its sum over a batch, and an accumulator of [Σ wi·mi, Σ wi]. */
function meanMetric(name: string, sum: NonNullable<Metric['sum']>): Metric {
  return {
    name,
    sum,
    create() {
      let total = 0;
      let weight = 0;
      return {
        reset() {
          total = 0;
          weight = 0;
        },
        update(out, y, w, rows, k, fused) {
          total += sum(out, y, w, rows, k, fused);
          if (w === null) weight += rows;
          else for (let i = 0; i < rows; i++) weight += w[i];
        },
        result: () => total / weight,
        getState: () => [total, weight],
        setState(s) {
          checkState(name, s, 2);
          [total, weight] = s;
        },
      };
    },
  };
}

function checkState(name: string, s: readonly number[], length: number): void {
  if (!Array.isArray(s) || s.length !== length || !s.every((v) => typeof v === 'number')) {
    throw new TypeError(`metric '${name}': setState expects ${length} numbers, got ${JSON.stringify(s)?.slice(0, 80)}`);
  }
}

/** rowProbabilities' result, reused (grown when a row is wider). */
let rowScratch = new Float64Array(16);

/**
 * Row i's k probabilities: out itself, or sigmoid(z), or the row's softmax when the loss was
 * fused with a softmax output (then `k` > 1; its max and sum taken once per row). Float32 values,
 * as the model's output is, in a scratch array that the next call overwrites.
 */
function rowProbabilities(out: Float32Array, i: number, k: number, fused: Fused): Float64Array {
  if (rowScratch.length < k) rowScratch = new Float64Array(k);
  const p = rowScratch;
  const o = i * k;
  if (fused === false) {
    for (let c = 0; c < k; c++) p[c] = out[o + c];
  } else if (fused === 'softmax' || (fused === true && k > 1)) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, out[o + c]);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(out[o + c] - max);
    for (let c = 0; c < k; c++) p[c] = Math.fround(Math.exp(out[o + c] - max) / s);
  } else {
    for (let c = 0; c < k; c++) p[c] = Math.fround(sigmoid(out[o + c]));
  }
  return p;
}

/**
 * Binary accuracy with Keras's strict threshold: predicted 1 when p > 0.5.
 * With logits, p = float32(sigmoid(z)), so a z so small that p rounds to 0.5 counts as 0,
 * as it would in Keras.
 *
 * @example
 * binaryAccuracy.sum(new Float32Array([0.9, 0.5]), new Float32Array([1, 1]), null, 2, 1, false); // 1
 */
export const binaryAccuracy: Metric = meanMetric('binary_accuracy', (out, y, w, rows, k, fused) => {
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
});

/**
 * Categorical accuracy: a row is a hit when argmax(out) = argmax(y). On logits it is the same as
 * on softmax probabilities (softmax keeps the order).
 *
 * @example
 * categoricalAccuracy.sum(new Float32Array([0.1, 0.7, 0.2]), new Float32Array([0, 1, 0]), null, 1, 3, false); // 1
 */
export const categoricalAccuracy: Metric = meanMetric('categorical_accuracy', (out, y, w, rows, k) => {
  let total = 0;
  for (let i = 0, o = 0; i < rows; i++, o += k) if (argmax(out, o, k) === argmax(y, o, k)) total += w === null ? 1 : w[i];
  return total;
});

/** Sparse categorical accuracy: a hit when argmax(out) equals the class index y[i] (y: [rows, 1]). */
export const sparseCategoricalAccuracy: Metric = meanMetric('sparse_categorical_accuracy', (out, y, w, rows, k) => {
  let total = 0;
  for (let i = 0, o = 0; i < rows; i++, o += k) if (argmax(out, o, k) === y[i]) total += w === null ? 1 : w[i];
  return total;
});

/**
 * Mean absolute and mean squared error, per row the mean over its k outputs (on probabilities
 * when the loss was fused), then the weighted mean over rows, as Keras's MeanAbsoluteError does.
 *   mae = Σ wi·(1/k)Σj |yij − pij| / Σ wi,   mse the same with (yij − pij)²
 */
function errorMetric(name: string, f: (d: number) => number): Metric {
  return meanMetric(name, (out, y, w, rows, k, fused) => {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      let e = 0;
      const p = rowProbabilities(out, i, k, fused);
      for (let c = 0, j = i * k; c < k; c++, j++) e += f(y[j] - p[c]);
      total += ((w === null ? 1 : w[i]) * e) / k;
    }
    return total;
  });
}
export const maeMetric: Metric = errorMetric('mae', Math.abs);
export const mseMetric: Metric = errorMetric('mse', (d) => d * d);

/**
 * Precision TP / (TP + FP) and recall TP / (TP + FN) at a threshold (default 0.5; predicted
 * positive when p > threshold, strictly, as Keras), over every output of every row (Keras
 * flattens), each row counted with its weight. Undefined (0/0) gives 0, as Keras's divide_no_nan.
 * `sparse`: y holds one class index per row, read as its one-hot row (as aucMetric does), so a
 * softmax head under sparse categorical cross-entropy gets the micro-averaged figure.
 */
export function confusionMetric(name: string, which: 'precision' | 'recall', threshold = 0.5, sparse = false): Metric {
  return {
    name,
    create() {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      return {
        reset() {
          tp = fp = fn = 0;
        },
        update(out, y, w, rows, k, fused) {
          for (let i = 0; i < rows; i++) {
            const wi = w === null ? 1 : w[i];
            const p = rowProbabilities(out, i, k, fused);
            for (let c = 0, j = i * k; c < k; c++, j++) {
              const predicted = p[c] > threshold;
              const positive = sparse ? y[i] === c : y[j] === 1;
              if (predicted && positive) tp += wi;
              else if (predicted) fp += wi;
              else if (positive) fn += wi;
            }
          }
        },
        result() {
          const d = which === 'precision' ? tp + fp : tp + fn;
          return d === 0 ? 0 : tp / d;
        },
        getState: () => [tp, fp, fn],
        setState(s) {
          checkState(name, s, 3);
          [tp, fp, fn] = s;
        },
      };
    },
  };
}

/**
 * AUC over everything seen since the reset, exact: the accumulator keeps every (score, label,
 * weight) and ranks them all at result(), where Keras approximates with 200 thresholds.
 * curve 'ROC' (default): weightedRocAuc; 'PR': average precision (sklearn's
 * average_precision_score, the step-wise area), where Keras interpolates between its thresholds.
 * With k > 1 outputs every output counts as one (score, label) pair, as Keras's multi_label false
 * (the labels and scores flattened into one binary problem: a micro-average). `sparse`: y holds
 * one class index per row (sparse categorical cross-entropy), read as its one-hot row; Keras's
 * AUC refuses that shape, densely takes it as the one-hot labels it stands for.
 */
export function aucMetric(name: string, curve: 'ROC' | 'PR' = 'ROC', sparse = false): Metric {
  return {
    name,
    create() {
      let scores: number[] = [];
      let labels: number[] = [];
      let weights: number[] = [];
      return {
        reset() {
          // emptied in place: a reset every batch (batch logs) allocates nothing
          scores.length = 0;
          labels.length = 0;
          weights.length = 0;
        },
        update(out, y, w, rows, k, fused) {
          for (let i = 0; i < rows; i++) {
            const p = rowProbabilities(out, i, k, fused);
            for (let c = 0, j = i * k; c < k; c++, j++) {
              scores.push(p[c]);
              labels.push(sparse ? (y[i] === c ? 1 : 0) : y[j]);
              weights.push(w === null ? 1 : w[i]);
            }
          }
        },
        result: () => (curve === 'PR' ? weightedAveragePrecision(scores, labels, weights) : weightedRocAuc(scores, labels, weights)),
        /** [n, scores…, labels…, weights…] */
        getState: () => [scores.length, ...scores, ...labels, ...weights],
        setState(s) {
          const n = s[0];
          checkState(name, s, 1 + 3 * n);
          scores = s.slice(1, 1 + n);
          labels = s.slice(1 + n, 1 + 2 * n);
          weights = s.slice(1 + 2 * n);
        },
      };
    },
  };
}

/** Row order by score, highest first, with the start of each run of tied scores. */
function byScoreDescending(scores: ArrayLike<number>): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[b] - scores[a]);
}

/**
 * ROC AUC with sample weights: the weighted probability that a positive outscores a negative,
 * ties counting one half (so with unit weights it is rocAuc's Mann–Whitney value):
 *   AUC = Σ_{pos i} wi·(W⁻(s < si) + ½·W⁻(s = si)) / (W⁺·W⁻)
 * Walking the scores from the highest down, each tied group adds its positives' weight times the
 * negatives' weight below it, plus half its own negatives' weight.
 */
export function weightedRocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number>): number {
  const order = byScoreDescending(scores);
  let negTotal = 0;
  let posTotal = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) posTotal += weights[i];
  else negTotal += weights[i];
  if (posTotal === 0 || negTotal === 0) return NaN;
  let negAbove = 0; // negative weight at higher scores
  let area = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) pos += weights[order[j]];
      else neg += weights[order[j]];
      j++;
    }
    // positives here beat every negative below (negTotal − negAbove − neg), and tie with neg
    area += pos * (negTotal - negAbove - neg + neg / 2);
    negAbove += neg;
    i = j;
  }
  return area / (posTotal * negTotal);
}

/**
 * Average precision with sample weights: Σ over thresholds (each distinct score, highest first)
 * of (Rₙ − Rₙ₋₁)·Pₙ, sklearn's average_precision_score (no interpolation).
 */
export function weightedAveragePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number>): number {
  const order = byScoreDescending(scores);
  let posTotal = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) posTotal += weights[i];
  if (posTotal === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    let dtp = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) dtp += weights[order[j]];
      else fp += weights[order[j]];
      j++;
    }
    tp += dtp;
    if (dtp > 0) ap += (dtp / posTotal) * (tp / (tp + fp));
    i = j;
  }
  return ap;
}

/** The options a metric may take in compile: `{ auc: { curve: 'PR' } }`, `{ precision: { threshold: 0.7 } }`. */
export interface MetricOptions {
  curve?: 'ROC' | 'PR';
  threshold?: number;
  /** The logs key (default: the metric's name as given). */
  name?: string;
}

/** Metric names for compile: a typo fails in the editor. */
export type MetricName =
  | 'accuracy'
  | 'acc'
  | 'binary_accuracy'
  | 'binaryAccuracy'
  | 'categorical_accuracy'
  | 'categoricalAccuracy'
  | 'sparse_categorical_accuracy'
  | 'sparseCategoricalAccuracy'
  | 'auc'
  | 'AUC'
  | 'precision'
  | 'recall'
  | 'mae'
  | 'mean_absolute_error'
  | 'meanAbsoluteError'
  | 'mse'
  | 'mean_squared_error'
  | 'meanSquaredError';

/** What compile's `metrics` list takes: a name, a `{ name: options }` object, or a Metric. */
export type MetricSpec = MetricName | Partial<Record<MetricName, MetricOptions>> | Metric;

/** Metrics that take no options, by every spelling. */
const METRIC_NAMES = new Map<string, Metric>([
  ['mae', maeMetric],
  ['mean_absolute_error', maeMetric],
  ['meanAbsoluteError', maeMetric],
  ['mse', mseMetric],
  ['mean_squared_error', mseMetric],
  ['meanSquaredError', mseMetric],
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
export function getMetric(spec: MetricSpec | string, loss?: Loss, outputs = 1): Metric {
  if (typeof spec === 'object' && spec !== null && typeof (spec as Metric).create === 'function') return spec as Metric;
  let name: string;
  let options: MetricOptions = {};
  if (typeof spec === 'string') name = spec;
  else if (typeof spec === 'object' && spec !== null && Object.keys(spec).length === 1) {
    name = Object.keys(spec)[0];
    options = (spec as Record<string, MetricOptions>)[name] ?? {};
    for (const key of Object.keys(options)) {
      if (!['curve', 'threshold', 'name'].includes(key)) throw new Error(`compile: metric '${name}' has an unknown option '${key}' (valid: curve, threshold, name)`);
    }
  } else throw new TypeError(`compile: a metric is a name, a { name: options } object with one key, or a Metric; got ${JSON.stringify(spec)}`);
  const key = options.name ?? name;
  const sparseMulti = loss?.accuracy === 'sparse' && outputs > 1;
  const needsOneHot = (m: Metric): Metric => {
    if (sparseMulti) throw new Error(`compile: metric '${name}' needs targets shaped like the outputs; with sparse class indices use 'accuracy'`);
    return m;
  };
  if (name === 'auc' || name === 'AUC') {
    const curve = options.curve ?? 'ROC';
    if (curve !== 'ROC' && curve !== 'PR') throw new RangeError(`compile: auc curve must be 'ROC' or 'PR', got ${JSON.stringify(curve)}`);
    return aucMetric(key, curve, sparseMulti);
  }
  if (name === 'precision' || name === 'recall') {
    const t = options.threshold ?? 0.5;
    if (!(t >= 0 && t <= 1)) throw new RangeError(`compile: ${name} threshold must be in [0, 1], got ${t}`);
    return confusionMetric(key, name, t, sparseMulti);
  }
  let m = METRIC_NAMES.get(name);
  if (!m && ACCURACY_ALIASES.has(name)) {
    const kind = loss?.accuracy ?? (outputs === 1 ? 'binary' : 'categorical');
    m = kind === 'sparse' ? sparseCategoricalAccuracy : kind === 'binary' || outputs === 1 ? binaryAccuracy : categoricalAccuracy;
    if (kind === 'categorical' && outputs === 1) m = binaryAccuracy;
  }
  if (!m) throw new Error(`compile: unknown metric '${name}' (expected one of ${[...ACCURACY_ALIASES, ...METRIC_NAMES.keys(), 'auc', 'precision', 'recall'].join(', ')})`);
  if (m === maeMetric || m === mseMetric) needsOneHot(m);
  return key === m.name ? m : meanMetric(key, m.sum!);
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
