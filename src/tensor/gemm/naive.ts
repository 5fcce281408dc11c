import { checkGemmArgs } from './check.js';

/**
 * Rung 0 of the GEMM ladder: the textbook triple loop. Every other rung is tested against it.
 *
 * `C[M,N] = beta·C + op(A)·op(B)`, with `C[i,j] = Σp op(A)[i,p]·op(B)[p,j]`.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 *
 * The transposes are handled by strides: op(A)[i,p] sits at `i·sAi + p·sAp`, so one loop serves
 * all four variants. The sum is kept in a JS number (a double) and rounded to float32 once.
 * For large shapes this is slow: the inner loop walks down a column of op(B), touching a new
 * cache line for every p.
 *
 * @example
 * const C = new Float32Array(4);
 * gemmNaive(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C);
 * // C = [19, 22, 43, 50]
 */
export function gemmNaive(
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
  checkGemmArgs('gemmNaive', transA, transB, M, N, K, A, B, beta, C);
  const sAi = transA ? 1 : K; // step in A when i advances
  const sAp = transA ? M : 1; // step in A when p advances
  const sBp = transB ? 1 : N; // step in B when p advances
  const sBj = transB ? K : 1; // step in B when j advances
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let p = 0; p < K; p++) sum += A[i * sAi + p * sAp] * B[p * sBp + j * sBj];
      C[i * N + j] = beta === 0 ? sum : C[i * N + j] + sum;
    }
  }
}
