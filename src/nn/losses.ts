import type { Backend } from '../backends/backend.js';
import type { Matrix } from '../tensor/matrix.js';
import type { ActivationName } from './activations.js';

/**
 * Losses, and the fusion table: which output activation a loss absorbs (`fuses`), so that the
 * model's last layer emits logits and the loss works on them.
 *
 *   loss                             fuses     works on   gradient it writes (per row, before w/rows)
 *   binary_crossentropy              sigmoid   logits z   (σ(z) − y)/k     (the backend's sigmoidBce)
 *   binary_crossentropy              —         p          Keras's clipped form, below
 *   categorical_crossentropy         softmax   logits z   p·Σy − y         (= p − y for one-hot y)
 *   sparse_categorical_crossentropy  softmax   logits z   p − onehot(y)
 *   (both cross-entropies)           —         p          Keras's normalised, clipped form, below
 *   mean_squared_error               —         out        2(out − y)/k
 *   mean_absolute_error              —         out        sign(out − y)/k
 *   huber (δ = 1)                    —         out        clipProbability(out − y, −δ, δ)/k
 *   hinge                            —         out        −y'·[y'·out < 1]/k,  y' = 2y − 1 for 0/1 labels
 *
 * With `fromLogits: true` (getLoss(name, { fromLogits: true }), Keras's from_logits) a
 * cross-entropy fuses nothing and always takes the output as logits.
 *
 * Every loss works on the model output `out: [rows, k]` and targets `y: [rows, k]` (sparse
 * categorical: `y: [rows, 1]`, class indices), with optional per-row weights `w: [rows]` (class
 * weights), and Keras's reduction "sum over batch size":  L = (1/rows)·Σi wi·ℓi,  where ℓi is row
 * i's loss: the mean over the k outputs for the elementwise losses, the sum over the classes for
 * the categorical cross-entropies (as Keras does).
 *
 * `forwardBackward` returns Σi wi·ℓi (a SUM, so epoch means can be weighted by batch size)
 * and writes dOut = ∂L/∂out. Evaluation calls it too and ignores dOut: one code path.
 */
export type LossName =
  | 'binary_crossentropy'
  | 'binaryCrossentropy'
  | 'categorical_crossentropy'
  | 'categoricalCrossentropy'
  | 'sparse_categorical_crossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'mean_squared_error'
  | 'meanSquaredError'
  | 'mse'
  | 'mean_absolute_error'
  | 'meanAbsoluteError'
  | 'mae'
  | 'huber'
  | 'huber_loss'
  | 'huberLoss'
  | 'hinge';

/** Which accuracy 'accuracy' means under this loss (Keras picks it from the loss and output shape). */
export type AccuracyKind = 'binary' | 'categorical' | 'sparse';

export interface Loss {
  readonly name: string;
  /**
   * True when this loss absorbs the output layer's activation and works on its logits
   * (binary cross-entropy after a sigmoid). The model then has that layer emit logits.
   */
  fuses(activation: ActivationName): boolean;
  /** The fused form runs on `backend` (its sigmoidBce); the others are loops here, off the hot path's kernels. */
  forwardBackward(backend: Backend, out: Float32Array, y: Float32Array, w: Float32Array | null, rows: number, k: number, fused: boolean, dOut: Float32Array): number;
  /** Whether targets must be 0/1 (checked once per fit, never per step). */
  readonly binaryTargets: boolean;
  /** Keras's from_logits: the output is always taken as logits (cross-entropies only). */
  readonly fromLogits?: boolean;
  /** Columns of y for a model with k outputs (1 for sparse categorical: the class index). Default k. */
  targetCols?(k: number): number;
  /** Checks y once per fit / evaluate (e.g. class indices in [0, k)); throws naming `where`. */
  checkTargets?(y: Matrix, k: number, where: string): void;
  /** Which accuracy 'accuracy' means with this loss; default: binary for one output, else categorical. */
  readonly accuracy?: AccuracyKind;
}

/** Options of the losses that have them (Keras's from_logits). */
export interface LossOptions {
  fromLogits?: boolean;
}

/** Keras's clip for probabilities when BCE is not given logits. */
const EPS = 1e-7;

/**
 * Binary cross-entropy.
 *
 * Fused with a sigmoid output (the usual case), it is computed on the logit z as TF does:
 *   ℓ = max(z, 0) − z·y + log1p(exp(−|z|))       (never overflows, never log(0))
 *   ∂ℓ/∂z = sigmoid(z) − y                        (so dZ = w·(σ(z) − y)/(rows·k), exactly)
 * This is why the output Dense skips its sigmoid during training: sigmoid and loss are one op
 * (the backend's `sigmoidBce`, the hot one of the two forms).
 *
 * On probabilities p from any other activation, Keras's form with p clipped to [1e-7, 1 − 1e-7]:
 *   ℓ = −(y·log p + (1 − y)·log(1 − p)),   ∂ℓ/∂p = (p − y)/(p·(1 − p)), 0 where clipped.
 */
export const binaryCrossentropy: Loss = makeBinaryCrossentropy(false);

function makeBinaryCrossentropy(fromLogits: boolean): Loss {
  return {
    name: 'binary_crossentropy',
    binaryTargets: true,
    fromLogits,
    accuracy: 'binary',
    fuses: (activation) => !fromLogits && activation === 'sigmoid',
    forwardBackward(backend, out, y, w, rows, k, fused, dOut) {
      if (fused || fromLogits) return backend.sigmoidBce(out, y, w, rows, k, dOut);
      const scale = 1 / (rows * k);
      let total = 0;
      for (let i = 0; i < rows; i++) {
        const wi = w === null ? 1 : w[i];
        let rowLoss = 0;
        for (let j = i * k, end = j + k; j < end; j++) {
          const yj = y[j];
          const p = out[j];
          const pc = clipProbability(p);
          rowLoss -= yj * Math.log(pc) + (1 - yj) * Math.log(1 - pc);
          dOut[j] = pc === p ? (wi * (p - yj) * scale) / (p * (1 - p)) : 0;
        }
        total += (wi * rowLoss) / k;
      }
      return total;
    },
  };
}

/** Mean squared error: ℓ = mean over k of (out − y)², ∂ℓ/∂out = 2(out − y)/k. */
export const meanSquaredError: Loss = {
  name: 'mean_squared_error',
  binaryTargets: false,
  fuses: () => false,
  forwardBackward(_backend, out, y, w, rows, k, _fused, dOut) {
    const scale = 2 / (rows * k);
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const wi = w === null ? 1 : w[i];
      let rowLoss = 0;
      for (let j = i * k, end = j + k; j < end; j++) {
        const d = out[j] - y[j];
        rowLoss += d * d;
        dOut[j] = wi * d * scale;
      }
      total += (wi * rowLoss) / k;
    }
    return total;
  },
};

/**
 * Categorical cross-entropy, one-hot (or any distribution) targets y: [rows, k]:
 *   ℓ = −Σc y_c·log p_c
 * On logits z (fused with a softmax output, or fromLogits), by a log-softmax that never
 * overflows: log p_c = z_c − lse(z), lse(z) = m + log Σ e^(z − m), m = max z, so
 *   ℓ = lse(z)·Σy − Σc y_c·z_c,    ∂ℓ/∂z_c = p_c·Σy − y_c    (p − y for one-hot rows)
 * On probabilities (any other output), Keras's form: p normalised by its row sum S, clipped to
 * [1e-7, 1 − 1e-7], ℓ = −Σ y·log q;  ∂ℓ/∂p_j = (g_j − Σi g_i·q_i)/S with g_i = −y_i/q_i (0 where clipped).
 * (Sparse targets on probabilities clip first and normalise after, as TF's sparse op does: below.)
 */
function makeCategorical(sparse: boolean, fromLogits: boolean): Loss {
  return {
    name: sparse ? 'sparse_categorical_crossentropy' : 'categorical_crossentropy',
    binaryTargets: false,
    fromLogits,
    accuracy: sparse ? 'sparse' : 'categorical',
    fuses: (activation) => !fromLogits && activation === 'softmax',
    targetCols: (k) => (sparse ? 1 : k),
    checkTargets: sparse ? checkClassIndices : undefined,
    forwardBackward(_backend, out, y, w, rows, k, fused, dOut) {
      const logits = fused || fromLogits;
      let total = 0;
      for (let i = 0, o = 0; i < rows; i++, o += k) {
        const wi = (w === null ? 1 : w[i]) / rows;
        // the target row: y[o..o+k), or one-hot of the class index y[i] (inline, no closure: a step allocates nothing)
        const label = sparse ? y[i] : -1;
        let rowLoss = 0;
        if (logits) {
          let m = -Infinity;
          for (let c = 0; c < k; c++) m = Math.max(m, out[o + c]);
          // e^(z − m) once per class, kept in float64 for the gradient below
          if (expScratch.length < k) expScratch = new Float64Array(k);
          const e = expScratch;
          let sumExp = 0;
          for (let c = 0; c < k; c++) sumExp += e[c] = Math.exp(out[o + c] - m);
          const lse = m + Math.log(sumExp);
          let ySum = 0;
          for (let c = 0; c < k; c++) {
            const yc = sparse ? +(c === label) : y[o + c];
            ySum += yc;
            rowLoss -= yc * (out[o + c] - lse);
          }
          for (let c = 0; c < k; c++) dOut[o + c] = wi * ((e[c] / sumExp) * ySum - (sparse ? +(c === label) : y[o + c]));
        } else if (sparse) {
          // TF's order for sparse targets: clip first, then log, then a softmax of those logs,
          // which is pc / Σ pc:  ℓ = −log pc_y + log Σ pc,  ∂ℓ/∂p_j = [p_j unclipped]·(1/Σpc − [j = y]/pc_j)
          let S = 0;
          for (let c = 0; c < k; c++) S += clipProbability(out[o + c]);
          rowLoss = Math.log(S) - Math.log(clipProbability(out[o + label]));
          for (let c = 0; c < k; c++) {
            const p = out[o + c];
            dOut[o + c] = clipProbability(p) === p ? wi * (1 / S - (c === label ? 1 / p : 0)) : 0;
          }
        } else {
          let S = 0;
          for (let c = 0; c < k; c++) S += out[o + c];
          let gq = 0;
          for (let c = 0; c < k; c++) {
            const q = out[o + c] / S;
            const qc = clipProbability(q);
            const yc = y[o + c];
            rowLoss -= yc * Math.log(qc);
            const g = qc === q ? -yc / q : 0;
            dOut[o + c] = g; // g_c for now
            gq += g * q;
          }
          for (let c = 0; c < k; c++) dOut[o + c] = (wi * (dOut[o + c] - gq)) / S;
        }
        total += (w === null ? 1 : w[i]) * rowLoss;
      }
      return total;
    },
  };
}

/** The softmax cross-entropy's e^(z − max) for one row (grown when a row is wider; never per step). */
let expScratch = new Float64Array(16);

/** p clipped to [1e-7, 1 − 1e-7], Keras's epsilon (also the float64 twin's, reference-loss.ts). */
export function clipProbability(p: number): number {
  return p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
}

/** Sparse targets: one column of class indices, each an integer in [0, k). */
function checkClassIndices(y: Matrix, k: number, where: string): void {
  for (let i = 0; i < y.data.length; i++) {
    const v = y.data[i];
    if (!(Number.isInteger(v) && v >= 0 && v < k)) {
      throw new RangeError(`${where}: sparse_categorical_crossentropy needs class indices 0 … ${k - 1} (one column), but row ${i} has ${v}`);
    }
  }
}

export const categoricalCrossentropy: Loss = makeCategorical(false, false);
export const sparseCategoricalCrossentropy: Loss = makeCategorical(true, false);

/**
 * An elementwise regression loss from ℓ(d) and ℓ'(d) of the difference d = out − y (or, for
 * hinge, of out and y directly): row loss = mean over k, gradient ℓ'/k.
 */
function elementwiseLoss(name: string, f: (out: number, y: number) => number, df: (out: number, y: number) => number, zeroOneToSigned = false): Loss {
  return {
    name,
    binaryTargets: false,
    fuses: () => false,
    forwardBackward(_backend, out, y, w, rows, k, _fused, dOut) {
      const scale = 1 / (rows * k);
      // hinge: 0/1 labels become −1/1 when every label in the batch is 0 or 1 (as Keras does)
      let signed = zeroOneToSigned;
      for (let i = 0; signed && i < rows * k; i++) signed = y[i] === 0 || y[i] === 1;
      let total = 0;
      for (let i = 0; i < rows; i++) {
        const wi = w === null ? 1 : w[i];
        let rowLoss = 0;
        for (let j = i * k, end = j + k; j < end; j++) {
          const t = signed ? 2 * y[j] - 1 : y[j];
          rowLoss += f(out[j], t);
          dOut[j] = wi * df(out[j], t) * scale;
        }
        total += (wi * rowLoss) / k;
      }
      return total;
    },
  };
}

/** Mean absolute error: ℓ = mean |out − y|; ∂ = sign(out − y)/k (0 at out = y). */
export const meanAbsoluteError: Loss = elementwiseLoss(
  'mean_absolute_error',
  (o, t) => Math.abs(o - t),
  (o, t) => Math.sign(o - t),
);

/** Huber's δ, Keras's default. */
export const HUBER_DELTA = 1;

/** Huber (δ = 1): ½d² for |d| ≤ δ, δ·|d| − ½δ² beyond; ∂ = d clipped to [−δ, δ]. */
export const huber: Loss = elementwiseLoss(
  'huber',
  (o, t) => {
    const d = Math.abs(o - t);
    return d <= HUBER_DELTA ? 0.5 * d * d : HUBER_DELTA * d - 0.5 * HUBER_DELTA * HUBER_DELTA;
  },
  (o, t) => Math.max(-HUBER_DELTA, Math.min(HUBER_DELTA, o - t)),
);

/**
 * Hinge: ℓ = mean max(1 − y·out, 0), ∂ = −y·[y·out < 1]. Labels are −1/1; when every label in
 * the batch is 0 or 1, Keras maps them to −1/1 (y' = 2y − 1) first, and so does this.
 */
export const hinge: Loss = elementwiseLoss(
  'hinge',
  (o, t) => Math.max(1 - t * o, 0),
  (o, t) => (1 - t * o > 0 ? -t : 0),
  true,
);

const LOSSES = new Map<string, Loss>([
  ['binary_crossentropy', binaryCrossentropy],
  ['binaryCrossentropy', binaryCrossentropy],
  ['categorical_crossentropy', categoricalCrossentropy],
  ['categoricalCrossentropy', categoricalCrossentropy],
  ['sparse_categorical_crossentropy', sparseCategoricalCrossentropy],
  ['sparseCategoricalCrossentropy', sparseCategoricalCrossentropy],
  ['mean_squared_error', meanSquaredError],
  ['meanSquaredError', meanSquaredError],
  ['mse', meanSquaredError],
  ['mean_absolute_error', meanAbsoluteError],
  ['meanAbsoluteError', meanAbsoluteError],
  ['mae', meanAbsoluteError],
  ['huber', huber],
  ['huber_loss', huber],
  ['huberLoss', huber],
  ['hinge', hinge],
]);

/** Every loss name compile accepts (Keras's and tfjs's spellings). */
export const LOSS_NAMES = [...LOSSES.keys()] as LossName[];

/**
 * A loss by its Keras name ('binary_crossentropy', 'mse', …) or tfjs camelCase name.
 * `fromLogits` (Keras's from_logits) is for the three cross-entropies.
 *
 * @example
 * getLoss('sparse_categorical_crossentropy', { fromLogits: true }).fromLogits; // true
 */
export function getLoss(name: LossName | string | Loss, options: LossOptions = {}): Loss {
  if (typeof name !== 'string') {
    if (name === null || typeof name !== 'object' || typeof (name as Loss).forwardBackward !== 'function') {
      throw new Error(`compile: loss must be a name (${LOSS_NAMES.join(', ')}) or a Loss, got ${name === undefined ? 'nothing (compile needs a loss)' : JSON.stringify(name)}`);
    }
    return name;
  }
  const loss = LOSSES.get(name);
  if (!loss) throw new Error(`compile: unknown loss '${name}' (expected one of ${LOSS_NAMES.join(', ')})`);
  if (options.fromLogits !== undefined && typeof options.fromLogits !== 'boolean') throw new TypeError(`${name}: fromLogits must be true or false`);
  if (!options.fromLogits) return loss;
  if (loss === binaryCrossentropy) return makeBinaryCrossentropy(true);
  if (loss === categoricalCrossentropy) return makeCategorical(false, true);
  if (loss === sparseCategoricalCrossentropy) return makeCategorical(true, true);
  throw new Error(`${loss.name}: fromLogits applies to the cross-entropies only`);
}
