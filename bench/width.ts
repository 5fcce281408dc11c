/**
 * The width sweep: µs per training step of 50 → h → h → 1 (relu, relu, sigmoid; Adam; binary
 * cross-entropy) on DENSE random inputs (no one-hot zeros to skip), for hidden widths 64, 256
 * and 1024 at batch 32 and 256, each system and shape in its own process:
 *
 *   densely-js     bench/peers/densely-width.ts --backend js     (fit: shuffle and gather included)
 *   densely-wasm-1t  bench/peers/densely-width.ts --backend wasm --threads 1
 *   densely-wasm-2t  bench/peers/densely-width.ts --backend wasm --threads 2  (gemms past SPLIT_MIN_FLOPS on two threads)
 *   tfjs-wasm      bench/peers/tfjs-width.ts --backend wasm       (trainOnBatch on a fixed batch)
 *   pytorch-1t     bench/peers/torch-width.py --threads 1         (shuffled batches, index_select)
 *   pytorch-2t     bench/peers/torch-width.py --threads 2
 *
 * One timing protocol for all (bench/peers/width-common.ts): about 0.3 s of steps per call, a
 * warm-up call, then the median of 5. PyTorch rows say "skipped" where no python3 has torch.
 *
 *   node bench/build.mjs && node tmp/bench/width.mjs [--quick]
 */
import { defaultOptions, mdTable, num, pythonWithTorch, ratio, runChild, sectionMain, TORCH_SKIPPED, type BenchOptions, type Goal, type Section } from './harness.js';
import type { WidthRow } from './peers/width-common.js';

const SYSTEMS = ['densely-js', 'densely-wasm-1t', 'densely-wasm-2t', 'tfjs-wasm', 'pytorch-1t', 'pytorch-2t'] as const;

export async function benchWidth(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const torch = pythonWithTorch();
  const shapes: [number, number][] = opts.quick ? [[64, 32], [256, 32]] : [[64, 32], [64, 256], [256, 32], [256, 256], [1024, 32], [1024, 256]];
  const results = new Map<string, WidthRow>();
  const failures: string[] = [];
  for (const [hidden, batch] of shapes) {
    const shape = ['--hidden', String(hidden), '--batch', String(batch)];
    const runs: [string, () => Promise<WidthRow>][] = [
      ['densely-js', async () => (await runChild<WidthRow>('peers/densely-width', [...shape, '--backend', 'js'], { label: `width densely-js h${hidden} b${batch}`, measuresDensely: true })).json],
      ...([1, 2] as const).map((t): [string, () => Promise<WidthRow>] => [
        `densely-wasm-${t}t`,
        async () => (await runChild<WidthRow>('peers/densely-width', [...shape, '--backend', 'wasm', '--threads', String(t)], { label: `width densely-wasm-${t}t h${hidden} b${batch}`, measuresDensely: true })).json,
      ]),
      ['tfjs-wasm', async () => (await runChild<WidthRow>('peers/tfjs-width', [...shape, '--backend', 'wasm'], { label: `width tfjs-wasm h${hidden} b${batch}` })).json],
    ];
    if (torch) {
      for (const threads of [1, 2]) {
        runs.push([`pytorch-${threads}t`, async () => (await runChild<WidthRow>('peers/torch-width.py', [...shape, '--threads', String(threads)], { label: `width pytorch-${threads}t h${hidden} b${batch}`, python: torch.python })).json]);
      }
    }
    for (const [name, run] of runs) {
      opts.log(`width: ${name}, hidden ${hidden}, batch ${batch} (own process)…`);
      try {
        const r = await run();
        results.set(`${name}|${hidden}|${batch}`, r);
        opts.log(`width: ${name}, hidden ${hidden}, batch ${batch}: ${r.usPerStep.toFixed(0)} µs/step`);
      } catch (e) {
        failures.push(`${name} hidden ${hidden} batch ${batch}: ${(e as Error).message.split('\n')[0]}`);
        opts.log(`width: ${name} hidden ${hidden} batch ${batch} failed: ${(e as Error).message}`);
      }
    }
  }

  const us = (system: string, h: number, b: number) => results.get(`${system}|${h}|${b}`)?.usPerStep;
  const per = (peer: number | undefined, mine: number | undefined) => (peer !== undefined && mine !== undefined ? ratio(peer / mine) : 'n/a');
  const table = mdTable(
    ['hidden', 'batch', ...SYSTEMS.map((s) => `${s} µs`), 'pytorch-1t ÷ wasm-1t', 'pytorch-1t ÷ wasm-2t', 'pytorch-2t ÷ wasm-2t', 'wasm-1t ÷ wasm-2t', 'pytorch-1t ÷ js', 'tfjs-wasm ÷ wasm-1t'],
    shapes.map(([h, b]) => [
      h,
      b,
      ...SYSTEMS.map((s) => (us(s, h, b) === undefined ? (s.startsWith('pytorch') && !torch ? 'skipped' : 'n/a') : num(us(s, h, b), 0))),
      per(us('pytorch-1t', h, b), us('densely-wasm-1t', h, b)),
      per(us('pytorch-1t', h, b), us('densely-wasm-2t', h, b)),
      per(us('pytorch-2t', h, b), us('densely-wasm-2t', h, b)),
      per(us('densely-wasm-1t', h, b), us('densely-wasm-2t', h, b)),
      per(us('pytorch-1t', h, b), us('densely-js', h, b)),
      per(us('tfjs-wasm', h, b), us('densely-wasm-1t', h, b)),
    ]),
  );
  const goals: Goal[] = [];
  if (torch) {
    for (const [h, b] of shapes) {
      const w = us('densely-wasm-1t', h, b);
      const w2 = us('densely-wasm-2t', h, b);
      const p = us('pytorch-1t', h, b);
      if (w !== undefined && p !== undefined) {
        const target = h <= 256 ? 1 : 1 / 1.5;
        goals.push({
          goal: `width sweep h${h} b${b}: densely-wasm (1 thread) vs pytorch-1t`,
          target: h <= 256 ? 'faster (÷ > 1)' : 'within 1.5× (÷ ≥ 0.67)',
          measured: `pytorch ÷ wasm = ${ratio(p / w)}`,
          met: opts.quick ? null : p / w >= target,
        });
      }
      if (w2 !== undefined && p !== undefined) {
        goals.push({
          goal: `width sweep h${h} b${b}: densely-wasm (2 threads) vs pytorch-1t`,
          target: 'faster (÷ > 1)',
          measured: `pytorch-1t ÷ wasm-2t = ${ratio(p / w2)}`,
          met: opts.quick ? null : p / w2 > 1,
        });
      }
    }
  }
  const lines = [
    '50 → hidden → hidden → 1 (relu, relu, sigmoid), Adam, binary cross-entropy, on dense standard-normal inputs; each system and shape in its own process, ' +
      'timed the same way (bench/peers/width-common.ts: ~0.3 s of steps per call, warm-up, median of 5). densely steps are `fit` steps (shuffle and gather included); ' +
      'tfjs-wasm is `trainOnBatch` on a fixed batch; PyTorch gathers shuffled batches with `index_select`, with OpenBLAS and OpenMP limited to the thread count. ' +
      '"X ÷ wasm-1t" > 1 means densely-wasm on one thread is that many times faster. densely-wasm-2t splits each gemm of at least SPLIT_MIN_FLOPS ' +
      '(src/backends/wasm/index.ts) across two threads; smaller ones stay on one. The machine may be shared with other work: a second core that is busy makes 2t no faster than 1t.',
    '',
    table,
  ];
  if (!torch) lines.push('', TORCH_SKIPPED);
  else lines.push('', `PyTorch ${torch.version} (${torch.python}).`);
  if (failures.length) lines.push('', ...failures.map((f) => `- failed: ${f}`));
  return { title: 'Width sweep (µs/step, dense inputs)', markdown: lines.join('\n'), goals };
}

await sectionMain('width', benchWidth);
