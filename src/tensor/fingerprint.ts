/**
 * A short fingerprint of a matrix's shape and bits, to tell whether two arrays are the same data
 * (a restored training run checks it is given the rows it was started with). Two 32-bit hashes
 * over the float32 bits (FNV-1a, and a multiply-rotate one), so an accidental match is ~2⁻⁶⁴.
 *
 * @example
 * fingerprint(Matrix.from([[1, 2]])) === fingerprint(Matrix.from([[1, 2]])); // true
 * fingerprint(Matrix.from([[1, 2]])) === fingerprint(Matrix.from([[2, 1]])); // false
 */
import type { Matrix } from './matrix.js';

export function fingerprint(m: Matrix): string {
  const d = m.data;
  const bits = new Int32Array(d.buffer, d.byteOffset, d.length);
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x9e3779b9 | 0;
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = Math.imul((h2 << 13) | (h2 >>> 19), 5) + 0xe6546b64 + Math.imul(x, 0xcc9e2d51);
  }
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return `${m.rows}x${m.cols}:${hex(h1)}${hex(h2)}`;
}
