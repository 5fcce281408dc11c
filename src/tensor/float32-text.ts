/** The smallest normal float32, 2^-126. */
const MIN_NORMAL = 2 ** -126;

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
  if (f !== f || f === Infinity || f === -Infinity) return String(f);
  // For a normal float32, a shortest text of d ≤ 6 digits is also the nearest 6-digit decimal to f
  // (f is within 2^-24·|f| of it, far less than 6-digit spacing), so one try at 6 settles every
  // short case (Number() drops the padding zeros); only longer texts need 7, 8, then 9 digits.
  // Subnormals have fewer bits, so they take every length from 1 (test/tensor/float32-text.test.ts
  // checks this against that plain definition).
  let digits = 1;
  if (Math.abs(f) >= MIN_NORMAL) {
    const six = f.toPrecision(6);
    if (Math.fround(Number(six)) === f) return String(Number(six));
    digits = 7;
  }
  for (; digits < 9; digits++) {
    const s = f.toPrecision(digits);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}
