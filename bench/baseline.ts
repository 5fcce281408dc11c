/**
 * Is the training step still as fast as it was at a baseline commit? Times densely's step (the
 * same `peers/densely-step` child as bench/step.ts, with the same arguments) from TWO trees in
 * the SAME run: the baseline commit's and the current working tree's, alternating, each child in
 * its own process. On a shared 2-core machine absolute times drift by more than the differences
 * that matter, so only a ratio of numbers measured side by side means anything.
 *
 *   baseline  `git archive <ref> | tar -x` into tmp/baseline/<commit>/, then that tree's
 *             bench/peers/densely-step.ts bundled with esbuild (bench/build.mjs's options) into
 *             tmp/baseline/<commit>/tmp/bench/peers/densely-step.mjs: the same place, relative
 *             to its own tree, as the baseline's own build would put it (its harness finds its
 *             root, and its isMain its file name, there). npm packages resolve by walking up,
 *             to this repository's node_modules.
 *   current   tmp/bench/peers/densely-step.mjs from `node bench/build.mjs` (under tsx, the
 *             current tree is bundled the same way into tmp/baseline/current/ instead, so both
 *             sides always run as bundles under plain node).
 *
 * Rounds alternate which side goes first (baseline, current | current, baseline | …), so a drift
 * in the machine's speed during the run falls on both sides alike. Each round gives one ratio
 * current ÷ baseline from two adjacent children; the headline is the median of those ratios, and
 * their min–max is the spread.
 *
 * The ref is `--baseline REF` (any git revision), else bench/baseline.json's "ref". Without git,
 * or without that commit (e.g. a tarball), the section says so and skips.
 *
 *   node bench/build.mjs && node tmp/bench/baseline.mjs [--quick] [--baseline REF]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUNDLED, BUILD_DIR, defaultOptions, mdTable, num, ratio, ROOT, runChild, sectionMain, type BenchOptions, type Goal, type Section } from './harness.js';
import { denselyStepArgs, type StepRow } from './peers/step-common.js';

/** The batch-32 step may be this much slower than the baseline's and still count as "no slower" (noise). */
export const TOLERANCE = 1.05;

const TITLE = 'Training step vs a baseline commit (side by side)';
const STEP_ENTRY = join('bench', 'peers', 'densely-step.ts');

/** bench/baseline.json: the commit the step is compared with by default, and why that one. */
export interface BaselineConfig {
  ref: string;
  why?: string;
}

export function readBaselineConfig(): BaselineConfig {
  const file = join(ROOT, 'bench', 'baseline.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as BaselineConfig;
  if (typeof config.ref !== 'string' || config.ref === '') throw new Error(`${file}: "ref" must be a git revision`);
  return config;
}

/** `--baseline REF` or `--baseline=REF` from argv; undefined when absent. */
export function baselineArg(argv: string[] = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--baseline') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) throw new Error('--baseline needs a git revision, e.g. --baseline e90ba16');
      return value;
    }
    if (a.startsWith('--baseline=')) return a.slice('--baseline='.length);
  }
  return undefined;
}

/** Runs git in the repository; returns stdout trimmed, or throws with git's own message. */
function git(args: string[], maxBuffer = 16 * 2 ** 20): Buffer {
  const r = spawnSync('git', args, { cwd: ROOT, maxBuffer });
  if (r.error) throw new Error(`git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString().trim() || `exited with ${r.status}`}`);
  return r.stdout;
}
const gitText = (args: string[]): string => git(args).toString('utf8').trim();

interface Revision {
  commit: string;
  short: string;
  subject: string;
}

/** The commit `ref` names, or throws (no git, not a repository, unknown ref). */
function resolveRef(ref: string): Revision {
  gitText(['rev-parse', '--git-dir']); // no git, or not a clone: git's own message
  let commit: string;
  try {
    commit = gitText(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`no commit '${ref}' in this clone's history`);
  }
  const [short, subject] = gitText(['log', '-1', '--format=%h%x00%s', commit]).split('\0');
  return { commit, short, subject };
}

/** Bundles `<tree>/bench/peers/densely-step.ts` with this tree's bench/build.mjs (the same options), into `<outRoot>/peers/densely-step.mjs`. */
async function bundleStep(tree: string, outRoot: string): Promise<string> {
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'build.mjs'), '--root', tree, '--out', outRoot, '--entry', 'peers/densely-step'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling ${tree}'s step peer failed: ${r.stderr || r.error?.message}`);
  return join(outRoot, 'peers', 'densely-step.mjs');
}

/** The baseline commit's tree in tmp/baseline/<commit>/ (extracted afresh) and its step bundle. */
async function materialise(rev: Revision): Promise<string> {
  const tree = join(ROOT, 'tmp', 'baseline', rev.commit);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const tar = git(['archive', '--format=tar', rev.commit], 2 ** 30);
  const x = spawnSync('tar', ['-x', '-C', tree], { input: tar });
  if (x.error || x.status !== 0) throw new Error(`tar -x: ${x.error?.message ?? x.stderr.toString().trim()}`);
  if (!existsSync(join(tree, STEP_ENTRY))) throw new Error(`${rev.short} has no ${STEP_ENTRY}`);
  return bundleStep(tree, join(tree, 'tmp', 'bench'));
}

/** The current tree's step bundle: build.mjs's when running bundled, else a fresh one. */
async function currentBundle(): Promise<string> {
  if (BUNDLED) {
    const file = join(BUILD_DIR, 'peers', 'densely-step.mjs');
    if (!existsSync(file)) throw new Error(`${file} is missing: build the bench first (node bench/build.mjs)`);
    return file;
  }
  return bundleStep(ROOT, join(ROOT, 'tmp', 'baseline', 'current'));
}

/** What the current side is: HEAD, and how many files of src/ and bench/ differ from it (anyone's edits count). */
function describeCurrent(): string {
  try {
    const head = resolveRef('HEAD');
    const changed = (dir: string) => gitText(['status', '--porcelain', '--', dir]).split('\n').filter(Boolean).length;
    const dirty = ['src', 'bench'].flatMap((dir) => {
      const n = changed(dir);
      return n ? [`${n} in ${dir}/`] : [];
    });
    return `the working tree (HEAD ${head.short}, ${dirty.length ? `uncommitted changes: ${dirty.join(', ')}` : 'no uncommitted changes in src/ or bench/'})`;
  } catch {
    return 'the working tree';
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

type Side = 'baseline' | 'current';

interface Round {
  batch: number;
  round: number;
  first: Side;
  baseline?: StepRow;
  current?: StepRow;
}

export async function benchBaseline(opts: BenchOptions = defaultOptions(), refArg: string | undefined = baselineArg()): Promise<Section> {
  let config: BaselineConfig | undefined;
  try {
    config = readBaselineConfig();
  } catch (e) {
    if (refArg === undefined) return { title: TITLE, markdown: `Skipped: no --baseline REF and no usable bench/baseline.json (${(e as Error).message}).` };
  }
  const ref = refArg ?? config!.ref;
  const why = refArg === undefined ? config?.why : undefined;

  let rev: Revision;
  try {
    rev = resolveRef(ref);
  } catch (e) {
    opts.log(`baseline: skipped, ${(e as Error).message}`);
    return { title: TITLE, markdown: `Skipped: the baseline \`${ref}\` is not available here (${(e as Error).message.split('\n')[0]}). It needs git and a clone with that commit in its history.` };
  }
  let baseFile: string;
  let curFile: string;
  try {
    opts.log(`baseline: extracting ${rev.short} into tmp/baseline/ and bundling its step…`);
    baseFile = await materialise(rev);
    curFile = await currentBundle();
  } catch (e) {
    opts.log(`baseline: skipped, ${(e as Error).stack ?? (e as Error).message}`);
    return { title: TITLE, markdown: `Skipped: could not build the baseline \`${ref}\` (${rev.short}) or the current step bundle: ${(e as Error).message.split('\n')[0]}` };
  }
  const files: Record<Side, string> = { baseline: relative(ROOT, baseFile), current: relative(ROOT, curFile) };
  // before the rounds, and with the bundle's time: others may be committing while this runs
  const current = `${describeCurrent()}, bundled ${statSync(curFile).mtime.toISOString().slice(0, 19)}Z`;

  const plan: [number, number][] = opts.quick ? [[32, 2], [256, 1]] : [[32, 6], [256, 3]];
  const rounds: Round[] = [];
  const failures: string[] = [];
  for (const [batch, count] of plan) {
    for (let i = 0; i < count; i++) {
      const first: Side = i % 2 === 0 ? 'baseline' : 'current';
      const round: Round = { batch, round: i + 1, first };
      for (const side of first === 'baseline' ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const)) {
        const label = `baseline section: ${side === 'baseline' ? rev.short : 'current'} b${batch} round ${i + 1}`;
        opts.log(`baseline: ${side}, batch ${batch}, round ${i + 1}/${count} (own process)…`);
        try {
          // the baseline commit has only the js kernels: the current side runs on js too (like for like)
          const args = side === 'current' ? [...denselyStepArgs(batch, opts.quick), '--backend', 'js'] : denselyStepArgs(batch, opts.quick);
          const { json } = await runChild<StepRow>(files[side], args, { file: true, label, measuresDensely: true });
          round[side] = json;
          opts.log(`baseline: ${side}, batch ${batch}, round ${i + 1}: ${json.usPerStep.toFixed(1)} µs/step ±${json.rme.toFixed(1)}%`);
        } catch (e) {
          failures.push(`${side} batch ${batch} round ${i + 1}: ${(e as Error).message.split('\n')[0]}`);
          opts.log(`baseline: ${side} batch ${batch} round ${i + 1} failed: ${(e as Error).message}`);
        }
      }
      rounds.push(round);
    }
  }

  const us = (r?: StepRow) => (r ? num(r.usPerStep, 1) : 'failed');
  const summary: (string | number)[][] = [];
  const goals: Goal[] = [];
  for (const [batch] of plan) {
    const rs = rounds.filter((r) => r.batch === batch);
    const base = rs.flatMap((r) => (r.baseline ? [r.baseline.usPerStep] : []));
    const cur = rs.flatMap((r) => (r.current ? [r.current.usPerStep] : []));
    const pairs = rs.flatMap((r) => (r.baseline && r.current ? [r.current.usPerStep / r.baseline.usPerStep] : []));
    if (pairs.length === 0) {
      summary.push([batch, rs.length, base.length ? num(median(base), 1) : 'n/a', cur.length ? num(median(cur), 1) : 'n/a', 'n/a', 'n/a', 'n/a']);
      continue;
    }
    const m = median(pairs);
    const spread = `${ratio(Math.min(...pairs))} – ${ratio(Math.max(...pairs))}`;
    summary.push([batch, pairs.length, num(median(base), 1), num(median(cur), 1), ratio(m), spread, ratio(median(cur) / median(base))]);
    if (batch === 32) {
      goals.push({
        goal: `batch-32 step vs baseline ${rev.short}`,
        target: `≤ ${TOLERANCE.toFixed(2)}× (no slower, within noise)`,
        measured: `${ratio(m)} (${pairs.length} pairs, ${spread})`,
        met: opts.quick ? null : m <= TOLERANCE,
      });
    }
  }

  const lines = [
    `The step of bench/step.ts (densely only: \`peers/densely-step\`, \`fit\` over the same steps per call, same \`--max-time\`; the current side on its js backend, \`--backend js\`, like for like with a baseline that has no other), ` +
      `timed from two trees in this one run: the **baseline** ${ref === rev.short ? '' : `\`${ref}\` = `}${rev.short} "${rev.subject}"${why ? ` (${why})` : ''}, ` +
      `and the **current** side, ${current}. Each child is its own process, bundled with the same esbuild options, run under plain node ` +
      `(\`${files.baseline}\` and \`${files.current}\`). Rounds alternate which side runs first; a round's ratio is current ÷ baseline of its two adjacent children. ` +
      '"current ÷ baseline" is the median of those ratios, and "range" their min–max: **< 1 means the current step is faster**.',
    '',
    mdTable(
      ['batch', 'pairs', 'baseline µs/step (median)', 'current µs/step (median)', 'current ÷ baseline', 'range over pairs', 'ratio of medians'],
      summary,
      ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    'Every round (µs/step, with benchmark.js\'s ± %):',
    '',
    mdTable(
      ['batch', 'round', 'first', 'baseline µs/step', '± %', 'current µs/step', '± %', 'current ÷ baseline'],
      rounds.map((r) => [
        r.batch,
        r.round,
        r.first,
        us(r.baseline),
        r.baseline ? num(r.baseline.rme, 1) : '',
        us(r.current),
        r.current ? num(r.current.rme, 1) : '',
        r.baseline && r.current ? ratio(r.current.usPerStep / r.baseline.usPerStep) : 'n/a',
      ]),
      ['r', 'r', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  const goal = goals[0];
  const b32 = rounds.filter((r) => r.batch === 32 && r.baseline && r.current);
  const b32Ratios = b32.map((r) => r.current!.usPerStep / r.baseline!.usPerStep);
  const worstRme = Math.max(0, ...b32.flatMap((r) => [r.baseline!.rme, r.current!.rme]));
  const busy =
    b32.length > 0 && (Math.max(...b32Ratios) / Math.min(...b32Ratios) > 1.1 || worstRme > 5)
      ? `The machine was busy during this run (batch-32 pairs differ by more than 10%, or benchmark.js's ± reached ${num(worstRme, 1)}%): the median discounts a stray round, but a figure near ${TOLERANCE.toFixed(2)}× deserves a rerun.`
      : '';
  lines.splice(
    3,
    0,
    '',
    goal
      ? `**Batch 32: current ÷ baseline = ${goal.measured}; goal ≤ ${TOLERANCE.toFixed(2)}×: ${goal.met === null ? 'a quick run, not a verdict' : goal.met ? 'met, no slower within noise' : 'NOT met, the current step is slower'}.**`
      : '**Batch 32: no pair of rounds completed, so no verdict.**',
    ...(busy ? ['', busy] : []),
  );
  if (failures.length) lines.push('', ...failures.map((f) => `- failed: ${f}`));
  return { title: TITLE, markdown: lines.join('\n'), goals };
}

await sectionMain('baseline', (opts) => benchBaseline(opts));
