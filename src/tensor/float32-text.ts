/**
 * A float32 value as the shortest decimal text that reads back as the same float32 (at most 9
 * significant digits): what the scored lists and the summaries print, so a printed score or
 * threshold, typed back in, means exactly the same value.
 *
 * @example
 * float32Text(Math.fround(0.1)); // '0.1'  (String() would print 0.10000000149011612)
 */
export function float32Text(x: number): string {
  const f = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const s = f.toPrecision(digits);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}
