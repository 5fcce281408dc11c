/**
 * GEMM ladder benchmark: GFLOPS of every rung at the MLP's shapes and at square sizes, with each
 * rung's speed-up over rung 0 (naive) and over the rung below it; then µs per call for every GEMM
 * in one training step of the Keras marketing MLP (51 → 64 → 64 → 1) at batch 32 and 256.
 *
 * Run: `node bench/build.mjs && node tmp/bench/gemm.mjs` (about 1.5 minutes; prints markdown
 * tables). `npm run bench` runs the ladder table alone, in this file's own process.
 * Single-threaded, plain TypeScript. GFLOPS = 2·M·N·K / seconds per call / 1e9, where seconds
 * per call is benchmark.js's fastest sample (each sample is the mean of a timed cycle of calls).
 *
 * Caveat, measured on Node 20: once anything in the process detaches an ArrayBuffer, V8
 * invalidates its "ArrayBufferDetaching" protector for good, and every typed-array access in
 * optimized code then carries an extra check: these kernels run 15–40% slower (packed 6.0 → 5.3
 * GFLOPS at 32×64×64, loop-order 1.73 → 1.26). Under tsx, loading a CommonJS package such as
 * benchmark.js does that (see `node --trace-protector-invalidation`); so does growing a
 * WebAssembly.Memory. Hence the bundle under plain node (bench/build.mjs, bench/harness.ts):
 * `npx tsx bench/gemm.ts` still works, but reads low.
 */
import Benchmark from 'benchmark';
import {
  gemm,
  gemmBlocked,
  gemmLoopOrder,
  gemmNaive,
  gemmPacked,
  gemmScratchFloats,
  gemmSmall,
  gemmDirect,
  gemmSparseA,
  sparseScratchFloats,
  packedScratchFloats,
} from '../src/tensor/gemm/index.js';
import { wasmBackend } from '../src/backends/wasm/index.js';
import { BUNDLED, defaultOptions, isMain, mdTable, num, ratio, sectionMain, type BenchOptions, type Goal, type Section } from './harness.js';

export interface GemmBenchRow {
  /** "M×K×N", e.g. "32×50×64": A is [M, K], B is [K, N]. */
  shape: string;
  rung: string;
  gflops: number;
  /** gflops / naive's gflops at the same shape. */
  vsNaive: number;
  /** gflops / the gflops of the rung below (see RUNGS; naive's is 1). */
  vsBelow: number;
}

export interface GemmMlpRow {
  batch: number;
  /** Which product of the training step, e.g. "dW1 = Xᵀ·dZ1". */
  op: string;
  variant: 'NN' | 'TN' | 'NT';
  M: number;
  N: number;
  K: number;
  rung: string;
  usPerCall: number;
  gflops: number;
}

type Call = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  scratch: Float32Array,
) => void;

/**
 * The ladder, bottom up. `below` names the rung each one is compared with: rungs 1, 2 and 3 the
 * one before; rungs 3′ and 3″ (register tiles without packing) branch off rung 2 like rung 3;
 * rung 4 (skip zeros of A) improves on 3″ only for sparse A, so the ladder is also run with
 * 70% of A zeroed at the MLP shapes (one-hot inputs and relu outputs are that sparse);
 * gemm, which dispatches by shape and density, is compared with rung 3.
 * Each rung gets its own arrow function, so each call site inside it sees a single kernel.
 */
const RUNGS: Array<{
  rung: string;
  below: string;
  call: Call;
  scratch: (M: number, N: number, K: number) => number;
  /** The operands must live in a wasm arena (the wasm backend's fast path): copied into one first. */
  arena?: boolean;
}> = [
  {
    rung: '0 naive',
    below: '0 naive',
    call: (tA, tB, M, N, K, A, B, C) => gemmNaive(tA, tB, M, N, K, A, B, 0, C),
    scratch: () => 0,
  },
  {
    rung: '1 loop-order',
    below: '0 naive',
    call: (tA, tB, M, N, K, A, B, C) => gemmLoopOrder(tA, tB, M, N, K, A, B, 0, C),
    scratch: () => 0,
  },
  {
    rung: '2 blocked',
    below: '1 loop-order',
    call: (tA, tB, M, N, K, A, B, C) => gemmBlocked(tA, tB, M, N, K, A, B, 0, C),
    scratch: () => 0,
  },
  {
    rung: '3 packed (BLIS, 3×4 tile)',
    below: '2 blocked',
    call: (tA, tB, M, N, K, A, B, C, S) => gemmPacked(tA, tB, M, N, K, A, B, 0, C, S),
    scratch: packedScratchFloats,
  },
  {
    rung: "3′ small (4×4 tile, no packing)",
    below: '2 blocked',
    call: (tA, tB, M, N, K, A, B, C) => gemmSmall(tA, tB, M, N, K, A, B, 0, C),
    scratch: () => 0,
  },
  {
    rung: '3″ direct (3×4 tile in place)',
    below: '2 blocked',
    call: (tA, tB, M, N, K, A, B, C) => gemmDirect(tA, tB, M, N, K, A, B, 0, C),
    scratch: () => 0,
  },
  {
    rung: '4 sparse-A (skips zeros of A)',
    below: '3″ direct (3×4 tile in place)',
    call: (tA, tB, M, N, K, A, B, C, S) => gemmSparseA(tA, tB, M, N, K, A, B, 0, C, S),
    scratch: (_M, _N, K) => sparseScratchFloats(K),
  },
  {
    rung: 'gemm (dispatch)',
    below: '3 packed (BLIS, 3×4 tile)',
    call: (tA, tB, M, N, K, A, B, C, S) => gemm(tA, tB, M, N, K, A, B, 0, C, S),
    scratch: gemmScratchFloats,
  },
  {
    // src/backends/wasm/kernels.wat: a 4×8 tile in eight v128 accumulators, op(B) packed in 8-column panels
    rung: 'wasm SIMD128 (4×8 tile, backend wasm)',
    below: 'gemm (dispatch)',
    call: (tA, tB, M, N, K, A, B, C, S) => wasmBackend.gemm(tA, tB, M, N, K, A, B, 0, C, S),
    scratch: wasmBackend.gemmScratchFloats,
    arena: true,
  },
];

/** A, B, an output C and a scratch of `scratch` floats: the given arrays, or copies in a wasm arena for an arena rung. */
function operands(arena: boolean | undefined, A: Float32Array, B: Float32Array, M: number, N: number, scratch: number): [Float32Array, Float32Array, Float32Array, Float32Array] {
  if (!arena) return [A, B, new Float32Array(M * N), new Float32Array(scratch)];
  const memory = wasmBackend.createArena(A.length + B.length + M * N + scratch);
  const a = memory.alloc(A.length);
  const b = memory.alloc(B.length);
  a.set(A);
  b.set(B);
  return [a, b, memory.alloc(M * N), memory.alloc(scratch)];
}

/** M×K×N, as in the MLP's batch-32 forward pass: X[32,50]·W[50,64], H[32,64]·W[64,64]; then square. */
const SHAPES: Array<[number, number, number]> = [
  [32, 50, 64],
  [32, 64, 64],
  [256, 256, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
];

/** A seeded fill in [-1, 1), so every run multiplies the same numbers. */
function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2147483648 - 1;
  }
  return a;
}

/**
 * Seconds per call of one rung on one problem, measured by benchmark.js (best sample).
 *
 * Fairness: the closure below is one function literal shared by every measurement, and
 * `warmUp` runs it once per rung first. Otherwise the first measurement would be the literal's
 * only closure (V8 then specializes it to its captured M, N, K as constants) and its only callee
 * (so V8 inlines the kernel), and would run faster than the same kernel measured later.
 */
function secondsPerCall(
  name: string,
  call: Call,
  args: [boolean, boolean, number, number, number, Float32Array, Float32Array, Float32Array, Float32Array],
  options: Benchmark.Options,
): number {
  const [tA, tB, M, N, K, A, B, C, S] = args;
  const bench = new Benchmark(name, () => call(tA, tB, M, N, K, A, B, C, S), options);
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  // Each sample is the mean of one timed cycle of calls. Report the fastest: the machine may be
  // shared, and other processes only ever make a sample slower.
  return Math.min(...bench.stats.sample);
}

/** Runs every rung through secondsPerCall's call site on a tiny problem (see secondsPerCall). */
function warmUp(): void {
  const one = new Float32Array(1);
  for (const { rung, call } of RUNGS) {
    secondsPerCall(`warm-up ${rung}`, call, [false, false, 1, 1, 1, one, one, new Float32Array(1), new Float32Array(64)], {
      minSamples: 1,
      maxTime: 0,
    });
  }
}

/** Few samples for the 1024³ problems (naive takes seconds per call); more for the rest. */
function optionsFor(flops: number): Benchmark.Options {
  return flops >= 1e9 ? { minSamples: 2, maxTime: 0, initCount: 1 } : { minSamples: 5, maxTime: 0.5 };
}

/**
 * GFLOPS of every rung at every shape (M×K×N; default: the five above), with the ratios to naive
 * and to the rung below. `log` gets one line per measurement, as it happens.
 */
export async function benchGemm(
  options: { shapes?: Array<[number, number, number]>; log?: (line: string) => void } = {},
): Promise<GemmBenchRow[]> {
  const { shapes = SHAPES, log = () => {} } = options;
  warmUp();
  const rows: GemmBenchRow[] = [];
  const cases: Array<[number, number, number, number]> = shapes.map(([M, K, N]) => [M, K, N, 1]);
  for (const [M, K, N] of shapes) if (M <= 64) cases.push([M, K, N, 0.3]);
  for (const [M, K, N, density] of cases) {
    const shape = `${M}×${K}×${N}${density < 1 ? `, A ${density * 100}% nonzero` : ''}`;
    const A = filled(M * K, 1);
    if (density < 1) for (let i = 0; i < A.length; i++) if ((Math.imul(i + 1, 2654435761) >>> 0) / 4294967296 >= density) A[i] = 0;
    const B = filled(K * N, 2);
    const flops = 2 * M * N * K;
    const gflopsOf = new Map<string, number>();
    for (const { rung, below, call, scratch, arena } of RUNGS) {
      const [a, b, C, S] = operands(arena, A, B, M, N, scratch(M, N, K));
      const s = secondsPerCall(`${rung} ${shape}`, call, [false, false, M, N, K, a, b, C, S], optionsFor(flops));
      const gflops = flops / s / 1e9;
      gflopsOf.set(rung, gflops);
      const naive = gflopsOf.get(RUNGS[0].rung) ?? gflops;
      const row = { shape, rung, gflops, vsNaive: gflops / naive, vsBelow: gflops / (gflopsOf.get(below) ?? gflops) };
      rows.push(row);
      log(`${shape} ${rung}: ${gflops.toFixed(2)} GFLOPS`);
    }
  }
  return rows;
}

/**
 * Every GEMM of one training step of the 51 → 64 → 64 → 1 MLP, per call:
 * forward Y = X·W (NN), backward dW = Xᵀ·dZ (TN) and dX = dZ·Wᵀ (NT).
 */
export async function benchGemmMlp(
  options: { batches?: number[]; log?: (line: string) => void } = {},
): Promise<GemmMlpRow[]> {
  const { batches = [32, 256], log = () => {} } = options;
  warmUp();
  const rungs = [RUNGS[0], RUNGS[3], RUNGS[4], RUNGS[5], RUNGS[RUNGS.length - 2], RUNGS[RUNGS.length - 1]]; // naive, packed, small, direct, gemm, wasm
  const rows: GemmMlpRow[] = [];
  for (const b of batches) {
    const products: Array<[string, 'NN' | 'TN' | 'NT', number, number, number]> = [
      ['Z1 = X·W1', 'NN', b, 64, 51],
      ['Z2 = H1·W2', 'NN', b, 64, 64],
      ['Z3 = H2·W3', 'NN', b, 1, 64],
      ['dW3 = H2ᵀ·dZ3', 'TN', 64, 1, b],
      ['dH2 = dZ3·W3ᵀ', 'NT', b, 64, 1],
      ['dW2 = H1ᵀ·dZ2', 'TN', 64, 64, b],
      ['dH1 = dZ2·W2ᵀ', 'NT', b, 64, 64],
      ['dW1 = Xᵀ·dZ1', 'TN', 51, 64, b],
      ['dX = dZ1·W1ᵀ (fit skips it)', 'NT', b, 51, 64],
    ];
    for (const [op, variant, M, N, K] of products) {
      const tA = variant === 'TN';
      const tB = variant === 'NT';
      const A = filled(M * K, 3);
      const B = filled(K * N, 4);
      for (const { rung, call, scratch, arena } of rungs) {
        const [a, bb, C, S] = operands(arena, A, B, M, N, scratch(M, N, K));
        const s = secondsPerCall(`${rung} ${op}`, call, [tA, tB, M, N, K, a, bb, C, S], { minSamples: 5, maxTime: 0.25 });
        rows.push({ batch: b, op, variant, M, N, K, rung, usPerCall: s * 1e6, gflops: (2 * M * N * K) / s / 1e9 });
        log(`batch ${b} ${op} ${rung}: ${(s * 1e6).toFixed(2)} µs`);
      }
    }
  }
  return rows;
}

/** The ladder as a markdown table. */
export function gemmTable(rows: GemmBenchRow[]): string {
  const lines = ['| M×K×N | rung | GFLOPS | × naive | × rung below |', '| --- | --- | ---: | ---: | ---: |'];
  for (const r of rows) {
    lines.push(`| ${r.shape} | ${r.rung} | ${r.gflops.toFixed(2)} | ${r.vsNaive.toFixed(2)} | ${r.vsBelow.toFixed(2)} |`);
  }
  return lines.join('\n');
}

/** The training step's products as a markdown table, one column of µs per call per rung. */
export function gemmMlpTable(rows: GemmMlpRow[]): string {
  const rungs = [...new Set(rows.map((r) => r.rung))];
  const head = `| batch | product | variant | M, N, K | ${rungs.map((r) => `${r} µs`).join(' | ')} |`;
  const lines = [head, `| --- | --- | --- | --- | ${rungs.map(() => '---:').join(' | ')} |`];
  const keys = [...new Set(rows.map((r) => `${r.batch}|${r.op}`))];
  const total = new Map<string, number>();
  for (const key of keys) {
    const group = rows.filter((r) => `${r.batch}|${r.op}` === key);
    const g = group[0];
    const cells = rungs.map((rung) => {
      const r = group.find((x) => x.rung === rung);
      if (r) total.set(`${g.batch}|${rung}`, (total.get(`${g.batch}|${rung}`) ?? 0) + r.usPerCall);
      return r ? r.usPerCall.toFixed(2) : '';
    });
    lines.push(`| ${g.batch} | ${g.op} | ${g.variant} | ${g.M}, ${g.N}, ${g.K} | ${cells.join(' | ')} |`);
  }
  for (const b of [...new Set(rows.map((r) => r.batch))]) {
    const cells = rungs.map((rung) => (total.get(`${b}|${rung}`) ?? 0).toFixed(1));
    lines.push(`| ${b} | **all nine** | | | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const PACKED = RUNGS[3].rung;
const GEMM = RUNGS[RUNGS.length - 2].rung;
const WASM = RUNGS[RUNGS.length - 1].rung;

/** The report's section: the ladder (quick: without 1024³), and the GEMM goals. */
export async function gemmSection(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const shapes = opts.quick ? SHAPES.filter(([M]) => M < 1024) : SHAPES;
  const rows = await benchGemm({ shapes, log: (line) => opts.log(`gemm: ${line}`) });
  const at512 = rows.find((r) => r.shape === '512×512×512' && r.rung === PACKED);
  const goals: Goal[] = [];
  if (at512) goals.push({ goal: 'GEMM rung 3 (packed) GFLOPS at 512³', target: '≥ 5', measured: num(at512.gflops, 2), met: at512.gflops >= 5 });
  for (const shape of ['32×64×64', '256×256×256']) {
    const r = rows.find((x) => x.shape === shape && x.rung === WASM);
    if (r) goals.push({ goal: `GEMM wasm SIMD128 GFLOPS at ${shape} (one thread)`, target: '≥ 45', measured: num(r.gflops, 2), met: opts.quick ? null : r.gflops >= 45 });
  }
  for (const rung of [PACKED, GEMM, WASM]) {
    const of = rows.filter((r) => r.rung === rung);
    if (of.length === 0) continue;
    const worst = of.reduce((a, b) => (b.vsNaive < a.vsNaive ? b : a));
    goals.push({ goal: `GEMM ${rung} ÷ naive, minimum over shapes`, target: '≥ 3×', measured: `${ratio(worst.vsNaive)} (at ${worst.shape})`, met: worst.vsNaive >= 3 });
  }
  const markdown = [
    `Single thread, beta = 0, NN, float32; GFLOPS = 2·M·N·K ÷ seconds per call, from benchmark.js's fastest sample. ` +
      `Shapes are M×K×N: the MLP's batch-32 forward products, then square. "÷ rung below" compares each rung with the one it improves on ` +
      `(3′ branches off 2 like 3; "gemm" is compared with 3). Own process${BUNDLED ? ', plain node (bundled)' : ', under tsx (reads low)'}.`,
    '',
    mdTable(
      ['M×K×N', 'rung', 'GFLOPS', '÷ naive', '÷ rung below'],
      rows.map((r) => [r.shape, r.rung, num(r.gflops, 2), ratio(r.vsNaive), ratio(r.vsBelow)]),
      ['l', 'l', 'r', 'r', 'r'],
    ),
  ].join('\n');
  return { title: 'GEMM ladder (GFLOPS)', markdown, goals };
}

if (isMain('gemm') && process.argv.includes('--section')) await sectionMain('gemm', gemmSection);
else if (isMain('gemm')) {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  if (!BUNDLED) log('note: under tsx these numbers are 15–40% low; see the caveat at the top of bench/gemm.ts');
  console.log(`GEMM ladder, Node ${process.version}, single thread, beta = 0, NN\n`);
  console.log(gemmTable(await benchGemm({ log })));
  console.log('\nEvery GEMM of one MLP training step (51 → 64 → 64 → 1), µs per call\n');
  console.log(gemmMlpTable(await benchGemmMlp({ batches: [32, 256], log })));
}
