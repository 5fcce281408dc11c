/** `densely gradcheck`: the table, the JSON, and a failing exit code when the step is too coarse for ReLU. */
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

describe('densely gradcheck', () => {
  it('prints {worst, layers: [{layer, maxRelError}]} with --json, every layer under the tolerance', () => {
    const r = run('gradcheck', '--layers', '8,8', '--activation', 'tanh', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { worst: number; ok: boolean; layers: { layer: string; maxRelError: number; params: number }[] };
    expect(json.layers.map((l) => [l.layer, l.params])).toEqual([['dense', 4 * 8 + 8], ['dense_1', 8 * 8 + 8], ['dense_2', 8 + 1]]);
    expect(json.worst).toBe(Math.max(...json.layers.map((l) => l.maxRelError)));
    expect(json.worst).toBeLessThan(1e-3);
    expect(json.worst).toBeGreaterThan(0); // float32 backprop against a float64 difference is never exact
    expect(json.ok).toBe(true);
  });

  it('prints a table, one line per layer', () => {
    const r = run('gradcheck', '--layers', '5', '--activation', 'sigmoid', '--loss', 'mse');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^dense\s+25\s+\d\.\d\de-\d+ /m);
    expect(r.out).toMatch(/^dense_1\s+6\s+/m);
    expect(r.out).toMatch(/^worst .*: OK/m);
  });

  it('exits 1 and says FAILED when the differences cannot agree (a step that crosses ReLU kinks)', () => {
    const r = run('gradcheck', '--activation', 'relu', '--epsilon', '0.05', '--json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as { worst: number }).worst).toBeGreaterThan(1e-2);
  });

  it('refuses an unknown activation', () => {
    const r = run('gradcheck', '--activation', 'swish');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--activation takes relu, tanh, sigmoid or linear/);
  });
});
