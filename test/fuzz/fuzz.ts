/**
 * Seeded mutation fuzzers for densely's four readers of untrusted files: the .npy reader, the CSV
 * reader (with the whole CSV preparation behind it), the model loader and the checkpoint loader.
 *
 * Each case is a function of (seed, index) alone: a generator seeded from both picks a valid seed
 * file and mutates it (bytes flipped, set to awkward values, inserted, deleted, repeated, cut; in
 * JSON, values swapped for hostile ones and nesting deepened). The reader must then succeed or
 * throw densely's own error (a DenselyError); any other exception, a case slower than the time
 * limit, or memory growing past the limit fails, printing the seed and index to replay it:
 *
 *   npm run fuzz -- --target npy --seed 1234 --index 567
 *
 * test/fuzz/fuzz.test.ts runs ~2,000 cases per reader in CI; `npm run fuzz` (test/fuzz/run.ts)
 * runs 20,000 per reader.
 */
import { DenselyError } from '../../src/errors.js';
import { parseCsv } from '../../src/data/csv.js';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { prepareCsvTraining } from '../../src/data/prepare.js';
import { Standardizer } from '../../src/data/standardize.js';
import { checkpointDocument, parseCheckpoint } from '../../src/io/checkpoint.js';
import { modelFile, modelFromFile } from '../../src/io/model-file.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';

/** A small fast generator (mulberry32), seeded from (seed, index) so each case replays alone. */
export function caseRng(seed: number, index: number): () => number {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: () => number, n: number): number => Math.floor(rand() * n);

/** Byte values that tend to matter to parsers. */
const AWKWARD_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x22, 0x27, 0x2c, 0x3b, 0x09, 0x0a, 0x0d, 0x5b, 0x7b, 0x28, 0x29, 0x30, 0x39, 0x2d, 0x2e, 0x65, 0xc3, 0xef, 0xbb, 0xbf, 0x93];

/** 1 to 4 byte-level mutations of `input` (a fresh array). */
export function mutateBytes(input: Uint8Array, rand: () => number, maxRounds = 4): Uint8Array {
  let b: Uint8Array = input.slice();
  const rounds = 1 + int(rand, maxRounds);
  for (let r = 0; r < rounds; r++) {
    const at = b.length === 0 ? 0 : int(rand, b.length);
    switch (int(rand, 8)) {
      case 0: // flip a bit
        if (b.length) b[at] ^= 1 << int(rand, 8);
        break;
      case 1: // an awkward byte
        if (b.length) b[at] = pick(rand, AWKWARD_BYTES);
        break;
      case 2: {
        // insert a few awkward or random bytes
        const n = 1 + int(rand, 8);
        const ins = Uint8Array.from({ length: n }, () => (rand() < 0.5 ? pick(rand, AWKWARD_BYTES) : int(rand, 256)));
        b = concat(b.subarray(0, at), ins, b.subarray(at));
        break;
      }
      case 3: // delete a range
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(rand, 32))));
        break;
      case 4: {
        // repeat a range, up to a few KB
        const end = Math.min(b.length, at + 1 + int(rand, 64));
        const piece = b.subarray(at, end);
        const times = 1 + int(rand, Math.max(1, Math.floor(4096 / Math.max(1, piece.length))));
        b = concat(b.subarray(0, end), ...Array.from({ length: times }, () => piece), b.subarray(end));
        break;
      }
      case 5: // cut the end off
        b = b.subarray(0, at);
        break;
      case 6: // a 16/32-bit field set to an extreme (header lengths, shapes)
        if (b.length >= at + 4) new DataView(b.buffer, b.byteOffset).setUint32(at, pick(rand, [0, 1, 0xffff, 0x7fffffff, 0xffffffff, 10000, 65535]), true);
        break;
      default: {
        // replace a run of ASCII digits with an extreme number
        const text = new TextDecoder('latin1').decode(b);
        const m = [...text.matchAll(/\d+/g)];
        if (m.length) {
          const hit = pick(rand, m);
          const rep = new TextEncoder().encode(pick(rand, ['0', '-1', '6000000', '99999999999999999999', '1e308', '120000', '64', '65', '3.5e38', 'nan', '']));
          b = concat(b.subarray(0, hit.index!), rep, b.subarray(hit.index! + hit[0].length));
        }
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Values a hostile JSON file might hold in place of a good one. */
function hostileValue(rand: () => number): unknown {
  switch (int(rand, 14)) {
    case 0:
      return null;
    case 1:
      return pick(rand, [0, -1, 6e6, 2e7, 1e308, -1e308, 3.5e38, 0.5, 2 ** 53, 65]);
    case 2:
      return pick(rand, ['', 'constructor', 'toString', '__proto__', 'relu', 'csv', 'npy', 'pickle', 'densely-model', 'a\nb']);
    case 3:
      return [];
    case 4:
      return {};
    case 5:
      return { length: 1e9 };
    case 6: {
      let x: unknown = 1;
      const depth = pick(rand, [10, 70, 1500]); // (deeper breaks JSON.stringify in this harness; hostile.test.ts parses a 100,000-deep one)
      for (let i = 0; i < depth; i++) x = [x];
      return x;
    }
    case 7:
      return true;
    case 8:
      return Array.from({ length: int(rand, 5) }, () => pick(rand, [0, 1, null, 'x', -3]));
    case 9:
      return 'x'.repeat(int(rand, 100000));
    case 10:
      return [6e6];
    case 11:
      return -0;
    case 12:
      return { kind: pick(rand, ['csv', 'npy', 'other']) };
    default:
      return 1e-320;
  }
}

/** 1 to 3 structural mutations of a JSON value (a deep copy is changed and returned). */
export function mutateJson(doc: unknown, rand: () => number): unknown {
  const root = structuredClone(doc) as Record<string, unknown>;
  const rounds = 1 + int(rand, 3);
  for (let r = 0; r < rounds; r++) {
    // walk down a random path, then change what is there
    let parent: Record<string, unknown> | unknown[] = root;
    let key: string | number = pick(rand, Object.keys(root));
    for (let depth = 0; depth < 8; depth++) {
      const v = (parent as Record<string, unknown>)[key as string];
      if (v === null || typeof v !== 'object' || rand() < 0.25) break;
      const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
      if (keys.length === 0) break;
      parent = v as Record<string, unknown>;
      key = pick(rand, keys);
    }
    const p = parent as Record<string, unknown>;
    switch (int(rand, 5)) {
      case 0:
        delete p[key as string];
        break;
      case 1: {
        const v = p[key as string];
        if (typeof v === 'number') p[key as string] = pick(rand, [v * 2, -v, v + 1, v * 1e6, Math.fround(v) + 1e-7]);
        else p[key as string] = hostileValue(rand);
        break;
      }
      case 2:
        if (Array.isArray(p)) p.push(p.length ? structuredClone(p[int(rand, p.length)]) : 1);
        else p[key as string] = hostileValue(rand);
        break;
      case 3:
        if (Array.isArray(p)) p.splice(key as number, 1);
        else p[`${String(key)}_extra`] = hostileValue(rand);
        break;
      default:
        p[key as string] = hostileValue(rand);
    }
  }
  return root;
}

// ── Seeds: small valid files ──────────────────────────────────────────────────────────────────

/** A .npy file with any header dict text, padded as numpy pads it, then `data`. */
export function npyHeader(dict: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  let h = dict;
  while ((10 + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const out = new Uint8Array(10 + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
  out.set(data, 10 + h.length);
  return out;
}

export const NPY_SEEDS: Uint8Array[] = [
  writeNpy({ shape: [4, 3], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }),
  writeNpy({ shape: [5], data: new Float64Array([0.5, -1, 1e300, 0, 2]) }),
  writeNpy({ shape: [2, 2, 2], data: new Int32Array([1, -2, 3, 4, 5, 6, 7, 8]) }),
  writeNpy({ dtype: 'b1', shape: [3], data: [1, 0, 1] }),
  writeNpy({ dtype: 'f2', shape: [2, 2], data: [1, 2, 3, 4] }),
  writeNpy({ dtype: 'i8', shape: [3], data: new BigInt64Array([1n, -1n, 2n]) }),
  npyHeader("{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(24).fill(0x3f)),
  npyHeader("{'descr': '<u2', 'fortran_order': True, 'shape': (2, 1, 1, 3), }", new Uint8Array(12).fill(7)),
];

export const CSV_SEEDS: string[] = [
  'age,job,balance,y\n30,admin.,100,no\n41,"blue-collar",-20,yes\n25,student,5,no\n52,admin.,3000,yes\n33,"tech, ops",7,no\n',
  'a;b;c;y\n1;2;3;1\n4;"5;6";6;0\n7;8;9;1\n10;11;12;0\n',
  '\ufeffx\ty\n0.5\t1\n1.5\t0\n2.5\t1\n3.5\t0\n',
  'id,text,label\r\n1,"multi\r\nline ""quoted""",true\r\n2,plain,false\r\n3,é,true\r\n4,x,false\r\n',
  'n,m,y\n1,,yes\n2,3,no\nNaN,4,yes\n5,6,no\n7,8,yes\n',
];

function seedModel(): Sequential {
  const m = new Sequential([new Dense(3, { activation: 'relu', inputShape: [2] }), new Dense(1, { activation: 'sigmoid' })], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return m;
}

/** Model documents: bare, with an .npy preparation, with a CSV preparation and optimizer state. */
export function modelSeeds(): Record<string, unknown>[] {
  if (modelSeeds_ !== null) return modelSeeds_;
  const m = seedModel();
  const X = Matrix.from([[0, 1], [1, 0], [1, 1], [0, 0]]);
  m.fit(X, new Float32Array([1, 1, 0, 0]), { epochs: 1, verbose: 0 });
  const standardizer = Standardizer.fit(X.data, X.cols).toJSON();
  const csv = prepareCsvTraining(() => [CSV_SEEDS[4]!], { testSize: 0.25, randomState: 1, impute: 'mean' });
  const mc = new Sequential([new Dense(2, { activation: 'tanh', inputShape: [csv.XTrain.cols] }), new Dense(1, { activation: 'sigmoid' })], { seed: 2 });
  mc.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
  modelSeeds_ = [
    JSON.parse(JSON.stringify(m.toJSON())),
    JSON.parse(JSON.stringify(modelFile(m, { preparation: { kind: 'npy', standardizer }, featureNames: ['a', 'b'] }))),
    JSON.parse(JSON.stringify(modelFile(mc, { preparation: csv.preprocessing, featureNames: csv.featureNames }, { includeOptimizer: true }))),
  ];
  return modelSeeds_;
}
let modelSeeds_: Record<string, unknown>[] | null = null;

let checkpointSeed_: Record<string, unknown> | null = null;
/** A checkpoint document taken mid-epoch. */
export function checkpointSeed(): Record<string, unknown> {
  if (checkpointSeed_ !== null) return checkpointSeed_;
  const m = seedModel();
  const X = Matrix.from([[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.5]]);
  const y = new Float32Array([1, 1, 0, 0, 1]);
  const t = m.makeTrainer(X, y, { epochs: 2, batchSize: 2, verbose: 0 });
  t.step();
  t.step();
  const doc = checkpointDocument(m, t.getState(), { options: { epochs: 2 }, data: { rows: 5, cols: 2, fingerprint: 'x' } }, {});
  checkpointSeed_ = JSON.parse(JSON.stringify(doc));
  return checkpointSeed_!;
}

// ── Targets ───────────────────────────────────────────────────────────────────────────────────

export type Target = 'npy' | 'csv' | 'model' | 'checkpoint';
export const TARGETS: Target[] = ['npy', 'csv', 'model', 'checkpoint'];

/** Runs case (seed, index) of a target: returns normally or throws what the reader threw. */
export function runCase(target: Target, seed: number, index: number): void {
  const rand = caseRng(seed, index);
  if (target === 'npy') {
    // one mutation half the time: most .npy mutations are refused, and a lone one reaches further
    const bytes = mutateBytes(pick(rand, NPY_SEEDS), rand, rand() < 0.5 ? 1 : 4);
    readNpy(bytes, 'fuzz.npy', { inPlace: rand() < 0.5 });
    return;
  }
  if (target === 'csv') {
    const bytes = mutateBytes(new TextEncoder().encode(pick(rand, CSV_SEEDS)), rand);
    // cut into random chunks, as bytes or as text
    const chunks: (Uint8Array | string)[] = [];
    const asText = rand() < 0.3;
    const text = asText ? new TextDecoder().decode(bytes) : '';
    const n = asText ? text.length : bytes.length;
    for (let o = 0; o < n; ) {
      const size = 1 + int(rand, 64);
      chunks.push(asText ? text.slice(o, o + size) : bytes.subarray(o, o + size));
      o += size;
    }
    const source = Object.assign(() => chunks, { sourceName: 'fuzz.csv' });
    if (rand() < 0.3) parseCsv(source);
    else prepareCsvTraining(source, { testSize: 0.25, randomState: 1, impute: rand() < 0.5 ? 'mean' : 'none', stratify: rand() < 0.3 });
    return;
  }
  if (target === 'model') {
    const base = pick(rand, modelSeeds());
    if (rand() < 0.3) {
      // byte mutations of the JSON text, parsed as the file loader does
      const text = new TextDecoder().decode(mutateBytes(new TextEncoder().encode(JSON.stringify(base)), rand));
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return; // (loadModelFile turns this into a ModelFileError)
      }
      modelFromFile(json, 'fuzz.json');
    } else {
      const loaded = modelFromFile(mutateJson(base, rand), 'fuzz.json');
      loaded.model.predict(new Matrix(1, loaded.model.inputSize as number));
    }
    return;
  }
  const base = checkpointSeed();
  const text = rand() < 0.3 ? new TextDecoder().decode(mutateBytes(new TextEncoder().encode(JSON.stringify(base)), rand)) : JSON.stringify(mutateJson(base, rand));
  parseCheckpoint(text, 'fuzz-ckpt.json');
}

export interface FuzzResult {
  target: Target;
  cases: number;
  /** How many cases ended in a densely error (the rest succeeded). */
  refused: number;
  /** The slowest case, ms. */
  slowestMs: number;
  failures: string[];
}

/**
 * Runs `cases` cases of a target from `seed`. A failure is an exception other than a
 * DenselyError, a case over `caseMs` (only when given: a time limit belongs to `npm run fuzz`, not
 * to the test suite, which must not fail on a busy machine), or the heap growing past `heapMb` MB;
 * each is reported with the command that replays it.
 */
export function fuzz(target: Target, seed: number, cases: number, options: { caseMs?: number; heapMb?: number; from?: number } = {}): FuzzResult {
  const caseMs = options.caseMs ?? Infinity;
  const heapMb = options.heapMb ?? 1024;
  const from = options.from ?? 0;
  const result: FuzzResult = { target, cases, refused: 0, slowestMs: 0, failures: [] };
  const baseHeap = process.memoryUsage().heapUsed;
  for (let index = from; index < from + cases; index++) {
    const replay = `npm run fuzz -- --target ${target} --seed ${seed} --index ${index}`;
    const t0 = performance.now();
    try {
      runCase(target, seed, index);
    } catch (e) {
      if (e instanceof DenselyError) result.refused++;
      else result.failures.push(`seed ${seed} index ${index}: ${(e as Error)?.constructor?.name}: ${String((e as Error)?.message).slice(0, 200)} (replay: ${replay})`);
      if (e instanceof DenselyError && (e.message.includes('\n') || e.message.length > 700)) {
        result.failures.push(`seed ${seed} index ${index}: a message that is not one short line (replay: ${replay})`);
      }
    }
    const ms = performance.now() - t0;
    result.slowestMs = Math.max(result.slowestMs, ms);
    if (ms > caseMs) result.failures.push(`seed ${seed} index ${index}: took ${ms.toFixed(0)} ms, over the ${caseMs} ms limit (replay: ${replay})`);
    if (index % 256 === 0 && process.memoryUsage().heapUsed - baseHeap > heapMb * 2 ** 20) {
      result.failures.push(`seed ${seed} index ${index}: the heap grew past ${heapMb} MB (replay: ${replay})`);
    }
    if (result.failures.length >= 5) break;
  }
  return result;
}
