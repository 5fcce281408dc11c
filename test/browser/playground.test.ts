/**
 * examples/playground, built with its own Vite config and opened FROM DISK (file://, as the
 * published folder is) in headless Chromium: it trains two spirals until the test loss falls
 * below a bound, pauses, steps once, opens the inspection panel on a clicked sample, checks the
 * gradients, and the boundary canvas must have changed while the page kept answering. Screenshots
 * go to test/artifacts/ (git-ignored).
 *
 * Skipped, saying so, when /usr/bin/chromium is missing; .ci/run installs it with apt.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './chromium.js';

const root = join(__dirname, '..', '..');
const artifacts = join(root, 'test', 'artifacts');

/** The bound the test loss must fall below (a 16-16 tanh net passes ~0.2 on these spirals, then overfits). */
const TEST_LOSS_BOUND = 0.35;
const HASH = '#dataset=spiral&noise=0&train=50&seed=1&layers=16,16&activation=tanh&lr=0.03&batch=32&optimizer=adam&backend=js';

describe.skipIf(!hasChromium)('examples/playground in headless Chromium, from disk', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'densely-playground-'));
    const { build } = await import('vite');
    const playground = join(root, 'examples', 'playground');
    await build({ root: playground, configFile: join(playground, 'vite.config.ts'), logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
    mkdirSync(artifacts, { recursive: true });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trains two spirals below the test-loss bound, pauses, steps, inspects a sample and checks gradients', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${pathToFileURL(join(dir, 'index.html')).href}${HASH}`);
      await page.waitForFunction(() => document.getElementById('steps')?.textContent === '0');
      // the configuration came from the hash
      expect(await page.inputValue('#layers')).toBe('16,16');
      expect(await page.inputValue('#dataset')).toBe('spiral');
      const boundaryBefore = await page.evaluate(() => (document.getElementById('boundary') as HTMLCanvasElement).toDataURL());
      await page.screenshot({ path: join(artifacts, 'playground-start.png'), fullPage: true });

      // a timer that must keep firing while the network trains
      await page.evaluate(() => {
        (window as unknown as { ticks: number }).ticks = 0;
        setInterval(() => (window as unknown as { ticks: number }).ticks++, 50);
      });
      await page.click('#play');
      // the page records the losses every 100 ms and shows the lowest test loss so far (a network
      // trained on and on overfits, and its test loss rises again)
      await page.waitForFunction((bound) => Number(document.getElementById('best-test-loss')?.dataset.loss) < bound, TEST_LOSS_BOUND, { timeout: 90_000, polling: 100 });
      // frames are drawn while it trains: the frame rate (measured over a second) shows up
      await page.waitForFunction(() => Number(document.getElementById('fps')?.textContent) > 0, undefined, { timeout: 30_000 });
      expect(Number(await page.textContent('#sps'))).toBeGreaterThan(0);
      const ticks = await page.evaluate(() => (window as unknown as { ticks: number }).ticks);
      expect(ticks).toBeGreaterThanOrEqual(3);
      await page.click('#pause');
      expect(Number(await page.getAttribute('#best-test-loss', 'data-loss'))).toBeLessThan(TEST_LOSS_BOUND);
      const testLoss = Number(await page.getAttribute('#test-loss', 'data-loss'));
      expect(testLoss).toBeGreaterThan(0); // a real loss, now, from evaluate on the test rows
      await page.screenshot({ path: join(artifacts, 'playground-trained.png'), fullPage: true });

      // paused: the step count holds; one click on step moves it by exactly one
      const paused = Number(await page.textContent('#steps'));
      expect(paused).toBeGreaterThan(100);
      await page.waitForTimeout(300);
      expect(Number(await page.textContent('#steps'))).toBe(paused);
      await page.click('#step');
      expect(Number(await page.textContent('#steps'))).toBe(paused + 1);

      const boundaryAfter = await page.evaluate(() => (document.getElementById('boundary') as HTMLCanvasElement).toDataURL());
      expect(boundaryAfter).not.toBe(boundaryBefore);

      // the inspection panel: forward and backward for a clicked sample, every layer, formulas recomputed
      await page.click('#boundary', { position: { x: 180, y: 120 } });
      const inspect = (await page.textContent('#inspect')) ?? '';
      for (const name of ['dense:', 'dense_1:', 'dense_2:']) expect(inspect).toContain(name);
      for (const formula of ['dZ = dY ⊙ f′(Y)', 'dW = Xᵀ·dZ', 'dX = dZ·Wᵀ', '∂ℓ/∂z = p − y']) expect(inspect).toContain(formula);
      const gaps = [...inspect.matchAll(/largest difference from the engine's buffers (\d(?:\.\d+)?e[+-]\d+)/g)].map((m) => Number(m[1]));
      expect(gaps).toHaveLength(3);
      for (const gap of gaps) expect(gap).toBeLessThan(1e-5);
      await page.screenshot({ path: join(artifacts, 'playground-inspect.png'), fullPage: true });

      // check gradients on the trained network
      await page.click('#check');
      const worst = Number(await page.getAttribute('#gradcheck .verdict', 'data-worst'));
      expect(worst).toBeLessThan(1e-3);

      // L2 on: a new session whose inspection shows the penalty, and whose gradients still check
      await page.fill('#reg-rate', '0.01');
      await page.selectOption('#regularization', 'l2');
      await page.waitForFunction(() => location.hash.includes('reg=l2') && location.hash.includes('regRate=0.01'));
      await page.waitForFunction(() => document.getElementById('steps')?.textContent === '0');
      for (let i = 0; i < 5; i++) await page.click('#step');
      await page.click('#boundary', { position: { x: 180, y: 120 } });
      const regularized = (await page.textContent('#inspect')) ?? '';
      for (const formula of ['∂penalty/∂W = l1·sign(W) + 2·l2·W', 'dW = Xᵀ·dZ + ∂penalty/∂W', 'L = ℓ + penalty']) expect(regularized).toContain(formula);
      const regGaps = [...regularized.matchAll(/largest difference from the engine's buffers (\d(?:\.\d+)?e[+-]\d+)/g)].map((m) => Number(m[1]));
      expect(regGaps).toHaveLength(3);
      for (const gap of regGaps) expect(gap).toBeLessThan(1e-5);
      await page.click('#check');
      expect(Number(await page.getAttribute('#gradcheck .verdict', 'data-worst'))).toBeLessThan(1e-3);

      // still answering after all of it
      expect(await page.evaluate(() => 1 + 1)).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
