/** Where a command reads and writes: stdout and stderr lines, raw stdout, stdin (tests pass their own). */
import { readFileSync } from 'node:fs';
import { spoolToTempFile } from '../node/files.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Text to stdout as it is (default: through out, line by line). */
  write?(text: string): void;
  /** All of stdin, for `--data -` (tests). */
  readStdin?(): Uint8Array;
  /** stdin copied to a temporary file, for `--data -` in bounded memory; returns its path. */
  spoolStdin?(): string;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  write: (text) => process.stdout.write(text),
  readStdin: () => readFileSync(0),
  spoolStdin: () => spoolToTempFile(0),
};

/** Writes text to the command's stdout. */
export function writeOut(io: Io, text: string): void {
  if (io.write) io.write(text);
  else for (const line of text.replace(/\n$/, '').split('\n')) io.out(line);
}
