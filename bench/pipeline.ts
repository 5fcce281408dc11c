/**
 * The whole marketing pipeline, end to end, one system per child process:
 *
 *   densely     bench/peers/densely-pipeline.ts
 *   tfjs-cpu    bench/peers/tfjs-pipeline.ts --backend cpu
 *   tfjs-wasm   bench/peers/tfjs-pipeline.ts --backend wasm
 *   CLI         node bin/densely.js train --json   (the `npm start` figure: its peak RSS)
 *
 * Each child loads the bank data, splits it as sklearn does (the same indices for all), trains
 * 50→64→64→1 with Adam(1e-3) and binary cross-entropy, batch 32, shuffled, and prints one JSON
 * line. A child's peak RSS is its own (`process.resourceUsage().maxRSS`), never the parent's.
 *
 * The densely children run under plain node when bundled (`npm run bench`); see bench/harness.ts.
 *
 * Run alone: node bench/build.mjs && node tmp/bench/pipeline.mjs [--quick]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultOptions, mdTable, num, ratio, ROOT, runChild, sectionMain, type BenchOptions, type Goal, type Section } from './harness.js';

// ---- the pipeline section -------------------------------------------------

/** What both pipeline children print. */
export interface PipelineResult {
  system: string;
  backend?: string;
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
  trainRows: number;
  epochs: number;
  batchSize: number;
  fitSeconds: number;
  usPerStep: number;
  samplesPerSecond: number;
  test: { loss: number; accuracy: number; auc: number };
  peakRssMB?: number;
}

const RSS_GOAL_MB = 150;

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
  const systems: { name: string; script: string; args: string[] }[] = [
    { name: 'densely', script: 'peers/densely-pipeline', args: common },
    { name: 'tfjs-cpu', script: 'peers/tfjs-pipeline', args: [...common, '--backend', 'cpu'] },
    { name: 'tfjs-wasm', script: 'peers/tfjs-pipeline', args: [...common, '--backend', 'wasm'] },
  ];
  const results = new Map<string, PipelineResult>();
  const failures: string[] = [];
  for (const s of systems) {
    opts.log(`pipeline: ${s.name} (${epochs} epochs, own process)…`);
    try {
      const { json } = await runChild<PipelineResult>(s.script, s.args, { label: `pipeline ${s.name}`, measuresDensely: s.name === 'densely' });
      results.set(s.name, json);
      opts.log(`pipeline: ${s.name}: fit ${json.fitSeconds.toFixed(2)} s, ${json.usPerStep.toFixed(0)} µs/step, AUC ${json.testAuc.toFixed(4)}`);
    } catch (e) {
      failures.push(`${s.name}: ${(e as Error).message.split('\n')[0]}`);
      opts.log(`pipeline: ${s.name} failed: ${(e as Error).message}`);
    }
  }

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

  const d = results.get('densely');
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
    mdTable(['system', 'fit s', 'fit CPU s', 'µs/step', 'samples/s', 'test acc', 'test AUC', 'peak RSS MB', 'heap MB', 'fit time ÷ densely'], rows),
    '',
    '"fit time ÷ densely" > 1 means densely is that many times faster (wall time). "fit CPU s" well below "fit s" means the child waited for a core (a busy machine). Accuracy is `p > 0.5` on the test rows for every system; AUC is the project\'s `rocAuc`.',
  );
  const goals: Goal[] = [];
  if (d) {
    const peers = systems.filter((s) => s.name !== 'densely' && results.has(s.name));
    if (peers.length) {
      lines.push('', `Speed-up of densely: ${peers.map((s) => `${ratio((results.get(s.name) as PipelineResult).fitSeconds / d.fitSeconds)} vs ${s.name}`).join(', ')}.`);
    }
    for (const [peer, target] of [['tfjs-cpu', 10], ['tfjs-wasm', 4]] as const) {
      const r = results.get(peer);
      if (!r) continue;
      const x = r.fitSeconds / d.fitSeconds;
      goals.push({ goal: `pipeline fit, densely vs ${peer} (${epochs} epochs)`, target: `≥ ${target}×`, measured: ratio(x), met: opts.quick ? null : x >= target });
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
        [['densely train --json', num(cli.fitSeconds, 2), num(cli.usPerStep, 0), num(cli.samplesPerSecond, 0), num(cli.test.accuracy, 4), num(cli.test.auc, 4), num(rss, 0), verdict]],
      ),
    );
  }
  if (distNote) lines.push('', distNote);
  if (failures.length) lines.push('', ...failures.map((f) => `- failed: ${f}`));
  return { title: 'Whole pipeline (bank data)', markdown: lines.join('\n'), goals };
}

await sectionMain('pipeline', benchPipeline);
