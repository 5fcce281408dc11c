/**
 * Scoring a customer file with `densely predict`: rows/s and the process's peak RSS at 100k and
 * 1M rows of the bank CSV (its rows repeated, each with a customer ID), for the whole scored list
 * and for `--top 5% --id`. Scoring streams in blocks, so peak RSS should barely grow with the
 * rows. Each run is its own process (bench/peers/densely-score.ts, measured with the harness's
 * RSS preload); the model is the CLI's, trained for one epoch on bank-full.csv.gz here first.
 *
 *   node bench/build.mjs && node tmp/bench/scoring.mjs [--quick]
 */
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { defaultOptions, mdTable, num, ratio, ROOT, runChild, sectionMain, type BenchOptions, type Section } from './harness.js';
import type { ScoreRow } from './peers/densely-score.js';

/**
 * The bank CSV's rows, repeated to `rows`, with a leading customer_id column (UUID-like, 36
 * characters: long IDs are the case where kept text can pin parse buffers); written once.
 */
async function customerFile(dir: string, rows: number): Promise<string> {
  const path = join(dir, `customers-uuid-${rows}.csv`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  const lines = gunzipSync(readFileSync(join(ROOT, 'data', 'bank-full.csv.gz'))).toString('utf8').split('\n').filter((l) => l.length > 0);
  const [header, ...body] = lines;
  const out = createWriteStream(`${path}.tmp`);
  const write = (s: string) => new Promise<void>((resolve) => (out.write(s) ? resolve() : out.once('drain', resolve)));
  await write(`"customer_id";${header}\n`);
  for (let i = 0; i < rows; ) {
    let chunk = '';
    for (let k = 0; k < 10000 && i < rows; k++, i++) chunk += `${uuidLike(i)};${body[i % body.length]}\n`;
    await write(chunk);
  }
  await new Promise<void>((resolve) => out.end(resolve));
  const { renameSync } = await import('node:fs');
  renameSync(`${path}.tmp`, path);
  return path;
}

/** A deterministic 36-character ID in the shape of a UUID. */
function uuidLike(i: number): string {
  const h = (i * 2654435761) >>> 0;
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0').slice(-w);
  return `${hex(h, 8)}-${hex(i >>> 16, 4)}-4${hex(i, 3)}-8${hex(h >>> 4, 3)}-${hex(i, 12)}`;
}

export async function benchScoring(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const dir = join(tmpdir(), 'densely-bench-scoring');
  mkdirSync(dir, { recursive: true });
  const model = join(dir, 'bank-csv-model.json');
  if (!existsSync(model)) {
    opts.log('scoring: training the CSV model (1 epoch on bank-full.csv.gz)…');
    const code = main(['train', '--data', join(ROOT, 'data', 'bank-full.csv.gz'), '--drop', 'duration', '--epochs', '1', '--save', model, '--json'], { out: () => {}, err: () => {} });
    if (code !== 0) throw new Error('scoring: could not train the model');
  }
  const sizes = opts.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const modes: { name: string; args: string[] }[] = [
    { name: 'whole list', args: [] },
    { name: '--top 5% --id', args: ['--top', '5%', '--id', 'customer_id'] },
  ];
  const rows: (string | number)[][] = [];
  const rss = new Map<string, number>();
  for (const n of sizes) {
    opts.log(`scoring: writing ${num(n)} customer rows…`);
    const data = await customerFile(dir, n);
    for (const m of modes) {
      opts.log(`scoring: ${num(n)} rows, ${m.name} (own process)…`);
      const out = join(dir, 'scores.csv');
      const { json } = await runChild<ScoreRow>('peers/densely-score', ['--model', model, '--data', data, '--out', out, ...m.args], { measureRss: true, measuresDensely: true, label: `scoring ${n} ${m.name}` });
      rmSync(out, { force: true });
      rss.set(`${n} ${m.name}`, json.peakRssMB ?? NaN);
      const base = rss.get(`${sizes[0]} ${m.name}`) ?? NaN;
      rows.push([num(n), m.name, num(json.seconds, 2), num(json.rowsPerSecond), num(json.peakRssMB, 0), n === sizes[0] ? '1.00×' : ratio((json.peakRssMB ?? NaN) / base)]);
    }
  }
  const markdown = [
    `\`densely predict --data customers.csv --out scores.csv\` (default batch size) on the bank CSV's rows repeated with a 36-character customer ID (18 columns, ';'), the CLI's model; each run in its own process. "RSS ÷ first" compares the peak RSS with the smallest size's, for the same options: near 1× means scoring memory does not grow with the rows.`,
    '',
    mdTable(['rows', 'options', 'seconds', 'rows/s', 'peak RSS MB', 'RSS ÷ first'], rows, ['r', 'l', 'r', 'r', 'r', 'r']),
  ].join('\n');
  return { title: 'Scoring a customer file (densely predict)', markdown, goals: [] };
}

await sectionMain('scoring', benchScoring);
