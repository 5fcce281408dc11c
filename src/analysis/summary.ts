/**
 * The marketing summary of a scored list: what `densely evaluate` and the end of `densely train`
 * print, and what their `--json` holds, under these keys:
 *
 *   n, positiveRate, baselineAccuracy, auc, prAuc, logLoss, brier,
 *   threshold, confusion {tn, fp, fn, tp}, precision, recall, f1, bestF1 {threshold, f1},
 *   gains [10 × {decile, rows, positives, responseRate, cumPositivesPct, lift, cumLift}],
 *   calibration [10 × {decile, meanScore, observedRate}],
 *   profit {contactCost, conversionValue, cuts [10 × {decile, contacted, profit}], best, all, none}
 *     (only with a contact cost and a conversion value)
 */
import { bestF1, brier, confusion, logLoss, precisionRecallF1, type Confusion } from './classification.js';
import { averagePrecision, rocAuc } from './curves.js';
import { calibrationTable, gainsTable, type CalibrationRow, type GainsRow } from './gains.js';
import { profitTable, type ProfitTable } from './profit.js';
import { checkScored, MIN_SCORED_ROWS } from './ranking.js';
import { float32Text } from '../tensor/float32-text.js';

export interface SummaryOptions {
  /** Decisions are score ≥ threshold. Default 0.5. */
  threshold?: number;
  /** With conversionValue: the campaign economics. */
  contactCost?: number;
  conversionValue?: number;
}

export interface ScoreSummary {
  n: number;
  positiveRate: number;
  /** The accuracy of always answering the majority class. */
  baselineAccuracy: number;
  auc: number;
  prAuc: number;
  logLoss: number;
  brier: number;
  threshold: number;
  confusion: Confusion;
  precision: number;
  recall: number;
  f1: number;
  bestF1: { threshold: number; f1: number };
  gains: GainsRow[];
  calibration: CalibrationRow[];
  profit?: ProfitTable;
}

/**
 * Everything the analyst reads off scores and the true labels (0/1). Errors name `where`; a set
 * with one class only is refused (AUC and lift are undefined there).
 *
 * @example
 * const s = scoreSummary(model.predict(XTest).data, yTest.data, { contactCost: 2, conversionValue: 30 });
 * s.gains[0].cumPositivesPct; // e.g. 35.1: the top 10% holds 35.1% of all subscribers
 */
export function scoreSummary(scores: ArrayLike<number>, labels: ArrayLike<number>, options: SummaryOptions = {}, where = 'evaluate'): ScoreSummary {
  checkScored(scores, labels, where);
  const n = scores.length;
  if (n < MIN_SCORED_ROWS) throw new RangeError(`${where}: ${n} rows; the decile tables need at least ${MIN_SCORED_ROWS}`);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  if (positives === 0 || positives === n) {
    throw new RangeError(`${where}: all ${n} labels are ${positives === 0 ? 0 : 1}, so AUC, lift and gains are undefined; evaluate on rows with both classes (a stratified split keeps both)`);
  }
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`${where}: threshold must be in [0, 1], got ${threshold}`);
  const c = confusion(scores, labels, threshold);
  const positiveRate = positives / n;
  const summary: ScoreSummary = {
    n,
    positiveRate,
    baselineAccuracy: Math.max(positiveRate, 1 - positiveRate),
    auc: rocAuc(scores, labels),
    prAuc: averagePrecision(scores, labels),
    logLoss: logLoss(scores, labels),
    brier: brier(scores, labels),
    threshold,
    confusion: c,
    ...precisionRecallF1(c),
    bestF1: bestF1(scores, labels),
    gains: gainsTable(scores, labels),
    calibration: calibrationTable(scores, labels),
  };
  if (options.contactCost !== undefined || options.conversionValue !== undefined) {
    if (options.contactCost === undefined || options.conversionValue === undefined) {
      throw new RangeError(`${where}: campaign economics need both a contact cost and a conversion value`);
    }
    summary.profit = profitTable(scores, labels, options.contactCost, options.conversionValue);
  }
  return summary;
}

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;
const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** The summary as lines for a terminal: headline figures, the confusion matrix, the gains table, the profit. */
export function formatSummary(s: ScoreSummary): string[] {
  const c = s.confusion;
  const lines = [
    `rows ${s.n.toLocaleString('en-US')}, positives ${pct(s.positiveRate)}; always answering the majority class scores accuracy ${s.baselineAccuracy.toFixed(4)}`,
    `ROC AUC ${s.auc.toFixed(4)} - PR AUC ${s.prAuc.toFixed(4)} - log loss ${s.logLoss.toFixed(4)} - Brier ${s.brier.toFixed(4)}`,
    `at threshold ${s.threshold} (score ≥ it): accuracy ${((c.tp + c.tn) / s.n).toFixed(4)}, precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)}`,
    `  confusion: tn ${c.tn}  fp ${c.fp}  fn ${c.fn}  tp ${c.tp}`,
    `best F1 ${s.bestF1.f1.toFixed(4)} at threshold ${float32Text(s.bestF1.threshold)}`,
    '',
    'gains and lift by decile of score (highest first; ties in input order):',
    ' decile   rows  positives  response  cum % of positives   lift  cum lift',
    ...s.gains.map(
      (g) =>
        ` ${String(g.decile).padStart(6)} ${String(g.rows).padStart(6)} ${String(g.positives).padStart(10)} ${pct(g.responseRate).padStart(9)} ` +
        `${pct(g.cumPositivesPct / 100).padStart(19)} ${g.lift.toFixed(2).padStart(6)} ${g.cumLift.toFixed(2).padStart(9)}`,
    ),
    `contacting the top 10% reaches ${s.gains[0].cumPositivesPct.toFixed(0)}% of all positives (lift ${s.gains[0].lift.toFixed(1)})`,
  ];
  if (s.profit) {
    const p = s.profit;
    lines.push(
      '',
      `campaign economics (contact cost ${money(p.contactCost)}, conversion value ${money(p.conversionValue)}):`,
      ...p.cuts.map((cut) => `  top ${cut.decile * 10}% (${cut.contacted} contacted): profit ${money(cut.profit)}`),
      `  best: ${p.best.decile === 0 ? 'call no one' : `the top ${p.best.decile * 10}%`}, profit ${money(p.best.profit)}; calling everyone ${money(p.all)}; no one ${money(p.none)}`,
    );
  }
  return lines;
}
