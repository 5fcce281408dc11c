/**
 * A training checkpoint: everything `densely train --resume` needs to continue a run so that it
 * ends with the same model file, byte for byte, as a run never interrupted. One JSON document:
 *
 *   format, version   'densely-checkpoint', 1
 *   model             the one model file (src/io/model-file.ts): layers, weights, compile config,
 *                     and the data preparation, so a checkpoint is also a usable model
 *   state             the Trainer's TrainingState (src/nn/trainer.ts): epoch, step, permutation,
 *                     the shuffle generator, the optimizer's slots and step count, running sums,
 *                     History and callback states; typed arrays written as plain lists
 *   run               what the run was asked: the options that change the result, and the
 *                     training data's rows, columns and fingerprint (a hash of its bits)
 *
 * Every float32 and int32 prints and parses back to itself, and the running sums are doubles that
 * JSON keeps exactly, so nothing is lost on the way through text. Browser-safe: JSON in, JSON
 * out; src/node/checkpoints.ts writes and finds them on disk.
 */
import { CheckpointError, describe, jsonDepthOver, MAX_JSON_DEPTH, asDenselyError } from '../errors.js';
import type { Sequential } from '../nn/sequential.js';
import type { TrainingState } from '../nn/trainer.js';
import { modelFile, modelFromFile, type DataSections, type LoadedModel, type ModelFile } from './model-file.js';

export const CHECKPOINT_FORMAT = 'densely-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** What the run was asked, for the refusal of a resume that would give another result. */
export interface RunRecord {
  /** The options that change the result, by their CLI names (values as given, normalised). */
  options: Record<string, string | number | boolean | null>;
  /** The training rows: shape and fingerprint (src/tensor/fingerprint.ts). */
  data: { rows: number; cols: number; fingerprint: string };
}

export interface CheckpointDocument {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  model: ModelFile;
  state: TrainingState;
  run: RunRecord;
}

/** A checkpoint read back: the model (compiled, with its preparation), the Trainer state, the run. */
export interface LoadedCheckpoint extends LoadedModel {
  state: TrainingState;
  run: RunRecord;
}

/**
 * The checkpoint document of a run in progress: JSON-ready (typed arrays become lists).
 *
 * @example
 * JSON.stringify(checkpointDocument(model, trainer.getState(), run, { preparation }));
 */
export function checkpointDocument(model: Sequential, state: TrainingState, run: RunRecord, sections: DataSections = {}): CheckpointDocument {
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    model: modelFile(model, sections),
    state: plainState(state),
    run: structuredClone(run),
  };
}

/** The state with its typed arrays as plain lists (what JSON can hold exactly). */
function plainState(s: TrainingState): TrainingState {
  const slots: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(s.optimizer.slots)) slots[k] = Array.from(v);
  return {
    ...s,
    permutation: Array.from(s.permutation) as unknown as Int32Array,
    rngs: {
      shuffle: { ...s.rngs.shuffle, key: Array.from(s.rngs.shuffle.key) as unknown as Int32Array },
      ...(s.rngs.dropout ? { dropout: { ...s.rngs.dropout, key: Array.from(s.rngs.dropout.key) as unknown as Int32Array } } : {}),
    },
    optimizer: { ...s.optimizer, slots: slots as unknown as Record<string, Float32Array> },
  };
}

/**
 * A parsed checkpoint document as a compiled model, the Trainer state (typed arrays again) and
 * the run record. Everything is checked before use; every refusal is a CheckpointError (or the
 * model's ModelFileError) naming `source` and the field.
 */
export function checkpointFromDocument(json: unknown, source = 'checkpoint'): LoadedCheckpoint {
  const bad = (field: string | null, detail: string): never => {
    throw new CheckpointError(source, detail, field);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return bad(null, 'not a densely checkpoint (expected a JSON object)');
  const depth = jsonDepthOver(json, MAX_JSON_DEPTH);
  if (depth !== null) bad(depth, `nested more than ${MAX_JSON_DEPTH} levels deep`);
  const doc = json as Record<string, unknown>;
  if (doc.format !== CHECKPOINT_FORMAT) bad('format', `not a densely checkpoint (format is ${describe(doc.format)})`);
  if (doc.version !== CHECKPOINT_VERSION) bad('version', `unsupported checkpoint version ${describe(doc.version)} (this densely reads 1)`);
  const run = checkRun(doc.run, bad);
  const loaded = modelFromFile(doc.model, `${source} (model)`);
  const state = checkState(doc.state, bad);
  return { ...loaded, state, run };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkRun(v: unknown, bad: (field: string, detail: string) => never): RunRecord {
  if (!isObject(v)) return bad('run', `must be an object, got ${describe(v)}`);
  if (!isObject(v.options)) bad('run.options', 'must be an object');
  for (const [k, x] of Object.entries(v.options as object)) {
    if (x !== null && !['string', 'number', 'boolean'].includes(typeof x)) bad(`run.options.${k}`, `must be a string, number, boolean or null, got ${describe(x)}`);
  }
  const d = v.data;
  if (!isObject(d)) return bad('run.data', 'must be an object');
  if (!Number.isSafeInteger(d.rows) || (d.rows as number) < 0) bad('run.data.rows', `must be a row count, got ${describe(d.rows)}`);
  if (!Number.isSafeInteger(d.cols) || (d.cols as number) < 0) bad('run.data.cols', `must be a column count, got ${describe(d.cols)}`);
  if (typeof d.fingerprint !== 'string') bad('run.data.fingerprint', 'must be a string');
  return v as unknown as RunRecord;
}

/** A list of integers of an exact length, as an Int32Array. */
function ints(v: unknown, field: string, bad: (field: string, detail: string) => never, length?: number): Int32Array {
  if (!Array.isArray(v)) return bad(field, `must be a list of integers, got ${describe(v)}`);
  if (length !== undefined && v.length !== length) bad(field, `has ${v.length} entries, expected ${length}`);
  if (!v.every((x) => Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31)) bad(field, 'must hold 32-bit integers only');
  return Int32Array.from(v as number[]);
}

function checkState(v: unknown, bad: (field: string, detail: string) => never): TrainingState {
  if (!isObject(v)) return bad('state', `must be an object, got ${describe(v)}`);
  if (v.format !== 'densely-training-state' || v.version !== 1) bad('state.format', 'not a densely training state, version 1');
  if (!isObject(v.config)) bad('state.config', 'must be an object');
  if (!isObject(v.check) || typeof v.check.model !== 'string' || typeof v.check.data !== 'string') bad('state.check', 'must hold the model signature and data fingerprint as strings');
  const permutation = ints(v.permutation, 'state.permutation', bad);
  const rngs = v.rngs;
  if (!isObject(rngs) || !isObject(rngs.shuffle)) return bad('state.rngs.shuffle', 'must be an object');
  const generator = (g: unknown, name: string) => {
    if (!isObject(g)) return bad(`state.rngs.${name}`, 'must be an object');
    const key = ints(g.key, `state.rngs.${name}.key`, bad, 624);
    const pos = g.pos;
    if (!Number.isInteger(pos) || (pos as number) < 0 || (pos as number) > 624) bad(`state.rngs.${name}.pos`, `must be an integer in [0, 624], got ${describe(pos)}`);
    return { key, pos: pos as number };
  };
  const shuffle = generator(rngs.shuffle, 'shuffle');
  // Dropout's generator: absent in checkpoints from before Dropout
  const dropout = rngs.dropout === undefined ? undefined : generator(rngs.dropout, 'dropout');
  const opt = v.optimizer;
  if (!isObject(opt) || typeof opt.name !== 'string' || !Number.isSafeInteger(opt.iterations) || !isObject(opt.slots)) {
    return bad('state.optimizer', 'must be {name, iterations, slots}');
  }
  const slots: Record<string, Float32Array> = {};
  for (const [k, s] of Object.entries(opt.slots)) {
    if (!Array.isArray(s) || !s.every((x) => typeof x === 'number' && Number.isFinite(Math.fround(x)))) bad(`state.optimizer.slots.${k}`, 'must be a list of finite float32 numbers');
    slots[k] = Float32Array.from(s as number[]);
  }
  const sums = v.sums;
  if (!isObject(sums) || typeof sums.loss !== 'number' || typeof sums.weight !== 'number' || !Array.isArray(sums.metrics) || !sums.metrics.every((x) => typeof x === 'number' || (Array.isArray(x) && x.every((n) => typeof n === 'number')))) {
    bad('state.sums', 'must be {loss, weight, metrics}: numbers, and per metric a number or a list of numbers (its state)');
  }
  const h = v.history;
  if (!isObject(h) || !Array.isArray(h.epoch) || !h.epoch.every((x) => Number.isInteger(x)) || !isObject(h.history)) return bad('state.history', 'must be {epoch: [integers], history: {name: [numbers]}}');
  for (const [k, xs] of Object.entries(h.history)) {
    if (!Array.isArray(xs) || !xs.every((x) => typeof x === 'number')) bad(`state.history.history.${k}`, 'must be a list of numbers');
  }
  if (!Array.isArray(v.callbacks)) bad('state.callbacks', 'must be a list');
  for (const key2 of ['epoch', 'step']) if (!Number.isSafeInteger(v[key2]) || (v[key2] as number) < 0) bad(`state.${key2}`, `must be a non-negative integer, got ${describe(v[key2])}`);
  for (const key2 of ['begun', 'done', 'stopTraining']) if (typeof v[key2] !== 'boolean') bad(`state.${key2}`, 'must be true or false');
  return { ...(v as unknown as TrainingState), permutation, rngs: { shuffle, ...(dropout ? { dropout } : {}) }, optimizer: { name: opt.name, iterations: opt.iterations as number, slots } };
}

/**
 * JSON text to a checkpoint, every failure a densely error naming `source`.
 *
 * @example
 * const { model, state, run, preparation } = parseCheckpoint(text, 'ckpt/ckpt-000120.json');
 */
export function parseCheckpoint(text: string, source: string): LoadedCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(source, `not a densely checkpoint (invalid JSON: ${(e as Error).message})`);
  }
  try {
    return checkpointFromDocument(json, source);
  } catch (e) {
    throw asDenselyError(e, CheckpointError, source);
  }
}
