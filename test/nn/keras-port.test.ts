/**
 * The marketing pipeline's Keras code (the project's design notes), extended with Dropout, a
 * softmax head over two classes, EarlyStopping on val_auc with restore_best_weights and
 * class_weight, ported line by line. The Keras original, line for line with the port below:
 *
 *   data = np.load('marketing_data.npy')                      # synthetic rows here (below)
 *   X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
 *   model = tf.keras.Sequential([
 *       tf.keras.layers.Dense(64, activation='relu', input_shape=(X_train.shape[1],)),
 *       tf.keras.layers.Dropout(0.2),
 *       tf.keras.layers.Dense(64, activation='relu'),
 *       tf.keras.layers.Dense(2, activation='softmax')])
 *   model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy', 'auc'])
 *   early = tf.keras.callbacks.EarlyStopping(monitor='val_auc', mode='max', patience=3,
 *                                            restore_best_weights=True)
 *   history = model.fit(X_train, to_categorical(y_train), epochs=10, batch_size=32,
 *                       validation_split=0.2, class_weight={0: 1, 1: 7.5}, callbacks=[early])
 *   predictions = model.predict(X_test)
 */
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, EarlyStopping, Matrix, rocAuc, Sequential, SGD, toCategorical, trainTestSplit } from '../../src/index.js';

/** 500 seeded rows of 6 features; about one in eight positive, as in the bank data. */
function marketingLike(): { X: Matrix; y: Matrix } {
  let s = 2024;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const n = 500;
  const d = 6;
  const X = new Matrix(n, d);
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X.data[i * d + j] = u() * 2 - 1;
    const r = X.data;
    const score = 1.5 * r[i * d] - r[i * d + 1] + 0.8 * r[i * d + 2] * r[i * d + 3] + 0.6 * (u() - 0.5);
    y.data[i] = score > 0.9 ? 1 : 0;
  }
  return { X, y };
}

/** The micro-averaged ROC AUC Keras's AUC (multi_label=False) computes: every (score, label) of every column in one list. */
function flattenedAuc(P: Matrix, Y: Matrix): number {
  return rocAuc(P.data, Y.data);
}

describe('the Keras pipeline, extended, ported line by line', () => {
  it('runs: Dropout, a softmax head on to_categorical labels, auc, class_weight, EarlyStopping on val_auc restoring the best weights', () => {
    const { X, y } = marketingLike();
    // X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
    const model = new Sequential([
      new Dense(64, { activation: 'relu', inputShape: [XTrain.cols] }),
      new Dropout(0.2),
      new Dense(64, { activation: 'relu' }),
      new Dense(2, { activation: 'softmax' }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy', 'auc'] });
    const early = new EarlyStopping({ monitor: 'val_auc', mode: 'max', patience: 3, restoreBestWeights: true });
    const history = model.fit(XTrain, toCategorical(yTrain), { epochs: 10, batchSize: 32, validationSplit: 0.2, classWeight: { 0: 1, 1: 7.5 }, callbacks: [early], verbose: 0 });
    const predictions = model.predict(XTest);

    // what Keras's History holds
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'auc', 'loss', 'val_accuracy', 'val_auc', 'val_loss']);
    // predictions: one softmax row per test row
    expect([predictions.rows, predictions.cols]).toEqual([XTest.rows, 2]);
    for (let i = 0; i < predictions.rows; i++) expect(predictions.data[2 * i] + predictions.data[2 * i + 1]).toBeCloseTo(1, 6);
    // the model learned something: test AUC well above chance
    const testAuc = model.evaluate(XTest, toCategorical(yTest, 2)).auc;
    expect(testAuc).toBeGreaterThan(0.8);
    // 'auc' on two softmax columns is Keras's flattened (micro) AUC over the one-hot labels
    expect(testAuc).toBeCloseTo(flattenedAuc(predictions, toCategorical(yTest, 2)), 12);
    // restore_best_weights: the weights now are the best epoch's, whose val_auc evaluate reproduces
    const nTrain = Math.floor(XTrain.rows * 0.8); // validation_split takes the LAST 20% of the rows
    const val = { X: XTrain.rowView(nTrain, XTrain.rows), y: toCategorical(yTrain.rowView(nTrain, yTrain.rows), 2) };
    const best = Math.max(...history.history.val_auc);
    expect(early.bestEpoch).toBe(history.history.val_auc.indexOf(best));
    expect(model.evaluate(val.X, val.y).auc).toBe(best);
  });

  it('auc with sparse labels (sparse_categorical_crossentropy) is the same flattened AUC as with their one-hot form', () => {
    const { X, y } = marketingLike();
    const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
    const model = new Sequential([new Dense(16, { activation: 'relu', inputShape: [XTrain.cols] }), new Dense(2, { activation: 'softmax' })]);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy', 'auc'] });
    model.fit(XTrain, yTrain, { epochs: 3, verbose: 0 });
    const P = model.predict(XTest);
    const sparse = model.evaluate(XTest, yTest);
    expect(sparse.auc).toBeCloseTo(flattenedAuc(P, toCategorical(yTest, 2)), 12);
    // and the categorical model on the same weights agrees exactly
    const twin = new Sequential([new Dense(16, { activation: 'relu', inputShape: [XTrain.cols] }), new Dense(2, { activation: 'softmax' })]);
    twin.compile({ loss: 'categorical_crossentropy', metrics: ['auc'] });
    twin.setWeights(model.getWeights());
    expect(twin.evaluate(XTest, toCategorical(yTest, 2)).auc).toBe(sparse.auc);
  });

  it('class_weight moves the decision toward the rare class, as in Keras', () => {
    const { X, y } = marketingLike();
    const meanP1 = (classWeight?: Record<number, number>) => {
      const m = new Sequential([new Dense(16, { activation: 'relu', inputShape: [X.cols] }), new Dense(2, { activation: 'softmax' })]);
      m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
      m.fit(X, toCategorical(y), { epochs: 5, verbose: 0, classWeight });
      const P = m.predict(X);
      let s = 0;
      for (let i = 0; i < P.rows; i++) s += P.data[2 * i + 1];
      return s / P.rows;
    };
    expect(meanP1({ 0: 1, 1: 7.5 })).toBeGreaterThan(meanP1() + 0.1);
  });

  it("class_weight weighs the loss, not the metrics (Keras's metrics= are unweighted)", () => {
    const { X, y } = marketingLike();
    const m = new Sequential([new Dense(8, { activation: 'relu', inputShape: [X.cols] }), new Dense(2, { activation: 'softmax' })]);
    // a learning rate of 0 keeps the weights, so the epoch's figures are evaluate's at those weights
    m.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'categorical_crossentropy', metrics: ['accuracy', 'auc'] });
    const Y = toCategorical(y);
    const plain = m.evaluate(X, Y);
    const h = m.fit(X, Y, { epochs: 1, verbose: 0, classWeight: { 0: 1, 1: 7.5 } });
    expect(h.history.accuracy[0]).toBeCloseTo(plain.accuracy, 12);
    expect(h.history.auc[0]).toBeCloseTo(plain.auc, 12);
    // the loss is weighted: Σ wᵢ·ℓᵢ / n, with wᵢ = 7.5 for the positives
    const P = m.predict(X);
    let sum = 0;
    for (let i = 0; i < X.rows; i++) sum += (y.data[i] === 1 ? 7.5 : 1) * -Math.log(P.data[2 * i + y.data[i]]);
    expect(h.history.loss[0]).toBeCloseTo(sum / X.rows, 5);
  });

  it("weightedMetrics (Keras's weighted_metrics) take the class weights, named weighted_<name> beside the same metric", () => {
    const { X, y } = marketingLike();
    const m = new Sequential([new Dense(8, { activation: 'relu', inputShape: [X.cols] }), new Dense(2, { activation: 'softmax' })]);
    m.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'categorical_crossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy', 'auc'] });
    const Y = toCategorical(y);
    const h = m.fit(X, Y, { epochs: 1, verbose: 0, classWeight: { 0: 1, 1: 7.5 }, validationData: [X, Y] });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'auc', 'loss', 'val_accuracy', 'val_auc', 'val_loss', 'val_weighted_accuracy', 'weighted_accuracy']);
    // by hand, at the unchanged weights: Σ wᵢ·[argmax pᵢ = yᵢ] / Σ wᵢ
    const P = m.predict(X);
    let hit = 0;
    let total = 0;
    for (let i = 0; i < X.rows; i++) {
      const w = y.data[i] === 1 ? 7.5 : 1;
      total += w;
      if ((P.data[2 * i + 1] > P.data[2 * i] ? 1 : 0) === y.data[i]) hit += w;
    }
    expect(h.history.weighted_accuracy[0]).toBeCloseTo(hit / total, 12);
    expect(h.history.weighted_accuracy[0]).not.toBeCloseTo(h.history.accuracy[0], 3);
    // validation has no class weights: weighted and unweighted agree there, as in Keras
    expect(h.history.val_weighted_accuracy[0]).toBe(h.history.val_accuracy[0]);
    // and the compile record keeps them
    const back = Sequential.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.toJSON().compile).toMatchObject({ metrics: ['accuracy'], weightedMetrics: ['accuracy', 'auc'] });
    expect(() => m.compile({ loss: 'mse', weightedMetrics: ['mae', 'mae', 'mae'] })).toThrow(/'mae' twice/);
  });

  it('toCategorical is keras.utils.to_categorical', () => {
    expect(Array.from(toCategorical([0, 2, 1]).data)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(toCategorical([1, 0], 3).cols).toBe(3);
    expect(() => toCategorical([0, 1.5])).toThrow(/row 1 is 1.5/);
  });
});
