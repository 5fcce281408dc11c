/** Small deterministic helpers shared by the nn tests. */
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';

/** Uniform floats in [-scale, scale) from a seeded generator. */
export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const rng = new MT19937(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * (2 * rng.random() - 1);
  return a;
}

/** 0/1 labels from a seeded generator. */
export function randomLabels(n: number, seed: number): Float32Array {
  const rng = new MT19937(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.random() < 0.4 ? 1 : 0;
  return a;
}

/** Largest |a−b| / (atol + rtol·|b|); ≤ 1 means every element is within tolerance. */
export function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  return worst;
}

/**
 * Central difference of f with respect to arr[i], at steps h and h/2. Where the two disagree
 * the step crossed a kink (relu at 0), and the point is reported as not smooth so the caller
 * can skip it; a wrong analytic gradient disagrees with BOTH, so it is still caught.
 */
export function numericGrad(f: () => number, arr: Float32Array, i: number, h = 2e-3): { value: number; smooth: boolean } {
  const at = (step: number) => {
    const keep = arr[i];
    arr[i] = keep + step;
    const up = f();
    arr[i] = keep - step;
    const down = f();
    arr[i] = keep;
    return (up - down) / (2 * step);
  };
  const a = at(h);
  const b = at(h / 2);
  return { value: b, smooth: Math.abs(a - b) <= 2e-4 + 5e-3 * Math.abs(b) };
}

/** Checks analytic vs numeric gradients, skipping kinks; returns how many points were skipped. */
export function checkGradient(analytic: ArrayLike<number>, f: () => number, arr: Float32Array, atol = 2e-3, rtol = 3e-2): number {
  let skipped = 0;
  const bad: string[] = [];
  for (let i = 0; i < arr.length; i++) {
    const { value, smooth } = numericGrad(f, arr, i);
    if (!smooth) {
      skipped++;
      continue;
    }
    if (Math.abs(analytic[i] - value) > atol + rtol * Math.abs(value)) bad.push(`[${i}] analytic ${analytic[i]} vs numeric ${value}`);
  }
  if (bad.length > 0) throw new Error(`gradient mismatch at ${bad.length} of ${arr.length} points: ${bad.slice(0, 5).join('; ')}`);
  return skipped;
}

/**
 * n rows × d features uniform in [-1, 1) from MT19937(seed), and a 0/1 label: 1 when
 * Σ weight(j)·x_j + noise·(u − 0.5) > 0, u one more draw per row (none without `noise`).
 */
export function linearData(n: number, d: number, seed: number, weight: (j: number) => number, noise?: number): { X: Matrix; y: Float32Array } {
  const rng = new MT19937(seed);
  const X = new Matrix(n, d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = 2 * rng.random() - 1;
      X.data[i * d + j] = v;
      z += weight(j) * v;
    }
    y[i] = (noise === undefined ? z : z + noise * (rng.random() - 0.5)) > 0 ? 1 : 0;
  }
  return { X, y };
}
