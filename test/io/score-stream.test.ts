/**
 * Scoring raw CSV block by block gives the same scores as preparing every row at once; a block
 * transform hands out each block with the kept columns; a bad cell stops the stream and leaves
 * no output file behind.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { prepareCsv, Preprocessor } from '../../src/data/preprocessor.js';
import { scoreCsvBlocks } from '../../src/io/score-stream.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Matrix } from '../../src/tensor/matrix.js';

function csv(n: number, badRow = -1): string {
  const lines = ['id,plan,spend,y'];
  for (let i = 0; i < n; i++) lines.push(`k${i},${['a', 'b', 'c'][i % 3]},${i === badRow ? 'lots' : (i * 37) % 500},${i % 4 ? 'no' : 'yes'}`);
  return `${lines.join('\n')}\n`;
}

describe('scoreCsvBlocks', () => {
  const text = csv(103);
  const p = prepareCsv(() => [text]);
  const model = new Sequential([new Dense(6, { activation: 'relu', inputShape: [p.cols] }), new Dense(1, { activation: 'sigmoid' })], { seed: 3 });

  it('gives, block by block, the scores of the whole prepared matrix, with the kept column', () => {
    const whole = model.predict(new Matrix(p.rows, p.cols, p.X)).data;
    const scores: number[] = [];
    const ids: string[] = [];
    const starts: number[] = [];
    const r = scoreCsvBlocks(() => [text], p.preprocessor.toJSON(), model, {
      keep: ['id'],
      blockRows: 10,
      onBlock: (b) => {
        scores.push(...b.scores);
        ids.push(...b.kept[0]);
        starts.push(b.start);
      },
    });
    expect(r.rows).toBe(103);
    expect(scores).toEqual(Array.from(whole));
    expect(ids).toEqual(Array.from({ length: 103 }, (_, i) => `k${i}`));
    expect(starts).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('a block transform refuses rows/order/out and a bad block size', () => {
    const pre = Preprocessor.fromJSON(p.preprocessor.toJSON());
    expect(() => pre.transform(() => [text], { block: { rows: 0, emit: () => {} } })).toThrow(/block\.rows must be a positive integer/);
    expect(() => pre.transform(() => [text], { order: [0], block: { rows: 5, emit: () => {} } })).toThrow(/takes no rows, order or out/);
    expect(() => pre.transform(() => [text], { block: { rows: 5, keep: ['nope'], emit: () => {} } })).toThrow(/no column 'nope'; the columns are: id, plan, spend, y/);
  });
});

describe('densely predict streams', () => {
  it('a bad cell stops the stream with the named error, and no output file is left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-stream-'));
    writeFileSync(join(dir, 'train.csv'), csv(300));
    const model = join(dir, 'm.json');
    const quiet = { out: () => {}, err: () => {} };
    expect(main(['train', '--data', join(dir, 'train.csv'), '--drop', 'id', '--epochs', '1', '--save', model, '--json'], quiet)).toBe(0);
    writeFileSync(join(dir, 'new.csv'), csv(20000, 15000));
    const err: string[] = [];
    const code = main(['predict', '--model', model, '--data', join(dir, 'new.csv'), '--out', join(dir, 'scores.csv'), '--id', 'id'], { out: () => {}, err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/new\.csv line 15002: column 'spend' expects a number, got "lots"/);
    expect(existsSync(join(dir, 'scores.csv'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
