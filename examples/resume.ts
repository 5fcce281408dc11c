/**
 * Pause a training run, keep it on disk, and finish it later in a new model: the result is the
 * same, bit for bit, as one uninterrupted fit. The weights travel in the model file; the rest of
 * the run (epoch, step, the epoch's row order, the shuffle RNG, Adam's moments and t, the
 * running sums, the callbacks' state) is `trainer.getState()`, plain data.
 * Run: npx tsx examples/resume.ts
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Dense, Sequential, Trainer, trainTestSplit, type TrainingState } from '../src/index.js';
import { loadModel, loadNpyMatrix } from '../src/node.js';

const data = loadNpyMatrix(new URL('../data/marketing_data.npy.gz', import.meta.url).pathname);
const X = data.sliceColumns(0, -1), y = data.sliceColumns(-1);
const { XTrain, yTrain } = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
const makeModel = () => {
  const model = new Sequential([
    new Dense(64, { activation: 'relu', inputShape: [XTrain.cols] }),
    new Dense(64, { activation: 'relu' }),
    new Dense(1, { activation: 'sigmoid' })]);
  model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return model;
};
const options = { epochs: 2, batchSize: 32, validationSplit: 0.1, verbose: 0 } as const;

// one run, paused half-way through its first epoch and written to disk
const model = makeModel();
const trainer = model.makeTrainer(XTrain, yTrain, options);
for (let i = 0; i < 500; i++) trainer.step();
const dir = mkdtempSync(join(tmpdir(), 'densely-resume-'));
model.save(join(dir, 'model.json'));                                  // the weights (atomic write)
writeFileSync(join(dir, 'state.bin'), serialize(trainer.getState())); // the rest of the run

// later, in a new model (this could be another process)
const again = loadModel(join(dir, 'model.json'));
const state = deserialize(readFileSync(join(dir, 'state.bin'))) as TrainingState;
const resumed = Trainer.restore(again, XTrain, yTrain, state);
console.log(`resumed at epoch ${resumed.position.epoch + 1}, step ${resumed.position.step} of ${resumed.position.stepsPerEpoch}`);
const history = resumed.run();

// the same run without a pause
const whole = makeModel();
const reference = whole.fit(XTrain, yTrain, options);
const resumedWeights = again.getWeights();
const same = whole.getWeights().every((w, i) => w.every((v, j) => Object.is(v, resumedWeights[i][j])));
console.log(`val_loss per epoch: ${history.history.val_loss.map((v) => v.toFixed(6)).join(', ')}`);
console.log(`uninterrupted:      ${reference.history.val_loss.map((v) => v.toFixed(6)).join(', ')}`);
console.log(`weights bit-identical to the uninterrupted fit: ${same}`);
