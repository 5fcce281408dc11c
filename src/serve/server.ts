/**
 * The scoring server's HTTP side, on node:http alone: TensorFlow Serving's REST API for one model,
 * plus densely's `:score` (CSV in, scored CSV out), health and Prometheus metrics.
 *
 *   GET  /v1/models/NAME[/versions/V]             the model's status (TF Serving's GetModelStatus)
 *   GET  /v1/models/NAME[/versions/V]/metadata    its inputs, output, preparation and provenance
 *   POST /v1/models/NAME[/versions/V]:predict     {"instances": [...]} or {"inputs": ...} (instances.ts)
 *   POST /v1/models/NAME[/versions/V]:score       text/csv rows → text/csv scores; ?id=COL&top=10%&threshold=0.5
 *   GET  /healthz                                 200 while a model is loaded
 *   GET  /metrics                                 Prometheus text (metrics.ts)
 *
 * Every refusal is a 4xx with `{"error": "..."}`; anything unexpected is a 500 for that request
 * alone, logged, never a crash. Bodies past `maxBody` are refused (413) from their length header or
 * as soon as they pass it, without being read whole; a body slower than `timeoutMs` is cut off
 * (408), as is a connection idle that long. `:score` bodies are not limited in size: they are
 * spooled to a temporary file and scored block by block, so memory stays bounded.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseTop, type TopSpec } from '../io/scored-list.js';
import { fileChunks } from '../node/chunks.js';
import { openAtomicWriter } from '../node/files.js';
import { scoreCsvToList } from '../node/score-file.js';
import { float32Text } from '../tensor/float32-text.js';
import { requestFeatures } from './instances.js';
import { prometheusText, type Metrics, type MetricsSnapshot } from './metrics.js';
import type { ModelHolder } from './model-holder.js';
import { describe } from '../errors.js';
import { ClientGone, RequestError } from './request-error.js';
import { SERVE_BATCH_ROWS, type ServedModel } from './served-model.js';

export interface ServerOptions {
  /** The model's name in the URL (`/v1/models/NAME`). */
  name: string;
  /** Largest request body, in bytes, except for `:score` (default 10 MB). */
  maxBody: number;
  /** A request body must arrive within this, and a connection may idle no longer (ms). */
  timeoutMs: number;
  /** Logs one line about an unexpected failure. */
  logError(line: string): void;
  /** The counters to report at /metrics: this process's, or (workers) the whole server's. */
  snapshot?: () => Promise<MetricsSnapshot>;
}

const ROUTE = /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+))?(\/metadata)?(?::([a-z]+))?$/;

/**
 * A server answering for the model in `holder`. Listen on it with `server.listen(port, host)`.
 * @example
 * createScoringServer(holder, metrics, { name: 'marketing', maxBody: 10e6, timeoutMs: 30000, logError: console.error }).listen(8501, '127.0.0.1');
 */
export function createScoringServer(holder: ModelHolder, metrics: Metrics, o: ServerOptions): Server {
  const server = createServer((req, res) => {
    const start = process.hrtime.bigint();
    let route = 'other';
    res.on('finish', () => metrics.observe(route, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9));
    const fail = (e: unknown) => {
      if (e instanceof ClientGone) return;
      if (e instanceof RequestError) return sendError(res, e.status, e.message);
      o.logError(`densely serve: ${req.method} ${describe(req.url)}: ${(e as Error)?.stack ?? String(e)}`);
      sendError(res, 500, `internal error: ${(e as Error)?.message ?? String(e)}`);
    };
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
      if (path === '/healthz') {
        route = 'healthz';
        requireMethod(req, 'GET');
        return send(res, 200, 'text/plain; charset=utf-8', `ok ${holder.current.version}\n`, holder.current.version);
      }
      if (path === '/metrics') {
        route = 'metrics';
        requireMethod(req, 'GET');
        const snap = o.snapshot ? o.snapshot() : Promise.resolve(metrics.snapshot());
        snap.then((s) => send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', prometheusText(s, o.name), holder.current.version)).catch(fail);
        return;
      }
      const m = ROUTE.exec(path);
      if (!m) throw new RequestError(404, `no such endpoint: ${describe(path)} (see /v1/models/${o.name}, /v1/models/${o.name}:predict, /healthz, /metrics)`);
      const [, name, version, metadata, verb] = m;
      const served = holder.current;
      if (safeDecode(name) !== o.name) throw new RequestError(404, `no model named ${describe(safeDecode(name))} here (this server serves '${o.name}')`);
      if (version !== undefined && version !== served.version) throw new RequestError(404, `model '${o.name}' has no version ${describe(version)} (it serves version ${served.version})`);
      if (metadata && verb) throw new RequestError(404, `no such endpoint: ${describe(path)}`);
      if (metadata) {
        route = 'metadata';
        requireMethod(req, 'GET');
        return sendJson(res, 200, JSON.stringify(metadataOf(served, o.name)), served.version);
      }
      if (verb === undefined) {
        route = 'status';
        requireMethod(req, 'GET');
        return sendJson(res, 200, JSON.stringify(statusOf(served)), served.version);
      }
      if (verb === 'predict') {
        route = 'predict';
        requireMethod(req, 'POST');
        readBody(req, res, o)
          .then((body) => predict(res, body, holder, metrics))
          .catch(fail);
        return;
      }
      if (verb === 'score') {
        route = 'score';
        requireMethod(req, 'POST');
        score(req, res, query, holder, metrics).catch(fail);
        return;
      }
      throw new RequestError(404, `unknown verb ${describe(verb)} (this server answers :predict and :score)`);
    } catch (e) {
      fail(e);
    }
  });
  server.requestTimeout = 0; // :score bodies may be long; predict bodies have their own deadline (readBody)
  server.headersTimeout = o.timeoutMs;
  server.setTimeout(o.timeoutMs, (socket) => socket.destroy()); // an idle connection
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n{"error": "malformed HTTP request"}');
    else socket.destroy();
  });
  return server;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function requireMethod(req: IncomingMessage, method: string): void {
  if (req.method !== method) throw new RequestError(405, `${req.method} is not allowed here; use ${method}`);
}

/** Ends the response; `version` goes in the x-model-version header. */
function send(res: ServerResponse, status: number, type: string, body: string, version?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | number> = { 'content-type': type, 'content-length': Buffer.byteLength(body) };
  if (version !== undefined) headers['x-model-version'] = version;
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: string, version?: string): void {
  send(res, status, 'application/json', body, version);
}

/** A refusal, as TF Serving sends one. After a 413 or 408 the connection is closed: the rest of the body is not read. */
function sendError(res: ServerResponse, status: number, message: string): void {
  if (status === 413 || status === 408) {
    res.shouldKeepAlive = false;
    res.setHeader('connection', 'close');
    res.on('finish', () => res.req.socket?.destroy());
  }
  sendJson(res, status, JSON.stringify({ error: message }));
}

/** The whole body of a `:predict` request, within the size limit and the deadline. */
function readBody(req: IncomingMessage, res: ServerResponse, o: ServerOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > o.maxBody) {
      reject(new RequestError(413, `the body is ${declared} bytes; at most ${o.maxBody} (--max-body), or send CSV rows to :score`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (e: Error | null, text?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) {
        req.removeAllListeners('data');
        req.pause();
        reject(e);
      } else resolve(text!);
    };
    const timer = setTimeout(() => finish(new RequestError(408, `the body did not arrive within ${o.timeoutMs} ms (--timeout)`)), o.timeoutMs);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > o.maxBody) finish(new RequestError(413, `the body passed ${o.maxBody} bytes (--max-body); send CSV rows to :score`));
      else chunks.push(c);
    });
    req.on('end', () => finish(null, Buffer.concat(chunks, size).toString('utf8')));
    req.on('error', () => finish(new ClientGone('the connection failed')));
    res.on('close', () => finish(new ClientGone('the client went away')));
  });
}

/** `:predict`: the body's instances, scored by the version being served now. */
function predict(res: ServerResponse, text: string, holder: ModelHolder, metrics: Metrics): void {
  if (res.destroyed) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new RequestError(400, `malformed JSON: ${(e as Error).message}`);
  }
  const served = holder.current;
  const { X, format, unseen } = requestFeatures(body, served);
  const P = served.model.predict(X, { batchSize: SERVE_BATCH_ROWS });
  metrics.rows += X.rows;
  metrics.unseen += unseen;
  sendJson(res, 200, predictionsJson(P.data, X.rows, served.outputSize, format === 'row' ? 'predictions' : 'outputs'), served.version);
}

/**
 * `{"predictions": [[p], ...]}` with each p as the shortest text that reads back as the same
 * float32: the very number `densely predict` writes for the row.
 */
export function predictionsJson(P: Float32Array, rows: number, k: number, key: string): string {
  const parts: string[] = [];
  for (let i = 0; i < rows; i++) {
    let row = '[';
    for (let j = 0; j < k; j++) row += (j ? ',' : '') + float32Text(P[i * k + j]);
    parts.push(`${row}]`);
  }
  return `{"${key}":[${parts.join(',')}]}`;
}

/** `:score`: CSV rows in, the scored list out, through two temporary files (bounded memory). */
async function score(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, holder: ModelHolder, metrics: Metrics): Promise<void> {
  const served = holder.current;
  if (served.preparation?.kind !== 'csv') throw new RequestError(400, `:score takes raw CSV rows, and this model was trained on .npy features; send arrays of ${served.inputSize} numbers to :predict`);
  for (const k of query.keys()) if (k !== 'id' && k !== 'top' && k !== 'threshold') throw new RequestError(400, `unknown parameter ${describe(k)} (expected id, top, threshold)`);
  let top: TopSpec | undefined;
  try {
    top = query.has('top') ? parseTop(query.get('top')!) : undefined;
  } catch (e) {
    throw new RequestError(400, `top: ${(e as Error).message}`);
  }
  let threshold: number | undefined;
  if (query.has('threshold')) {
    threshold = Number(query.get('threshold'));
    if (!(query.get('threshold')!.trim() !== '' && threshold >= 0 && threshold <= 1)) throw new RequestError(400, `threshold must be a number in [0, 1], got ${describe(query.get('threshold'))}`);
  }
  const idName = query.get('id') ?? undefined;
  const dir = mkdtempSync(join(tmpdir(), 'densely-score-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const input = join(dir, 'rows.csv');
    await pipeline(req, createWriteStream(input)).catch(() => {
      throw new ClientGone('the client went away while sending its rows');
    });
    const output = join(dir, 'scores.csv');
    const rows = Object.assign(() => fileChunks(input)(), { sourceName: 'request body' });
    let r;
    try {
      r = scoreCsvToList(rows, served.preparation.preprocessor, served.model, {
        batchSize: SERVE_BATCH_ROWS,
        csv: { threshold },
        idName,
        top,
        toCsv: true,
        sink: () => openAtomicWriter(output),
        classes: served.classes,
        ...(served.regression ? { valueColumn: 'prediction' } : {}),
      });
    } catch (e) {
      throw new RequestError(400, (e as Error).message);
    }
    metrics.rows += r.total;
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'x-model-version': served.version, 'x-rows-scored': r.total, 'x-rows-written': r.written });
    await pipeline(createReadStream(output), res).catch(() => {
      throw new ClientGone('the client went away while receiving its scores');
    });
  } finally {
    cleanup();
  }
}

/** TF Serving's GetModelStatusResponse. */
function statusOf(served: ServedModel) {
  return { model_version_status: [{ version: served.version, state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] };
}

/** TF Serving's GetModelMetadataResponse (a serving_default signature), with densely's own description beside it. */
function metadataOf(served: ServedModel, name: string) {
  const batch = { size: '-1' };
  const inputs: Record<string, unknown> = {};
  if (served.columns) {
    for (const c of served.columns.describe) inputs[c.name] = { name: c.name, dtype: c.type === 'category' ? 'DT_STRING' : 'DT_FLOAT', tensor_shape: { dim: [batch] } };
  } else inputs.inputs = { name: 'inputs', dtype: 'DT_FLOAT', tensor_shape: { dim: [batch, { size: String(served.inputSize) }] } };
  const outputs = { outputs: { name: 'outputs', dtype: 'DT_FLOAT', tensor_shape: { dim: [batch, { size: String(served.outputSize) }] } } };
  return {
    model_spec: { name, signature_name: '', version: served.version },
    metadata: { signature_def: { signature_def: { serving_default: { inputs, outputs, method_name: 'tensorflow/serving/predict' } } } },
    densely: {
      version: served.version,
      loadedAt: new Date(served.loadedAt).toISOString(),
      input: served.columns
        ? { format: 'columns', columns: served.columns.describe }
        : { format: 'array', features: served.inputSize, featureNames: served.featureNames ?? null, standardized: served.standardizer !== null },
      output: { values: served.outputSize, meaning: served.regression ? 'the predicted number' : served.outputSize === 1 ? 'probability of the positive class' : 'one probability per class', ...(served.classes ? { classes: served.classes } : {}) },
      preparation: served.preparation,
      featureNames: served.featureNames ?? null,
      training: served.training ?? null,
    },
  };
}
