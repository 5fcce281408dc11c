/**
 * File chunks for the CSV reader: a file on disk as a restartable {@link ChunkSource}. Node-only
 * (it imports `node:*`), so it lives in src/node; the CSV parser itself, in src/data, only sees chunks.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Chunk, ChunkSource } from '../data/csv.js';
import { InputError } from '../errors.js';
import { FILE_CHUNK_BYTES, inputLimits, spoolToTempFile } from './files.js';
import { gunzipPieces } from './gunzip-stream.js';

export { FILE_CHUNK_BYTES };

/**
 * A restartable chunk source over a file: each call reopens it and yields ~1 MB Uint8Array chunks,
 * read synchronously. A `.gz` file is gunzipped as a stream (gunzip-stream.ts), in pieces of at
 * most 1 MB, stopping with an InputError as soon as its output passes `max` (--max-input-bytes). A FIFO or other
 * non-regular file is read ONCE, into a spool file (at most `max` bytes; see spoolToTempFile),
 * which every later pass reads: a pipe cannot be read twice. The source's `sourceName` is the
 * path, so CSV errors name it. Throws at once, naming the path, when the file does not exist or
 * is a directory.
 *
 * @example
 * const src = fileChunks('data/bank-full.csv.gz');
 * forEachCsvRow(src, (fields) => {}); // errors read "data/bank-full.csv.gz line 17: ..."
 */
export function fileChunks(path: string, chunkBytes = FILE_CHUNK_BYTES, max = inputLimits.maxInputBytes): ChunkSource {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`);
  }
  if (st.isDirectory()) throw new InputError(path, 'is a directory, not a file');
  const gz = path.toLowerCase().endsWith('.gz');
  if (!st.isFile()) {
    if (gz) throw new InputError(path, 'is not a regular file (a pipe?) and is named .gz: decompress into the pipe (zcat) and name it without .gz, or save it to a file');
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new InputError(path, `cannot read (${(e as Error).message})`);
    }
    try {
      return spoolToTempFile(fd, path, max);
    } finally {
      closeSync(fd);
    }
  }
  const source = function* (): Generator<Chunk> {
    if (gz) {
      // streamed: about one 1 MB piece in memory at a time, stopping past `max`
      yield* gunzipPieces(path, max);
      return;
    }
    const fd = openSync(path, 'r');
    try {
      for (;;) {
        // A fresh buffer per chunk: a consumer may keep a chunk past the next one.
        const buf = new Uint8Array(chunkBytes);
        const n = readSync(fd, buf, 0, chunkBytes, null);
        if (n === 0) break;
        yield n === chunkBytes ? buf : buf.subarray(0, n);
      }
    } finally {
      closeSync(fd);
    }
  };
  return Object.assign(source, { sourceName: path });
}
