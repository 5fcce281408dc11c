/**
 * Float32 values ↔ little-endian bytes, the layout of a TF.js weights file (and of an ONNX
 * tensor's raw_data). Through a DataView, so the bytes are little-endian on any machine.
 */

/**
 * The values as little-endian float32 bytes.
 * @example
 * float32Bytes([1]); // Uint8Array [0, 0, 128, 63]
 */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

/**
 * `count` float32 values read from `bytes` at byte `offset` (little-endian).
 * @example
 * readFloat32s(new Uint8Array([0, 0, 128, 63]), 0, 1); // Float32Array [1]
 */
export function readFloat32s(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + i * 4, true);
  return out;
}
