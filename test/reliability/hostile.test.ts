/**
 * Hostile input refused fast, in bounded memory, with one line: the defects an outside probe found
 * (issue 11), each rebuilt here from its description, and the typed error each must now give.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CsvParser } from '../../src/data/csv.js';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { CsvError, DenselyError, describe as describeValue, InputError, jsonDepthOver, ModelFileError, NpyError, oneLine } from '../../src/errors.js';
import { modelFromFile } from '../../src/io/model-file.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { fileChunks } from '../../src/node/chunks.js';
import { loadNpyMatrix } from '../../src/node/files.js';
import { npyHeader } from '../fuzz/fuzz.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'densely-hostile-'));

/** The error `f` throws (the test fails when it throws none). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, got none');
}


function modelDoc(): Record<string, any> {
  const m = new Sequential([new Dense(2, { activation: 'relu', inputShape: [3] }), new Dense(1, { activation: 'sigmoid' })]);
  m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
  return JSON.parse(JSON.stringify(m.toJSON()));
}

describe('messages', () => {
  it('are one line: control characters escaped, long text cut in the middle', () => {
    expect(oneLine('a\nb\r\tc\u001b[31m')).toBe('a\\nb\\r\\tc\\x1b[31m');
    const long = oneLine(`start ${'9, '.repeat(100000)} end`);
    expect(long.length).toBeLessThan(700);
    expect(long.startsWith('start 9, 9,')).toBe(true);
    expect(long.endsWith(' end')).toBe(true);
    expect(new NpyError('x\ny.npy', 'bad').message).toBe('x\\ny.npy: bad');
    expect(describeValue('toString')).toBe('"toString"');
    expect(describeValue([[[]]])).toBe('a list of 1');
  });

  it('measure nesting without recursion', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200000; i++) deep = [deep];
    expect(jsonDepthOver({ a: deep }, 64)).toBe('a[0][0][0]…');
    expect(jsonDepthOver({ a: [[1]] }, 64)).toBeNull();
  });

  it('the CLI prints one line for a name holding a newline, and the stack only with --debug', () => {
    const errs: string[] = [];
    const io = { out: () => {}, err: (l: string) => errs.push(l) };
    const dir = tmp();
    const code = main(['predict', '--model', join(dir, 'evil\ndensely: all good'), '--data', join(dir, 'x.npy'), '--out', join(dir, 'o.csv')], io);
    expect(code).toBe(1);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^densely predict: .*evil\\ndensely: all good: no such file$/);
    errs.length = 0;
    main(['predict', '--debug', '--model', join(dir, 'none.json'), '--data', join(dir, 'x.npy'), '--out', join(dir, 'o.csv')], io);
    expect(errs).toHaveLength(2);
    expect(errs[1]).toMatch(/^InputError: .*\n\s+at /);
  });
});

describe('.npy', () => {
  it('refuses more than 64 axes, and a header over 10,000 bytes, before using the shape', () => {
    const axes = (n: number) => `{'descr': '<f4', 'fortran_order': True, 'shape': (${new Array(n).fill(1).join(', ')}), }`;
    const e = thrown(() => readNpy(npyHeader(axes(65), new Uint8Array(4)), 'many.npy'));
    expect(e).toBeInstanceOf(NpyError);
    expect(e.message).toBe("many.npy: shape has 65 axes; at most 64 are allowed (numpy's own limit)");
    expect(readNpy(npyHeader(axes(64), new Uint8Array(4))).shape).toHaveLength(64);
    const big = thrown(() => readNpy(npyHeader(axes(5000), new Uint8Array(4)), 'big.npy'));
    expect(big.message).toMatch(/^big.npy: header length \d+ bytes is over the limit of 10000/);
  });

  it('converts Fortran order with runs of length-1 axes exactly', () => {
    // shape (2, 1, 3, 1, 2) in Fortran order: element [i, 0, j, 0, k] sits at i + 2j + 6k
    const shape = [2, 1, 3, 1, 2];
    const f = new Float32Array(12);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) f[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
    const bytes = npyHeader(`{'descr': '<f4', 'fortran_order': True, 'shape': (${shape.join(', ')}), }`, new Uint8Array(f.buffer));
    const c = Array.from(readNpy(bytes).data as Float32Array);
    expect(c).toEqual([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]);
  });

  it('a float32 C-order file is used in place: the matrix is a view of the file read, one copy', () => {
    const dir = tmp();
    const path = join(dir, 'x.npy');
    const bytes = writeNpy({ shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) });
    writeFileSync(path, bytes);
    const m = loadNpyMatrix(path);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.data.byteOffset).toBe(128); // the data starts after the 128-byte header of the same buffer
    expect(m.data.buffer.byteLength).toBe(bytes.length);
    // and readNpy without inPlace still copies
    expect(readNpy(bytes).data.byteOffset).toBe(0);
  });

  it('trailing or missing data is found from the header, naming the file', () => {
    const dir = tmp();
    const ok = writeNpy({ shape: [4], data: new Float32Array([1, 2, 3, 4]) });
    const long = join(dir, 'long.npy');
    writeFileSync(long, Buffer.concat([ok, Buffer.alloc(8)]));
    expect(() => loadNpyMatrix(long)).toThrow(`${long}: data has 24 bytes but shape (4,) of <f4 needs 16 (8 extra bytes after the array)`);
    const short = join(dir, 'short.npy');
    writeFileSync(short, ok.subarray(0, ok.length - 4));
    expect(() => loadNpyMatrix(short)).toThrow(`${short}: data has 12 bytes but shape (4,) of <f4 needs 16`);
  });

  it('a .npy.gz stops decompressing one byte past what its header declares', () => {
    const dir = tmp();
    const bomb = join(dir, 'bomb.npy.gz');
    // a 4-value header followed by 200 MB of zeros: about 200 KB compressed
    writeFileSync(bomb, gzipSync(Buffer.concat([writeNpy({ shape: [4], data: new Float32Array(4) }), Buffer.alloc(200e6)])));
    const before = process.memoryUsage().rss;
    const e = thrown(() => loadNpyMatrix(bomb));
    expect(e).toBeInstanceOf(NpyError);
    expect(e.message).toMatch(/bomb.npy.gz: decompresses to more bytes than its shape needs/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100e6);
    // a declared size past the limit is refused before any data is decompressed
    const huge = join(dir, 'huge.npy.gz');
    writeFileSync(huge, gzipSync(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 50), }")));
    expect(() => loadNpyMatrix(huge)).toThrow(/huge.npy.gz: its header declares 200000000\d+ bytes \(186.3 GiB\), more than the --max-input-bytes limit/);
    // and a good one loads
    const good = join(dir, 'good.npy.gz');
    writeFileSync(good, gzipSync(writeNpy({ shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) })));
    expect(Array.from(loadNpyMatrix(good).data)).toEqual([1, 2, 3, 4]);
  });
});

describe('gzip CSV', () => {
  it('is decompressed as a stream, in pieces of at most 1 MB, with the same bytes', () => {
    const dir = tmp();
    const text = Buffer.from(`a,b\n${Array.from({ length: 300000 }, (_, i) => `${i},${i % 7}\n`).join('')}`);
    const path = join(dir, 'rows.csv.gz');
    writeFileSync(path, gzipSync(text));
    const pieces = [...fileChunks(path)()] as Uint8Array[];
    expect(pieces.length).toBeGreaterThan(2);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(1 << 20);
    expect(Buffer.concat(pieces).equals(text)).toBe(true);
    const bad = join(dir, 'bad.csv.gz');
    writeFileSync(bad, 'not gzip');
    expect(() => [...fileChunks(bad)()]).toThrow(/bad.csv.gz: not a valid gzip file \(incorrect header check\)/);
  });

  it('stops as soon as the output passes --max-input-bytes', () => {
    const dir = tmp();
    const path = join(dir, 'bomb.csv.gz');
    writeFileSync(path, gzipSync(Buffer.concat([Buffer.from('a,b\n'), Buffer.alloc(50e6, '1,2\n')])));
    const e = thrown(() => [...fileChunks(path, 1 << 20, 10e6)()]);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(`${path}: decompresses to more than 10000000 bytes (9.5 MiB), the --max-input-bytes limit; stopped there (raise --max-input-bytes if the file is genuine)`);
  });
});

describe('--max-input-bytes', () => {
  it('is taken by every command, and a .csv.gz past it is refused in one line', () => {
    const dir = tmp();
    const path = join(dir, 'rows.csv.gz');
    writeFileSync(path, gzipSync(Buffer.from(`a,y\n${'1,0\n2,1\n'.repeat(5000)}`)));
    const errs: string[] = [];
    const io = { out: () => {}, err: (l: string) => errs.push(l) };
    expect(main(['train', '--data', path, '--max-input-bytes', '1000', '--epochs', '1'], io)).toBe(1);
    expect(errs).toEqual([`densely train: ${path}: decompresses to more than 1000 bytes, the --max-input-bytes limit; stopped there (raise --max-input-bytes if the file is genuine)`]);
    errs.length = 0;
    expect(main(['train', '--data', path, '--max-input-bytes', 'lots'], io)).toBe(2);
    expect(errs[0]).toMatch(/^densely --max-input-bytes must be a positive whole number of bytes, got 'lots'/);
  });
});

describe('model files are checked before anything is allocated', () => {
  it('a layer of 6e6 units with six values is refused from its shapes, without allocating', () => {
    const doc = modelDoc();
    doc.layers[0].units = 6e6;
    doc.layers[1].inputDim = 6e6;
    const before = process.memoryUsage().arrayBuffers;
    const e = thrown(() => modelFromFile(doc, 'm.json'));
    expect(e).toBeInstanceOf(ModelFileError);
    expect(e.message).toBe('m.json: weights[0].shape: is [3, 2], the layers need [3, 6000000]');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(10e6);
  });

  it('null layers, registry names and deep nesting are densely errors naming the field', () => {
    const cases: [(d: Record<string, any>) => void, string][] = [
      [(d) => (d.layers[1] = null), 'm.json: layers[1]: must be an object with a className, got null'],
      [(d) => (d.layers[0].activation = 'toString'), "m.json: layers[0]: Dense: Dense(2): unknown activation 'toString' (expected one of relu, sigmoid, tanh, linear, leaky_relu, elu, selu, softplus, softmax)"],
      [(d) => (d.layers[0].className = 'constructor'), 'm.json: layers[0].className: unknown className "constructor" (known: Dense, Dropout)'],
      [(d) => (d.weights[2] = null), 'm.json: weights[2]: must be {name, shape, values}, got null'],
      [(d) => (d.weights[1].values = { length: 1e9 }), 'm.json: weights[1].values: must be a list of numbers, got an object'],
      [
        (d) => {
          let x: unknown = 'densely-model';
          for (let i = 0; i < 100000; i++) x = [x];
          d.format = x;
        },
        'm.json: format[0][0][0]…: nested more than 64 levels deep',
      ],
      [(d) => (d.preparation = { kind: 'pickle' }), `m.json: preparation.kind: unknown kind "pickle" (expected 'csv' or 'npy')`],
      [(d) => (d.featureNames = ['a', 'b']), 'm.json: featureNames: names 2 features but the model takes 3'],
    ];
    for (const [mutate, message] of cases) {
      const doc = modelDoc();
      mutate(doc);
      const e = thrown(() => modelFromFile(doc, 'm.json'));
      expect(e).toBeInstanceOf(DenselyError);
      expect(e.message).toBe(message);
    }
  });
});

describe('CSV', () => {
  /** The delimiter the parser settles on when `text` arrives in chunks of `size` (as bytes or as a string). */
  function delimiterFor(text: string, size: number, asBytes: boolean): string {
    const p = new CsvParser({ onRow: () => {} }, { allowNoRows: true });
    const bytes = new TextEncoder().encode(text);
    const n = asBytes ? bytes.length : text.length;
    try {
      for (let o = 0; o < n; o += size) p.push(asBytes ? bytes.subarray(o, o + size) : text.slice(o, o + size));
      return p.end().delimiter;
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      return p.delimiter as string;
    }
  }

  it('sniffs the same delimiter whatever the chunking, with a first line over 64 KB holding ; and ,', () => {
    // line 1: 66,000 characters of 'a,' and then 'x;y;z', past the 64 KB mark; the rows hold two ';'.
    // Seen whole, ';' is the consistent one; seen to 64 KB, only ',' is there. The sniffer must
    // look at the same first 64 KB however the text is cut (before, a 1 MB chunk said ';' and a
    // 64 KB one said ',').
    const head = `${'a,'.repeat(33000)}x;y;z`;
    const text = `${head}\n1;2;3\n4;5;6\n`;
    const seen = new Set<string>();
    for (const size of [1000, 4096, 65535, 65536, 65537, 70000, 100000, 1 << 20]) {
      seen.add(delimiterFor(text, size, true));
      seen.add(delimiterFor(text, size, false));
    }
    expect([...seen]).toEqual([',']);
    // and with quoted line breaks in the first ten lines, chunked finely
    const quoted = `a,"x\ny\nz";b\n${'1,"p\nq";2\n'.repeat(12)}`;
    const q = new Set([1, 3, 7, 16, 64, 1000].flatMap((s) => [delimiterFor(quoted, s, true), delimiterFor(quoted, s, false)]));
    expect(q.size).toBe(1);
  });

  it('looks for NUL in the same first 1024 bytes whether given bytes or a string', () => {
    const text = `${'é'.repeat(600)}\u0000,b\n1,2\n`; // 1200 bytes of 'é' before the NUL, 600 characters
    const parse = (chunk: string | Uint8Array) => {
      const p = new CsvParser({ onRow: () => {} });
      p.push(chunk);
      return p.end().header.length;
    };
    // past the probe in both units (byte 1200, character 600): not called binary by either
    expect(parse(text)).toBe(2);
    expect(parse(new TextEncoder().encode(text))).toBe(2);
    const early = `${'é'.repeat(100)}\u0000`;
    const p = new CsvParser({ onRow: () => {} });
    expect(() => p.push(early)).toThrow('input: looks binary, not CSV (NUL byte at offset 200)');
  });

  it('a FIFO is read once into a spool, and read again from there', async () => {
    const dir = tmp();
    const fifo = join(dir, 'rows.csv');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no FIFOs here
    const writer = spawn('sh', ['-c', `printf 'a,b\\n1,2\\n3,4\\n' > "${fifo}"`]);
    const src = fileChunks(fifo);
    const read = () => [...src()].map((c) => new TextDecoder().decode(c as Uint8Array)).join('');
    expect(read()).toBe('a,b\n1,2\n3,4\n');
    expect(read()).toBe('a,b\n1,2\n3,4\n'); // the second pass: from the spool, not the drained pipe
    await new Promise((r) => writer.on('exit', r));
    (src as unknown as { close(): void }).close();
  });
});

describe('tampered models never exit 0 with NaN scores', () => {
  function predictWith(doc: object, features: Float32Array): { code: number; errs: string[] } {
    const dir = tmp();
    const model = join(dir, 'm.json');
    writeFileSync(model, JSON.stringify(doc));
    const rows = join(dir, 'x.npy');
    writeFileSync(rows, writeNpy({ shape: [features.length / 2, 2], data: features }));
    const errs: string[] = [];
    const code = main(['predict', '--model', model, '--data', rows, '--out', join(dir, 'scores.csv')], { out: () => {}, err: (l) => errs.push(l) }) as number;
    return { code, errs };
  }
  const base = () => {
    const m = new Sequential([new Dense(2, { activation: 'relu', inputShape: [2] }), new Dense(1, { activation: 'sigmoid' })], { seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    return JSON.parse(JSON.stringify(m.toJSON()));
  };

  it('weights near the float32 limit that overflow on a row: predict refuses, naming the file and row', () => {
    const doc = base();
    doc.weights[0].values = [3e38, 3e38, 3e38, 3e38]; // finite float32, but 1·3e38 + 1·3e38 is Infinity
    doc.weights[2].values = [1, -1]; // Infinity - Infinity: NaN
    const { code, errs } = predictWith(doc, new Float32Array([0, 0, 1, 0, 1, 1]));
    expect(code).toBe(1);
    expect(errs).toEqual([expect.stringMatching(/^densely predict: .*x\.npy: row 3: the score is NaN; the model or its preparation holds values that overflow on this row/)]);
  });

  it('a standardizer std of 1e-300 (finite, > 0) that overflows a feature is refused too', () => {
    const standardizer = { format: 'densely.standardizer', version: 1, mean: [0, 0], std: [1, 1e-300], impute: 'none', names: null };
    const { code, errs } = predictWith({ ...base(), preparation: { kind: 'npy', standardizer } }, new Float32Array([0, 0, 1, 0, 1, 1]));
    expect(code).toBe(1);
    expect(errs).toEqual([expect.stringMatching(/row 2, column 1 is Infinity/)]);
  });
});
