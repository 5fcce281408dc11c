/**
 * CSV parsing and preparation benchmark: densely side by side with papaparse.
 *
 *   node tmp/bench/csv.mjs            # bank file + the generated 2,000,000 × 20 file (~300 MB)
 *   node tmp/bench/csv.mjs --small    # bank file only (what --quick runs)
 *
 * (tmp/bench/*.mjs are built by `node bench/build.mjs`; under `npx tsx bench/csv.ts` densely reads
 * low, see bench/harness.ts.)
 *
 * Speed (benchmark.js): both parsers get the whole decompressed text as one string and keep every
 * row, `parseCsv(text, { delimiter })` vs `Papa.parse(text, { delimiter })`. densely's streaming
 * form (`forEachCsvRow`, rows not kept) is listed too. Each contender runs in its own child
 * process, so one's garbage is not collected on the other's clock. MB/s counts UTF-16 characters / 1e6 (the
 * files are ASCII, so that is bytes).
 *
 * Memory: densely's full `prepareCsv` (scan + fit + transform, reading the file in 1 MB chunks)
 * on the first 10k / 100k / 1M / 2M rows of the generated file, each in a fresh child process;
 * peak RSS and peak heap against the size of the float32 matrix it returns.
 *
 * The generated file goes to os.tmpdir() (made once, reused; not committed).
 */
import Benchmark from 'benchmark';
import Papa from 'papaparse';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { forEachCsvRow, parseCsv, type Chunk, type ChunkSource } from '../src/data/csv.js';
import { fileChunks } from '../src/node/chunks.js';
import { prepareCsv } from '../src/data/preprocessor.js';
import { defaultOptions, isMain, ROOT, runChild, sectionMain, type BenchOptions, type Section } from './harness.js';

const BANK = join(ROOT, 'data', 'bank-full.csv.gz');
export const BIG_ROWS = 2_000_000;
const BIG_PATH = join(tmpdir(), 'densely-bench-2m-x20-v2.csv');

export interface SpeedRow {
  table: 'speed';
  file: string;
  mb: number;
  /** Mean rate over benchmark.js samples, and the rate of the fastest sample. */
  denselyMBs: number;
  denselyBestMBs: number;
  /** benchmark.js relative margin of error, percent. */
  denselyRme: number;
  papaRme: number;
  papaBestMBs: number;
  denselyStreamMBs: number;
  papaMBs: number;
  /** densely parseCsv / papaparse, mean rates. */
  ratio: number;
}

export interface MemoryRow {
  table: 'memory';
  rows: number;
  features: number;
  /** Bytes of the returned float32 matrix X (plus y). */
  matrixBytes: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  /** Peak RSS minus the RSS of an idle process, over the matrix bytes. */
  rssOverMatrix: number;
  seconds: number;
}

export type CsvBenchRow = SpeedRow | MemoryRow;

/** A small seeded generator (mulberry32) so the generated file is the same every time. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JOBS = ['admin.', 'blue-collar', 'entrepreneur', 'housemaid', 'management', 'retired', 'self-employed', 'services', 'student', 'technician', 'unemployed', 'unknown'];
const MARITAL = ['married', 'single', 'divorced'];
const EDUCATION = ['primary', 'secondary', 'tertiary', 'unknown'];
const CONTACT = ['cellular', 'telephone', 'unknown'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const CHANNEL = ['web', 'email', 'phone', 'store', 'partner, reseller', 'unknown'];
const BIG_HEADER =
  'age,income,balance,score,rate,visits,tenure,clicks,spend,pdays,ratio,job,marital,education,default,housing,contact,month,channel,y';

/**
 * Writes `rows` rows of a mixed numeric / categorical marketing-like CSV (20 columns, ~142 bytes a
 * row, some quoted fields, scientific notation) to `path`.
 */
export function generateBigCsv(path: string, rows: number, seed = 42): void {
  const rand = mulberry32(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
  const tmp = `${path}.part`;
  const fd = openSync(tmp, 'w');
  try {
    let block = BIG_HEADER + '\n';
    for (let r = 0; r < rows; r++) {
      const age = 18 + Math.floor(rand() * 78);
      const e = rand() * 1e-3;
      const exp = e === 0 ? 0 : Math.floor(Math.log10(e));
      // Scientific notation as pandas/numpy write it: 9.83E-05.
      const sci = `${(e / 10 ** exp).toFixed(2)}E${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
      block +=
        `${age},${(rand() * 200000).toFixed(4)},${Math.floor(rand() * 1005000) - 5000},${rand().toFixed(9)},` +
        `${sci},${Math.floor(rand() * 50)},${Math.floor(rand() * 40)},` +
        `${Math.floor(rand() * 1000)},${(rand() * 5000).toFixed(4)},${rand() < 0.8 ? -1 : Math.floor(rand() * 999)},` +
        `${(rand() * 2 - 1).toFixed(6)},"${pick(JOBS)}","${pick(MARITAL)}","${pick(EDUCATION)}",` +
        `${rand() < 0.02 ? 'yes' : 'no'},${rand() < 0.55 ? 'yes' : 'no'},${pick(CONTACT)},"${pick(MONTHS)}","${pick(CHANNEL)}",` +
        `${rand() < 0.12 ? 'yes' : 'no'}\n`;
      if (block.length > 1 << 20) {
        writeSync(fd, block);
        block = '';
      }
    }
    writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** The 2M-row file, generated into os.tmpdir() the first time. */
export function bigCsvPath(): string {
  if (!existsSync(BIG_PATH)) {
    const t = performance.now();
    process.stderr.write(`generating ${BIG_PATH} (${BIG_ROWS} rows)… `);
    generateBigCsv(BIG_PATH, BIG_ROWS);
    process.stderr.write(`${((performance.now() - t) / 1000).toFixed(1)} s, ${(statSync(BIG_PATH).size / 1e6).toFixed(0)} MB\n`);
  }
  return BIG_PATH;
}

/** A whole file as text, gunzipped when it ends in .gz. */
function readText(path: string): string {
  return (path.endsWith('.gz') ? gunzipSync(readFileSync(path)) : readFileSync(path)).toString('utf8');
}

/** The first `rows` data rows of a file with no quoted line breaks (the generated one). */
function firstRows(source: ChunkSource, rows: number): ChunkSource {
  return Object.assign(
    function* (): Generator<Chunk> {
      let lines = rows + 1; // header too
      for (const chunk of source()) {
        const b = chunk as Uint8Array;
        let i = 0;
        while (lines > 0 && (i = b.indexOf(0x0a, i)) >= 0) {
          lines--;
          i++;
        }
        if (lines > 0) yield b;
        else {
          yield b.subarray(0, i);
          return;
        }
      }
    },
    { sourceName: source.sourceName },
  );
}

const CONTENDERS = ['densely parseCsv', 'densely forEachCsvRow (streaming)', 'papaparse'] as const;
type Contender = (typeof CONTENDERS)[number];

/** benchmark.js result for one contender: mean rate, its relative margin of error, best sample. */
interface Measured {
  hz: number;
  rme: number;
  bestHz: number;
}

/** Runs a benchmark.js suite of the given contenders on `text`, in this process. */
function suite(label: string, text: string, delimiter: string, names: readonly Contender[], big: boolean): Record<string, Measured> {
  const opts = big ? { minSamples: 5, maxTime: 1, initCount: 1 } : { minSamples: 10, maxTime: 3 };
  const fns: Record<Contender, () => void> = {
    'densely parseCsv': () => {
      sink += parseCsv(text, { delimiter }).rows.length;
    },
    'densely forEachCsvRow (streaming)': () => {
      forEachCsvRow([text], () => sink++, { delimiter });
    },
    papaparse: () => {
      sink += Papa.parse(text, { delimiter }).data.length;
    },
  };
  const out: Record<string, Measured> = {};
  const s = new Benchmark.Suite(label);
  for (const n of names) s.add(n, fns[n], opts);
  s.on('cycle', (e: Benchmark.Event) => {
    const b = e.target as unknown as Benchmark;
    out[b.name!] = { hz: b.hz!, rme: b.stats!.rme, bestHz: 1 / Math.min(...b.stats!.sample) };
    process.stderr.write(`  ${label}: ${String(e.target)}\n`);
  });
  s.run({ async: false });
  return out;
}
let sink = 0;

/**
 * densely vs papaparse on `text`. For the big file each contender runs in its own child process,
 * so one's garbage (gigabytes of row arrays) is not collected on the other's clock.
 */
async function speed(file: string, path: string, delimiter: string): Promise<SpeedRow> {
  const mb = (path.endsWith('.gz') ? readText(path).length : statSync(path).size) / 1e6; // ASCII: bytes = characters
  const m: Record<string, Measured> = {};
  for (const name of CONTENDERS) {
    const label = `csv speed ${name}, ${file.split(' ')[0]}`;
    m[name] = (await runChild<Measured>('csv', ['--speed-child', path, delimiter, name], { label, measuresDensely: name !== 'papaparse', echoStderr: true })).json;
  }
  const d = m['densely parseCsv'];
  const p = m['papaparse'];
  return {
    table: 'speed',
    file,
    mb,
    denselyMBs: d.hz * mb,
    denselyBestMBs: d.bestHz * mb,
    denselyRme: d.rme,
    denselyStreamMBs: m['densely forEachCsvRow (streaming)'].hz * mb,
    papaMBs: p.hz * mb,
    papaBestMBs: p.bestHz * mb,
    papaRme: p.rme,
    ratio: d.hz / p.hz,
  };
}

/** In a child process: prepare the first `rows` rows and print the memory figures as JSON. */
function memoryChild(path: string, rows: number): void {
  const src = firstRows(fileChunks(path), rows);
  let peakRss = 0;
  let peakHeap = 0;
  const sampled: ChunkSource = Object.assign(
    function* (): Generator<Chunk> {
      for (const c of src()) {
        const m = process.memoryUsage();
        if (m.rss > peakRss) peakRss = m.rss;
        if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
        yield c;
      }
    },
    { sourceName: path },
  );
  const t = performance.now();
  const p = prepareCsv(sampled);
  const seconds = (performance.now() - t) / 1000;
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss, process.resourceUsage().maxRSS * 1024);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  process.stdout.write(
    `${JSON.stringify({ rows: p.rows, features: p.cols, matrixBytes: p.X.byteLength + (p.y?.byteLength ?? 0), peakRss, peakHeap, seconds })}\n`,
  );
}

/** Peak RSS of an idle node started the way the memory children are (bundled: plain node). */
function idleRss(): number {
  const out = execFileSync(process.execPath, [...process.execArgv.filter((a) => a !== '--trace-protector-invalidation'), '-e', 'process.stdout.write(String(process.resourceUsage().maxRSS*1024))']);
  return Number(out.toString());
}

async function memory(path: string, rows: number, idle: number): Promise<MemoryRow> {
  type Out = { rows: number; features: number; matrixBytes: number; peakRss: number; peakHeap: number; seconds: number };
  const j = (await runChild<Out>('csv', ['--memory-child', path, String(rows)], { label: `csv prepare ${rows.toLocaleString('en')} rows`, measuresDensely: true, echoStderr: true })).json;
  return {
    table: 'memory',
    rows: j.rows,
    features: j.features,
    matrixBytes: j.matrixBytes,
    peakRssBytes: j.peakRss,
    peakHeapBytes: j.peakHeap,
    rssOverMatrix: (j.peakRss - idle) / j.matrixBytes,
    seconds: j.seconds,
  };
}

/** Runs the CSV benchmarks; `big: false` skips the generated 2M-row file and the memory table. */
export async function benchCsv(opts: { big?: boolean } = {}): Promise<CsvBenchRow[]> {
  const big = opts.big ?? true;
  const out: CsvBenchRow[] = [];
  out.push(await speed('bank-full.csv (45,211 × 17)', BANK, ';'));
  if (big) {
    const path = bigCsvPath();
    out.push(await speed('generated (2,000,000 × 20)', path, ','));
    const idle = idleRss();
    for (const rows of [10_000, 100_000, 1_000_000, BIG_ROWS]) out.push(await memory(path, rows, idle));
  }
  return out;
}

const mbs = (x: number): string => x.toFixed(1);
const MiB = (b: number): string => (b / 2 ** 20).toFixed(1);

export function csvMarkdown(rows: CsvBenchRow[]): string {
  const lines: string[] = [];
  lines.push('| file | MB | densely parseCsv MB/s (best) | densely streaming MB/s | papaparse MB/s (best) | densely / papaparse |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    if (r.table === 'speed') {
      lines.push(
        `| ${r.file} | ${r.mb.toFixed(1)} | ${mbs(r.denselyMBs)} ±${r.denselyRme.toFixed(0)}% (${mbs(r.denselyBestMBs)}) | ${mbs(r.denselyStreamMBs)} | ` +
          `${mbs(r.papaMBs)} ±${r.papaRme.toFixed(0)}% (${mbs(r.papaBestMBs)}) | ${r.ratio.toFixed(2)}× |`,
      );
    }
  }
  const mem = rows.filter((r): r is MemoryRow => r.table === 'memory');
  if (mem.length > 0) {
    lines.push('');
    lines.push('| rows | features | X + y (MiB) | peak RSS (MiB) | peak heap (MiB) | (peak RSS − idle) / matrix | prepare s |');
    lines.push('|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of mem) {
      lines.push(
        `| ${r.rows.toLocaleString('en')} | ${r.features} | ${MiB(r.matrixBytes)} | ${MiB(r.peakRssBytes)} | ${MiB(r.peakHeapBytes)} | ${r.rssOverMatrix.toFixed(2)} | ${r.seconds.toFixed(1)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The report's section (quick: the bank file only). */
export async function csvSection(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const rows = await benchCsv({ big: !opts.quick });
  const intro =
    'densely `parseCsv` (rows kept) and `forEachCsvRow` (streaming, rows not kept) vs `Papa.parse`, each given the whole text as one string; ' +
    'benchmark.js mean rate ± margin of error (fastest sample in brackets); MB = characters ÷ 1e6 (ASCII). Each contender runs in its own process. Then densely\'s full `prepareCsv` (scan, fit, transform, 1 MB chunks) on the first ' +
    'N rows of the generated file, one process per size: peak memory against the float32 matrix it returns.';
  return { title: 'CSV parsing and preparation', markdown: `${intro}\n\n${csvMarkdown(rows)}` };
}

if (isMain('csv')) {
  const args = process.argv.slice(2);
  if (args[0] === '--memory-child') {
    memoryChild(args[1], Number(args[2]));
  } else if (args[0] === '--speed-child') {
    const text = readText(args[1]);
    const m = suite(basename(args[1]), text, args[2], [args[3] as Contender], text.length > 50e6);
    process.stdout.write(`${JSON.stringify(m[args[3]])}\n`);
  } else if (args.includes('--section')) {
    await sectionMain('csv', csvSection);
  } else {
    const rows = await benchCsv({ big: !args.includes('--small') });
    console.log(csvMarkdown(rows));
  }
}
