/**
 * gunzip as a synchronous stream, in bounded memory: a worker thread runs Node's streaming
 * gunzip and hands the output over through a small shared buffer, one piece at a time, while the
 * caller (a synchronous generator, as the CSV passes are) waits on it with Atomics.wait. Node's
 * own synchronous gunzip can only produce the whole output at once; this holds at most one piece
 * (1 MB) in the hand-over, plus what the worker's stream buffers.
 *
 *   caller                               worker
 *   ──────                               ──────
 *   wait until state = FULL   ◀────────  copy a piece in, state = FULL, notify
 *   copy it out, state = EMPTY ───────▶  wait until state = EMPTY, then the next piece
 *
 * The output stops with an InputError as soon as it passes `max` bytes (the caller stops
 * reading, and the worker is terminated), so a gzip bomb never takes more than a piece of memory.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { formatBytes } from './files.js';

/** Bytes per piece handed over. */
const PIECE = 1 << 20;
// the control words: [state, length, code]
const EMPTY = 0;
const FULL = 1;
const DONE = 2;
const FAILED = 3;

/** The worker, as source (so it runs the same from src/ under tsx and from dist/). */
const WORKER = `
const { workerData } = require('node:worker_threads');
const { createReadStream } = require('node:fs');
const { createGunzip } = require('node:zlib');
const { path, control, data } = workerData;
const ctl = new Int32Array(control);
const buf = new Uint8Array(data);
const put = (state, bytes) => {
  while (Atomics.load(ctl, 0) !== ${EMPTY}) Atomics.wait(ctl, 0, Atomics.load(ctl, 0));
  if (bytes) buf.set(bytes);
  Atomics.store(ctl, 1, bytes ? bytes.length : 0);
  Atomics.store(ctl, 0, state);
  Atomics.notify(ctl, 0);
};
const gunzip = createGunzip({ chunkSize: ${PIECE} });
const fail = (e) => {
  const msg = new TextEncoder().encode(String(e && e.message || e).slice(0, 4000));
  put(${FAILED}, msg);
};
gunzip.on('data', (chunk) => {
  for (let o = 0; o < chunk.length; o += ${PIECE}) put(${FULL}, chunk.subarray(o, o + ${PIECE}));
});
gunzip.on('end', () => put(${DONE}, null));
gunzip.on('error', fail);
const input = createReadStream(path, { highWaterMark: 64 * 1024 });
input.on('error', fail);
input.pipe(gunzip);
`;

/**
 * The gunzipped bytes of the file at `path`, in pieces of at most 1 MB (fresh arrays), read on
 * demand. Throws InputError when the file is not valid gzip or its output passes `max` bytes.
 *
 * @example
 * for (const piece of gunzipPieces('rows.csv.gz', 2 ** 30)) parser.push(piece);
 */
export function* gunzipPieces(path: string, max: number): Generator<Uint8Array> {
  const control = new SharedArrayBuffer(12);
  const data = new SharedArrayBuffer(PIECE);
  const ctl = new Int32Array(control);
  const worker = new Worker(WORKER, { eval: true, workerData: { path, control, data } });
  worker.unref();
  let total = 0;
  try {
    for (;;) {
      while (Atomics.load(ctl, 0) === EMPTY) Atomics.wait(ctl, 0, EMPTY, 1000);
      const state = Atomics.load(ctl, 0);
      const length = Atomics.load(ctl, 1);
      const bytes = new Uint8Array(data, 0, length).slice();
      if (state === DONE) return;
      if (state === FAILED) throw new InputError(path, `not a valid gzip file (${new TextDecoder().decode(bytes)})`);
      Atomics.store(ctl, 0, EMPTY);
      Atomics.notify(ctl, 0);
      total += length;
      if (total > max) {
        throw new InputError(path, `decompresses to more than ${formatBytes(max)}, the --max-input-bytes limit; stopped there (raise --max-input-bytes if the file is genuine)`);
      }
      yield bytes;
    }
  } finally {
    void worker.terminate();
  }
}
