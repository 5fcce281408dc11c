/**
 * Writes of any size, and pairs written together: the atomic writer hands the system pieces of at
 * most 1 GiB (one writeSync fails past 2^31 - 1 bytes), a JSON document is streamed rather than
 * built as one string, and `prepare`'s two outputs are replaced together or not at all.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { loadModel, saveModel } from '../../src/node/model-files.js';
import { openAtomicWriter, writeFilesTogether, writeJsonAtomic, type WriteFn } from '../../src/node/files.js';
import { InputError } from '../../src/errors.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'densely-writes-'));

/** A write function that behaves as writeSync's limit does (a length past 2^31 - 1 throws) and only counts. */
function countingWriter(): { write: WriteFn; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    write: (_fd, data, offset, length) => {
      if (length > 2 ** 31 - 1) throw new RangeError(`The value of "length" is out of range: ${length}`);
      if (offset + length > data.length) throw new RangeError('past the end');
      calls.push(length);
      return length;
    },
  };
}

describe('writes of any size', () => {
  it('a 2.5 GiB write goes down in pieces of at most 1 GiB', () => {
    const dir = tmp();
    // zero-filled and never read by the counting writer: the pages are never touched
    const big = new Uint8Array(2.5 * 2 ** 30);
    const { write, calls } = countingWriter();
    const w = openAtomicWriter(join(dir, 'big.bin'), { write });
    w.write(big);
    w.commit();
    expect(calls).toEqual([2 ** 30, 2 ** 30, 2 ** 29]);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(big.length);
  });

  it('a JSON document is streamed in pieces, with the bytes JSON.stringify gives', () => {
    const dir = tmp();
    const doc = { a: 'x\n"y"', n: [1.5, -0, 1e-7, 3.4028234663852886e38], t: new Float32Array([0.1, 2, -3.5]), nested: { list: Array.from({ length: 300000 }, (_, i) => i / 7), none: undefined, f: null } };
    const path = join(dir, 'doc.json');
    writeJsonAtomic(path, doc);
    const expected = JSON.stringify({ ...doc, t: Array.from(doc.t) });
    expect(readFileSync(path, 'utf8')).toBe(expected);
    const { write, calls } = countingWriter();
    writeJsonAtomic(join(dir, 'counted.json'), doc, { write });
    expect(calls.length).toBeGreaterThan(3); // pieces of about 1 MB, not one string
    expect(Math.max(...calls)).toBeLessThan(3 * 2 ** 20);
  });

  it('a saved model reads back with the same weights, and the file is the JSON of toJSON', () => {
    const dir = tmp();
    const m = new Sequential([new Dense(40, { activation: 'relu', inputShape: [30] }), new Dense(1, { activation: 'sigmoid' })], { seed: 5 });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const path = join(dir, 'm.json');
    saveModel(path, m);
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(m.toJSON()));
    expect(loadModel(path).getWeights()).toEqual(m.getWeights());
  });
});

describe('files written together', () => {
  it('replaces both files, or neither when one cannot be written', () => {
    const dir = tmp();
    const a = join(dir, 'x.npy');
    const b = join(dir, 'x.npy.json');
    writeFileSync(a, 'old a');
    writeFileSync(b, 'old b');
    writeFilesTogether([
      { path: a, data: 'new a' },
      { path: b, data: 'new b' },
    ]);
    expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['new a', 'new b']);
    // the second rename fails (its old file cannot be set aside: a folder is in the way), and
    // the first file, already in place, is put back
    writeFileSync(join(dir, 'y.npy'), 'old y');
    writeFileSync(join(dir, 'y.json'), 'old names');
    const blocker = join(dir, `.y.json.${process.pid}.old`);
    mkdirSync(blocker);
    writeFileSync(join(blocker, 'in-the-way'), '');
    let error: unknown = null;
    try {
      writeFilesTogether([
        { path: join(dir, 'y.npy'), data: 'new y' },
        { path: join(dir, 'y.json'), data: 'new names' },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/y.json: could not write; no file of the set was replaced/);
    expect([readFileSync(join(dir, 'y.npy'), 'utf8'), readFileSync(join(dir, 'y.json'), 'utf8')]).toEqual(['old y', 'old names']);
    expect(readdirSync(dir).sort()).toEqual([`.y.json.${process.pid}.old`, 'x.npy', 'x.npy.json', 'y.json', 'y.npy']); // no temporary file left
  });

  it('a failure while writing (a missing folder) leaves every target untouched', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'p.npy'), 'old');
    expect(() => writeFilesTogether([{ path: join(dir, 'p.npy'), data: 'new' }, { path: join(dir, 'gone', 'p.json'), data: 'x' }])).toThrow(InputError);
    expect(readFileSync(join(dir, 'p.npy'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['p.npy']);
  });
});

describe('large models keep their weights in a binary sidecar', () => {
  it('saves past the threshold as JSON + .weights.bin, loads back the same weights, and checks the sidecar', () => {
    const dir = tmp();
    const m = new Sequential([new Dense(30, { activation: 'relu', inputShape: [20] }), new Dense(1, { activation: 'sigmoid' })], { seed: 4 });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const path = join(dir, 'big.json');
    saveModel(path, m, {}, { sidecarWeights: 100 }); // 661 weights: past this small threshold
    expect(readdirSync(dir).sort()).toEqual(['big.json', 'big.json.weights.bin']);
    expect(readFileSync(join(dir, 'big.json.weights.bin')).length).toBe(661 * 4);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    expect(doc.weightsFile).toEqual({ path: 'big.json.weights.bin', dtype: '<f4', values: 661 });
    expect(doc.weights[0]).toEqual({ name: 'dense/kernel', shape: [20, 30] });
    expect(loadModel(path).getWeights()).toEqual(m.getWeights());
    // a sidecar cut short, or one that points outside the folder, is refused
    writeFileSync(join(dir, 'big.json.weights.bin'), readFileSync(join(dir, 'big.json.weights.bin')).subarray(0, 100));
    expect(() => loadModel(path)).toThrow(/big.json.weights.bin: has 100 bytes, the model's 661 float32 weights need 2644/);
    writeFileSync(path, JSON.stringify({ ...doc, weightsFile: { ...doc.weightsFile, path: '../etc/passwd' } }));
    expect(() => loadModel(path)).toThrow(/big.json: weightsFile: path must be a plain file name beside the model file/);
  });
});
