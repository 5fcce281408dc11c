/**
 * What the Chromium tests share: Debian's chromium (driven by playwright-core), a vite build of a
 * page into a temporary folder, and a static server for it on 127.0.0.1.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/browser: ${CHROMIUM} not found, so the Chromium tests are skipped (apt-get install chromium; .ci/run does)`);

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, shared WebAssembly.Memory). */
export const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/** Builds the vite page in `pageRoot` (relative asset paths) into a new temporary folder; returns it. */
export async function buildPage(pageRoot: string, prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const { build } = await import('vite');
  await build({ root: pageRoot, base: './', logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
  return dir;
}

/**
 * Serves `dir` on 127.0.0.1 (a free port). With `modes`, the first path segment picks the extra
 * headers and is dropped (`/isolated/index.html` → index.html with modes.isolated); without, every
 * answer gets `headers`. Returns the base URL and a close function.
 */
export async function serveFolder(dir: string, o: { headers?: Record<string, string>; modes?: Record<string, Record<string, string>> } = {}): Promise<{ base: string; close: () => void }> {
  const server = createServer((req, res) => {
    let parts = decodeURIComponent((req.url ?? '/').split('?')[0]).split('/').slice(1);
    let extra = o.headers ?? {};
    if (o.modes) {
      extra = o.modes[parts[0]] ?? {};
      parts = parts.slice(1);
    }
    const path = normalize(join(dir, parts.join('/') || 'index.html'));
    if (!path.startsWith(dir) || !existsSync(path)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...extra }).end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, close: () => server.close() };
}

/** Headless Chromium with nothing that reaches the network. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
