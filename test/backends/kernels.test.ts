/**
 * Every kernel of the backend seam (src/backends/backend.ts), checked against the naive float64
 * references in ./reference.ts on seeded random inputs, over EVERY registered backend.
 *
 * A later backend (e.g. wasm SIMD) registers itself with `registerBackend` and is checked by this
 * file unchanged, so the checks only assume what the interface promises:
 * - float results are compared with float32-sized tolerances that hold for any summation order
 *   (a SIMD kernel adds in a different order than the js loops): a sum is within a small
 *   multiple of 2⁻²⁴ of the sum of its terms' absolute values, an elementwise result within a few
 *   ulp of its own magnitude;
 * - bitwise checks only where every correct float32 kernel is exact: gather is a copy, relu is a
 *   max and a mask (and gives +0, not −0, for a non-positive input), linear's backward leaves dA
 *   as it is, gemm and the optimizers write exact zeros where every term is zero;
 * - buffers the doc comments size as "rows·cols" get a sentinel tail that must survive, inputs
 *   must come back unchanged, gemm's C starts as NaN for beta 0 and its scratch is exactly
 *   gemmScratchFloats long and NaN-filled (so neither may be read).
 * Sizes include 0, 1 and odd sizes, and the shapes of the bank-marketing MLP at batch 32.
 */
import { describe, expect, it } from 'vitest';
import type { ActivationKind, Backend } from '../../src/backends/index.js';
import { listBackends } from '../../src/backends/index.js';
import { MT19937 } from '../../src/tensor/random.js';
import {
  refAdam,
  refBackward,
  refBiasForward,
  refGatherRows,
  refGemm,
  refRmsprop,
  refSgd,
  refSigmoid,
  refSigmoidBce,
  type RefStep,
} from './reference.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Seeded random values (numpy's MT19937), so every run checks the same numbers. */
class Rng {
  private readonly mt: MT19937;
  constructor(seed: number) {
    this.mt = new MT19937(seed);
  }
  uniform(lo: number, hi: number): number {
    return this.mt.uniform(lo, hi);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.mt.random() * n);
  }
  array(n: number, lo = -1, hi = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = this.uniform(lo, hi);
    return a;
  }
  /** Uniform in [-1, 1) with a fraction `zeros` of exact zeros (like one-hot inputs or relu outputs). */
  sparse(n: number, zeros: number): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = this.mt.random() < zeros ? 0 : this.uniform(-1, 1);
    return a;
  }
  /** Gradients over many magnitudes: ±10^U(−6, 1), and about 5% exact zeros. */
  gradient(n: number): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (this.mt.random() < 0.05) continue;
      a[i] = (this.mt.random() < 0.5 ? -1 : 1) * 10 ** this.uniform(-6, 1);
    }
    return a;
  }
}

/** What the tail of every over-long output buffer holds, and must still hold after the call. */
const SENTINEL = -12345.5;
const TAIL = 5;

/** A buffer of n + TAIL floats: the first n from `head` (or zeros), then SENTINEL. */
function withTail(n: number, head?: Float32Array): Float32Array {
  const a = new Float32Array(n + TAIL).fill(SENTINEL);
  if (head) a.set(head.subarray(0, n));
  else a.fill(0, 0, n);
  return a;
}

function expectTail(where: string, a: Float32Array, n: number): void {
  for (let i = n; i < a.length; i++) {
    if (a[i] !== SENTINEL) throw new Error(`${where}: wrote past the end, [${i}] = ${a[i]} (length ${n})`);
  }
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** Throws, naming the first few bad elements, unless a and b are the same floats bit for bit. */
function expectSameBits(where: string, got: Float32Array, want: Float32Array): void {
  expect(got.length, where).toBe(want.length);
  const g = bits(got);
  const w = bits(want);
  const bad: string[] = [];
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) bad.push(`[${i}] = ${got[i]} (0x${g[i].toString(16)}), expected ${want[i]} (0x${w[i].toString(16)})`);
  }
  if (bad.length > 0) throw new Error(`${where}: ${bad.length} of ${g.length} differ: ${bad.slice(0, 5).join('; ')}`);
}

/**
 * Throws, naming the first few bad elements, unless |got[i] − want[i]| ≤ tol(i) everywhere.
 * `!(d <= tol)` also catches NaN; a tolerance of 0 demands the exact value.
 */
function expectClose(where: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number): void {
  expect(got.length, where).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < got.length; i++) {
    const t = tol(i);
    if (!(Math.abs(got[i] - want[i]) <= t)) bad.push(`[${i}] = ${got[i]}, expected ${want[i]} (±${t.toExponential(2)})`);
  }
  if (bad.length > 0) throw new Error(`${where}: ${bad.length} of ${got.length} off: ${bad.slice(0, 5).join('; ')}`);
}

/** A step's values against a RefStep: |got − want| ≤ rel·scale, per element. */
function expectStep(where: string, got: Float32Array, want: RefStep, rel: number): void {
  expectClose(where, got, want.value, (i) => rel * want.scale[i]);
}

// ---------------------------------------------------------------------------------------------
// Tolerances (float32 has 2⁻²⁴ ≈ 6e-8 relative rounding)
// ---------------------------------------------------------------------------------------------

/**
 * gemm: |C − ref| ≤ GEMM_REL·(|beta·C0| + Σk |a·b|). A float32 dot product of K terms, in any
 * order, with or without FMA, is within about (K + 1)·2⁻²⁴ of that sum; K ≤ 100 here, so
 * (K + 1)·2⁻²⁴ ≤ 6.1e-6 < 1e-5. Zero where every term is zero: then C must be exact.
 */
const GEMM_REL = 1e-5;
/** Elementwise results (activations, dZ): a few ulp, relative to the value (see each use). */
const ELEM_REL = 1e-6;
/** Optimizer steps: ~5 float32 operations per element, relative to the terms (RefStep.scale). */
const OPT_REL = 2e-6;

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

type Shape = [M: number, N: number, K: number];

/** M, N, K are drawn from these: 0, 1, odd sizes, primes, and both sides of 32 and 64. */
const SIZES = [0, 1, 2, 3, 5, 7, 13, 31, 32, 33, 64, 65, 100];
/** The larger of SIZES. */
const LARGE = [31, 32, 33, 64, 65, 100];
/** Every combination of these is checked. */
const SMALL = [0, 1, 2, 3, 5, 7];

const VARIANTS: Array<[string, boolean, boolean]> = [
  ['NN', false, false],
  ['TN', true, false],
  ['NT', false, true],
  ['TT', true, true],
];

/**
 * The products of the bank-marketing MLP (50 → 64 → 64 → 1) at batch 32, with the variant each
 * uses in backprop: Y = X·W (NN), dW = Xᵀ·dZ (TN), dX = dZ·Wᵀ (NT).
 */
const PIPELINE: Array<[string, boolean, boolean, number, number, number]> = [
  ['X·W1', false, false, 32, 64, 50],
  ['Xᵀ·dZ1', true, false, 50, 64, 32],
  ['dZ2·W2ᵀ', false, true, 32, 64, 64],
  ['dZ1·W1ᵀ', false, true, 32, 50, 64],
  ['H1·W2', false, false, 32, 64, 64],
  ['H1ᵀ·dZ2', true, false, 64, 64, 32],
  ['H2·W3 (output layer, N = 1)', false, false, 32, 1, 64],
  ['H2ᵀ·dZ3 (N = 1)', true, false, 64, 1, 32],
  ['dZ3·W3ᵀ (K = 1)', false, true, 32, 64, 1],
];

/** Every SMALL³ shape, 60 seeded random shapes from SIZES³, 30 from LARGE³, and a few corners. */
function sweepShapes(seed: number): Shape[] {
  const shapes: Shape[] = [];
  for (const M of SMALL) for (const N of SMALL) for (const K of SMALL) shapes.push([M, N, K]);
  const rng = new Rng(seed);
  const pick = () => SIZES[rng.int(SIZES.length)];
  for (let i = 0; i < 60; i++) shapes.push([pick(), pick(), pick()]);
  // and 30 from the larger sizes, where a backend tiles, packs or (op(A) mostly zeros) skips zeros
  const pickLarge = () => LARGE[rng.int(LARGE.length)];
  for (let i = 0; i < 30; i++) shapes.push([pickLarge(), pickLarge(), pickLarge()]);
  shapes.push([100, 100, 100], [65, 64, 33], [33, 65, 64], [64, 100, 65], [100, 1, 100], [1, 100, 100], [100, 100, 1]);
  return shapes;
}

/**
 * One gemm problem, checked for beta 0 (over a NaN-filled C) and beta 1 (onto a random C), with a
 * NaN-filled scratch of exactly gemmScratchFloats(M, N, K) floats; A and B must come back unchanged.
 */
function checkGemm(backend: Backend, tA: boolean, tB: boolean, [M, N, K]: Shape, rng: Rng, sparseA: boolean, label = ''): void {
  const where = `${label}${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} M=${M} N=${N} K=${K}${sparseA ? ' sparse op(A)' : ''}`;
  const need = backend.gemmScratchFloats(M, N, K);
  if (!(Number.isInteger(need) && need >= 0)) throw new Error(`${where}: gemmScratchFloats = ${need}`);
  const A = sparseA ? rng.sparse(M * K, 0.7) : rng.array(M * K);
  const B = rng.array(K * N);
  const C0 = rng.array(M * N);
  const A0 = A.slice();
  const B0 = B.slice();
  for (const beta of [0, 1] as const) {
    const C = beta === 0 ? new Float32Array(M * N).fill(NaN) : C0.slice();
    backend.gemm(tA, tB, M, N, K, A, B, beta, C, new Float32Array(need).fill(NaN));
    const want = refGemm(tA, tB, M, N, K, A0, B0, beta, C0);
    expectClose(`${where} beta=${beta}`, C, want.value, (i) => GEMM_REL * want.absSum[i]);
  }
  expectSameBits(`${where}: A`, A, A0);
  expectSameBits(`${where}: B`, B, B0);
}

// ---------------------------------------------------------------------------------------------
// Activations' inputs
// ---------------------------------------------------------------------------------------------

const KINDS: ActivationKind[] = ['relu', 'sigmoid', 'tanh', 'linear', 'leaky_relu', 'elu', 'selu', 'softplus', 'softmax'];
const ACT_ROWS = [0, 1, 3, 32, 33];
const ACT_COLS = [1, 2, 7, 64];

/**
 * Pre-activations Y (before the bias) for rows·cols: uniform in [−4, 4), with some that make
 * Y + b exactly 0, and some large ones (±30, ±100: sigmoid and tanh saturate, a naive
 * exp-based form overflows).
 */
function preActivations(rng: Rng, b: Float32Array, rows: number, cols: number): Float32Array {
  const Y = rng.array(rows * cols, -4, 4);
  const special = [30, -30, 100, -100];
  for (let i = 0; i < Y.length; i++) {
    const u = rng.uniform(0, 1);
    if (u < 0.05) Y[i] = -b[i % cols]; // Y + b = 0 exactly
    else if (u < 0.1) Y[i] = special[rng.int(special.length)];
  }
  return Y;
}

/** Outputs A = f(Z) of each activation, in its range (including its ends: relu's 0, sigmoid's 0 and 1, tanh's ±1). */
function activationOutputs(kind: ActivationKind, rng: Rng, n: number): Float32Array {
  const A = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'relu':
        A[i] = Math.max(rng.uniform(-1, 1), 0);
        break;
      case 'sigmoid':
        A[i] = rng.uniform(0, 1) < 0.1 ? [0, 1, 0.5][rng.int(3)] : refSigmoid(rng.uniform(-8, 8));
        break;
      case 'tanh':
        A[i] = rng.uniform(0, 1) < 0.1 ? [-1, 1, 0][rng.int(3)] : Math.tanh(rng.uniform(-4, 4));
        break;
      case 'linear':
        A[i] = rng.uniform(-3, 3);
        break;
      case 'leaky_relu':
        A[i] = rng.uniform(0, 1) < 0.1 ? 0 : rng.uniform(-0.6, 3);
        break;
      case 'elu':
        A[i] = rng.uniform(0, 1) < 0.1 ? 0 : Math.max(rng.uniform(-1, 3), -1);
        break;
      case 'selu':
        A[i] = rng.uniform(0, 1) < 0.1 ? 0 : rng.uniform(-1.75, 3);
        break;
      case 'softplus':
        A[i] = rng.uniform(0, 1) < 0.1 ? [0, 1e-30, 30][rng.int(3)] : Math.log1p(Math.exp(rng.uniform(-8, 8)));
        break;
      case 'softmax':
        A[i] = rng.uniform(0, 1) < 0.1 ? [0, 1][rng.int(2)] : rng.uniform(0, 1);
        break;
    }
  }
  return A;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

it('runs over the registered backends, the js reference first', () => {
  const names = listBackends().map((b) => b.name);
  expect(names[0]).toBe('js');
  expect(new Set(names).size).toBe(names.length);
});

describe.each(listBackends().map((b): [string, Backend] => [b.name, b]))('backend %s', (_name, backend) => {
  describe('createArena', () => {
    it('hands out zeroed floats of the asked capacity, views of one buffer', () => {
      for (const n of [0, 1, 7, 4096]) {
        const arena = backend.createArena(n);
        expect(arena.capacity).toBe(n);
        expect(arena.used).toBe(0);
        const a = arena.alloc(Math.floor(n / 2));
        const b = arena.alloc(n - Math.floor(n / 2));
        expect(a.buffer).toBe(b.buffer);
        expect(a.every((v) => v === 0) && b.every((v) => v === 0)).toBe(true);
        expect(() => arena.alloc(1)).toThrow(/out of space/);
      }
    });
  });

  describe('gemm', () => {
    it('computes the documented example, and a hand-checked product in every variant', () => {
      const C = new Float32Array(4).fill(NaN);
      backend.gemm(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C, new Float32Array(backend.gemmScratchFloats(2, 2, 2)));
      expect(Array.from(C)).toEqual([19, 22, 43, 50]);
      // [[1,2,3],[4,5,6]]·[[7,8],[9,10],[11,12]] = [[58,64],[139,154]]: small integers, exact in any order.
      const A = Float32Array.of(1, 2, 3, 4, 5, 6);
      const At = Float32Array.of(1, 4, 2, 5, 3, 6);
      const B = Float32Array.of(7, 8, 9, 10, 11, 12);
      const Bt = Float32Array.of(7, 9, 11, 8, 10, 12);
      for (const [, tA, tB] of VARIANTS) {
        const D = new Float32Array(4).fill(NaN);
        const scratch = new Float32Array(backend.gemmScratchFloats(2, 2, 3));
        backend.gemm(tA, tB, 2, 2, 3, tA ? At : A, tB ? Bt : B, 0, D, scratch);
        expect(Array.from(D)).toEqual([58, 64, 139, 154]);
        backend.gemm(tA, tB, 2, 2, 3, tA ? At : A, tB ? Bt : B, 1, D, scratch);
        expect(Array.from(D)).toEqual([116, 128, 278, 308]);
      }
    });

    it('asks for a non-negative integer count of scratch floats, the same every time', () => {
      for (const M of SIZES) {
        for (const N of SIZES) {
          for (const K of SIZES) {
            const need = backend.gemmScratchFloats(M, N, K);
            if (!(Number.isInteger(need) && need >= 0)) throw new Error(`gemmScratchFloats(${M}, ${N}, ${K}) = ${need}`);
            expect(backend.gemmScratchFloats(M, N, K)).toBe(need);
          }
        }
      }
      // A larger shape too, where a packing backend asks for some.
      const big = backend.gemmScratchFloats(256, 256, 256);
      expect(Number.isInteger(big) && big >= 0).toBe(true);
    });

    it('writes zeros for K = 0 with beta 0 and leaves C as it is with beta 1', () => {
      for (const [, tA, tB] of VARIANTS) {
        const empty = new Float32Array(0);
        const C = new Float32Array(6).fill(NaN);
        backend.gemm(tA, tB, 2, 3, 0, empty, empty, 0, C, new Float32Array(backend.gemmScratchFloats(2, 3, 0)).fill(NaN));
        expectSameBits('K=0 beta=0', C, new Float32Array(6)); // +0, not NaN
        const D = Float32Array.of(1, -2, 3, -4, 5, -0);
        backend.gemm(tA, tB, 2, 3, 0, empty, empty, 1, D, new Float32Array(backend.gemmScratchFloats(2, 3, 0)).fill(NaN));
        expect(Array.from(D)).toEqual([1, -2, 3, -4, 5, 0]);
      }
    });

    it.each(VARIANTS)('matches the float64 reference on swept shapes, dense op(A) (%s)', (_v, tA, tB) => {
      const rng = new Rng(101);
      for (const shape of sweepShapes(11)) checkGemm(backend, tA, tB, shape, rng, false);
    });

    it.each(VARIANTS)('matches the float64 reference on swept shapes, op(A) 70% zeros (%s)', (_v, tA, tB) => {
      const rng = new Rng(202);
      for (const shape of sweepShapes(22)) checkGemm(backend, tA, tB, shape, rng, true);
    });

    it.each(VARIANTS)('matches the float64 reference on deep products and odd edges (K past 256, M, N off a 4×8 tile) (%s)', (_v, tA, tB) => {
      // a backend may block the depth (the wasm one packs op(B) 256 rows of k at a time) and tile
      // the output: these cross both boundaries, with M mod 4 and N mod 8 left over
      const rng = new Rng(505);
      for (const shape of [[5, 9, 257], [33, 17, 300], [4, 8, 513], [1, 1, 600], [9, 31, 256]] as Shape[]) checkGemm(backend, tA, tB, shape, rng, false);
    });

    it('matches the float64 reference on the MLP products at batch 32, dense and sparse op(A)', () => {
      const rng = new Rng(303);
      for (const [label, tA, tB, M, N, K] of PIPELINE) {
        checkGemm(backend, tA, tB, [M, N, K], rng, false, `${label}: `);
        checkGemm(backend, tA, tB, [M, N, K], rng, true, `${label}: `);
      }
    });

    it('is the same product when op(A) is one-hot rows (the dataset\'s categorical columns)', () => {
      // Exactly one 1 per row of op(A): each C row is one row of op(B) (plus C0), exact in any order.
      const rng = new Rng(404);
      for (const [M, N, K] of [[32, 64, 50], [33, 65, 64], [7, 3, 5]] as Shape[]) {
        const opA = new Float32Array(M * K);
        for (let i = 0; i < M; i++) opA[i * K + rng.int(K)] = 1;
        for (const [v, tA, tB] of VARIANTS) {
          const A = tA ? transpose(opA, M, K) : opA;
          const B = rng.array(K * N);
          const C = new Float32Array(M * N).fill(NaN);
          backend.gemm(tA, tB, M, N, K, A, B, 0, C, new Float32Array(backend.gemmScratchFloats(M, N, K)).fill(NaN));
          const want = refGemm(tA, tB, M, N, K, A, B, 0, C);
          expectSameBits(`one-hot ${v} M=${M} N=${N} K=${K}`, C, Float32Array.from(want.value));
        }
      }
    });
  });

  describe('activation kernels', () => {
    it('computes the documented relu examples', () => {
      const relu = backend.activation('relu');
      const Y = Float32Array.of(1, -3);
      relu.biasForward(Y, Float32Array.of(0.5, 1), 1, 2);
      expect(Array.from(Y)).toEqual([1.5, 0]);
      const dA = Float32Array.of(5, 7);
      const db = Float32Array.of(0, 0);
      relu.backward(Float32Array.of(2, 0), dA, db, 1, 2);
      expect(Array.from(dA)).toEqual([5, 0]);
      expect(Array.from(db)).toEqual([5, 0]);
    });

    it.each(KINDS)('%s: biasForward is f(Y + b) on the first rows·cols floats, and only there', (kind) => {
      const kernels = backend.activation(kind);
      const rng = new Rng(500 + KINDS.indexOf(kind));
      for (const rows of ACT_ROWS) {
        for (const cols of ACT_COLS) {
          const where = `${kind} forward rows=${rows} cols=${cols}`;
          const n = rows * cols;
          const b = rng.array(cols);
          const b0 = b.slice();
          const Y0 = preActivations(rng, b, rows, cols);
          const Y = withTail(n, Y0);
          kernels.biasForward(Y, b, rows, cols);
          const want = refBiasForward(kind, Y0, b0, rows, cols);
          // 1e-7 absolute: where sigmoid underflows (z ≈ −100) float32 may flush it to 0.
          expectClose(where, Y.subarray(0, n), want, (i) => ELEM_REL * Math.abs(want[i]) + 1e-7);
          expectTail(where, Y, n);
          expectSameBits(`${where}: b`, b, b0);
        }
      }
    });

    it.each(KINDS)('%s: backward is dA·f\'(A) in place and adds Σrows onto db', (kind) => {
      const kernels = backend.activation(kind);
      const rng = new Rng(600 + KINDS.indexOf(kind));
      for (const rows of ACT_ROWS) {
        for (const cols of ACT_COLS) {
          const where = `${kind} backward rows=${rows} cols=${cols}`;
          const n = rows * cols;
          const A = withTail(n, activationOutputs(kind, rng, n));
          const A0 = A.slice();
          const dA0 = rng.array(n);
          const dA = withTail(n, dA0);
          const db0 = rng.array(cols).map((x) => (x >= 0 ? x + 0.25 : x - 0.25)); // |db0| ≥ 0.25: an overwrite shows
          const db = withTail(cols, db0);
          kernels.backward(A, dA, db, rows, cols);
          const want = refBackward(kind, A0, dA0, db0, rows, cols);
          // f'(A) loses up to ~2⁻²⁴ absolutely (1 − A² near |A| = 1), so dZ's error scales with dA.
          expectClose(`${where}: dA`, dA.subarray(0, n), want.dZ, (i) => ELEM_REL * (Math.abs(want.dZ[i]) + Math.abs(dA0[i])));
          expectClose(`${where}: db`, db.subarray(0, cols), want.db, (c) => GEMM_REL * want.dbAbs[c] + ELEM_REL * want.dAAbs[c]);
          if (rows === 0) expectSameBits(`${where}: db with no rows`, db.subarray(0, cols), db0);
          expectTail(`${where}: dA`, dA, n);
          expectTail(`${where}: db`, db, cols);
          expectSameBits(`${where}: A`, A, A0);
        }
      }
    });

    it('relu is exact: forward max(fround(Y + b), 0) with +0 for z ≤ 0, backward dA or ±0', () => {
      const relu = backend.activation('relu');
      const rng = new Rng(700);
      for (const rows of ACT_ROWS) {
        for (const cols of ACT_COLS) {
          const n = rows * cols;
          const b = rng.array(cols);
          const Y0 = preActivations(rng, b, rows, cols);
          const Y = Y0.slice();
          relu.biasForward(Y, b, rows, cols);
          const want = new Float32Array(n);
          for (let i = 0; i < n; i++) want[i] = Math.max(Math.fround(Y0[i] + b[i % cols]), 0); // +0 where z ≤ 0
          expectSameBits(`relu forward rows=${rows} cols=${cols}`, Y, want);

          const A = activationOutputs('relu', rng, n);
          const dA = rng.array(n);
          const dA0 = dA.slice();
          relu.backward(A, dA, new Float32Array(cols), rows, cols);
          for (let i = 0; i < n; i++) {
            // === also takes −0 (a negative dA times a 0 mask) as 0: both sum the same.
            if (dA[i] !== (A[i] > 0 ? dA0[i] : 0)) throw new Error(`relu backward [${i}]: A=${A[i]} dA=${dA0[i]} gave ${dA[i]}`);
          }
        }
      }
    });

    it('linear backward leaves dA bit for bit (f\' = 1)', () => {
      const linear = backend.activation('linear');
      const rng = new Rng(800);
      const [rows, cols] = [33, 7];
      const A = rng.array(rows * cols);
      const dA = rng.array(rows * cols);
      const dA0 = dA.slice();
      linear.backward(A, dA, new Float32Array(cols), rows, cols);
      expectSameBits('linear backward dA', dA, dA0);
    });
  });

  describe('sigmoidBce', () => {
    it('computes the documented example', () => {
      const dZ = new Float32Array(1);
      const loss = backend.sigmoidBce(Float32Array.of(0), Float32Array.of(1), null, 1, 1, dZ);
      expect(loss).toBeCloseTo(Math.LN2, 6);
      expect(dZ[0]).toBeCloseTo(-0.5, 7);
    });

    it('returns Σi wi·Σj ℓij/k and writes dZ = w·(σ(z) − y)/(rows·k), finite at |z| = 40 and 100', () => {
      const rng = new Rng(900);
      // [z, y] at the start of every z: the saturated cases in both directions, and z = 0.
      const special: Array<[number, number]> = [[40, 0], [-40, 1], [0, 1], [100, 0], [-100, 1], [0, 0], [40, 1], [-40, 0]];
      for (const rows of [0, 1, 5, 32, 33]) {
        for (const k of [1, 3]) {
          for (const weighted of [false, true]) {
            const where = `sigmoidBce rows=${rows} k=${k}${weighted ? ' weighted' : ''}`;
            const n = rows * k;
            const z = rng.array(n, -8, 8);
            const y = new Float32Array(n);
            for (let i = 0; i < n; i++) y[i] = rng.uniform(0, 1) < 0.4 ? 1 : 0;
            for (let i = 0; i < Math.min(n, special.length); i++) [z[i], y[i]] = special[i];
            let w: Float32Array | null = null;
            if (weighted) {
              w = rng.array(rows, 0, 2);
              if (rows > 1) w[1] = 0; // a zero weight: its row adds nothing and gets dZ = 0
            }
            const [z0, y0, w0] = [z.slice(), y.slice(), w?.slice()];
            const dZ = withTail(n);
            const loss = backend.sigmoidBce(z, y, w, rows, k, dZ);
            const want = refSigmoidBce(z0, y0, w0 ?? null, rows, k);
            expect(Number.isFinite(loss), where).toBe(true);
            if (rows === 0) expect(Math.abs(loss), where).toBe(0); // no rows, no loss
            // Every ℓ ≥ 0 and w ≥ 0, so the loss is its own error scale.
            expectClose(`${where}: loss`, [loss], [want.loss], () => GEMM_REL * want.loss + 1e-6);
            // σ(z) − y loses up to ~2⁻²⁴ absolutely (σ near 1, y = 1), so the scale includes w/(rows·k).
            const scale = (i: number) => (w0 ? w0[Math.floor(i / k)] : 1) / (rows * k);
            expectClose(`${where}: dZ`, dZ.subarray(0, n), want.dZ, (i) => ELEM_REL * (Math.abs(want.dZ[i]) + scale(i)));
            expectTail(`${where}: dZ`, dZ, n);
            expectSameBits(`${where}: z`, z, z0);
            expectSameBits(`${where}: y`, y, y0);
            if (w && w0) expectSameBits(`${where}: w`, w, w0);
          }
        }
      }
    });
  });

  describe('gatherRows', () => {
    it('computes the documented example', () => {
      const dst = new Float32Array(4);
      backend.gatherRows(Float32Array.of(1, 2, 3, 4, 5, 6), 2, Int32Array.of(2, 0), 0, 2, dst);
      expect(Array.from(dst)).toEqual([5, 6, 1, 2]);
    });

    it('copies rows[indices[start + i]] bit for bit, repeats included, and nothing past count', () => {
      const rng = new Rng(1000);
      const n = 7;
      // Values whose bits a float conversion would change if the kernel made one: −0, a subnormal, ±∞, NaN, the largest float.
      const specials = [-0, 1e-40, Infinity, -Infinity, NaN, 3.4028234663852886e38];
      for (const cols of [0, 1, 5]) {
        const src = rng.array(n * cols + 3, -10, 10); // 3 floats past the last row, never read
        for (let i = 0; i < specials.length && i < n * cols; i++) src[rng.int(n * cols)] = specials[i];
        const src0 = src.slice();
        for (const [start, count] of [[0, 0], [4, 0], [0, 1], [3, 1], [0, 12], [3, 9], [5, 20]]) {
          const where = `gatherRows cols=${cols} start=${start} count=${count}`;
          // Entries outside [start, start + count) point far out of range: reading one shows.
          const indices = new Int32Array(start + count + 2).fill(1 << 20);
          for (let i = 0; i < count; i++) indices[start + i] = i > 0 && i % 4 === 0 ? indices[start + i - 1] : rng.int(n);
          const indices0 = indices.slice();
          const dst = withTail(count * cols);
          dst.fill(NaN, 0, count * cols);
          backend.gatherRows(src, cols, indices, start, count, dst);
          expectSameBits(where, dst.subarray(0, count * cols), refGatherRows(src0, cols, indices0, start, count));
          expectTail(where, dst, count * cols);
          expectSameBits(`${where}: src`, src, src0);
          expect(Array.from(indices), where).toEqual(Array.from(indices0));
        }
      }
    });
  });

  describe('optimizers', () => {
    const LENGTHS = [0, 1, 7, 1000];
    const STEPS = 4;

    it('compute the documented examples', () => {
      const w = Float32Array.of(1);
      const m = new Float32Array(1);
      const v = new Float32Array(1);
      backend.adam(w, Float32Array.of(2), m, v, 0.1, 0.9, 0.999, 1e-7, 1);
      expect(m[0]).toBeCloseTo(0.2, 6);
      expect(v[0]).toBeCloseTo(0.004, 8);
      expect(w[0]).toBeCloseTo(0.6838, 4);

      const ws = Float32Array.of(1);
      backend.sgd(ws, Float32Array.of(2), new Float32Array(0), 0.5, 0, false);
      expect(ws[0]).toBe(0);

      const wr = Float32Array.of(1);
      const vr = new Float32Array(1);
      backend.rmsprop(wr, Float32Array.of(2), vr, 0.1, 0.9, 1e-7);
      expect(vr[0]).toBeCloseTo(0.4, 6);
      expect(wr[0]).toBeCloseTo(0.684, 3);
    });

    // The keras form (vScale 1, ε 1e-7, state from zero) and the paper form with a large ε, from a
    // random state: with ε = 1e-3 ≫ sqrt(v) for the small gradients, ε's place in the formula shows.
    const ADAM: Array<[string, { lr: number; b1: number; b2: number; eps: number; keras: boolean; fromZero: boolean }]> = [
      ['keras form from zero state', { lr: 1e-2, b1: 0.9, b2: 0.999, eps: 1e-7, keras: true, fromZero: true }],
      ['paper form, large epsilon, random state', { lr: 5e-2, b1: 0.8, b2: 0.99, eps: 1e-3, keras: false, fromZero: false }],
    ];
    it.each(ADAM)('adam matches the float64 formula step by step (%s)', (_label, cfg) => {
      const rng = new Rng(1100 + (cfg.keras ? 0 : 1));
      for (const n of LENGTHS) {
        const w = rng.array(n);
        const m = cfg.fromZero ? new Float32Array(n) : rng.array(n, -0.1, 0.1);
        const v = cfg.fromZero ? new Float32Array(n) : rng.array(n, 0, 0.01);
        for (let t = 1; t <= STEPS; t++) {
          const where = `adam n=${n} step ${t}`;
          const bc1 = 1 - cfg.b1 ** t;
          const bc2 = 1 - cfg.b2 ** t;
          const alpha = cfg.keras ? (cfg.lr * Math.sqrt(bc2)) / bc1 : cfg.lr / bc1;
          const vScale = cfg.keras ? 1 : 1 / Math.sqrt(bc2);
          const g = rng.gradient(n);
          const [w0, g0, m0, v0] = [w.slice(), g.slice(), m.slice(), v.slice()];
          backend.adam(w, g, m, v, alpha, cfg.b1, cfg.b2, cfg.eps, vScale);
          const want = refAdam(w0, g0, m0, v0, alpha, cfg.b1, cfg.b2, cfg.eps, vScale);
          expectStep(`${where}: m`, m, want.m, OPT_REL);
          expectStep(`${where}: v`, v, want.v, OPT_REL);
          expectStep(`${where}: w`, w, want.w, OPT_REL);
          expectSameBits(`${where}: g`, g, g0);
        }
      }
    });

    const SGD: Array<[string, number, boolean]> = [
      ['plain (momentum 0, u empty)', 0, false],
      ['momentum 0.9', 0.9, false],
      ['nesterov momentum 0.9', 0.9, true],
    ];
    it.each(SGD)('sgd matches the float64 formula step by step (%s)', (_label, momentum, nesterov) => {
      const rng = new Rng(1200 + SGD.findIndex(([, m, n]) => m === momentum && n === nesterov));
      const lr = 0.1;
      for (const n of LENGTHS) {
        const w = rng.array(n);
        // Without momentum u is empty: a kernel that read it would get NaN or undefined in w.
        const u = momentum === 0 ? new Float32Array(0) : new Float32Array(n);
        for (let t = 1; t <= STEPS; t++) {
          const where = `sgd n=${n} step ${t}`;
          const g = rng.gradient(n);
          const [w0, g0, u0] = [w.slice(), g.slice(), u.slice()];
          backend.sgd(w, g, u, lr, momentum, nesterov);
          const want = refSgd(w0, g0, momentum === 0 ? null : u0, lr, momentum, nesterov);
          expectStep(`${where}: w`, w, want.w, OPT_REL);
          if (momentum === 0) expect(u.length, where).toBe(0);
          else expectStep(`${where}: u`, u, want.u, OPT_REL);
          expectSameBits(`${where}: g`, g, g0);
        }
      }
    });

    const RMSPROP: Array<[string, { lr: number; rho: number; eps: number; fromZero: boolean }]> = [
      ['keras defaults from zero state', { lr: 1e-2, rho: 0.9, eps: 1e-7, fromZero: true }],
      ['large epsilon, random state', { lr: 5e-2, rho: 0.5, eps: 1e-2, fromZero: false }],
    ];
    it.each(RMSPROP)('rmsprop matches the float64 formula step by step (%s)', (_label, cfg) => {
      const rng = new Rng(1300 + (cfg.fromZero ? 0 : 1));
      for (const n of LENGTHS) {
        const w = rng.array(n);
        const v = cfg.fromZero ? new Float32Array(n) : rng.array(n, 0, 0.01);
        for (let t = 1; t <= STEPS; t++) {
          const where = `rmsprop n=${n} step ${t}`;
          const g = rng.gradient(n);
          const [w0, g0, v0] = [w.slice(), g.slice(), v.slice()];
          backend.rmsprop(w, g, v, cfg.lr, cfg.rho, cfg.eps);
          const want = refRmsprop(w0, g0, v0, cfg.lr, cfg.rho, cfg.eps);
          expectStep(`${where}: v`, v, want.v, OPT_REL);
          expectStep(`${where}: w`, w, want.w, OPT_REL);
          expectSameBits(`${where}: g`, g, g0);
        }
      }
    });
  });
});

/** A [rows, cols] row-major matrix stored transposed ([cols, rows]). */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}
