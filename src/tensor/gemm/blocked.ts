import { checkGemmArgs } from './check.js';

/** Columns of C (and of op(B)) per block: a row segment of C, NB floats, stays in L1. */
export const BLOCKED_NB = 256;
/** Depth per block: a KB×NB block of op(B) (128 KiB of float32) stays in L2 while every row of A uses it. */
export const BLOCKED_KB = 128;

/**
 * Rung 2 of the GEMM ladder: rung 1's loops, cut into cache-sized blocks.
 *
 * `C[M,N] = beta·C + op(A)·op(B)`.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 *
 * Rung 1 streams all of B once per row of C; once B is bigger than the cache, every row reloads
 * it from memory. Here the (p, j) plane is cut into KB×NB blocks: for each block, every row i
 * runs the rung-1 inner loop over that block only, so the block is read from memory once and
 * then from cache M times. C is zeroed first when beta is 0, then every block accumulates.
 * - NN, TN: ikj inside the block, `C[i, jj:jj+NB] += op(A)[i,p] · B[p, jj:jj+NB]`.
 * - NT, TT: dot products inside the block, `C[i,j] += op(A)[i, pp:pp+KB] · B[j, pp:pp+KB]`.
 *
 * @example
 * const C = new Float32Array(4);
 * gemmBlocked(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C);
 * // C = [19, 22, 43, 50]
 */
export function gemmBlocked(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  beta: 0 | 1,
  C: Float32Array,
): void {
  checkGemmArgs('gemmBlocked', transA, transB, M, N, K, A, B, beta, C);
  if (beta === 0) C.fill(0);
  const sAi = transA ? 1 : K; // step in A when i advances
  const sAp = transA ? M : 1; // step in A when p advances
  for (let jj = 0; jj < N; jj += BLOCKED_NB) {
    const jEnd = Math.min(jj + BLOCKED_NB, N);
    for (let pp = 0; pp < K; pp += BLOCKED_KB) {
      const pEnd = Math.min(pp + BLOCKED_KB, K);
      if (!transB) {
        // ikj over the block: C[i, jj:jEnd] += op(A)[i,p] · B[p, jj:jEnd]
        for (let i = 0; i < M; i++) {
          const ci = i * N;
          for (let p = pp; p < pEnd; p++) {
            const a = A[i * sAi + p * sAp];
            const bp = p * N;
            for (let j = jj; j < jEnd; j++) C[ci + j] += a * B[bp + j];
          }
        }
      } else {
        // dot products over the block: C[i,j] += op(A)[i, pp:pEnd] · B[j, pp:pEnd]
        for (let i = 0; i < M; i++) {
          const ai = i * sAi;
          const ci = i * N;
          for (let j = jj; j < jEnd; j++) {
            const bj = j * K;
            let sum = 0;
            for (let p = pp; p < pEnd; p++) sum += A[ai + p * sAp] * B[bj + p];
            C[ci + j] += sum;
          }
        }
      }
    }
  }
}
