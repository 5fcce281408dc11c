/**
 * A `:predict` request body → the model's feature matrix, in TensorFlow Serving's two formats:
 *
 *   row format       {"instances": [i0, i1, ...]}             → {"predictions": [[p], ...]}
 *   columnar format  {"inputs": {"age": [41, 30], ...}}       → {"outputs": [[p], ...]}
 *                    {"inputs": [[...], [...]]}  (one unnamed input, for array models)
 *
 * An instance of a model saved with a CSV preparation is an object keyed by the raw column names,
 * as in the training CSV (`{"age": 41, "job": "technician", ...}`): each value is encoded by the
 * same CellEncoder as `densely predict` (a number as its text, true/false as 'true'/'false', null as
 * a missing cell), so a served score equals the CLI's. Other models take an array of numbers.
 *
 * Stricter than the CSV route, because a request is built by a program, not exported by a person:
 * a column the model does not know, text in a numeric column, or a missing value the model cannot
 * impute is a 400 naming the instance and the column, where a file would warn and impute. A category
 * not seen in training is scored as in `densely predict` (all zeros) and counted.
 */
import { CellOutcome } from '../data/cell-encoder.js';
import { Matrix } from '../tensor/matrix.js';
import { describe } from '../errors.js';
import { RequestError } from './request-error.js';
import type { ServedModel } from './served-model.js';

export interface Features {
  X: Matrix;
  /** Which format the request used, so the answer uses the same one. */
  format: 'row' | 'columnar';
  /** Cells whose category was not seen in training (scored as all zeros). */
  unseen: number;
}

/** Most instances one request may carry (the body limit usually binds first). */
export const MAX_INSTANCES = 1_000_000;

/**
 * The features of a parsed `:predict` body.
 * @example
 * requestFeatures({ instances: [{ age: 41, job: 'technician' }] }, served).X.rows; // 1
 */
export function requestFeatures(body: unknown, served: ServedModel): Features {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('the body must be a JSON object with "instances" (row format) or "inputs" (columnar format)');
  const b = body as Record<string, unknown>;
  const hasRows = Object.hasOwn(b, 'instances');
  const hasColumns = Object.hasOwn(b, 'inputs');
  if (hasRows === hasColumns) throw bad(hasRows ? 'give "instances" or "inputs", not both' : 'the body needs "instances" (row format) or "inputs" (columnar format)');
  for (const k of Object.keys(b)) {
    if (k !== 'instances' && k !== 'inputs' && k !== 'signature_name') throw bad(`unknown field ${describe(k)} (expected "instances" or "inputs", and optionally "signature_name")`);
  }
  if (hasRows) {
    const list = b.instances;
    if (!Array.isArray(list)) throw bad('"instances" must be a list');
    checkCount(list.length, '"instances"');
    const X = served.columns ? objectRows(list, served) : arrayRows(list, served, 'instance');
    return { ...X, format: 'row' };
  }
  const inputs = b.inputs;
  if (served.columns) {
    if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
      throw bad(`"inputs" must be an object of columns (${served.columns.names.slice(0, 4).join(', ')}, ...), each a list of values`);
    }
    return { ...columnRows(inputs as Record<string, unknown>, served), format: 'columnar' };
  }
  if (!Array.isArray(inputs)) throw bad('"inputs" must be a list of rows, each a list of numbers');
  checkCount(inputs.length, '"inputs"');
  return { ...arrayRows(inputs, served, 'row'), format: 'columnar' };
}

function bad(message: string): RequestError {
  return new RequestError(400, message);
}

function checkCount(n: number, what: string): void {
  if (n === 0) throw bad(`${what} is empty: nothing to predict`);
  if (n > MAX_INSTANCES) throw bad(`${what} has ${n} entries; at most ${MAX_INSTANCES} per request (use :score for files)`);
}

/** Where a value sits, for messages: `instance 3, column 'age'`. */
function at(i: number, name: string): string {
  return `instance ${i}, column '${name}'`;
}

/** A JSON value as the cell text a CSV would hold. */
function cellText(v: unknown, i: number, name: string): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      if (v === null) return '';
      throw bad(`${at(i, name)}: expected a number, a string or null, got ${Array.isArray(v) ? 'a list' : typeof v}`);
  }
}

/** Encodes instance r's value v of column j into row r of X; refuses what the model cannot score. Returns 1 for an unseen category. */
function encodeValue(served: ServedModel, j: number, v: unknown, X: Float32Array, r: number): number {
  const { encoder, names } = served.columns!;
  const c = typeof v === 'number' && encoder.isStandardized(j) ? encoder.encodeNumber(j, v, X, r * encoder.width) : encoder.encode(j, cellText(v, r, names[j]), X, r * encoder.width);
  if (c === CellOutcome.OK || c === CellOutcome.MISSING_CATEGORY || c === CellOutcome.IMPUTED) return 0;
  if (c === CellOutcome.UNSEEN) return 1;
  if (c === CellOutcome.MISSING) throw bad(`${at(r, names[j])}: no value (${describe(v)}), and this model was trained without imputation for it`);
  throw bad(`${at(r, names[j])}: expected ${encoder.isBinary(j) ? 'yes/no or true/false' : 'a number'}, got ${describe(v)}`);
}

/** Row format, raw columns: each instance an object keyed by column name. */
function objectRows(list: unknown[], served: ServedModel): { X: Matrix; unseen: number } {
  const { names, known, encoder } = served.columns!;
  const X = new Matrix(list.length, encoder.width);
  let unseen = 0;
  for (let i = 0; i < list.length; i++) {
    const inst = list[i];
    if (inst === null || typeof inst !== 'object' || Array.isArray(inst)) {
      throw bad(`instance ${i}: expected an object keyed by column name (${names.slice(0, 4).join(', ')}, ...), got ${Array.isArray(inst) ? 'a list' : describe(inst)}`);
    }
    const o = inst as Record<string, unknown>;
    for (const k in o) if (!known.has(k)) throw bad(`instance ${i}: unknown column ${describe(k)}; the model reads: ${names.join(', ')}`);
    for (let j = 0; j < names.length; j++) {
      const name = names[j];
      if (!Object.hasOwn(o, name)) throw bad(`instance ${i}: missing column '${name}'`);
      unseen += encodeValue(served, j, o[name], X.data, i);
    }
  }
  return { X, unseen };
}

/** Columnar format, raw columns: one list of values per column, all of one length. */
function columnRows(inputs: Record<string, unknown>, served: ServedModel): { X: Matrix; unseen: number } {
  const { names, known, encoder } = served.columns!;
  for (const k in inputs) if (!known.has(k)) throw bad(`"inputs": unknown column ${describe(k)}; the model reads: ${names.join(', ')}`);
  let n = -1;
  for (const name of names) {
    if (!Object.hasOwn(inputs, name)) throw bad(`"inputs": missing column '${name}'`);
    const col = inputs[name];
    if (!Array.isArray(col)) throw bad(`"inputs": column '${name}' must be a list of values`);
    if (n === -1) n = col.length;
    else if (col.length !== n) throw bad(`"inputs": column '${name}' has ${col.length} values, but '${names[0]}' has ${n}`);
  }
  checkCount(n, '"inputs"');
  const X = new Matrix(n, encoder.width);
  let unseen = 0;
  for (let j = 0; j < names.length; j++) {
    const col = inputs[names[j]] as unknown[];
    for (let i = 0; i < n; i++) unseen += encodeValue(served, j, col[i], X.data, i);
  }
  return { X, unseen };
}

/** Array instances: each a list of exactly inputSize numbers, standardized as in training when the model says so. */
function arrayRows(list: unknown[], served: ServedModel, what: string): { X: Matrix; unseen: number } {
  const d = served.inputSize;
  const X = new Matrix(list.length, d);
  const imputes = served.standardizer?.impute === 'mean';
  for (let i = 0; i < list.length; i++) {
    const row = list[i];
    if (!Array.isArray(row)) throw bad(`${what} ${i}: expected a list of ${d} numbers, got ${describe(row)}`);
    if (row.length !== d) throw bad(`${what} ${i}: has ${row.length} values, the model takes ${d}`);
    for (let k = 0; k < d; k++) {
      const v = row[k];
      if (typeof v === 'number') X.data[i * d + k] = v;
      else if (v === null && imputes) X.data[i * d + k] = NaN;
      else throw bad(`${what} ${i}, feature ${k}${featureName(served, k)}: expected a number, got ${describe(v)}`);
      if (!Number.isFinite(Math.fround(X.data[i * d + k])) && !(v === null && imputes)) {
        throw bad(`${what} ${i}, feature ${k}${featureName(served, k)}: ${describe(v)} is outside float32's range`);
      }
    }
  }
  served.standardizer?.transform(X.data);
  return { X, unseen: 0 };
}

function featureName(served: ServedModel, k: number): string {
  const n = served.featureNames?.[k];
  return n === undefined ? '' : ` (${describe(n)})`;
}
