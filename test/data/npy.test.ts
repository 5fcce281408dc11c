import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NpyError, npyToMatrixData, readNpy, writeNpy } from '../../src/data/npy.js';
import type { NpyArray, NpyData, NpyDtype } from '../../src/data/npy.js';

const DIR = fileURLToPath(new URL('../fixtures/npy/', import.meta.url));
const MORE = `${DIR}more/`;

/** Fixture path as it appears in error messages. */
const rel = (path: string): string => path.slice(path.indexOf('test/fixtures/'));
const load = (path: string): Uint8Array => new Uint8Array(readFileSync(path));
const read = (path: string): NpyArray => readNpy(load(path), rel(path));

interface SharedEntry {
  descr: string;
  shape: number[];
  fortran_order: boolean;
  values_c_order: number[];
}
interface MoreEntry {
  descr: string;
  dtype: NpyDtype;
  shape: number[];
  fortran_order: boolean;
  version: [number, number];
  values_c_order: (number | string)[];
  numpy_wrote: boolean;
  le_hex?: string;
}
interface WriterEntry {
  dtype: NpyDtype;
  shape: number[];
  values_c_order: (number | string)[];
  version: [number, number];
  le_hex: string;
}
const shared = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as {
  arrays: Record<string, SharedEntry>;
  must_reject: Record<string, string>;
};
const more = JSON.parse(readFileSync(`${MORE}expected.json`, 'utf8')) as {
  arrays: Record<string, MoreEntry>;
  writer: Record<string, WriterEntry>;
  must_reject: Record<string, { reason: string; message_contains: string[] }>;
  f2_rounding: Record<
    'f8_hex' | 'f2_from_f8_hex' | 'f4_hex' | 'f2_from_f4_hex' | 'f8_nan_hex' | 'f2_from_f8_nan_hex' | 'f4_nan_hex' | 'f2_from_f4_nan_hex',
    string
  >;
};

const CTOR_NAME: Record<NpyDtype, string> = {
  f2: 'Float32Array',
  f4: 'Float32Array',
  f8: 'Float64Array',
  i1: 'Int8Array',
  i2: 'Int16Array',
  i4: 'Int32Array',
  i8: 'BigInt64Array',
  u1: 'Uint8Array',
  u2: 'Uint16Array',
  u4: 'Uint32Array',
  u8: 'BigUint64Array',
  b1: 'Uint8Array',
};

/** A JSON value from expected.json as what the typed array holds. */
function expectedValue(dtype: NpyDtype, v: number | string): number | bigint {
  if (dtype === 'i8' || dtype === 'u8') return BigInt(typeof v === 'number' ? Math.round(v) : v);
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** The elements of any NpyData as a plain array. */
const values = (d: NpyData): (number | bigint)[] => Array.from(d as ArrayLike<number | bigint>);

function hexOf(data: ArrayBufferView): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');
}

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** A typed array of `dtype` (f2 widened to f32) from its little-endian bytes. */
function typedFromHex(dtype: NpyDtype, hex: string): NpyData {
  const b = fromHex(hex);
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const ctors = {
    Float32Array,
    Float64Array,
    Int8Array,
    Int16Array,
    Int32Array,
    BigInt64Array,
    Uint8Array,
    Uint16Array,
    Uint32Array,
    BigUint64Array,
  } as const;
  return new ctors[CTOR_NAME[dtype] as keyof typeof ctors](buf);
}

function expectValues(a: NpyArray, dtype: NpyDtype, values: (number | string)[]): void {
  expect(a.data.length).toBe(values.length);
  for (let i = 0; i < values.length; i++) {
    const want = expectedValue(dtype, values[i]!);
    const got = a.data[i]!;
    if (!Object.is(got, want)) {
      throw new Error(`value ${i}: got ${String(got)}, want ${String(want)}`);
    }
  }
}

describe('readNpy: shared fixtures written by NumPy 2.4.6', () => {
  for (const [name, e] of Object.entries(shared.arrays)) {
    it(`reads ${name} (${e.descr}, shape [${e.shape.join(', ')}]${e.fortran_order ? ', fortran' : ''})`, () => {
      const a = read(`${DIR}${name}`);
      const dtype = e.descr.slice(1) as NpyDtype;
      expect(a.dtype).toBe(dtype);
      expect(a.shape).toEqual(e.shape);
      expect(a.data.constructor.name).toBe(CTOR_NAME[dtype]);
      expectValues(a, dtype, e.values_c_order);
    });
  }

  const reasons: Record<string, RegExp> = {
    'bad_magic.npy': /magic/,
    'truncated_data.npy': /data has 43 bytes but shape \(4, 3\) of <f4 needs 48/,
    'truncated_header.npy': /header cut off/,
    'object_dtype.npy': /pickled object arrays are not supported and are never unpickled/,
  };
  for (const name of Object.keys(shared.must_reject)) {
    it(`rejects ${name} (${shared.must_reject[name]})`, () => {
      const path = `${DIR}${name}`;
      expect(reasons[name]).toBeDefined();
      expect(() => read(path)).toThrowError(NpyError);
      expect(() => read(path)).toThrowError(new RegExp(`^${rel(path)}: `));
      expect(() => read(path)).toThrowError(reasons[name]!);
    });
  }
});

describe('readNpy: fixtures from make_more.py', () => {
  for (const [name, e] of Object.entries(more.arrays)) {
    it(`reads ${name} (${e.descr}, v${e.version.join('.')}, shape [${e.shape.join(', ')}]${e.fortran_order ? ', fortran' : ''})`, () => {
      const a = read(`${MORE}${name}`);
      expect(a.dtype).toBe(e.dtype);
      expect(a.shape).toEqual(e.shape);
      expect(a.data.constructor.name).toBe(CTOR_NAME[e.dtype]);
      expectValues(a, e.dtype, e.values_c_order);
      if (e.le_hex !== undefined) expect(hexOf(a.data)).toBe(e.le_hex); // bit for bit, NaN payloads too
    });
  }

  for (const [name, e] of Object.entries(more.must_reject)) {
    it(`rejects ${name} (${e.reason})`, () => {
      const path = `${MORE}${name}`;
      let err: unknown;
      try {
        read(path);
      } catch (x) {
        err = x;
      }
      expect(err).toBeInstanceOf(NpyError);
      const msg = (err as Error).message;
      expect(msg.startsWith(`${rel(path)}: `)).toBe(true);
      for (const part of e.message_contains) expect(msg).toContain(part);
      expect((err as NpyError).source).toBe(rel(path));
    });
  }

  it('names <bytes> when no source is given', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3]))).toThrowError(/^<bytes>: .*magic/);
  });

  it('reads from an unaligned view and never aliases the input', () => {
    const file = load(`${MORE}f8_le.npy`);
    const big = new Uint8Array(file.length + 3);
    big.set(file, 3);
    const view = big.subarray(3);
    const a = readNpy(view);
    expect(hexOf(a.data)).toBe(more.arrays['f8_le.npy']!.le_hex);
    expect(a.data.buffer).not.toBe(big.buffer);
    big.fill(0);
    expect(hexOf(a.data)).toBe(more.arrays['f8_le.npy']!.le_hex);
  });

  it('reads a Node Buffer (a view into a shared pool) without touching it', () => {
    for (const name of ['i2_be.npy', 'f4_3d_fortran.npy', 'u1_na.npy']) {
      const buf = readFileSync(`${MORE}${name}`); // small Buffers live at an offset in a shared pool
      const before = buf.toString('hex');
      const a = readNpy(buf, name);
      expect(hexOf(a.data), name).toBe(more.arrays[name]!.le_hex);
      expect(buf.toString('hex'), name).toBe(before);
    }
  });

  it('rejects a dtype name that only exists on the prototype', () => {
    expect(() => writeNpy({ dtype: 'toString' as NpyDtype, shape: [1], data: [1] })).toThrowError(/unsupported dtype/);
  });

  it('decodes every half-float bit pattern exactly', () => {
    // An independent oracle: value = ±2^(e−15)·(1 + m/1024), subnormals ±2^−14·(m/1024).
    const halves = new Uint16Array(65536).map((_, i) => i);
    const bytes = writeNpy({ dtype: 'u2', shape: [65536], data: halves });
    bytes[Buffer.from(bytes).indexOf("'<u2'") + 2] = 'f'.charCodeAt(0); // same bits, now read as '<f2'
    const a = readNpy(bytes);
    expect(a.dtype).toBe('f2');
    const bits = new Uint32Array(a.data.buffer);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 0x1f;
      const m = h & 0x3ff;
      if (e === 31 && m !== 0) {
        expect(bits[h]).toBe((((h & 0x8000) << 16) | 0x7f800000 | (m << 13)) >>> 0);
        continue;
      }
      const want = e === 31 ? sign * Infinity : e === 0 ? sign * 2 ** -14 * (m / 1024) : sign * 2 ** (e - 15) * (1 + m / 1024);
      if (!Object.is(a.data[h], want)) throw new Error(`half 0x${h.toString(16)}: got ${a.data[h]}, want ${want}`);
    }
  });
});

describe('writeNpy', () => {
  for (const [name, e] of Object.entries(more.writer)) {
    it(`writes the same bytes as np.save for ${name}`, () => {
      const file = load(`${MORE}${name}`);
      const data = typedFromHex(e.dtype, e.le_hex);
      expect(Buffer.from(writeNpy({ dtype: e.dtype, shape: e.shape, data })).equals(Buffer.from(file))).toBe(true);
      if (e.dtype !== 'f2' && e.dtype !== 'b1') {
        // the dtype inferred from the typed array
        expect(Buffer.from(writeNpy({ shape: e.shape, data })).equals(Buffer.from(file))).toBe(true);
      }
    });
  }

  it('writes plain number arrays as f8, like np.save of a float list', () => {
    const e = more.writer['writer_f8_1d.npy']!;
    const out = writeNpy({ shape: e.shape, data: e.values_c_order.map(Number) });
    expect(Buffer.from(out).equals(Buffer.from(load(`${MORE}writer_f8_1d.npy`)))).toBe(true);
  });

  it('reproduces every little-endian C-order file np.save wrote, byte for byte', () => {
    const files: string[] = [];
    for (const [name, e] of Object.entries(shared.arrays)) {
      if (!e.fortran_order && e.descr[0] !== '>' && name !== 'f4_v2header.npy') files.push(`${DIR}${name}`);
    }
    for (const [name, e] of Object.entries(more.arrays)) {
      if (e.numpy_wrote && !e.fortran_order && e.descr[0] !== '>' && e.version[0] === 1) files.push(`${MORE}${name}`);
    }
    expect(files.length).toBeGreaterThan(20);
    for (const path of files) {
      const bytes = load(path);
      const out = writeNpy(read(path));
      expect(Buffer.from(out).equals(Buffer.from(bytes)), rel(path)).toBe(true);
    }
  });

  it('round-trips every dtype bit for bit, including shapes with 0 and 1', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const dtypes: NpyDtype[] = ['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1'];
    const shapes = [[], [0], [1], [7], [3, 5], [0, 4], [4, 0], [1, 1], [2, 3, 5], [2, 1, 3, 2]];
    for (const dtype of dtypes) {
      for (const shape of shapes) {
        const n = shape.reduce((a, b) => a * b, 1);
        const raw = new Uint8Array(n * (dtype === 'f2' ? 4 : Number(dtype.slice(1)))).map(() => Math.floor(rand() * 256));
        let data = typedFromHex(dtype, Buffer.from(raw).toString('hex'));
        if (dtype === 'b1') data = (data as Uint8Array).map((v) => v & 1);
        if (dtype === 'f2' || dtype === 'f4') {
          // random float32 bits (NaNs included); f2 goes through half, so use exact halves
          data = dtype === 'f4' ? data : new Float32Array(n).map(() => [0, -0, 1.5, -(2 ** -24), 65504, Infinity, -3.25][Math.floor(rand() * 7)]!);
        }
        const bytes = writeNpy({ dtype, shape, data });
        expect((bytes[8]! + 256 * bytes[9]! + 10) % 64).toBe(0);
        const back = readNpy(bytes);
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual(shape);
        expect(hexOf(back.data), `${dtype} ${JSON.stringify(shape)}`).toBe(hexOf(data));
      }
    }
  });

  it('round-trips every array make_more.py wrote, incl. big-endian and Fortran order', () => {
    for (const name of Object.keys(more.arrays)) {
      const a = read(`${MORE}${name}`);
      const b = readNpy(writeNpy(a));
      expect(b.dtype).toBe(a.dtype);
      expect(b.shape).toEqual(a.shape);
      expect(hexOf(b.data), name).toBe(hexOf(a.data));
    }
  });

  it('rounds float64 and float32 to half exactly like numpy', () => {
    const r = more.f2_rounding;
    const f8 = typedFromHex('f8', r.f8_hex);
    const f4 = typedFromHex('f4', r.f4_hex);
    const body = (bytes: Uint8Array, n: number): string => hexOf(bytes.subarray(bytes.length - 2 * n));
    expect(body(writeNpy({ dtype: 'f2', shape: [f8.length], data: f8 }), f8.length)).toBe(r.f2_from_f8_hex);
    expect(body(writeNpy({ dtype: 'f2', shape: [f4.length], data: f4 }), f4.length)).toBe(r.f2_from_f4_hex);
    expect(body(writeNpy({ dtype: 'f2', shape: [f8.length], data: Array.from(f8 as Float64Array) }), f8.length)).toBe(r.f2_from_f8_hex);
    // NaN payloads: numpy keeps the sign and the top 10 payload bits, and turns an empty payload into 1
    const f4nan = typedFromHex('f4', r.f4_nan_hex);
    const f8nan = typedFromHex('f8', r.f8_nan_hex);
    expect(body(writeNpy({ dtype: 'f2', shape: [f4nan.length], data: f4nan }), f4nan.length)).toBe(r.f2_from_f4_nan_hex);
    expect(body(writeNpy({ dtype: 'f2', shape: [f8nan.length], data: f8nan }), f8nan.length)).toBe(r.f2_from_f8_nan_hex);
  });

  it('switches to version 2.0 when the header outgrows 65535 bytes', () => {
    const shape = new Array<number>(22000).fill(1);
    shape[5] = 2;
    const bytes = writeNpy({ shape, data: new Int16Array([-7, 9]) });
    expect([bytes[6], bytes[7]]).toEqual([2, 0]);
    const hlen = new DataView(bytes.buffer).getUint32(8, true);
    expect(hlen).toBeGreaterThan(65535);
    expect((12 + hlen) % 64).toBe(0);
    expect(bytes[12 + hlen - 1]).toBe(0x0a);
    // numpy writes such a file, but np.load refuses its header (max_header_size 10000): so does densely
    expect(() => readNpy(bytes)).toThrow(/header length 66100 bytes is over the limit of 10000/);
    // one dim fewer than the limit still fits in version 1.0
    expect(writeNpy({ shape: [1, 1], data: [0] })[6]).toBe(1);
  });

  it('converts values to the requested dtype, and refuses values that do not fit', () => {
    expect(values(readNpy(writeNpy({ dtype: 'i2', shape: [3], data: [1, -2, 3] })).data)).toEqual([1, -2, 3]);
    expect(values(readNpy(writeNpy({ dtype: 'u8', shape: [2], data: [0, 2 ** 53] })).data)).toEqual([0n, 2n ** 53n]);
    expect(values(readNpy(writeNpy({ dtype: 'b1', shape: [4], data: [0, 2, -0, NaN] })).data)).toEqual([0, 1, 0, 1]);
    expect(values(readNpy(writeNpy({ dtype: 'f4', shape: [1], data: [0.1] })).data)).toEqual([Math.fround(0.1)]);
    expect(values(readNpy(writeNpy({ dtype: 'f8', shape: [1], data: new BigInt64Array([5n]) })).data)).toEqual([5]);
    expect(() => writeNpy({ dtype: 'i4', shape: [2], data: [1, 1.5] })).toThrowError(/^writeNpy: data\[1\] = 1.5 is not an integer for dtype i4/);
    expect(() => writeNpy({ dtype: 'u1', shape: [1], data: [256] })).toThrowError(/data\[0\] = 256 is out of range for dtype u1/);
    expect(() => writeNpy({ dtype: 'i8', shape: [1], data: new BigUint64Array([2n ** 63n]) })).toThrowError(/out of range/);
    expect(() => writeNpy({ dtype: 'u4', shape: [1], data: new Int32Array([-1]) })).toThrowError(/out of range/);
  });

  it('refuses bad shapes and dtypes', () => {
    expect(() => writeNpy({ shape: [2, 3], data: [1, 2, 3, 4, 5] })).toThrowError(/^writeNpy: data has 5 elements but shape \(2, 3\) needs 6/);
    expect(() => writeNpy({ shape: [-1], data: [] })).toThrowError(NpyError);
    expect(() => writeNpy({ shape: [1.5], data: [1] })).toThrowError(/non-negative integers/);
    expect(() => writeNpy({ dtype: 'c8' as NpyDtype, shape: [1], data: [1] })).toThrowError(/unsupported dtype 'c8'/);
  });

  it('does not alias its input', () => {
    const data = new Float32Array([1, 2]);
    const bytes = writeNpy({ shape: [2], data });
    data[0] = 5;
    expect(values(readNpy(bytes).data)).toEqual([1, 2]);
  });
});

describe('npyToMatrixData', () => {
  it('turns a Fortran-order float64 dataset into float32 rows', () => {
    const a = read(`${MORE}dataset_f8_fortran.npy`);
    const m = npyToMatrixData(a, 'dataset_f8_fortran.npy');
    expect([m.rows, m.cols]).toEqual([200, 7]);
    const want = more.arrays['dataset_f8_fortran.npy']!.values_c_order;
    expect(m.data).toBeInstanceOf(Float32Array);
    for (let i = 0; i < want.length; i++) expect(m.data[i]).toBe(Math.fround(want[i] as number));
  });

  it('turns 1-D int64 and bool labels into a column', () => {
    for (const name of ['labels_i8.npy', 'labels_b1.npy']) {
      const m = npyToMatrixData(read(`${MORE}${name}`));
      expect([m.rows, m.cols]).toEqual([200, 1]);
      expect(Array.from(m.data)).toEqual(more.arrays['labels_i8.npy']!.values_c_order.map(Number));
    }
  });

  it('copies, so the matrix and the array are independent', () => {
    const a: NpyArray = { dtype: 'f4', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) };
    const m = npyToMatrixData(a);
    m.data[0] = 9;
    expect(a.data[0]).toBe(1);
    expect([m.rows, m.cols]).toEqual([2, 2]);
  });

  it('refuses 0-d and 3-D arrays, naming the source and the shape', () => {
    expect(() => npyToMatrixData(read(`${DIR}f4_scalar.npy`), 'x.npy')).toThrowError(/^x\.npy: .*shape \(\)/);
    expect(() => npyToMatrixData(read(`${DIR}i4_3d.npy`), 'y.npy')).toThrowError(/^y\.npy: .*shape \(2, 3, 4\)/);
    expect(() => npyToMatrixData(read(`${DIR}i4_3d.npy`))).toThrowError(NpyError);
  });
});
