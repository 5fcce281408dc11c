/**
 * The js backend's activation kernels: each activation fused with Dense's bias add (forward) and
 * with the bias gradient (backward). These are the loops that were in src/nn/activations.ts,
 * moved here unchanged; src/nn/activations.ts keeps the learner's table of f and f'.
 *
 * Forward, for Z = X·W already in Y:   Y = f(Y + b)           Y: [rows, cols], b: [cols]
 * Backward, from the layer's output A:  dZ = dA ⊙ f'(A)       (in place in dA)
 *                                       db += Σrows dZ         db: [cols]
 */
import type { ActivationKernels, ActivationKind } from '../backend.js';

/**
 * Numerically safe logistic: never evaluates exp of a large positive number.
 *
 * @example
 * sigmoid(0); // 0.5
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * relu's loops are written without a data-dependent branch. About half of the pre-activations
 * are negative, in no pattern the CPU can predict, so `z > 0 ? z : 0` mispredicts on roughly
 * every other element: measured on Node 20, a [32, 64] batch took ~10 µs per call that way
 * (2 µs when the same data is replayed and the predictor has learned it), and 2.4 µs (forward)
 * / 3.2 µs (backward) branch-free. Both forms give the same numbers:
 * - forward: (z + |z|)·0.5 is exactly z for z > 0 (doubling and halving are exact) and +0
 *   otherwise; only NaN differs (it stays NaN instead of becoming 0);
 * - backward: dA·(A > 0 ? 1 : 0), with the comparison turned into a number (V8 emits a
 *   flag-to-register move, not a jump); a negative dA times 0 gives −0, which sums like +0.
 */
const relu: ActivationKernels = {
  biasForward(Y, b, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) {
        const z = Y[o + c] + b[c];
        Y[o + c] = (z + Math.abs(z)) * 0.5; // max(z, 0), branch-free
      }
    }
  },
  backward(A, dA, db, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) {
        const g = dA[o + c] * +(A[o + c] > 0); // [A > 0]·dA, branch-free
        dA[o + c] = g;
        db[c] += g;
      }
    }
  },
};

/** sigmoid: f'(z) = A·(1 − A). */
const sigmoidKernels: ActivationKernels = {
  biasForward(Y, b, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      // z rounded to float32 first, so this equals sigmoid applied later to stored logits
      for (let c = 0; c < cols; c++) Y[o + c] = sigmoid(Math.fround(Y[o + c] + b[c]));
    }
  },
  backward(A, dA, db, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) {
        const a = A[o + c];
        const g = dA[o + c] * a * (1 - a);
        dA[o + c] = g;
        db[c] += g;
      }
    }
  },
};

/** tanh: f'(z) = 1 − A². */
const tanh: ActivationKernels = {
  biasForward(Y, b, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) Y[o + c] = Math.tanh(Y[o + c] + b[c]);
    }
  },
  backward(A, dA, db, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) {
        const a = A[o + c];
        const g = dA[o + c] * (1 - a * a);
        dA[o + c] = g;
        db[c] += g;
      }
    }
  },
};

/** linear: f'(z) = 1, so backward only sums db. */
const linear: ActivationKernels = {
  biasForward(Y, b, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) Y[o + c] += b[c];
    }
  },
  backward(_A, dA, db, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) db[c] += dA[o + c];
    }
  },
};

/**
 * An elementwise activation's two kernels from its scalar f(z) and f'(z) written through the
 * output a = f(z): the loops are the same for every such activation, only f and f' differ.
 */
function elementwise(f: (z: number) => number, dfOfOutput: (a: number) => number): ActivationKernels {
  return {
    biasForward(Y, b, rows, cols) {
      for (let r = 0, o = 0; r < rows; r++, o += cols) {
        for (let c = 0; c < cols; c++) Y[o + c] = f(Y[o + c] + b[c]);
      }
    },
    backward(A, dA, db, rows, cols) {
      for (let r = 0, o = 0; r < rows; r++, o += cols) {
        for (let c = 0; c < cols; c++) {
          const g = dA[o + c] * dfOfOutput(A[o + c]);
          dA[o + c] = g;
          db[c] += g;
        }
      }
    },
  };
}

/** Keras's SELU constants (Klambauer et al. 2017), as keras.activations.selu has them. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/**
 * leaky_relu: f(z) = z for z ≥ 0, alpha·z below; f' = [a > 0] + alpha·[a ≤ 0] (alpha ≥ 0, so a and z
 * have the same sign).
 */
export function leakyReluKernels(alpha: number): ActivationKernels {
  return elementwise(
    (z) => (z >= 0 ? z : alpha * z),
    (a) => (a > 0 ? 1 : alpha),
  );
}

/** elu: f(z) = z for z > 0, alpha·(eᶻ − 1) below; f' = 1 above, a + alpha (= alpha·eᶻ) below (alpha > 0). */
export function eluKernels(alpha: number): ActivationKernels {
  return elementwise(
    (z) => (z > 0 ? z : alpha * Math.expm1(z)),
    (a) => (a > 0 ? 1 : a + alpha),
  );
}

/** selu: scale·elu with Keras's alpha and scale; f' = scale above, a + scale·alpha below. */
const selu = elementwise(
  (z) => (z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * Math.expm1(z)),
  (a) => (a > 0 ? SELU_SCALE : a + SELU_SCALE * SELU_ALPHA),
);

/**
 * softplus: f(z) = log(1 + eᶻ), computed as max(z, 0) + log1p(e^−|z|) (no overflow);
 * f'(z) = sigmoid(z) = 1 − e^−a, written −expm1(−a) so a tiny a keeps its precision.
 */
const softplus = elementwise(
  (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
  (a) => -Math.expm1(-a),
);

/**
 * softmax, row-wise over a layer's units: Y[r,:] = exp(Z[r,:] − max) / Σ exp(Z[r,:] − max).
 * Its Jacobian is not diagonal, so backward is not dA ⊙ f'(A) but, per row,
 *   dZ = A ⊙ (dA − Σc dA⊙A)
 * (in place in dA), then db += Σrows dZ as for the others.
 */
const softmax: ActivationKernels = {
  biasForward(Y, b, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      // z = Y + b rounded to float32 (formed afresh in each pass), so this equals softmax applied
      // later to stored logits (predict after a fused cross-entropy), bit for bit, as for sigmoid
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, Math.fround(Y[o + c] + b[c]));
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += Math.exp(Math.fround(Y[o + c] + b[c]) - max);
      for (let c = 0; c < cols; c++) Y[o + c] = Math.exp(Math.fround(Y[o + c] + b[c]) - max) / sum;
    }
  },
  backward(A, dA, db, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += dA[o + c] * A[o + c];
      for (let c = 0; c < cols; c++) {
        const g = A[o + c] * (dA[o + c] - dot);
        dA[o + c] = g;
        db[c] += g;
      }
    }
  },
};

/** leaky_relu's default slope: keras.activations.leaky_relu's negative_slope (0.2). */
export const LEAKY_RELU_ALPHA = 0.2;
/** elu's default alpha, Keras's (1). */
export const ELU_ALPHA = 1;

/** The js backend's kernels by activation. A Map, so a name like 'constructor' finds nothing. */
export const ACTIVATION_KERNELS: ReadonlyMap<ActivationKind, ActivationKernels> = new Map([
  ['relu', relu],
  ['sigmoid', sigmoidKernels],
  ['tanh', tanh],
  ['linear', linear],
  ['leaky_relu', leakyReluKernels(LEAKY_RELU_ALPHA)],
  ['elu', eluKernels(ELU_ALPHA)],
  ['selu', selu],
  ['softplus', softplus],
  ['softmax', softmax],
]);

/**
 * The js kernels for `kind`; leaky_relu and elu with their own alpha when one other than the
 * default is given (a fresh pair of closures, made once when a layer binds).
 */
export function jsActivationKernels(kind: ActivationKind, alpha?: number): ActivationKernels | undefined {
  if (alpha !== undefined && kind === 'leaky_relu' && alpha !== LEAKY_RELU_ALPHA) return leakyReluKernels(alpha);
  if (alpha !== undefined && kind === 'elu' && alpha !== ELU_ALPHA) return eluKernels(alpha);
  return ACTIVATION_KERNELS.get(kind);
}
