/**
 * One serving process: the model (loaded and watched), the HTTP server on it, and a graceful
 * stop. `densely serve --workers 1` is one of these; with more workers, each worker is one
 * (cluster.ts). Also the API: `startServer({ model: 'm.json' })` from 'densely/node'.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics, type MetricsSnapshot } from './metrics.js';
import { ModelHolder } from './model-holder.js';
import { createScoringServer } from './server.js';

export interface ServeOptions {
  /** The model file (saved by `densely train --save` or `model.save`). */
  model: string;
  /** The model's name in URLs (default 'model'). */
  name?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8501, as TF Serving's REST port; 0 picks a free one. */
  port?: number;
  /** Largest `:predict` body in bytes (default 10 MB). */
  maxBody?: number;
  /** Deadline for a request body and for an idle connection, in ms (default 30 s). */
  timeoutMs?: number;
  /** Watch the model file and swap in a new version when it is replaced (default true). */
  watch?: boolean;
  /** Where log lines go (default stdout for info, stderr for errors). */
  log?: { info(line: string): void; error(line: string): void };
  /** The whole server's counters, when this process is one of several workers. */
  snapshot?: () => Promise<MetricsSnapshot>;
}

export interface RunningServer {
  server: Server;
  holder: ModelHolder;
  metrics: Metrics;
  /** The address it listens on, e.g. http://127.0.0.1:8501. */
  url: string;
  port: number;
  /** Stops accepting connections, lets the requests in flight finish, then resolves. */
  close(): Promise<void>;
}

export const DEFAULTS = { name: 'model', host: '127.0.0.1', port: 8501, maxBody: 10 * 1024 * 1024, timeoutMs: 30_000 };

/**
 * Loads the model (throwing, with the path, if it cannot be served) and listens.
 * @example
 * const s = await startServer({ model: 'model.json', name: 'marketing', port: 0 });
 * await fetch(`${s.url}/v1/models/marketing:predict`, { method: 'POST', body: JSON.stringify({ instances }) });
 * await s.close();
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const o = { ...DEFAULTS, ...options };
  const log = options.log ?? { info: (l: string) => process.stdout.write(`${l}\n`), error: (l: string) => process.stderr.write(`${l}\n`) };
  const metrics = new Metrics();
  const holder = new ModelHolder(o.model, log, metrics);
  const server = createScoringServer(holder, metrics, { name: o.name, maxBody: o.maxBody, timeoutMs: o.timeoutMs, logError: log.error, snapshot: options.snapshot });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    holder.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `${o.host}:${o.port} is already in use (choose another --port)` : `cannot listen on ${o.host}:${o.port}: ${(e as Error).message}`);
  }
  if (o.watch !== false) holder.watch();
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      holder.close();
      // requests in flight finish; connections idle now, or idle once their request is answered, close
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const cut = setTimeout(() => server.closeAllConnections(), o.timeoutMs);
      cut.unref();
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    }));
  return { server, holder, metrics, url: `http://${host}:${port}`, port, close };
}
