/**
 * examples/browser in headless Chromium (Debian's `chromium`, driven by playwright-core): the
 * page prepares a CSV, trains with fitAsync while a 10 ms timer runs, and prints the timer's rate
 * during training next to its idle rate. fitAsync must keep the page's event loop alive.
 *
 * Skipped, saying so, when /usr/bin/chromium is missing; .ci/run installs it with apt.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, hasChromium, launchChromium, serveFolder } from './chromium.js';

const root = join(__dirname, '..', '..');

describe.skipIf(!hasChromium)('examples/browser in headless Chromium', () => {
  let url: string;
  let close: () => void;

  beforeAll(async () => {
    const served = await serveFolder(await buildPage(join(root, 'examples', 'browser'), 'densely-browser-'));
    url = `${served.base}/index.html`;
    close = served.close;
  });

  afterAll(() => close?.());

  it('trains with fitAsync while a 10 ms timer keeps close to its idle rate', async () => {
    const browser = await launchChromium();
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
