/**
 * `npm run bench`: every benchmark, in order, into ONE markdown report.
 *
 *   gemm      bench/gemm.ts      the GEMM ladder, GFLOPS per rung (another file; skipped if absent)
 *   step      bench/step.ts      µs per training step vs tfjs cpu/wasm, heap over 10,000 steps
 *   pipeline  bench/pipeline.ts  the whole bank pipeline per system in its own process, CLI peak RSS
 *   scaling   bench/scaling.ts   samples/s and peak RSS at 10k, 100k, 1M rows
 *   csv       bench/csv.ts       CSV parsing (another file; skipped if absent)
 *
 *   npx tsx bench/run.ts [--quick] [--only gemm,step,pipeline,scaling,csv]
 *
 * The report goes to stdout and to bench/results/latest.md (written to a temp file, then
 * renamed). Progress goes to stderr. Every ratio in it comes from numbers measured in this run.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPipeline, mdTable, num, ratio, ROOT, type BenchOptions, type Section } from './pipeline.js';
import { benchScaling } from './scaling.js';
import { benchStep } from './step.js';

const SECTIONS = ['gemm', 'step', 'pipeline', 'scaling', 'csv'] as const;
type SectionName = (typeof SECTIONS)[number];

function parseCli(argv: string[]): { quick: boolean; only: Set<SectionName> } {
  let only: Set<SectionName> = new Set(SECTIONS);
  let quick = false;
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
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npx tsx bench/run.ts [--quick] [--only ${SECTIONS.join(',')}]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument '${a}' (expected --quick or --only a,b)`);
  }
  return { quick, only };
}

/** Imports a bench module written by someone else, or returns null when its file is absent. */
async function optionalModule(file: string): Promise<Record<string, unknown> | null> {
  const path = fileURLToPath(new URL(file.replace(/\.js$/, '.ts'), import.meta.url));
  if (!existsSync(path)) return null;
  const url: string = new URL(file, import.meta.url).href;
  return (await import(url)) as Record<string, unknown>;
}

interface GemmRow {
  shape: string;
  rung: string;
  gflops: number;
  vsNaive: number;
  vsBelow: number;
}

async function gemmSection(): Promise<Section> {
  const title = 'GEMM ladder (GFLOPS)';
  const mod = await optionalModule('./gemm.js');
  if (!mod || typeof mod.benchGemm !== 'function') return { title, markdown: 'gemm bench missing (bench/gemm.ts does not exist or exports no benchGemm).' };
  const rows = (await (mod.benchGemm as () => Promise<GemmRow[]>)()) ?? [];
  return {
    title,
    markdown: mdTable(
      ['shape', 'rung', 'GFLOPS', '÷ naive', '÷ rung below'],
      rows.map((r) => [r.shape, r.rung, num(r.gflops, 2), ratio(r.vsNaive), ratio(r.vsBelow)]),
    ),
  };
}

/** Renders whatever benchCsv returns: a Section, markdown text, or a list of flat records. */
async function csvSection(): Promise<Section> {
  const title = 'CSV';
  const mod = await optionalModule('./csv.js');
  if (!mod || typeof mod.benchCsv !== 'function') return { title, markdown: 'csv bench missing (bench/csv.ts does not exist or exports no benchCsv).' };
  const out: unknown = await (mod.benchCsv as () => Promise<unknown>)();
  if (typeof out === 'string') return { title, markdown: out };
  if (out && typeof out === 'object' && 'markdown' in out) {
    const s = out as Partial<Section>;
    return { title: s.title ?? title, markdown: String(s.markdown) };
  }
  if (Array.isArray(out) && out.length > 0 && typeof out[0] === 'object') {
    const keys = [...new Set(out.flatMap((r) => Object.keys(r as object)))];
    const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? num(v) : num(v, Math.abs(v) >= 100 ? 0 : 2)) : String(v ?? ''));
    return { title, markdown: mdTable(keys, out.map((r) => keys.map((k) => cell((r as Record<string, unknown>)[k])))) };
  }
  return { title, markdown: `\`\`\`json\n${JSON.stringify(out, null, 2)}\n\`\`\`` };
}

function header(argv: string[], quick: boolean, tfjsVersion: string): string {
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${num(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.platform()} ${os.release()} ${os.arch()}`;
  return [
    '# densely benchmark report',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${machine}`,
    `- runtime: Node ${process.version}, tfjs ${tfjsVersion}`,
    `- command: \`npx tsx bench/run.ts${argv.length ? ` ${argv.join(' ')}` : ''}\`${quick ? ' (quick: a smoke run, not figures to quote)' : ''}`,
    '',
    'One run on a shared, noisy machine: read the ratios, which all come from numbers measured in this same run, rather than the absolute times.',
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { quick, only } = parseCli(argv);
  const opts: BenchOptions = { quick, log: (line) => process.stderr.write(`${line}\n`) };
  const tfjsVersion = (createRequire(import.meta.url)('@tensorflow/tfjs/package.json') as { version: string }).version;
  const runners: Record<SectionName, () => Promise<Section>> = {
    gemm: gemmSection,
    step: () => benchStep(opts),
    pipeline: () => benchPipeline(opts),
    scaling: () => benchScaling(opts),
    csv: csvSection,
  };
  const parts = [header(argv, quick, tfjsVersion)];
  const started = performance.now();
  for (const name of SECTIONS) {
    if (!only.has(name)) continue;
    opts.log(`== ${name} ==`);
    const t0 = performance.now();
    let section: Section;
    try {
      section = await runners[name]();
    } catch (e) {
      section = { title: name, markdown: `failed: ${(e as Error).message}` };
      opts.log(`${name} failed: ${(e as Error).stack ?? (e as Error).message}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    parts.push(`## ${section.title}\n\n${section.markdown}\n\n_(section took ${num(seconds, 0)} s)_`);
  }
  parts.push(`_Total: ${num((performance.now() - started) / 1000, 0)} s._`);
  const report = `${parts.join('\n\n')}\n`;
  process.stdout.write(report);

  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'latest.md');
  const tmp = join(dir, `.latest.md.${process.pid}.tmp`);
  writeFileSync(tmp, report);
  renameSync(tmp, target);
  opts.log(`report written to ${target}`);
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
