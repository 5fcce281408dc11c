/** Where a command reads and writes: stdout and stderr lines, raw stdout, stdin (tests pass their own). */
import { readFileSync } from 'node:fs';
import { writeSync } from 'node:fs';
import { spoolToTempFile, type Spool } from '../node/files.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Text to stdout as it is (default: through out, line by line). */
  write?(text: string): void;
  /** Text to a terminal, for fit's redrawn progress bar; absent when stdout is not a TTY (then one line per epoch). */
  terminal?(text: string): void;
  /** All of stdin, for `--data -` (tests). */
  readStdin?(): Uint8Array;
  /** stdin copied to a temporary (already unlinked) file, for `--data -` in bounded memory. */
  spoolStdin?(): Spool;
  /**
   * Calls `handler` with the signal's name on SIGINT or SIGTERM until the returned function is
   * called. Given (processIo), `train` runs its steps in slices between which signals arrive, so
   * Ctrl-C finishes the step, writes a checkpoint and exits 130; absent (tests), train runs straight.
   */
  onInterrupt?(handler: (signal: string) => void): () => void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  write: (text) => writeStdout(text),
  ...(process.stdout.isTTY ? { terminal: (text: string) => void process.stdout.write(text) } : {}),
  readStdin: () => readFileSync(0),
  spoolStdin: () => spoolToTempFile(0),
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
};

/** Writes text to the command's stdout. */
export function writeOut(io: Io, text: string): void {
  if (io.write) io.write(text);
  else for (const line of text.replace(/\n$/, '').split('\n')) io.out(line);
}

/** stdout's reader has gone (`… | head`): the command stops its work and exits 0, quietly. */
export class StdoutClosed extends Error {}

/**
 * Writes to fd 1 synchronously, so a closed pipe shows at once (EPIPE) and the command can stop
 * instead of scoring a million rows nobody reads.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(1, bytes, off, bytes.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new StdoutClosed('stdout was closed');
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // a full non-blocking pipe
    }
  }
}
