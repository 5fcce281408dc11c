/**
 * The whole marketing pipeline, end to end, one system per child process:
 *
 *   densely     bench/peers/densely-pipeline.ts
 *   tfjs-cpu    bench/peers/tfjs-pipeline.ts --backend cpu
 *   tfjs-wasm   bench/peers/tfjs-pipeline.ts --backend wasm
 *   CLI         node bin/densely.js train --json   (the `npm start` figure: its peak RSS)
 *
 * Each child loads the bank data, splits it as sklearn does (the same indices for all), trains
 * 50→64→64→1 with Adam(1e-3) and binary cross-entropy, batch 32, shuffled, and prints one JSON
 * line. A child's peak RSS is its own (`process.resourceUsage().maxRSS`), never the parent's.
 *
 * This file also holds the small helpers the other bench files share (spawning a child and
 * reading its JSON, markdown tables, number formatting).
 *
 * Run alone: npx tsx bench/pipeline.ts [--quick]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (bench/..). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchOptions {
  /** A smoke run: fewer epochs, rows and samples. */
  quick: boolean;
  /** Progress lines (stderr by default, so stdout stays the report). */
  log: (line: string) => void;
}

/** One section of the report: a title and its markdown body. */
export interface Section {
  title: string;
  markdown: string;
}

export const defaultOptions = (argv: string[] = process.argv.slice(2)): BenchOptions => ({
  quick: argv.includes('--quick'),
  log: (line) => process.stderr.write(`${line}\n`),
});

/** True when `metaUrl` is the module node was started with (a file run directly, not imported). */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(resolve(entry)).href === metaUrl;
}

export interface ChildResult<T> {
  json: T;
  stderr: string;
  /** Wall time of the whole child, spawn to exit. */
  wallSeconds: number;
}

const RSS_MARK = '__bench_maxrss_kb=';
/**
 * A preload that prints the process's peak RSS on exit, for children that do not report it
 * themselves (the CLI). Passed to node as `--import data:…`, so no file is needed.
 */
const RSS_PRELOAD = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\n${RSS_MARK}"+process.resourceUsage().maxRSS+"\\n"))`;

/**
 * Runs `node [nodeArgs] [--import tsx] script args` from the repo root and parses the last
 * stdout line that is a JSON object. Rejects with the tail of stderr when the child fails.
 */
export function runChild<T>(
  script: string,
  args: string[],
  options: { nodeArgs?: string[]; tsx?: boolean; timeoutMs?: number; measureRss?: boolean } = {},
): Promise<ChildResult<T & { peakRssMB?: number }>> {
  const nodeArgs = [...(options.nodeArgs ?? [])];
  if (options.measureRss) nodeArgs.push('--import', RSS_PRELOAD);
  if (options.tsx ?? true) nodeArgs.push('--import', 'tsx');
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallSeconds = (performance.now() - started) / 1000;
      const what = `${script} ${args.join(' ')}`.trim();
      if (code !== 0) {
        reject(new Error(`${what}: exited with ${signal ?? code}\n${stderr.split('\n').slice(-15).join('\n')}`));
        return;
      }
      const line = stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('{'))
        .pop();
      if (!line) {
        reject(new Error(`${what}: printed no JSON line\n${stdout.slice(-500)}\n${stderr.slice(-500)}`));
        return;
      }
      let json: T & { peakRssMB?: number };
      try {
        json = JSON.parse(line) as T & { peakRssMB?: number };
      } catch (e) {
        reject(new Error(`${what}: bad JSON (${(e as Error).message}): ${line.slice(0, 200)}`));
        return;
      }
      const mark = stderr.lastIndexOf(RSS_MARK);
      if (mark >= 0) json.peakRssMB = Number.parseInt(stderr.slice(mark + RSS_MARK.length), 10) / 1024;
      resolvePromise({ json, stderr, wallSeconds });
    });
  });
}

/** Peak RSS of this process in MB (maxRSS is in KB on Linux and macOS). */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

// ---- formatting ------------------------------------------------------------

export function mdTable(headers: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const a = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(a.map((x) => (x === 'l' ? ':---' : '---:'))), ...rows.map(line)].join('\n');
}

/** A number with `digits` significant-ish decimals and thousands separators. */
export function num(x: number | undefined, digits = 0): string {
  if (x === undefined || !Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio as "3.42×". */
export function ratio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return 'n/a';
  return `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)}×`;
}

// ---- the pipeline section -------------------------------------------------

/** What both pipeline children print. */
export interface PipelineResult {
  system: string;
  backend?: string;
  rows: number;
  features: number;
  trainRows: number;
  testRows: number;
  epochs: number;
  batchSize: number;
  steps: number;
  fitSeconds: number;
  /** CPU time (user + system) of the child during fit: well below fitSeconds means it waited for a core. */
  fitCpuSeconds: number;
  usPerStep: number;
  samplesPerSecond: number;
  testLoss: number;
  testAccuracy: number;
  testAuc: number;
  peakRssMB: number;
  heapUsedMB: number;
  totalSeconds: number;
}

/** What `densely train --json` prints (the fields used here). */
interface CliResult {
  trainRows: number;
  epochs: number;
  batchSize: number;
  fitSeconds: number;
  usPerStep: number;
  samplesPerSecond: number;
  test: { loss: number; accuracy: number; auc: number };
  peakRssMB?: number;
}

const RSS_GOAL_MB = 150;

/** The newest modification time under a folder (for "is dist older than src?"). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure dist/ holds a build of the current src/ (the CLI runs from dist). Returns a note
 * for the report when it had to build, or when the build reported errors.
 */
export function ensureDist(log: (line: string) => void): string {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  const stale = !existsSync(main) || statSync(main).mtimeMs < newestMtime(join(ROOT, 'src'));
  if (!stale) return '';
  log('pipeline: building dist/ (npx tsc -p tsconfig.build.json) for the CLI run');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const r = spawnSync(npx, ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    const msg = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(0, 5).join('; ');
    if (!existsSync(main)) throw new Error(`could not build dist/: ${msg}`);
    return `dist/ was rebuilt from src/, with compile errors (${msg}).`;
  }
  return 'dist/ was rebuilt from the current src/ before this run.';
}

export async function benchPipeline(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const epochs = opts.quick ? 1 : 10;
  const common = ['--epochs', String(epochs), '--batch-size', '32'];
  const systems: { name: string; script: string; args: string[] }[] = [
    { name: 'densely', script: 'bench/peers/densely-pipeline.ts', args: common },
    { name: 'tfjs-cpu', script: 'bench/peers/tfjs-pipeline.ts', args: [...common, '--backend', 'cpu'] },
    { name: 'tfjs-wasm', script: 'bench/peers/tfjs-pipeline.ts', args: [...common, '--backend', 'wasm'] },
  ];
  const results = new Map<string, PipelineResult>();
  const failures: string[] = [];
  for (const s of systems) {
    opts.log(`pipeline: ${s.name} (${epochs} epochs, own process)…`);
    try {
      const { json } = await runChild<PipelineResult>(s.script, s.args);
      results.set(s.name, json);
      opts.log(`pipeline: ${s.name}: fit ${json.fitSeconds.toFixed(2)} s, ${json.usPerStep.toFixed(0)} µs/step, AUC ${json.testAuc.toFixed(4)}`);
    } catch (e) {
      failures.push(`${s.name}: ${(e as Error).message.split('\n')[0]}`);
      opts.log(`pipeline: ${s.name} failed: ${(e as Error).message}`);
    }
  }

  // the real CLI, as `npm start` runs it
  let cli: CliResult | null = null;
  let distNote = '';
  try {
    distNote = ensureDist(opts.log);
    opts.log('pipeline: node bin/densely.js train --json…');
    const cliArgs = ['train', '--json', ...(opts.quick ? ['--epochs', String(epochs)] : [])];
    cli = (await runChild<CliResult>('bin/densely.js', cliArgs, { tsx: false, measureRss: true })).json;
  } catch (e) {
    failures.push(`CLI: ${(e as Error).message.split('\n')[0]}`);
    opts.log(`pipeline: CLI failed: ${(e as Error).message}`);
  }

  const d = results.get('densely');
  const rows = systems
    .filter((s) => results.has(s.name))
    .map((s) => {
      const r = results.get(s.name) as PipelineResult;
      return [
        s.name,
        num(r.fitSeconds, 2),
        num(r.fitCpuSeconds, 2),
        num(r.usPerStep, 0),
        num(r.samplesPerSecond, 0),
        num(r.testAccuracy, 4),
        num(r.testAuc, 4),
        num(r.peakRssMB, 0),
        num(r.heapUsedMB, 0),
        d ? ratio(r.fitSeconds / d.fitSeconds) : 'n/a',
      ];
    });
  const lines: string[] = [];
  const any = [...results.values()][0];
  if (any) {
    lines.push(
      `Bank data ${any.rows} × ${any.features} features, sklearn split (test_size 0.2, random_state 42): ` +
        `train ${any.trainRows}, test ${any.testRows}; ${epochs} epoch(s) of batch 32 = ${any.steps} steps. ` +
        'One child process per system, run one after another.',
      '',
    );
  }
  lines.push(
    mdTable(['system', 'fit s', 'fit CPU s', 'µs/step', 'samples/s', 'test acc', 'test AUC', 'peak RSS MB', 'heap MB', 'fit time ÷ densely'], rows),
    '',
    '"fit time ÷ densely" > 1 means densely is that many times faster (wall time). "fit CPU s" well below "fit s" means the child waited for a core (a busy machine). Accuracy is `p > 0.5` on the test rows for every system; AUC is the project\'s `rocAuc`.',
  );
  if (d) {
    const peers = systems.filter((s) => s.name !== 'densely' && results.has(s.name));
    if (peers.length) {
      lines.push('', `Speed-up of densely: ${peers.map((s) => `${ratio((results.get(s.name) as PipelineResult).fitSeconds / d.fitSeconds)} vs ${s.name}`).join(', ')}.`);
    }
  }
  if (cli) {
    const rss = cli.peakRssMB;
    const verdict = rss === undefined ? 'n/a' : rss <= RSS_GOAL_MB ? `✓ ≤ ${RSS_GOAL_MB} MB` : `✗ > ${RSS_GOAL_MB} MB`;
    lines.push(
      '',
      `**\`npm start\` (the real CLI):** \`node bin/densely.js train --json${opts.quick ? ` --epochs ${epochs}` : ''}\``,
      '',
      mdTable(
        ['command', 'fit s', 'µs/step', 'samples/s', 'test acc', 'test AUC', 'peak RSS MB', 'goal'],
        [['densely train --json', num(cli.fitSeconds, 2), num(cli.usPerStep, 0), num(cli.samplesPerSecond, 0), num(cli.test.accuracy, 4), num(cli.test.auc, 4), num(rss, 0), verdict]],
      ),
    );
  }
  if (distNote) lines.push('', distNote);
  if (failures.length) lines.push('', ...failures.map((f) => `- failed: ${f}`));
  return { title: 'Whole pipeline (bank data)', markdown: lines.join('\n') };
}

if (isMain(import.meta.url)) {
  const section = await benchPipeline();
  process.stdout.write(`## ${section.title}\n\n${section.markdown}\n`);
}
