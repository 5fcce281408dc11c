/**
 * The Keras marketing pipeline, line for line, in densely.
 * Run: npx tsx examples/marketing.ts [path/to/marketing_data.npy]
 * (default: the embedded bank data, data/marketing_data.npy.gz)
 */
import { Dense, Sequential, rocAuc, trainTestSplit } from '../src/index.js';
import { loadNpyMatrix } from '../src/node.js';

const path = process.argv[2] ?? new URL('../data/marketing_data.npy.gz', import.meta.url).pathname;

const data = loadNpyMatrix(path); //                         data = np.load('marketing_data.npy')
const X = data.sliceColumns(0, -1); //                       X = data[:, :-1]
const y = data.sliceColumns(-1); //                          y = data[:, -1]
const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
const model = new Sequential([
  new Dense(64, { activation: 'relu', inputShape: [XTrain.cols] }),
  new Dense(64, { activation: 'relu' }),
  new Dense(1, { activation: 'sigmoid' }),
]);
model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
model.fit(XTrain, yTrain, { epochs: 10, batchSize: 32 });
const predictions = model.predict(XTest); //                 predictions = model.predict(X_test)

const { loss, accuracy } = model.evaluate(XTest, yTest);
console.log(`test loss ${loss.toFixed(4)}, accuracy ${accuracy.toFixed(4)}, ROC AUC ${rocAuc(predictions.data, yTest.data).toFixed(4)}`);
