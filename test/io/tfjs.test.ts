/**
 * The TensorFlow.js Layers format both ways, proved with @tensorflow/tfjs itself (a
 * devDependency): a model densely saves is loaded by tf.loadLayersModel, and a model tfjs saves
 * is loaded by densely's loadModel, each predicting what the other predicts to 1e-5.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, Dropout, Matrix, Sequential, documentFromTfjs, regularizers, tfjsArtifacts } from '../../src/index.js';
import { compileFrom } from '../../src/io/tfjs/from-tfjs.js';
import { loadModel, startServer } from '../../src/node.js';
import { main } from '../../src/cli/main.js';
import { writeNpy } from '../../src/data/npy.js';

const tmp = mkdtempSync(join(tmpdir(), 'densely-tfjs-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Seeded rows in [-2, 2]. */
function rows(n: number, d: number, seed = 7): Matrix {
  let s = seed;
  const data = Float32Array.from({ length: n * d }, () => ((s = (s * 48271) % 2147483647) / 2147483647) * 4 - 2);
  return new Matrix(n, d, data);
}

/** tf.loadLayersModel on the two files in `dir`, read here (tfjs-node's file:// handler is not installed). */
async function tfjsLoad(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const bin = readFileSync(join(dir, 'weights.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData, userDefinedMetadata: json.userDefinedMetadata }));
}

function tfjsPredict(model: tf.LayersModel, X: Matrix): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(X.data, [X.rows, X.cols])) as tf.Tensor).dataSync() as Float32Array);
}

/** Writes tfjs's saved artifacts into `dir` as model.json + weights split into `shards` files. */
async function saveWithTfjs(model: tf.LayersModel, dir: string, shards = 1, includeOptimizer = false): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const bytes = new Uint8Array(a.weightData as ArrayBuffer);
      const cut = Math.ceil(bytes.length / shards / 4) * 4;
      const paths: string[] = [];
      for (let i = 0; i < shards; i++) {
        paths.push(`group1-shard${i + 1}of${shards}.bin`);
        writeFileSync(join(dir, paths[i]), bytes.subarray(i * cut, (i + 1) * cut));
      }
      const json = { modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, trainingConfig: a.trainingConfig, weightsManifest: [{ paths, weights: a.weightSpecs }] };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('densely → TensorFlow.js', () => {
  it('model.save(dir, { format: "tfjs" }) writes files tf.loadLayersModel reads, predicting the same to 1e-5', async () => {
    const model = new Sequential([new Dense(8, { inputShape: [5], activation: 'relu' }), new Dense(6, { activation: 'tanh', useBias: false }), new Dense(1, { activation: 'sigmoid' })], { seed: 3 });
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const X = rows(64, 5);
    model.fit(X, Float32Array.from({ length: 64 }, (_, i) => X.data[i * 5] > 0 ? 1 : 0), { epochs: 2, verbose: 0 });
    const dir = join(tmp, 'out');
    model.save(dir, { format: 'tfjs' });

    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.config.layers[0].config.batch_input_shape).toEqual([null, 5]);
    expect(json.modelTopology.config.layers[1].config.use_bias).toBe(false);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_2/kernel', 'dense_2/bias']);
    expect(readFileSync(join(dir, 'weights.bin')).length).toBe(4 * (5 * 8 + 8 + 8 * 6 + 6 + 1));

    const tfModel = await tfjsLoad(dir);
    expect(maxDiff(tfjsPredict(tfModel, X), model.predict(X).data)).toBeLessThan(1e-5);
    // and back: loadModel takes the folder (or its model.json), with the same weights
    expect(maxDiff(loadModel(dir).predict(X).data, model.predict(X).data)).toBe(0);
    // a target ending in .json is the model file itself, weights.bin beside it
    const file = join(tmp, 'named', 'exported.json');
    mkdirSync(join(tmp, 'named'));
    model.save(file, { format: 'tfjs' });
    expect(readFileSync(join(tmp, 'named', 'weights.bin')).equals(readFileSync(join(dir, 'weights.bin')))).toBe(true);
    expect(maxDiff(loadModel(file).predict(X).data, model.predict(X).data)).toBe(0);
  });

  it("carries trainable and the regularizers: tfjs reads a frozen layer and L1L2 configs, and they come back", async () => {
    const model = new Sequential([new Dense(4, { inputShape: [3], activation: 'relu', trainable: false, biasRegularizer: 'l1' }), new Dense(1, { activation: 'sigmoid', kernelRegularizer: regularizers.l1l2({ l1: 0.001, l2: 0.02 }) })], { seed: 5 });
    const dir = join(tmp, 'frozen-reg');
    model.save(dir, { format: 'tfjs' });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology.config.layers[0].config).toMatchObject({ trainable: false, kernel_regularizer: null, bias_regularizer: { class_name: 'L1L2', config: { l1: 0.01, l2: 0 } } });
    expect(json.modelTopology.config.layers[1].config).toMatchObject({ trainable: true, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0.001, l2: 0.02 } } });
    const tfModel = await tfjsLoad(dir);
    expect(tfModel.layers[0].trainable).toBe(false);
    expect(tfModel.layers[1].getConfig().kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0.001, l2: 0.02 } });
    const X = rows(10, 3, 9);
    expect(maxDiff(tfjsPredict(tfModel, X), model.predict(X).data)).toBeLessThan(1e-5);
    const back = loadModel(dir);
    expect(back.layers.map((l) => l.trainable)).toEqual([false, true]);
    expect((back.layers[1] as Dense).kernelRegularizer?.getConfig()).toEqual({ l1: 0.001, l2: 0.02 });
    expect((back.layers[0] as Dense).biasRegularizer?.getConfig()).toEqual({ l1: 0.01, l2: 0 });
  });

  it('writes a Dropout layer (the identity at inference) that tfjs reads, from the document alone', async () => {
    const model = new Sequential([new Dense(4, { inputShape: [3], activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })], { seed: 4 });
    const doc = model.toJSON();
    doc.layers.splice(1, 0, { className: 'Dropout', name: 'dropout', rate: 0.3 });
    const { modelJson, weightFiles } = tfjsArtifacts(doc);
    expect(modelJson.modelTopology.config.layers[1]).toEqual({ class_name: 'Dropout', config: { rate: 0.3, noise_shape: null, seed: null, name: 'dropout', trainable: true, dtype: 'float32' } });
    const bin = weightFiles.get('weights.bin') as Uint8Array;
    const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology as never, weightSpecs: modelJson.weightsManifest[0].weights as never, weightData }));
    const X = rows(12, 3, 8);
    expect(maxDiff(tfjsPredict(tfModel, X), model.predict(X).data)).toBeLessThan(1e-5);
  });

  it('the new activations and a trained Dropout: leaky_relu goes out as Dense + LeakyReLU; tfjs predicts the same', async () => {
    const model = new Sequential(
      [
        new Dense(8, { inputShape: [5], activation: 'leaky_relu', alpha: 0.1 }),
        new Dropout(0.25),
        new Dense(8, { activation: 'elu', kernelInitializer: 'he_normal' }),
        new Dense(6, { activation: 'selu', kernelInitializer: 'lecun_normal' }),
        new Dense(6, { activation: 'softplus' }),
        new Dense(3, { activation: 'softmax' }),
      ],
      { seed: 6 },
    );
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const X = rows(48, 5, 4);
    model.fit(X, Float32Array.from({ length: 48 }, (_, i) => (X.data[i * 5] > 0.3 ? 2 : X.data[i * 5] > -0.3 ? 1 : 0)), { epochs: 2, verbose: 0 });
    const { modelJson, weightFiles } = tfjsArtifacts(model.toJSON());
    const names = modelJson.modelTopology.config.layers.map((l) => l.class_name);
    expect(names).toEqual(['Dense', 'LeakyReLU', 'Dropout', 'Dense', 'Dense', 'Dense', 'Dense']);
    expect(modelJson.modelTopology.config.layers[1].config).toMatchObject({ alpha: 0.1 });
    const bin = weightFiles.get('weights.bin') as Uint8Array;
    const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology as never, weightSpecs: modelJson.weightsManifest[0].weights as never, weightData }));
    expect(maxDiff(tfjsPredict(tfModel, X), model.predict(X).data)).toBeLessThan(1e-5);
    // and back into densely: the LeakyReLU folds into its Dense again, the Dropout is a Dropout
    const back = Sequential.fromJSON(documentFromTfjs(modelJson, () => bin));
    expect(back.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense', 'Dense', 'Dense', 'Dense']);
    expect(back.layers[0].toJSON()).toMatchObject({ activation: 'leaky_relu', alpha: 0.1 });
    expect(maxDiff(back.predict(X).data, model.predict(X).data)).toBe(0);
    const elu = new Sequential([new Dense(2, { inputShape: [3], activation: 'elu', alpha: 0.5 })]);
    expect(() => tfjsArtifacts(elu.toJSON())).toThrow(/uses elu with alpha 0.5; TensorFlow.js's elu .* only has alpha 1/);
  });

  it('refuses an activation TensorFlow.js does not have, and a function target, by name', () => {
    const model = new Sequential([new Dense(2, { inputShape: [3] })]);
    const doc = model.toJSON();
    doc.layers[0].activation = 'swish';
    expect(() => tfjsArtifacts(doc)).toThrow(/layer 'dense' uses activation 'swish', which TensorFlow.js does not have/);
    expect(() => model.save(() => {}, { format: 'tfjs' })).toThrow(/tfjsArtifacts/);
    expect(() => model.save(join(tmp, 'x'), { format: 'nope' as never })).toThrow(/unknown format "nope"/);
  });
});

describe('TensorFlow.js → densely', () => {
  it('loadModel reads a Sequential tfjs saved (batch_input_shape, sharded weights) and predicts the same to 1e-5', async () => {
    const tfModel = tf.sequential({ name: 'from_tfjs' });
    tfModel.add(tf.layers.dense({ units: 7, inputShape: [4], activation: 'tanh' }));
    tfModel.add(tf.layers.dense({ units: 5, activation: 'relu', useBias: false }));
    tfModel.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    const dir = mkdtempSync(join(tmp, 'tf-'));
    await saveWithTfjs(tfModel, dir, 2);
    const model = loadModel(join(dir, 'model.json'));
    expect(model.layers.map((l) => l.toJSON().activation)).toEqual(['tanh', 'relu', 'sigmoid']);
    const X = rows(50, 4, 11);
    expect(maxDiff(model.predict(X).data, tfjsPredict(tfModel, X))).toBeLessThan(1e-5);
  });

  it("reads tfjs's trainable: false and its l2 / l1l2 regularizers", async () => {
    const tfModel = tf.sequential({
      layers: [
        tf.layers.dense({ units: 3, inputShape: [2], activation: 'tanh', trainable: false, kernelRegularizer: tf.regularizers.l2({ l2: 0.03 }) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', kernelRegularizer: tf.regularizers.l1l2({ l1: 0.002, l2: 0.004 }), biasRegularizer: 'l1l2' }),
      ],
    });
    const dir = mkdtempSync(join(tmp, 'tf-reg-'));
    await saveWithTfjs(tfModel, dir);
    const model = loadModel(join(dir, 'model.json'));
    expect(model.layers.map((l) => l.trainable)).toEqual([false, true]);
    const [a, b] = model.layers as Dense[];
    expect(a.kernelRegularizer?.getConfig()).toEqual({ l1: 0, l2: 0.03 });
    expect(b.kernelRegularizer?.getConfig()).toEqual({ l1: 0.002, l2: 0.004 });
    expect(b.biasRegularizer?.getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(model.summary(null)).toContain('Non-trainable params: 9');
  });

  it('a model saved with includeOptimizer loads compiled (its trainingConfig), stepping over the int32 iter weight', async () => {
    const tfModel = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    tfModel.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const X = rows(16, 2, 31);
    const y = Float32Array.from({ length: 16 }, (_, i) => (X.data[2 * i] > 0 ? 1 : 0));
    await tfModel.fit(tf.tensor2d(X.data, [16, 2]), tf.tensor2d(y, [16, 1]), { epochs: 2, verbose: 0 });
    const dir = mkdtempSync(join(tmp, 'tf-'));
    await saveWithTfjs(tfModel, dir, 1, true);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].weights.find((w: { name: string }) => w.name === 'iter')).toMatchObject({ dtype: 'int32' });
    const model = loadModel(dir);
    expect(maxDiff(model.predict(X).data, tfjsPredict(tfModel, X))).toBeLessThan(1e-5);
    expect(model.toJSON().compile).toMatchObject({ loss: 'binary_crossentropy', metrics: ['accuracy'], optimizer: { name: 'adam', learningRate: 0.01 } });
    const tfLoss = (tfModel.evaluate(tf.tensor2d(X.data, [16, 2]), tf.tensor2d(y, [16, 1])) as tf.Scalar[])[0].dataSync()[0];
    expect(model.evaluate(X, y).loss).toBeCloseTo(tfLoss, 4);
  });

  it('densely serve serves a model tfjs saved, predicting what tfjs predicts', async () => {
    const tfModel = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    const dir = mkdtempSync(join(tmp, 'tf-'));
    await saveWithTfjs(tfModel, dir);
    const s = await startServer({ model: join(dir, 'model.json'), port: 0, watch: false, log: { info: () => {}, error: () => {} } });
    try {
      const X = rows(4, 2, 21);
      const instances = Array.from({ length: 4 }, (_, i) => Array.from(X.data.subarray(i * 2, i * 2 + 2)));
      const res = await fetch(`${s.url}/v1/models/model:predict`, { method: 'POST', body: JSON.stringify({ instances }) });
      expect(res.status).toBe(200);
      const { predictions } = (await res.json()) as { predictions: number[][] };
      expect(maxDiff(predictions.flat(), tfjsPredict(tfModel, X))).toBeLessThan(1e-5);
    } finally {
      await s.close();
    }
  });

  it('reads an InputLayer first, and a model with several outputs', async () => {
    const input = tf.layers.inputLayer({ inputShape: [3] });
    const tfModel = tf.sequential({ layers: [input, tf.layers.dense({ units: 4, activation: 'relu' }), tf.layers.dense({ units: 2 })] });
    const dir = mkdtempSync(join(tmp, 'tf-'));
    await saveWithTfjs(tfModel, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology.config.layers[0]).toMatchObject({ class_name: 'InputLayer', config: { batch_input_shape: [null, 3] } });
    const model = loadModel(join(dir, 'model.json'));
    expect(model.outputSize).toBe(2);
    const X = rows(20, 3, 5);
    expect(maxDiff(model.predict(X).data, tfjsPredict(tfModel, X))).toBeLessThan(1e-5);
  });

  it('refuses a layer densely does not have by name, and missing or mis-sized weights clearly', async () => {
    const tfModel = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], name: 'hidden' }), tf.layers.dense({ units: 1, name: 'head' })] });
    const dir = mkdtempSync(join(tmp, 'tf-'));
    await saveWithTfjs(tfModel, dir);
    const path = join(dir, 'model.json');
    const good = readFileSync(path, 'utf8');
    const edit = (f: (j: { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }; weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[] }) => void) => {
      const j = JSON.parse(good);
      f(j);
      writeFileSync(path, JSON.stringify(j));
    };

    edit((j) => j.modelTopology.config.layers.splice(1, 0, { class_name: 'BatchNormalization', config: { name: 'bn' } }));
    expect(() => loadModel(path)).toThrow(/layer 1 'bn' is a "BatchNormalization", a layer densely does not have \(densely has Dense/);

    edit((j) => (j.weightsManifest[0].weights = j.weightsManifest[0].weights.filter((w) => w.name !== 'head/bias')));
    expect(() => loadModel(path)).toThrow(/hold 84 bytes, but the manifest lists 80/);

    edit((j) => (j.weightsManifest[0].weights[0].name = 'other/kernel'));
    expect(() => loadModel(path)).toThrow(/no 'hidden\/kernel' \(layer 'hidden' needs its kernel, shape \[3, 4\]\)/);

    edit((j) => {
      j.weightsManifest[0].weights[0].shape = [4, 3];
    });
    expect(() => loadModel(path)).toThrow(/weight 'hidden\/kernel' has shape \[4, 3\], but layer 'hidden' needs \[3, 4\]/);

    edit((j) => (j.weightsManifest[0].paths = ['missing.bin']));
    expect(() => loadModel(path)).toThrow(/cannot read weights file 'missing.bin'/);

    edit((j) => ((j.weightsManifest[0].weights[0] as { dtype?: string }).dtype = 'int32'));
    expect(() => loadModel(path)).toThrow(/weight 'hidden\/kernel' is int32; densely reads float32 weights only/);

    edit((j) => (j.modelTopology.config.layers[0].config.activation = 'gelu'));
    expect(() => loadModel(path)).toThrow(/unknown activation 'gelu'/);

    writeFileSync(path, good);
    writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(52));
    expect(() => loadModel(path)).toThrow(/hold 52 bytes, too few for weight 'hidden\/bias' \(the manifest needs 84\)/);
  });
});

describe('documentFromTfjs (plain data)', () => {
  it("reads a Keras optimizer config's snake_case settings (beta_1) and steps over its inert ones; a setting densely lacks leaves the model uncompiled", () => {
    const keras = { name: 'Adam', learning_rate: 0.01, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-7, amsgrad: false, decay: 0, use_ema: false, ema_momentum: 0.99, jit_compile: true, clipnorm: null };
    const c = compileFrom({ loss: 'binary_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: keras } });
    expect(c?.optimizer).toMatchObject({ name: 'adam', learningRate: 0.01, beta1: 0.8, beta2: 0.99 });
    expect(compileFrom({ loss: 'binary_crossentropy', optimizer_config: { class_name: 'Adam', config: { ...keras, amsgrad: true } } })).toBe(null);
  });

  it("reads tfjs's camelCase batchInputShape, a converter's model_config and ':0' weight names", () => {
    const json = {
      modelTopology: {
        keras_version: '2.15.0',
        // as tensorflowjs_converter writes a Keras 2 model: an InputLayer, and the shape again on the first layer
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'k',
            layers: [
              { class_name: 'InputLayer', config: { batch_input_shape: [null, 1], dtype: 'float32', sparse: false, ragged: false, name: 'd_input' } },
              { class_name: 'Dense', config: { name: 'd', units: 2, activation: 'linear', useBias: true, batchInputShape: [null, 1], kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } } } },
            ],
          },
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'k/d/kernel:0', shape: [1, 2], dtype: 'float32' }, { name: 'k/d/bias:0', shape: [2], dtype: 'float32' }] }],
    };
    const bytes = new Uint8Array(new Float32Array([2, -3, 0.5, 1]).buffer);
    const doc = documentFromTfjs(json, () => bytes, 'm.json');
    const model = Sequential.fromJSON(doc);
    expect(Array.from(model.predict([[1], [2]]).data)).toEqual([2.5, -2, 4.5, -5]);
    expect(() => documentFromTfjs({ ...json, format: 'graph-model' }, () => bytes, 'm.json')).toThrow(/m.json: format is "graph-model"/);
    const clash = structuredClone(json);
    clash.modelTopology.model_config.config.layers[1].config.batchInputShape = [null, 3];
    expect(() => documentFromTfjs(clash, () => bytes, 'm.json')).toThrow(/layer 1 'd' declares input width 3, but receives 1/);
    const image = structuredClone(json);
    image.modelTopology.model_config.config.layers[0].config.batch_input_shape = [null, 28, 28, 1];
    expect(() => documentFromTfjs(image, () => bytes, 'm.json')).toThrow(/layer 0 'd_input': input shape \[null,28,28,1\] is not \[null, features\]/);
    const keras3 = structuredClone(json);
    (keras3.modelTopology.model_config.config.layers[1].config as Record<string, unknown>).activation = { module: 'keras.activations', class_name: 'function', config: 'relu', registered_name: 'function' };
    expect(Array.from(Sequential.fromJSON(documentFromTfjs(keras3, () => bytes, 'm.json')).predict([[1]]).data)).toEqual([2.5, 0]);
    const functional = structuredClone(json);
    (functional.modelTopology.model_config as { class_name: string }).class_name = 'Functional';
    expect(() => documentFromTfjs(functional, () => bytes, 'm.json')).toThrow(/the model is a "Functional"; densely loads Sequential models only/);
  });
});

describe('the CLI', () => {
  it('train --save-tfjs writes what tfjs loads, and predict --model DIR/model.json scores with it', async () => {
    const n = 300;
    const d = 4;
    const X = rows(n, d, 19);
    const table = new Float32Array(n * (d + 1));
    for (let i = 0; i < n; i++) {
      table.set(X.data.subarray(i * d, (i + 1) * d), i * (d + 1));
      table[i * (d + 1) + d] = X.data[i * d] - X.data[i * d + 1] > 0 ? 1 : 0;
    }
    const data = join(tmp, 'train.npy');
    writeFileSync(data, writeNpy({ dtype: 'f4', shape: [n, d + 1], data: table }));
    const dir = join(tmp, 'cli-tfjs');
    const io = { out: () => {}, err: () => {} };
    expect(main(['train', '--data', data, '--epochs', '2', '--save-tfjs', dir, '--json'], io)).toBe(0);
    const features = join(tmp, 'features.npy');
    writeFileSync(features, writeNpy({ dtype: 'f4', shape: [n, d], data: X.data }));
    const out = join(tmp, 'scores.csv');
    expect(main(['predict', '--model', join(dir, 'model.json'), '--data', features, '--out', out], io)).toBe(0);
    const scores = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').pop()));
    expect(scores.length).toBe(n);
    const viaTfjs = tfjsPredict(await tfjsLoad(dir), X);
    expect(maxDiff(scores, viaTfjs)).toBeLessThan(1e-5);
  });

  it('train --save-tfjs on a CSV keeps the preparation in the metadata: predict on raw rows gives the same scores from either file', async () => {
    const lines = ['age,job,y'];
    for (let i = 0; i < 200; i++) lines.push(`${20 + ((i * 13) % 50)},${['a', 'b', 'c'][i % 3]},${(i * 13) % 50 > 25 || i % 3 === 2 ? 'yes' : 'no'}`);
    const csv = join(tmp, 'train.csv');
    writeFileSync(csv, lines.join('\n') + '\n');
    const dir = join(tmp, 'csv-tfjs');
    const io = { out: () => {}, err: () => {} };
    expect(main(['train', '--data', csv, '--epochs', '2', '--save', join(tmp, 'csv.json'), '--save-tfjs', dir, '--json'], io)).toBe(0);
    const raw = join(tmp, 'raw.csv');
    writeFileSync(raw, ['age,job', '33,a', '61,c', '45,b', '28,zz'].join('\n') + '\n');
    const a = join(tmp, 'a.csv');
    const b = join(tmp, 'b.csv');
    expect(main(['predict', '--model', join(tmp, 'csv.json'), '--data', raw, '--out', a], io)).toBe(0);
    expect(main(['predict', '--model', dir, '--data', raw, '--out', b], io)).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    // tfjs loads the folder as it is, and hands the metadata back
    const tfModel = await tfjsLoad(dir);
    const meta = tfModel.getUserDefinedMetadata() as { densely: { preparation: { kind: string }; featureNames: string[] } };
    expect(meta.densely.preparation.kind).toBe('csv');
    expect(meta.densely.featureNames).toEqual(['age', 'job=a', 'job=b', 'job=c']);
  });
});
