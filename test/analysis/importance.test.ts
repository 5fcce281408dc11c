/**
 * Permutation importance: a column the score depends on loses AUC when shuffled, one it ignores
 * loses none; one-hot groups move together; the same seed gives the same figures.
 */
import { describe, expect, it } from 'vitest';
import { permutationImportance } from '../../src/analysis/importance.js';
import { featureGroups } from '../../src/data/feature-groups.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';

function data(n: number) {
  const rng = new MT19937(5);
  // features: x0 (drives the label), x1 (noise), a one-hot pair c=a / c=b (c=a adds to the label)
  const X = new Matrix(n, 4);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = 2 * rng.random() - 1;
    const a = rng.random() < 0.5 ? 1 : 0;
    X.data.set([x0, 2 * rng.random() - 1, a, 1 - a], i * 4);
    y[i] = x0 + 0.8 * a - 0.4 + 0.3 * (rng.random() - 0.5) > 0 ? 1 : 0;
  }
  return { X, y };
}

/** The true rule as the "model": the score depends on x0 and c only. */
const score = (X: Matrix) => Float32Array.from({ length: X.rows }, (_, i) => 1 / (1 + Math.exp(-(3 * X.data[i * 4] + 2.4 * X.data[i * 4 + 2] - 1.2))));

describe('permutationImportance', () => {
  const { X, y } = data(2000);
  const groups = featureGroups(null, ['x0', 'x1', 'c=a', 'c=b'], 4);

  it('groups one-hot names, and ranks the columns the score uses above the one it ignores', () => {
    expect(groups).toEqual([
      { column: 'x0', features: [0] },
      { column: 'x1', features: [1] },
      { column: 'c', features: [2, 3] },
    ]);
    const before = X.data.slice();
    const imp = permutationImportance(score, X, y, groups);
    expect(imp.map((i) => i.column)).toEqual(['x0', 'c', 'x1']);
    expect(imp[0].aucDrop).toBeGreaterThan(0.2);
    expect(imp[1].aucDrop).toBeGreaterThan(0.05);
    expect(imp[2].aucDrop).toBe(0); // the score never reads x1: shuffling it changes nothing
    expect(X.data).toEqual(before); // X is left as it was
  });

  it('is reproducible with its seed, and keeps the top n', () => {
    expect(permutationImportance(score, X, y, groups, { seed: 7 })).toEqual(permutationImportance(score, X, y, groups, { seed: 7 }));
    expect(permutationImportance(score, X, y, groups, { top: 1 })).toHaveLength(1);
  });

  it('takes the groups from a CSV preparation\'s columns when there is one', () => {
    const preparation = {
      kind: 'csv' as const,
      preprocessor: {
        format: 'densely.preprocessor' as const,
        version: 1 as const,
        columns: [
          { name: 'age', type: 'standardize' as const, mean: 40, std: 10, fill: null },
          { name: 'plan', type: 'onehot' as const, categories: ['a', 'b', 'c'] },
          { name: 'vip', type: 'binary' as const, fill: null },
        ],
        label: null,
        dropped: [],
        impute: 'none' as const,
        featureNames: ['age', 'plan=a', 'plan=b', 'plan=c', 'vip'],
      },
    };
    expect(featureGroups(preparation, undefined, 5).map((g) => [g.column, g.features])).toEqual([['age', [0]], ['plan', [1, 2, 3]], ['vip', [4]]]);
    expect(() => featureGroups(preparation, undefined, 6)).toThrow(/makes 5 features but the model takes 6/);
    expect(featureGroups(null, undefined, 2)).toEqual([{ column: 'feature 0', features: [0] }, { column: 'feature 1', features: [1] }]);
  });
});
