/**
 * The wasm backend on two threads in headless Chromium (playwright-core, Debian's chromium):
 * test/browser/threads-page is served twice. With COOP/COEP headers the page is cross-origin
 * isolated: the default model gets two threads, and a model whose gemms split between the
 * page's main thread (which may not Atomics.wait, so it spins) and a Web Worker ends with exactly
 * the weights of one thread. Without them there is no SharedArrayBuffer: 'auto' stays on one
 * thread and warns once, and threads 2 is an error that says why.
 *
 * Skipped, saying so, when /usr/bin/chromium is missing.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const root = join(__dirname, '..', '..');
const hasChromium = existsSync(CHROMIUM);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

describe.skipIf(!hasChromium)('the wasm backend on two threads in headless Chromium', () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'densely-threads-'));
    const { build } = await import('vite');
    await build({ root: join(root, 'test', 'browser', 'threads-page'), base: './', logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
    // /isolated/… is served with COOP/COEP (cross-origin isolated), /plain/… without
    server = createServer((req, res) => {
      const [, mode, ...rest] = (req.url ?? '/').split('?')[0].split('/');
      const path = normalize(join(dir, decodeURIComponent(rest.join('/')) || 'index.html'));
      if (!path.startsWith(dir) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...(mode === 'isolated' ? ISOLATION : {}) }).end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => server?.close());

  it('examples/browser runs cross-origin isolated: wasm on two threads, trained, and the same losses with fit', async () => {
    const { build } = await import('vite');
    const example = mkdtempSync(join(tmpdir(), 'densely-example-'));
    await build({ root: join(root, 'examples', 'browser'), base: './', logLevel: 'warn', build: { outDir: example, emptyOutDir: true } });
    const isolated = createServer((req, res) => {
      const path = normalize(join(example, decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, '') || 'index.html'));
      if (!path.startsWith(example) || !existsSync(path)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...ISOLATION }).end(readFileSync(path));
    });
    await new Promise<void>((resolve) => isolated.listen(0, '127.0.0.1', resolve));
    const address = isolated.address();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/index.html`);
      await page.waitForFunction(() => document.getElementById('out')?.textContent?.includes('DONE'), undefined, { timeout: 90_000 });
      const text = (await page.textContent('#out')) ?? '';
      expect(errors).toEqual([]);
      expect(text).toMatch(/^backend: wasm$/m);
      expect(text).toMatch(/^threads: 2 \(cross-origin isolated: true\)$/m);
      expect(text).toMatch(/same losses: true/);
      expect(Number(/test accuracy ([\d.]+)/.exec(text)?.[1])).toBeGreaterThan(0.8);
    } finally {
      await browser.close();
      isolated.close();
    }
  });

  async function open(mode: 'isolated' | 'plain'): Promise<{ report: Record<string, unknown>; warnings: string[]; errors: string[] }> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const warnings: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
      await page.goto(`${base}/${mode}/index.html`);
      await page.waitForFunction(() => document.getElementById('out')?.textContent?.startsWith('{'), undefined, { timeout: 60_000 });
      return { report: JSON.parse((await page.textContent('#out')) ?? '{}'), warnings, errors };
    } finally {
      await browser.close();
    }
  }

  it('cross-origin isolated: two threads by default, and a split fit gives exactly the one-thread weights', async () => {
    const { report, errors } = await open('isolated');
    expect(errors).toEqual([]);
    expect(report).toMatchObject({ isolated: true, autoThreads: 2, forcedTwo: 'ok', sameWeights: true });
    expect(report.splits as number).toBeGreaterThan(20);
  });

  it('not isolated: one thread, said once, and threads 2 refused with the reason', async () => {
    const { report, warnings, errors } = await open('plain');
    expect(errors).toEqual([]);
    expect(report).toMatchObject({ isolated: false, autoThreads: 1, autoThreadsAgain: 1 });
    expect(report.forcedTwo).toMatch(/threads: 2 cannot run here: .*cross-origin isolated/);
    expect(warnings.filter((w) => w.includes('densely'))).toHaveLength(1);
    expect(warnings[0]).toMatch(/one thread: .*Cross-Origin-Opener-Policy/);
  });
});
