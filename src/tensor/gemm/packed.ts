import { checkGemmArgs } from './check.js';

// Block sizes (in elements). The register tile is MR×NR; the rest are chosen so that each packed
// block fits the cache level its loop targets (the sizes in brackets are float32 bytes).
//
// Why 3×4 and not the textbook 4×4: V8 keeps doubles in the 16 XMM registers, and a 4×4 tile
// needs 16 accumulators + 8 operands, so the JIT spills accumulators to the stack inside the loop.
// 3×4 needs 12 + 7 and spills less. Measured on the micro-kernel alone (Node 20, kc = 256):
// 4×4 ran at ~6.5 GFLOPS, 3×4 and 4×3 at ~7.1; 2×4, 4×8, 8×4 and 6×4 were slower, and so was
// unrolling the p loop. The block sizes matter much less here than in C (within noise for
// KC 128..512, MC 64..256), because scalar JS is bound by arithmetic, not by memory.
/** Rows of the register tile: one packed A micro-panel is MR rows × kc. */
export const MR = 3;
/** Columns of the register tile: one packed B micro-panel is kc × NR. */
export const NR = 4;
/** Depth of a rank-kc update: a kc×NR micro-panel of B [4 KiB] stays in L1. */
export const KC = 256;
/** Rows of a packed A block: MC×KC [126 KiB] stays in L2 while every micro-panel of B meets it. */
export const MC = 126;
/** Columns of a packed B panel: KC×NC [4 MiB] stays in L3 while every block of A meets it. */
export const NC = 4096;

const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;

/**
 * The minimum scratch length (in floats) that gemmPacked needs for C[M,N] += op(A)[M,K]·op(B)[K,N]:
 * one packed block of A (MC×KC at most), one packed panel of B (KC×NC at most), both zero-padded to
 * whole micro-panels, and one MR×NR tile for the edges. It is 0 when M, N or K is 0.
 *
 * @example
 * packedScratchFloats(2, 2, 2); // 2·3 (A) + 2·4 (B) + 3·4 (edge tile) = 26
 */
export function packedScratchFloats(M: number, N: number, K: number): number {
  if (M <= 0 || N <= 0 || K <= 0) return 0;
  const kc = Math.min(K, KC);
  return kc * roundUp(Math.min(M, MC), MR) + kc * roundUp(Math.min(N, NC), NR) + MR * NR;
}

/**
 * Rung 3 of the GEMM ladder: BLIS-style packing around a 3×4 register micro-kernel.
 *
 * `C[M,N] = beta·C + op(A)·op(B)`.
 * - op(A): [M, K] (A stored [M, K], or [K, M] when transA)
 * - op(B): [K, N] (B stored [K, N], or [N, K] when transB)
 * - beta: 0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into C.
 * - scratch: at least `packedScratchFloats(M, N, K)` floats; its contents are overwritten.
 *
 * The five loops below walk C in blocks sized for each cache level. Blocks of op(A) and op(B)
 * are copied ("packed") into scratch in exactly the order the micro-kernel reads them, so the
 * micro-kernel streams two contiguous arrays with step 1, whatever the transposes were: the
 * packing routines absorb them. Panels are zero-padded to whole MR rows / NR columns, so the
 * micro-kernel always computes a full tile, with one code path; at the edges of C the tile goes
 * to a scratch tile and only its valid part is copied out. (The padded rows and columns only feed
 * tile entries that are thrown away; zeros, rather than whatever the scratch held before, keep
 * that wasted work free of NaN and of slow denormals.)
 *
 * @example
 * const C = new Float32Array(4);
 * const scratch = new Float32Array(packedScratchFloats(2, 2, 2));
 * gemmPacked(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, C, scratch);
 * // C = [19, 22, 43, 50]
 */
export function gemmPacked(
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
  checkGemmArgs('gemmPacked', transA, transB, M, N, K, A, B, beta, C);
  const need = packedScratchFloats(M, N, K);
  if (scratch.length < need) {
    throw new RangeError(
      `gemmPacked: scratch has ${scratch.length} floats, M=${M}, N=${N}, K=${K} needs ${need} (use packedScratchFloats)`,
    );
  }
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (beta === 0) C.fill(0); // the empty sum is 0
    return;
  }
  // Scratch layout: [packed A block | packed B panel | edge tile].
  const kcMax = Math.min(K, KC);
  const bOff = kcMax * roundUp(Math.min(M, MC), MR);
  const tOff = bOff + kcMax * roundUp(Math.min(N, NC), NR);
  const S = scratch;

  // Loop 5 (jc): an nc-wide panel of columns of C and op(B). Targets L3 (the packed B panel).
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    // Loop 4 (pc): a rank-kc update; pack op(B)[pc:pc+kc, jc:jc+nc] once, reuse it for all of M.
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(transB, N, K, B, pc, kc, jc, nc, S, bOff);
      const accumulate = beta === 1 || pc > 0; // the first rank-kc update overwrites when beta is 0
      // Loop 3 (ic): an mc-row block of op(A), packed once into L2, reused by every micro-panel of B.
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(transA, M, K, A, ic, mc, pc, kc, S, 0);
        // Loop 2 (jr): one kc×NR micro-panel of packed B, kept in L1 while loop 1 sweeps the block.
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          // Loop 1 (ir): one MR×kc micro-panel of packed A (streamed from L2) meets the B micro-panel
          // in the micro-kernel, which holds the MR×NR tile of C in registers.
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            const cOff = (ic + ir) * N + jc + jr;
            if (mr === MR && nr === NR) {
              microKernel(kc, S, ir * kc, S, bOff + jr * kc, C, cOff, N, accumulate);
            } else {
              // Edge of C: compute the full zero-padded tile into scratch, copy out the valid part.
              microKernel(kc, S, ir * kc, S, bOff + jr * kc, S, tOff, NR, false);
              for (let r = 0; r < mr; r++) {
                for (let c = 0; c < nr; c++) {
                  const t = S[tOff + r * NR + c];
                  C[cOff + r * N + c] = accumulate ? C[cOff + r * N + c] + t : t;
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row micro-panels at S[off...]:
 * micro-panel ir/MR starts at off + ir·kc and holds op(A)[ic+ir+r, pc+p] at p·MR + r.
 * Rows past mc are zero. `transA` is handled here: A is stored [M, K], or [K, M] when transA.
 */
function packA(
  transA: boolean,
  M: number,
  K: number,
  A: Float32Array,
  ic: number,
  mc: number,
  pc: number,
  kc: number,
  S: Float32Array,
  off: number,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = Math.min(MR, mc - ir);
    const base = off + ir * kc;
    const i0 = ic + ir;
    if (!transA) {
      // op(A)[i,p] = A[i·K + p]: each row of the panel is contiguous in A. Walk the MR rows side
      // by side, one p at a time, so the writes are contiguous (written out for MR = 3).
      const s0 = i0 * K + pc;
      if (mr === MR) {
        const s1 = s0 + K, s2 = s1 + K;
        for (let p = 0, d = base; p < kc; p++, d += MR) {
          S[d] = A[s0 + p];
          S[d + 1] = A[s1 + p];
          S[d + 2] = A[s2 + p];
        }
      } else {
        for (let r = 0; r < mr; r++) {
          let src = s0 + r * K;
          for (let d = base + r, end = base + r + kc * MR; d < end; d += MR) S[d] = A[src++];
        }
      }
    } else {
      // op(A)[i,p] = A[p·M + i]: the MR values for one p are contiguous in A.
      let src = pc * M + i0;
      let d = base;
      if (mr === MR) {
        for (let p = 0; p < kc; p++, src += M, d += MR) {
          S[d] = A[src]; // written out for MR = 3
          S[d + 1] = A[src + 1];
          S[d + 2] = A[src + 2];
        }
      } else {
        for (let p = 0; p < kc; p++, src += M, d += MR) for (let r = 0; r < mr; r++) S[d + r] = A[src + r];
      }
    }
    // Zero-pad the missing rows of the last micro-panel.
    for (let r = mr; r < MR; r++) for (let p = 0; p < kc; p++) S[base + p * MR + r] = 0;
  }
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column micro-panels at S[off...]:
 * micro-panel jr/NR starts at off + jr·kc and holds op(B)[pc+p, jc+jr+c] at p·NR + c.
 * Columns past nc are zero. `transB` is handled here: B is stored [K, N], or [N, K] when transB.
 */
function packB(
  transB: boolean,
  N: number,
  K: number,
  B: Float32Array,
  pc: number,
  kc: number,
  jc: number,
  nc: number,
  S: Float32Array,
  off: number,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    const base = off + jr * kc;
    const j0 = jc + jr;
    if (!transB) {
      // op(B)[p,j] = B[p·N + j]: the NR values for one p are contiguous in B.
      let src = pc * N + j0;
      let d = base;
      if (nr === NR) {
        for (let p = 0; p < kc; p++, src += N, d += NR) {
          S[d] = B[src]; // written out for NR = 4
          S[d + 1] = B[src + 1];
          S[d + 2] = B[src + 2];
          S[d + 3] = B[src + 3];
        }
      } else {
        for (let p = 0; p < kc; p++, src += N, d += NR) for (let c = 0; c < nr; c++) S[d + c] = B[src + c];
      }
    } else {
      // op(B)[p,j] = B[j·K + p]: each column of the panel is contiguous in B. Walk the NR columns
      // side by side, one p at a time, so the writes are contiguous (written out for NR = 4).
      const s0 = j0 * K + pc;
      if (nr === NR) {
        const s1 = s0 + K, s2 = s1 + K, s3 = s2 + K;
        for (let p = 0, d = base; p < kc; p++, d += NR) {
          S[d] = B[s0 + p];
          S[d + 1] = B[s1 + p];
          S[d + 2] = B[s2 + p];
          S[d + 3] = B[s3 + p];
        }
      } else {
        for (let c = 0; c < nr; c++) {
          let src = s0 + c * K;
          for (let d = base + c, end = base + c + kc * NR; d < end; d += NR) S[d] = B[src++];
        }
      }
    }
    // Zero-pad the missing columns of the last micro-panel.
    for (let c = nr; c < NR; c++) for (let p = 0; p < kc; p++) S[base + p * NR + c] = 0;
  }
}

/**
 * The 3×4 (MR×NR) micro-kernel: C[ci + r·ldc + c] (+)= Σp Ap[ia + 3p + r] · Bp[ib + 4p + c], r < 3, c < 4.
 * The 12 sums live in local variables; each step of p loads 3 values of A and 4 of B and does 12
 * multiply-adds. It never sees a transpose or an edge.
 */
function microKernel(
  kc: number,
  Ap: Float32Array,
  ia: number,
  Bp: Float32Array,
  ib: number,
  C: Float32Array,
  ci: number,
  ldc: number,
  accumulate: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  // 3 and 4 are MR and NR written as literals: V8 reads an exported constant from its module cell
  // at every use, and in this loop that cost ~14% (measured at 512³ and at 32×64×64).
  for (const end = ia + kc * 3; ia < end; ia += 3, ib += 4) {
    const a0 = Ap[ia], a1 = Ap[ia + 1], a2 = Ap[ia + 2];
    const b0 = Bp[ib], b1 = Bp[ib + 1], b2 = Bp[ib + 2], b3 = Bp[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
  }
  const i0 = ci, i1 = ci + ldc, i2 = i1 + ldc;
  if (accumulate) {
    C[i0] += c00; C[i0 + 1] += c01; C[i0 + 2] += c02; C[i0 + 3] += c03;
    C[i1] += c10; C[i1 + 1] += c11; C[i1 + 2] += c12; C[i1 + 3] += c13;
    C[i2] += c20; C[i2 + 1] += c21; C[i2 + 2] += c22; C[i2 + 3] += c23;
  } else {
    C[i0] = c00; C[i0 + 1] = c01; C[i0 + 2] = c02; C[i0 + 3] = c03;
    C[i1] = c10; C[i1 + 1] = c11; C[i1 + 2] = c12; C[i1 + 3] = c13;
    C[i2] = c20; C[i2 + 1] = c21; C[i2 + 2] = c22; C[i2 + 3] = c23;
  }
}
