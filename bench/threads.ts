/**
 * One gemm on one thread against the same gemm split across two (the wasm backend), side by side
 * in one process: where does the handoff to the helper thread start to pay? The answer is
 * SPLIT_MIN_FLOPS in src/backends/wasm/index.ts.
 *
 * The shapes are the gemms of a training step of 50 → h → h → 1 at batch b (the width sweep):
 * forward NN [b, h]·[h, h], weight gradient TN [h, b]ᵀ·[b, h], input gradient NT [b, h]·[h, h]ᵀ,
 * plus the first layer's NN [b, 50]·[50, h]. For each, blocks of ~20 ms of calls alternate
 * between one thread and two, `--repeats` times (default 7); the table gives the median µs of
 * each and the range of the per-block ratio (the machine may be shared: read the ranges).
 *
 *   npx tsx bench/threads.ts [--repeats 7]
 *   node bench/build.mjs && node tmp/bench/threads.mjs
 */
import { threadedWasmBackend, wasmBackend } from '../src/backends/wasm/index.js';
import { twoThreadGemms } from '../src/backends/wasm/threads.js';
import type { Backend } from '../src/backends/backend.js';
import { mdTable, num } from './harness.js';

const repeatsArg = process.argv.indexOf('--repeats');
const REPEATS = repeatsArg > 0 ? Number(process.argv[repeatsArg + 1]) : 7;

interface Shape {
  label: string;
  tA: boolean;
  tB: boolean;
  M: number;
  N: number;
  K: number;
}

const shapes: Shape[] = [];
for (const [h, b] of [[64, 32], [64, 256], [128, 32], [256, 32], [128, 256], [256, 256], [512, 32], [1024, 32], [1024, 256]]) {
  shapes.push({ label: `NN x·W h${h} b${b}`, tA: false, tB: false, M: b, N: h, K: h });
  shapes.push({ label: `TN xᵀ·dZ h${h} b${b}`, tA: true, tB: false, M: h, N: h, K: b });
  shapes.push({ label: `NT dZ·Wᵀ h${h} b${b}`, tA: false, tB: true, M: b, N: h, K: h });
}
shapes.push({ label: 'NN first layer h1024 b256', tA: false, tB: false, M: 256, N: 1024, K: 50 });
shapes.push({ label: 'NN first layer h256 b32', tA: false, tB: false, M: 32, N: 256, K: 50 });

/** Operands in an arena of `backend`, filled the same way for both. */
function operands(backend: Backend, s: Shape) {
  const scratch = backend.gemmScratchFloats(s.M, s.N, s.K);
  const arena = backend.createArena(s.M * s.K + s.K * s.N + s.M * s.N + scratch);
  const A = arena.alloc(s.M * s.K);
  const B = arena.alloc(s.K * s.N);
  const C = arena.alloc(s.M * s.N);
  const S = arena.alloc(scratch);
  for (let i = 0; i < A.length; i++) A[i] = Math.sin(i);
  for (let i = 0; i < B.length; i++) B[i] = Math.cos(i);
  return () => backend.gemm(s.tA, s.tB, s.M, s.N, s.K, A, B, 0, C, S);
}

/** µs per call over a block of about `ms` milliseconds. */
function block(run: () => void, ms: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 4; i++) run();
    n += 4;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const two = threadedWasmBackend(0); // splits every product, to measure below the threshold too
const rows: (string | number)[][] = [];
for (const s of shapes) {
  const one = operands(wasmBackend, s);
  const split = operands(two, s);
  // the helper takes a new memory asynchronously: call until this arena's gemms really split
  for (let tries = 0, before = twoThreadGemms(); twoThreadGemms() === before && tries < 400; tries++) {
    split();
    await sleep(2);
  }
  block(one, 30);
  block(split, 30);
  const t1: number[] = [];
  const t2: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const a = block(one, 20);
    const b = block(split, 20);
    t1.push(a);
    t2.push(b);
    ratios.push(a / b);
  }
  const flops = 2 * s.M * s.N * s.K;
  rows.push([s.label, `${s.M}×${s.N}×${s.K}`, num(flops / 1e6, 2), num(median(t1), 1), num(median(t2), 1), `${num(median(ratios), 2)} (${num(Math.min(...ratios), 2)}–${num(Math.max(...ratios), 2)})`]);
  console.error(`${s.label}: 1t ${median(t1).toFixed(1)} µs, 2t ${median(t2).toFixed(1)} µs`);
}
rows.sort((a, b) => Number(a[2]) - Number(b[2]));
console.log(`gemm on the wasm backend, 1 thread vs 2 (median of ${REPEATS} alternating ~20 ms blocks; speedup = 1t ÷ 2t, range over blocks)\n`);
console.log(mdTable(['gemm', 'M×N×K', 'MFLOP', '1 thread µs', '2 threads µs', 'speedup (range)'], rows));
