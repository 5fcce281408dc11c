/**
 * The analyst's HTML report: self-contained (nothing loaded from anywhere), every chart with
 * marks, the tables with the summary's numbers; and, in headless Chromium, drawn, with no request
 * leaving the page (a screenshot goes to test/artifacts/, git-ignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { permutationImportance } from '../../src/analysis/importance.js';
import { scoreSummary } from '../../src/analysis/summary.js';
import { main } from '../../src/cli/main.js';
import { writeNpy } from '../../src/data/npy.js';
import { renderReport } from '../../src/report/report.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';
import { hasChromium, launchChromium } from '../browser/chromium.js';

const artifacts = join(__dirname, '..', 'artifacts');

function scored(n: number) {
  const rng = new MT19937(3);
  const labels = new Float32Array(n);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.random() < 0.2 ? 1 : 0;
    scores[i] = Math.min(0.999, Math.max(0.001, 0.15 + 0.45 * labels[i] + 0.35 * (rng.random() - 0.5)));
  }
  return { scores, labels };
}

describe('renderReport', () => {
  const { scores, labels } = scored(1000);
  const summary = scoreSummary(scores, labels, { contactCost: 1, conversionValue: 12 });
  const X = new Matrix(1000, 2, Float32Array.from({ length: 2000 }, (_, i) => (i % 2 ? scores[i >> 1] : 0)));
  const importance = permutationImportance((m) => Float32Array.from({ length: m.rows }, (_, i) => m.data[i * 2 + 1]), X, labels, [
    { column: 'noise <b>', features: [0] },
    { column: 'score', features: [1] },
  ]);
  const html = renderReport({ title: 'A & B campaign', provenance: { data: 'export.csv', rows: 1000 }, history: { loss: [0.5, 0.4, 0.35], val_loss: [0.52, 0.45, 0.44], accuracy: [0.8, 0.82, 0.83] }, scores, labels, summary, importance });

  it('is one self-contained document: no script, no link, no URL but the SVG namespace', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect([...html.matchAll(/https?:\/\/[^"'\s)]+/g)].map((m) => m[0])).toEqual(Array(html.split('<svg').length - 1).fill('http://www.w3.org/2000/svg'));
  });

  it('has every chart, each with marks: curves, ROC, PR, gains, lift, calibration, profit, importance', () => {
    const charts = [...html.matchAll(/<svg[^>]*aria-label="([^"]*)"[^>]*>([\s\S]*?)<\/svg>/g)];
    expect(charts.map((c) => c[1].replace(/ \(.*$/, ''))).toEqual([
      'loss per epoch',
      'accuracy per epoch',
      'ROC curve',
      'Precision-recall',
      'Cumulative gains',
      'Lift by decile',
      'Calibration by decile',
      'Profit by cut',
      'What drives the score',
    ]);
    for (const [, title, body] of charts) expect((body.match(/class="mark"/g) ?? []).length, title).toBeGreaterThan(0);
    expect(html).toContain(`ROC curve (AUC ${summary.auc.toFixed(4)})`);
  });

  it('holds the tables with the summary\'s numbers, and escapes text', () => {
    expect(html).toContain('<h1>A &amp; B campaign</h1>');
    expect(html).toContain('noise &lt;b&gt;');
    expect(html).toContain(`<td>${summary.confusion.tp}</td>`);
    for (const g of summary.gains) expect(html).toContain(`<td>${g.decile}</td><td>${g.rows}</td><td>${g.positives}</td>`);
    expect(html).toContain('<td>export.csv</td>');
  });
});

describe.skipIf(!hasChromium)('the report from densely train, in headless Chromium', () => {
  it('draws every chart, makes no request, and is screenshotted to test/artifacts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-report-'));
    const n = 1500;
    const rng = new MT19937(9);
    const t = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) {
      let z = -1;
      for (let j = 0; j < 4; j++) z += (j - 1.5) * (t[i * 5 + j] = 2 * rng.random() - 1);
      t[i * 5 + 4] = z + rng.random() - 0.5 > 0 ? 1 : 0;
    }
    writeFileSync(join(dir, 'd.npy'), writeNpy({ shape: [n, 5], data: t }));
    const report = join(dir, 'report.html');
    const r = main(['train', '--data', join(dir, 'd.npy'), '--epochs', '3', '--contact-cost', '1', '--conversion-value', '6', '--report', report, '--json'], { out: () => {}, err: () => {} });
    expect(r).toBe(0);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      const requests: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(`file://${report}`);
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => ({
          title: svg.getAttribute('aria-label'),
          drawn: Array.from(svg.querySelectorAll('.mark')).filter((m) => {
            const b = (m as SVGGraphicsElement).getBBox();
            return b.width > 0 || b.height > 0;
          }).length,
        })),
      );
      expect(charts.length).toBe(9); // loss, accuracy, ROC, PR, gains, lift, calibration, profit, importance
      for (const c of charts) expect(c.drawn, String(c.title)).toBeGreaterThan(0);
      expect(requests).toEqual([`file://${report}`]);
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
      expect(readFileSync(join(artifacts, 'report.png')).length).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });
});
