import { checkGemmArgs } from './check.js';

/**
 * Rung 3′ of the GEMM ladder: a register tile like rung 3's, without packing or scratch.
 *
 * `C[M,N] = beta·C + op(A)·op(B)`.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 *
 * Packing pays off when each packed value is reused many times from registers and cache. It
 * does not when the problem is tiny (16³), when K is too short to amortize the copy (the outer
 * product dZ·Wᵀ with K = 1), or when M or N is so thin that the zero-padded panels are mostly
 * padding (the MLP's output layer, N = 1). For those, this rung runs a 4×4 tile of C, held in 16
 * local variables, straight over A and B. `op(A)[i,p]` is at `i·sAi + p·sAp` and `op(B)[p,j]` at
 * `p·sBp + j·sBj`: the strides absorb the transposes, as packing does in rung 3. Rows and columns
 * past the last multiple of 4 get 4×1, 1×4 and 1×1 tiles, so nothing is padded.
 *
 * Measured with bench/gemm.ts (Node 20): 5.4–5.9 GFLOPS from 32³ to 1024³ (3.3–6× naive);
 * rung 3 is 10–20% faster from about 48³ up, so `gemm` sends only tiny and thin shapes here
 * (see usesPacking).
 * With strided loads, 4×4, 4×3 and 3×4 tiles measured the same to within noise; 4 divides the
 * MLP's batch sizes (32, 256), so its layers need no edge tiles.
 *
 * @example
 * const C = new Float32Array(4);
 * gemmSmall(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C);
 * // C = [19, 22, 43, 50]
 */
export function gemmSmall(
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
  checkGemmArgs('gemmSmall', transA, transB, M, N, K, A, B, beta, C);
  const sAi = transA ? 1 : K; // step in A when i advances
  const sAp = transA ? M : 1; // step in A when p advances
  const sBp = transB ? 1 : N; // step in B when p advances
  const sBj = transB ? K : 1; // step in B when j advances
  const acc = beta === 1;
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  // Whole 4-row strips: 4×4 tiles, then 4×1 tiles for the last N % 4 columns.
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N4; j += 4) tile4x4(K, A, i * sAi, sAi, sAp, B, j * sBj, sBj, sBp, C, i * N + j, N, acc);
    for (let j = N4; j < N; j++) tile4x1(K, A, i * sAi, sAi, sAp, B, j * sBj, sBp, C, i * N + j, N, acc);
  }
  // The last M % 4 rows, one at a time: 1×4 tiles, then 1×1.
  for (let i = M4; i < M; i++) {
    for (let j = 0; j < N4; j += 4) tile1x4(K, A, i * sAi, sAp, B, j * sBj, sBj, sBp, C, i * N + j, acc);
    for (let j = N4; j < N; j++) tile1x1(K, A, i * sAi, sAp, B, j * sBj, sBp, C, i * N + j, acc);
  }
}

/** C[ci + r·ldc + c] (+)= Σp A[ia + r·sAi + p·sAp] · B[ib + c·sBj + p·sBp], for r, c < 4. */
function tile4x4(
  K: number,
  A: Float32Array,
  ia: number,
  sAi: number,
  sAp: number,
  B: Float32Array,
  ib: number,
  sBj: number,
  sBp: number,
  C: Float32Array,
  ci: number,
  ldc: number,
  acc: boolean,
): void {
  const a1 = sAi, a2 = 2 * sAi, a3 = 3 * sAi;
  const b1 = sBj, b2 = 2 * sBj, b3 = 3 * sBj;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < K; p++, ia += sAp, ib += sBp) {
    const x0 = A[ia], x1 = A[ia + a1], x2 = A[ia + a2], x3 = A[ia + a3];
    const y0 = B[ib], y1 = B[ib + b1], y2 = B[ib + b2], y3 = B[ib + b3];
    c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
    c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
    c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
    c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
  }
  const i0 = ci, i1 = ci + ldc, i2 = i1 + ldc, i3 = i2 + ldc;
  if (acc) {
    C[i0] += c00; C[i0 + 1] += c01; C[i0 + 2] += c02; C[i0 + 3] += c03;
    C[i1] += c10; C[i1 + 1] += c11; C[i1 + 2] += c12; C[i1 + 3] += c13;
    C[i2] += c20; C[i2 + 1] += c21; C[i2 + 2] += c22; C[i2 + 3] += c23;
    C[i3] += c30; C[i3 + 1] += c31; C[i3 + 2] += c32; C[i3 + 3] += c33;
  } else {
    C[i0] = c00; C[i0 + 1] = c01; C[i0 + 2] = c02; C[i0 + 3] = c03;
    C[i1] = c10; C[i1 + 1] = c11; C[i1 + 2] = c12; C[i1 + 3] = c13;
    C[i2] = c20; C[i2 + 1] = c21; C[i2 + 2] = c22; C[i2 + 3] = c23;
    C[i3] = c30; C[i3 + 1] = c31; C[i3 + 2] = c32; C[i3 + 3] = c33;
  }
}

/** One column of C, four rows: C[ci + r·ldc] (+)= Σp A[ia + r·sAi + p·sAp] · B[ib + p·sBp], r < 4. */
function tile4x1(
  K: number,
  A: Float32Array,
  ia: number,
  sAi: number,
  sAp: number,
  B: Float32Array,
  ib: number,
  sBp: number,
  C: Float32Array,
  ci: number,
  ldc: number,
  acc: boolean,
): void {
  const a1 = sAi, a2 = 2 * sAi, a3 = 3 * sAi;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (let p = 0; p < K; p++, ia += sAp, ib += sBp) {
    const y = B[ib];
    c0 += A[ia] * y; c1 += A[ia + a1] * y; c2 += A[ia + a2] * y; c3 += A[ia + a3] * y;
  }
  if (acc) {
    C[ci] += c0; C[ci + ldc] += c1; C[ci + 2 * ldc] += c2; C[ci + 3 * ldc] += c3;
  } else {
    C[ci] = c0; C[ci + ldc] = c1; C[ci + 2 * ldc] = c2; C[ci + 3 * ldc] = c3;
  }
}

/** One row of C, four columns: C[ci + c] (+)= Σp A[ia + p·sAp] · B[ib + c·sBj + p·sBp], c < 4. */
function tile1x4(
  K: number,
  A: Float32Array,
  ia: number,
  sAp: number,
  B: Float32Array,
  ib: number,
  sBj: number,
  sBp: number,
  C: Float32Array,
  ci: number,
  acc: boolean,
): void {
  const b1 = sBj, b2 = 2 * sBj, b3 = 3 * sBj;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (let p = 0; p < K; p++, ia += sAp, ib += sBp) {
    const x = A[ia];
    c0 += x * B[ib]; c1 += x * B[ib + b1]; c2 += x * B[ib + b2]; c3 += x * B[ib + b3];
  }
  if (acc) {
    C[ci] += c0; C[ci + 1] += c1; C[ci + 2] += c2; C[ci + 3] += c3;
  } else {
    C[ci] = c0; C[ci + 1] = c1; C[ci + 2] = c2; C[ci + 3] = c3;
  }
}

/** One element of C: C[ci] (+)= Σp A[ia + p·sAp] · B[ib + p·sBp]. */
function tile1x1(
  K: number,
  A: Float32Array,
  ia: number,
  sAp: number,
  B: Float32Array,
  ib: number,
  sBp: number,
  C: Float32Array,
  ci: number,
  acc: boolean,
): void {
  let s = 0;
  for (let p = 0; p < K; p++, ia += sAp, ib += sBp) s += A[ia] * B[ib];
  C[ci] = acc ? C[ci] + s : s;
}
