/**
 * What every bench file shares: where the repository is, how to start another bench script in
 * its own process and read its JSON, the V8 protector check, and markdown formatting.
 *
 * Two ways to run a bench script, and the children it starts run the same way:
 *
 *   bundled   `npm run bench`: `node bench/build.mjs` bundles every script with esbuild into
 *             tmp/bench/*.mjs, and each runs under plain `node` (the numbers to quote);
 *   tsx       `npx tsx bench/step.ts`: convenient while editing, but loading a CommonJS package
 *             (benchmark.js, papaparse, tfjs) through tsx's loader detaches an ArrayBuffer, which
 *             invalidates V8's ArrayBufferDetaching protector and makes every typed-array kernel
 *             15–40% slower for the rest of that process. So tsx numbers under-report densely.
 *
 * Every child is started with `--trace-protector-invalidation`, so the report can say, process
 * by process, whether the protector survived.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file whose package.json is densely's. */
export const ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'densely') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`bench: no densely package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
})();

/** Where bench/build.mjs writes the bundles (gitignored: the root .gitignore has /tmp/). */
export const BUILD_DIR = join(ROOT, 'tmp', 'bench');

/** True in a bundle built by bench/build.mjs (every module in it shares the bundle's .mjs URL). */
export const BUNDLED = import.meta.url.endsWith('.mjs');

export interface BenchOptions {
  /** A smoke run: fewer epochs, rows and samples. */
  quick: boolean;
  /** Progress lines (stderr by default, so stdout stays the report). */
  log: (line: string) => void;
}

/** A goal from the project's brief, checked against a number measured in this run. */
export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

/** What one process did to the ArrayBufferDetaching protector (from --trace-protector-invalidation). */
export interface ProcessCheck {
  process: string;
  /** Does this process time densely code? */
  measuresDensely: boolean;
  /** Names of the protectors V8 invalidated in it, e.g. ['ArrayBufferDetaching']. */
  invalidated: string[];
}

/** One section of the report: a title and its markdown body, plus what run.ts collects. */
export interface Section {
  title: string;
  markdown: string;
  goals?: Goal[];
  processes?: ProcessCheck[];
}

export const defaultOptions = (argv: string[] = process.argv.slice(2)): BenchOptions => ({
  quick: argv.includes('--quick'),
  log: (line) => process.stderr.write(`${line}\n`),
});

/**
 * True when this process was started on the bench script `name` (relative to bench/, no
 * extension, e.g. 'step' or 'peers/densely-pipeline'), as bench/<name>.ts or tmp/bench/<name>.mjs.
 * It compares file names, not import.meta.url: in a bundle every module has the bundle's URL.
 */
export function isMain(name: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  const file = resolve(entry);
  const stem = basename(file).replace(/\.(ts|mts|js|mjs)$/, '');
  const folder = basename(dirname(file));
  const [want, wantFolder] = name.includes('/') ? [basename(name), basename(dirname(name))] : [name, null];
  return stem === want && (wantFolder === null ? folder === 'bench' : folder === wantFolder);
}

/** The node arguments that start bench/<name>: the bundle under plain node, or the .ts under tsx. */
export function benchEntry(name: string): string[] {
  if (!BUNDLED) return ['--import', 'tsx', join(ROOT, 'bench', `${name}.ts`)];
  const file = join(BUILD_DIR, `${name}.mjs`);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the bench first (node bench/build.mjs)`);
  return [file];
}

export interface ChildResult<T> {
  json: T;
  stderr: string;
  /** Wall time of the whole child, spawn to exit. */
  wallSeconds: number;
  check: ProcessCheck;
}

const RSS_MARK = '__bench_maxrss_kb=';
/**
 * A preload that prints the process's peak RSS on exit, for children that do not report it
 * themselves (the CLI). Passed to node as `--import data:…`, so no file is needed.
 */
const RSS_PRELOAD = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\n${RSS_MARK}"+process.resourceUsage().maxRSS+"\\n"))`;
const PROTECTOR = /Invalidating protector cell (\w+)/g;

/** Every child this process started, in order (a section hands them to run.ts). */
export const childChecks: ProcessCheck[] = [];

/** The last line of `text` that is a JSON object, parsed; null when there is none. */
export function lastJsonLine<T>(text: string): T | null {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .pop();
  return line === undefined ? null : (JSON.parse(line) as T);
}

/**
 * Starts a child from the repo root and parses the last stdout line that is a JSON object.
 * `target` is a bench script name (see benchEntry) or, with `file: true`, a plain .js path run
 * as is (the CLI). Rejects with the tail of stderr when the child fails.
 */
export function runChild<T>(
  target: string,
  args: string[],
  options: {
    /** The process's name in the protector table; default: target and args. */
    label?: string;
    measuresDensely?: boolean;
    nodeArgs?: string[];
    file?: boolean;
    timeoutMs?: number;
    measureRss?: boolean;
    /** Copy the child's stderr (its progress lines) to ours as it comes. */
    echoStderr?: boolean;
    /** Run `bench/<target>` with this Python (see pythonWithTorch) instead of node. */
    python?: string;
  } = {},
): Promise<ChildResult<T & { peakRssMB?: number }>> {
  const nodeArgs = ['--trace-protector-invalidation', ...(options.nodeArgs ?? [])];
  if (options.measureRss) nodeArgs.push('--import', RSS_PRELOAD);
  const entry = options.file ? [join(ROOT, target)] : options.python ? [join(ROOT, 'bench', target)] : benchEntry(target);
  const what = `${target} ${args.join(' ')}`.trim();
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const [command, argv] = options.python ? [options.python, [...entry, ...args]] : [process.execPath, [...nodeArgs, ...entry, ...args]];
    const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      if (options.echoStderr) process.stderr.write(s);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallSeconds = (performance.now() - started) / 1000;
      const check: ProcessCheck = {
        process: options.label ?? what,
        measuresDensely: options.measuresDensely ?? false,
        invalidated: [...new Set([...stdout.matchAll(PROTECTOR)].map((m) => m[1]))],
      };
      childChecks.push(check);
      if (code !== 0) {
        reject(new Error(`${what}: exited with ${signal ?? code}\n${stderr.split('\n').slice(-15).join('\n')}`));
        return;
      }
      let json: (T & { peakRssMB?: number }) | null;
      try {
        json = lastJsonLine<T & { peakRssMB?: number }>(stdout);
      } catch (e) {
        reject(new Error(`${what}: bad JSON (${(e as Error).message}): ${stdout.slice(-200)}`));
        return;
      }
      if (json === null) {
        reject(new Error(`${what}: printed no JSON line\n${stdout.slice(-500)}\n${stderr.slice(-500)}`));
        return;
      }
      const mark = stderr.lastIndexOf(RSS_MARK);
      if (mark >= 0) json.peakRssMB = Number.parseInt(stderr.slice(mark + RSS_MARK.length), 10) / 1024;
      resolvePromise({ json, stderr, wallSeconds, check });
    });
  });
}

/** A Python that imports torch, and torch's version, found once. */
let torchPython: { python: string; version: string } | null | undefined;

/**
 * The Python with PyTorch that the PyTorch peers run on (Debian's python3-torch: /usr/bin/python3;
 * or $DENSELY_BENCH_PYTHON), or null when there is none: the PyTorch rows then say "skipped".
 */
export function pythonWithTorch(): { python: string; version: string } | null {
  if (torchPython !== undefined) return torchPython;
  torchPython = null;
  for (const python of [process.env.DENSELY_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p)) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) {
      torchPython = { python, version: r.stdout.trim() };
      break;
    }
  }
  return torchPython;
}

/** What a section prints where PyTorch was not found. */
export const TORCH_SKIPPED = 'PyTorch: skipped (no python3 with torch here; `apt-get install python3-torch`, or set DENSELY_BENCH_PYTHON)';

/**
 * The main block of a section file (bench/<name>.ts): runs the section and prints it, as
 * markdown when run by hand, or as one JSON line (with its goals and the children's protector
 * checks) with `--section`, which is how run.ts runs it.
 */
export async function sectionMain(name: string, run: (opts: BenchOptions) => Promise<Section>): Promise<void> {
  if (!isMain(name)) return;
  if (!BUNDLED) process.stderr.write(`note: under tsx densely's numbers are 15–40% low; \`npm run bench\` bundles them (see bench/README.md)\n`);
  const section = await run(defaultOptions());
  if (process.argv.includes('--section')) {
    process.stdout.write(`${JSON.stringify({ ...section, processes: [...(section.processes ?? []), ...childChecks] })}\n`);
  } else {
    process.stdout.write(`## ${section.title}\n\n${section.markdown}\n`);
  }
}

// ---- formatting ------------------------------------------------------------

export function mdTable(headers: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const a = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(a.map((x) => (x === 'l' ? ':---' : '---:'))), ...rows.map(line)].join('\n');
}

/** A number with `digits` decimals and thousands separators. */
export function num(x: number | undefined, digits = 0): string {
  if (x === undefined || !Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio as "3.42×". */
export function ratio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return 'n/a';
  return `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)}×`;
}
