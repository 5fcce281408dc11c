/**
 * One model file everywhere: the API and the CLI write the same document and read each other's;
 * fromJSON returns a compiled model; files in both older formats (frozen in
 * test/fixtures/models by the code of commit e90ba16) still load and predict the same numbers.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/run.js';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { modelFile, modelFromFile } from '../../src/io/model-file.js';
import { Dense } from '../../src/nn/dense.js';
import { Sequential } from '../../src/nn/sequential.js';
import { loadModel, loadModelFile } from '../../src/node/model-files.js';
import { Matrix } from '../../src/tensor/matrix.js';
import { MT19937 } from '../../src/tensor/random.js';

const fixtures = join(__dirname, '..', 'fixtures', 'models');
const csvFixtures = join(__dirname, '..', 'fixtures', 'csv');

function data(n: number, d: number, seed: number) {
  const rng = new MT19937(seed);
  const X = new Matrix(n, d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += (j % 2 ? -1 : 1) * (X.data[i * d + j] = 2 * rng.random() - 1);
    y[i] = z > 0 ? 1 : 0;
  }
  return { X, y };
}

function mlp(d: number) {
  return new Sequential([new Dense(8, { activation: 'relu', inputShape: [d] }), new Dense(1, { activation: 'sigmoid' })], { seed: 4 });
}

const npyProbabilities = (path: string) => Array.from(readNpy(readFileSync(path)).data as Float32Array);

describe('files written by e90ba16 still load', () => {
  it("the API's densely-sequential v1: same predictions, bit for bit", () => {
    const json = JSON.parse(readFileSync(join(fixtures, 'api-v1.json'), 'utf8'));
    expect(json.format).toBe('densely-sequential');
    const expected = JSON.parse(readFileSync(join(fixtures, 'api-v1.expected.json'), 'utf8'));
    const model = Sequential.fromJSON(json, 'api-v1.json', { backend: 'js' }); // frozen js numbers
    const X = new Matrix(expected.X.length / expected.cols, expected.cols, Float32Array.from(expected.X));
    expect(Array.from(model.predict(X).data)).toEqual(expected.predictions);
    expect(loadModel(join(fixtures, 'api-v1.json')).predict(X).data).toEqual(model.predict(X).data);
  });

  it("the CLI's densely-model v1 with a .npy standardizer: `densely predict` writes the same probabilities", () => {
    const loaded = loadModelFile(join(fixtures, 'cli-v1-npy.json'));
    expect(loaded.preparation?.kind).toBe('npy');
    expect(loaded.training?.epochs).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'densely-legacy-'));
    const out = join(dir, 'p.npy');
    expect(run('predict', '--model', join(fixtures, 'cli-v1-npy.json'), '--data', join(fixtures, 'legacy-features.npy'), '--out', out, '--backend', 'js').code).toBe(0);
    expect(npyProbabilities(out)).toEqual(npyProbabilities(join(fixtures, 'cli-v1-npy.predictions.npy')));
  });

  it("the CLI's densely-model v1 with a CSV preprocessor: the same probabilities for raw rows, and it is compiled", () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-legacy-'));
    const out = join(dir, 'p.npy');
    expect(run('predict', '--model', join(fixtures, 'cli-v1-csv.json'), '--data', join(csvFixtures, 'marketing-export.csv'), '--out', out, '--backend', 'js').code).toBe(0);
    expect(npyProbabilities(out)).toEqual(npyProbabilities(join(fixtures, 'cli-v1-csv.predictions.npy')));
    const { model, preparation } = loadModelFile(join(fixtures, 'cli-v1-csv.json'));
    expect(preparation?.kind).toBe('csv');
    const X = new Matrix(2, model.inputSize as number);
    expect(model.evaluate(X, [0, 1]).loss).toBeGreaterThan(0); // compiled: Adam + BCE + accuracy, as the CLI always did
  });
});

describe('the one model document', () => {
  it('fromJSON returns a compiled model (loss, optimizer settings and metrics restored)', () => {
    const { X, y } = data(64, 3, 1);
    const m = mlp(3);
    m.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['acc'] });
    m.fit(X, y, { epochs: 1, verbose: 0 });
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(json).toMatchObject({ format: 'densely-model', version: 2, compile: { loss: 'binary_crossentropy', metrics: ['acc'], optimizer: { name: 'rmsprop', rho: 0.9 } } });
    expect(json.optimizerState).toBeUndefined();
    const copy = Sequential.fromJSON(json);
    expect(copy.evaluate(X, y)).toEqual(m.evaluate(X, y));
    expect(Array.from(copy.predict(X).data)).toEqual(Array.from(m.predict(X).data));
  });

  it('with includeOptimizer, training continues exactly where it stopped', () => {
    const { X, y } = data(90, 3, 2);
    const whole = mlp(3);
    whole.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    whole.fit(X, y, { epochs: 3, verbose: 0, shuffle: false });
    const part = mlp(3);
    part.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    part.fit(X, y, { epochs: 1, verbose: 0, shuffle: false });
    const json = JSON.parse(JSON.stringify(part.toJSON({ includeOptimizer: true })));
    expect(json.optimizerState.iterations).toBe(3);
    const resumed = Sequential.fromJSON(json);
    resumed.fit(X, y, { epochs: 2, verbose: 0, shuffle: false });
    expect(resumed.getWeights()).toEqual(whole.getWeights());
    // without the optimizer state the moments start over, so the weights differ
    const fresh = Sequential.fromJSON(JSON.parse(JSON.stringify(part.toJSON())));
    fresh.fit(X, y, { epochs: 2, verbose: 0, shuffle: false });
    expect(fresh.getWeights()[0]).not.toEqual(whole.getWeights()[0]);
  });

  it('an unknown layer class names the known ones; a contradicting weight shape is refused', () => {
    const m = mlp(3);
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    json.layers[1].className = 'Conv2D';
    expect(() => Sequential.fromJSON(json, 'm.json')).toThrow(/^m.json: layers\[1\].className: unknown className "Conv2D" \(known: Dense, Dropout\)$/);
    const bad = JSON.parse(JSON.stringify(m.toJSON()));
    bad.weights[0].shape = [8, 3];
    expect(() => Sequential.fromJSON(bad, 'm.json')).toThrow(/^m.json: weights\[0\].shape: is \[8, 3\], the layers need \[3, 8\]$/);
    const activation = JSON.parse(JSON.stringify(m.toJSON()));
    activation.layers[0].activation = 'constructor';
    expect(() => Sequential.fromJSON(activation, 'm.json')).toThrow(/unknown activation 'constructor'/);
  });

  it('a preparation that does not fit the model is refused, naming the file', () => {
    const m = mlp(3);
    const standardizer = { format: 'densely.standardizer', version: 1, mean: [0, 0], std: [1, 1], impute: 'none', names: null };
    const file = { ...m.toJSON(), preparation: { kind: 'npy', standardizer } };
    expect(() => modelFromFile(file, 'm.json')).toThrow(/^m.json: preparation: makes 2 features but the model takes 3$/);
    expect(() => modelFromFile({ ...m.toJSON(), preparation: { kind: 'pickle' } }, 'm.json')).toThrow(/^m.json: preparation.kind: unknown kind "pickle" \(expected 'csv' or 'npy'\)$/);
    expect(() => modelFile(m, { preparation: { kind: 'npy', standardizer } as never })).toThrow(/makes 2 features but the model takes 3/);
  });
});

describe('API and CLI files are interchangeable', () => {
  it('a model saved by the API (model.save) is used by `densely predict`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-api-'));
    const { X, y } = data(80, 4, 3);
    const m = mlp(4);
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    m.fit(X, y, { epochs: 2, verbose: 0 });
    const path = join(dir, 'api.json');
    m.save(path);
    expect(readdirSync(dir)).toEqual(['api.json']); // written whole: no temp file left behind
    const features = join(dir, 'X.npy');
    writeFileSync(features, writeNpy({ shape: [X.rows, 4], data: X.data }));
    const out = join(dir, 'p.npy');
    expect(run('predict', '--model', path, '--data', features, '--out', out).code).toBe(0);
    expect(npyProbabilities(out)).toEqual(Array.from(m.predict(X).data));
  });

  it('a model saved by `densely train --save` is loaded by the API, compiled, with its preparation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-cli-'));
    const path = join(dir, 'cli.json');
    const r = run('train', '--data', join(csvFixtures, 'marketing-export.csv'), '--epochs', '2', '--test-size', '0.4', '--save', path, '--json');
    expect(r.code).toBe(0);
    expect(existsSync(path)).toBe(true);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file).toMatchObject({ format: 'densely-model', version: 2, preparation: { kind: 'csv' }, compile: { loss: 'binary_crossentropy' } });
    const loaded = loadModelFile(path);
    expect(loaded.featureNames).toEqual(file.featureNames);
    const X = new Matrix(3, loaded.model.inputSize as number);
    const logs = loaded.model.evaluate(X, [0, 1, 0]);
    expect(Object.keys(logs)).toEqual(['loss', 'accuracy']);
  });
});
