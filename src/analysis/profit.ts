/**
 * Campaign economics: contacting a customer costs C, and each positive contacted (a subscriber)
 * is worth V. Contacting the top k deciles (ranking.ts) earns
 *
 *   profit(k) = V·(positives in deciles 1…k) − C·(rows in deciles 1…k)
 *
 * Calling no one earns 0; calling everyone is the cut at decile 10.
 */
import { gainsTable } from './gains.js';

export interface ProfitCut {
  decile: number;
  /** Rows contacted: deciles 1…decile. */
  contacted: number;
  profit: number;
}

export interface ProfitTable {
  contactCost: number;
  conversionValue: number;
  /** Contacting the top 1, 2, …, 10 deciles. */
  cuts: ProfitCut[];
  /** The most profitable of the cuts and of calling no one (decile 0, profit 0); the smallest cut on a tie. */
  best: ProfitCut;
  all: number;
  none: number;
}

/**
 * Profit at each decile cut.
 *
 * @example
 * profitTable([0.9, 0.1], [1, 0], 1, 10).best; // { decile: 5, contacted: 1, profit: 9 }
 */
export function profitTable(scores: ArrayLike<number>, labels: ArrayLike<number>, contactCost: number, conversionValue: number): ProfitTable {
  if (!(Number.isFinite(contactCost) && contactCost >= 0 && Number.isFinite(conversionValue) && conversionValue >= 0)) {
    throw new RangeError(`profit: the contact cost and conversion value must be non-negative numbers, got ${contactCost} and ${conversionValue}`);
  }
  let contacted = 0;
  let positives = 0;
  const cuts = gainsTable(scores, labels).map((g) => {
    contacted += g.rows;
    positives += g.positives;
    return { decile: g.decile, contacted, profit: conversionValue * positives - contactCost * contacted };
  });
  let best: ProfitCut = { decile: 0, contacted: 0, profit: 0 };
  for (const c of cuts) if (c.profit > best.profit) best = c;
  return { contactCost, conversionValue, cuts, best, all: cuts[9].profit, none: 0 };
}
