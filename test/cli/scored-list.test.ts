/**
 * `densely predict` writes a scored list a campaign tool can use: CSV with an ID column carried
 * through, the top of the list, a decision column; .npy when asked; stdin and stdout for pipes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseCsv } from '../../src/data/csv.js';
import { readNpy } from '../../src/data/npy.js';
import { parseTop, scoredCsv, selectRows } from '../../src/io/scored-list.js';
import { loadModelFile } from '../../src/node/model-files.js';
import { Preprocessor } from '../../src/data/preprocessor.js';
import { Matrix } from '../../src/tensor/matrix.js';

const root = join(__dirname, '..', '..');

function run(argv: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  let raw = '';
  const code = main(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    write: (t) => void (raw += t),
    readStdin: () => new TextEncoder().encode(stdin ?? ''),
  });
  return { code, out: out.join('\n'), err: err.join('\n'), raw };
}

/** A customer export: an id, a quoted name with a comma, features, and the label. */
function customers(n: number, seed: number): string {
  let s = seed;
  const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const lines = ['customer_id,name,plan,spend,subscribed'];
  for (let i = 0; i < n; i++) {
    const plan = ['basic', 'pro', 'max'][Math.floor(rand() * 3)];
    const spend = Math.round(rand() * 500);
    const z = (plan === 'basic' ? -1.2 : 0.6) + spend / 250 - 1 + (rand() - 0.5);
    lines.push(`C${1000 + i},"Doe, J${i}",${plan},${spend},${z > 0 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('densely predict: scored lists', () => {
  let dir: string;
  let model: string;
  let csv: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'densely-scored-'));
    csv = join(dir, 'customers.csv');
    writeFileSync(csv, customers(400, 7));
    model = join(dir, 'm.json');
    expect(main(['train', '--data', csv, '--drop', 'customer_id,name', '--label', 'subscribed', '--epochs', '3', '--save', model, '--json'], { out: () => {}, err: () => {} })).toBe(0);
  });

  /** The model's own scores for the file, through the saved preparation. */
  function expectedScores(text: string): Float32Array {
    const { model: m, preparation } = loadModelFile(model);
    const pre = Preprocessor.fromJSON(preparation!.kind === 'csv' ? preparation!.preprocessor : null);
    const t = pre.transform(() => [text], { withLabels: false });
    return m.predict(new Matrix(t.rows, t.cols, t.X)).data;
  }

  it('--out scores.csv with --id and --threshold: the ID first, the score, a 0/1 decision, in input order', () => {
    const out = join(dir, 'scores.csv');
    const r = run(['predict', '--model', model, '--data', csv, '--out', out, '--id', 'customer_id', '--threshold', '0.5']);
    expect(r.code).toBe(0);
    const parsed = parseCsv(readFileSync(out, 'utf8'));
    expect(parsed.header).toEqual(['customer_id', 'score', 'decision']);
    expect(parsed.rows).toHaveLength(400);
    const want = expectedScores(readFileSync(csv, 'utf8'));
    parsed.rows.forEach(([id, score, decision], i) => {
      expect(id).toBe(`C${1000 + i}`);
      expect(Math.fround(Number(score))).toBe(want[i]); // the shortest text that reads back as the same float32
      expect(decision).toBe(want[i] >= 0.5 ? '1' : '0');
    });
  });

  it('--top 10% keeps the 40 highest scores, sorted, ties in input order; --top 7 keeps 7', () => {
    const want = expectedScores(readFileSync(csv, 'utf8'));
    const out = join(dir, 'top.csv');
    expect(run(['predict', '--model', model, '--data', csv, '--out', out, '--id', 'customer_id', '--top', '10%']).code).toBe(0);
    const rows = parseCsv(readFileSync(out, 'utf8')).rows;
    expect(rows).toHaveLength(40);
    const order = Array.from(want, (_, i) => i).sort((a, b) => want[b] - want[a] || a - b).slice(0, 40);
    expect(rows.map((r) => r[0])).toEqual(order.map((i) => `C${1000 + i}`));
    const top7 = join(dir, 'top7.csv');
    expect(run(['predict', '--model', model, '--data', csv, '--out', top7, '--top', '7']).code).toBe(0);
    expect(parseCsv(readFileSync(top7, 'utf8')).rows.map((r) => Math.fround(Number(r[0])))).toEqual(order.slice(0, 7).map((i) => want[i]));
    // a .npy of sorted scores could not say which row each came from
    expect(run(['predict', '--model', model, '--data', csv, '--out', join(dir, 'top.npy'), '--top', '7']).err).toMatch(/--top sorts the rows, and a \.npy of scores cannot say which row each came from/);
    const all = join(dir, 'all.npy');
    expect(run(['predict', '--model', model, '--data', csv, '--out', all]).code).toBe(0);
    expect(Array.from(readNpy(readFileSync(all)).data as Float32Array)).toEqual(Array.from(want));
  });

  it('--data - and --out - make it a pipe stage: CSV in on stdin, CSV out on stdout, messages on stderr', () => {
    const text = customers(25, 11);
    const r = run(['predict', '--model', model, '--data', '-', '--out', '-', '--id', 'customer_id', '--top', '3'], text);
    expect(r.code).toBe(0);
    const lines = r.raw.trim().split('\n');
    expect(lines[0]).toBe('customer_id,score');
    expect(lines).toHaveLength(4);
    expect(r.err).toMatch(/wrote 3 of 25 scores to stdout/);
    const want = expectedScores(text);
    const best = Array.from(want, (_, i) => i).sort((a, b) => want[b] - want[a] || a - b)[0];
    expect(lines[1].split(',')[0]).toBe(`C${1000 + best}`);
  });

  it('the installed bin reads stdin and writes stdout', () => {
    if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
    const r = spawnSync(process.execPath, [join(root, 'bin', 'densely.js'), 'predict', '--model', model, '--data', '-', '--out', '-', '--threshold', '0.5'], { input: customers(5, 3), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('score,decision');
    expect(r.stdout.trim().split('\n')).toHaveLength(6);
  });

  it('a reader that stops early (| head) ends the output quietly, exit 0, no stack trace', () => {
    const big = join(dir, 'many.csv');
    writeFileSync(big, customers(20000, 5));
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${join(root, 'bin', 'densely.js')}" predict --model "${model}" --data "${big}" --out - | head -2`], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.stderr).not.toMatch(/wrote 20000 scores/); // it stopped when the reader did, not after scoring everything
    expect(r.status).toBe(0);
  });

  it('stdin leaves no temporary file behind, and an input refused at its header writes nothing to stdout', () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('densely-stdin-')).length;
    const ok = spawnSync(process.execPath, [join(root, 'bin', 'densely.js'), 'predict', '--model', model, '--data', '-', '--out', '-', '--id', 'customer_id'], { input: customers(30, 4), encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(31);
    const bad = spawnSync(process.execPath, [join(root, 'bin', 'densely.js'), 'predict', '--model', model, '--data', '-', '--out', '-', '--id', 'nope'], { input: customers(30, 4), encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/stdin: no column 'nope'/);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('densely-stdin-')).length).toBe(before);
  });

  it('a file with a header only is refused the same way with or without --top', () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'customer_id,name,plan,spend,subscribed\n');
    for (const extra of [[], ['--top', '10%']]) {
      const r = run(['predict', '--model', model, '--data', empty, '--out', '-', '--id', 'customer_id', ...extra]);
      expect(r.code, extra.join(' ')).toBe(1);
      expect(r.err).toMatch(/header only, no data rows/);
      expect(r.raw).toBe('');
    }
  });

  it('refuses outputs it cannot write as asked, naming why', () => {
    const cases: [string[], RegExp][] = [
      [['predict', '--model', model, '--data', csv, '--out', join(dir, 'scores.txt')], /--out must end in \.csv or \.npy/],
      [['predict', '--model', model, '--data', csv, '--out', join(dir, 'p.npy'), '--id', 'customer_id'], /--id and --threshold add CSV columns/],
      [['predict', '--model', model, '--data', csv, '--out', join(dir, 'p.csv'), '--top', '0%'], /--top takes a count of rows/],
    ];
    for (const [argv, message] of cases) {
      const r = run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    const r = run(['predict', '--model', model, '--data', csv, '--out', join(dir, 'p.csv'), '--id', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no column 'nope'; the columns are: customer_id, name, plan, spend, subscribed/);
  });
});

describe('the scored list, by hand', () => {
  it('parseTop, selectRows and scoredCsv', () => {
    expect(parseTop('5%')).toEqual({ percent: 5 });
    expect(parseTop('500')).toEqual({ rows: 500 });
    expect(() => parseTop('1.5')).toThrow(/--top/);
    expect(Array.from(selectRows([0.2, 0.9, 0.5, 0.9], { rows: 3 }))).toEqual([1, 3, 2]);
    expect(Array.from(selectRows([0.2, 0.9, 0.5], { percent: 34 }))).toEqual([1, 2]); // ceil(1.02)
    expect(selectRows(new Float32Array(1000), { percent: 16.1 })).toHaveLength(161); // not 162 from float rounding
    expect(Array.from(selectRows([0.2, 0.9]))).toEqual([0, 1]);
    const csv = scoredCsv(Float32Array.of(0.25, 0.75), Int32Array.of(1, 0), { id: { name: 'id', values: ['a', 'b,"c"'] }, threshold: 0.5 });
    expect(csv).toBe('id,score,decision\n"b,""c""",0.75,1\na,0.25,0\n');
    // a score printed as 0.7 meets a threshold of 0.7 (both as float32)
    expect(scoredCsv(Float32Array.of(0.7), Int32Array.of(0), { threshold: 0.7 })).toBe('score,decision\n0.7,1\n');
    expect(scoredCsv(Float32Array.of(0.1), Int32Array.of(0))).toBe('score,0.1\n'.replace(',', '\n'));
  });
});
