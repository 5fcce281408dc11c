/**
 * Whole files by path: read (gunzipped when .gz), write atomically, load a .npy as a Matrix.
 * Node-only: only src/node, src/cli and the 'densely/node' entry import `node:*`, so everything
 * else in densely runs unchanged in browsers.
 */
import { accessSync, closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { npyToMatrixData, readNpy } from '../data/npy.js';
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

/**
 * Writes a file so that it is never half-written: the bytes go to a temporary file in the
 * same folder, are flushed to disk, and only then renamed over the target. If anything
 * fails, the old file (if any) is untouched and the temporary file is removed.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new Error(`${path}: could not write (${(e as Error).message})`);
  }
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
