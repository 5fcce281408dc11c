/**
 * The analyst's figures against scikit-learn 1.2 and NumPy (test/fixtures/reference/
 * summary_refs.json, from make_summary_refs.py) on densely's own scores for the bank test split,
 * and on a tie-heavy copy of them; plus small cases by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { averagePrecision, bestF1, brier, confusion, decileBounds, gainsTable, logLoss, profitTable, rankByScore, scoreSummary } from '../../src/analysis/index.js';

const dir = join(__dirname, '..', 'fixtures', 'reference');
const scored = JSON.parse(readFileSync(join(dir, 'summary_scores.json'), 'utf8')) as Record<string, { scores: number[]; labels: number[] }>;
const refs = JSON.parse(readFileSync(join(dir, 'summary_refs.json'), 'utf8'));

const close = (a: number, b: number, rel = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe.each(['bank', 'ties'])('against scikit-learn: %s', (name) => {
  const { scores, labels } = scored[name];
  const ref = refs[name];
  const s = scoreSummary(Float32Array.from(scores), Float32Array.from(labels));

  it('ROC AUC, average precision, log loss, Brier', () => {
    expect(s.n).toBe(ref.n);
    close(s.auc, ref.auc);
    close(s.prAuc, ref.prAuc);
    close(s.logLoss, ref.logLoss, 1e-10);
    close(s.brier, ref.brier, 1e-10);
  });

  it('the confusion matrix at 0.5 and the best-F1 threshold', () => {
    expect(s.confusion).toEqual(ref.confusion);
    expect(Math.fround(s.bestF1.threshold)).toBe(Math.fround(ref.bestF1.threshold));
    close(s.bestF1.f1, ref.bestF1.f1);
  });

  it('gains, lift and calibration by decile', () => {
    s.gains.forEach((g, i) => {
      const r = ref.gains[i];
      expect([g.decile, g.rows, g.positives]).toEqual([r.decile, r.rows, r.positives]);
      close(g.responseRate, r.responseRate);
      close(g.cumPositivesPct, r.cumPositivesPct);
      close(g.lift, r.lift);
      close(g.cumLift, r.cumLift);
    });
    s.calibration.forEach((c, i) => {
      close(c.meanScore, refs[name].calibration[i].meanScore, 1e-6);
      close(c.observedRate, refs[name].calibration[i].observedRate);
    });
  });
});

describe('the bank test split, as the issue saw it in Python', () => {
  it('[[7773, 179], [795, 296]] at 0.5, baseline 0.879, top-decile lift 4.24', () => {
    const { scores, labels } = scored.bank;
    const s = scoreSummary(scores, labels);
    expect(s.confusion).toEqual({ tn: 7773, fp: 179, fn: 795, tp: 296 });
    expect(s.baselineAccuracy).toBeCloseTo(0.879, 3);
    expect(s.gains[0].lift).toBeCloseTo(4.24, 2);
  });
});

describe('by hand', () => {
  it('ranks highest first, ties in input order, and cuts deciles by position', () => {
    expect(Array.from(rankByScore([0.2, 0.9, 0.2, 0.5]))).toEqual([1, 3, 0, 2]);
    expect(decileBounds(25)).toEqual([0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25]);
    // 20 rows, all tied: deciles take them in input order, so the first two rows form decile 1
    const g = gainsTable(new Array(20).fill(0.5), [1, 1, ...new Array(18).fill(0)]);
    expect(g[0]).toMatchObject({ rows: 2, positives: 2, responseRate: 1, cumPositivesPct: 100, lift: 10, cumLift: 10 });
    expect(g[9]).toMatchObject({ rows: 2, positives: 0, cumLift: 1 });
  });

  it('confusion uses score ≥ threshold; F1, AP, log loss and Brier on tiny cases', () => {
    expect(confusion([0.9, 0.4, 0.6, 0.1, 0.5], [1, 1, 0, 0, 1], 0.5)).toEqual({ tn: 1, fp: 1, fn: 1, tp: 2 });
    expect(bestF1([0.9, 0.8, 0.3, 0.2], [1, 0, 1, 0])).toEqual({ threshold: 0.3, f1: 0.8 });
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333333333, 9);
    expect(logLoss([0.5, 0.5], [1, 0])).toBeCloseTo(Math.LN2, 12);
    expect(logLoss([1, 0], [0, 1])).toBeCloseTo(-Math.log(2.220446049250313e-16), 9); // clipped, finite
    expect(brier([1, 0.5], [1, 0])).toBe(0.125);
  });

  it('profit per decile cut: V·positives − C·contacted, best, all and none', () => {
    const scores = Array.from({ length: 10 }, (_, i) => 1 - i / 10);
    const labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];
    const p = profitTable(scores, labels, 2, 10);
    expect(p.cuts.map((c) => c.profit)).toEqual([8, 16, 14, 22, 20, 18, 16, 14, 12, 10]);
    expect(p.best).toEqual({ decile: 4, contacted: 4, profit: 22 });
    expect([p.all, p.none]).toEqual([10, 0]);
    expect(profitTable(scores, labels, 20, 10).best).toEqual({ decile: 0, contacted: 0, profit: 0 }); // call no one
  });

  it('refuses one-class labels, mismatched lengths and non-0/1 labels, naming the problem', () => {
    const zeros = new Array(12).fill(0);
    expect(() => scoreSummary(zeros.map((_, i) => i / 12), zeros)).toThrow(/all 12 labels are 0, so AUC, lift and gains are undefined/);
    expect(() => scoreSummary([0.1, 0.2, 0.3], [0, 1, 0])).toThrow(/3 rows; the decile tables need at least 10/);
    expect(() => scoreSummary([...zeros.map(() => 0.5), 1.7], [...zeros, 1])).toThrow(/scores must be probabilities in \[0, 1\], row 12 has 1\.7 \(does the model end in a sigmoid\?\)/);
    expect(() => scoreSummary([0.1], [0, 1])).toThrow(/1 scores but 2 labels/);
    expect(() => scoreSummary([0.1, 0.3], [0, 2])).toThrow(/labels must be 0 or 1, row 1 has 2/);
    expect(() => scoreSummary(zeros.map((_, i) => i / 12), zeros.map((_, i) => i % 2), { contactCost: 1 })).toThrow(/need both a contact cost and a conversion value/);
  });
});
