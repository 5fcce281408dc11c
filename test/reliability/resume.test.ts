/**
 * Exact resume after a kill: `densely train` killed with SIGKILL at random moments and resumed
 * from its checkpoints ends with the same model file, byte for byte, as a run never interrupted;
 * SIGINT finishes the step, writes a checkpoint and prints the command that resumes it. These run
 * the real CLI (bin/densely.js, built into dist/) as child processes, on a tiny dataset.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'densely.js');

/** A labelled .npy of `n` rows: 6 features and a learnable 0/1 rule. */
function dataset(dir: string, n: number): string {
  const d = 6;
  const t = new Float32Array(n * (d + 1));
  let s = 7;
  const r = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = r();
      t[i * (d + 1) + j] = v;
      z += (j % 2 ? -1 : 1) * v;
    }
    t[i * (d + 1) + d] = z > 0 ? 1 : 0;
  }
  const path = join(dir, 'rows.npy');
  writeFileSync(path, writeNpy({ shape: [n, d + 1], data: t }));
  return path;
}

/**
 * Runs the CLI, killing it with `signal` after `killAfterMs` (if given), counted from when its
 * stdout first matches `after` (when given: so a machine under load cannot kill it before it trains).
 */
function runCli(args: string[], killAfterMs?: number, signal: NodeJS.Signals = 'SIGKILL', after?: RegExp): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let timer: NodeJS.Timeout | null = null;
    const arm = () => (timer ??= setTimeout(() => child.kill(signal), killAfterMs));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (killAfterMs !== undefined && after?.test(stdout)) arm();
    });
    if (killAfterMs !== undefined && after === undefined) arm();
    child.on('exit', (code, sig) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal: sig, stderr });
    });
  });
}

/** A seeded generator for the kill moments (the seed is in the failure message). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js')) || process.env.DENSELY_REBUILD !== '0') spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
});

describe('kill and resume', () => {
  it('SIGKILL at random moments, then --resume, ends with the same model file byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-kill-'));
    const data = dataset(dir, 1500);
    const common = ['train', '--data', data, '--epochs', '8', '--batch-size', '16', '--json'];
    const whole = await runCli([...common, '--save', join(dir, 'whole.json')]);
    expect(whole.code).toBe(0);

    const seed = Number(process.env.DENSELY_KILL_SEED ?? Date.now() % 100000);
    const rand = lcg(seed);
    const ck = join(dir, 'ck');
    const out = join(dir, 'resumed.json');
    let kills = 0;
    let resumes = 0;
    for (let attempt = 0; attempt < 12; attempt++) {
      const resume = readdirSync(dir).includes('ck') && readdirSync(ck).some((n) => n.endsWith('.json'));
      const args = [...common, '--save', out, '--checkpoint-dir', ck, '--checkpoint-every', '9', ...(resume ? ['--resume', ck] : [])];
      if (resume) resumes++;
      // the first four runs are killed somewhere in their first ~0.6 s; then one runs to the end.
      // Until a checkpoint exists, each kill comes later (a loaded machine may not have written
      // one 0.6 s in), so that at least one run is a resume.
      const killing = kills < 4 || resumes === 0;
      const r = await runCli(args, killing ? 150 + rand() * 450 + (resume ? 0 : attempt * 150) : undefined);
      if (r.code === 0 && resumes > 0) break;
      if (r.code === 0) continue; // it finished before its kill and before any resume: try again
      expect(r.signal, `seed ${seed}: ${r.stderr}`).toBe('SIGKILL');
      kills++;
    }
    expect(kills, `seed ${seed}`).toBeGreaterThan(0);
    expect(resumes, `seed ${seed}`).toBeGreaterThan(0);
    expect(readFileSync(out).equals(readFileSync(join(dir, 'whole.json'))), `seed ${seed}: the resumed model file differs`).toBe(true);
    expect(readdirSync(ck).filter((n) => n.endsWith('.json')).length).toBeLessThanOrEqual(2); // the last two are kept
  }, 60000);

  it('SIGINT finishes the step, writes a checkpoint, exits 130 and prints the command that resumes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-int-'));
    const data = dataset(dir, 1500);
    const save = join(dir, 'model.json');
    // long enough that the SIGINT 200 ms into epoch 2 lands mid-run on the fast wasm backend too
    const args = ['train', '--data', data, '--epochs', '200', '--batch-size', '16', '--save', save];
    const r = await runCli(args, 200, 'SIGINT', /Epoch 2\//); // in the second epoch
    expect(r.code, r.stderr).toBe(130);
    const m = /densely: resume with: densely train (.*)$/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(r.stderr).toMatch(/interrupted \(SIGINT\) at epoch \d+, step \d+; checkpoint written to .*model\.json\.checkpoints\/ckpt-\d+\.json/);
    // the printed command, run as printed (its arguments need no shell quoting here)
    const again = m![1].split(' ');
    expect(again.slice(-2)).toEqual(['--resume', `${save}.checkpoints`]);
    const resumed = await runCli(['train', ...again]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const whole = join(dir, 'whole.json');
    expect((await runCli([...args.slice(0, -1), whole])).code).toBe(0);
    expect(readFileSync(save).equals(readFileSync(whole))).toBe(true);
  }, 60000);

  it('refuses to resume with other data, naming what differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-other-'));
    const data = dataset(dir, 300);
    const ck = join(dir, 'ck');
    expect((await runCli(['train', '--data', data, '--epochs', '2', '--json', '--checkpoint-dir', ck])).code).toBe(0);
    const other = await runCli(['train', '--data', data, '--epochs', '2', '--json', '--resume', ck, '--test-size', '0.3']);
    expect(other.code).toBe(1);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(/this run's options differ from the checkpoint's, which would change the result: --test-size 0.2 then, 0.3 now/);
  }, 30000);
});
