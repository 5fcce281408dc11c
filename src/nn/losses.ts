import type { Backend } from '../backends/backend.js';
import type { ActivationName } from './activations.js';

/**
 * Losses, and the fusion table: which output activation a loss absorbs (`fuses`), so that the
 * model's last layer emits logits and the loss works on them.
 *
 *   loss                  fuses      works on   gradient it writes
 *   binary_crossentropy   sigmoid    logits z   w·(σ(z) − y)/(rows·k)   (the backend's sigmoidBce)
 *   binary_crossentropy   —          p          Keras's clipped form, below
 *   mean_squared_error    —          out        2·w·(out − y)/(rows·k)
 *
 * Every loss works on the model output `out: [rows, k]` and targets `y: [rows, k]`,
 * with optional per-row weights `w: [rows]` (class weights), and Keras's reduction
 * "sum over batch size":  L = (1/rows)·Σi wi·ℓi,  where ℓi is row i's loss averaged over k.
 *
 * `forwardBackward` returns Σi wi·ℓi (a SUM, so epoch means can be weighted by batch size)
 * and writes dOut = ∂L/∂out. Evaluation calls it too and ignores dOut: one code path.
 */
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
export const binaryCrossentropy: Loss = {
  name: 'binary_crossentropy',
  binaryTargets: true,
  fuses: (activation) => activation === 'sigmoid',
  forwardBackward(backend, out, y, w, rows, k, fused, dOut) {
    if (fused) return backend.sigmoidBce(out, y, w, rows, k, dOut);
    const scale = 1 / (rows * k);
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const wi = w === null ? 1 : w[i];
      let rowLoss = 0;
      for (let j = i * k, end = j + k; j < end; j++) {
        const yj = y[j];
        const p = out[j];
        const pc = p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
        rowLoss -= yj * Math.log(pc) + (1 - yj) * Math.log(1 - pc);
        dOut[j] = pc === p ? (wi * (p - yj) * scale) / (p * (1 - p)) : 0;
      }
      total += (wi * rowLoss) / k;
    }
    return total;
  },
};

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

const LOSSES = new Map<string, Loss>([
  ['binary_crossentropy', binaryCrossentropy],
  ['binaryCrossentropy', binaryCrossentropy],
  ['mean_squared_error', meanSquaredError],
  ['meanSquaredError', meanSquaredError],
  ['mse', meanSquaredError],
]);

/** A loss by its Keras name ('binary_crossentropy', 'mse', …) or tfjs camelCase name. */
export function getLoss(name: string | Loss): Loss {
  if (typeof name !== 'string') return name;
  const loss = LOSSES.get(name);
  if (!loss) throw new Error(`compile: unknown loss '${name}' (expected one of ${[...LOSSES.keys()].join(', ')})`);
  return loss;
}
