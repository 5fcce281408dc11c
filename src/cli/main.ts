#!/usr/bin/env node
/** The densely command line: `densely <command> [options]`. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';
import { oneLine } from '../errors.js';
import { inputLimits } from '../node/files.js';
import { processIo, StdoutClosed, type Io } from './io.js';
import { evaluate, EVALUATE_USAGE } from './evaluate.js';
import { exportModel, EXPORT_USAGE } from './export.js';
import { gradcheck, GRADCHECK_USAGE } from './gradcheck.js';
import { predict, PREDICT_USAGE } from './predict.js';
import { prepare, PREPARE_USAGE } from './prepare.js';
import { serve, SERVE_USAGE } from './serve.js';
import { train, TRAIN_USAGE } from './train.js';

/** A command returns its exit code; train returns a Promise when it watches for Ctrl-C (see train.ts). */
const COMMANDS: Record<string, (argv: string[], io: Io) => number | Promise<number>> = { train, evaluate, predict, prepare, serve, gradcheck, export: exportModel };

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

Options every command takes:
  --max-input-bytes <int>     the most bytes read from one .gz, pipe or model file (default 4 GiB): a
                              gzip bomb stops there
  --debug                     print the stack trace of an error (errors are otherwise one line)

Run 'densely <command> --help' for a command's options; 'densely --version' for the version.`;

/** The default of --max-input-bytes (see inputLimits in src/node/files.ts). */
const DEFAULT_MAX_INPUT_BYTES = inputLimits.maxInputBytes;

/**
 * Takes the options every command shares out of argv: --debug, and --max-input-bytes N (which
 * sets inputLimits for this run). Returns the rest, and whether --debug was given.
 */
function globalOptions(argv: string[]): { rest: string[]; debug: boolean } {
  const rest: string[] = [];
  let debug = false;
  inputLimits.maxInputBytes = DEFAULT_MAX_INPUT_BYTES;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--debug') debug = true;
    else if (a === '--max-input-bytes' || a.startsWith('--max-input-bytes=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--max-input-bytes must be a positive whole number of bytes, got '${v ?? ''}'`);
      inputLimits.maxInputBytes = Number(v);
    } else rest.push(a);
  }
  return { rest, debug };
}

/**
 * Runs one command; returns the exit code (a Promise of it while `train` watches for Ctrl-C, with
 * an io that can tell it: processIo). Errors become one clear line on stderr; a stack trace only
 * with --debug.
 */
export function main(argv: string[], io: Io = processIo): number | Promise<number> {
  const [command, ...args] = argv;
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
  let debug = Boolean(process.env.DENSELY_DEBUG);
  const report = (e: unknown): number => {
    if (e instanceof StdoutClosed) return 0; // the reader stopped early (| head): nothing went wrong
    if (e instanceof UsageError) {
      io.err(`densely ${oneLine(e.message)}\nsee 'densely ${command} --help'`);
      return 2;
    }
    // one line, whatever the message holds (a file name with a newline cannot fake a second one)
    io.err(`densely ${command}: ${oneLine(e instanceof Error ? e.message : String(e))}`);
    if (debug) io.err((e as Error).stack ?? '');
    return 1;
  };
  try {
    const g = globalOptions(args);
    debug ||= g.debug;
    const code = run(g.rest, io);
    return typeof code === 'number' ? code : code.catch(report);
  } catch (e) {
    return report(e);
  }
}
