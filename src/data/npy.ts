/**
 * NumPy's .npy format: bytes <-> typed arrays. No file system here, so this runs in a browser;
 * the Node file helpers call readNpy/writeNpy with the bytes they read or write.
 *
 * The format, as NumPy writes it:
 *
 *   \x93NUMPY  major minor  header-length  header                       data
 *   6 bytes    1 + 1 byte   uint16 LE (1.0) Python dict literal, padded  C or Fortran order,
 *                           uint32 LE (2.0, 3.0)  with spaces and '\n'   in the descr's byte order
 *
 * The header looks like `{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }`. It is
 * Latin-1 in versions 1.0 and 2.0 and UTF-8 in 3.0. It is parsed here as data by a tiny parser for
 * Python literals and is never evaluated; pickled object arrays (`|O`) are refused, never unpickled.
 *
 * @example
 * const bytes = writeNpy({ shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
 * readNpy(bytes); // { dtype: 'f4', shape: [2, 2], data: Float32Array [1, 2, 3, 4] }
 */

import { NpyError } from '../errors.js';

/** numpy's kind + item size, without the byte order ('<f4' and '>f4' are both 'f4'). */
export type NpyDtype = 'f2' | 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

/** The typed array holding an array's values in C order and native byte order. */
export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/**
 * An n-d array as read from a .npy file.
 * - data: C order (row-major), native byte order, `data.length === product(shape)`.
 * - f2 is widened to Float32Array exactly; b1 is a Uint8Array of 0/1.
 */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

export { NpyError };

/** numpy's own limit on axes (NPY_MAXDIMS): a file with more is refused before its shape is used. */
export const MAX_AXES = 64;
/**
 * The largest header read, in bytes: numpy's own default (np.load's max_header_size). A 64-axis
 * header is under 2 KB, so only a hostile file comes near it.
 */
export const MAX_HEADER_BYTES = 10000;

// ---------------------------------------------------------------------------------------------
// dtypes

interface TypedArrayCtor {
  new (length: number): NpyData;
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): NpyData;
  readonly BYTES_PER_ELEMENT: number;
}

const CTORS: Record<NpyDtype, TypedArrayCtor> = {
  f2: Float32Array, // widened: f2 files hold 2-byte items, the array holds float32
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  i2: Int16Array,
  i4: Int32Array,
  i8: BigInt64Array,
  u1: Uint8Array,
  u2: Uint16Array,
  u4: Uint32Array,
  u8: BigUint64Array,
  b1: Uint8Array,
};

/** Bytes per item in the file. */
function itemSize(dtype: NpyDtype): number {
  return Number(dtype.slice(1));
}

const SUPPORTED = 'f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, in either byte order';

/** True when this machine stores numbers little-endian (every mainstream CPU does). */
const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// A parser for the Python literals that can appear in a header. Data only: an identifier other
// than True/False/None, a call or an operator is a syntax error, never something to run.

type PyValue =
  | { kind: 'str'; value: string }
  | { kind: 'int'; value: bigint; text: string }
  | { kind: 'float'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'tuple'; items: PyValue[] }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'dict'; entries: [PyValue, PyValue][] };

const MAX_DEPTH = 32;

class LiteralParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly fail: (msg: string) => never,
  ) {}

  parseAll(): PyValue {
    const v = this.value(0);
    this.skipSpace();
    if (this.pos < this.text.length) {
      this.error(`unexpected ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))} after the dict`);
    }
    return v;
  }

  private error(what: string): never {
    return this.fail(`header is not a Python literal (${what}, at character ${this.pos}); headers are parsed as data, never evaluated`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /[ \t\r\n\f\v]/.test(this.text[this.pos]!)) this.pos++;
  }

  private value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.error('nested too deeply');
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.error('it ends too early');
    if (c === "'" || c === '"') return { kind: 'str', value: this.string(c) };
    if (c === '(') return this.sequence(')', depth);
    if (c === '[') return this.sequence(']', depth);
    if (c === '{') return this.dict(depth);
    if (/[-+0-9.]/.test(c)) return this.number();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos, this.pos + 64));
    if (m !== null) {
      const word = m[0];
      if (word === 'True' || word === 'False') {
        this.pos += word.length;
        return { kind: 'bool', value: word === 'True' };
      }
      if (word === 'None') {
        this.pos += 4;
        return { kind: 'none' };
      }
      this.error(`found the name '${word}'`);
    }
    return this.error(`unexpected ${JSON.stringify(c)}`);
  }

  private string(quote: string): string {
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') this.error('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
      if (e !== undefined && e in simple) {
        out += simple[e];
      } else if (e === 'x' || e === 'u') {
        const n = e === 'x' ? 2 : 4;
        const hex = this.text.slice(this.pos, this.pos + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) this.error('bad escape in a string');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += n;
      } else {
        this.error('unsupported escape in a string');
      }
    }
  }

  private number(): PyValue {
    const m = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?[lL]?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (m === null) return this.error('bad number');
    let text = m[0];
    this.pos += text.length;
    if (/^[-+]?\d+[lL]?$/.test(text)) {
      text = text.replace(/[lL]$/, ''); // Python 2 wrote long ints as 5L
      return { kind: 'int', value: BigInt(text.replace(/^\+/, '')), text };
    }
    if (/[lL]$/.test(text)) this.error('bad number');
    return { kind: 'float', text };
  }

  /** `(…)` or `[…]`, with Python's rule that `(x)` is just x and `(x,)` is a 1-tuple. */
  private sequence(close: string, depth: number): PyValue {
    this.pos++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        break;
      }
      items.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        sawComma = true;
      } else if (this.text[this.pos] !== close) {
        this.error(`expected ',' or '${close}'`);
      }
    }
    if (close === ']') return { kind: 'list', items };
    if (items.length === 1 && !sawComma) return items[0]!;
    return { kind: 'tuple', items };
  }

  private dict(depth: number): PyValue {
    this.pos++;
    const entries: [PyValue, PyValue][] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'dict', entries };
      }
      const key = this.value(depth + 1);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.error("expected ':'");
      this.pos++;
      const val = this.value(depth + 1);
      entries.push([key, val]);
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.error("expected ',' or '}'");
    }
  }
}

/** Python's repr of a parsed literal, for error messages. */
function pyRepr(v: PyValue): string {
  switch (v.kind) {
    case 'str':
      return `'${v.value}'`;
    case 'int':
      return v.text;
    case 'float':
      return v.text;
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return v.items.length === 1 ? `(${pyRepr(v.items[0]!)},)` : `(${v.items.map(pyRepr).join(', ')})`;
    case 'list':
      return `[${v.items.map(pyRepr).join(', ')}]`;
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
}

/** A shape as Python prints it: (10, 20), (5,), (). */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Reading

interface Header {
  dtype: NpyDtype;
  descr: string;
  bigEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
}

function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/** Turns a descr string such as '<f4' into a dtype and byte order, or throws. */
function parseDescr(descr: PyValue, fail: (msg: string) => never): Pick<Header, 'dtype' | 'descr' | 'bigEndian'> {
  if (descr.kind === 'list') {
    return fail(`descr ${pyRepr(descr)} is a structured dtype, which is not supported (${SUPPORTED})`);
  }
  if (descr.kind === 'tuple') {
    return fail(`descr ${pyRepr(descr)} is a sub-array dtype, which is not supported (${SUPPORTED})`);
  }
  if (descr.kind !== 'str') return fail(`descr ${pyRepr(descr)} is not a dtype string`);
  const text = descr.value;
  if (/^[<>|=]?O\d*$/.test(text)) {
    return fail(
      `descr '${text}' is a pickled object array: pickled object arrays are not supported ` +
        'and are never unpickled (densely reads plain numeric arrays only)',
    );
  }
  const m = /^([<>|=]?)(?:([fiub])(\d+)|\?)$/.exec(text); // '?' is numpy's other name for b1
  const dtype = m === null ? '' : m[2] === undefined ? 'b1' : `${m[2]}${m[3]}`;
  if (m === null || !Object.hasOwn(CTORS, dtype)) {
    return fail(`descr '${text}' is an unsupported dtype (supported: ${SUPPORTED})`);
  }
  // '|' (not applicable) and '=' (native) are read as this machine's order, as numpy does.
  const order = m[1] ?? '';
  const bigEndian = order === '>' || ((order === '|' || order === '=') && !HOST_LITTLE);
  return { dtype: dtype as NpyDtype, descr: text, bigEndian };
}

function parseHeader(text: string, fail: (msg: string) => never): Header {
  const d = new LiteralParser(text, fail).parseAll();
  if (d.kind !== 'dict') return fail(`header is not a dict: ${pyRepr(d).slice(0, 80)}`);
  const fields = new Map<string, PyValue>();
  for (const [k, v] of d.entries) {
    if (k.kind !== 'str') return fail(`header key ${pyRepr(k)} is not a string`);
    if (fields.has(k.value)) return fail(`header key '${k.value}' appears twice`);
    if (!['descr', 'fortran_order', 'shape'].includes(k.value)) {
      return fail(`header has an unexpected key '${k.value}' (expected only 'descr', 'fortran_order', 'shape')`);
    }
    fields.set(k.value, v);
  }
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!fields.has(key)) return fail(`header is missing the key '${key}'`);
  }
  const { dtype, descr, bigEndian } = parseDescr(fields.get('descr')!, fail);

  const fo = fields.get('fortran_order')!;
  if (fo.kind !== 'bool') return fail(`fortran_order must be True or False, got ${pyRepr(fo)}`);

  const sh = fields.get('shape')!;
  if (sh.kind !== 'tuple') return fail(`shape must be a tuple of ints, got ${pyRepr(sh)}`);
  if (sh.items.length > MAX_AXES) return fail(`shape has ${sh.items.length} axes; at most ${MAX_AXES} are allowed (numpy's own limit)`);
  const shape: number[] = [];
  for (const item of sh.items) {
    if (item.kind !== 'int') {
      return fail(`shape ${pyRepr(sh)} has ${pyRepr(item)}, which is not an integer dimension`);
    }
    if (item.value < 0n) return fail(`shape ${pyRepr(sh)} has a negative dimension ${item.text}`);
    if (item.value > BigInt(Number.MAX_SAFE_INTEGER)) {
      return fail(`shape ${pyRepr(sh)} has a dimension ${item.text} too large to address`);
    }
    shape.push(Number(item.value));
  }
  return { dtype, descr, bigEndian, fortranOrder: fo.value, shape };
}

/** Reverses the bytes of every `size`-byte item of `b`, in place. */
function byteSwap(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = t;
    }
  }
}

/**
 * Column-major -> row-major for any number of axes, moving whole items as 1, 2 or 4-byte words
 * (8-byte items move as two 4-byte words, so NaN payloads survive untouched).
 * src, dst: [count * lanes] words; shape: the logical shape.
 *
 * Time is linear in the data: axes of length 1 are dropped first (they move nothing), so every
 * axis left has at least 2 entries and the carry below walks up k axes only once per 2^k rows.
 */
function fortranToC(src: Uint8Array | Uint16Array | Uint32Array, dst: typeof src, fullShape: readonly number[], lanes: number): void {
  const shape = fullShape.filter((n) => n !== 1);
  if (shape.length === 0) shape.push(1);
  const d = shape.length;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count === 0) return;
  const fstride: number[] = []; // Fortran strides in items: fstride[k] = shape[0] * ... * shape[k-1]
  let s = 1;
  for (let k = 0; k < d; k++) {
    fstride.push(s);
    s *= shape[k]!;
  }
  const inner = shape[d - 1]!;
  const innerStride = fstride[d - 1]! * lanes;
  const idx = new Array<number>(d).fill(0);
  let base = 0; // Fortran offset (in items) of the current row's first item
  let out = 0;
  for (let row = 0, rows = count / inner; row < rows; row++) {
    for (let i = 0, f = base * lanes; i < inner; i++, f += innerStride) {
      for (let l = 0; l < lanes; l++) dst[out++] = src[f + l]!;
    }
    for (let k = d - 2; k >= 0; k--) {
      idx[k]!++;
      base += fstride[k]!;
      if (idx[k]! < shape[k]!) break;
      base -= fstride[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
}

/** Words of a buffer for moving `size`-byte items: [words, lanes per item]. */
function wordsOf(buf: ArrayBuffer, size: number): [Uint8Array | Uint16Array | Uint32Array, number] {
  if (size === 1) return [new Uint8Array(buf), 1];
  if (size === 2) return [new Uint16Array(buf), 1];
  return [new Uint32Array(buf), size / 4];
}

/** Half-float bits -> float32 bits, exact for every value: zeros, subnormals, inf, NaN payloads. */
function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp - 15 + 127) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // subnormal: mant * 2^-24; shift until the implicit bit appears
  let e = -14;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | ((e + 127) << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

/** What a .npy header says, and where its data starts. */
export interface NpyLayout {
  dtype: NpyDtype;
  /** The descr as written, e.g. '<f4'. */
  descr: string;
  bigEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data in the file. */
  dataStart: number;
  /** Bytes the data must have: product(shape) * item size. */
  dataBytes: number;
}

/**
 * Reads and checks the magic string, version and header of a .npy file, from its first bytes
 * (the whole file is not needed: a .npy.gz reader decompresses just enough to call this).
 * Refuses a header over MAX_HEADER_BYTES, more than MAX_AXES axes, and a data size past 2^53.
 * @throws NpyError naming `source`; `cutOff(need)` is called instead when `bytes` is too short
 *   to hold the header (`need` is how many bytes it takes), so a caller can read more.
 *
 * @example
 * readNpyLayout(fileBytes, 'x.npy'); // { dtype: 'f4', shape: [4, 3], dataStart: 128, dataBytes: 48, … }
 */
export function readNpyLayout(bytes: Uint8Array, source = '<bytes>', cutOff?: (need: number) => never): NpyLayout {
  const fail = (msg: string): never => {
    throw new NpyError(source, msg);
  };
  const short = (need: number, msg: string): never => (cutOff && need <= 12 + MAX_HEADER_BYTES ? cutOff(need) : fail(msg));
  const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (cutOff && bytes.length < 6 && MAGIC.slice(0, bytes.length).every((b, i) => bytes[i] === b)) cutOff(6);
  if (bytes.length < 6 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(`not a .npy file: wrong magic string (expected \\x93NUMPY, got ${JSON.stringify(decodeLatin1(bytes.subarray(0, 6)))})`);
  }
  if (bytes.length < 8) short(8, 'file cut off after the magic string (no version)');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    fail(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) short(8 + lenBytes, `file cut off inside the header length (version ${major}.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLen > MAX_HEADER_BYTES) {
    fail(`header length ${headerLen} bytes is over the limit of ${MAX_HEADER_BYTES} (numpy's own default; a 64-axis header needs under 2 KB)`);
  }
  const headerStart = 8 + lenBytes;
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    short(dataStart, `header cut off: its length field says ${headerLen} bytes but only ${bytes.length - headerStart} follow`);
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      return fail('version 3.0 header is not valid UTF-8');
    }
  } else {
    text = decodeLatin1(headerBytes);
  }
  const h = parseHeader(text, fail);
  const count = h.shape.reduce((a, b) => a * BigInt(b), 1n);
  const need = count * BigInt(itemSize(h.dtype));
  if (need > BigInt(Number.MAX_SAFE_INTEGER)) fail(`shape ${shapeRepr(h.shape)} of ${h.descr} needs ${need} bytes, more than can be addressed`);
  return { ...h, dataStart, dataBytes: Number(need) };
}

/** Options of {@link readNpy}. */
export interface ReadNpyOptions {
  /**
   * Return a view of `bytes` instead of a copy when the data can be used as it is: native byte
   * order, C order (or one axis), not f2 or b1, and aligned for its type. Saves one copy of the
   * data; the result then shares memory with `bytes`. Default false.
   */
  inPlace?: boolean;
}

/**
 * Reads a .npy file.
 * @param bytes the whole file
 * @param source a name for error messages (a path); defaults to '<bytes>'
 * @returns an array in C order and native byte order: a fresh copy, or with `inPlace`, a view of
 *   `bytes` when its layout allows
 * @throws NpyError for a bad header, more than 64 axes, or data shorter or longer than the shape
 *
 * @example
 * readNpy(fileBytes, 'x.npy'); // { dtype: 'f8', shape: [200, 7], data: Float64Array(1400) }
 */
export function readNpy(bytes: Uint8Array, source = '<bytes>', options: ReadNpyOptions = {}): NpyArray {
  const fail = (msg: string): never => {
    throw new NpyError(source, msg);
  };
  const h = readNpyLayout(bytes, source);
  const { dataStart } = h;
  const size = itemSize(h.dtype);
  const need = h.dataBytes;
  const have = bytes.length - dataStart;
  if (have !== need) {
    const extra = have > need ? ` (${have - need} extra bytes after the array)` : '';
    fail(`data has ${have} bytes but shape ${shapeRepr(h.shape)} of ${h.descr} needs ${need}${extra}`);
  }
  const n = need / size;
  const cOrder = !h.fortranOrder || h.shape.filter((d) => d > 1).length <= 1;
  const swap = size > 1 && h.bigEndian === HOST_LITTLE;

  if (options.inPlace && cOrder && !swap && h.dtype !== 'f2' && h.dtype !== 'b1' && (bytes.byteOffset + dataStart) % size === 0) {
    return { dtype: h.dtype, shape: h.shape, data: new CTORS[h.dtype](bytes.buffer as ArrayBuffer, bytes.byteOffset + dataStart, n) };
  }

  // A fresh copy starts at offset 0, so it is aligned for any typed array, whatever the header size.
  // (Not bytes.slice: on a Node Buffer that is a view into the caller's memory.)
  const raw = new Uint8Array(have);
  raw.set(bytes.subarray(dataStart));
  if (swap) byteSwap(raw, size);
  let buf = raw.buffer;
  if (!cOrder) {
    const out = new ArrayBuffer(raw.byteLength);
    const [src, lanes] = wordsOf(buf, size);
    fortranToC(src, wordsOf(out, size)[0], h.shape, lanes);
    buf = out;
  }

  let data: NpyData;
  if (h.dtype === 'f2') {
    const halves = new Uint16Array(buf);
    const f = new Float32Array(n);
    const fb = new Uint32Array(f.buffer);
    for (let i = 0; i < n; i++) fb[i] = halfToFloatBits(halves[i]!);
    data = f;
  } else {
    data = new CTORS[h.dtype](buf, 0, n);
    if (h.dtype === 'b1') {
      const b = data as Uint8Array;
      for (let i = 0; i < n; i++) if (b[i] !== 0) b[i] = 1; // numpy treats any nonzero byte as True
    }
  }
  return { dtype: h.dtype, shape: h.shape, data };
}

// ---------------------------------------------------------------------------------------------
// Writing

/** The dtype a typed array is written as when none is given; plain number arrays are f8. */
function inferDtype(data: NpyData | ArrayLike<number>): NpyDtype {
  if (data instanceof Float32Array) return 'f4';
  if (data instanceof Float64Array) return 'f8';
  if (data instanceof Int8Array) return 'i1';
  if (data instanceof Int16Array) return 'i2';
  if (data instanceof Int32Array) return 'i4';
  if (data instanceof BigInt64Array) return 'i8';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'u1';
  if (data instanceof Uint16Array) return 'u2';
  if (data instanceof Uint32Array) return 'u4';
  if (data instanceof BigUint64Array) return 'u8';
  return 'f8';
}

/** Round half to even of a non-negative double. */
function roundEven(q: number): number {
  const f = Math.floor(q);
  const r = q - f;
  return r > 0.5 || (r === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/**
 * A double -> half-float bits, rounding to nearest even once (as numpy's float->half casts do).
 * NaNs become the quiet NaN 0x7e00; callers with the float's bits keep payloads themselves.
 */
function doubleToHalfBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // 65520 is halfway between 65504 and 2^16: ties to even -> inf
  if (a < 2 ** -14) return sign | roundEven(a * 2 ** 24); // subnormal (1024 rounds up to min normal)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // guard log2 rounding
  if (2 ** (e + 1) <= a) e++;
  let m = roundEven(a * 2 ** (10 - e)); // in [1024, 2048], exact scaling by a power of two
  if (m === 2048) {
    m = 1024;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | (m - 1024);
}

/**
 * A NaN's half bits from the high 32 bits of its float (`hi`, `mantBits` mantissa bits in that
 * word): numpy keeps the sign and the top 10 payload bits, and makes an all-zero payload 1.
 */
function nanToHalfBits(hi: number, mantBits: number): number {
  const payload = (hi & ((1 << mantBits) - 1)) >>> (mantBits - 10);
  return ((hi >>> 16) & 0x8000) | 0x7c00 | (payload === 0 ? 1 : payload);
}

const INT_RANGE: Partial<Record<NpyDtype, [number, number]>> = {
  i1: [-128, 127],
  i2: [-32768, 32767],
  i4: [-2147483648, 2147483647],
  u1: [0, 255],
  u2: [0, 65535],
  u4: [0, 4294967295],
};

/** The values of `data` as the typed array of `dtype` (as half bits for f2), converted with checks. */
function convert(dtype: NpyDtype, data: NpyData | ArrayLike<number>, n: number, fail: (msg: string) => never): ArrayBufferView {
  const get = (i: number): number | bigint => (data as ArrayLike<number | bigint>)[i]!;
  const bad = (i: number, why: string): never => fail(`data[${i}] = ${String(get(i))} ${why} for dtype ${dtype}`);
  if (dtype === 'f2') {
    const out = new Uint16Array(n);
    // NaN payloads are only visible in the bits of a float typed array
    const f32 = data instanceof Float32Array ? new Uint32Array(data.buffer, data.byteOffset, n) : null;
    const f64 = data instanceof Float64Array ? new Uint32Array(data.buffer, data.byteOffset, 2 * n) : null;
    const hiWord = HOST_LITTLE ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const v = Number(get(i));
      if (!Number.isNaN(v)) out[i] = doubleToHalfBits(v);
      else if (f32 !== null) out[i] = nanToHalfBits(f32[i]!, 23);
      else if (f64 !== null) out[i] = nanToHalfBits(f64[2 * i + hiWord]!, 20);
      else out[i] = 0x7e00;
    }
    return out;
  }
  if (dtype === 'f4' || dtype === 'f8') {
    const out = dtype === 'f4' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(get(i));
    return out;
  }
  if (dtype === 'b1') {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = get(i);
      out[i] = v === 0 || v === 0n ? 0 : 1; // numpy's bool(): any nonzero (and NaN) is True
    }
    return out;
  }
  if (dtype === 'i8' || dtype === 'u8') {
    const out = dtype === 'i8' ? new BigInt64Array(n) : new BigUint64Array(n);
    const [lo, hi] = dtype === 'i8' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    for (let i = 0; i < n; i++) {
      const v = get(i);
      if (typeof v === 'number' && !Number.isInteger(v)) bad(i, 'is not an integer');
      const b = BigInt(v);
      if (b < lo || b > hi) bad(i, 'is out of range');
      out[i] = b;
    }
    return out;
  }
  const [lo, hi] = INT_RANGE[dtype]!;
  const out = new CTORS[dtype](n) as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
  for (let i = 0; i < n; i++) {
    const v = get(i);
    const x = typeof v === 'bigint' ? v : Number.isInteger(v) ? v : bad(i, 'is not an integer');
    if (x < lo || x > hi) bad(i, 'is out of range');
    out[i] = Number(x);
  }
  return out;
}

/** True when `data` is already exactly the typed array `dtype` is stored as (bytes can be copied). */
function isNativeFor(dtype: NpyDtype, data: NpyData | ArrayLike<number>): data is NpyData {
  if (dtype === 'f2' || dtype === 'b1') return false;
  return data instanceof CTORS[dtype] && !(dtype === 'u1' && data instanceof Uint8ClampedArray);
}

/**
 * Writes a .npy file the way np.save does: version 1.0 (2.0 when the header needs more than
 * 65535 bytes), little-endian, C order, with the header padded by spaces and a final '\n' so
 * that the data starts at a multiple of 64 bytes. np.save writes the same bytes for the same array.
 *
 * @param array.dtype what to store; defaults to the typed array's own type (plain arrays -> f8).
 *   Values are converted: floats round, integers must be integers in range, b1 stores nonzero as 1.
 * @param array.shape non-negative integers; `data.length` must equal their product.
 *
 * @example
 * writeNpy({ shape: [3], data: [1, 2, 3] }); // '\x93NUMPY\x01\x00v\x00{'descr': '<f8', …' (152 bytes)
 */
export function writeNpy(array: { dtype?: NpyDtype; shape: number[]; data: NpyData | ArrayLike<number> }): Uint8Array {
  const fail = (msg: string): never => {
    throw new NpyError('writeNpy', msg);
  };
  const { shape, data } = array;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const dtype = array.dtype ?? inferDtype(data);
  if (!Object.hasOwn(CTORS, dtype)) fail(`unsupported dtype '${String(dtype)}' (supported: ${SUPPORTED})`);
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) fail(`data has ${data.length} elements but shape ${shapeRepr(shape)} needs ${n}`);

  const size = itemSize(dtype);
  const descr = `${size === 1 ? '|' : '<'}${dtype}`;
  // numpy's header: sorted keys, Python reprs, then spare spaces so the first axis can grow to
  // 21 digits in place, then padding to a 64-byte boundary and '\n'.
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) header += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  let prefixLen = 10;
  let hlen = header.length + 1;
  let pad = 64 - ((prefixLen + hlen) % 64);
  if (hlen + pad > 65535) {
    prefixLen = 12;
    pad = 64 - ((prefixLen + hlen) % 64);
  }
  hlen += pad;

  const body = isNativeFor(dtype, data) ? data : convert(dtype, data, n, fail);
  const out = new Uint8Array(prefixLen + hlen + n * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, prefixLen === 10 ? 1 : 2, 0]);
  const view = new DataView(out.buffer);
  if (prefixLen === 10) view.setUint16(8, hlen, true);
  else view.setUint32(8, hlen, true);
  for (let i = 0; i < header.length; i++) out[prefixLen + i] = header.charCodeAt(i);
  out.fill(0x20, prefixLen + header.length, prefixLen + hlen - 1);
  out[prefixLen + hlen - 1] = 0x0a;
  const dataStart = prefixLen + hlen;
  out.set(new Uint8Array(body.buffer, body.byteOffset, n * size), dataStart);
  if (size > 1 && !HOST_LITTLE) byteSwap(out.subarray(dataStart), size);
  return out;
}

// ---------------------------------------------------------------------------------------------

/**
 * A 1-D or 2-D array as float32 row-major matrix data: [n] -> [n, 1], [r, c] -> [r, c].
 * Any dtype converts (int64 via Number, bools as 0/1). A fresh Float32Array, unless
 * `options.copy` is false and the data already is one (then it is used as it is).
 * @throws NpyError for 0-d arrays and more than 2 axes
 *
 * @example
 * npyToMatrixData({ dtype: 'i8', shape: [3], data: new BigInt64Array([0n, 1n, 1n]) });
 * // { rows: 3, cols: 1, data: Float32Array [0, 1, 1] }
 */
export function npyToMatrixData(arr: NpyArray, source = '<bytes>', options: { copy?: boolean } = {}): { rows: number; cols: number; data: Float32Array } {
  const { shape, data } = arr;
  if (shape.length !== 1 && shape.length !== 2) {
    throw new NpyError(source, `expected a 1-D or 2-D array for a matrix, got shape ${shapeRepr(shape)} (${shape.length} axes)`);
  }
  const rows = shape[0]!;
  const cols = shape.length === 2 ? shape[1]! : 1;
  if (data.length !== rows * cols) {
    throw new NpyError(source, `data has ${data.length} elements but shape ${shapeRepr(shape)} needs ${rows * cols}`);
  }
  if (options.copy === false && data instanceof Float32Array) return { rows, cols, data };
  const out = new Float32Array(data.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
  } else {
    out.set(data);
  }
  return { rows, cols, data: out };
}
