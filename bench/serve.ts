/**
 * `densely serve` under load, side by side with the usual Python stack (FastAPI + uvicorn +
 * PyTorch, bench/peers/fastapi_server.py) serving the same model file: requests/s, rows/s, p50
 * and p99 latency, errors and the server's peak RSS (all its processes added up), at concurrency
 * 1, 16 and 64, for single-row and 1,000-row `:predict` requests of raw bank rows. Then a longer
 * run at concurrency 16 with the model file replaced halfway: RSS over time, errors, and the
 * version before and after.
 *
 * The load generator is autocannon, in this process, on 127.0.0.1 only; every run is bounded in
 * time. Client and server share the machine's cores, for both systems alike.
 *
 *   node bench/build.mjs && node tmp/bench/serve.mjs [--quick]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { main } from '../src/cli/main.js';
import { writeFileAtomic } from '../src/node/files.js';
import { benchEntry, defaultOptions, mdTable, num, ratio, ROOT, sectionMain, type BenchOptions, type Goal, type Section } from './harness.js';

const PYTHON = '/usr/bin/python3';

interface Load {
  rps: number;
  rowsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  peakRssMB: number;
  peakPssMB: number;
}

/** The bank CSV's rows as JSON instances, values typed as a CRM would send them. */
function bankInstances(n: number): Record<string, string | number>[] {
  const lines = gunzipSync(readFileSync(join(ROOT, 'data', 'bank-full.csv.gz'))).toString('utf8').split('\n').filter((l) => l.length > 0);
  const names = lines[0].split(';').map((h) => h.replace(/"/g, ''));
  const out: Record<string, string | number>[] = [];
  for (let i = 1; out.length < n; i++) {
    const cells = lines[1 + ((i - 1) % (lines.length - 1))].split(';');
    const o: Record<string, string | number> = {};
    names.forEach((name, k) => {
      if (name === 'y') return;
      o[name] = cells[k].startsWith('"') ? cells[k].slice(1, -1) : Number(cells[k]);
    });
    out.push(o);
  }
  return out;
}

/**
 * Memory of a process and all its descendants, in MB (Linux /proc): RSS added up, which counts
 * the pages the processes share (the node or python binary, ~40 MB each) once per process, and
 * PSS added up, which splits each shared page among its sharers: the memory the server really holds.
 */
function treeMemoryMB(pid: number): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  const visit = (p: number) => {
    try {
      const text = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) visit(Number(k));
      }
    } catch {
      // the process is gone
    }
  };
  visit(pid);
  return { rss: rss / 1024, pss: pss / 1024 };
}

/** Starts a server process; resolves once `ready` answers 200. */
async function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, readyUrl: string, cwd?: string): Promise<ChildProcess> {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], cwd });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited ${child.exitCode}: ${err}`);
    try {
      const r = await fetch(readyUrl);
      if (r.ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${cmd} did not start within 60 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

/** One autocannon run against `url`, sampling the server tree's RSS meanwhile. */
async function load(url: string, body: string, rowsPerRequest: number, connections: number, seconds: number, pid: number): Promise<Load> {
  const peak = { rss: 0, pss: 0 };
  const sample = () => {
    const m = treeMemoryMB(pid);
    peak.rss = Math.max(peak.rss, m.rss);
    peak.pss = Math.max(peak.pss, m.pss);
  };
  sample();
  const sampler = setInterval(sample, 250);
  try {
    const r = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections, duration: seconds, timeout: 10 });
    return {
      rps: r.requests.average,
      rowsPerSecond: r.requests.average * rowsPerRequest,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors + r.non2xx,
      requests: r.requests.total,
      ...(sample(), { peakRssMB: peak.rss, peakPssMB: peak.pss }),
    };
  } finally {
    clearInterval(sampler);
  }
}

function torchStackPresent(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import torch, fastapi, uvicorn'], { stdio: 'ignore' }).status === 0;
}

export async function benchServe(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const dir = join(tmpdir(), 'densely-bench-serve');
  mkdirSync(dir, { recursive: true });
  const model = join(dir, 'bank-serve-model.json');
  const other = join(dir, 'bank-serve-model-2.json');
  for (const [path, seed] of [[model, '42'], [other, '7']] as const) {
    if (existsSync(path)) continue;
    opts.log(`serve: training a CSV model (1 epoch on bank-full.csv.gz, seed ${seed})…`);
    const code = main(['train', '--data', join(ROOT, 'data', 'bank-full.csv.gz'), '--epochs', '1', '--seed', seed, '--save', path, '--json'], { out: () => {}, err: () => {} });
    if (code !== 0) throw new Error('serve: could not train the model');
  }
  const served = join(dir, 'served.json');
  copyFileSync(model, served);
  const instances = bankInstances(1000);
  const columns: Record<string, (string | number)[]> = {};
  for (const k of Object.keys(instances[0])) columns[k] = instances.map((i) => i[k]);
  const bodies = [
    { rows: 1, format: 'row', body: JSON.stringify({ instances: instances.slice(0, 1) }) },
    { rows: 1000, format: 'row', body: JSON.stringify({ instances }) },
    { rows: 1000, format: 'columnar', body: JSON.stringify({ inputs: columns }) },
  ];
  const seconds = opts.quick ? 2 : 5;
  const concurrencies = [1, 16, 64];

  const systems: { name: string; start: () => Promise<ChildProcess>; url: string; columnar: boolean }[] = [
    {
      name: 'densely serve (2 workers)',
      url: 'http://127.0.0.1:18501/v1/models/marketing:predict',
      columnar: true,
      start: () => startProcess(process.execPath, [...benchEntry('peers/densely-serve'), '--model', served, '--name', 'marketing', '--port', '18501', '--workers', '2'], {}, 'http://127.0.0.1:18501/healthz'),
    },
  ];
  let peerNote = '';
  if (torchStackPresent()) {
    systems.push({
      name: 'FastAPI + uvicorn + PyTorch (2 workers)',
      url: 'http://127.0.0.1:18601/v1/models/marketing:predict',
      columnar: false,
      start: () =>
        startProcess(PYTHON, ['-m', 'uvicorn', 'fastapi_server:app', '--workers', '2', '--host', '127.0.0.1', '--port', '18601', '--log-level', 'warning'], { DENSELY_MODEL: served, DENSELY_NAME: 'marketing' }, 'http://127.0.0.1:18601/healthz', join(ROOT, 'bench', 'peers')),
    });
  } else peerNote = 'The FastAPI + uvicorn + PyTorch peer was skipped: /usr/bin/python3 with torch, fastapi and uvicorn was not found (Debian: apt-get install python3-torch python3-fastapi python3-uvicorn).';

  const results = new Map<string, Load>();
  for (const sys of systems) {
    opts.log(`serve: starting ${sys.name}…`);
    const child = await sys.start();
    try {
      for (const b of bodies) {
        for (const c of concurrencies) {
          if (b.format === 'columnar' && !sys.columnar) continue;
          opts.log(`serve: ${sys.name}, ${b.rows}-row ${b.format} requests, concurrency ${c}, ${seconds} s…`);
          results.set(`${sys.name} ${b.format} ${b.rows} ${c}`, await load(sys.url, b.body, b.rows, c, seconds, child.pid!));
        }
      }
    } finally {
      await stopProcess(child);
    }
  }

  const rows: (string | number)[][] = [];
  const densely = systems[0].name;
  const peer = systems[1]?.name;
  for (const b of bodies) {
    for (const c of concurrencies) {
      for (const sys of systems) {
        const r = results.get(`${sys.name} ${b.format} ${b.rows} ${c}`);
        if (!r) continue;
        const p = peer ? results.get(`${peer} ${b.format} ${b.rows} ${c}`) : undefined;
        rows.push([sys.name, `${num(b.rows)} ${b.format}`, c, num(r.rps), num(r.rowsPerSecond), num(r.p50, 1), num(r.p99, 1), num(r.errors), num(r.peakRssMB), num(r.peakPssMB), sys.name === densely && p ? ratio(r.rps / p.rps) : '']);
      }
    }
  }

  // the long run: RSS over time, and the model file replaced halfway through, under load
  const longSeconds = opts.quick ? 10 : 60;
  opts.log(`serve: densely, ${longSeconds} s at concurrency 16, model file replaced at ${longSeconds / 2} s…`);
  copyFileSync(model, served);
  const child = await systems[0].start();
  const swap = { before: '', after: '' };
  const rssTimeline: [number, number][] = []; // (seconds, PSS MB)
  let long: Load;
  try {
    const version = async () => (await fetch('http://127.0.0.1:18501/v1/models/marketing')).headers.get('x-model-version') ?? '';
    swap.before = await version();
    const t0 = Date.now();
    const sampler = setInterval(() => rssTimeline.push([(Date.now() - t0) / 1000, treeMemoryMB(child.pid!).pss]), 1000);
    const swapper = setTimeout(() => writeFileAtomic(served, readFileSync(other)), (longSeconds / 2) * 1000);
    try {
      long = await load(systems[0].url, bodies[0].body, 1, 16, longSeconds, child.pid!);
    } finally {
      clearInterval(sampler);
      clearTimeout(swapper);
    }
    swap.after = await version();
  } finally {
    await stopProcess(child);
  }
  const at = (s: number) => rssTimeline.reduce((best, p) => (Math.abs(p[0] - s) < Math.abs(best[0] - s) ? p : best), rssTimeline[0] ?? [0, NaN])[1];

  const single16 = results.get(`${densely} row 1 16`)!;
  const best1000 = Math.max(...[...results.entries()].filter(([k]) => k.startsWith(`${densely} `) && / 1000 /.test(k)).map(([, r]) => r.rowsPerSecond));
  const peer16 = peer ? results.get(`${peer} row 1 16`) : undefined;
  const mine = [...results.entries()].filter(([k]) => k.startsWith(`${densely} `)).map(([, r]) => r);
  const maxPss = Math.max(long!.peakPssMB, ...mine.map((r) => r.peakPssMB));
  const maxRss = Math.max(long!.peakRssMB, ...mine.map((r) => r.peakRssMB));
  const goals: Goal[] = [
    { goal: 'serve: single-row requests at concurrency 16', target: '≥ 5,000 req/s, p99 ≤ 10 ms, 0 errors', measured: `${num(single16.rps)} req/s, p99 ${num(single16.p99, 1)} ms, ${single16.errors} errors`, met: single16.rps >= 5000 && single16.p99 <= 10 && single16.errors === 0 },
    { goal: 'serve: vs FastAPI + PyTorch, single-row at concurrency 16', target: '≥ 5×', measured: peer16 ? ratio(single16.rps / peer16.rps) : 'peer skipped', met: peer16 ? single16.rps / peer16.rps >= 5 : null },
    { goal: 'serve: 1,000-row requests (best format and concurrency)', target: '≥ 1,000,000 rows/s', measured: `${num(best1000)} rows/s`, met: best1000 >= 1e6 },
    { goal: 'serve: server memory under load (3 processes)', target: '≤ 150 MB', measured: `PSS ${num(maxPss)} MB (RSS summed, shared pages counted thrice: ${num(maxRss)} MB)`, met: maxPss <= 150 },
    { goal: 'serve: model file swapped under load', target: '0 errors, version changes', measured: `${long!.errors} errors, ${swap.before} → ${swap.after}`, met: long!.errors === 0 && swap.before !== swap.after && swap.after !== '' },
  ];
  const markdown = [
    `\`POST /v1/models/marketing:predict\` with raw bank rows as JSON instances (16 columns, a CSV preparation: standardized numbers, one-hot categories), the same model file for both servers, each with 2 worker processes on this 2-core machine; autocannon in the bench process shares the cores. ${seconds} s per row; latencies in ms; memory is the server's processes added up (primary and workers), sampled every 250 ms: RSS counts the pages they share (the runtime's binary, ~40 MB) once per process, PSS splits them, so PSS is the memory the server holds. The columnar rows send the same 1,000 rows as \`{"inputs": {column: [values]}}\` (densely only; the peer implements the row format). ${peerNote}`,
    '',
    mdTable(['server', 'rows/request', 'concurrency', 'req/s', 'rows/s', 'p50 ms', 'p99 ms', 'errors', 'peak RSS MB', 'peak PSS MB', 'densely ÷ peer'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
    '',
    `**${longSeconds} s at concurrency 16, single rows, model file replaced at ${longSeconds / 2} s** (densely): ${num(long!.rps)} req/s, p99 ${num(long!.p99, 1)} ms, ${num(long!.requests)} requests, ${long!.errors} errors; version ${swap.before} → ${swap.after}; PSS ${num(at(5))} MB at 5 s, ${num(at(longSeconds / 2))} MB at ${longSeconds / 2} s, ${num(at(longSeconds))} MB at ${longSeconds} s (peak PSS ${num(long!.peakPssMB)} MB, RSS ${num(long!.peakRssMB)} MB).`,
  ].join('\n');
  return { title: 'Serving (densely serve vs FastAPI + PyTorch)', markdown, goals };
}

await sectionMain('serve', benchServe);
