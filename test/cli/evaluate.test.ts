/**
 * `densely evaluate` and the test summary at the end of `densely train`: the analyst's figures
 * (src/analysis) for a saved model on labelled rows, .npy or raw CSV, in text and as the --json
 * contract.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './run.js';
import { scoreSummary } from '../../src/analysis/summary.js';
import { writeNpy } from '../../src/data/npy.js';
import { loadModelFile } from '../../src/node/model-files.js';
import { loadNpyMatrix } from '../../src/node/files.js';

const CONTRACT = ['n', 'positiveRate', 'baselineAccuracy', 'auc', 'prAuc', 'logLoss', 'brier', 'threshold', 'confusion', 'precision', 'recall', 'f1', 'bestF1', 'gains', 'calibration'];

/** 800 rows, 5 features + label (last), a noisy linear rule with ~30% positives. */
function table(n = 800, d = 5, seed = 3) {
  let s = seed;
  const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
  const t = new Float32Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    let z = -0.6;
    for (let j = 0; j < d; j++) z += (j % 2 ? -0.8 : 1) * (t[i * (d + 1) + j] = rand());
    t[i * (d + 1) + d] = z + 0.6 * rand() > 0 ? 1 : 0;
  }
  return t;
}

describe('densely evaluate', () => {
  let dir: string;
  let data: string;
  let model: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'densely-evaluate-'));
    data = join(dir, 'train.npy');
    writeFileSync(data, writeNpy({ shape: [800, 6], data: table() }));
    model = join(dir, 'm.json');
    expect(run('train', '--data', data, '--epochs', '3', '--save', model, '--json').code).toBe(0);
  });

  it('--json gives the documented keys, equal to the summary of the model\'s own scores', () => {
    const fresh = join(dir, 'fresh.npy');
    writeFileSync(fresh, writeNpy({ shape: [400, 6], data: table(400, 5, 99) }));
    const r = run('evaluate', '--model', model, '--data', fresh, '--json', '--contact-cost', '1', '--conversion-value', '8');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual([...CONTRACT, 'profit', 'importance']);
    // 5 features without names: one group each; feature 0 and 2 weigh most in the rule
    expect(j.importance.map((i: { column: string }) => i.column).sort()).toEqual(['feature 0', 'feature 1', 'feature 2', 'feature 3', 'feature 4']);
    const { importance } = j;
    delete j.importance;
    const rows = loadNpyMatrix(fresh);
    const scores = loadModelFile(model).model.predict(rows.sliceColumns(0, -1)).data;
    const expected = JSON.parse(JSON.stringify(scoreSummary(scores, rows.sliceColumns(-1).data, { contactCost: 1, conversionValue: 8 })));
    expect(j).toEqual(expected);
    expect(j.n).toBe(400);
    expect(j.gains).toHaveLength(10);
    expect(j.gains[9].cumPositivesPct).toBeCloseTo(100, 10);
    expect(j.auc).toBeGreaterThan(0.8);
    expect(j.profit.cuts).toHaveLength(10);
    expect(importance[0].aucDrop).toBeGreaterThan(0.05);
    expect(importance[0].aucDrop).toBeGreaterThanOrEqual(importance[4].aucDrop);
    // --backend js: the same summary as the model loaded on the js backend scores it
    const js = JSON.parse(run('evaluate', '--model', model, '--data', fresh, '--json', '--backend', 'js').out);
    const jsScores = loadModelFile(model, { backend: 'js' }).model.predict(rows.sliceColumns(0, -1)).data;
    expect(js.auc).toBe(scoreSummary(jsScores, rows.sliceColumns(-1).data).auc);
    expect(Math.abs(js.auc - j.auc)).toBeLessThan(1e-4);
  });

  it('prints the summary: baseline, the confusion matrix, gains by decile and the top-10% sentence', () => {
    const labels = join(dir, 'labels.npy');
    const t = loadNpyMatrix(data);
    writeFileSync(join(dir, 'X.npy'), writeNpy({ shape: [t.rows, 5], data: t.sliceColumns(0, -1).data }));
    writeFileSync(labels, writeNpy({ dtype: 'i8', shape: [t.rows], data: t.sliceColumns(-1).data }));
    const r = run('evaluate', '--model', model, '--data', join(dir, 'X.npy'), '--labels', labels, '--threshold', '0.3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/always answering the majority class scores accuracy 0\.\d{4}/);
    expect(r.out).toMatch(/at threshold 0\.3 \(score ≥ it\): accuracy/);
    expect(r.out).toMatch(/confusion: tn \d+ {2}fp \d+ {2}fn \d+ {2}tp \d+/);
    expect(r.out).toMatch(/^ {6}1 {5}80 /m); // decile 1 of 800 rows
    expect(r.out).toMatch(/contacting the top 10% reaches \d+% of all positives \(lift \d\.\d\)/);
    expect(r.out).toMatch(/what drives the score: the drop in ROC AUC when a column is shuffled/);
  });

  it('on raw CSV rows with the label column, through the model\'s saved preparation', () => {
    const lines = ['id,plan,spend,region,converted'];
    let s = 5;
    const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 600; i++) {
      const plan = ['basic', 'pro', 'max'][Math.floor(rand() * 3)];
      const spend = Math.round(rand() * 400);
      const region = ['n', 's'][Math.floor(rand() * 2)];
      const z = (plan === 'basic' ? -1 : 0.5) + spend / 200 - 1 + (region === 's' ? 0.3 : 0) + (rand() - 0.5);
      lines.push(`${i % 50},${plan},${spend},${region},${z > 0 ? 'yes' : 'no'}`);
    }
    const csv = join(dir, 'export.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const csvModel = join(dir, 'csv-model.json');
    expect(run('train', '--data', csv, '--drop', 'id', '--epochs', '4', '--save', csvModel, '--json').code).toBe(0);
    const r = run('evaluate', '--model', csvModel, '--data', csv, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.n).toBe(600);
    expect(j.auc).toBeGreaterThan(0.8);
    expect(j.confusion.tn + j.confusion.fp + j.confusion.fn + j.confusion.tp).toBe(600);
    // one row per input column, the one-hot 'plan' as one: plan and spend drive the rule, id was dropped
    expect(j.importance.map((i: { column: string }) => i.column).sort()).toEqual(['plan', 'region', 'spend']);
    expect(['plan', 'spend']).toContain(j.importance[0].column);
  });

  it('--report writes the HTML report of the evaluation', () => {
    const report = join(dir, 'eval.html');
    const r = run('evaluate', '--model', model, '--data', data, '--report', report, '--contact-cost', '1', '--conversion-value', '4');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote the report to .*eval\.html/);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('Profit by cut');
    expect(html).toContain('What drives the score');
    expect(html).not.toContain('per epoch'); // evaluate has no training history
  });

  it('refuses what it cannot evaluate, in one line naming the problem', () => {
    const noLabel = join(dir, 'nolabel.npy');
    writeFileSync(noLabel, writeNpy({ shape: [10, 5], data: new Float32Array(50) }));
    const cases: [string[], number, RegExp][] = [
      [['evaluate', '--data', data], 2, /--model is required/],
      [['evaluate', '--model', model, '--data', data, '--contact-cost', '2'], 2, /--contact-cost and --conversion-value go together/],
      [['evaluate', '--model', model, '--data', noLabel], 1, /has 5 columns; to evaluate, give the model's 5 features and the label as the last column/],
      [['evaluate', '--model', model, '--data', data, '--threshold', '1.5'], 2, /--threshold must be between 0 and 1/],
    ];
    for (const [argv, code, message] of cases) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.err).toMatch(message);
    }
    const oneClass = join(dir, 'one.npy');
    const t = table(50);
    for (let i = 0; i < 50; i++) t[i * 6 + 5] = 0;
    writeFileSync(oneClass, writeNpy({ shape: [50, 6], data: t }));
    expect(run('evaluate', '--model', model, '--data', oneClass).err).toMatch(/all 50 labels are 0, so AUC, lift and gains are undefined/);
  });
});

describe('the end of densely train', () => {
  it('--json\'s test holds Keras\'s loss and accuracy, then the analyst\'s summary keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-train-summary-'));
    const data = join(dir, 't.npy');
    writeFileSync(data, writeNpy({ shape: [800, 6], data: table() }));
    const j = JSON.parse(run('train', '--data', data, '--epochs', '2', '--json').out);
    expect(Object.keys(j.test)).toEqual(['loss', 'accuracy', 'auc', ...CONTRACT.filter((k) => k !== 'auc'), 'importance']);
    expect(j.test.n).toBe(160);
    const text = run('train', '--data', data, '--epochs', '2', '--contact-cost', '1', '--conversion-value', '5').out;
    // a report that cannot be made is refused before the training, not after it
    const few = run('train', '--data', data, '--test-size', '5', '--report', join(dir, 'r.html'));
    expect(few.code).toBe(1);
    expect(few.err).toMatch(/--report: 5 test rows are fewer than the 10 the decile tables need/);
    expect(few.out).not.toMatch(/Epoch 1/);
    expect(text).toMatch(/on the test rows:/);
    expect(text).toMatch(/best: (call no one|the top \d+%), profit/);
  });
});
