/**
 * A protocol-buffers encoder, by hand: just what an ONNX file needs. A protobuf message is a
 * list of fields; each field is a key then a value:
 *
 *   key   = varint(fieldNumber << 3 | wireType)
 *   wire type 0 (varint)            int32, int64, enum, bool: the value as a varint
 *   wire type 2 (length-delimited)  string, bytes, an embedded message, a packed list:
 *                                   varint(byte length), then the bytes
 *   wire type 5 (32-bit)            float: 4 bytes, little-endian
 *
 * A varint stores 7 bits per byte, least significant group first; the top bit of a byte says
 * "more follows". 1 is [0x01], 300 is [0xAC, 0x02]. A negative int64 is its 64-bit two's
 * complement, so it always takes 10 bytes (-1 is nine 0xFF then 0x01).
 *
 * Fields are written in the order they are added; decoders accept any order. A repeated field is
 * the same key again for each element, except that a list of numbers may be "packed": one key,
 * the byte length, then every element back to back (what proto3 does by default, and what we do).
 *
 * @example
 * const w = new ProtoWriter();
 * w.int(1, 150);         // key 0x08, then 0x96 0x01
 * w.string(2, 'hi');     // key 0x12, length 2, 'h' 'i'
 * w.finish();            // Uint8Array [8, 150, 1, 18, 2, 104, 105]
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  /** Small values collected here, flushed into `chunks` before a large chunk goes in. */
  private pending: number[] = [];

  /** An integer field (int32, int64, enum, bool) as a varint. */
  int(field: number, value: number | bigint): this {
    this.key(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A float field: 4 bytes, little-endian. */
  float(field: number, value: number): this {
    this.key(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.pending.push(...b);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** A string field: its UTF-8 bytes. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message: the bytes of another writer's finish(). */
  message(field: number, encoded: Uint8Array): this {
    return this.bytes(field, encoded);
  }

  /** A packed repeated integer field (varints back to back). */
  packedInts(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field (4 little-endian bytes each). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, b);
  }

  /** The encoded message. */
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** 7 bits a byte, low bits first; negatives as 64-bit two's complement (10 bytes). */
  private varint(value: number | bigint): void {
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n;
    if (v < 0n || v >= 1n << 64n) throw new RangeError(`protobuf: ${value} does not fit in 64 bits`);
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.pending.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
  }

  private raw(b: Uint8Array): void {
    if (b.length < 64) {
      for (let i = 0; i < b.length; i++) this.pending.push(b[i]);
      return;
    }
    this.flush();
    this.chunks.push(b);
  }

  private flush(): void {
    if (this.pending.length) this.chunks.push(Uint8Array.from(this.pending));
    this.pending = [];
  }
}
