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
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, hasChromium, ISOLATION, launchChromium, serveFolder } from './chromium.js';

const root = join(__dirname, '..', '..');

describe.skipIf(!hasChromium)('the wasm backend on two threads in headless Chromium', () => {
  let base: string;
  let close: () => void;

  beforeAll(async () => {
    // /isolated/… is served with COOP/COEP (cross-origin isolated), /plain/… without
    const served = await serveFolder(await buildPage(join(root, 'test', 'browser', 'threads-page'), 'densely-threads-'), { modes: { isolated: ISOLATION, plain: {} } });
    base = served.base;
    close = served.close;
  });

  afterAll(() => close?.());

  it('examples/browser runs cross-origin isolated: wasm on two threads, trained, and the same losses with fit', async () => {
    const isolated = await serveFolder(await buildPage(join(root, 'examples', 'browser'), 'densely-example-'), { headers: ISOLATION });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${isolated.base}/index.html`);
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
    const browser = await launchChromium();
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
