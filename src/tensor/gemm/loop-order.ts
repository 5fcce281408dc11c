import { checkGemmArgs } from './check.js';

/**
 * Rung 1 of the GEMM ladder: the same arithmetic as the naive loop, in a cache-friendly order.
 *
 * `C[M,N] = beta·C + op(A)·op(B)`.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 *
 * The order depends on how B is stored, so that the inner loop always walks memory with step 1:
 * - **NN and TN (B stored [K, N]): ikj.** For each row i and each p, add `op(A)[i,p]·B[p,:]` to
 *   `C[i,:]`. The inner loop streams a row of B and a row of C (an "axpy"), instead of the naive
 *   loop's walk down a column of B. For TN, op(A)[i,p] = A[p,i] is one scalar per (i, p), so the
 *   transpose costs nothing in the inner loop.
 * - **NT and TT (B stored [N, K]): ijp, a dot product.** op(B)'s column j is B's row j, which is
 *   contiguous, so `C[i,j] = A[i,:]·B[j,:]` reads two contiguous rows (NT). This is the natural
 *   loop order for A·Bᵀ (backprop's dX = dZ·Wᵀ). TT reads A with step M; nothing in backprop
 *   uses it, it is here so that every rung accepts every variant.
 *
 * The ikj form accumulates into C in float32 after every p; the dot form sums in a double.
 *
 * @example
 * const C = new Float32Array(4);
 * gemmLoopOrder(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C);
 * // C = [19, 22, 43, 50]
 */
export function gemmLoopOrder(
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
  checkGemmArgs('gemmLoopOrder', transA, transB, M, N, K, A, B, beta, C);
  const sAi = transA ? 1 : K; // step in A when i advances
  const sAp = transA ? M : 1; // step in A when p advances
  if (!transB) {
    // ikj: C[i,:] += op(A)[i,p] · B[p,:]
    for (let i = 0; i < M; i++) {
      const ci = i * N;
      if (beta === 0) C.fill(0, ci, ci + N);
      for (let p = 0; p < K; p++) {
        const a = A[i * sAi + p * sAp];
        const bp = p * N;
        for (let j = 0; j < N; j++) C[ci + j] += a * B[bp + j];
      }
    }
  } else {
    // ijp: C[i,j] = op(A)[i,:] · B[j,:]  (B's row j is op(B)'s column j)
    for (let i = 0; i < M; i++) {
      const ai = i * sAi;
      const ci = i * N;
      for (let j = 0; j < N; j++) {
        const bj = j * K;
        let sum = 0;
        for (let p = 0; p < K; p++) sum += A[ai + p * sAp] * B[bj + p];
        C[ci + j] = beta === 0 ? sum : C[ci + j] + sum;
      }
    }
  }
}
