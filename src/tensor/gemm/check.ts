/**
 * Argument checks shared by every GEMM rung.
 *
 * All rungs compute `C[M,N] = beta·C + op(A)·op(B)` over row-major, contiguous Float32Arrays:
 * - `op(A)`: [M, K]; A is stored [M, K], or [K, M] when `transA`;
 * - `op(B)`: [K, N]; B is stored [K, N], or [N, K] when `transB`;
 * - `C`: [M, N]; beta is 0 (overwrite, old contents ignored, even NaN) or 1 (accumulate).
 *
 * The check is O(1) and runs once per call. Lengths must match exactly: an array that is too long
 * usually means a wrong size was passed, and "bad input never gives a wrong answer silently". To
 * multiply the first rows of a bigger buffer, pass a `subarray` view made once per batch size.
 */

/** Throws a RangeError naming the shapes if the sizes, beta or array lengths are wrong. */
export function checkGemmArgs(
  name: string,
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  beta: number,
  C: Float32Array,
): void {
  if (!(Number.isInteger(M) && M >= 0 && Number.isInteger(N) && N >= 0 && Number.isInteger(K) && K >= 0)) {
    throw new RangeError(`${name}: M, N, K must be non-negative integers, got M=${M}, N=${N}, K=${K}`);
  }
  if (beta !== 0 && beta !== 1) {
    throw new RangeError(`${name}: beta must be 0 (overwrite) or 1 (accumulate), got ${beta}`);
  }
  if (A.length !== M * K) {
    const stored = transA ? `[${K}, ${M}]` : `[${M}, ${K}]`;
    throw new RangeError(
      `${name}: A has ${A.length} elements, op(A) [${M}, ${K}]${transA ? ` (stored transposed as ${stored})` : ''} needs ${M * K}`,
    );
  }
  if (B.length !== K * N) {
    const stored = transB ? `[${N}, ${K}]` : `[${K}, ${N}]`;
    throw new RangeError(
      `${name}: B has ${B.length} elements, op(B) [${K}, ${N}]${transB ? ` (stored transposed as ${stored})` : ''} needs ${K * N}`,
    );
  }
  if (C.length !== M * N) {
    throw new RangeError(`${name}: C has ${C.length} elements, C [${M}, ${N}] needs ${M * N}`);
  }
}
