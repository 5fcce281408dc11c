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
   * leave both out.
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
  monitor?: string;
  minDelta?: number;
  patience?: number;
  /** 'min' for losses, 'max' for accuracy; 'auto' picks by the name, as Keras does. */
  mode?: 'auto' | 'min' | 'max';
}

/** Stops fit when `monitor` (default 'val_loss') has not improved by minDelta for `patience` epochs. */
export class EarlyStopping implements Callback {
  private best = NaN;
  private wait = 0;
  stoppedEpoch = -1;
  private readonly sign: number;

  constructor(
    private readonly model: { stopTraining: boolean },
    private readonly options: EarlyStoppingOptions = {},
  ) {
    const monitor = options.monitor ?? 'val_loss';
    const mode = options.mode ?? 'auto';
    this.sign = mode === 'max' || (mode === 'auto' && /acc|auc/.test(monitor)) ? -1 : 1;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
    this.stoppedEpoch = -1;
  }

  /** best is stored as its signed score; NaN (nothing seen yet) becomes null. */
  getState(): { best: number | null; wait: number; stoppedEpoch: number } {
    return { best: Number.isNaN(this.best) ? null : this.best, wait: this.wait, stoppedEpoch: this.stoppedEpoch };
  }

  setState(state: unknown): void {
    const s = state as { best: number | null; wait: number; stoppedEpoch: number } | null;
    if (!s || typeof s.wait !== 'number' || typeof s.stoppedEpoch !== 'number' || (s.best !== null && typeof s.best !== 'number')) {
      throw new TypeError(`EarlyStopping.setState: expected { best, wait, stoppedEpoch }, got ${JSON.stringify(state)}`);
    }
    this.best = s.best ?? NaN;
    this.wait = s.wait;
    this.stoppedEpoch = s.stoppedEpoch;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const monitor = this.options.monitor ?? 'val_loss';
    const value = logs[monitor];
    if (value === undefined) throw new Error(`EarlyStopping: '${monitor}' is not in the epoch logs (${Object.keys(logs).join(', ')})`);
    const score = this.sign * value;
    if (Number.isNaN(this.best) || score < this.best - (this.options.minDelta ?? 0)) {
      this.best = score;
      this.wait = 0;
    } else if (++this.wait >= (this.options.patience ?? 0)) {
      this.model.stopTraining = true;
      this.stoppedEpoch = epoch;
    }
  }
}

/**
 * Keras's ModelCheckpoint, with the run's state: at the start of every epoch (and every
 * `everyEpochs`-th only, if given) it hands `save` the Trainer's state (TrainingState), taken
 * before the epoch's shuffle, so `fit(X, y, { resumeFrom: state })` on a model holding the weights
 * of that moment continues exactly. Write both with checkpointDocument (src/io/checkpoint.ts):
 *
 * @example
 * const cb = new ModelCheckpoint((state) => writeCheckpoint('run.ckpt', checkpointDocument(model, state, run), state.epoch));
 * model.fit(X, y, { epochs: 10, callbacks: [cb] });
 */
export class ModelCheckpoint implements Callback {
  private trainer: { getState(): unknown } | null = null;

  constructor(
    private readonly save: (state: TrainingState) => void,
    private readonly options: { everyEpochs?: number } = {},
  ) {}

  onTrainer(trainer: { getState(): unknown }): void {
    this.trainer = trainer;
  }

  onEpochBegin(epoch: number): void {
    if (this.trainer === null || epoch === 0 || epoch % (this.options.everyEpochs ?? 1) !== 0) return;
    this.save(this.trainer.getState() as TrainingState);
  }
}
