/**
 * Activations, each fused with the Dense bias add (forward) and the bias gradient (backward).
 *
 * Forward, for Z = X·W already in Y:   Y = f(Y + b)           Y: [rows, cols], b: [cols]
 * Backward, from the layer's output A:  dZ = dA ⊙ f'(A)       (in place in dA)
 *                                       db += Σrows dZ         db: [cols]
 *
 * Every derivative is written in terms of the OUTPUT A = f(Z), so backward needs only
 * what forward already cached:
 *   relu:    f'(z) = [A > 0]
 *   sigmoid: f'(z) = A·(1 − A)
 *   tanh:    f'(z) = 1 − A²
 *   linear:  f'(z) = 1
 */
export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'linear';

export interface Activation {
  readonly name: ActivationName;
  /** The scalar function, for tests and for applying an activation the loss fused away. */
  f(z: number): number;
  /** Y[r,c] = f(Y[r,c] + b[c]) for r < rows. */
  biasForward(Y: Float32Array, b: Float32Array, rows: number, cols: number): void;
  /** dA[r,c] *= f'(A[r,c]); db[c] += Σr dA[r,c] (after the multiply). */
  backward(A: Float32Array, dA: Float32Array, db: Float32Array, rows: number, cols: number): void;
}

/** Numerically safe logistic: never evaluates exp of a large positive number. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

const relu: Activation = {
  name: 'relu',
  f: (z) => (z > 0 ? z : 0),
  biasForward(Y, b, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) {
        const z = Y[o + c] + b[c];
        Y[o + c] = z > 0 ? z : 0;
      }
    }
  },
  backward(A, dA, db, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) {
        const g = A[o + c] > 0 ? dA[o + c] : 0;
        dA[o + c] = g;
        db[c] += g;
      }
    }
  },
};

const sigmoidActivation: Activation = {
  name: 'sigmoid',
  f: sigmoid,
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

const tanh: Activation = {
  name: 'tanh',
  f: Math.tanh,
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

const linear: Activation = {
  name: 'linear',
  f: (z) => z,
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

const ACTIVATIONS: Record<ActivationName, Activation> = { relu, sigmoid: sigmoidActivation, tanh, linear };

/** Looks an activation up by name ('relu', 'sigmoid', 'tanh', 'linear'; undefined or null means linear, as in Keras). */
export function getActivation(name: string | null | undefined, where = 'activation'): Activation {
  if (name === undefined || name === null) return linear;
  const a = (ACTIVATIONS as Record<string, Activation | undefined>)[name];
  if (!a) {
    throw new Error(`${where}: unknown activation '${name}' (expected one of ${Object.keys(ACTIVATIONS).join(', ')})`);
  }
  return a;
}
