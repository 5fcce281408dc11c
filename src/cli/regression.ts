/**
 * A regression model's predictions against the true numbers: mean absolute error, root mean
 * squared error and R² (sklearn's r2_score: 1 − Σ(y − p)² / Σ(y − ȳ)²), summed in float64.
 */

export interface RegressionFigures {
  rows: number;
  mae: number;
  rmse: number;
  /** NaN when every true value is the same (no variance to explain). */
  r2: number;
}

/**
 * @example
 * regressionFigures(Float32Array.of(1, 2, 4), Float32Array.of(1, 3, 3)); // { rows: 3, mae: 0.667, rmse: 0.816, r2: 0 }
 */
export function regressionFigures(pred: ArrayLike<number>, y: ArrayLike<number>): RegressionFigures {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let abs = 0;
  let sq = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i] - pred[i];
    abs += Math.abs(e);
    sq += e * e;
    total += (y[i] - mean) ** 2;
  }
  return { rows: n, mae: abs / n, rmse: Math.sqrt(sq / n), r2: total > 0 ? 1 - sq / total : NaN };
}

/** One line: `mae 1.2345 - rmse 2.3456 - R² 0.8765`. */
export function formatRegression(f: RegressionFigures): string {
  return `mae ${f.mae.toFixed(4)} - rmse ${f.rmse.toFixed(4)} - R² ${Number.isNaN(f.r2) ? 'n/a' : f.r2.toFixed(4)}`;
}
