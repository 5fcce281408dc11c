/**
 * The GEMM ladder, and `gemm`, the rung the neural-net layers call.
 *
 * Every rung computes `C[M,N] = beta·C + op(A)·op(B)` with the same argument order:
 * `(transA, transB, M, N, K, A, B, beta, C, ...scratch)`. Read them in order:
 * - rung 0, naive.ts: the triple loop, the reference for all the tests;
 * - rung 1, loop-order.ts: the same loops reordered so the inner loop walks memory with step 1;
 * - rung 2, blocked.ts: rung 1 cut into cache-sized blocks;
 * - rung 3, packed.ts: BLIS: five loops, packed panels, a register-tiled micro-kernel;
 * - rung 3′, small.ts: a 4×4 register tile straight on A and B, without packing (for tiny and
 *   thin shapes, where packing does not pay);
 * - rung 3″, direct.ts: rung 3's 3×4 micro-kernel straight on A and B, without packing (for
 *   shapes whose A and B fit in L1, such as the MLP's products at batch 32);
 * - rung 4, sparse.ts: for any shape rung 3 or 3″ would take, when op(A) is mostly zeros (one-hot
 *   inputs, relu outputs and their gradients): it lists each row's nonzeros and multiplies only those.
 */
import { checkGemmArgs } from './check.js';
import { gemmDirect } from './direct.js';
import { gemmPacked, packedScratchFloats } from './packed.js';
import { gemmSparseA, sparseScratchFloats } from './sparse.js';
import { gemmSmall } from './small.js';

export { checkGemmArgs } from './check.js';
export { gemmNaive } from './naive.js';
export { gemmLoopOrder } from './loop-order.js';
export { gemmBlocked, BLOCKED_KB, BLOCKED_NB } from './blocked.js';
export { gemmPacked, packedScratchFloats, MR, NR, KC, MC, NC } from './packed.js';
export { gemmSmall } from './small.js';
export { gemmDirect } from './direct.js';
export { gemmSparseA, sparseScratchFloats } from './sparse.js';

/**
 * When gemm packs. Measured on Node 20 (x86-64), unpacked (rung 3′) vs packed (rung 3) GFLOPS:
 * - packing wins from about 48³ up (by 10–20% at 128³ and beyond), and at the MLP's batch-32
 *   shapes by 0–10% (e.g. Xᵀ·dZ, M=51 N=64 K=32: 33.8 vs 37.6 µs);
 * - at 32³ they tie; at 16³ the unpacked tile is 1.3× faster, at 8³ 1.8×;
 * - when M or N is below ~24 (e.g. [4, 256]·[256, 256], or N = 1 for the output layer) packed
 *   panels are mostly zero padding: unpacked is up to 2× (N = 1: 4×) faster;
 * - when K is below ~16 (e.g. the outer product dZ3·W3ᵀ, K = 1) the copy is not amortized.
 */
export const PACKING_MIN_MN = 24;
/** See PACKING_MIN_MN. */
export const PACKING_MIN_K = 16;
/** See PACKING_MIN_MN: below M·N·K = 65,536 (≈ 40³) the unpacked tile is at least as fast. */
export const PACKING_MIN_WORK = 65536;
/**
 * Among the shapes big enough for rung 3 (see PACKING_MIN_MN), those with op(A) and op(B)
 * together at most this many floats (32 KiB, an L1 data cache) go to rung 3″ instead: their
 * operands stay in L1 unpacked, so the packing copy is pure overhead. Measured on Node 20: rung 3″
 * is 2–7% faster on every MLP product at batch 32 (at most 2,048 + 4,096 floats), the same at
 * 256×64×50 (16,000 floats), and up to 8% slower at 128³ (32,768 floats).
 */
export const DIRECT_MAX_FLOATS = 8192;

/**
 * When gemm skips zeros: for a shape that rung 3 or 3″ would take, op(A) goes to rung 4
 * (gemmSparseA) when at most this fraction of it is nonzero. Measured on Node 20, µs, rung 3″ / rung 4:
 *
 *   nonzeros   32×64×50 NN   32×64×64 NN   64×64×32 TN   32×64×64 NT
 *   30%        33 / 17       42 / 21       43 / 24       46 / 27
 *   50%        35 / 27       43 / 34       44 / 34       44 / 40
 *   60%        34 / 30       43 / 39       44 / 40       45 / 45
 *   80%        34 / 40       43 / 50       44 / 51       47 / 58
 *
 * and rung 3 / rung 4 at 30%, 50%, 60% nonzeros: 256×64×50 NN 263/135, 262/213, 264/242;
 * 50×64×256 TN 260/133, 261/209, 259/246; 256×64×64 NT 328/201, 329/304, 326/353;
 * 128³ NN 638/312, 642/524, 636/602.
 * In the bank pipeline X is 30% nonzero and each relu layer's output about 50%.
 */
export const SPARSE_MAX_DENSITY = 0.6;

/** Whether the shape is big and square enough for the 3×4 tile of rung 3 or 3″ (see PACKING_MIN_MN). */
function tiledShape(M: number, N: number, K: number): boolean {
  return M >= PACKING_MIN_MN && N >= PACKING_MIN_MN && K >= PACKING_MIN_K && M * N * K >= PACKING_MIN_WORK;
}

/**
 * Whether gemm takes the packed rung (3) for this shape when op(A) is dense; otherwise it takes
 * rung 3″ (see usesDirect) or the unpacked 4×4 tile (rung 3′). A mostly-zero op(A) goes to rung 4
 * instead of 3 or 3″ (see SPARSE_MAX_DENSITY).
 *
 * @example
 * usesPacking(128, 128, 128); // true
 * usesPacking(32, 64, 50);    // false: the MLP's first layer at batch 32 fits in L1 (rung 3″)
 * usesPacking(32, 1, 64);     // false: the output layer, N = 1 (rung 3′)
 */
export function usesPacking(M: number, N: number, K: number): boolean {
  return tiledShape(M, N, K) && M * K + K * N > DIRECT_MAX_FLOATS;
}

/**
 * Whether gemm takes rung 3″ (the 3×4 tile on unpacked operands) for this shape.
 *
 * @example
 * usesDirect(32, 64, 50);    // true: 32·50 + 50·64 = 4,800 floats fit in L1
 * usesDirect(128, 128, 128); // false: packed
 * usesDirect(32, 1, 64);     // false: thin, rung 3′
 */
export function usesDirect(M: number, N: number, K: number): boolean {
  return tiledShape(M, N, K) && M * K + K * N <= DIRECT_MAX_FLOATS;
}

/**
 * The minimum scratch length (in floats) that `gemm` needs for this shape: the packed rung's
 * scratch when gemm packs, and 0 when it does not.
 *
 * @example
 * gemmScratchFloats(32, 1, 64);    // 0: the unpacked tiles need none
 * gemmScratchFloats(32, 64, 50);   // 100: rung 4's 2K (rung 3″ needs none)
 * gemmScratchFloats(128, 128, 128); // the larger of rung 4's 2K and packedScratchFloats(128, 128, 128) = 128·126 + 128·128 + 12 = 32524
 */
export function gemmScratchFloats(M: number, N: number, K: number): number {
  if (!tiledShape(M, N, K)) return 0;
  const sparse = mayUseSparse(N, K) ? sparseScratchFloats(K) : 0;
  return Math.max(usesPacking(M, N, K) ? packedScratchFloats(M, N, K) : 0, sparse);
}

/** Whether rung 4 can take the shape: its float32 offsets into B, up to K·N, must be exact. */
function mayUseSparse(N: number, K: number): boolean {
  return K * N < 2 ** 24;
}

/** The number of nonzero (or NaN) values in a, without a branch per value. */
function countNonzero(a: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += +(a[i] !== 0);
  return n;
}

/**
 * `C[M,N] = beta·C + op(A)·op(B)` by the fastest rung for the shape; what the layers call.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 * - scratch: at least `gemmScratchFloats(M, N, K)` floats (0 for thin or tiny shapes); overwritten.
 *   Enough for any shape gemm is asked for, even if the density of op(A) decides the rung.
 *   A model can size one scratch for the largest of its products and share it.
 *
 * Backprop uses three variants: `Y = X·W` (NN), `dW = Xᵀ·dZ` (TN) and `dX = dZ·Wᵀ` (NT).
 * Tiny or thin shapes go to gemmSmall. Of the others, those whose op(A) is mostly zeros go to
 * gemmSparseA (gemm counts them first; see SPARSE_MAX_DENSITY), and the rest to gemmDirect when
 * the operands fit in L1 (see usesDirect), else to gemmPacked. Every rung adds the products in
 * the same order, so the choice changes the speed, not C (except with Inf/NaN in op(B), see
 * sparse.ts); only gemmPacked, for K > KC, rounds to float32 between depth blocks.
 *
 * @example
 * const C = new Float32Array(4);
 * gemm(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C, new Float32Array(0));
 * // C = [19, 22, 43, 50]
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  beta: 0 | 1,
  C: Float32Array,
  scratch: Float32Array,
): void {
  checkGemmArgs('gemm', transA, transB, M, N, K, A, B, beta, C); // so errors say "gemm:"
  if (!tiledShape(M, N, K)) {
    gemmSmall(transA, transB, M, N, K, A, B, beta, C);
    return;
  }
  const need = gemmScratchFloats(M, N, K);
  if (scratch.length < need) {
    throw new RangeError(
      `gemm: scratch has ${scratch.length} floats, M=${M}, N=${N}, K=${K} needs ${need} (use gemmScratchFloats)`,
    );
  }
  if (mayUseSparse(N, K) && countNonzero(A) <= SPARSE_MAX_DENSITY * M * K) {
    gemmSparseA(transA, transB, M, N, K, A, B, beta, C, scratch);
  } else if (usesDirect(M, N, K)) {
    gemmDirect(transA, transB, M, N, K, A, B, beta, C);
  } else {
    gemmPacked(transA, transB, M, N, K, A, B, beta, C, scratch);
  }
}
