/**
 * Train/test splits that return exactly the rows sklearn's `train_test_split` returns.
 *
 * sklearn (1.x, the ShuffleSplit path of `train_test_split(X, test_size=..., random_state=seed)`):
 * 1. `_validate_shuffle_split` turns the sizes into counts:
 *    - a fraction f in (0, 1) gives `ceil(f·n)` test rows or `floor(f·n)` train rows, computed in
 *      float64, as in Python (so `0.07·100 = 7.000000000000001` gives 8 test rows, and a
 *      train fraction of `0.29·100 = 28.999999999999996` gives 28 train rows);
 *    - a whole number k gives k rows, and must satisfy 0 < k < n;
 *    - the missing size is the rest; with neither given, `testSize` is 0.25.
 * 2. `perm = RandomState(seed).permutation(n)`;
 * 3. `test = perm[:nTest]`, `train = perm[nTest : nTest + nTrain]`, both in permutation order.
 *
 * With `shuffle: false` there is no permutation: `train = [0, nTrain)`, `test = [nTrain, nTrain + nTest)`.
 *
 * One deliberate difference: sklearn's default `random_state=None` draws from numpy's global RNG,
 * so every call differs. Here every random draw is seeded, and **the default `randomState` is 42**
 * (the seed of the Keras pipeline this project reproduces). Pass another seed for another split.
 *
 * A JavaScript number cannot tell `1` from `1.0`, so a whole-number size is read as a row count
 * (like a Python int) and any other number as a fraction (like a Python float): `testSize: 1`
 * means one row (Python's `test_size=1.0` would be rejected).
 *
 * @example
 * splitIndices(10, { testSize: 0.2, randomState: 42 });
 * // { test: Int32Array [8, 1], train: Int32Array [5, 0, 7, 2, 9, 4, 3, 6] }
 */

import { Matrix } from '../tensor/matrix.js';
import { MT19937 } from '../tensor/random.js';

export interface SplitOptions {
  /** A fraction in (0, 1) of the rows (rounded up), or a whole number of rows. Default 0.25 when trainSize is also unset. */
  testSize?: number;
  /** A fraction in (0, 1) of the rows (rounded down), or a whole number of rows. Default: the rows not in the test set. */
  trainSize?: number;
  /** The seed of `RandomState(seed)`, an integer in [0, 2³² − 1]. Default 42 (sklearn's default is unseeded). */
  randomState?: number;
  /** Shuffle before splitting. Default true. When false, test is the last nTest rows. */
  shuffle?: boolean;
}

/** The default seed: every split is reproducible unless the caller asks for another seed. */
export const DEFAULT_RANDOM_STATE = 42;

/** The default test fraction when neither testSize nor trainSize is given (sklearn's default). */
export const DEFAULT_TEST_SIZE = 0.25;

/**
 * The number of train and test rows, with sklearn's `_validate_shuffle_split` checks and messages.
 * Throws a RangeError naming the argument and its value when a size is out of range.
 */
export function splitSizes(n: number, testSize?: number, trainSize?: number): { nTrain: number; nTest: number } {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`splitIndices: n must be a non-negative integer, got ${n}`);
  }
  if (testSize === undefined && trainSize === undefined) testSize = DEFAULT_TEST_SIZE;
  for (const [name, v] of [['testSize', testSize], ['trainSize', trainSize]] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw new RangeError(`Invalid value for ${name}: ${String(v)}`);
    }
  }
  const testIsInt = testSize !== undefined && Number.isInteger(testSize);
  const trainIsInt = trainSize !== undefined && Number.isInteger(trainSize);
  const testIsFrac = testSize !== undefined && !testIsInt;
  const trainIsFrac = trainSize !== undefined && !trainIsInt;

  if (testSize !== undefined && (testIsInt ? testSize >= n || testSize <= 0 : testSize <= 0 || testSize >= 1)) {
    throw new RangeError(
      `testSize=${testSize} should be either positive and smaller than the number of samples ${n} ` +
        `or a float in the (0, 1) range`,
    );
  }
  if (trainSize !== undefined && (trainIsInt ? trainSize >= n || trainSize <= 0 : trainSize <= 0 || trainSize >= 1)) {
    throw new RangeError(
      `trainSize=${trainSize} should be either positive and smaller than the number of samples ${n} ` +
        `or a float in the (0, 1) range`,
    );
  }
  if (testIsFrac && trainIsFrac && (testSize as number) + (trainSize as number) > 1) {
    throw new RangeError(
      `The sum of testSize and trainSize = ${(testSize as number) + (trainSize as number)}, should be in the ` +
        `(0, 1) range. Reduce testSize and/or trainSize.`,
    );
  }

  // Same float64 arithmetic as Python's math.ceil / math.floor on test_size * n_samples.
  let nTest = testSize === undefined ? NaN : testIsInt ? testSize : Math.ceil(testSize * n);
  let nTrain = trainSize === undefined ? NaN : trainIsInt ? trainSize : Math.floor(trainSize * n);
  if (trainSize === undefined) nTrain = n - nTest;
  else if (testSize === undefined) nTest = n - nTrain;

  if (nTrain + nTest > n) {
    throw new RangeError(
      `The sum of trainSize and testSize = ${nTrain + nTest}, should be smaller than the number of ` +
        `samples ${n}. Reduce testSize and/or trainSize.`,
    );
  }
  if (nTrain === 0) {
    throw new RangeError(
      `With n=${n}, testSize=${testSize} and trainSize=${trainSize}, the resulting train set ` +
        `will be empty. Adjust any of the aforementioned parameters.`,
    );
  }
  return { nTrain, nTest };
}

/**
 * Row indices of sklearn's `train_test_split(np.arange(n), test_size, train_size, random_state, shuffle)`.
 * @param n number of rows
 * @returns `train: [nTrain]`, `test: [nTest]`, in the order sklearn returns them
 */
export function splitIndices(n: number, opts: SplitOptions = {}): { train: Int32Array; test: Int32Array } {
  const { nTrain, nTest } = splitSizes(n, opts.testSize, opts.trainSize);
  const shuffle = opts.shuffle ?? true;
  if (!shuffle) {
    const train = new Int32Array(nTrain);
    for (let i = 0; i < nTrain; i++) train[i] = i;
    const test = new Int32Array(nTest);
    for (let i = 0; i < nTest; i++) test[i] = nTrain + i;
    return { train, test };
  }
  const seed = opts.randomState ?? DEFAULT_RANDOM_STATE;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`splitIndices: randomState must be an integer between 0 and 2**32 - 1, got ${seed}`);
  }
  const perm = new MT19937(seed).permutation(n);
  // Copies (slice), so the returned arrays do not pin the whole permutation.
  return { test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) };
}

/**
 * `X_train, X_test, y_train, y_test = train_test_split(X, y, ...)`: the rows of X and y gathered
 * by `splitIndices(X.rows, opts)`.
 * @param X `[n, nFeatures]`
 * @param y `[n, nTargets]`
 */
export function trainTestSplit(
  X: Matrix,
  y: Matrix,
  opts?: SplitOptions,
): { XTrain: Matrix; XTest: Matrix; yTrain: Matrix; yTest: Matrix } {
  if (X.rows !== y.rows) {
    throw new RangeError(
      `trainTestSplit: X and y must have the same number of rows, got X [${X.rows}, ${X.cols}] and y [${y.rows}, ${y.cols}]`,
    );
  }
  const { train, test } = splitIndices(X.rows, opts);
  return { XTrain: X.takeRows(train), XTest: X.takeRows(test), yTrain: y.takeRows(train), yTest: y.takeRows(test) };
}

/**
 * Row indices of sklearn's `train_test_split(..., stratify=y)` (StratifiedShuffleSplit), for
 * class labels y (any numbers; each class needs at least 2 rows). One RandomState(seed) drives:
 * 1. n_i = approximateMode(classCounts, nTrain): each class's share of nTrain, floored, with the
 *    remaining rows given to the classes with the largest remainders (ties broken by rng.choice);
 *    t_i = approximateMode(classCounts − n_i, nTest) likewise;
 * 2. per class, in sorted class order: perm = rng.permutation(count); that class's rows (in
 *    file order) taken in perm order; the first n_i go to train, the next t_i to test;
 * 3. train = rng.permutation(train), test = rng.permutation(test).
 * So both parts keep the class ratio to within one row per class, reproducibly; the indices equal
 * real scikit-learn's (test/fixtures/reference/stratified_split.json, sklearn 1.9.1).
 *
 * @example
 * stratifiedSplitIndices([0, 0, 0, 0, 1, 1, 1, 1], { testSize: 0.5 }).test.length; // 4: two of each class
 */
export function stratifiedSplitIndices(y: ArrayLike<number>, opts: SplitOptions = {}): { train: Int32Array; test: Int32Array } {
  const n = y.length;
  const { nTrain, nTest } = splitSizes(n, opts.testSize, opts.trainSize);
  if (opts.shuffle === false) throw new RangeError('stratifiedSplitIndices: stratified splits need shuffle (as in sklearn)');
  const seed = opts.randomState ?? DEFAULT_RANDOM_STATE;
  const classes = Array.from(new Set(Array.from(y))).sort((a, b) => a - b);
  const members = classes.map(() => [] as number[]);
  const classOf = new Map(classes.map((c, i) => [c, i]));
  for (let r = 0; r < n; r++) members[classOf.get(y[r])!].push(r); // stable: file order within a class
  const counts = members.map((m) => m.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    throw new RangeError(`stratify: the least populated class in y has only ${smallest} member, which is too few; each class needs at least 2`);
  }
  if (nTrain < classes.length) throw new RangeError(`stratify: the train size ${nTrain} should be at least the number of classes ${classes.length}`);
  if (nTest < classes.length) throw new RangeError(`stratify: the test size ${nTest} should be at least the number of classes ${classes.length}`);
  const rng = new MT19937(seed);
  const nI = approximateMode(counts, nTrain, rng);
  const tI = approximateMode(
    counts.map((c, i) => c - nI[i]),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((rows, i) => {
    const perm = rng.permutation(rows.length);
    for (let k = 0; k < nI[i]; k++) train.push(rows[perm[k]]);
    for (let k = nI[i]; k < nI[i] + tI[i]; k++) test.push(rows[perm[k]]);
  });
  const trainArr = Int32Array.from(train);
  const testArr = Int32Array.from(test);
  rng.shuffle(trainArr);
  rng.shuffle(testArr);
  return { train: trainArr, test: testArr };
}

/**
 * sklearn's `_approximate_mode(class_counts, n_draws, rng)`: how many of n_draws rows each class
 * gets, proportional to its count, floored; the rows still needed go to the largest remainders,
 * and among equal remainders to `rng.choice(candidates, k, replace=False)` (legacy: the first k of
 * a permutation).
 */
function approximateMode(counts: number[], draws: number, rng: MT19937): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let need = draws - floored.reduce((s, f) => s + f, 0);
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]);
    const values = Array.from(new Set(remainder)).sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const take = Math.min(inds.length, need);
      const perm = rng.permutation(inds.length);
      for (let k = 0; k < take; k++) floored[inds[perm[k]]] += 1;
      need -= take;
      if (need === 0) break;
    }
  }
  return floored;
}
