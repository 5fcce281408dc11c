/**
 * Regression from the command line: `--loss mse|mae|huber` on a numeric label that is not 0/1
 * trains a Dense(1, linear) head; predict writes `prediction`, evaluate MAE, RMSE and R², serve
 * the predicted numbers. The data: spend = 3·x1 − 2·x2 + 1.5·[color = red] + 10 + noise.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './run.js';
import { writeNpy } from '../../src/data/npy.js';
import { startServer } from '../../src/serve/start.js';
import { http } from '../serve/helpers.js';

/** 400 rows: x1, x2 uniform in ±2, a color, and spend (noise ±0.3). */
function rows(): { x1: number; x2: number; color: string; spend: number }[] {
  let s = 5;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: 400 }, () => {
    const x1 = 4 * u() - 2;
    const x2 = 4 * u() - 2;
    const color = u() < 0.5 ? 'red' : 'blue';
    return { x1, x2, color, spend: 3 * x1 - 2 * x2 + (color === 'red' ? 1.5 : 0) + 10 + 0.6 * (u() - 0.5) };
  });
}

describe('regression from the CLI', () => {
  let dir: string;
  let csv: string;
  let model: string;
  let trained: Record<string, any>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'densely-regression-'));
    csv = join(dir, 'spend.csv');
    writeFileSync(csv, `x1,x2,color,spend\n${rows().map((r) => `${r.x1.toFixed(4)},${r.x2.toFixed(4)},${r.color},${r.spend.toFixed(4)}`).join('\n')}\n`);
    model = join(dir, 'spend.json');
    const r = run('train', '--data', csv, '--loss', 'mse', '--layers', '16', '--epochs', '40', '--learning-rate', '0.01', '--save', model, '--json');
    expect(r.err).toBe('');
    trained = JSON.parse(r.out);
  });

  it('trains a linear head on the numbers and explains the held-out rows (R² ≥ 0.95)', () => {
    expect(trained.target).toBe('regression');
    expect(trained.model).toMatchObject({ loss: 'mse', metrics: ['mae'] });
    expect(trained.test.r2).toBeGreaterThan(0.95);
    expect(trained.test.rmse).toBeLessThan(0.5); // the features' spread is ~4.2; the noise's ~0.17
    expect(trained.test.rows).toBe(80);
    const doc = JSON.parse(readFileSync(model, 'utf8'));
    expect(doc.target).toBe('regression');
    expect(doc.layers.at(-1)).toMatchObject({ units: 1, activation: 'linear' });
    expect(doc.preparation.preprocessor.label).toEqual({ name: 'spend', family: 'number' });
  });

  it('predict writes a prediction column, and evaluate scores the same numbers', () => {
    const out = join(dir, 'p.csv');
    expect(run('predict', '--model', model, '--data', csv, '--out', out, '--id', 'spend').code).toBe(0);
    const [head, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    expect(head).toBe('spend,prediction');
    const pairs = lines.map((l) => l.split(',').map(Number));
    const mae = pairs.reduce((a, [y, p]) => a + Math.abs(y - p), 0) / pairs.length;
    const e = JSON.parse(run('evaluate', '--model', model, '--data', csv, '--json').out);
    expect(e.rows).toBe(400);
    expect(e.mae).toBeCloseTo(mae, 4);
    expect(e.r2).toBeGreaterThan(0.95);
    expect(run('evaluate', '--model', model, '--data', csv).out).toMatch(/400 rows: loss \d\.\d{4} - mae \d\.\d{4} - rmse \d\.\d{4} - R² 0\.9\d{3}/);
  });

  it('refuses what needs a binary label, and a fractional label without a regression loss says how', () => {
    for (const argv of [
      ['predict', '--model', model, '--data', csv, '--out', join(dir, 'x.csv'), '--threshold', '0.5'],
      ['evaluate', '--model', model, '--data', csv, '--threshold', '0.5'],
      ['train', '--data', csv, '--loss', 'mse', '--epochs', '1', '--contact-cost', '1', '--conversion-value', '5'],
    ]) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/needs a binary (label|model); .*(regression|predicts numbers)/);
    }
    const plain = run('train', '--data', csv, '--epochs', '1');
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/label column 'spend': neither binary \(0\/1\) nor whole-number classes; .*train a regression: --loss mse/);
    expect(run('train', '--data', csv, '--loss', 'mse', '--epochs', '1', '--stratify').err).toMatch(/a regression target \(numbers to predict\) has no classes to stratify by/);
    expect(run('train', '--data', csv, '--loss', 'mse', '--epochs', '1', '--metrics', 'accuracy').err).toMatch(/--metrics accuracy does not fit a regression target/);
  });

  it('a .npy label works the same way (--loss mae), and a 0/1 label with --loss mse stays a binary classifier', () => {
    const data = rows();
    const npy = join(dir, 'spend.npy');
    writeFileSync(npy, writeNpy({ shape: [400, 3], data: Float32Array.from(data.flatMap((r) => [r.x1, r.x2, r.spend])) }));
    const m = join(dir, 'npy.json');
    const t = JSON.parse(run('train', '--data', npy, '--loss', 'mae', '--layers', '16', '--epochs', '40', '--learning-rate', '0.01', '--save', m, '--json').out);
    expect(t.target).toBe('regression');
    expect(t.test.r2).toBeGreaterThan(0.9); // (color is not among these features)
    expect(JSON.parse(run('evaluate', '--model', m, '--data', npy, '--json').out).r2).toBeGreaterThan(0.9);
    const binary = join(dir, 'binary.npy');
    writeFileSync(binary, writeNpy({ shape: [400, 3], data: Float32Array.from(data.flatMap((r) => [r.x1, r.x2, r.spend > 10 ? 1 : 0])) }));
    const b = join(dir, 'b.json');
    expect(run('train', '--data', binary, '--loss', 'mse', '--epochs', '1', '--save', b).code).toBe(0);
    const doc = JSON.parse(readFileSync(b, 'utf8'));
    expect(doc.target).toBeUndefined();
    expect(doc.layers.at(-1)).toMatchObject({ units: 1, activation: 'sigmoid' });
  });

  it('serve answers the predicted numbers, and :score a prediction column', async () => {
    const s = await startServer({ model, name: 'spend', port: 0, watch: false, log: { info: () => {}, error: () => {} } });
    try {
      const r = await http(s.port, 'POST', '/v1/models/spend:predict', { body: JSON.stringify({ instances: [{ x1: 1, x2: -1, color: 'red' }] }) });
      const [[p]] = JSON.parse(r.body).predictions;
      expect(Math.abs(p - (3 + 2 + 1.5 + 10))).toBeLessThan(1);
      const scored = await http(s.port, 'POST', '/v1/models/spend:score', { body: 'x1,x2,color\n1,-1,red\n' });
      expect(scored.body.trim().split('\n')).toEqual(['prediction', String(p)]);
      expect(JSON.parse((await http(s.port, 'GET', '/v1/models/spend/metadata')).body).densely.output.meaning).toBe('the predicted number');
    } finally {
      await s.close();
    }
  });
});
