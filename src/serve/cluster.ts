/**
 * `densely serve --workers N`: N serving processes on one port through node:cluster, so the
 * machine's cores share the requests. The primary only supervises:
 *
 * - it checks the model file before forking (a bad file is one clear error, not N),
 * - it restarts a worker that dies (at most a few times a minute, so a crash loop stops),
 * - it passes SIGHUP on as a reload, and SIGTERM / SIGINT as a graceful stop: every worker stops
 *   accepting, finishes its requests in flight and exits; then the primary exits 0,
 * - it adds up the workers' counters for /metrics, so one scrape sees the whole server.
 *
 * Each worker is a {@link startServer} process; the model file is watched by each, so they swap
 * versions on their own, within a moment of each other (every response says which one it used).
 */
import cluster, { type Worker } from 'node:cluster';
import { mergeSnapshots, type MetricsSnapshot } from './metrics.js';
import { loadServedModel } from './served-model.js';
import { startServer, type ServeOptions } from './start.js';

type Log = { info(line: string): void; error(line: string): void };
type Message =
  | { densely: 'reload' }
  | { densely: 'shutdown' }
  | { densely: 'collect'; id: number }
  | { densely: 'snapshot'; id: number; snapshot: MetricsSnapshot }
  | { densely: 'metrics?'; id: number }
  | { densely: 'metrics'; id: number; snapshot: MetricsSnapshot }
  | { densely: 'ready'; url: string; version: string };

/**
 * The workers' young generation, in MB per semi-space. V8 grows it to 16 MB under the garbage
 * that parsing large JSON bodies makes; capped at 4, two workers held 112 MB (PSS, all processes)
 * instead of 172 MB under 1,000-row requests at concurrency 16, at no cost in requests/s that a
 * noisy 5-second run could show. A --max-semi-space-size the user passes wins.
 */
const WORKER_SEMI_SPACE_MB = 4;

/** Restarts allowed per minute before the primary gives up on a crashing worker. */
const MAX_RESTARTS_PER_MINUTE = 5;
/** How long the primary waits for the workers' counters. */
const COLLECT_MS = 1000;

/** Whether this process is a worker forked by {@link runPrimary}. */
export function isServeWorker(): boolean {
  return cluster.isWorker && process.env.DENSELY_SERVE_WORKER === '1';
}

/**
 * The primary: checks the model, forks `workers` workers that run this same command, supervises
 * them; logs one line once every worker listens. `onExit` gets the exit code when the server stops.
 */
export function runPrimary(o: ServeOptions, workers: number, log: Log, onExit: (code: number) => void): void {
  const first = loadServedModel(o.model); // throws, naming the file, before anything is forked
  let stopping = false;
  let ready = 0;
  let started = false;
  let restarts: number[] = [];
  const pending = new Map<number, { want: number; parts: MetricsSnapshot[]; from: Worker; requestId: number; timer: NodeJS.Timeout }>();
  let nextId = 1;

  const fork = () => {
    const w = cluster.fork({ DENSELY_SERVE_WORKER: '1' });
    w.on('message', (m: Message) => onMessage(w, m));
    return w;
  };
  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  const answer = (id: number) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    if (p.from.isConnected()) p.from.send({ densely: 'metrics', id: p.requestId, snapshot: mergeSnapshots(p.parts) } satisfies Message);
  };
  const onMessage = (w: Worker, m: Message) => {
    if (m?.densely === 'ready') {
      if (++ready === workers && !started) {
        started = true;
        log.info(`densely serve: serving '${o.name}' version ${first.version} at ${m.url} with ${workers} workers (pid ${process.pid})`);
      } else if (started) log.info(`densely serve: worker ${w.process.pid} is serving again (version ${m.version})`);
    } else if (m?.densely === 'metrics?') {
      const targets = alive();
      const id = nextId++;
      // (the answer carries the requester's own id back)
      pending.set(id, { want: targets.length, parts: [], from: w, requestId: m.id, timer: setTimeout(() => answer(id), COLLECT_MS) });
      for (const t of targets) t.send({ densely: 'collect', id } satisfies Message);
    } else if (m?.densely === 'snapshot') {
      const p = pending.get(m.id);
      if (!p) return;
      p.parts.push(m.snapshot);
      if (p.parts.length === p.want) answer(m.id);
    }
  };
  cluster.on('exit', (w, code, signal) => {
    if (stopping) {
      if (alive().length === 0) onExit(0);
      return;
    }
    log.error(`densely serve: worker ${w.process.pid} died (${signal ?? `exit ${code}`})`);
    const now = Date.now();
    restarts = restarts.filter((t) => now - t < 60_000);
    if (restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      log.error(`densely serve: ${restarts.length} workers died within a minute; stopping`);
      stop();
      return;
    }
    restarts.push(now);
    ready--;
    fork();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const live = alive();
    if (live.length === 0) return onExit(0);
    for (const w of live) if (w.isConnected()) w.send({ densely: 'shutdown' } satisfies Message);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {
    for (const w of alive()) if (w.isConnected()) w.send({ densely: 'reload' } satisfies Message);
  });
  const userSet = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size'));
  cluster.setupPrimary({ execArgv: userSet ? process.execArgv : [...process.execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`] });
  for (let i = 0; i < workers; i++) fork();
}

/** A worker: one serving process that answers the primary's messages. */
export async function runWorker(o: ServeOptions, log: Log, onExit: (code: number) => void): Promise<void> {
  const waiting = new Map<number, (s: MetricsSnapshot) => void>();
  let nextId = 1;
  const snapshot = () =>
    new Promise<MetricsSnapshot>((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(running.metrics.snapshot()); // the primary did not answer: this process's counters
      }, COLLECT_MS * 2);
      waiting.set(id, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      process.send!({ densely: 'metrics?', id } satisfies Message);
    });
  const running = await startServer({ ...o, snapshot, log });
  const stop = () => running.close().then(() => onExit(0));
  process.on('message', (m: Message) => {
    if (m?.densely === 'reload') running.holder.reload('SIGHUP');
    else if (m?.densely === 'shutdown') void stop();
    else if (m?.densely === 'collect') process.send!({ densely: 'snapshot', id: m.id, snapshot: running.metrics.snapshot() } satisfies Message);
    else if (m?.densely === 'metrics') waiting.get(m.id)?.(m.snapshot);
  });
  // a terminal's Ctrl-C reaches every process of the group: the primary coordinates the stop
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => void stop());
  process.send!({ densely: 'ready', url: running.url, version: running.holder.current.version } satisfies Message);
}
