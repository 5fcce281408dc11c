/**
 * Which model features come from which input column: a one-hot column's categories are one group,
 * so an analysis that shuffles "a column" (permutation importance) moves them together.
 */
import type { Preprocessing } from './prepare.js';

export interface FeatureGroup {
  /** The input column's name. */
  column: string;
  /** Its feature indices in the model's input. */
  features: number[];
}

/**
 * The groups for a model's `inputSize` features: from a CSV preparation's column specs when there
 * is one; else from feature names, where consecutive names `col=value` (densely's one-hot names,
 * and the NumPy-prepared bank data's) form one group; else one group per feature ('feature 3').
 *
 * @example
 * featureGroups(null, ['age', 'job=admin', 'job=cook', 'y=1'], 4);
 * // [{ column: 'age', features: [0] }, { column: 'job', features: [1, 2] }, { column: 'y', features: [3] }]
 */
export function featureGroups(preparation: Preprocessing | null, featureNames: readonly string[] | undefined, inputSize: number): FeatureGroup[] {
  const groups: FeatureGroup[] = [];
  if (preparation?.kind === 'csv') {
    let at = 0;
    for (const c of preparation.preprocessor.columns) {
      const width = c.type === 'onehot' ? c.categories.length : 1;
      groups.push({ column: c.name, features: Array.from({ length: width }, (_, i) => at + i) });
      at += width;
    }
    if (at !== inputSize) throw new Error(`feature groups: the preparation makes ${at} features but the model takes ${inputSize}`);
    return groups;
  }
  if (featureNames && featureNames.length === inputSize) {
    featureNames.forEach((name, i) => {
      const eq = name.indexOf('=');
      const column = eq > 0 ? name.slice(0, eq) : name;
      const last = groups[groups.length - 1];
      if (eq > 0 && last && last.column === column) last.features.push(i);
      else groups.push({ column, features: [i] });
    });
    return groups;
  }
  return Array.from({ length: inputSize }, (_, i) => ({ column: `feature ${i}`, features: [i] }));
}
