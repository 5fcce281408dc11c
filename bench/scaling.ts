/**
 * Does densely's training throughput hold as the data grows? One epoch of batch 32 over 10k,
 * 100k and 1M rows of synthetic data shaped like the bank data (50 features, ~12% positives),
 * each size in its own child process, reporting samples/s and the child's peak RSS.
 * Samples/s should be flat: a step costs the same whatever the row count, and nothing but the
 * data itself grows with it. Each child first warms the JIT up on a separate small model.
 *
 *   node tmp/bench/scaling.mjs [--quick]          the table (quick: 10k and 100k rows)
 *   node tmp/bench/scaling.mjs --child 1000000    one size, one JSON line (what the table runs)
 *
 * (tmp/bench/*.mjs are built by `node bench/build.mjs`; `npx tsx bench/scaling.ts` works too, but
 * under-reports: see bench/harness.ts.)
 */
import { Dense } from '../src/nn/dense.js';
import { Sequential } from '../src/nn/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { Matrix } from '../src/tensor/matrix.js';
import type { Threads } from '../src/backends/index.js';
import { defaultOptions, isMain, mdTable, num, ratio, runChild, sectionMain, type BenchOptions, type Section } from './harness.js';

export const FEATURES = 50;
export const POSITIVE_RATE = 0.12;

/**
 * Synthetic rows shaped like the bank data: X [rows, 50] standard normal, y ~12% ones, and
 * the first 5 features shifted by +0.75 on positive rows so there is something to learn.
 * Deterministic for a seed (mulberry32 uniforms, Box–Muller normals); one Float32Array each.
 */
export function syntheticBank(rows: number, seed = 7, features = FEATURES): { X: Matrix; y: Float32Array } {
  let s = seed >>> 0;
  const uniform = (): number => {
    // mulberry32: a 32-bit state, full period, good enough for benchmark data
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const X = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  for (let i = 0; i < X.length; i += 2) {
    const u1 = 1 - uniform(); // (0, 1], so log is finite
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    X[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < X.length) X[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  for (let r = 0; r < rows; r++) {
    if (uniform() < POSITIVE_RATE) {
      y[r] = 1;
      for (let j = 0; j < Math.min(5, features); j++) X[r * features + j] += 0.75;
    }
  }
  return { X: new Matrix(rows, features, X), y };
}

/** The pipeline's model: 50 → 64 relu → 64 relu → 1 sigmoid, Adam, binary cross-entropy. */
export function pipelineModel(features = FEATURES, seed = 42, backend?: string, hidden = 64, threads?: Threads): Sequential {
  const model = new Sequential(
    [
      new Dense(hidden, { activation: 'relu', inputShape: [features] }),
      new Dense(hidden, { activation: 'relu' }),
      new Dense(1, { activation: 'sigmoid' }),
    ],
    { seed, backend, threads },
  );
  model.compile({ optimizer: new Adam(), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return model;
}

interface ScalingResult {
  rows: number;
  steps: number;
  generateSeconds: number;
  fitSeconds: number;
  /** CPU time (user + system) of this process during fit: well below fitSeconds means it was waiting for a core. */
  fitCpuSeconds: number;
  usPerStep: number;
  samplesPerSecond: number;
  loss: number;
  peakRssMB: number;
  heapUsedMB: number;
}

function child(rows: number): void {
  const t0 = performance.now();
  const { X, y } = syntheticBank(rows);
  const generateSeconds = (performance.now() - t0) / 1000;
  // warm-up on a separate model and small data, so the JIT's start-up is not charged to the
  // smallest size; the timed model starts fresh
  const warm = syntheticBank(200 * 32, 3);
  pipelineModel().fit(warm.X, warm.y, { epochs: 1, batchSize: 32, verbose: 0 });
  const model = pipelineModel();
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  const history = model.fit(X, y, { epochs: 1, batchSize: 32, shuffle: true, verbose: 0 });
  const fitSeconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(c1);
  const steps = Math.ceil(rows / 32);
  const result: ScalingResult = {
    rows,
    steps,
    generateSeconds,
    fitSeconds,
    fitCpuSeconds: (cpu.user + cpu.system) / 1e6,
    usPerStep: (fitSeconds * 1e6) / steps,
    samplesPerSecond: rows / fitSeconds,
    loss: history.history.loss[0],
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export async function benchScaling(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const sizes = opts.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const results: ScalingResult[] = [];
  const failures: string[] = [];
  for (const rows of sizes) {
    opts.log(`scaling: ${num(rows)} rows, 1 epoch (own process)…`);
    try {
      const { json } = await runChild<ScalingResult>('scaling', ['--child', String(rows)], { label: `scaling ${num(rows)} rows`, measuresDensely: true });
      results.push(json);
      opts.log(`scaling: ${num(rows)} rows: ${num(json.samplesPerSecond)} samples/s, peak RSS ${num(json.peakRssMB)} MB`);
    } catch (e) {
      failures.push(`${rows} rows: ${(e as Error).message.split('\n')[0]}`);
      opts.log(`scaling: ${rows} rows failed: ${(e as Error).message}`);
    }
  }
  const base = results[0];
  const table = mdTable(
    ['rows', 'steps', 'fit s', 'fit CPU s', 'µs/step', 'samples/s', 'samples/s ÷ first', 'data MB', 'peak RSS MB'],
    results.map((r) => [
      num(r.rows),
      num(r.steps),
      num(r.fitSeconds, 2),
      num(r.fitCpuSeconds, 2),
      num(r.usPerStep, 0),
      num(r.samplesPerSecond),
      base ? ratio(r.samplesPerSecond / base.samplesPerSecond) : 'n/a',
      num((r.rows * (FEATURES + 1) * 4) / 2 ** 20, 0),
      num(r.peakRssMB, 0),
    ]),
  );
  const lines = [
    `densely only: ${FEATURES} → 64 → 64 → 1, batch 32, 1 epoch, synthetic data (${FEATURES} features, ~${POSITIVE_RATE * 100}% positives, seeded). ` +
      'One child process per size, each warmed up first with 200 steps of a separate model. "samples/s ÷ first" near 1.00× means throughput is flat; "data MB" is X and y as float32.',
    '',
    table,
  ];
  if (failures.length) lines.push('', ...failures.map((f) => `- failed: ${f}`));
  return { title: 'Scaling with rows (densely)', markdown: lines.join('\n') };
}

if (isMain('scaling') && process.argv.includes('--child')) child(Number(process.argv[process.argv.indexOf('--child') + 1]));
else await sectionMain('scaling', benchScaling);
