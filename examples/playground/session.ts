/**
 * One training session: the data split into train and test, the model the configuration
 * describes, and the Trainer that steps it. Every number the page shows comes from here.
 */
import { Adam, Dense, Matrix, RMSprop, SGD, Sequential, splitIndices, type Optimizer, type Trainer } from '../../src/index.js';
import type { Config } from './config.js';
import { makeDataset, type Points } from './datasets.js';

export interface LossPoint {
  step: number;
  train: number;
  test: number;
}

export class Session {
  readonly config: Config;
  readonly points: Points;
  /** Indices into `points` of the training and the test rows (sklearn's split, seeded). */
  readonly trainIdx: Int32Array;
  readonly testIdx: Int32Array;
  readonly train: { X: Matrix; y: Matrix };
  readonly test: { X: Matrix; y: Matrix };
  readonly model: Sequential;
  readonly trainer: Trainer;
  readonly losses: LossPoint[] = [];
  /** Where the test loss was lowest so far (training on, a network often overfits: it rises again). */
  bestTest: LossPoint = { step: 0, train: NaN, test: NaN };
  steps = 0;

  constructor(config: Config) {
    this.config = config;
    this.points = makeDataset(config.dataset, config.noise, config.seed);
    const split = splitIndices(this.points.n, { testSize: 1 - config.trainPercent / 100, randomState: config.seed });
    this.trainIdx = split.train;
    this.testIdx = split.test;
    this.train = gather(this.points, split.train);
    this.test = gather(this.points, split.test);
    const rate = config.regularizationRate;
    const kernelRegularizer = config.regularization === 'l1' ? { l1: rate } : config.regularization === 'l2' ? { l2: rate } : undefined;
    const hidden = config.layers.map((units, i) => new Dense(units, { activation: config.activation, kernelRegularizer, ...(i === 0 ? { inputShape: [2] } : {}) }));
    const output = new Dense(1, { activation: 'sigmoid', kernelRegularizer, ...(hidden.length === 0 ? { inputShape: [2] } : {}) });
    this.model = new Sequential([...hidden, output], { seed: config.seed, backend: config.backend });
    this.model.compile({ optimizer: optimizerFor(config), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    // an endless run: play and step call trainer.step(), one batch each; epochs never run out
    this.trainer = this.model.makeTrainer(this.train.X, this.train.y, { epochs: 1e9, batchSize: config.batchSize, verbose: 0, seed: config.seed });
    this.record();
  }

  /** One batch through the Trainer (forward, loss, backward, update). Returns the batch's loss. */
  step(): number {
    this.steps++;
    return this.trainer.step();
  }

  /** Rows per batch the model's arena holds: the most rows one forward can take during the run. */
  get capacity(): number {
    return this.model.memoryReport().capacityRows;
  }

  /** The mean loss and accuracy over the training and the test rows now; appended to `losses`. */
  record(): LossPoint {
    const batchSize = Math.max(1, this.capacity);
    const train = this.model.evaluate(this.train.X, this.train.y, { batchSize });
    const test = this.test.X.rows > 0 ? this.model.evaluate(this.test.X, this.test.y, { batchSize }) : { loss: NaN };
    const point = { step: this.steps, train: train.loss, test: test.loss };
    this.losses.push(point);
    if (!(point.test >= this.bestTest.test)) this.bestTest = point;
    return point;
  }
}

function gather(points: Points, idx: Int32Array): { X: Matrix; y: Matrix } {
  const X = new Matrix(idx.length, 2);
  const y = new Matrix(idx.length, 1);
  idx.forEach((row, i) => {
    X.data[2 * i] = points.X[2 * row];
    X.data[2 * i + 1] = points.X[2 * row + 1];
    y.data[i] = points.y[row];
  });
  return { X, y };
}

function optimizerFor(c: Config): Optimizer {
  const learningRate = c.learningRate;
  if (c.optimizer === 'sgd') return new SGD({ learningRate });
  if (c.optimizer === 'rmsprop') return new RMSprop({ learningRate });
  return new Adam({ learningRate, epsilonForm: c.optimizer === 'adam-corrected' ? 'corrected' : 'keras' });
}
