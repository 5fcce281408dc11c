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
 *   thin shapes, where packing does not pay).
 */
import { checkGemmArgs } from './check.js';
import { gemmPacked, packedScratchFloats } from './packed.js';
import { gemmSmall } from './small.js';

export { checkGemmArgs } from './check.js';
export { gemmNaive } from './naive.js';
export { gemmLoopOrder } from './loop-order.js';
export { gemmBlocked, BLOCKED_KB, BLOCKED_NB } from './blocked.js';
export { gemmPacked, packedScratchFloats, MR, NR, KC, MC, NC } from './packed.js';
export { gemmSmall } from './small.js';

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
 * Whether gemm takes the packed rung for this shape (true) or the unpacked register tile (false).
 *
 * @example
 * usesPacking(32, 64, 51); // true: the MLP's first layer at batch 32
 * usesPacking(32, 1, 64);  // false: the output layer, N = 1
 */
export function usesPacking(M: number, N: number, K: number): boolean {
  return M >= PACKING_MIN_MN && N >= PACKING_MIN_MN && K >= PACKING_MIN_K && M * N * K >= PACKING_MIN_WORK;
}

/**
 * The minimum scratch length (in floats) that `gemm` needs for this shape: the packed rung's
 * scratch when gemm packs, and 0 when it does not.
 *
 * @example
 * gemmScratchFloats(32, 1, 64);  // 0: the unpacked tile needs none
 * gemmScratchFloats(32, 64, 51); // packedScratchFloats(32, 64, 51) = 51·33 + 51·64 + 12 = 4959
 */
export function gemmScratchFloats(M: number, N: number, K: number): number {
  return usesPacking(M, N, K) ? packedScratchFloats(M, N, K) : 0;
}

/**
 * `C[M,N] = beta·C + op(A)·op(B)` by the fastest rung for the shape; what the layers call.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 * - scratch: at least `gemmScratchFloats(M, N, K)` floats (0 for thin or tiny shapes); overwritten.
 *   A model can size one scratch for the largest of its products and share it.
 *
 * Backprop uses three variants: `Y = X·W` (NN), `dW = Xᵀ·dZ` (TN) and `dX = dZ·Wᵀ` (NT).
 * Most shapes go to gemmPacked; tiny or thin ones (see usesPacking) to gemmSmall.
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
  if (usesPacking(M, N, K)) {
    const need = packedScratchFloats(M, N, K);
    if (scratch.length < need) {
      throw new RangeError(
        `gemm: scratch has ${scratch.length} floats, M=${M}, N=${N}, K=${K} needs ${need} (use gemmScratchFloats)`,
      );
    }
    gemmPacked(transA, transB, M, N, K, A, B, beta, C, scratch);
  } else {
    gemmSmall(transA, transB, M, N, K, A, B, beta, C);
  }
}
