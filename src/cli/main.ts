#!/usr/bin/env node
/** The densely command line: `densely <command> [options]`. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';
import { processIo, StdoutClosed, type Io } from './io.js';
import { evaluate, EVALUATE_USAGE } from './evaluate.js';
import { exportModel, EXPORT_USAGE } from './export.js';
import { gradcheck, GRADCHECK_USAGE } from './gradcheck.js';
import { predict, PREDICT_USAGE } from './predict.js';
import { prepare, PREPARE_USAGE } from './prepare.js';
import { serve, SERVE_USAGE } from './serve.js';
import { train, TRAIN_USAGE } from './train.js';

const COMMANDS: Record<string, (argv: string[], io: Io) => number> = { train, evaluate, predict, prepare, serve, gradcheck, export: exportModel };

/** The package's version, from its package.json (two folders up, from src/cli and from dist/cli alike); read when asked. */
function version(): string {
  return (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
}

const HELP = `densely — a zero-dependency neural-network engine

usage:
  ${TRAIN_USAGE}
  ${EVALUATE_USAGE}
  ${PREDICT_USAGE}
  ${PREPARE_USAGE}
  ${SERVE_USAGE}
  ${GRADCHECK_USAGE}
  ${EXPORT_USAGE}

Run 'densely <command> --help' for a command's options; 'densely --version' for the version.`;

/** Runs one command; returns the exit code. Errors become one clear line on stderr, never a stack trace. */
export function main(argv: string[], io: Io = processIo): number {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    io.out(`densely ${version()}`);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`densely: unknown command '${command}' (expected ${Object.keys(COMMANDS).join(', ')}; see densely --help)`);
    return 2;
  }
  try {
    return run(rest, io);
  } catch (e) {
    if (e instanceof StdoutClosed) return 0; // the reader stopped early (| head): nothing went wrong
    if (e instanceof UsageError) {
      io.err(`densely ${e.message}\nsee 'densely ${command} --help'`);
      return 2;
    }
    io.err(`densely ${command}: ${(e as Error).message}`);
    if (process.env.DENSELY_DEBUG) io.err((e as Error).stack ?? '');
    return 1;
  }
}
