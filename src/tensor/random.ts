/**
 * Seeded random numbers that reproduce numpy's legacy `np.random.RandomState(seed)` bit for bit.
 *
 * The generator is the 32-bit Mersenne Twister MT19937 (Matsumoto & Nishimura, 1998), seeded the
 * way `RandomState(int)` seeds it: Knuth's `init_genrand` recurrence,
 * `mt[i] = 1812433253·(mt[i−1] ⊕ (mt[i−1] >> 30)) + i  (mod 2³²)`.
 *
 * On top of the raw 32-bit stream sit the few legacy numpy routines this project needs:
 * - `random()`: `genrand_res53`, a 53-bit double from two draws, `(a·2²⁶ + b) / 2⁵³` with
 *   `a = x₁ >> 5`, `b = x₂ >> 6` (numpy's `random_sample`);
 * - `randomInterval(max)`: numpy's `random_interval`, masked rejection sampling on [0, max];
 * - `permutation(n)` / `shuffle(a)`: numpy's legacy Fisher–Yates, walking from the end.
 *
 * sklearn's `train_test_split(..., random_state=42)` is `RandomState(42).permutation(n)`, so this
 * file is what lets `src/data/split.ts` return exactly sklearn's rows.
 *
 * Everything is 32-bit integer arithmetic (`Math.imul`, `>>> 0`); the state is one Int32Array.
 *
 * @example
 * const rng = new MT19937(42);
 * rng.nextUint32(); // 1608637542
 * new MT19937(42).permutation(10); // Int32Array [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]
 */

/** An MT19937's whole state as plain data: the 624 words and the position of the next draw. */
export interface MT19937State {
  key: Int32Array;
  pos: number;
}

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df | 0;
const UPPER_MASK = 0x80000000 | 0;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_32 = 4294967296;

/** numpy's legacy RandomState: MT19937 seeded with init_genrand (Knuth), as np.random.RandomState(seed). */
export class MT19937 {
  /** The 624-word state, stored as signed int32 (read with `>>> 0` where the sign matters). */
  private readonly key = new Int32Array(N);
  /** Index of the next word to temper; N means "regenerate first". */
  private pos = N;

  /** @param seed an integer in [0, 2³² − 1], exactly as `np.random.RandomState(seed)` accepts. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`MT19937: seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    const mt = this.key;
    mt[0] = seed | 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      // 1812433253·(prev ⊕ (prev >>> 30)) + i, mod 2³². The imul is exact mod 2³²; adding i < 624
      // to a value in (−2³¹, 2³¹) stays exact in a double, and `| 0` wraps it back.
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) | 0;
    }
    this.pos = N;
  }

  /**
   * A copy of the state; setState(getState()) later continues the stream exactly.
   *
   * @example
   * const a = new MT19937(42); a.nextUint32();
   * const b = new MT19937(0); b.setState(a.getState());
   * a.nextUint32() === b.nextUint32(); // true
   */
  getState(): MT19937State {
    return { key: this.key.slice(), pos: this.pos };
  }

  setState(state: MT19937State): void {
    if (!state || state.key?.length !== N || !Number.isInteger(state.pos) || state.pos < 0 || state.pos > N) {
      throw new RangeError(`MT19937.setState: expected { key: ${N} words, pos in [0, ${N}] }`);
    }
    for (let i = 0; i < N; i++) this.key[i] = state.key[i];
    this.pos = state.pos;
  }

  /** The twist: refills all 624 words of the state at once (numpy's `mt19937_gen`). */
  private generate(): void {
    const mt = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.pos = 0;
  }

  /** genrand_int32: the next raw draw, an integer in [0, 2³² − 1]. */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.key[this.pos++];
    // Tempering.
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** genrand_res53: a double in [0, 1) with 53 random bits, same as `RandomState.random_sample()`. */
  random(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * numpy's legacy `random_interval(max)`: a uniform integer in [0, max] by masked rejection.
   * Let mask be the smallest 2ᵏ − 1 ≥ max; draw `x & mask` until it is ≤ max. For
   * max ≤ 0xFFFFFFFF each try costs one 32-bit draw; above that each try is a 64-bit draw made of
   * two 32-bit ones, the first being the high word (numpy's `mt19937_next64`).
   * @param max an integer in [0, 2⁵³ − 1]
   */
  randomInterval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`MT19937.randomInterval: max must be an integer in [0, 2**53 - 1], got ${max}`);
    }
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      const mask = maskFor32(max);
      let v: number;
      do {
        v = (this.nextUint32() & mask) >>> 0;
      } while (v > max);
      return v;
    }
    // 64-bit path. max < 2⁵³, so the mask's high word is below 2²¹ and its low word is all ones;
    // the masked value hi·2³² + lo is then exact in a double.
    const maskHi = maskFor32(Math.floor(max / TWO_POW_32));
    let v: number;
    do {
      const hi = (this.nextUint32() & maskHi) >>> 0;
      const lo = this.nextUint32();
      v = hi * TWO_POW_32 + lo;
    } while (v > max);
    return v;
  }

  /**
   * `RandomState.permutation(n)`: `arange(n)` shuffled by the legacy Fisher–Yates walk
   * (for i = n−1 down to 1: j = randomInterval(i); swap a[i], a[j]).
   * @param n an integer in [0, 2³¹ − 1]
   */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new RangeError(`MT19937.permutation: n must be an integer in [0, 2**31 - 1], got ${n}`);
    }
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    this.shuffle(a);
    return a;
  }

  /**
   * In-place shuffle, the same algorithm and draws as `RandomState.shuffle` on a 1-D array.
   * The draws are inlined here (one mask update per power of two) because this loop is the whole
   * cost of `permutation`.
   */
  shuffle(a: Int32Array | Uint32Array | Float64Array | number[]): void {
    const n = a.length;
    if (n <= 1) return;
    if (n - 1 > 0xffffffff) throw new RangeError(`MT19937.shuffle: length ${n} is too large`);
    let mask = maskFor32(n - 1);
    for (let i = n - 1; i > 0; i--) {
      // mask stays the smallest 2ᵏ − 1 ≥ i as i falls.
      while (mask >>> 1 >= i) mask >>>= 1;
      let j: number;
      do {
        j = (this.nextUint32() & mask) >>> 0;
      } while (j > i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** `RandomState.uniform(low, high)` for one value: `low + (high − low)·random()`. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }
}

/** The smallest 2ᵏ − 1 that is ≥ x, for x in [0, 2³² − 1], as an unsigned number. */
function maskFor32(x: number): number {
  let m = x >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}
