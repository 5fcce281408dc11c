import { describe, expect, it } from 'vitest';
import {
  gemm,
  gemmBlocked,
  gemmDirect,
  gemmLoopOrder,
  gemmNaive,
  gemmPacked,
  gemmScratchFloats,
  gemmSmall,
  gemmSparseA,
  packedScratchFloats,
  sparseScratchFloats,
  usesDirect,
  usesPacking,
  DIRECT_MAX_FLOATS,
  SPARSE_MAX_DENSITY,
  BLOCKED_KB,
  BLOCKED_NB,
  KC,
  MC,
  MR,
  NC,
  NR,
} from '../../src/tensor/gemm/index.js';

type Gemm = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  beta: 0 | 1,
  C: Float32Array,
) => void;

/** mulberry32: a tiny seeded PRNG, so every run tests the same numbers. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-1, 1). */
function randArray(n: number, next: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * next() - 1;
  return a;
}

/**
 * The rungs under test. Those that take scratch get exactly the minimum they ask for, pre-filled
 * with NaN, so a missing zero-pad or a read of stale scratch shows up as NaN in C.
 */
const packedWithNaNScratch: Gemm = (tA, tB, M, N, K, A, B, beta, C) =>
  gemmPacked(tA, tB, M, N, K, A, B, beta, C, new Float32Array(packedScratchFloats(M, N, K)).fill(NaN));

const sparseWithNaNScratch: Gemm = (tA, tB, M, N, K, A, B, beta, C) =>
  gemmSparseA(tA, tB, M, N, K, A, B, beta, C, new Float32Array(sparseScratchFloats(K)).fill(NaN));

const rungs: Array<[string, Gemm]> = [
  ['gemmLoopOrder', gemmLoopOrder],
  ['gemmBlocked', gemmBlocked],
  ['gemmSmall', gemmSmall],
  ['gemmPacked', packedWithNaNScratch],
  ['gemmDirect', gemmDirect],
  ['gemmSparseA', sparseWithNaNScratch],
  [
    'gemm',
    (tA, tB, M, N, K, A, B, beta, C) =>
      gemm(tA, tB, M, N, K, A, B, beta, C, new Float32Array(gemmScratchFloats(M, N, K)).fill(NaN)),
  ],
];

const variants: Array<[string, boolean, boolean]> = [
  ['NN', false, false],
  ['TN', true, false],
  ['NT', false, true],
  ['TT', true, true],
];

/** Checks `fn` against gemmNaive on one random problem, for beta 1 and for beta 0 over a NaN-filled C. */
function checkAgainstNaive(fn: Gemm, tA: boolean, tB: boolean, M: number, N: number, K: number, seed: number): void {
  const next = rng(seed);
  const A = randArray(M * K, next);
  const B = randArray(K * N, next);
  const C0 = randArray(M * N, next);
  const tol = 1e-4 * Math.sqrt(K + 1);
  const where = `${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} M=${M} N=${N} K=${K}`;

  // beta = 1: accumulate onto random C.
  const want1 = C0.slice();
  gemmNaive(tA, tB, M, N, K, A, B, 1, want1);
  const got1 = C0.slice();
  fn(tA, tB, M, N, K, A, B, 1, got1);
  expectClose(got1, want1, tol, `beta=1 ${where}`);

  // beta = 0: C's old contents (NaN here) must be ignored.
  const want0 = new Float32Array(M * N);
  gemmNaive(tA, tB, M, N, K, A, B, 0, want0);
  const got0 = new Float32Array(M * N).fill(NaN);
  fn(tA, tB, M, N, K, A, B, 0, got0);
  expectClose(got0, want0, tol, `beta=0 ${where}`);
}

function expectClose(got: Float32Array, want: Float32Array, tol: number, where: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    // `!(d <= tol)` also catches NaN.
    if (!(Math.abs(got[i] - want[i]) <= tol)) {
      throw new Error(`${where}: C[${i}] = ${got[i]}, expected ${want[i]} (tolerance ${tol})`);
    }
  }
}

describe('gemmNaive (rung 0, the reference)', () => {
  // A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]: A·B = [[58,64],[139,154]].
  const A = Float32Array.of(1, 2, 3, 4, 5, 6);
  const At = Float32Array.of(1, 4, 2, 5, 3, 6); // Aᵀ stored [3, 2]
  const B = Float32Array.of(7, 8, 9, 10, 11, 12);
  const Bt = Float32Array.of(7, 9, 11, 8, 10, 12); // Bᵀ stored [2, 3]

  it('computes a hand-checked 2×3 · 3×2 product in all four variants', () => {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const C = new Float32Array(4).fill(NaN);
      gemmNaive(tA, tB, 2, 2, 3, tA ? At : A, tB ? Bt : B, 0, C);
      expect(Array.from(C)).toEqual([58, 64, 139, 154]);
    }
  });

  it('accumulates when beta is 1', () => {
    const C = Float32Array.of(1, 2, 3, 4);
    gemmNaive(false, false, 2, 2, 3, A, B, 1, C);
    expect(Array.from(C)).toEqual([59, 66, 142, 158]);
  });
});

describe.each(rungs)('%s', (name, fn) => {
  const A = Float32Array.of(1, 2, 3, 4, 5, 6);
  const At = Float32Array.of(1, 4, 2, 5, 3, 6);
  const B = Float32Array.of(7, 8, 9, 10, 11, 12);
  const Bt = Float32Array.of(7, 9, 11, 8, 10, 12);

  it('computes the hand-checked product in all four variants, beta 0 and 1', () => {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const C = new Float32Array(4).fill(NaN);
      fn(tA, tB, 2, 2, 3, tA ? At : A, tB ? Bt : B, 0, C);
      expect(Array.from(C)).toEqual([58, 64, 139, 154]);
      fn(tA, tB, 2, 2, 3, tA ? At : A, tB ? Bt : B, 1, C);
      expect(Array.from(C)).toEqual([116, 128, 278, 308]);
    }
  });

  it('writes zeros for K = 0 with beta 0, and leaves C alone with beta 1', () => {
    const C = new Float32Array(6).fill(NaN);
    fn(false, false, 2, 3, 0, new Float32Array(0), new Float32Array(0), 0, C);
    expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
    const D = Float32Array.of(1, 2, 3, 4, 5, 6);
    fn(true, true, 2, 3, 0, new Float32Array(0), new Float32Array(0), 1, D);
    expect(Array.from(D)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  // Sizes around and off the block sizes: 0, 1, odd, primes, and just past powers of two.
  const sizes = [0, 1, 3, 5, 17, 33];
  it.each(variants)('matches gemmNaive on small random shapes (%s)', (_v, tA, tB) => {
    let seed = 1;
    for (const M of sizes) for (const N of sizes) for (const K of sizes) checkAgainstNaive(fn, tA, tB, M, N, K, seed++);
  });

  it.each(variants)('matches gemmNaive on medium shapes off every block size (%s)', (_v, tA, tB) => {
    const shapes: Array<[number, number, number]> = [
      [65, 130, 17],
      [130, 65, 33],
      [17, 33, 130],
      [129, 131, 65],
      [7, BLOCKED_NB + 5, BLOCKED_KB + 3], // past blocked's column and depth blocks
      [32, 64, 51], // the MLP's shapes (gemm packs these)
      [51, 64, 32],
      [32, 1, 64], // (and not this one)
    ];
    let seed = 1000;
    for (const [M, N, K] of shapes) checkAgainstNaive(fn, tA, tB, M, N, K, seed++);
  });
});

describe('gemmPacked edges of every loop', () => {
  // K > KC, M > MC, N > NC, and none a multiple of MR, NR, KC, MC or NC: every one of the five
  // loops runs a full block and a partial one, and the micro-kernel meets padded rows and columns.
  const M = MC + MR + 1;
  const N = NC + NR + 1;
  const K = KC + 3;
  it('has a shape that exercises every edge', () => {
    expect(M % MR).not.toBe(0);
    expect(N % NR).not.toBe(0);
    expect(M > MC && N > NC && K > KC).toBe(true);
    expect(usesPacking(M, N, K)).toBe(true);
  });
  it.each(variants)('matches gemmNaive at M=MC+MR+1, N=NC+NR+1, K=KC+3 (%s)', (_v, tA, tB) => {
    checkAgainstNaive(packedWithNaNScratch, tA, tB, M, N, K, 7);
  });
});

describe('argument errors', () => {
  const all: Array<[string, Gemm]> = [['gemmNaive', gemmNaive], ...rungs];

  it.each(all)('%s names the shapes when an array has the wrong length', (name, fn) => {
    const C = new Float32Array(3 * 5);
    expect(() => fn(false, false, 3, 5, 4, new Float32Array(10), new Float32Array(20), 0, C)).toThrow(
      new RangeError(`${name}: A has 10 elements, op(A) [3, 4] needs 12`),
    );
    expect(() => fn(true, false, 3, 5, 4, new Float32Array(10), new Float32Array(20), 0, C)).toThrow(
      /A has 10 elements, op\(A\) \[3, 4\] \(stored transposed as \[4, 3\]\) needs 12/,
    );
    expect(() => fn(false, true, 3, 5, 4, new Float32Array(12), new Float32Array(21), 0, C)).toThrow(
      /B has 21 elements, op\(B\) \[4, 5\] \(stored transposed as \[5, 4\]\) needs 20/,
    );
    expect(() => fn(false, false, 3, 5, 4, new Float32Array(12), new Float32Array(20), 0, new Float32Array(16))).toThrow(
      /C has 16 elements, C \[3, 5\] needs 15/,
    );
  });

  it.each(all)('%s rejects bad sizes and beta', (_name, fn) => {
    const z = new Float32Array(0);
    expect(() => fn(false, false, -1, 0, 0, z, z, 0, z)).toThrow(RangeError);
    expect(() => fn(false, false, 1.5, 0, 0, z, z, 0, z)).toThrow(/non-negative integers/);
    expect(() => fn(false, false, 0, 0, 0, z, z, 2 as 0 | 1, z)).toThrow(/beta must be 0/);
  });

  it('gemmPacked throws when the scratch is too small, naming both sizes', () => {
    const [M, N, K] = [5, 6, 7];
    const need = packedScratchFloats(M, N, K);
    const args = [false, false, M, N, K, new Float32Array(M * K), new Float32Array(K * N), 0, new Float32Array(M * N)] as const;
    expect(() => gemmPacked(...args, new Float32Array(need - 1))).toThrow(
      new RangeError(`gemmPacked: scratch has ${need - 1} floats, M=5, N=6, K=7 needs ${need} (use packedScratchFloats)`),
    );
    expect(() => gemmPacked(...args, new Float32Array(need))).not.toThrow();
  });

  it('gemm throws when the scratch is too small for a packed shape, and needs none for thin shapes', () => {
    const [M, N, K] = [200, 200, 64];
    const need = gemmScratchFloats(M, N, K);
    expect(need).toBe(packedScratchFloats(M, N, K));
    const args = [false, false, M, N, K, new Float32Array(M * K), new Float32Array(K * N), 0, new Float32Array(M * N)] as const;
    expect(() => gemm(...args, new Float32Array(need - 1))).toThrow(
      new RangeError(`gemm: scratch has ${need - 1} floats, M=200, N=200, K=64 needs ${need} (use gemmScratchFloats)`),
    );
    expect(gemmScratchFloats(32, 1, 64)).toBe(0); // N = 1 goes unpacked
    expect(gemmScratchFloats(32, 64, 50)).toBe(100); // rung 3″ or 4: 2K for rung 4
    expect(gemmScratchFloats(128, 128, 128)).toBe(32524); // the documented example
    // a direct shape whose op(A) is sparse needs rung 4's scratch
    const sparseArgs = [false, false, 32, 64, 50, new Float32Array(32 * 50), new Float32Array(50 * 64), 0, new Float32Array(32 * 64)] as const;
    expect(() => gemm(...sparseArgs, new Float32Array(99))).toThrow(
      new RangeError('gemm: scratch has 99 floats, M=32, N=64, K=50 needs 100 (use gemmScratchFloats)'),
    );
    const C = new Float32Array(4);
    gemm(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C, new Float32Array(0));
    expect(Array.from(C)).toEqual([19, 22, 43, 50]);
  });

  it('gemm packs big products, runs the MLP hidden layers unpacked, and thin, short or tiny ones on rung 3′', () => {
    expect(usesPacking(128, 128, 128)).toBe(true);
    expect(usesDirect(128, 128, 128)).toBe(false);
    for (const [M, N, K] of [[32, 64, 50], [50, 64, 32], [32, 64, 64], [64, 64, 32], [32, 50, 64]]) {
      expect(usesDirect(M, N, K)).toBe(true);
      expect(usesPacking(M, N, K)).toBe(false);
      expect(M * K + K * N).toBeLessThanOrEqual(DIRECT_MAX_FLOATS);
    }
    expect(usesDirect(32, 1, 64)).toBe(false);
    expect(usesPacking(32, 1, 64)).toBe(false); // N = 1
    expect(usesPacking(32, 64, 1)).toBe(false); // K = 1
    expect(usesPacking(33, 33, 33)).toBe(false); // so the small random shapes above test gemmSmall's path
  });

  it('packedScratchFloats is 0 for empty problems and matches its documented example', () => {
    expect(packedScratchFloats(0, 5, 5)).toBe(0);
    expect(packedScratchFloats(5, 0, 5)).toBe(0);
    expect(packedScratchFloats(5, 5, 0)).toBe(0);
    expect(packedScratchFloats(2, 2, 2)).toBe(2 * MR + 2 * NR + MR * NR);
  });
});

describe('gemmSparseA (rung 4) on mostly-zero op(A)', () => {
  /** op(A) with the given fraction of nonzeros (the rest exact zeros, some of them −0). */
  function sparseArray(n: number, density: number, next: () => number): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = next() < density ? 2 * next() - 1 : next() < 0.5 ? 0 : -0;
    return a;
  }

  const shapes: Array<[number, number, number]> = [
    [32, 64, 50], // the MLP's products at batch 32
    [50, 64, 32],
    [32, 50, 64],
    [7, 13, 5], // N % 8 and M not multiples of anything
    [1, 8, 1],
    [3, 0, 4],
  ];
  it.each(variants)('is bit for bit rung 3″ (%s), for densities 0 to 1', (_v, tA, tB) => {
    const next = rng(42);
    for (const [M, N, K] of shapes) {
      for (const density of [0, 0.1, 0.3, 0.6, 1]) {
        const A = sparseArray(M * K, density, next);
        const B = randArray(K * N, next);
        const C0 = randArray(M * N, next);
        for (const beta of [0, 1] as const) {
          const want = C0.slice();
          gemmDirect(tA, tB, M, N, K, A, B, beta, want);
          const got = beta === 0 ? new Float32Array(M * N).fill(NaN) : C0.slice();
          sparseWithNaNScratch(tA, tB, M, N, K, A, B, beta, got);
          expect(Array.from(got)).toEqual(Array.from(want));
          checkAgainstNaive(sparseWithNaNScratch, tA, tB, M, N, K, 1 + M + N + K);
        }
      }
    }
  });

  it('keeps NaN in op(A) (NaN is not zero)', () => {
    const C = new Float32Array(2);
    gemmSparseA(false, false, 1, 2, 2, Float32Array.of(NaN, 0), Float32Array.of(1, 2, 3, 4), 0, C, new Float32Array(4));
    expect(Number.isNaN(C[0]) && Number.isNaN(C[1])).toBe(true);
  });

  it('computes its documented example, and throws on short scratch', () => {
    const C = new Float32Array(4);
    gemmSparseA(false, false, 2, 2, 2, Float32Array.of(1, 0, 0, 4), Float32Array.of(5, 6, 7, 8), 0, C, new Float32Array(4));
    expect(Array.from(C)).toEqual([5, 6, 28, 32]);
    expect(() => gemmSparseA(false, false, 2, 2, 2, Float32Array.of(1, 0, 0, 4), Float32Array.of(5, 6, 7, 8), 0, C, new Float32Array(3))).toThrow(
      new RangeError('gemmSparseA: scratch has 3 floats, K=2 needs 4 (use sparseScratchFloats)'),
    );
  });

  it.each(variants)('gives, through gemm, C within tolerance of naive at packed shapes with sparse op(A) (%s)', (_v, tA, tB) => {
    const next = rng(11);
    for (const [M, N, K] of [[128, 128, 128], [70, 30, KC + 5]] as Array<[number, number, number]>) {
      expect(usesPacking(M, N, K)).toBe(true);
      const A = sparseArray(M * K, 0.3, next);
      const B = randArray(K * N, next);
      for (const beta of [0, 1] as const) {
        const want = randArray(M * N, next);
        const got = beta === 0 ? new Float32Array(M * N).fill(NaN) : want.slice();
        gemmNaive(tA, tB, M, N, K, A, B, beta, want);
        gemm(tA, tB, M, N, K, A, B, beta, got, new Float32Array(gemmScratchFloats(M, N, K)).fill(NaN));
        expectClose(got, want, 1e-4 * Math.sqrt(K + 1), `sparse via gemm M=${M} N=${N} K=${K}`);
      }
    }
  });

  it('is what gemm picks for a sparse op(A) at an MLP shape, and gives the same C as for dense data', () => {
    const [M, N, K] = [32, 64, 50];
    const next = rng(7);
    const scratch = new Float32Array(gemmScratchFloats(M, N, K)).fill(NaN);
    for (const density of [0.3, SPARSE_MAX_DENSITY, 0.9]) {
      const A = sparseArray(M * K, density, next);
      const B = randArray(K * N, next);
      const want = new Float32Array(M * N);
      gemmDirect(false, false, M, N, K, A, B, 0, want);
      const got = new Float32Array(M * N).fill(NaN);
      gemm(false, false, M, N, K, A, B, 0, got, scratch);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});
