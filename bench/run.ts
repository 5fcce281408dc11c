/**
 * `npm run bench`: every benchmark, in order, into ONE markdown report.
 *
 *   gemm      bench/gemm.ts      the GEMM ladder, GFLOPS per rung
 *   step      bench/step.ts      µs per training step vs tfjs cpu/wasm, heap over 10,000 steps
 *   baseline  bench/baseline.ts  the same step, side by side with a baseline commit's (bench/baseline.json)
 *   pipeline  bench/pipeline.ts  the whole bank pipeline per system in its own process, CLI peak RSS
 *   scaling   bench/scaling.ts   samples/s and peak RSS at 10k, 100k, 1M rows
 *   csv       bench/csv.ts       CSV parsing vs papaparse, prepare memory
 *   scoring   bench/scoring.ts   densely predict on 100k and 1M customer rows: rows/s, peak RSS
 *   width     bench/width.ts     the width sweep: h 64/256/1024 × batch 32/256, densely js/wasm, tfjs-wasm, PyTorch 1/2 threads
 *   serve     bench/serve.ts     densely serve under load vs FastAPI + PyTorch: req/s, rows/s, p50/p99, RSS
 *
 *   npm run bench [-- --quick] [-- --only gemm,step,baseline,pipeline,scaling,csv] [-- --baseline REF]
 *   = node bench/build.mjs && node tmp/bench/run.mjs [--quick] [--only …] [--baseline REF]
 *
 * --baseline REF (any git revision) is passed to the baseline section only; without it, that
 * section compares with bench/baseline.json's ref.
 *
 * Each section runs in its own child process (`tmp/bench/<section>.mjs --section`, which prints
 * its section as one JSON line), and the step, baseline, pipeline and scaling sections start one more
 * process per system and size, so nothing measured shares a process with tfjs, or with
 * anything else that could disturb it. Everything runs under plain node from esbuild bundles:
 * under tsx, loading a CommonJS package invalidates V8's ArrayBufferDetaching protector and
 * slows densely's typed-array kernels by 15–40% (see bench/harness.ts). Every child runs with
 * --trace-protector-invalidation, and the report ends with what each process did to it.
 *
 * The report goes to stdout and to bench/results/latest.md (written to a temp file, then
 * renamed). Progress goes to stderr. Every ratio in it comes from numbers measured in this run.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { BUNDLED, childChecks, mdTable, num, pythonWithTorch, ROOT, runChild, type Goal, type ProcessCheck, type Section } from './harness.js';

const SECTIONS = ['gemm', 'step', 'baseline', 'pipeline', 'scaling', 'csv', 'scoring', 'width', 'serve'] as const;
type SectionName = (typeof SECTIONS)[number];
/** Sections whose own process times densely (the others only start and read children). */
const MEASURES_IN_PROCESS: ReadonlySet<SectionName> = new Set(['gemm']);

function parseCli(argv: string[]): { quick: boolean; only: Set<SectionName>; baseline: string | undefined } {
  let only: Set<SectionName> = new Set(SECTIONS);
  let quick = false;
  let baseline: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!value) throw new Error('--only needs a list, e.g. --only step,pipeline');
      const names = value.split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of names) {
        if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`--only: unknown section '${n}' (expected ${SECTIONS.join(', ')})`);
      }
      only = new Set(names as SectionName[]);
    } else if (a === '--baseline' || a.startsWith('--baseline=')) {
      const value = a === '--baseline' ? argv[++i] : a.slice('--baseline='.length);
      if (!value || value.startsWith('--')) throw new Error('--baseline needs a git revision, e.g. --baseline e90ba16');
      baseline = value;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--baseline REF]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument '${a}' (expected --quick, --only a,b or --baseline REF)`);
  }
  return { quick, only, baseline };
}

function versionOf(pkg: string): string {
  try {
    return (createRequire(join(ROOT, 'package.json'))(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function header(argv: string[], quick: boolean): string {
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${num(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.platform()} ${os.release()} ${os.arch()}`;
  const args = argv.length ? ` ${argv.join(' ')}` : '';
  const command = BUNDLED ? `npm run bench${args ? ` --${args}` : ''}` : `npx tsx bench/run.ts${args}`;
  const mode = BUNDLED
    ? `esbuild ${versionOf('esbuild')} bundles (tmp/bench/*.mjs) under plain \`node\`, each system in its own process`
    : '**tsx: densely\'s numbers read 15–40% low here** (see bench/README.md); quote `npm run bench` instead';
  return [
    '# densely benchmark report',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${machine}`,
    `- runtime: Node ${process.version}, tfjs ${versionOf('@tensorflow/tfjs')} (tfjs-backend-wasm ${versionOf('@tensorflow/tfjs-backend-wasm')}), benchmark.js ${versionOf('benchmark')}, papaparse ${versionOf('papaparse')}, PyTorch ${pythonWithTorch()?.version ?? 'not found (its rows are skipped)'}`,
    `- mode: ${mode}`,
    `- command: \`${command}\`${quick ? ' (quick: a smoke run, not figures to quote)' : ''}`,
    '',
    'One run on a shared machine: read the ratios, which all come from numbers measured in this same run, rather than the absolute times.',
  ].join('\n');
}

function goalsTable(goals: Goal[]): string {
  if (goals.length === 0) return 'No goal was measured in this run.';
  const mark = (met: boolean | null) => (met === null ? '– (quick run)' : met ? '✓' : '✗');
  return mdTable(['goal', 'target', 'measured', 'met'], goals.map((g) => [g.goal, g.target, g.measured, mark(g.met)]), ['l', 'r', 'r', 'l']);
}

function protectorTable(checks: ProcessCheck[]): string {
  const densely = checks.filter((c) => c.measuresDensely);
  const broken = densely.filter((c) => c.invalidated.includes('ArrayBufferDetaching'));
  const verdict =
    densely.length === 0
      ? 'No process timed densely.'
      : broken.length === 0
        ? `**The ArrayBufferDetaching protector stayed intact in all ${densely.length} processes that time densely.**`
        : `**✗ The ArrayBufferDetaching protector was invalidated in ${broken.length} of the ${densely.length} processes that time densely** (${broken.map((c) => c.process).join(', ')}): their numbers read low.`;
  return [
    'Every child ran with `node --trace-protector-invalidation`; a protector named here was invalidated in that process (V8 prints it when it happens). ' +
      'Once ArrayBufferDetaching is gone, every typed-array access in optimized code carries an extra check, for the rest of the process. ' +
      'The tfjs processes are listed for completeness: each is alone in its process, so what it does there cannot touch densely.',
    '',
    verdict,
    '',
    mdTable(
      ['process', 'times densely', 'protectors invalidated'],
      checks.map((c) => [c.process, c.measuresDensely ? 'yes' : 'no', c.invalidated.length ? c.invalidated.join(', ') : 'none']),
      ['l', 'l', 'l'],
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { quick, only, baseline } = parseCli(argv);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const parts = [header(argv, quick)];
  const bodies: string[] = [];
  const goals: Goal[] = [];
  const checks: ProcessCheck[] = [];
  const started = performance.now();
  for (const name of SECTIONS) {
    if (!only.has(name)) continue;
    log(`== ${name} ==`);
    const t0 = performance.now();
    let section: Section;
    try {
      const extra = name === 'baseline' && baseline !== undefined ? ['--baseline', baseline] : [];
      const { json } = await runChild<Section>(name, ['--section', ...(quick ? ['--quick'] : []), ...extra], {
        label: MEASURES_IN_PROCESS.has(name) ? `${name} (section; measures in process)` : `${name} (section; starts the children below)`,
        measuresDensely: MEASURES_IN_PROCESS.has(name),
        echoStderr: true,
        timeoutMs: 30 * 60_000,
      });
      section = json;
    } catch (e) {
      section = { title: name, markdown: `failed: ${(e as Error).message}` };
      log(`${name} failed: ${(e as Error).stack ?? (e as Error).message}`);
    }
    const own = childChecks.at(-1);
    if (own) checks.push(own);
    checks.push(...(section.processes ?? []));
    goals.push(...(section.goals ?? []));
    const seconds = (performance.now() - t0) / 1000;
    bodies.push(`## ${section.title}\n\n${section.markdown}\n\n_(section took ${num(seconds, 0)} s)_`);
  }
  parts.push(`## Goals\n\n${goalsTable(goals)}\n\nEach figure is measured below, in this run.`);
  parts.push(...bodies);
  parts.push(`## Processes and V8's ArrayBufferDetaching protector\n\n${protectorTable(checks)}`);
  parts.push(`_Total: ${num((performance.now() - started) / 1000, 0)} s._`);
  const report = `${parts.join('\n\n')}\n`;
  process.stdout.write(report);

  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'latest.md');
  const tmp = join(dir, `.latest.md.${process.pid}.tmp`);
  writeFileSync(tmp, report);
  renameSync(tmp, target);
  log(`report written to ${target}`);
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
