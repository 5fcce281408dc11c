import { checkGemmArgs } from './check.js';

/** The scratch gemmSparseA needs: K values and K offsets, for one row of op(A) at a time. */
export function sparseScratchFloats(K: number): number {
  return 2 * K;
}

/**
 * Rung 4 of the GEMM ladder: the same product for an op(A) with many zeros, skipping them.
 *
 * `C[M,N] = beta·C + op(A)·op(B)`.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 * - scratch: at least `sparseScratchFloats(K)` = 2K floats; overwritten.
 *
 * In the MLP every product has a sparse op(A): the one-hot inputs X (70% zeros in the bank
 * data) in X·W and Xᵀ·dZ, and behind a relu its output A (Aᵀ·dZ, A·W) and dZ = dA ⊙ [A > 0]
 * (dZ·Wᵀ). For each row i of op(A) this rung first lists the nonzero op(A)[i,p] and their
 * offsets p·(step of B along p) in scratch, without a branch (each value is written at the
 * list's end, and the end moves on only if the value is not 0), then computes
 *   C[i, j..j+7] (+)= Σ over the list  op(A)[i,p] · op(B)[p, j..j+7]
 * with the 8 sums in registers. The nonzero products are added in the same order, in double
 * precision, as in every other rung, so C is bit for bit what rung 3″ gives (a skipped 0·b is
 * ±0, which changes no sum), unless op(B) holds Inf or NaN where op(A) is 0 (as in reference
 * BLAS, which skips zeros too).
 *
 * Measured on Node 20 (x86-64), 32×64×50 NN, µs: rung 3″ 33; this rung 17 at 30% nonzeros, 27
 * at 50%, 40 at 80% (table at SPARSE_MAX_DENSITY in index.ts). `gemm` counts the nonzeros of
 * op(A) first (~1 µs) and comes here only up to SPARSE_MAX_DENSITY.
 *
 * @example
 * const C = new Float32Array(4);
 * gemmSparseA(false, false, 2, 2, 2, Float32Array.of(1, 0, 0, 4), Float32Array.of(5, 6, 7, 8), 0, C, new Float32Array(4));
 * // C = [5, 6, 28, 32]
 */
export function gemmSparseA(
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
  checkGemmArgs('gemmSparseA', transA, transB, M, N, K, A, B, beta, C);
  const need = sparseScratchFloats(K);
  if (scratch.length < need) {
    throw new RangeError(
      `gemmSparseA: scratch has ${scratch.length} floats, K=${K} needs ${need} (use sparseScratchFloats)`,
    );
  }
  const sAi = transA ? 1 : K; // step in A when i advances
  const sAp = transA ? M : 1; // step in A when p advances
  const sBp = transB ? 1 : N; // step in B when p advances
  const sBj = transB ? K : 1; // step in B when j advances
  if (K > 0 && (K - 1) * sBp >= 2 ** 24) {
    throw new RangeError(`gemmSparseA: offsets up to ${(K - 1) * sBp} do not fit exactly in float32 scratch (K=${K}, N=${N})`);
  }
  const S = scratch; // [values (K) | offsets into B (K)]; offsets are integers < 2²⁴, exact in float32
  const acc = beta === 1;
  const N8 = N - (N % 8);
  for (let i = 0; i < M; i++) {
    // The nonzeros of row i of op(A), branch-free (NaN !== 0, so NaN is kept).
    let q = 0;
    for (let p = 0, a = i * sAi; p < K; p++, a += sAp) {
      const v = A[a];
      S[q] = v;
      S[K + q] = p * sBp;
      q += +(v !== 0);
    }
    const ci = i * N;
    for (let j = 0; j < N8; j += 8) {
      if (transB) rowBt(S, K, q, B, j * K, C, ci + j, acc);
      else rowB(S, K, q, B, j, C, ci + j, acc);
    }
    // The last N % 8 columns, one at a time.
    for (let j = N8; j < N; j++) {
      let s = 0;
      for (let t = 0, jb = j * sBj; t < q; t++) s += S[t] * B[(S[K + t] | 0) + jb];
      C[ci + j] = acc ? C[ci + j] + s : s;
    }
  }
}

/**
 * B stored [K, N]: C[ci + c] (+)= Σt<q S[t] · B[S[K+t] + jb + c], c < 8.
 * (`| 0` makes the float offset an integer index with one truncating instruction.)
 */
function rowB(S: Float32Array, K: number, q: number, B: Float32Array, jb: number, C: Float32Array, ci: number, acc: boolean): void {
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
  for (let t = 0; t < q; t++) {
    const x = S[t];
    const o = (S[K + t] | 0) + jb;
    c0 += x * B[o]; c1 += x * B[o + 1]; c2 += x * B[o + 2]; c3 += x * B[o + 3];
    c4 += x * B[o + 4]; c5 += x * B[o + 5]; c6 += x * B[o + 6]; c7 += x * B[o + 7];
  }
  // stored here, not through a helper: passing 8 doubles to a call V8 does not inline boxes
  // each one (measured: ~32 KB of garbage per training step)
  if (acc) {
    C[ci] += c0; C[ci + 1] += c1; C[ci + 2] += c2; C[ci + 3] += c3;
    C[ci + 4] += c4; C[ci + 5] += c5; C[ci + 6] += c6; C[ci + 7] += c7;
  } else {
    C[ci] = c0; C[ci + 1] = c1; C[ci + 2] = c2; C[ci + 3] = c3;
    C[ci + 4] = c4; C[ci + 5] = c5; C[ci + 6] = c6; C[ci + 7] = c7;
  }
}

/** B stored [N, K] (transposed): C[ci + c] (+)= Σt<q S[t] · B[S[K+t] + jb + c·K], c < 8. */
function rowBt(S: Float32Array, K: number, q: number, B: Float32Array, jb: number, C: Float32Array, ci: number, acc: boolean): void {
  const k2 = 2 * K, k3 = 3 * K, k4 = 4 * K, k5 = 5 * K, k6 = 6 * K, k7 = 7 * K;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
  for (let t = 0; t < q; t++) {
    const x = S[t];
    const o = (S[K + t] | 0) + jb;
    c0 += x * B[o]; c1 += x * B[o + K]; c2 += x * B[o + k2]; c3 += x * B[o + k3];
    c4 += x * B[o + k4]; c5 += x * B[o + k5]; c6 += x * B[o + k6]; c7 += x * B[o + k7];
  }
  // stored here, not through a helper: passing 8 doubles to a call V8 does not inline boxes
  // each one (measured: ~32 KB of garbage per training step)
  if (acc) {
    C[ci] += c0; C[ci + 1] += c1; C[ci + 2] += c2; C[ci + 3] += c3;
    C[ci + 4] += c4; C[ci + 5] += c5; C[ci + 6] += c6; C[ci + 7] += c7;
  } else {
    C[ci] = c0; C[ci + 1] = c1; C[ci + 2] = c2; C[ci + 3] = c3;
    C[ci + 4] = c4; C[ci + 5] = c5; C[ci + 6] = c6; C[ci + 7] = c7;
  }
}
