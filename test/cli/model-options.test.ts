/**
 * `densely train`'s model options (src/cli/model-options.ts): each does what it says, bad values
 * are refused with the valid names, and with none given the run is the marketing pipeline's, bit
 * for bit.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './run.js';
import { writeNpy } from '../../src/data/npy.js';
import { prepareNpyTraining } from '../../src/data/prepare.js';
import { Dense } from '../../src/nn/dense.js';
import { rocAuc } from '../../src/nn/metrics.js';
import { Sequential } from '../../src/nn/sequential.js';
import { loadModelFile } from '../../src/node/model-files.js';
import { Adam } from '../../src/optim/adam.js';
import { Matrix } from '../../src/tensor/matrix.js';

const wine = join(__dirname, '..', 'fixtures', 'csv', 'wine.csv');

/** n rows × d features + a 0/1 label; `signal` 0 makes the label independent of the features. */
function table(n: number, d: number, signal: number, seed = 7): Float32Array {
  const t = new Float32Array(n * (d + 1));
  let s = seed;
  const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = rand();
      t[i * (d + 1) + j] = v;
      z += (j % 2 ? -1 : 1) * v;
    }
    t[i * (d + 1) + d] = signal * z + rand() > 0 ? 1 : 0;
  }
  return t;
}

describe('densely train: model options', () => {
  let dir: string;
  let data: string;
  let noise: string;
  const d = 6;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'densely-model-options-'));
    data = join(dir, 'data.npy');
    writeFileSync(data, writeNpy({ shape: [500, d + 1], data: table(500, d, 2) }));
    noise = join(dir, 'noise.npy');
    writeFileSync(noise, writeNpy({ shape: [500, d + 1], data: table(500, d, 0, 11) }));
  });
  const train = (...argv: string[]) => {
    const r = run('train', '--data', data, '--backend', 'js', ...argv);
    if (r.code !== 0) throw new Error(r.err);
    return r;
  };
  const trainJson = (...argv: string[]) => JSON.parse(train('--json', ...argv).out);

  it('with no new option, the model, its file and the JSON are the marketing pipeline as it was', () => {
    const file = join(dir, 'default.json');
    const r = trainJson('--epochs', '2', '--save', file);
    // the old JSON's keys, in order, and the history's two lists
    expect(Object.keys(r)).toEqual(['rows', 'features', 'trainRows', 'testRows', 'epochs', 'batchSize', 'backend', 'threads', 'fitSeconds', 'usPerStep', 'samplesPerSecond', 'history', 'test']);
    expect(Object.keys(r.history)).toEqual(['loss', 'accuracy']);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect('classes' in doc).toBe(false);
    expect(Object.keys(doc.training)).toEqual(['data', 'epochs', 'batchSize', 'testSize', 'randomState', 'seed', 'learningRate', 'test']);
    // the same run composed from the API as train.ts composed it before the options: the same weights, bit for bit
    const raw = new Matrix(500, d + 1, table(500, d, 2));
    const prepared = prepareNpyTraining(raw, { source: data, testSize: 0.2, randomState: 42 });
    const old = new Sequential([new Dense(64, { activation: 'relu', inputShape: [d] }), new Dense(64, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })], { seed: 42, backend: 'js' });
    old.compile({ optimizer: new Adam({ learningRate: 0.001 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    old.makeTrainer(prepared.XTrain, prepared.yTrain, { epochs: 2, batchSize: 32, seed: 42, verbose: 0 }).run();
    const saved = loadModelFile(file).model.getWeights();
    old.getWeights().forEach((w, i) => expect(Array.from(saved[i])).toEqual(Array.from(w)));
    expect(doc.compile).toEqual(old.toJSON().compile);
  });

  it('--layers 8,4 builds those hidden layers (the summary and parameter count say so); --layers none is logistic regression', () => {
    const file = join(dir, 'l84.json');
    const r = train('--epochs', '1', '--layers', '8,4', '--save', file);
    expect(r.out).toMatch(/Total params: 97\b/); // 6·8+8 + 8·4+4 + 4·1+1
    expect(r.out).toMatch(/^ dense_1 \(Dense\) +\(None, 4\) +36$/m);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.layers.map((l: { units: number }) => l.units)).toEqual([8, 4, 1]);
    const none = join(dir, 'none.json');
    train('--epochs', '1', '--layers', 'none', '--save', none);
    expect(JSON.parse(readFileSync(none, 'utf8')).layers).toMatchObject([{ className: 'Dense', units: 1, activation: 'sigmoid', inputDim: 6 }]);
  });

  it('--activation and --dropout: the hidden layers use it, and a Dropout follows each one', () => {
    const file = join(dir, 'drop.json');
    const plain = trainJson('--epochs', '2', '--activation', 'tanh');
    const r = trainJson('--epochs', '2', '--activation', 'tanh', '--dropout', '0.3', '--save', file);
    const layers = JSON.parse(readFileSync(file, 'utf8')).layers;
    expect(layers.map((l: { className: string }) => l.className)).toEqual(['Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    expect(layers[1]).toMatchObject({ rate: 0.3 });
    expect(layers[0].activation).toBe('tanh');
    expect(r.model).toMatchObject({ activation: 'tanh', dropout: 0.3 });
    // the same seed and data: dropout changes the training
    expect(r.history.loss[1]).not.toBe(plain.history.loss[1]);
  });

  it('--optimizer picks the optimizer, at its own default rate unless --learning-rate is given', () => {
    const adam = trainJson('--epochs', '2', '--layers', '16');
    const file = join(dir, 'sgd.json');
    const sgd = trainJson('--epochs', '2', '--layers', '16', '--optimizer', 'sgd', '--save', file);
    expect(sgd.test.loss).not.toBe(adam.test.loss);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.compile.optimizer).toMatchObject({ name: 'sgd', learningRate: 0.01 }); // Keras's SGD default
    expect(doc.training.learningRate).toBe(0.01);
    const rms = join(dir, 'rms.json');
    trainJson('--epochs', '1', '--optimizer', 'RMSprop', '--learning-rate', '0.005', '--save', rms);
    expect(JSON.parse(readFileSync(rms, 'utf8')).compile.optimizer).toMatchObject({ name: 'rmsprop', learningRate: 0.005 });
  });

  it('--metrics and --validation-split: every metric per epoch, for the training and the validation rows, and in --json', () => {
    const text = train('--epochs', '2', '--metrics', 'accuracy,auc,precision,recall', '--validation-split', '0.2');
    expect(text.out).toMatch(/validation: the last 80 of the 400 training rows \(--validation-split 0\.2\)/);
    expect(text.out).toMatch(/^10\/10 \[=+\] - .* - loss: \d\.\d{4} - accuracy: \d\.\d{4} - auc: \d\.\d{4} - precision: \d\.\d{4} - recall: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_auc: \d\.\d{4} - val_precision: \d\.\d{4} - val_recall: \d\.\d{4}$/m);
    const r = trainJson('--epochs', '2', '--metrics', 'accuracy,auc,precision,recall', '--validation-split', '0.2');
    expect(Object.keys(r.history)).toEqual(['loss', 'accuracy', 'auc', 'precision', 'recall', 'val_loss', 'val_accuracy', 'val_auc', 'val_precision', 'val_recall']);
    expect(r.test).toMatchObject({ precision: expect.any(Number), recall: expect.any(Number), auc: expect.any(Number) });
    // val_auc of the last epoch is the AUC of the model at that point on the last 80 training rows: not the test AUC
    expect(r.history.val_auc[1]).not.toBe(r.test.auc);
  });

  it('--early-stopping stops when val_auc stalls and keeps the best epoch\'s weights', () => {
    const file = join(dir, 'es.json');
    const r = JSON.parse(run('train', '--data', noise, '--backend', 'js', '--json', '--epochs', '40', '--learning-rate', '0.01', '--early-stopping', '2', '--save', file).out);
    expect(r.model.validationSplit).toBe(0.1); // the documented default
    expect(r.earlyStopping.monitor).toBe('val_auc');
    const run_ = r.history.val_auc.length;
    expect(run_).toBeLessThan(40);
    expect(r.earlyStopping.epochsRun).toBe(run_);
    const best = Math.max(...r.history.val_auc);
    expect(r.earlyStopping.bestEpoch).toBe(r.history.val_auc.indexOf(best) + 1);
    expect(r.earlyStopping.stoppedEpoch).toBe(run_);
    expect(run_ - r.earlyStopping.bestEpoch).toBe(2); // the patience
    // the saved weights are the best epoch's: their AUC on the validation rows (the last 10% of the training rows) is the best val_auc
    const prepared = prepareNpyTraining(new Matrix(500, d + 1, table(500, d, 0, 11)), { source: noise, testSize: 0.2, randomState: 42 });
    const at = Math.floor(prepared.XTrain.rows * 0.9);
    const model = loadModelFile(file).model;
    const scores = model.predict(prepared.XTrain.rowView(at, prepared.XTrain.rows)).data;
    expect(rocAuc(scores, prepared.yTrain.data.subarray(at))).toBeCloseTo(best, 6);
    expect(best).not.toBe(r.history.val_auc[run_ - 1]);
  });

  it('a resumed run with the model options ends as the run it continues, early-stopping state included; other options are refused', () => {
    const opts = ['--epochs', '4', '--layers', '8', '--dropout', '0.1', '--optimizer', 'nadam', '--early-stopping', '5', '--validation-split', '0.2'];
    const whole = join(dir, 'whole.json');
    train(...opts, '--save', whole, '--checkpoint-dir', join(dir, 'ck'));
    const resumed = join(dir, 'resumed.json');
    // the newest checkpoint is the start of epoch 4: the resume trains that epoch again
    const r = train(...opts, '--save', resumed, '--resume', join(dir, 'ck'));
    expect(r.out).toMatch(/resumed from .* at epoch 4, step 0/);
    const a = loadModelFile(whole).model.getWeights();
    const b = loadModelFile(resumed).model.getWeights();
    a.forEach((w, i) => expect(Array.from(b[i])).toEqual(Array.from(w)));
    const other = run('train', '--data', data, '--backend', 'js', ...opts.slice(0, -1), '0.3', '--resume', join(dir, 'ck'));
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/--validation-split 0\.2 then, 0\.3 now/);
  });

  it('a multi-class label early-stops on val_loss', () => {
    const r = JSON.parse(run('train', '--data', wine, '--json', '--epochs', '3', '--early-stopping', '5', '--validation-split', '0.25').out);
    expect(r.earlyStopping).toMatchObject({ monitor: 'val_loss', patience: 5, epochsRun: 3, stoppedEpoch: null });
    expect(Object.keys(r.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
  });

  it('bad values are refused before any work, with the valid names', () => {
    const cases: [string[], RegExp][] = [
      [['--optimizer', 'adamm'], /unknown --optimizer 'adamm' \(expected one of adam, sgd, rmsprop, adamw, adagrad, adamax, nadam\)/],
      [['--loss', 'crossentropy'], /unknown --loss 'crossentropy' \(expected one of binary_crossentropy, .*sparse_categorical_crossentropy.*hinge\)/],
      [['--activation', 'gelu'], /unknown --activation 'gelu' \(expected one of relu, .*softmax/],
      [['--layers', '8,x'], /--layers takes hidden widths like 64,64/],
      [['--layers', '0'], /--layers takes hidden widths/],
      [['--metrics', 'f1'], /--metrics: unknown metric 'f1' \(expected one of accuracy, .*auc, precision, recall\)/],
      [['--dropout', '1'], /--dropout must be between 0 and 0\.99, got 1/],
      [['--validation-split', '0'], /--validation-split must be a fraction in \(0, 1\)/],
      [['--early-stopping', '-1'], /--early-stopping must be between 0 and/],
      [['--loss', 'sparse_categorical_crossentropy'], /--loss sparse_categorical_crossentropy does not fit a binary label; use one of binary_crossentropy, mse, /],
      // one validation row: one class, no AUC to watch
      [['--early-stopping', '2', '--validation-split', '0.0025'], /--early-stopping watches val_auc, but the 1 validation rows \(the last 0\.0025 of the training rows\) hold one class only; use a larger --validation-split/],
    ];
    for (const [argv, message] of cases) {
      const r = run('train', '--data', data, '--epochs', '1', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    const mse = run('train', '--data', wine, '--epochs', '1', '--metrics', 'mse');
    expect(mse.code).toBe(2);
    expect(mse.err).toMatch(/--metrics mse does not fit a multi-class label; it takes accuracy, auc, precision and recall/);
    // a multi-class model takes auc, precision and recall, micro-averaged, per epoch and in --json
    const micro = run('train', '--data', wine, '--epochs', '2', '--layers', '8', '--metrics', 'accuracy,auc,precision,recall', '--validation-split', '0.2', '--json');
    expect(micro.code, micro.err).toBe(0);
    const h = JSON.parse(micro.out).history;
    for (const k of ['auc', 'precision', 'recall', 'val_auc', 'val_precision', 'val_recall']) {
      expect(h[k], k).toHaveLength(2);
      for (const v of h[k]) expect(v >= 0 && v <= 1, `${k} ${v}`).toBe(true);
    }
    // two values that are not a binary family: two classes, with the way back to the binary route
    const pn = join(dir, 'pn.csv');
    writeFileSync(pn, `x,y\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 2 ? 'pos' : 'neg'}`).join('\n')}\n`);
    const two = run('train', '--data', pn, '--epochs', '1', '--report', join(dir, 'r.html'));
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/--report needs a binary label; .*pn\.csv's label has 2 classes \(neg, pos\); its two values take the binary route when written 1\/0/);
    const bce = run('train', '--data', wine, '--epochs', '1', '--loss', 'binary_crossentropy');
    expect(bce.err).toMatch(/--loss binary_crossentropy does not fit a multi-class label \(3 classes\); use one of sparse_categorical_crossentropy, categorical_crossentropy/);
  });
});
