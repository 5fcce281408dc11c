/**
 * examples/browser in headless Chromium (Debian's `chromium`, driven by playwright-core): the
 * page prepares a CSV, trains with fitAsync while a 10 ms timer runs, and prints the timer's rate
 * during training next to its idle rate. fitAsync must keep the page's event loop alive.
 *
 * Skipped, saying so, when /usr/bin/chromium is missing; .ci/run installs it with apt.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const root = join(__dirname, '..', '..');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/browser: ${CHROMIUM} not found, so the Chromium tests are skipped (apt-get install chromium; .ci/run does)`);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

describe.skipIf(!hasChromium)('examples/browser in headless Chromium', () => {
  let dir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'densely-browser-'));
    const { build } = await import('vite');
    await build({ root: join(root, 'examples', 'browser'), base: './', logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
    server = createServer((req, res) => {
      const path = normalize(join(dir, decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, '') || 'index.html'));
      if (!path.startsWith(dir) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/index.html`;
  });

  afterAll(() => server?.close());

  it('trains with fitAsync while a 10 ms timer keeps close to its idle rate', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('out')?.textContent?.includes('DONE'), undefined, { timeout: 90_000 });
      const text = (await page.textContent('#out')) ?? '';
      expect(errors).toEqual([]);
      if (process.env.DENSELY_SHOW_PAGE) console.log(text);
      expect(text).toMatch(/^Epoch 10\/10$/m);
      expect(text).toMatch(/^backend: wasm$/m); // the default in a browser with WebAssembly SIMD
      expect(text).toContain('npy round trip identical: true');
      const m = /during fitAsync \((\d+) ms\): ([\d.]+)\/s; idle: ([\d.]+)\/s/.exec(text);
      expect(m, text).not.toBeNull();
      const [, ms, during, idle] = m!.map(Number);
      // a loop blocked by training lets the timer fire at most once, at the end
      expect((during * ms) / 1000).toBeGreaterThanOrEqual(5);
      expect(during).toBeGreaterThan(0.7 * idle);
      expect(text).toMatch(/same losses: true/); // fitAsync and fit give the same numbers in a page too
      const accuracy = Number(/test accuracy ([\d.]+)/.exec(text)?.[1]);
      expect(accuracy).toBeGreaterThan(0.8);
    } finally {
      await browser.close();
    }
  });
});
