/**
 * The other process of trainer.test.ts's "new process" test: reads a model document and a
 * v8-serialised TrainingState from a folder, restores them into a brand-new model, finishes the
 * run, and writes the final weights and History as JSON.
 *
 *   node --import tsx test/nn/resume-child.ts <dir>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { Sequential } from '../../src/nn/sequential.js';
import { Trainer, type TrainingState } from '../../src/nn/trainer.js';
import { EarlyStopping } from '../../src/nn/callbacks.js';
import { Matrix } from '../../src/tensor/matrix.js';

const dir = process.argv[2];
const data = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as { rows: number; cols: number; X: number[]; y: number[] };
const model = Sequential.fromJSON(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
const state = deserialize(readFileSync(join(dir, 'state.bin'))) as TrainingState;
const X = new Matrix(data.rows, data.cols, Float32Array.from(data.X));
const trainer = Trainer.restore(model, X, Float32Array.from(data.y), state, { callbacks: [new EarlyStopping(model, { monitor: 'val_loss', patience: 50 })] });
const history = trainer.run();
writeFileSync(join(dir, 'result.json'), JSON.stringify({ weights: model.getWeights().map((w) => Array.from(w)), history: history.history, epoch: history.epoch }));
