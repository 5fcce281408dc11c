import { checkOptions } from './options.js';
import type { TrainingState } from './trainer.js';

/** Per-epoch or per-batch values, keyed as in Keras: 'loss', 'accuracy', 'val_loss', … */
export type Logs = Record<string, number>;

/**
 * A fit callback: any subset of these hooks (tfjs's camelCase names). Batch logs hold
 * that batch's mean loss and metrics, computed before its update; epoch logs hold the
 * epoch's running means (weighted by batch size) and the validation values.
 * Set `model.stopTraining = true` from a hook to end fit after the current epoch.
 */
export interface Callback {
  /**
   * The callback's own state as plain data (e.g. EarlyStopping's best value and wait count), so a
   * Trainer's state can carry it and a restored run continues exactly. Callbacks without state
   * leave both out (or return undefined).
   */
  getState?(): unknown;
  setState?(state: unknown): void;
  /** Keras's set_model: called when a run (new or restored) takes this callback, with the model it trains. */
  setModel?(model: CallbackModel): void;
  /** Called once when a run (new or restored) takes this callback, with that run's Trainer. */
  onTrainer?(trainer: { getState(): unknown }): void;
  onTrainBegin?(logs: Logs): void;
  onTrainEnd?(logs: Logs): void;
  onEpochBegin?(epoch: number, logs: Logs): void;
  onEpochEnd?(epoch: number, logs: Logs): void;
  onBatchBegin?(batch: number, logs: Logs): void;
  onBatchEnd?(batch: number, logs: Logs): void;
}

/**
 * The model as callbacks see it (Sequential is one): its stop flag, its weights, and its compiled
 * optimizer (whose learningRate ReduceLROnPlateau and LearningRateScheduler change).
 */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights?(): Float32Array[];
  setWeights?(weights: ArrayLike<number>[]): void;
  compiled?(where: string): { optimizer: unknown };
  /** Writes the model file (ModelCheckpoint({ filepath })). */
  save?(path: string): void;
}

/** What fit returns: `history.loss[e]`, `history.accuracy[e]`, `history.val_loss[e]`, … per epoch. */
export class History implements Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }

  getState(): { epoch: number[]; history: Record<string, number[]> } {
    const history: Record<string, number[]> = {};
    for (const [key, values] of Object.entries(this.history)) history[key] = values.slice();
    return { epoch: this.epoch.slice(), history };
  }

  setState(state: { epoch: number[]; history: Record<string, number[]> }): void {
    this.epoch.length = 0;
    this.epoch.push(...state.epoch);
    for (const key of Object.keys(this.history)) delete this.history[key];
    for (const [key, values] of Object.entries(state.history)) this.history[key] = values.slice();
  }
}

/**
 * Keras's progress line, printed once per epoch:
 *   Epoch 3/10
 *   1131/1131 [==============================] - 0s 310us/step - loss: 0.2876 - accuracy: 0.8935
 */
export class ProgbarLogger implements Callback {
  /** When the epoch began (or, for a run restored mid-epoch, when this logger was made). */
  private started: number;

  constructor(
    private readonly epochs: number,
    private readonly steps: number,
    private readonly print: (line: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  onEpochBegin(epoch: number): void {
    this.print(`Epoch ${epoch + 1}/${this.epochs}`);
    this.started = this.now();
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const seconds = (this.now() - this.started) / 1000;
    this.print(formatProgress(this.steps, seconds, logs));
  }
}

/** The Keras progress line for a finished epoch (exported for the CLI and tests). */
export function formatProgress(steps: number, seconds: number, logs: Logs): string {
  const perStep = steps > 0 ? seconds / steps : 0;
  const pace =
    perStep >= 1 ? `${perStep.toFixed(0)}s/step` : perStep >= 1e-3 ? `${(perStep * 1e3).toFixed(0)}ms/step` : `${(perStep * 1e6).toFixed(0)}us/step`;
  const values = Object.entries(logs)
    .map(([k, v]) => ` - ${k}: ${Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(4) : v.toFixed(4)}`)
    .join('');
  return `${steps}/${steps} [${'='.repeat(30)}] - ${seconds.toFixed(0)}s ${pace}${values}`;
}

export interface EarlyStoppingOptions {
  /** The logs key to watch (default 'val_loss'). */
  monitor?: string;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min' for losses and errors, 'max' for accuracy, auc, precision, recall; 'auto' picks by the name, as Keras does. */
  mode?: 'auto' | 'min' | 'max';
  /** Keep waiting (no reset of the patience count) until the value is better than this. */
  baseline?: number;
  /** When training ends (stopped early or not), set the weights of the best epoch back (Keras 3's restore_best_weights). */
  restoreBestWeights?: boolean;
  /** 1: print a line when it stops (tfjs and Keras take it too). Default 0. */
  verbose?: 0 | 1;
}

const EARLY_STOPPING_OPTIONS: readonly (keyof EarlyStoppingOptions)[] = ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'verbose'];

/**
 * +1 when smaller is better, −1 when larger is: Keras's 'auto' reads the name; accuracy, auc,
 * precision and recall go up, losses and errors (mae, mse) go down.
 */
function direction(monitor: string, mode: 'auto' | 'min' | 'max' | undefined, where: string): number {
  const m = mode ?? 'auto';
  if (m !== 'auto' && m !== 'min' && m !== 'max') throw new RangeError(`${where}: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
  return m === 'max' || (m === 'auto' && /acc|auc|precision|recall/.test(monitor)) ? -1 : 1;
}

/** The monitored value from the epoch logs, or an error that lists the keys there are. */
function monitored(logs: Logs, monitor: string, where: string): number {
  const value = logs[monitor];
  if (value === undefined) throw new Error(`${where}: '${monitor}' is not in the epoch logs (${Object.keys(logs).join(', ')})`);
  return value;
}

function needModel(model: CallbackModel | null, where: string): CallbackModel {
  if (model === null) throw new Error(`${where}: no model; pass the callback to fit (which hands it the model) or give the model first`);
  return model;
}

/**
 * Stops fit when `monitor` (default 'val_loss') has not improved by minDelta for `patience`
 * epochs, as Keras's EarlyStopping does:
 *   each epoch: wait += 1; an improvement (score < best − minDelta, on the signed score) sets
 *   best and, if it also beats `baseline`, wait = 0; otherwise, wait ≥ patience (after the first
 *   epoch) stops training. With restoreBestWeights the best epoch's weights are set back when
 *   training ends, stopped early or not (Keras 3's on_train_end).
 * The model comes from fit (Keras's set_model); `new EarlyStopping(model, options)` still works.
 *
 * @example
 * model.fit(X, y, { validationSplit: 0.2, callbacks: [new EarlyStopping({ monitor: 'val_auc', patience: 3, restoreBestWeights: true })] });
 */
export class EarlyStopping implements Callback {
  /** The best signed score so far (sign·value: smaller is better), NaN before the first epoch. */
  private best = NaN;
  private wait = 0;
  stoppedEpoch = -1;
  /** The epoch of the best score (-1 before the first). */
  bestEpoch = -1;
  private bestWeights: Float32Array[] | null = null;
  private readonly sign: number;
  private readonly options: EarlyStoppingOptions;
  private model: CallbackModel | null;
  /** Given to the constructor (the old form): fit's model does not replace it. */
  private readonly ownModel: boolean;

  constructor(options?: EarlyStoppingOptions);
  constructor(model: CallbackModel, options?: EarlyStoppingOptions);
  constructor(modelOrOptions?: CallbackModel | EarlyStoppingOptions, options?: EarlyStoppingOptions) {
    const isModel = modelOrOptions !== undefined && modelOrOptions !== null && 'stopTraining' in modelOrOptions;
    this.model = isModel ? (modelOrOptions as CallbackModel) : null;
    this.ownModel = isModel;
    this.options = (isModel ? options : (modelOrOptions as EarlyStoppingOptions | undefined)) ?? {};
    checkOptions('EarlyStopping', this.options, EARLY_STOPPING_OPTIONS);
    this.sign = direction(this.options.monitor ?? 'val_loss', this.options.mode, 'EarlyStopping');
  }

  setModel(model: CallbackModel): void {
    if (!this.ownModel) this.model = model;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
    this.bestWeights = null;
  }

  /** best is stored as its signed score; NaN (nothing seen yet) becomes null. The best weights go as number lists. */
  getState(): { best: number | null; wait: number; stoppedEpoch: number; bestEpoch: number; bestWeights: number[][] | null } {
    return {
      best: Number.isNaN(this.best) ? null : this.best,
      wait: this.wait,
      stoppedEpoch: this.stoppedEpoch,
      bestEpoch: this.bestEpoch,
      bestWeights: this.bestWeights ? this.bestWeights.map((w) => Array.from(w)) : null,
    };
  }

  setState(state: unknown): void {
    const s = state as { best: number | null; wait: number; stoppedEpoch: number; bestEpoch?: number; bestWeights?: ArrayLike<number>[] | null } | null;
    if (!s || typeof s.wait !== 'number' || typeof s.stoppedEpoch !== 'number' || (s.best !== null && typeof s.best !== 'number')) {
      throw new TypeError(`EarlyStopping.setState: expected { best, wait, stoppedEpoch }, got ${JSON.stringify(state)?.slice(0, 120)}`);
    }
    this.best = s.best ?? NaN;
    this.wait = s.wait;
    this.stoppedEpoch = s.stoppedEpoch;
    this.bestEpoch = s.bestEpoch ?? -1;
    this.bestWeights = s.bestWeights ? s.bestWeights.map((w) => Float32Array.from(Array.isArray(w) ? w : Object.values(w))) : null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const o = this.options;
    const model = needModel(this.model, 'EarlyStopping');
    const score = this.sign * monitored(logs, o.monitor ?? 'val_loss', 'EarlyStopping');
    const minDelta = Math.abs(o.minDelta ?? 0);
    if (o.restoreBestWeights && this.bestWeights === null) this.takeWeights(model, epoch);
    this.wait++;
    if (Number.isNaN(this.best) || score < this.best - minDelta) {
      this.best = score;
      this.bestEpoch = epoch;
      if (o.restoreBestWeights) this.takeWeights(model, epoch);
      // the count starts again only once the baseline is beaten too
      if (o.baseline === undefined || score < this.sign * o.baseline - minDelta) this.wait = 0;
      return;
    }
    if (this.wait >= (o.patience ?? 0) && epoch > 0) {
      model.stopTraining = true;
      this.stoppedEpoch = epoch;
      if (o.verbose) console.log(`Epoch ${epoch + 1}: early stopping`);
    }
  }

  /** Keras 3 sets the best weights back at the end of training, stopped early or not. */
  onTrainEnd(): void {
    if (!this.options.restoreBestWeights || this.bestWeights === null) return;
    const model = needModel(this.model, 'EarlyStopping');
    if (!model.setWeights) throw new Error('EarlyStopping: restoreBestWeights needs a model with setWeights');
    model.setWeights(this.bestWeights);
    if (this.options.verbose) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
  }

  private takeWeights(model: CallbackModel, epoch: number): void {
    if (!model.getWeights) throw new Error('EarlyStopping: restoreBestWeights needs a model with getWeights');
    this.bestWeights = model.getWeights().map((w) => w.slice());
    this.bestEpoch = epoch;
  }
}

/** An optimizer's learning rate, read and set (every densely optimizer keeps it as `learningRate`). */
function optimizerOf(model: CallbackModel, where: string): { learningRate: number } {
  const opt = model.compiled?.(where).optimizer as { learningRate?: unknown; schedule?: unknown } | undefined;
  if (!opt || typeof opt.learningRate !== 'number') throw new Error(`${where}: the model's optimizer has no numeric learningRate`);
  // as Keras refuses: a rate that follows a schedule is the schedule's, not the callback's to change
  if (opt.schedule) throw new Error(`${where}: the optimizer's learning rate follows a schedule, which ${where} cannot change; give the optimizer a constant learningRate`);
  return opt as { learningRate: number };
}

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  /** The new rate is lr·factor (default 0.1, must be < 1). */
  factor?: number;
  /** Epochs without improvement before lowering the rate (default 10). */
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  /** The least change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The rate never goes below this (default 0). */
  minLr?: number;
  verbose?: 0 | 1;
}

const REDUCE_OPTIONS: readonly (keyof ReduceLROnPlateauOptions)[] = ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr', 'verbose'];

/**
 * Keras's ReduceLROnPlateau: when `monitor` has not improved by minDelta for `patience` epochs,
 * lr ← max(lr·factor, minLr), then `cooldown` epochs pass before it counts again. It sets the
 * compiled optimizer's learningRate; its state (with the rate) travels in the Trainer's state.
 */
export class ReduceLROnPlateau implements Callback {
  private best = NaN;
  private wait = 0;
  private cooldownCounter = 0;
  /** The rate this callback last set, or null (it has set none). */
  private lr: number | null = null;
  private model: CallbackModel | null = null;
  private readonly sign: number;
  private readonly options: ReduceLROnPlateauOptions;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkOptions('ReduceLROnPlateau', options, REDUCE_OPTIONS);
    const factor = options.factor ?? 0.1;
    if (!(factor >= 0 && factor < 1)) throw new RangeError(`ReduceLROnPlateau: factor must be in [0, 1), got ${factor}`);
    this.options = options;
    this.sign = direction(options.monitor ?? 'val_loss', options.mode, 'ReduceLROnPlateau');
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  getState(): { best: number | null; wait: number; cooldownCounter: number; lr: number | null } {
    return { best: Number.isNaN(this.best) ? null : this.best, wait: this.wait, cooldownCounter: this.cooldownCounter, lr: this.lr };
  }

  setState(state: unknown): void {
    const s = state as { best: number | null; wait: number; cooldownCounter: number; lr: number | null } | null;
    if (!s || typeof s.wait !== 'number' || typeof s.cooldownCounter !== 'number') throw new TypeError(`ReduceLROnPlateau.setState: expected { best, wait, cooldownCounter, lr }, got ${JSON.stringify(state)}`);
    this.best = s.best ?? NaN;
    this.wait = s.wait;
    this.cooldownCounter = s.cooldownCounter;
    this.lr = s.lr;
    // a resumed run's optimizer was rebuilt with the compiled rate: set the lowered one again
    if (this.lr !== null && this.model) optimizerOf(this.model, 'ReduceLROnPlateau').learningRate = this.lr;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const o = this.options;
    const score = this.sign * monitored(logs, o.monitor ?? 'val_loss', 'ReduceLROnPlateau');
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (Number.isNaN(this.best) || score < this.best - Math.abs(o.minDelta ?? 1e-4)) {
      this.best = score;
      this.wait = 0;
    } else if (this.cooldownCounter === 0 && ++this.wait >= (o.patience ?? 10)) {
      const opt = optimizerOf(needModel(this.model, 'ReduceLROnPlateau'), 'ReduceLROnPlateau');
      const minLr = o.minLr ?? 0;
      if (opt.learningRate > minLr) {
        this.lr = Math.max(opt.learningRate * (o.factor ?? 0.1), minLr);
        opt.learningRate = this.lr;
        if (o.verbose) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${this.lr}.`);
        this.cooldownCounter = o.cooldown ?? 0;
        this.wait = 0;
      }
    }
  }
}

/**
 * Keras's LearningRateScheduler: at the start of every epoch, lr ← schedule(epoch, lr) on the
 * compiled optimizer. Its state is the rate it set, so a run resumed mid-epoch keeps it.
 *
 * @example
 * new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
 */
export class LearningRateScheduler implements Callback {
  private model: CallbackModel | null = null;
  private lr: number | null = null;

  constructor(private readonly schedule: (epoch: number, lr: number) => number) {
    if (typeof schedule !== 'function') throw new TypeError('LearningRateScheduler: schedule must be a function (epoch, lr) => lr');
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    const opt = optimizerOf(needModel(this.model, 'LearningRateScheduler'), 'LearningRateScheduler');
    const lr = this.schedule(epoch, opt.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) throw new RangeError(`LearningRateScheduler: schedule(${epoch}, ${opt.learningRate}) gave ${lr}; a rate is a finite number ≥ 0`);
    opt.learningRate = lr;
    this.lr = lr;
  }

  getState(): { lr: number | null } {
    return { lr: this.lr };
  }

  setState(state: unknown): void {
    const s = state as { lr: number | null } | null;
    if (!s || (s.lr !== null && typeof s.lr !== 'number')) throw new TypeError(`LearningRateScheduler.setState: expected { lr }, got ${JSON.stringify(state)}`);
    this.lr = s.lr;
    if (this.lr !== null && this.model) optimizerOf(this.model, 'LearningRateScheduler').learningRate = this.lr;
  }
}

/**
 * Keras's TerminateOnNaN: stops training when a batch's (or an epoch's) loss is NaN or infinite.
 * densely's own guard (fit's onNan) already stops or skips such a batch before its update; this
 * is for code ported from Keras, and for a loss that goes non-finite in the epoch logs.
 */
export class TerminateOnNaN implements Callback {
  private model: CallbackModel | null = null;

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    this.check(logs, `batch ${batch}`);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.check(logs, `epoch ${epoch + 1}`);
  }

  private check(logs: Logs, where: string): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      needModel(this.model, 'TerminateOnNaN').stopTraining = true;
      console.log(`${where}: invalid loss ${loss}, terminating training`);
    }
  }
}

/**
 * The tfjs spelling, beside the classes: `callbacks.earlyStopping({ monitor: 'val_auc', patience: 3 })`
 * as `tf.callbacks.earlyStopping` is called, so code ported from tfjs compiles.
 */
export const callbacks = {
  earlyStopping: (options?: EarlyStoppingOptions): EarlyStopping => new EarlyStopping(options),
  reduceLROnPlateau: (options?: ReduceLROnPlateauOptions): ReduceLROnPlateau => new ReduceLROnPlateau(options),
  terminateOnNaN: (): TerminateOnNaN => new TerminateOnNaN(),
  learningRateScheduler: (schedule: (epoch: number, lr: number) => number): LearningRateScheduler => new LearningRateScheduler(schedule),
};

export interface ModelCheckpointOptions {
  /** Where to save; `{epoch}` (or `{epoch:03d}`, zero-padded) becomes the 1-based epoch, as in Keras. */
  filepath: string;
  /** The logs key saveBestOnly watches (default 'val_loss'). */
  monitor?: string;
  /** Save only when `monitor` improves on the best so far (strictly, as Keras); the first epoch always saves. */
  saveBestOnly?: boolean;
  mode?: 'auto' | 'min' | 'max';
  verbose?: 0 | 1;
}

const MODEL_CHECKPOINT_OPTIONS: readonly (keyof ModelCheckpointOptions)[] = ['filepath', 'monitor', 'saveBestOnly', 'mode', 'verbose'];

/**
 * Keras's ModelCheckpoint, in two forms.
 *
 * `new ModelCheckpoint({ filepath, monitor, saveBestOnly })` (Keras's): at each epoch's end it
 * saves the model with model.save(filepath), the densely model file (import 'densely/node' so
 * save can write files; it writes atomically). With saveBestOnly, only when `monitor` is better
 * than the best so far.
 *
 * `new ModelCheckpoint(save)`, with the run's state: at the start of every epoch (and every
 * `everyEpochs`-th only, if given) it hands `save` the Trainer's state (TrainingState), taken
 * before the epoch's shuffle, so `fit(X, y, { resumeFrom: state })` on a model holding the weights
 * of that moment continues exactly. Write both with checkpointDocument (src/io/checkpoint.ts):
 *
 * @example
 * new ModelCheckpoint({ filepath: 'best.json', monitor: 'val_auc', saveBestOnly: true });
 * const cb = new ModelCheckpoint((state) => writeCheckpoint('run.ckpt', checkpointDocument(model, state, run), state.epoch));
 * model.fit(X, y, { epochs: 10, callbacks: [cb] });
 */
export class ModelCheckpoint implements Callback {
  private trainer: { getState(): unknown } | null = null;
  private model: CallbackModel | null = null;
  /** The best signed score so far (saveBestOnly), NaN before the first. */
  private best = NaN;
  private readonly save: ((state: TrainingState) => void) | null;
  private readonly file: ModelCheckpointOptions | null;
  private readonly sign: number;

  constructor(options: ModelCheckpointOptions);
  constructor(save: (state: TrainingState) => void, options?: { everyEpochs?: number });
  constructor(
    saveOrOptions: ((state: TrainingState) => void) | ModelCheckpointOptions,
    private readonly options: { everyEpochs?: number } = {},
  ) {
    if (typeof saveOrOptions === 'function') {
      this.save = saveOrOptions;
      this.file = null;
      this.sign = 1;
    } else {
      checkOptions('ModelCheckpoint', saveOrOptions, MODEL_CHECKPOINT_OPTIONS);
      if (typeof saveOrOptions?.filepath !== 'string' || saveOrOptions.filepath === '') throw new TypeError('ModelCheckpoint: filepath must be a non-empty string');
      this.save = null;
      this.file = saveOrOptions;
      this.sign = direction(saveOrOptions.monitor ?? 'val_loss', saveOrOptions.mode, 'ModelCheckpoint');
    }
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainer(trainer: { getState(): unknown }): void {
    this.trainer = trainer;
  }

  onTrainBegin(): void {
    this.best = NaN;
  }

  onEpochBegin(epoch: number): void {
    if (this.save === null || this.trainer === null || epoch === 0 || epoch % (this.options.everyEpochs ?? 1) !== 0) return;
    this.save(this.trainer.getState() as TrainingState);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const o = this.file;
    if (o === null) return;
    if (o.saveBestOnly) {
      const score = this.sign * monitored(logs, o.monitor ?? 'val_loss', 'ModelCheckpoint');
      if (!Number.isNaN(this.best) && !(score < this.best)) return;
      this.best = score;
    }
    const model = needModel(this.model, 'ModelCheckpoint');
    if (!model.save) throw new Error('ModelCheckpoint: the model has no save(path)');
    const path = o.filepath.replace(/\{epoch(?::0?(\d+)d)?\}/g, (_, width?: string) => String(epoch + 1).padStart(width ? Number(width) : 0, '0'));
    model.save(path);
    if (o.verbose) console.log(`Epoch ${epoch + 1}: saved the model to ${path}`);
  }

  /** saveBestOnly's best value; undefined (no state to carry) for the state-handing form. */
  getState(): { best: number | null } | undefined {
    return this.file === null ? undefined : { best: Number.isNaN(this.best) ? null : this.best };
  }

  setState(state: unknown): void {
    const s = state as { best: number | null } | null;
    if (!s || (s.best !== null && typeof s.best !== 'number')) throw new TypeError(`ModelCheckpoint.setState: expected { best }, got ${JSON.stringify(state)}`);
    this.best = s.best ?? NaN;
  }
}
