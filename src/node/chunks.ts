/**
 * File chunks for the CSV reader: a file on disk as a restartable {@link ChunkSource}. Node-only
 * (it imports `node:*`), so it lives in src/node; the CSV parser itself, in src/data, only sees chunks.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Chunk, ChunkSource } from '../data/csv.js';

/** Bytes per chunk read from disk. */
export const FILE_CHUNK_BYTES = 1 << 20;

/**
 * A restartable chunk source over a file: each call reopens it and yields ~1 MB Uint8Array chunks,
 * read synchronously. A `.gz` file is gunzipped whole in memory first, then yielded in chunks.
 * The source's `sourceName` is the path, so CSV errors name it. Throws at once, naming the path,
 * when the file does not exist or is a directory.
 *
 * @example
 * const src = fileChunks('data/bank-full.csv.gz');
 * forEachCsvRow(src, (fields) => {}); // errors read "data/bank-full.csv.gz line 17: ..."
 */
export function fileChunks(path: string, chunkBytes = FILE_CHUNK_BYTES): ChunkSource {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(e)})`);
  }
  if (st.isDirectory()) throw new Error(`${path}: is a directory, not a file`);
  const gz = path.toLowerCase().endsWith('.gz');
  const source = function* (): Generator<Chunk> {
    if (gz) {
      let bytes: Uint8Array;
      try {
        bytes = gunzipSync(readFileSync(path));
      } catch (e) {
        throw new Error(`${path}: cannot gunzip (${(e as Error).message})`);
      }
      for (let o = 0; o < bytes.length; o += chunkBytes) yield bytes.subarray(o, Math.min(o + chunkBytes, bytes.length));
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
