/** Shared by the serve tests: a small bank CSV, a model trained on it, and HTTP calls. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { run } from '../cli/run.js';

const root = join(__dirname, '..', '..');

/** The first `rows` rows of the bank CSV (semicolon-separated, quoted), with a customer id column in front. */
export function bankRows(rows: number, from = 0): string {
  const lines = gunzipSync(readFileSync(join(root, 'data', 'bank-full.csv.gz'))).toString('utf8').split('\n');
  const out = [`"customer";${lines[0]}`];
  for (let i = 1 + from; i <= from + rows; i++) out.push(`"c${i}";${lines[i]}`);
  return `${out.join('\n')}\n`;
}

/** Runs the CLI in-process; throws with its stderr on a non-zero exit. */
export function cli(...argv: string[]): string {
  const r = run(...argv);
  if (r.code !== 0) throw new Error(`densely ${argv.join(' ')} exited ${r.code}: ${r.err}`);
  return r.out;
}

/** A folder with train.csv (1,500 rows), new.csv (200 other rows) and model.json trained on the first for `epochs`. */
export function trainedModel(epochs = 1, seed = 1): { dir: string; model: string; train: string; rows: string } {
  const dir = mkdtempSync(join(tmpdir(), 'densely-serve-'));
  const train = join(dir, 'train.csv');
  const rows = join(dir, 'new.csv');
  writeFileSync(train, bankRows(1500));
  writeFileSync(rows, bankRows(200, 3000));
  const model = join(dir, 'model.json');
  cli('train', '--data', train, '--drop', 'customer', '--epochs', String(epochs), '--seed', String(seed), '--save', model);
  return { dir, model, train, rows };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request to 127.0.0.1; `body` is sent whole (with its length), `chunks` one by one with pauses. */
export function http(port: number, method: string, path: string, o: { body?: string; chunks?: string[]; pauseMs?: number; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: o.headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.chunks) {
      let i = 0;
      const next = () => {
        if (req.destroyed) return;
        if (i === o.chunks!.length) return void req.end();
        req.write(o.chunks![i++]);
        setTimeout(next, o.pauseMs ?? 0);
      };
      next();
    } else req.end(o.body);
  });
}

/** Parses `a;b;"c"` CSV lines of the bank file into objects keyed by the header, values as JSON would carry them. */
export function instancesOf(csv: string): Record<string, string | number>[] {
  const [head, ...lines] = csv.trim().split('\n');
  const names = head.split(';').map((h) => h.replace(/"/g, ''));
  return lines.map((line) => {
    const cells = line.split(';');
    const o: Record<string, string | number> = {};
    names.forEach((n, i) => {
      const c = cells[i];
      o[n] = c.startsWith('"') ? c.slice(1, -1) : Number(c);
    });
    return o;
  });
}
