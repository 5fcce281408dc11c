/**
 * `densely serve`: a scoring server for one model file, speaking TensorFlow Serving's REST API
 * (src/serve/server.ts). One process with `--workers 1`; with more, node:cluster workers on one
 * port (src/serve/cluster.ts). It runs until SIGTERM or SIGINT, then finishes the requests in
 * flight and exits 0; SIGHUP, or replacing the model file, loads a new version.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { isServeWorker, runPrimary, runWorker } from '../serve/cluster.js';
import { loadServedModel } from '../serve/served-model.js';
import { DEFAULTS, startServer, type ServeOptions } from '../serve/start.js';
import { commandOptions, type Spec, UsageError } from './args.js';
import type { Io } from './io.js';

export const SERVE_SPEC: Spec = {
  model: { type: 'string', help: 'the model file to serve (densely train --save, or model.save)' },
  name: { type: 'string', help: "the model's name in URLs: /v1/models/NAME:predict", default: "the file's name without .json" },
  host: { type: 'string', help: 'the address to listen on', default: DEFAULTS.host },
  port: { type: 'int', help: "the port (TF Serving's REST port is 8501; 0 picks a free one)", default: DEFAULTS.port, min: 0, max: 65535 },
  workers: { type: 'string', help: "serving processes: a count, or 'auto' for one per core", default: 'auto' },
  'max-body': { type: 'int', help: 'largest :predict body in bytes (413 beyond); :score bodies are spooled, not limited', default: DEFAULTS.maxBody, min: 1 },
  timeout: { type: 'number', help: 'seconds a request body may take to arrive, and a connection may idle', default: DEFAULTS.timeoutMs / 1000, min: 0.001 },
  help: { type: 'boolean', help: 'show this help' },
};

export const SERVE_USAGE = 'densely serve --model model.json [--name marketing] [--host 127.0.0.1] [--port 8501] [--workers auto|N]';

/** The most workers `auto` starts, however many cores there are. */
const MAX_AUTO_WORKERS = 8;

export function serve(argv: string[], io: Io): number {
  const o = commandOptions('serve', argv, SERVE_SPEC, SERVE_USAGE, ['model'], io.out);
  if (o === null) return 0;
  const model = o.model as string;
  const raw = String(o.workers ?? 'auto');
  const workers = raw === 'auto' ? Math.min(availableParallelism(), MAX_AUTO_WORKERS) : Number(raw);
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 64)) throw new UsageError(`serve: --workers must be 'auto' or a whole number from 1 to 64, got '${raw}'`);
  const options: ServeOptions = {
    model,
    name: (o.name as string | undefined) ?? basename(model).replace(/\.json$/i, ''),
    host: (o.host as string | undefined) ?? DEFAULTS.host,
    port: (o.port as number | undefined) ?? DEFAULTS.port,
    maxBody: (o.maxBody as number | undefined) ?? DEFAULTS.maxBody,
    timeoutMs: Math.round(((o.timeout as number | undefined) ?? DEFAULTS.timeoutMs / 1000) * 1000),
  };
  const log = { info: io.out, error: io.err };
  const exit = (code: number) => process.exit(code);
  const fatal = (e: unknown) => {
    io.err(`densely serve: ${(e as Error).message}`);
    process.exit(1);
  };
  if (isServeWorker()) {
    runWorker(options, log, exit).catch(fatal);
    return 0;
  }
  if (workers > 1) {
    runPrimary(options, workers, log, exit); // checks the model file first: a bad one throws here
    return 0;
  }
  loadServedModel(model); // a bad file is an error now, with exit 1, before anything listens
  startServer({ ...options, log })
    .then((s) => {
      io.out(`densely serve: serving '${options.name}' version ${s.holder.current.version} at ${s.url} (pid ${process.pid})`);
      const stop = () => void s.close().then(() => exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      process.on('SIGHUP', () => s.holder.reload('SIGHUP'));
    })
    .catch(fatal);
  return 0;
}
