/**
 * Multi-class labels: a label that is not binary (yes/no, true/false, 1/0) names classes.
 *
 * The classes are the sorted distinct values, and a label becomes its class's index 0…K−1 (the
 * sparse targets of sparse_categorical_crossentropy). How they sort:
 * - numbers (every value reads as a number): by value, so 2 comes before 10; each class is named by
 *   the shortest text of its number (`'1.0'` and `'1'` are the one class `'1'`). They must be
 *   whole numbers: fractional values are a measurement (a regression target), not a class;
 * - text (any value is not a number): by Unicode code point, as Python's `sorted`; names are the
 *   values exactly as written.
 *
 * Browser-safe: values in, names and indices out.
 */
import { CsvError, DataError } from '../errors.js';
import { compareCodePoints, parseNumber } from './columns.js';

/** The most classes a label may have (the scan tracks this many distinct values). */
export const MAX_CLASSES = 1000;

/** How to predict numbers instead (a regression target). */
const REGRESSION_HINT = 'to predict the numbers themselves, train a regression: --loss mse (regression: true in the API)';

/** Whether every name reads as a finite number (numeric classes, matched by value). */
function allNumbers(values: readonly string[]): boolean {
  return values.every((v) => Number.isFinite(parseNumber(v)));
}

/**
 * The class names of a CSV label column from its distinct values, sorted as the file comment says;
 * `more` says the values are only the first of many (too many to be classes). Errors name the
 * column and what was found.
 *
 * @example
 * labelClasses(['class_1', 'class_0', 'class_2'], 'cultivar'); // ['class_0', 'class_1', 'class_2']
 * labelClasses(['10', '2', '2.0', '3'], 'grade');              // ['2', '3', '10']
 */
export function labelClasses(values: readonly string[], column: string, source = 'input', more = false): string[] {
  const shown = values.slice(0, 10).map((v) => JSON.stringify(v)).join(', ');
  if (more || values.length > MAX_CLASSES) {
    throw new CsvError(source, `label column '${column}' has more than ${MAX_CLASSES} distinct values (${shown}, …): too many to be classes; ${REGRESSION_HINT}`);
  }
  if (values.length < 2) throw new CsvError(source, `label column '${column}' has one value only (${shown}); a classifier needs at least two classes`);
  if (!allNumbers(values)) return [...new Set(values)].sort(compareCodePoints);
  return numericClassNames(values.map(parseNumber), `label column '${column}'`, source, CsvError);
}

/** Sorted whole numbers as class names; fractional values are refused. */
function numericClassNames(values: readonly number[], what: string, source: string, E: typeof CsvError | typeof DataError): string[] {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  const fractional = distinct.find((v) => !Number.isInteger(v));
  if (fractional !== undefined) {
    throw new E(source, `${what}: neither binary (0/1) nor whole-number classes; found ${distinct.length} distinct values, e.g. ${fractional}; class labels must be whole numbers or text; ${REGRESSION_HINT}`);
  }
  if (distinct.length > MAX_CLASSES) throw new E(source, `${what} has ${distinct.length} distinct values: more than ${MAX_CLASSES}, too many to be classes; ${REGRESSION_HINT}`);
  if (distinct.length < 2) throw new E(source, `${what} has one value only (${distinct[0]}); a classifier needs at least two classes`);
  return distinct.map(String);
}

/**
 * The class names of numeric labels (a .npy label column that is not 0/1): the sorted distinct
 * whole numbers, named as numbers.
 *
 * @example
 * numericLabelClasses(Float32Array.of(2, 0, 1, 2), 'y.npy'); // ['0', '1', '2']
 */
export function numericLabelClasses(y: Float32Array, source: string): string[] {
  const seen = new Set<number>();
  for (let i = 0; i < y.length && seen.size <= MAX_CLASSES; i++) seen.add(y[i]);
  if ([...seen].some((v) => !Number.isFinite(v))) throw new DataError(source, `labels must be finite; found ${[...seen].find((v) => !Number.isFinite(v))}`);
  return numericClassNames([...seen], 'the labels', source, DataError);
}

/**
 * A reader from a label's text (or number) to its class index, NaN when it is none of `classes`.
 * Numeric classes match by value ('2.0' is class '2'), text classes exactly.
 *
 * @example
 * const index = classIndexer(['0', '1', '2']);
 * index('2.0'); // 2
 * index('7');   // NaN
 */
export function classIndexer(classes: readonly string[]): (v: string | number) => number {
  if (allNumbers(classes)) {
    const at = new Map(classes.map((c, i) => [parseNumber(c), i]));
    return (v) => at.get(typeof v === 'number' ? v : parseNumber(v)) ?? NaN;
  }
  const at = new Map(classes.map((c, i) => [c, i]));
  return (v) => at.get(String(v)) ?? NaN;
}

/**
 * Numeric labels (values of `classes`) → class indices, in a new array; a value that is no class
 * is an error naming `source` and the row.
 *
 * @example
 * toClassIndices(Float32Array.of(5, 7, 5), ['5', '7'], 'y.npy'); // Float32Array [0, 1, 0]
 */
export function toClassIndices(y: Float32Array, classes: readonly string[], source: string): Float32Array {
  const index = classIndexer(classes);
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = index(y[i]);
    if (k !== k) throw new DataError(source, `row ${i} has the label ${y[i]}, which is none of the model's classes (${classes.join(', ')})`);
    out[i] = k;
  }
  return out;
}

/**
 * For a two-class label that is not yes/no, true/false or 1/0: how to take the binary route
 * instead (the analyst's figures need it); '' for more classes.
 *
 * @example
 * binaryRecodeHint(['neg', 'pos']); // "; its two values take the binary route when written 1/0 (or yes/no, true/false)"
 */
export function binaryRecodeHint(classes: readonly string[]): string {
  return classes.length === 2 ? '; its two values take the binary route when written 1/0 (or yes/no, true/false)' : '';
}

/**
 * Checks a model file's class list: at least two distinct strings, one per output.
 *
 * @example
 * checkClassNames(['a', 'b', 'c'], 3); // null (fine); otherwise what is wrong, in words
 */
export function checkClassNames(classes: unknown, outputs: number): string | null {
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) return 'must be a list of strings';
  if (classes.length < 2) return `needs at least two classes, got ${classes.length}`;
  if (new Set(classes).size !== classes.length) return 'names a class twice';
  if (classes.length !== outputs) return `names ${classes.length} classes but the model has ${outputs} outputs`;
  return null;
}
