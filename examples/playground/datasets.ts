/**
 * The 2-D datasets: points (x, y) in about [-1, 1]², each with a 0/1 label, drawn from a seeded
 * MT19937 (so a seed in the URL gives the same points everywhere). `noise` is in percent.
 */
import { MT19937 } from '../../src/index.js';
import type { DatasetName } from './config.js';
import { MARKETING_SAMPLE } from './marketing-sample.js';

export interface Points {
  /** [n, 2] row-major. */
  X: Float32Array;
  /** [n] labels, 0 or 1. */
  y: Float32Array;
  n: number;
}

export const POINTS = 400;

/** A standard normal draw (Box–Muller), from two uniform draws. */
function gaussian(rng: MT19937): number {
  const u = 1 - rng.random(); // (0, 1]: log(u) is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.random());
}

export function makeDataset(name: DatasetName, noisePercent: number, seed: number, n = POINTS): Points {
  const rng = new MT19937(seed);
  const noise = noisePercent / 100;
  if (name === 'marketing') return marketing(rng, noise);
  const X = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let px: number;
    let py: number;
    let label: number;
    if (name === 'circle') {
      // inside a radius of 0.5 is class 1; the ring from 0.7 to 1 is class 0
      label = i % 2;
      const r = label === 1 ? 0.5 * rng.random() : 0.7 + 0.3 * rng.random();
      const t = 2 * Math.PI * rng.random();
      px = r * Math.cos(t) + noise * 0.5 * gaussian(rng);
      py = r * Math.sin(t) + noise * 0.5 * gaussian(rng);
    } else if (name === 'xor') {
      // class 1 where x and y share a sign, kept a little away from the axes
      const pad = (v: number) => (v > 0 ? v + 0.05 : v - 0.05);
      px = pad(1.9 * rng.random() - 0.95);
      py = pad(1.9 * rng.random() - 0.95);
      label = px * py > 0 ? 1 : 0;
      px += noise * 0.5 * gaussian(rng);
      py += noise * 0.5 * gaussian(rng);
    } else if (name === 'spiral') {
      // two interleaved arms, each turning 1.75 times around the origin
      label = i % 2;
      const s = Math.floor(i / 2) / (n / 2);
      const r = 0.05 + 0.95 * s;
      const t = 1.75 * 2 * Math.PI * s + (label === 1 ? Math.PI : 0);
      px = r * Math.sin(t) + noise * 0.3 * gaussian(rng);
      py = r * Math.cos(t) + noise * 0.3 * gaussian(rng);
    } else {
      // two Gaussian clusters around (0.4, 0.4) and (−0.4, −0.4)
      label = i % 2;
      const c = label === 1 ? 0.4 : -0.4;
      const spread = 0.15 + noise * 0.6;
      px = c + spread * gaussian(rng);
      py = c + spread * gaussian(rng);
    }
    X[2 * i] = px;
    X[2 * i + 1] = py;
    y[i] = label;
  }
  return { X, y, n };
}

/**
 * Real customers (marketing-sample.ts): x = age, y = balance, label = subscribed. Two features
 * separate them only a little; that is the lesson. Noise jitters the points.
 */
function marketing(rng: MT19937, noise: number): Points {
  const n = MARKETING_SAMPLE.length / 3;
  const X = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = MARKETING_SAMPLE[3 * i] + noise * 0.3 * gaussian(rng);
    X[2 * i + 1] = MARKETING_SAMPLE[3 * i + 1] + noise * 0.3 * gaussian(rng);
    y[i] = MARKETING_SAMPLE[3 * i + 2];
  }
  return { X, y, n };
}
