/**
 * Raw marketing CSV in, predictions out, with the API instead of the CLI:
 * prepare the bank CSV with the preprocessing fitted on the training rows only, train, then
 * score "new" raw rows with the saved preprocessor, exactly as `densely predict` does.
 * Run: npx tsx examples/csv-pipeline.ts
 */
import { Dense, Matrix, Preprocessor, Sequential, modelFile, modelFromFile, prepareCsv, rocAuc, splitIndices } from '../src/index.js';
import { fileChunks } from '../src/node.js';

const csv = fileChunks(new URL('../data/bank-full.csv.gz', import.meta.url).pathname);

// scan → split (sklearn's rows) → fit on the training rows → one matrix: training rows, then test rows
const p = prepareCsv(csv, { drop: ['duration'], split: (n) => splitIndices(n, { testSize: 0.2, randomState: 42 }) });
const X = new Matrix(p.rows, p.cols, p.X);
const XTrain = X.rowView(0, p.nTrain);
const XTest = X.rowView(p.nTrain, p.rows);
const yTrain = p.y!.subarray(0, p.nTrain);
const yTest = p.y!.subarray(p.nTrain);

const model = new Sequential([
  new Dense(64, { activation: 'relu', inputShape: [p.cols] }),
  new Dense(64, { activation: 'relu' }),
  new Dense(1, { activation: 'sigmoid' }),
]);
model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
model.fit(XTrain, yTrain, { epochs: 3, batchSize: 32 });
const scores = model.predict(XTest);
console.log(`test accuracy ${model.evaluate(XTest, yTest).accuracy.toFixed(4)}, ROC AUC ${rocAuc(scores.data, yTest).toFixed(4)}`);

// the model file carries its preparation: the same document `densely train --save` writes
// (saveModel(path, model, sections) from 'densely/node' writes it to disk, atomically)
const saved = JSON.stringify(modelFile(model, { preparation: { kind: 'csv', preprocessor: p.preprocessor.toJSON() }, featureNames: p.featureNames }));

// later, elsewhere: the same preparation, restored from JSON, applied to raw rows
const { model: again, preparation } = modelFromFile(JSON.parse(saved));
if (preparation?.kind !== 'csv') throw new Error('expected a CSV preparation');
const pre = Preprocessor.fromJSON(preparation.preprocessor);
const fresh = pre.transform(fileChunks(new URL('../data/bank-full.csv.gz', import.meta.url).pathname), { withLabels: false });
const all = again.predict(new Matrix(fresh.rows, fresh.cols, fresh.X));
console.log(`scored ${all.rows} raw rows; first three: ${Array.from(all.data.subarray(0, 3), (v) => v.toFixed(4)).join(', ')}`);
