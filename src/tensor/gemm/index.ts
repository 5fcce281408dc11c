/**
 * The GEMM ladder, and `gemm`, the rung the neural-net layers call.
 *
 * Every rung computes `C[M,N] = beta·C + op(A)·op(B)` with the same argument order:
 * `(transA, transB, M, N, K, A, B, beta, C, ...scratch)`. Read them in order:
 * - rung 0, naive.ts: the triple loop, the reference for all the tests;
 * - rung 1, loop-order.ts: the same loops reordered so the inner loop walks memory with step 1;
 * - rung 2, blocked.ts: rung 1 cut into cache-sized blocks;
 * - rung 3, packed.ts: BLIS: five loops, packed panels, a register-tiled micro-kernel;
 * - rung 3′, small.ts: rung 3's register tile straight on A and B, without packing.
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
 * Below this many rows or columns of C, gemm skips packing (see usesPacking).
 * Measured with bench/gemm.ts on Node 20: packing starts to pay off (by 3–10%) once both M and N
 * reach about 128; below that, and for thin shapes such as [1024, 64] or [4, 1024], the copy costs
 * more than it saves, and the unpacked 4×4 tile wins by up to 2×.
 */
export const PACKING_MIN_MN = 128;
/** Below this depth the packed panels are too thin to amortize the copy (K = 4: unpacked is ~10% faster). */
export const PACKING_MIN_K = 32;

/**
 * Whether gemm takes the packed rung for this shape (true) or the unpacked register tile (false).
 *
 * @example
 * usesPacking(32, 64, 51);    // false: the MLP's batch-32 layers fit in L1, packing is overhead
 * usesPacking(512, 512, 512); // true
 */
export function usesPacking(M: number, N: number, K: number): boolean {
  return M >= PACKING_MIN_MN && N >= PACKING_MIN_MN && K >= PACKING_MIN_K;
}

/**
 * The minimum scratch length (in floats) that `gemm` needs for this shape: the packed rung's
 * scratch when gemm packs, and 0 when it does not (so small layers need no scratch at all).
 *
 * @example
 * gemmScratchFloats(32, 64, 51);    // 0
 * gemmScratchFloats(512, 512, 512); // packedScratchFloats(512, 512, 512)
 */
export function gemmScratchFloats(M: number, N: number, K: number): number {
  return usesPacking(M, N, K) ? packedScratchFloats(M, N, K) : 0;
}

/**
 * `C[M,N] = beta·C + op(A)·op(B)` by the fastest rung for the shape; what the layers call.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 * - scratch: at least `gemmScratchFloats(M, N, K)` floats (0 for small shapes); overwritten.
 *
 * Backprop uses three variants: `Y = X·W` (NN), `dW = Xᵀ·dZ` (TN) and `dX = dZ·Wᵀ` (NT).
 * Large shapes (see usesPacking) go to gemmPacked, the rest to gemmSmall.
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
