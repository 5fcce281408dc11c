import { checkGemmArgs } from './check.js';

/**
 * Rung 3″ of the GEMM ladder: rung 3's 3×4 micro-kernel run straight on A and B, without packing.
 *
 * `C[M,N] = beta·C + op(A)·op(B)`.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 *
 * Packing copies (M + N)·K values to save cache misses; when A and B together fit in L1, as they
 * do for every product of the MLP at batch 32 (at most 2,048 + 4,096 floats), there are no misses
 * to save and the copy is pure overhead: ~5% of each product when M = 32. This rung reads the
 * same 3×4 tile of C as rung 3, from A and B in place. `op(A)[i,p]` is at `i·sAi + p·sAp`, so
 * the three rows of a tile are three strided streams (step 1 in A's rows, or step M when transA);
 * the four columns of B are four adjacent values a row of B apart (step N), or, when transB,
 * four streams with step 1. Each layout of B has its own kernel, so that B's offsets are literals
 * (measured: with all four offsets in variables the kernel ran ~10% slower).
 *
 * Edges: the last 1 or 2 rows run the full 3-row tile with the missing rows pointing at a real
 * row (computed, then not written), and the last N % 4 columns are plain dot products.
 *
 * Measured on Node 20 (x86-64), rung 3 vs this rung, µs: 32×64×50 NN 34 vs 32; 32×64×64 NN 43 vs
 * 41; 50×64×32 TN 34 vs 32; 64×64×32 TN 44 vs 42; 32×64×64 NT 43 vs 42. From 256×64×64 up rung 3
 * is as fast or faster (up to 8% at 128³ NT), so `gemm` uses this rung only when A and B fit in
 * L1 (see DIRECT_MAX_FLOATS in index.ts).
 *
 * @example
 * const C = new Float32Array(4);
 * gemmDirect(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C);
 * // C = [19, 22, 43, 50]
 */
export function gemmDirect(
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
  checkGemmArgs('gemmDirect', transA, transB, M, N, K, A, B, beta, C);
  const sAi = transA ? 1 : K; // step in A when i advances
  const sAp = transA ? M : 1; // step in A when p advances
  const sBp = transB ? 1 : N; // step in B when p advances
  const sBj = transB ? K : 1; // step in B when j advances
  const acc = beta === 1;
  const N4 = N - (N % 4);
  for (let i = 0; i < M; i += 3) {
    const mr = Math.min(3, M - i);
    // Offsets of rows i+1 and i+2 from row i; a missing row reuses the last real one.
    const o1 = mr > 1 ? sAi : 0;
    const o2 = mr > 2 ? 2 * sAi : o1;
    const ia = i * sAi;
    for (let j = 0; j < N4; j += 4) {
      if (transB) tileBt(K, A, ia, o1, o2, sAp, B, j * K, C, i * N + j, N, mr, acc);
      else tileB(K, A, ia, o1, o2, sAp, B, j, N, C, i * N + j, mr, acc);
    }
    // The last N % 4 columns: one dot product per element.
    for (let r = 0; r < mr; r++) {
      for (let j = N4; j < N; j++) {
        let s = 0;
        for (let p = 0, a = ia + r * sAi, b = j * sBj; p < K; p++, a += sAp, b += sBp) s += A[a] * B[b];
        const ci = (i + r) * N + j;
        C[ci] = acc ? C[ci] + s : s;
      }
    }
  }
}

/**
 * B stored [K, N] (not transposed): C[ci + r·N + c] (+)= Σp A[ia + o_r + p·sAp] · B[ib + p·N + c],
 * r < mr, c < 4, with o_0 = 0, o_1 = o1, o_2 = o2. Only the first mr rows are written.
 */
function tileB(
  K: number,
  A: Float32Array,
  ia: number,
  o1: number,
  o2: number,
  sAp: number,
  B: Float32Array,
  ib: number,
  N: number,
  C: Float32Array,
  ci: number,
  mr: number,
  acc: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let p = 0; p < K; p++, ia += sAp, ib += N) {
    const a0 = A[ia], a1 = A[ia + o1], a2 = A[ia + o2];
    const b0 = B[ib], b1 = B[ib + 1], b2 = B[ib + 2], b3 = B[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
  }
  writeTile(C, ci, N, mr, acc, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23);
}

/**
 * B stored [N, K] (transposed): C[ci + r·N + c] (+)= Σp A[ia + o_r + p·sAp] · B[ib + c·K + p],
 * r < mr, c < 4. Only the first mr rows are written.
 */
function tileBt(
  K: number,
  A: Float32Array,
  ia: number,
  o1: number,
  o2: number,
  sAp: number,
  B: Float32Array,
  ib: number,
  C: Float32Array,
  ci: number,
  N: number,
  mr: number,
  acc: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  const ib1 = ib + K, ib2 = ib1 + K, ib3 = ib2 + K;
  for (let p = 0; p < K; p++, ia += sAp) {
    const a0 = A[ia], a1 = A[ia + o1], a2 = A[ia + o2];
    const b0 = B[ib + p], b1 = B[ib1 + p], b2 = B[ib2 + p], b3 = B[ib3 + p];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
  }
  writeTile(C, ci, N, mr, acc, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23);
}

/** Writes (acc: adds) the first mr rows of a 3×4 tile to C at ci, rows ldc apart. */
function writeTile(
  C: Float32Array,
  i0: number,
  ldc: number,
  mr: number,
  acc: boolean,
  c00: number, c01: number, c02: number, c03: number,
  c10: number, c11: number, c12: number, c13: number,
  c20: number, c21: number, c22: number, c23: number,
): void {
  const i1 = i0 + ldc, i2 = i1 + ldc;
  if (acc) {
    C[i0] += c00; C[i0 + 1] += c01; C[i0 + 2] += c02; C[i0 + 3] += c03;
    if (mr > 1) { C[i1] += c10; C[i1 + 1] += c11; C[i1 + 2] += c12; C[i1 + 3] += c13; }
    if (mr > 2) { C[i2] += c20; C[i2 + 1] += c21; C[i2 + 2] += c22; C[i2 + 3] += c23; }
  } else {
    C[i0] = c00; C[i0 + 1] = c01; C[i0 + 2] = c02; C[i0 + 3] = c03;
    if (mr > 1) { C[i1] = c10; C[i1 + 1] = c11; C[i1 + 2] = c12; C[i1 + 3] = c13; }
    if (mr > 2) { C[i2] = c20; C[i2 + 1] = c21; C[i2 + 2] = c22; C[i2 + 3] = c23; }
  }
}
