/**
 * Whole files by path: read (gunzipped when .gz), write atomically, load a .npy as a Matrix.
 * Node-only: only src/node, src/cli and the 'densely/node' entry import `node:*`, so everything
 * else in densely runs unchanged in browsers.
 */
import { accessSync, closeSync, constants, fstatSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { ChunkSource } from '../data/csv.js';
import { MAX_HEADER_BYTES, npyToMatrixData, readNpy, readNpyLayout, type NpyLayout } from '../data/npy.js';
import { InputError, NpyError } from '../errors.js';
import { Matrix } from '../tensor/matrix.js';

/** Bytes per chunk read from disk. */
export const FILE_CHUNK_BYTES = 1 << 20;

/**
 * The most bytes densely takes from one input that it must hold or spool whole: the output of a
 * .gz, a pipe or FIFO spooled to disk, a model file. A gzip bomb stops as soon as its output
 * passes it. The CLI sets it from --max-input-bytes; 4 GiB unless set.
 */
export const inputLimits = { maxInputBytes: 4 * 2 ** 30 };

/** A byte count for messages: 1536 -> '1536 bytes (1.5 KiB)'. */
export function formatBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u < 0 ? `${n} bytes` : `${n} bytes (${v.toFixed(1)} ${units[u]})`;
}

/** Why a path cannot be read, as densely's error. */
function readError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : `cannot read (${(e as Error).message})`;
  return new InputError(path, why);
}

/**
 * gunzip with a ceiling: stops (and throws `tooLarge()`) as soon as the output passes `max`
 * bytes, so a small bomb never takes more than `max` of memory.
 */
function gunzipAtMost(path: string, raw: Uint8Array, max: number, tooLarge: () => Error): Uint8Array {
  try {
    const out = gunzipSync(raw, { maxOutputLength: Math.max(1, Math.min(max, 2 ** 32)) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new InputError(path, `not a valid gzip file (${(e as Error).message})`);
  }
}

/** The refusal for a .gz whose output passes --max-input-bytes. */
function overLimit(path: string, max: number): InputError {
  return new InputError(path, `decompresses to more than ${formatBytes(max)}, the --max-input-bytes limit; stopped there (raise --max-input-bytes if the file is genuine)`);
}

/**
 * A file's bytes, gunzipped when the name ends in .gz (stopping once the output passes `max`).
 * Errors name the path. A non-regular file (a FIFO) is read once, up to `max`.
 */
export function readFileBytes(path: string, max = inputLimits.maxInputBytes): Uint8Array {
  let raw: Buffer;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (st.isFile() && st.size > max && !path.endsWith('.gz')) {
      throw new InputError(path, `is ${formatBytes(st.size)}, more than the --max-input-bytes limit of ${formatBytes(max)}`);
    }
    raw = st.isFile() ? readFileSync(path) : readStreamAtMost(path, max);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw readError(path, e);
  }
  if (!path.endsWith('.gz')) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return gunzipAtMost(path, raw, max, () => overLimit(path, max));
}

/** All of a non-regular file (a FIFO, a character device), refusing past `max` bytes. */
function readStreamAtMost(path: string, max: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw new InputError(path, `is not a regular file and sends more than the --max-input-bytes limit of ${formatBytes(max)}; stopped there`);
      parts.push(buf.subarray(0, n));
    }
    return Buffer.concat(parts, total);
  } finally {
    closeSync(fd);
  }
}

/** A spooled input: read it as often as needed, then close it. */
export type Spool = ChunkSource & { close(): void };

/**
 * Copies stdin (or any readable fd) to a temporary file, 1 MB at a time, and returns it as a
 * restartable chunk source: a pipe can then be read more than once (the ID column, after the
 * scores) in bounded memory, and on disk at most `max` bytes (past it: an InputError). The file is unlinked as soon as it is open, so nothing is left on
 * disk however the process ends (where the system allows; else close() removes it).
 */
export function spoolToTempFile(fd = 0, name = 'stdin', max = inputLimits.maxInputBytes): Spool {
  const dir = mkdtempSync(join(tmpdir(), 'densely-stdin-'));
  const path = join(dir, 'stdin.csv');
  const file = openSync(path, 'wx+');
  let removed = false;
  try {
    rmSync(dir, { recursive: true, force: true });
    removed = true;
  } catch {
    // (a system that cannot unlink an open file: close() removes it)
  }
  const buf = new Uint8Array(FILE_CHUNK_BYTES);
  let total = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a non-blocking pipe with nothing yet
        continue;
      }
      if (n === 0) break;
      total += n;
      if (total > max) throw new InputError(name, `sends more than the --max-input-bytes limit of ${formatBytes(max)}; stopped there (raise --max-input-bytes if the data is genuine)`);
      for (let off = 0; off < n; ) off += writeSync(file, buf, off, n - off);
    }
  } catch (e) {
    closeSync(file);
    if (!removed) rmSync(dir, { recursive: true, force: true });
    if (e instanceof InputError) throw e;
    throw new InputError(name, `could not read it (${(e as Error).message})`);
  }
  const chunks = function* (): Generator<Uint8Array> {
    for (let position = 0; ; ) {
      const chunk = new Uint8Array(FILE_CHUNK_BYTES); // fresh: a consumer may keep a chunk
      const n = readSync(file, chunk, 0, chunk.length, position);
      if (n === 0) return;
      position += n;
      yield n === chunk.length ? chunk : chunk.subarray(0, n);
    }
  };
  return Object.assign(chunks, {
    sourceName: name,
    close: () => {
      closeSync(file);
      if (!removed) rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** A file being written piece by piece: nothing appears at its path until commit. */
export interface AtomicWriter {
  write(data: Uint8Array | string): void;
  /** Flushes to disk and renames the temporary file over the target. */
  commit(): void;
  /** Removes the temporary file; the target (if any) is untouched. */
  abort(): void;
}

/** An AtomicWriter whose commit can be done in two halves (see writeFilesTogether). */
export interface StagedWriter extends AtomicWriter {
  /** commit's first half: flushes to disk and closes; the file is not in place yet. */
  flush(): void;
  /** The temporary file's path (after flush, rename it to put it in place). */
  readonly tempPath: string;
}

/** The most bytes handed to one writeSync: well under the 2^31 - 1 a single write can take. */
export const WRITE_CHUNK_BYTES = 1 << 30;

/** How the writer writes: fs.writeSync's signature; tests inject their own. */
export type WriteFn = (fd: number, data: Uint8Array, offset: number, length: number) => number;

/**
 * Opens a file to be written so that it is never half-written: the bytes go to a temporary file
 * in the same folder, are flushed to disk, and only on commit renamed over the target. Any size
 * works: each write goes down in pieces of at most WRITE_CHUNK_BYTES (one writeSync fails past
 * 2 GiB). Errors name the path; after one, the temporary file is gone and the old file untouched.
 *
 * @example
 * const w = openAtomicWriter('scores.csv');
 * try { w.write('score\n'); w.write('0.5\n'); w.commit(); } catch (e) { w.abort(); throw e; }
 */
export function openAtomicWriter(path: string, options: { write?: WriteFn; chunkBytes?: number } = {}): StagedWriter {
  const writeFn: WriteFn = options.write ?? ((fd, data, offset, length) => writeSync(fd, data, offset, length));
  const chunk = options.chunkBytes ?? WRITE_CHUNK_BYTES;
  removeStaleTemps(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  const fail = (e: unknown): never => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(tmp, { force: true });
    throw new InputError(path, `could not write (${(e as Error).message})`);
  };
  try {
    fd = openSync(tmp, 'wx');
  } catch (e) {
    fail(e);
  }
  return {
    write(data) {
      try {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        for (let off = 0; off < bytes.length; ) {
          const n = writeFn(fd as number, bytes, off, Math.min(chunk, bytes.length - off));
          if (!(n > 0)) throw new Error(`the system wrote ${n} bytes`);
          off += n;
        }
      } catch (e) {
        fail(e);
      }
    },
    tempPath: tmp,
    flush() {
      try {
        fsyncSync(fd as number);
        closeSync(fd as number);
        fd = undefined;
      } catch (e) {
        fail(e);
      }
    },
    commit() {
      try {
        if (fd !== undefined) {
          fsyncSync(fd);
          closeSync(fd);
          fd = undefined;
        }
        renameSync(tmp, path);
      } catch (e) {
        fail(e);
      }
    },
    abort() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      rmSync(tmp, { force: true });
    },
  };
}

/**
 * Replaces several files together, or none of them: every file is written to its temporary file
 * and flushed first (a failure there leaves all targets untouched); then each old target is set
 * aside, the new ones renamed into place, and the old ones deleted. If a rename fails, the ones
 * already done are put back. (A power cut between two renames, a window of microseconds, can
 * still leave a mixed pair; the set-aside old file `.<name>.<pid>.old` is then next to it.)
 *
 * @example
 * writeFilesTogether([{ path: 'x.npy', data: npyBytes }, { path: 'x.npy.json', data: namesJson }]);
 */
export function writeFilesTogether(files: { path: string; data: Uint8Array | string }[]): void {
  const writers: StagedWriter[] = [];
  try {
    for (const f of files) {
      const w = openAtomicWriter(f.path);
      writers.push(w);
      w.write(f.data);
      w.flush();
    }
  } catch (e) {
    for (const w of writers) w.abort();
    throw e;
  }
  const asides: (string | null)[] = [];
  const placed: number[] = [];
  let at = 0;
  try {
    files.forEach((f, i) => {
      at = i;
      const aside = join(dirname(f.path), `.${basename(f.path)}.${process.pid}.old`);
      let had = true;
      try {
        renameSync(f.path, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        had = false;
      }
      asides.push(had ? aside : null);
      renameSync(writers[i]!.tempPath, f.path);
      placed.push(i);
    });
  } catch (e) {
    // put back what was there: every placed file, and the old file of the one that failed
    for (let i = asides.length - 1; i >= 0; i--) {
      const aside = asides[i];
      if (aside !== null) renameSync(aside, files[i]!.path);
      else if (placed.includes(i)) rmSync(files[i]!.path, { force: true });
    }
    for (const w of writers) rmSync(w.tempPath, { force: true });
    throw new InputError(files[at]!.path, `could not write; no file of the set was replaced (${(e as Error).message})`);
  }
  for (const aside of asides) if (aside !== null) rmSync(aside, { force: true });
  syncDir(dirname(files[0]!.path));
}

/** fsync a folder, so renames in it survive a power cut (where the system allows it). */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // (some systems cannot open or fsync a folder; the renames themselves are still atomic)
  }
}

/**
 * Writes a JSON document atomically without building it as one string: the text goes out in
 * pieces of about 1 MB as the document is walked, so a model of 100M parameters (a JSON text far
 * past V8's ~512 MB string limit) saves. The bytes are JSON.stringify's for plain data; typed
 * arrays are written as lists.
 */
export function writeJsonAtomic(path: string, doc: unknown, options: { write?: WriteFn } = {}): void {
  const w = openAtomicWriter(path, options);
  try {
    const out = new JsonChunks((bytes) => w.write(bytes));
    out.value(doc);
    out.flush();
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** JSON text produced in ~1 MB UTF-8 pieces (see writeJsonAtomic). */
class JsonChunks {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: (bytes: Uint8Array) => void) {}

  private put(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.sink(Buffer.from(this.parts.join(''), 'utf8'));
    this.parts = [];
    this.size = 0;
  }

  value(v: unknown): void {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(): unknown }).toJSON();
    if (v === null || typeof v !== 'object') {
      this.put(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      const a = v as ArrayLike<unknown>;
      this.put('[');
      for (let i = 0; i < a.length; i++) {
        if (i > 0) this.put(',');
        const x = a[i];
        if (typeof x === 'number') this.put(Number.isFinite(x) ? String(x) : 'null');
        else if (x === undefined || typeof x === 'function') this.put('null');
        else this.value(x);
      }
      this.put(']');
      return;
    }
    this.put('{');
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || typeof x === 'function') continue;
      this.put(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      this.value(x);
    }
    this.put('}');
  }
}

/**
 * Removes the temporary files that a densely killed mid-write left next to `path`
 * (`.<name>.<pid>.<time>.tmp`), when their process is gone; a live writer's file is left alone.
 */
function removeStaleTemps(path: string): void {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // checkWritableTarget and the write itself report a bad folder
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
  }
}

/** Whether a process with this id exists (signal 0 only asks). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes a file so that it is never half-written: the bytes go to a temporary file in the
 * same folder, are flushed to disk, and only then renamed over the target. If anything
 * fails, the old file (if any) is untouched and the temporary file is removed.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const w = openAtomicWriter(path);
  w.write(data);
  w.commit();
}

/**
 * Throws, naming the path, unless a file can be written at `path`: its folder exists and is
 * writable, and the path is not a folder. For checking an output before the work that fills it.
 *
 * @example
 * checkWritableTarget('/no/such/dir/model.json'); // Error: /no/such/dir/model.json: cannot write there: the folder /no/such/dir does not exist
 */
export function checkWritableTarget(path: string): void {
  const dir = dirname(path);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new Error(`${path}: cannot write there: the folder ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new Error(`${path}: cannot write there: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new Error(`${path}: cannot write there: the folder ${dir} is not writable`);
  }
  let target;
  try {
    target = statSync(path);
  } catch {
    return; // a new file
  }
  if (target.isDirectory()) throw new Error(`${path}: cannot write there: it is a folder`);
}

/**
 * A .npy file (optionally .npy.gz) as a float32 Matrix; a 1-D array becomes one column.
 *
 * Memory: a float32, little-endian, C-order file (what np.save writes for float32) is used in
 * place: the file is read once and the matrix is a view of it (1x the data). Other dtypes take
 * the file plus their float32 copy. The header is read first, so a file whose size does not match
 * its shape is refused before its data is read, and a .npy.gz is decompressed only up to the size
 * its header declares (and never past --max-input-bytes).
 *
 * @throws NpyError (bad header, size mismatch, more than 2 axes) or InputError (unreadable, too large)
 */
export function loadNpyMatrix(path: string, max = inputLimits.maxInputBytes): Matrix {
  const bytes = path.toLowerCase().endsWith('.gz') ? gunzipNpy(path, max) : readNpyFile(path);
  const arr = readNpy(bytes, path, { inPlace: true });
  const { rows, cols, data } = npyToMatrixData(arr, path, { copy: false });
  return new Matrix(rows, cols, data);
}

/** A plain .npy: header first (size checked against the file), then the whole file in one read. */
function readNpyFile(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw readError(path, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw readError(path, Object.assign(new Error('directory'), { code: 'EISDIR' }));
    if (!st.isFile()) throw new InputError(path, 'is not a regular file (a pipe or a device); a .npy is read from a file: save the stream to a file first');
    const head = new Uint8Array(Math.min(st.size, 12 + MAX_HEADER_BYTES));
    readSync(fd, head, 0, head.length, 0);
    const layout = readNpyLayout(head, path);
    checkNpySize(path, layout, st.size);
    const all = Buffer.allocUnsafeSlow(st.size); // its own ArrayBuffer at offset 0: the data stays aligned
    for (let off = 0; off < st.size; ) {
      const n = readSync(fd, all, off, Math.min(st.size - off, 1 << 30), off);
      if (n === 0) throw new NpyError(path, `the file shrank while it was read (${off} of ${st.size} bytes)`);
      off += n;
    }
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  } finally {
    closeSync(fd);
  }
}

/** The file must be exactly header + data: missing or trailing bytes are named before any is read. */
function checkNpySize(path: string, h: NpyLayout, size: number): void {
  const need = h.dataStart + h.dataBytes;
  if (size !== need) {
    const shape = h.shape.length === 1 ? `(${h.shape[0]},)` : `(${h.shape.join(', ')})`;
    const extra = size > need ? ` (${size - need} extra bytes after the array)` : '';
    throw new NpyError(path, `data has ${size - h.dataStart} bytes but shape ${shape} of ${h.descr} needs ${h.dataBytes}${extra}`);
  }
}

/**
 * A .npy.gz, decompressed in two steps: just enough for the header (growing prefixes of the
 * compressed bytes, flushed, each a few KB), then the whole file with its output capped at the
 * size the header declares, so trailing data (or a bomb) stops at once.
 */
function gunzipNpy(path: string, max: number): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw readError(path, e);
  }
  const cut = new Error('cut off');
  let layout: NpyLayout | null = null;
  for (let k = 1024; layout === null; k *= 4) {
    const last = k >= raw.length;
    let head: Uint8Array;
    try {
      // a prefix, flushed: what it decompresses to, without an error for the missing rest
      head = gunzipSync(raw.subarray(0, k), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 2 ** 26 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new NpyError(path, `the first ${k} compressed bytes decompress to more than 64 MiB without a complete .npy header`);
      throw new InputError(path, `not a valid gzip file (${(e as Error).message})`);
    }
    try {
      layout = readNpyLayout(head, path, last ? undefined : (): never => { throw cut; });
    } catch (e) {
      if (e !== cut) throw e;
    }
  }
  const need = layout.dataStart + layout.dataBytes;
  if (need > max) throw new InputError(path, `its header declares ${formatBytes(need)}, more than the --max-input-bytes limit of ${formatBytes(max)}`);
  // one byte past the need: a longer output is trailing data, and stops right there
  const bytes = gunzipAtMost(path, raw, need + 1, () => new NpyError(path, `decompresses to more bytes than its shape needs (${formatBytes(layout.dataBytes)} of data): trailing data after the array`));
  return bytes;
}

/**
 * Throws, naming the path, unless `dir` is a writable folder or can be made as one (its parent
 * is a writable folder). For a checkpoint folder, checked before any training.
 */
export function checkWritableFolder(dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    checkWritableTarget(dir); // a new folder: its parent must take it
    return;
  }
  if (!st.isDirectory()) throw new InputError(dir, 'cannot write checkpoints there: it is not a folder');
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError(dir, 'cannot write checkpoints there: the folder is not writable');
  }
}
