/**
 * densely serve as users run it: its own process, two workers through node:cluster, a graceful
 * SIGTERM during a request, SIGHUP, and a refused model file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/node/files.js';
import { cli, http, instancesOf, trainedModel } from './helpers.js';

const entry = [ '--import', 'tsx', join(__dirname, 'cli-entry.ts')];

/** Starts `densely serve …`; resolves with the process and its port once it says it is serving. */
function serve(args: string[]): Promise<{ child: ChildProcess; port: number; log: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [...entry, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = /serving '.*' version \d+ at http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (m) {
        clearInterval(poll);
        resolve({ child, port: Number(m[1]), log: () => text, exited });
      } else if (child.exitCode !== null || Date.now() - started > 60_000) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`densely serve did not start: ${text}`));
      }
    }, 50);
  });
}

describe('densely serve (its own process)', () => {
  it('two workers share the port; SIGHUP reloads; SIGTERM lets a request in flight finish, then exits 0', async () => {
    const t = trainedModel();
    const served = join(t.dir, 'served.json');
    copyFileSync(t.model, served);
    const s = await serve(['--model', served, '--name', 'marketing', '--port', '0', '--workers', '2']);
    try {
      const body = JSON.stringify({ instances: instancesOf(readFileSync(t.rows, 'utf8')).slice(0, 2) });
      const first = await http(s.port, 'POST', '/v1/models/marketing:predict', { body });
      expect(first.status).toBe(200);
      // both workers' counters in one scrape
      for (let i = 0; i < 6; i++) await http(s.port, 'GET', '/healthz');
      const metrics = (await http(s.port, 'GET', '/metrics')).body;
      expect(metrics).toMatch(/^densely_processes\{model="marketing"\} 2$/m);
      expect(Number(/route="healthz",status="200"\} (\d+)/.exec(metrics)![1])).toBe(6);

      // SIGHUP after a replacement (the file watcher may be first: either way the version changes)
      const b = join(t.dir, 'b.json');
      cli('train', '--data', t.train, '--drop', 'customer', '--epochs', '1', '--seed', '9', '--save', b);
      writeFileAtomic(served, readFileSync(b));
      s.child.kill('SIGHUP');
      let v = first.headers['x-model-version'];
      for (let i = 0; i < 100 && v === first.headers['x-model-version']; i++) {
        await new Promise((r) => setTimeout(r, 50));
        v = (await http(s.port, 'GET', '/healthz')).headers['x-model-version'];
      }
      expect(v).not.toBe(first.headers['x-model-version']);

      // a request whose body is still arriving when SIGTERM comes is answered, then the server exits 0
      const half = Math.floor(body.length / 2);
      const inFlight = http(s.port, 'POST', '/v1/models/marketing:predict', { chunks: [body.slice(0, half), body.slice(half)], pauseMs: 400, headers: { 'content-length': String(Buffer.byteLength(body)) } });
      await new Promise((r) => setTimeout(r, 150));
      s.child.kill('SIGTERM');
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.body).predictions).toHaveLength(2);
      expect(await s.exited).toBe(0);
      await expect(http(s.port, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('refuses a model file it cannot serve before listening: one line, exit 1', () => {
    const t = trainedModel();
    const bad = join(t.dir, 'bad.json');
    writeFileAtomic(bad, '{"format": "densely-model", "version": 2, "layers": [{"class": "Dense", "units": 1, "activation": "constructor"}]}');
    const r = spawnSync(process.execPath, [...entry, 'serve', '--model', bad, '--port', '0', '--workers', '2'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.json/);
  });
});
