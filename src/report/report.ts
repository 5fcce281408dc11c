/**
 * The analyst's report: one self-contained HTML file with inline SVG charts and the summary
 * tables. It loads nothing from anywhere (no script, font, style or image from another host),
 * and reads the same printed. Browser-safe: it returns a string; the CLI writes it.
 *
 *   the loss and metric curves per epoch (train, validation)      when there is a History
 *   the ROC and precision-recall curves
 *   the cumulative gains chart, with the random and perfect lines
 *   the lift by decile
 *   the calibration plot
 *   the profit curve                                             when there are costs
 *   the feature importance bars                                  when computed
 *   the summary tables, and the data's provenance
 */
import { prCurve, rocCurve } from '../analysis/curves.js';
import type { Importance } from '../analysis/importance.js';
import type { ScoreSummary } from '../analysis/summary.js';
import { float32Text } from '../tensor/float32-text.js';
import { barChart, esc, lineChart, thin, type Series } from './svg.js';

export interface ReportInput {
  title: string;
  /** Where the numbers come from: file, rows, split, seed, model…, shown as a table. */
  provenance: Record<string, string | number>;
  /** Per-epoch values as fit's History holds them (loss, accuracy, val_loss, …). */
  history?: Record<string, number[]>;
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  summary: ScoreSummary;
  importance?: readonly Importance[];
}

const BLUE = '#1f77b4';
const ORANGE = '#ff7f0e';
const GREEN = '#2ca02c';
const RED = '#d62728';
const GREY = '#7f7f7f';
const PURPLE = '#9467bd';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const num = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

function table(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number, tag: string) => `<${tag}>${esc(String(v))}</${tag}>`;
  return `<table><thead><tr>${head.map((h) => cell(h, 'th')).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => cell(v, 'td')).join('')}</tr>`).join('')}</tbody></table>`;
}

/**
 * The report as an HTML document.
 *
 * @example
 * writeFileSync('report.html', renderReport({ title: 'Bank campaign', provenance: { data: 'bank.csv' }, scores, labels, summary }));
 */
export function renderReport(r: ReportInput): string {
  const s = r.summary;
  const charts: string[] = [];
  if (r.history && Object.keys(r.history).length > 0) {
    const metrics = [...new Set(Object.keys(r.history).map((k) => k.replace(/^val_/, '')))];
    for (const m of metrics) {
      const series: Series[] = [];
      const train = r.history[m];
      const val = r.history[`val_${m}`];
      if (train) series.push({ name: `train ${m}`, color: BLUE, dots: true, points: train.map((v, i) => [i + 1, v] as [number, number]) });
      if (val) series.push({ name: `validation ${m}`, color: ORANGE, dots: true, points: val.map((v, i) => [i + 1, v] as [number, number]) });
      const epochs = Math.max(train?.length ?? 0, val?.length ?? 0);
      charts.push(lineChart({ title: `${m} per epoch`, xLabel: 'epoch', yLabel: m, series, zero: false, x: [1, Math.max(2, epochs)], xFormat: (v) => (Number.isInteger(v) ? String(v) : '') }));
    }
  }
  const roc = thin(rocCurve(r.scores, r.labels));
  charts.push(
    lineChart({
      title: `ROC curve (AUC ${num(s.auc)})`,
      xLabel: 'false positive rate',
      yLabel: 'true positive rate',
      x: [0, 1],
      y: [0, 1],
      series: [
        { name: 'model', color: BLUE, points: roc },
        { name: 'random', color: GREY, dashed: true, points: [[0, 0], [1, 1]] },
      ],
    }),
  );
  charts.push(
    lineChart({
      title: `Precision-recall (AP ${num(s.prAuc)})`,
      xLabel: 'recall',
      yLabel: 'precision',
      x: [0, 1],
      y: [0, 1],
      series: [
        { name: 'model', color: BLUE, points: thin(prCurve(r.scores, r.labels)) },
        { name: `base rate ${pct(s.positiveRate)}`, color: GREY, dashed: true, points: [[0, s.positiveRate], [1, s.positiveRate]] },
      ],
    }),
  );
  const gains: [number, number][] = [[0, 0], ...s.gains.map((g) => [g.decile * 10, g.cumPositivesPct] as [number, number])];
  const perfectAt = 100 * s.positiveRate;
  charts.push(
    lineChart({
      title: 'Cumulative gains',
      xLabel: '% of customers contacted (highest scores first)',
      yLabel: '% of all positives reached',
      x: [0, 100],
      y: [0, 100],
      series: [
        { name: 'model', color: BLUE, dots: true, points: gains },
        { name: 'random', color: GREY, dashed: true, points: [[0, 0], [100, 100]] },
        { name: 'perfect', color: GREEN, dashed: true, points: [[0, 0], [perfectAt, 100], [100, 100]] },
      ],
    }),
  );
  charts.push(barChart({ title: 'Lift by decile', xLabel: 'decile of score (1 = highest)', yLabel: 'lift', color: GREEN, reference: 1, bars: s.gains.map((g) => ({ label: String(g.decile), value: g.lift })) }));
  // a little headroom above the highest decile, so its point is not drawn on the frame
  const calMax = 1.1 * Math.max(...s.calibration.map((c) => Math.max(c.meanScore, c.observedRate)), 0.05);
  charts.push(
    lineChart({
      title: 'Calibration by decile',
      xLabel: 'mean predicted probability',
      yLabel: 'observed rate',
      x: [0, calMax],
      y: [0, calMax],
      series: [
        { name: 'deciles', color: PURPLE, dots: true, points: s.calibration.map((c) => [c.meanScore, c.observedRate] as [number, number]) },
        { name: 'perfect calibration', color: GREY, dashed: true, points: [[0, 0], [calMax, calMax]] },
      ],
    }),
  );
  if (s.profit) {
    charts.push(
      lineChart({
        title: `Profit by cut (best: ${s.profit.best.decile === 0 ? 'no one' : `top ${s.profit.best.decile * 10}%`})`,
        xLabel: '% of customers contacted',
        yLabel: 'profit',
        x: [0, 100],
        series: [{ name: `value ${s.profit.conversionValue}, cost ${s.profit.contactCost}`, color: RED, dots: true, points: [[0, 0], ...s.profit.cuts.map((c) => [c.decile * 10, c.profit] as [number, number])] }],
      }),
    );
  }
  if (r.importance && r.importance.length > 0) {
    charts.push(barChart({ title: 'What drives the score (AUC drop when shuffled)', xLabel: 'drop in ROC AUC', yLabel: '', color: ORANGE, horizontal: true, bars: r.importance.map((i) => ({ label: i.column, value: i.aucDrop })) }));
  }

  const c = s.confusion;
  const sections = [
    `<h1>${esc(r.title)}</h1>`,
    '<h2>Summary</h2>',
    table(
      ['rows', 'positive rate', 'baseline accuracy', 'ROC AUC', 'PR AUC', 'log loss', 'Brier'],
      [[s.n, pct(s.positiveRate), num(s.baselineAccuracy), num(s.auc), num(s.prAuc), num(s.logLoss), num(s.brier)]],
    ),
    table(
      [`at threshold ${s.threshold}`, 'predicted 0', 'predicted 1', 'precision', 'recall', 'F1'],
      [
        ['actual 0', c.tn, c.fp, num(s.precision), num(s.recall), num(s.f1)],
        ['actual 1', c.fn, c.tp, '', '', ''],
      ],
    ),
    `<p>The threshold that maximises F1 is ${esc(float32Text(s.bestF1.threshold))} (F1 ${num(s.bestF1.f1)}). Contacting the top 10% reaches ${esc(s.gains[0].cumPositivesPct.toFixed(0))}% of all positives (lift ${esc(s.gains[0].lift.toFixed(1))}).</p>`,
    '<h2>Charts</h2>',
    `<div class="charts">${charts.map((ch) => `<figure>${ch}</figure>`).join('')}</div>`,
    '<h2>Gains and lift by decile</h2>',
    table(
      ['decile', 'rows', 'positives', 'response rate', 'cum. % of positives', 'lift', 'cum. lift', 'mean score'],
      s.gains.map((g, i) => [g.decile, g.rows, g.positives, pct(g.responseRate), `${g.cumPositivesPct.toFixed(1)}%`, num(g.lift, 2), num(g.cumLift, 2), num(s.calibration[i].meanScore)]),
    ),
  ];
  if (s.profit) {
    const p = s.profit;
    sections.push(
      `<h2>Campaign economics (contact cost ${esc(String(p.contactCost))}, conversion value ${esc(String(p.conversionValue))})</h2>`,
      table(['contact the top', 'customers contacted', 'profit'], [...p.cuts.map((cut) => [`${cut.decile * 10}%`, cut.contacted, cut.profit.toFixed(2)]), ['no one', 0, p.none.toFixed(2)]]),
      `<p>Best: ${esc(p.best.decile === 0 ? 'call no one' : `the top ${p.best.decile * 10}%`)}, profit ${esc(p.best.profit.toFixed(2))}; calling everyone ${esc(p.all.toFixed(2))}.</p>`,
    );
  }
  if (r.importance && r.importance.length > 0) {
    sections.push('<h2>What drives the score</h2>', table(['column', 'drop in ROC AUC when shuffled'], r.importance.map((i) => [i.column, num(i.aucDrop)])));
  }
  sections.push('<h2>Provenance</h2>', table(['', ''], Object.entries(r.provenance).map(([k, v]) => [k, v])));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1320px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;break-inside:avoid;page-break-inside:avoid}
@media print{body{margin:8mm}.charts{gap:4px}}
</style></head><body>
${sections.join('\n')}
<p class="foot">Made by densely. Deciles: rows sorted by score, highest first, ties in input order.</p>
</body></html>
`;
}
