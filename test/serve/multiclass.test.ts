/**
 * densely serve with a multi-class model (the wine data): `:predict` answers one probability list
 * per instance, the numbers `densely predict` writes; `:score` writes the per-class list; the
 * metadata names the classes; top and threshold, which rank one score, are refused.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/serve/start.js';
import { cli, http } from './helpers.js';

const wine = join(__dirname, '..', 'fixtures', 'csv', 'wine.csv');
const quiet = { info: () => {}, error: () => {} };

describe('densely serve: a multi-class model', () => {
  it('serves one probability per class for each instance, as densely predict writes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-serve-multiclass-'));
    const model = join(dir, 'wine.json');
    cli('train', '--data', wine, '--layers', '8', '--epochs', '5', '--save', model);
    const predicted = join(dir, 'p.csv');
    cli('predict', '--model', model, '--data', wine, '--out', predicted);
    const expected = readFileSync(predicted, 'utf8').trim().split('\n').slice(1, 4).map((l) => l.split(','));
    const lines = readFileSync(wine, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    const instances = lines.slice(1, 4).map((l) => Object.fromEntries(l.split(',').map((v, j) => [header[j], j < 13 ? Number(v) : v])));
    const s = await startServer({ model, name: 'wine', port: 0, watch: false, log: quiet });
    try {
      const r = await http(s.port, 'POST', '/v1/models/wine:predict', { body: JSON.stringify({ instances }) });
      expect(r.status).toBe(200);
      const predictions: number[][] = JSON.parse(r.body).predictions;
      expect(predictions.map((p) => p.map(String))).toEqual(expected.map((row) => row.slice(0, 3)));
      for (const p of predictions) expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-5);
      const meta = JSON.parse((await http(s.port, 'GET', '/v1/models/wine/metadata')).body);
      expect(meta.densely.output).toEqual({ values: 3, meaning: 'one probability per class', classes: ['class_0', 'class_1', 'class_2'] });
      const scored = await http(s.port, 'POST', '/v1/models/wine:score', { body: lines.slice(0, 4).join('\n') + '\n' });
      expect(scored.status).toBe(200);
      expect(scored.body.trim().split('\n')).toEqual(['p_class_0,p_class_1,p_class_2,class', ...readFileSync(predicted, 'utf8').trim().split('\n').slice(1, 4)]);
      const top = await http(s.port, 'POST', '/v1/models/wine:score?top=2', { body: lines.slice(0, 4).join('\n') + '\n' });
      expect(top.status).toBe(400);
      expect(JSON.parse(top.body).error).toMatch(/top needs a binary model; this one has 3 classes/);
    } finally {
      await s.close();
    }
  });
});
