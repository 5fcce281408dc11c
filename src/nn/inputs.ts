import { findNonBinary, findNonFinite } from '../tensor/checks.js';
import { Matrix } from '../tensor/matrix.js';

/** What fit, predict and evaluate accept as features. */
export type MatrixLike = Matrix | ArrayLike<ArrayLike<number>>;
/** What they accept as targets: a Matrix [n, k], nested arrays, or a flat array for k = 1. */
export type TargetsLike = Matrix | ArrayLike<ArrayLike<number>> | Float32Array | ArrayLike<number>;

/** Features as a Matrix (no copy when it already is one), checked for NaN and ±Inf. */
export function toFeatures(X: MatrixLike, name: string): Matrix {
  const m = X instanceof Matrix ? X : Array.isArray(X) || isArrayLikeOfArrays(X) ? Matrix.from(X) : null;
  if (m === null) throw new TypeError(`${name}: expected a Matrix or number[][]`);
  checkFinite(m, name);
  return m;
}

/**
 * predict's rows: as toFeatures, and a flat list of numbers is one row when its length is the
 * model's input size (`predict([1, 0, 0])` on a 3-input model). Any other flat list is refused
 * with what to pass instead: Keras and tfjs would read it as a batch of 1-feature rows, which is a
 * different question, so densely does not guess.
 */
export function toPredictRows(X: MatrixLike | ArrayLike<number>, inputSize: number | undefined, name: string): Matrix {
  const flat = ArrayBuffer.isView(X) || (Array.isArray(X) && X.length > 0 && typeof X[0] === 'number');
  if (!flat) return toFeatures(X as MatrixLike, name);
  const values = X as ArrayLike<number>;
  if (inputSize !== undefined && values.length === inputSize) return toFeatures(new Matrix(1, values.length, Float32Array.from(values)), name);
  const want = inputSize === undefined ? 'rows of features' : `rows of ${inputSize} features`;
  throw new TypeError(`${name}: got a flat list of ${values.length} numbers; the model takes ${want}: pass [[x1, x2, …]] for one row, an array of rows, or a Matrix [rows, ${inputSize ?? 'features'}]`);
}

/** Targets as a Matrix [rows, k]; a flat array becomes [rows, 1]. */
export function toTargets(y: TargetsLike, rows: number, name: string): Matrix {
  if (!(y instanceof Matrix) && !ArrayBuffer.isView(y)) {
    const first = (y as ArrayLike<unknown>)[0];
    if (y.length > 0 && typeof first !== 'number' && !(typeof first === 'object' && first !== null)) {
      throw new TypeError(`${name}: labels must be numbers (0 or 1 for binary cross-entropy), got ${typeof first} ${JSON.stringify(first)} at row 0`);
    }
  }
  let m: Matrix;
  if (y instanceof Matrix) m = y;
  else if (y instanceof Float32Array || (y.length > 0 && typeof (y as ArrayLike<unknown>)[0] === 'number') || y.length === 0) {
    m = new Matrix(y.length, 1, y instanceof Float32Array ? y : Float32Array.from(y as ArrayLike<number>));
  } else m = Matrix.from(y as ArrayLike<ArrayLike<number>>);
  if (m.rows !== rows) throw new RangeError(`${name}: has ${m.rows} rows but X has ${rows} (shapes [${m.rows}, ${m.cols}] and [${rows}, …])`);
  checkFinite(m, name);
  return m;
}

/**
 * Keras's keras.utils.to_categorical: class indices → one-hot rows, [n, numClasses] (default:
 * the largest index + 1). Indices must be whole numbers in [0, numClasses).
 *
 * @example
 * toCategorical([0, 2, 1]).data; // [1,0,0, 0,0,1, 0,1,0]
 */
export function toCategorical(y: Matrix | ArrayLike<number>, numClasses?: number): Matrix {
  const values: ArrayLike<number> = y instanceof Matrix ? y.data : y;
  if (y instanceof Matrix && y.cols !== 1) throw new RangeError(`toCategorical: expects one column of class indices, got [${y.rows}, ${y.cols}]`);
  for (let i = 0; i < values.length; i++) {
    const c = values[i];
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`toCategorical: row ${i} is ${c}, not a class index (a whole number ≥ 0)`);
  }
  let k = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < values.length; i++) k = Math.max(k, values[i] + 1);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`toCategorical: numClasses must be a positive integer, got ${k}`);
  const out = new Matrix(values.length, k);
  for (let i = 0; i < values.length; i++) {
    const c = values[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new RangeError(`toCategorical: row ${i} is ${c}, not a class index in [0, ${k})`);
    out.data[i * k + c] = 1;
  }
  return out;
}

/** Throws on the first 0/1 violation, naming the row and value (binary cross-entropy needs labels in {0, 1}). */
export function checkBinary(y: Matrix, name: string): void {
  const bad = findNonBinary(y.data, 0);
  if (bad) throw new RangeError(`${name}: binary_crossentropy needs labels 0 or 1, but row ${Math.floor(bad.firstIndex / y.cols)} has ${bad.firstValue}`);
}

/** Throws on the first NaN or ±Inf, naming its row, column and value. */
function checkFinite(m: Matrix, name: string): void {
  const bad = findNonFinite(m.data, m.cols);
  if (bad) throw new RangeError(`${name}: row ${bad.firstRow}, column ${bad.firstColumn} is ${bad.firstValue} (NaN and Inf are not allowed)`);
}

function isArrayLikeOfArrays(x: unknown): x is ArrayLike<ArrayLike<number>> {
  const a = x as ArrayLike<unknown>;
  return typeof a === 'object' && a !== null && typeof a.length === 'number' && (a.length === 0 || typeof a[0] === 'object');
}
