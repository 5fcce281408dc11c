/**
 * The whole marketing pipeline, end to end, one system per child process:
 *
 *   densely-wasm     bench/peers/densely-pipeline.ts --backend wasm   (forced)
 *   densely-wasm-1t  bench/peers/densely-pipeline.ts --backend wasm --threads 1 (an ordinary, unshared memory)
 *   densely default  bench/peers/densely-pipeline.ts --backend default (what a user gets: threads 'auto')
 *   densely-js       bench/peers/densely-pipeline.ts --backend js
 *   tfjs-cpu         bench/peers/tfjs-pipeline.ts --backend cpu
 *   tfjs-wasm        bench/peers/tfjs-pipeline.ts --backend wasm
 *   pytorch-1t       bench/peers/torch-pipeline.py --threads 1   (when a python3 with torch exists)
 *   CLI              node bin/densely.js train --json   (the `npm start` figure: its peak RSS)
 *
 * Each child loads the bank data, splits it as sklearn does (the same indices for all: PyTorch
 * reads densely's splitIndices from a JSON file this section writes), trains 50→64→64→1 with
 * Adam(1e-3) and binary cross-entropy, batch 32, shuffled, and prints one JSON line. A child's
 * peak RSS is its own (`process.resourceUsage().maxRSS`, Python's getrusage), never the parent's.
 *
 * The densely children run under plain node when bundled (`npm run bench`); see bench/harness.ts.
 *
 * Run alone: node bench/build.mjs && node tmp/bench/pipeline.mjs [--quick]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitIndices } from '../src/data/split.js';
import { rocAuc } from '../src/nn/metrics.js';
import { defaultOptions, mdTable, num, pythonWithTorch, ratio, ROOT, runChild, sectionMain, TORCH_SKIPPED, type BenchOptions, type Goal, type Section } from './harness.js';
import { accuracy, loadBankSplit } from './peers/densely-pipeline.js';

// ---- the pipeline section -------------------------------------------------

/** What both pipeline children print. */
export interface PipelineResult {
  system: string;
  backend?: string;
  /** densely: the most threads its gemms may use (its gemms at batch 32 are all below the split threshold). */
  threads?: number;
  rows: number;
  features: number;
  trainRows: number;
  testRows: number;
  epochs: number;
  batchSize: number;
  steps: number;
  fitSeconds: number;
  /** CPU time (user + system) of the child during fit: well below fitSeconds means it waited for a core. */
  fitCpuSeconds: number;
  usPerStep: number;
  samplesPerSecond: number;
  testLoss: number;
  testAccuracy: number;
  testAuc: number;
  peakRssMB: number;
  heapUsedMB: number;
  totalSeconds: number;
}

/** What `densely train --json` prints (the fields used here). */
interface CliResult {
  backend?: string;
  trainRows: number;
  epochs: number;
  batchSize: number;
  fitSeconds: number;
  usPerStep: number;
  samplesPerSecond: number;
  test: { loss: number; accuracy: number; auc: number };
  peakRssMB?: number;
}

const RSS_GOAL_MB = 100;

/** The newest modification time under a folder (for "is dist older than src?"). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure dist/ holds a build of the current src/ (the CLI runs from dist). Returns a note
 * for the report when it had to build, or when the build reported errors.
 */
export function ensureDist(log: (line: string) => void): string {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  const stale = !existsSync(main) || statSync(main).mtimeMs < newestMtime(join(ROOT, 'src'));
  if (!stale) return '';
  log('pipeline: building dist/ (npx tsc -p tsconfig.build.json) for the CLI run');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const r = spawnSync(npx, ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    const msg = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(0, 5).join('; ');
    if (!existsSync(main)) throw new Error(`could not build dist/: ${msg}`);
    return `dist/ was rebuilt from src/, with compile errors (${msg}).`;
  }
  return 'dist/ was rebuilt from the current src/ before this run.';
}

export async function benchPipeline(opts: BenchOptions = defaultOptions()): Promise<Section> {
  const epochs = opts.quick ? 1 : 10;
  const common = ['--epochs', String(epochs), '--batch-size', '32'];
  const torch = pythonWithTorch();
  // the split PyTorch trains on: densely's own indices (sklearn-identical), so every system sees the same rows
  const bank = loadBankSplit();
  const splitDir = mkdtempSync(join(tmpdir(), 'densely-bench-split-'));
  const splitFile = join(splitDir, 'split.json');
  const { train, test } = splitIndices(bank.rows, { testSize: 0.2, randomState: 42 });
  writeFileSync(splitFile, JSON.stringify({ train: Array.from(train), test: Array.from(test) }));
  const systems: { name: string; script: string; args: string[]; python?: string }[] = [
    { name: 'densely-wasm', script: 'peers/densely-pipeline', args: [...common, '--backend', 'wasm'] },
    { name: 'densely-wasm-1t', script: 'peers/densely-pipeline', args: [...common, '--backend', 'wasm', '--threads', '1'] },
    { name: 'densely (default)', script: 'peers/densely-pipeline', args: [...common, '--backend', 'default'] },
    { name: 'densely-js', script: 'peers/densely-pipeline', args: [...common, '--backend', 'js'] },
    { name: 'tfjs-cpu', script: 'peers/tfjs-pipeline', args: [...common, '--backend', 'cpu'] },
    { name: 'tfjs-wasm', script: 'peers/tfjs-pipeline', args: [...common, '--backend', 'wasm'] },
    ...(torch ? [{ name: 'pytorch-1t', script: 'peers/torch-pipeline.py', args: [...common, '--threads', '1', '--split', splitFile], python: torch.python }] : []),
  ];
  const results = new Map<string, PipelineResult>();
  const failures: string[] = [];
  for (const s of systems) {
    opts.log(`pipeline: ${s.name} (${epochs} epochs, own process)…`);
    try {
      const { json } = await runChild<PipelineResult & { probabilities?: number[]; backend?: string }>(s.script, s.args, {
        label: `pipeline ${s.name}`,
        measuresDensely: s.name.startsWith('densely'),
        python: s.python,
      });
      if (json.probabilities) {
        // PyTorch hands back its test probabilities: scored here exactly as the others score theirs
        json.testAccuracy = accuracy(json.probabilities, bank.yTest.data);
        json.testAuc = rocAuc(json.probabilities, bank.yTest.data);
        json.heapUsedMB = Number.NaN;
        delete json.probabilities;
      }
      if (s.name === 'densely (default)' && json.backend) s.name = `densely (default: ${json.backend}${json.backend === 'wasm' ? `, threads ${json.threads ?? 1}` : ''})`;
      results.set(s.name, json);
      opts.log(`pipeline: ${s.name}: fit ${json.fitSeconds.toFixed(2)} s, ${json.usPerStep.toFixed(0)} µs/step, AUC ${json.testAuc.toFixed(4)}`);
    } catch (e) {
      failures.push(`${s.name}: ${(e as Error).message.split('\n')[0]}`);
      opts.log(`pipeline: ${s.name} failed: ${(e as Error).message}`);
    }
  }

  rmSync(splitDir, { recursive: true, force: true });

  // the real CLI, as `npm start` runs it
  let cli: CliResult | null = null;
  let distNote = '';
  try {
    distNote = ensureDist(opts.log);
    opts.log('pipeline: node bin/densely.js train --json…');
    const cliArgs = ['train', '--json', ...(opts.quick ? ['--epochs', String(epochs)] : [])];
    cli = (await runChild<CliResult>('bin/densely.js', cliArgs, { file: true, measureRss: true, label: 'CLI `node bin/densely.js train`', measuresDensely: true })).json;
  } catch (e) {
    failures.push(`CLI: ${(e as Error).message.split('\n')[0]}`);
    opts.log(`pipeline: CLI failed: ${(e as Error).message}`);
  }

  const d = results.get('densely-wasm');
  const dJs = results.get('densely-js');
  const rows = systems
    .filter((s) => results.has(s.name))
    .map((s) => {
      const r = results.get(s.name) as PipelineResult;
      return [
        s.name,
        num(r.fitSeconds, 2),
        num(r.fitCpuSeconds, 2),
        num(r.usPerStep, 0),
        num(r.samplesPerSecond, 0),
        num(r.testAccuracy, 4),
        num(r.testAuc, 4),
        num(r.peakRssMB, 0),
        num(r.heapUsedMB, 0),
        d ? ratio(r.fitSeconds / d.fitSeconds) : 'n/a',
        dJs ? ratio(r.fitSeconds / dJs.fitSeconds) : 'n/a',
      ];
    });
  const lines: string[] = [];
  const any = [...results.values()][0];
  if (any) {
    lines.push(
      `Bank data ${any.rows} × ${any.features} features, sklearn split (test_size 0.2, random_state 42): ` +
        `train ${any.trainRows}, test ${any.testRows}; ${epochs} epoch(s) of batch 32 = ${any.steps} steps. ` +
        'One child process per system, run one after another.',
      '',
    );
  }
  lines.push(
    mdTable(['system', 'fit s', 'fit CPU s', 'µs/step', 'samples/s', 'test acc', 'test AUC', 'peak RSS MB', 'heap MB', 'fit time ÷ densely-wasm', 'fit time ÷ densely-js'], rows),
    '',
    '"fit time ÷ densely-…" > 1 means that densely backend is that many times faster (wall time). "fit CPU s" well below "fit s" means the child waited for a core (a busy machine). Accuracy is `p > 0.5` on the test rows for every system; AUC is the project\'s `rocAuc` (PyTorch\'s test probabilities are scored here, the same way). ' +
      'PyTorch: 1 thread (`torch.set_num_threads(1)`), Keras\'s defaults (glorot-uniform kernels, zero biases, Adam ε 1e-7), `BCEWithLogitsLoss`, the same split indices, shuffled batches of 32 gathered with `index_select`.',
  );
  if (!torch) lines.push('', TORCH_SKIPPED);
  else lines.push('', `PyTorch ${torch.version} (${torch.python}).`);
  const goals: Goal[] = [];
  if (d) {
    const peers = systems.filter((s) => !s.name.startsWith('densely') && results.has(s.name));
    if (peers.length) {
      lines.push('', `Speed-up of densely-wasm: ${peers.map((s) => `${ratio((results.get(s.name) as PipelineResult).fitSeconds / d.fitSeconds)} vs ${s.name}`).join(', ')}.`);
    }
    for (const [peer, target] of [['pytorch-1t', 4], ['tfjs-wasm', 20], ['tfjs-cpu', 10]] as const) {
      const r = results.get(peer);
      if (!r) continue;
      const x = r.fitSeconds / d.fitSeconds;
      goals.push({ goal: `pipeline fit, densely-wasm vs ${peer} (${epochs} epochs)`, target: `≥ ${target}×`, measured: ratio(x), met: opts.quick ? null : x >= target });
    }
    goals.push({ goal: 'pipeline accuracy / AUC on densely-wasm', target: '≥ 0.89 / ≥ 0.77', measured: `${num(d.testAccuracy, 4)} / ${num(d.testAuc, 4)}`, met: opts.quick ? null : d.testAccuracy >= 0.89 && d.testAuc >= 0.77 });
    if (dJs) {
      const gap = Math.max(Math.abs(d.testAccuracy - dJs.testAccuracy), Math.abs(d.testAuc - dJs.testAuc));
      goals.push({ goal: 'pipeline accuracy and AUC, wasm vs js backend', target: 'within 0.005', measured: num(gap, 4), met: gap <= 0.005 });
    }
  }
  if (cli) {
    const rss = cli.peakRssMB;
    if (rss !== undefined) goals.push({ goal: '`npm start` CLI peak RSS', target: `≤ ${RSS_GOAL_MB} MB`, measured: `${num(rss, 0)} MB`, met: rss <= RSS_GOAL_MB });
    const verdict = rss === undefined ? 'n/a' : rss <= RSS_GOAL_MB ? `✓ ≤ ${RSS_GOAL_MB} MB` : `✗ > ${RSS_GOAL_MB} MB`;
    lines.push(
      '',
      `**\`npm start\` (the real CLI):** \`node bin/densely.js train --json${opts.quick ? ` --epochs ${epochs}` : ''}\``,
      '',
      mdTable(
        ['command', 'fit s', 'µs/step', 'samples/s', 'test acc', 'test AUC', 'peak RSS MB', 'goal'],
        [[`densely train --json (backend ${cli.backend ?? 'n/a'})`, num(cli.fitSeconds, 2), num(cli.usPerStep, 0), num(cli.samplesPerSecond, 0), num(cli.test.accuracy, 4), num(cli.test.auc, 4), num(rss, 0), verdict]],
      ),
    );
  }
  if (distNote) lines.push('', distNote);
  if (failures.length) lines.push('', ...failures.map((f) => `- failed: ${f}`));
  return { title: 'Whole pipeline (bank data)', markdown: lines.join('\n'), goals };
}

await sectionMain('pipeline', benchPipeline);
