/**
 * The index of the first largest of `a[at … at + k)`, relative to `at` (the first, on ties, as
 * numpy's argmax): the predicted class of one row of scores.
 *
 * @example
 * argmax([0.1, 0.7, 0.2, 0.5, 0.5, 0], 3, 3); // 0: the second row's tie goes to its first
 */
export function argmax(a: ArrayLike<number>, at: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (a[at + j] > a[at + best]) best = j;
  return best;
}
