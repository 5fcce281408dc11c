/**
 * Whole files by path: read (gunzipped when .gz), write atomically, load a .npy as a Matrix.
 * Node-only: only src/node, src/cli and the 'densely/node' entry import `node:*`, so everything
 * else in densely runs unchanged in browsers.
 */
import { accessSync, closeSync, constants, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ChunkSource } from '../data/csv.js';
import { npyToMatrixData, readNpy } from '../data/npy.js';
import { FILE_CHUNK_BYTES } from './chunks.js';
import { Matrix } from '../tensor/matrix.js';

/** A file's bytes, gunzipped when the name ends in .gz. Errors name the path. */
export function readFileBytes(path: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : (e as Error).message}`);
  }
  if (!path.endsWith('.gz')) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    const out = gunzipSync(raw);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new Error(`${path}: not a valid gzip file (${(e as Error).message})`);
  }
}

/** A spooled input: read it as often as needed, then close it. */
export type Spool = ChunkSource & { close(): void };

/**
 * Copies stdin (or any readable fd) to a temporary file, 1 MB at a time, and returns it as a
 * restartable chunk source: a pipe can then be read more than once (the ID column, after the
 * scores) in bounded memory. The file is unlinked as soon as it is open, so nothing is left on
 * disk however the process ends (where the system allows; else close() removes it).
 */
export function spoolToTempFile(fd = 0, name = 'stdin'): Spool {
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
      for (let off = 0; off < n; ) off += writeSync(file, buf, off, n - off);
    }
  } catch (e) {
    closeSync(file);
    if (!removed) rmSync(dir, { recursive: true, force: true });
    throw new Error(`${name}: could not read it (${(e as Error).message})`);
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

/**
 * Opens a file to be written so that it is never half-written: the bytes go to a temporary file
 * in the same folder, are flushed to disk, and only on commit renamed over the target. Errors
 * name the path; after one, the temporary file is gone and the old file untouched.
 *
 * @example
 * const w = openAtomicWriter('scores.csv');
 * try { w.write('score\n'); w.write('0.5\n'); w.commit(); } catch (e) { w.abort(); throw e; }
 */
export function openAtomicWriter(path: string): AtomicWriter {
  removeStaleTemps(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  const fail = (e: unknown): never => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(tmp, { force: true });
    throw new Error(`${path}: could not write (${(e as Error).message})`);
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
        for (let off = 0; off < bytes.length; ) off += writeSync(fd as number, bytes, off, bytes.length - off);
      } catch (e) {
        fail(e);
      }
    },
    commit() {
      try {
        fsyncSync(fd as number);
        closeSync(fd as number);
        fd = undefined;
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

/** A .npy file (optionally .npy.gz) as a float32 Matrix; a 1-D array becomes one column. */
export function loadNpyMatrix(path: string): Matrix {
  const { rows, cols, data } = npyToMatrixData(readNpy(readFileBytes(path), path), path);
  return new Matrix(rows, cols, data);
}
