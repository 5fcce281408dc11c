/**
 * Training: one step, then the Trainer that runs steps and epochs and can be paused, saved and
 * resumed.
 *
 * ── The training step ──────────────────────────────────────────────────────────────────────────
 *
 *   1. forward:   A₀ = X,  Aₗ = layerₗ(Aₗ₋₁)               (each layer caches what backward needs)
 *   2. loss:      L = loss(A_last, y),  dOut = ∂L/∂A_last  (logits when the loss fused the activation)
 *   3. backward:  dAₗ₋₁ = layerₗ.backward(dAₗ), last layer first; every layer ADDS into its grads
 *      (then, only when some layer has a regularizer: L += Σ penalties, grads += their gradients)
 *   4. update:    the optimizer moves every trainable parameter along its gradient
 *
 * A batch is already gathered into the model's buffers (net.buffers) when the step runs.
 */
import type { Backend } from '../backends/backend.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { fingerprint } from '../tensor/fingerprint.js';
import { TrainingError } from '../errors.js';
import type { Matrix } from '../tensor/matrix.js';
import type { MT19937, MT19937State } from '../tensor/random.js';
import type { RowViews } from '../tensor/row-views.js';
import { History, ProgbarLogger, type Callback, type Logs } from './callbacks.js';
import { checkBinary, type MatrixLike, type TargetsLike } from './inputs.js';
import type { Layer } from './layer.js';
import type { Loss } from './losses.js';
import type { Fused, Metric, MetricAccumulator } from './metrics.js';
import { defaultTerminalWriter, ProgressBar } from './progress-bar.js';
import { checkOptions } from './options.js';

/** The model's batch buffers in its arena, each [capacity, ·]; `get(rows)` is the first rows. */
export interface BatchBuffers {
  /** Features, [capacity, inputs]. */
  X: RowViews;
  /** Targets, [capacity, outputs]. */
  y: RowViews;
  /** Per-row weights (class weights), [capacity]. */
  w: RowViews;
  /** The loss gradient with respect to the output, [capacity, outputs]. */
  dOut: RowViews;
}

/** What a step needs of a network: its layers, its buffers and its backend. */
export interface Net {
  readonly layers: readonly Layer[];
  readonly backend: Backend;
  readonly buffers: BatchBuffers;
  readonly outputSize: number;
  /** The last forward's output, [rows, outputs]; set by the step. */
  output: Float32Array;
  /** Sets every gradient to 0 (once per step: layers accumulate). */
  zeroGrads(): void;
  /** Every gradient, as one view of the arena (read by the numeric guard each step). */
  readonly gradients: Float32Array;
  /** The layers with a weight regularizer (empty or absent: the step does no regularization work). */
  readonly regularized?: readonly Layer[];
  /** Tells the optimizer which layers are frozen, if that changed (see TrainableModel.syncTrainable). */
  syncTrainable?(): void;
}

/**
 * Steps 1–3 on the batch in net.buffers (its first `rows` rows): forward, loss and its gradient,
 * backward. Returns Σ wi·ℓi (a sum over rows); leaves the output in net.output and the gradients
 * in the grad views. Nothing is updated: `computeGradients` stops here.
 * `rng` makes it a training step: layers that draw (Dropout) draw from it; without it they are
 * the identity, as at inference (computeGradients and gradCheck differentiate that function).
 */
export function forwardBackward(net: Net, loss: Loss, fused: boolean, rows: number, w: Float32Array | null, rng: MT19937 | null = null): number {
  const { X, y, dOut } = net.buffers;
  // 1. forward
  let a = X.get(rows);
  for (const layer of net.layers) a = layer.forward(a, rows, rng);
  net.output = a;
  // 2. the loss, and its gradient with respect to the output
  const d = dOut.get(rows);
  const lossSum = loss.forwardBackward(net.backend, a, y.get(rows), w, rows, net.outputSize, fused, d);
  // 3. backward, last layer first (the first layer needs no dX)
  net.zeroGrads();
  let g: Float32Array | null = d;
  for (let l = net.layers.length - 1; l >= 0; l--) g = net.layers[l].backward(g as Float32Array, rows, l > 0);
  // 3b. the regularizers (Keras adds the penalties to the batch's mean loss; this sum is rows × that mean)
  const reg = net.regularized;
  if (reg !== undefined && reg.length > 0) {
    let penalty = 0;
    for (const layer of reg) penalty += (layer.penalty as (g: boolean) => number)(true);
    return lossSum + penalty * rows;
  }
  return lossSum;
}

/** The whole step, 1–4. Returns Σ wi·ℓi over the batch. */
export function trainStep(net: Net, loss: Loss, fused: boolean, optimizer: Optimizer, rows: number, w: Float32Array | null, rng: MT19937 | null = null): number {
  net.syncTrainable?.(); // a layer frozen since the last step: the optimizer must skip it
  const lossSum = forwardBackward(net, loss, fused, rows, w, rng);
  // 4. update
  optimizer.step();
  return lossSum;
}

/**
 * Where a step went non-finite, in words, or null when it did not: the loss, and the first layer
 * (in forward order) with a NaN or an Infinity in a gradient.
 *
 * @example
 * nonFiniteIn(model, NaN); // 'the loss is NaN; first layer with a bad value: dense (the gradient dense/kernel[3] is NaN)'
 */
export function nonFiniteIn(net: Net, lossSum: number): string | null {
  let bad: string | null = null;
  search: for (const layer of net.layers) {
    for (const { name, grad } of layer.params()) {
      for (let i = 0; i < grad.length; i++) {
        const g = grad[i];
        if (g - g !== 0) {
          // NaN or ±Infinity: g - g is NaN for both, 0 for every finite g
          bad = `first layer with a bad value: ${layer.name} (the gradient ${name}[${i}] is ${g})`;
          break search;
        }
      }
    }
  }
  if (Number.isFinite(lossSum)) return bad === null ? null : `a gradient is not finite; ${bad}`;
  return `the loss is ${lossSum}; ${bad ?? 'every gradient is finite'}`;
}

/** Whether every value is finite (g − g is 0 for a finite g, NaN for NaN and ±Infinity). */
function allFinite(values: Float32Array): boolean {
  let acc = 0;
  for (let i = 0; i < values.length; i++) acc += values[i] - values[i];
  return acc === 0;
}

function onNanOption(v: unknown): 'stop' | 'skip-batch' {
  if (v === undefined || v === 'stop' || v === 'skip-batch') return (v ?? 'stop') as 'stop' | 'skip-batch';
  throw new RangeError(`fit: onNan must be 'stop' or 'skip-batch', got ${JSON.stringify(v)}`);
}

// ── The Trainer ───────────────────────────────────────────────────────────────────────────────

export interface FitOptions {
  epochs?: number;
  /** Default 32; the last partial batch is kept. */
  batchSize?: number;
  /** Reshuffle the training rows every epoch (default true), from a seeded generator. */
  shuffle?: boolean;
  /** Seed for shuffling. Default: the model's seed. */
  seed?: number;
  /** Hold out the LAST fraction of the rows (taken before any shuffling), as Keras does. */
  validationSplit?: number;
  validationData?: [MatrixLike, TargetsLike];
  /**
   * 0 = silent; 2 = Keras's line per epoch ('Epoch 3/10', then the epoch's summary line);
   * 1 (default) = in a terminal (a `write` sink), Keras's progress bar redrawn over one line as
   * the batches go (progress-bar.ts); without one (piped, CI, a page), the same lines as 2.
   */
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  /**
   * Keras class_weight: per-class weights for the loss, e.g. {0: 1, 1: 7.5}. compile's `metrics`
   * stay unweighted, as Keras's `metrics=`; its `weightedMetrics` (Keras's weighted_metrics) take them.
   */
  classWeight?: Record<number, number>;
  /** Where verbose lines go (default console.log). */
  print?: (line: string) => void;
  /**
   * A terminal sink: writes text as given, no newline added, e.g. `(s) => process.stdout.write(s)`.
   * With it, verbose 1 draws the live progress bar. Default, when neither print nor write is
   * given: Node's stdout when it is a TTY, else none.
   */
  write?: (text: string) => void;
  /** A NaN or Infinity in a batch's loss or gradients: 'stop' (throw a TrainingError, weights as before the batch; default) or 'skip-batch' (undo nothing, skip its update). */
  onNan?: 'stop' | 'skip-batch';
  /**
   * Continue a run instead of starting one: a TrainingState from trainer.getState() (or a
   * checkpoint's `state`), taken when the model held its present weights. The run's own settings
   * (epochs, batch size, shuffle, class weights, …) come from the state; given here too, they must
   * match. callbacks, print and validationData are taken from these options.
   */
  resumeFrom?: TrainingState;
  /** fitAsync only: train at most this long between yields to the event loop (default 2 ms, at most 16). */
  yieldEveryMs?: number;
}

/** The keys FitOptions has: any other (`batch_size`, `validation_split`, …) is refused (see options.ts). */
export const FIT_OPTIONS: readonly (keyof FitOptions)[] = [
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'validationSplit',
  'validationData',
  'verbose',
  'callbacks',
  'classWeight',
  'print',
  'write',
  'onNan',
  'resumeFrom',
  'yieldEveryMs',
];

/** What Trainer.restore takes again, because it is not plain data: functions and the validation set. */
export interface RestoreOptions {
  callbacks?: Callback[];
  print?: (line: string) => void;
  write?: (text: string) => void;
  validationData?: [MatrixLike, TargetsLike];
}

/** The model as the Trainer sees it (Sequential implements this; the trainer never imports it). */
export interface TrainableModel extends Net {
  readonly name: string;
  stopTraining: boolean;
  /** The compiled loss, optimizer and metrics; throws, naming `where`, when not compiled. */
  compiled(where: string): { loss: Loss; optimizer: Optimizer; metrics: Metric[]; weightedFrom?: number; fused: boolean; fusedAs?: Fused };
  /** X and y as matrices, checked against the model (which builds on first use). */
  /** `names` word the errors about X and y (default `${where}: X` and `${where}: y`). */
  checkData(X: MatrixLike, y: TargetsLike, where: string, names?: { X: string; y: string }): { X: Matrix; y: Matrix };
  /** Plans the arena for batches of up to `rows` rows, once, before training starts. */
  planCapacity(rows: number): void;
  /** While true, predict and evaluate split big batches instead of growing the arena. */
  setTraining(on: boolean): void;
  /** How many times the model was compiled: a run refuses to go on after a recompile. */
  readonly compileCount: number;
  /** evaluate, one batch per next(); returns the logs. */
  evaluateSteps(X: Matrix, y: Matrix, options: { batchSize: number }): Generator<void, Logs>;
  /** The model's shuffling generator: kept across fits, replaced by a fresh one when a seed is given. */
  shuffleRng(seed?: number): MT19937;
  /** The model's dropout generator (Dropout's masks): kept across fits like shuffleRng, from its own seed. */
  dropoutRng(seed?: number): MT19937;
  /** The layers' configs and shapes and the compile config, as JSON: a restored state must match it. */
  signature(): string;
  /**
   * Hands the layers' `trainable` flags to the optimizer if any changed since the last call (a
   * few boolean reads when none did). The Trainer calls it before every step, so freezing or
   * unfreezing a layer takes effect at the next step, with no new compile.
   */
  syncTrainable(): void;
}

/**
 * Everything a run needs to continue exactly, as plain data (numbers, strings, plain objects and
 * typed arrays: it survives structuredClone and v8.serialize). The weights are not in it: they
 * travel with the model (model.toJSON()).
 */
export interface TrainingState {
  format: 'densely-training-state';
  version: 1;
  /** The plain-data part of the fit options. */
  config: {
    epochs: number;
    batchSize: number;
    shuffle: boolean;
    validationSplit: number | null;
    /** Whether validationData was given (it must be given again to restore). */
    validationData: boolean;
    classWeight: Record<number, number> | null;
    verbose: 0 | 1 | 2;
    /** What a NaN or Infinity in a batch does (absent in states from before the guard: 'stop'). */
    onNan?: 'stop' | 'skip-batch';
  };
  /** The model's signature() and a fingerprint of the data, checked on restore. */
  check: { model: string; data: string; validation: string | null };
  /** model.stopTraining when the state was taken (a callback may set it mid-epoch). */
  stopTraining: boolean;
  /**
   * The epoch under way (0-based), and the next step in it; step 0 means it has not begun, and
   * step = steps per epoch that its batches are done but its end (validation) is not.
   */
  epoch: number;
  step: number;
  /** This epoch's row order. */
  permutation: Int32Array;
  /** The generators: shuffling, and Dropout's masks (absent in states from before Dropout). */
  rngs: { shuffle: MT19937State; dropout?: MT19937State };
  optimizer: OptimizerState;
  /**
   * The epoch's running sums: loss and weight sums, and each metric's state (its accumulator's
   * getState(): [Σ wi·mi, Σ wi] for a mean metric, every score for AUC). States from before
   * stateful metrics hold one number per metric, its weighted sum.
   */
  sums: { loss: number; weight: number; metrics: (number | number[])[] };
  history: { epoch: number[]; history: Record<string, number[]> };
  /** States of the user's callbacks that have one, by their index in `callbacks`. */
  callbacks: { index: number; state: unknown }[];
  begun: boolean;
  done: boolean;
}

/**
 * How long fitAsync trains between yields to the event loop, by default. A page needs a yield at
 * least every 16 ms (one frame); a shorter slice also lets timers fire close to on time. Measured
 * in Node 20 with a 10 ms setInterval during training, its rate against an idle loop: 0.55 with
 * 16 ms slices, 0.61 with 8, 0.84 with 4, 0.96 with 2, with no measurable cost in training speed
 * (a yield is a few µs; a batch-32 step ~200 µs).
 */
export const YIELD_EVERY_MS = 2;

/**
 * Runs a model's training one step at a time (ConvNetJS keeps its Trainer apart from its Net in
 * the same way). `model.fit` is a loop over `step()`; `fitAsync` is the same loop with pauses.
 *
 * @example
 * const trainer = model.makeTrainer(X, y, { epochs: 2, verbose: 0 });
 * trainer.step();                          // one batch
 * const saved = trainer.getState();        // plain data
 * while (!trainer.done) trainer.step();    // or trainer.runEpoch()
 * trainer.history.history.loss;            // per-epoch losses, as fit returns them
 */
export class Trainer {
  readonly history: History;
  private readonly loss: Loss;
  private readonly optimizer: Optimizer;
  private readonly metrics: Metric[];
  private readonly fused: boolean;
  private readonly classWeight: Record<number, number> | null;
  private readonly callbacks: Callback[];
  private readonly userCallbacks: Callback[];
  private readonly batchHooks: boolean;
  private readonly rng: MT19937;
  /** Dropout's masks are drawn from this (handed to forward in training steps only). */
  private readonly dropoutRng: MT19937;
  private readonly order: Int32Array;
  private readonly steps: number;
  /** The epoch's metric accumulators, and (for batch hooks) one batch's. */
  private readonly metricAccs: MetricAccumulator[];
  private readonly batchAccs: MetricAccumulator[];
  private readonly fusedAs: Fused;
  private readonly compileCount: number;
  /** metrics[weightedFrom…] are Keras's weighted_metrics: they get the class weights. */
  private readonly weightedFrom: number;
  private epoch = 0;
  private stepInEpoch = 0;
  private lossSum = 0;
  private weightSum = 0;
  private begun = false;
  private finished = false;
  /** The epoch's last batch has run and its end (validation, callbacks) has not. */
  private epochEndPending = false;
  private running = false;
  private dataCheck: string | null = null;
  /** The live progress bar (verbose 1 with a terminal sink), or null. */
  private bar: ProgressBar | null = null;
  /** The epoch's running means so far, for the bar (called only when it redraws). */
  private readonly runningLogs = (): Logs => {
    const rows = Math.min(this.stepInEpoch * this.config.batchSize, this.X.rows);
    const logs: Logs = { loss: this.lossSum / Math.max(rows, 1) };
    for (let m = 0; m < this.metrics.length; m++) logs[this.metrics[m].name] = this.metricAccs[m].result();
    return logs;
  };

  /** The newest run on each model: a newer one supersedes a paused one, never a running one. */
  private static readonly current = new WeakMap<TrainableModel, Trainer>();
  /** Batches skipped under onNan 'skip-batch', as "epoch E, batch B of N: what was bad". */
  readonly skipped: string[] = [];

  private constructor(
    private readonly model: TrainableModel,
    private readonly X: Matrix,
    private readonly y: Matrix,
    private readonly fullX: Matrix,
    private readonly fullY: Matrix,
    private readonly validation: [Matrix, Matrix] | null,
    private readonly config: TrainingState['config'],
    classWeight: Record<number, number> | null,
    callbacks: Callback[],
    out: { print?: (line: string) => void; write?: (text: string) => void },
    seed: number | undefined,
  ) {
    if (Trainer.current.get(model)?.running) throw new Error(`${model.name}: fitAsync is training this model; wait for it to finish`);
    const { loss, optimizer, metrics, fused, fusedAs, weightedFrom } = model.compiled('fit');
    this.weightedFrom = weightedFrom ?? metrics.length;
    this.fusedAs = fusedAs ?? fused;
    this.compileCount = model.compileCount;
    this.loss = loss;
    this.optimizer = optimizer;
    this.metrics = metrics;
    this.fused = fused;
    this.classWeight = classWeight;
    const n = X.rows;
    this.steps = Math.ceil(n / config.batchSize);
    // plan the arena once for training and validation batches, so nothing grows mid-fit
    model.planCapacity(Math.min(config.batchSize, Math.max(n, validation ? validation[0].rows : 0)));
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    // one shuffling generator per model, so fit(epochs: 1) twice equals fit(epochs: 2)
    this.rng = model.shuffleRng(seed);
    this.dropoutRng = model.dropoutRng(seed);
    this.history = new History();
    this.userCallbacks = callbacks;
    for (const c of callbacks) c.onTrainer?.(this);
    this.callbacks = [this.history];
    // verbose 1 with a terminal: the live bar; otherwise (and verbose 2) a line per epoch
    const write = out.write ?? (out.print === undefined && config.verbose === 1 ? defaultTerminalWriter() : null);
    const print = out.print ?? (write ? (line: string) => write(`${line}\n`) : console.log);
    if (config.verbose === 1 && write) {
      this.bar = new ProgressBar(config.epochs, this.steps, write);
      this.callbacks.push(this.bar);
    } else if (config.verbose !== 0) this.callbacks.push(new ProgbarLogger(config.epochs, this.steps, print));
    this.callbacks.push(...callbacks);
    this.batchHooks = this.callbacks.some((c) => c.onBatchBegin || c.onBatchEnd);
    this.metricAccs = metrics.map((m) => m.create());
    this.batchAccs = metrics.map((m) => m.create());
    // Keras's set_model: every callback learns the model it trains
    for (const c of callbacks) c.setModel?.(model);
  }

  /** A trainer for model.fit's arguments (what `model.makeTrainer` calls). Checks everything first. */
  static create(model: TrainableModel, X: MatrixLike, y: TargetsLike, options: FitOptions = {}): Trainer {
    checkOptions('fit', options, FIT_OPTIONS);
    if (options.resumeFrom) {
      const c = options.resumeFrom.config;
      const given: [string, unknown, unknown][] = [
        ['epochs', options.epochs, c?.epochs],
        ['batchSize', options.batchSize, c?.batchSize],
        ['shuffle', options.shuffle, c?.shuffle],
        ['validationSplit', options.validationSplit, c?.validationSplit ?? undefined],
        ['onNan', options.onNan, c?.onNan ?? 'stop'],
      ];
      for (const [name, mine, theirs] of given) {
        if (mine !== undefined && mine !== theirs) throw new Error(`fit: resumeFrom is a run with ${name} ${JSON.stringify(theirs)}, but ${name} ${JSON.stringify(mine)} was given; leave it out or give the same`);
      }
      return Trainer.restore(model, X, y, options.resumeFrom, { callbacks: options.callbacks, print: options.print, write: options.write, validationData: options.validationData });
    }
    const t = Trainer.unregistered(model, X, y, options);
    Trainer.current.set(model, t);
    return t;
  }

  /** A checked trainer that is not yet the model's current run (restore registers it after its own checks). */
  private static unregistered(model: TrainableModel, X: MatrixLike, y: TargetsLike, options: FitOptions): Trainer {
    const { loss } = model.compiled('fit');
    const data = model.checkData(X, y, 'fit');
    if (data.X.rows === 0) throw new RangeError('fit: X has 0 rows; there is nothing to train on');
    if (loss.binaryTargets) checkBinary(data.y, 'fit: y');
    loss.checkTargets?.(data.y, model.outputSize, 'fit: y');
    const epochs = positiveInt(options.epochs ?? 1, 'fit: epochs', true);
    const batchSize = positiveInt(options.batchSize ?? 32, 'fit: batchSize');
    const split = splitValidation(model, data.X, data.y, options, loss);
    const classWeight = options.classWeight ? checkClassWeight(options.classWeight, split.y) : null;
    const verbose = options.verbose ?? 1;
    const config: TrainingState['config'] = {
      epochs,
      batchSize,
      shuffle: options.shuffle ?? true,
      validationSplit: options.validationData ? null : (options.validationSplit ?? null),
      validationData: options.validationData !== undefined,
      classWeight: classWeight ? { ...classWeight } : null,
      verbose,
      onNan: onNanOption(options.onNan),
    };
    return new Trainer(model, split.X, split.y, data.X, data.y, split.validation, config, classWeight, options.callbacks ?? [], { print: options.print, write: options.write }, options.seed);
  }

  /**
   * Continues a run from `state` (trainer.getState(), possibly through structuredClone or another
   * process) into `model`, which holds the weights at the moment the state was taken (e.g. rebuilt
   * with Sequential.fromJSON(model.toJSON())). X and y are the arrays the run was started with;
   * callbacks, print and validationData are given again in `options`.
   */
  static restore(model: TrainableModel, X: MatrixLike, y: TargetsLike, saved: TrainingState, options: RestoreOptions = {}): Trainer {
    if (!saved || saved.format !== 'densely-training-state' || saved.version !== 1) {
      throw new Error(`Trainer.restore: not a densely training state (format ${JSON.stringify(saved?.format)}, version ${JSON.stringify(saved?.version)})`);
    }
    const state = typedState(saved);
    const c = state.config;
    if (c.validationData && !options.validationData) throw new Error('Trainer.restore: the run had validationData; pass it again in the options');
    const fitOptions: FitOptions = {
      epochs: c.epochs,
      batchSize: c.batchSize,
      shuffle: c.shuffle,
      validationSplit: c.validationSplit ?? undefined,
      validationData: options.validationData,
      verbose: c.verbose,
      onNan: c.onNan ?? 'stop',
      classWeight: c.classWeight ?? undefined,
      callbacks: options.callbacks,
      print: options.print,
      write: options.write,
    };
    const t = Trainer.unregistered(model, X, y, fitOptions);
    if (state.check.model !== model.signature()) throw new Error(`Trainer.restore: ${signatureDifference(state.check.model, model.signature())}`);
    if (state.check.data !== t.dataFingerprint() || state.check.validation !== t.validationFingerprint()) {
      throw new Error('Trainer.restore: X, y (or validationData) differ from the data the run was started with');
    }
    if (!(state.permutation instanceof Int32Array) || state.permutation.length !== t.order.length) {
      throw new Error(`Trainer.restore: permutation must be an Int32Array of ${t.order.length} rows`);
    }
    // step === steps: taken while fitAsync validated, with the epoch's end still to run
    if (!Number.isInteger(state.epoch) || !Number.isInteger(state.step) || state.step < 0 || state.step > t.steps || state.epoch < 0) {
      throw new Error(`Trainer.restore: bad position epoch ${state.epoch}, step ${state.step} (an epoch has ${t.steps} steps)`);
    }
    const isNumbers = (v: unknown) => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
    if (!Array.isArray(state.sums?.metrics) || state.sums.metrics.length !== t.metrics.length || !state.sums.metrics.concat(state.sums.loss, state.sums.weight).every(isNumbers)) {
      throw new Error(`Trainer.restore: the running sums must be numbers, one state per metric (${t.metrics.length}); a NaN or Infinity does not survive JSON`);
    }
    for (const { index } of state.callbacks) {
      if (!t.userCallbacks[index]?.setState) {
        throw new Error(`Trainer.restore: the state holds callback #${index}'s state; pass the same callbacks again (options.callbacks)`);
      }
    }
    t.epoch = state.epoch;
    t.stepInEpoch = state.step;
    t.epochEndPending = state.step === t.steps;
    t.order.set(state.permutation);
    t.rng.setState(state.rngs.shuffle);
    if (state.rngs.dropout) t.dropoutRng.setState(state.rngs.dropout);
    t.optimizer.setState(state.optimizer);
    t.lossSum = state.sums.loss;
    t.weightSum = state.sums.weight;
    // an old state's single number is a mean metric's weighted sum over the epoch's weight
    state.sums.metrics.forEach((m, i) => t.metricAccs[i].setState(typeof m === 'number' ? [m, state.sums.weight] : m));
    t.history.setState(state.history);
    for (const { index, state: s } of state.callbacks) t.userCallbacks[index].setState?.(s);
    t.begun = state.begun;
    t.finished = state.done;
    if (t.begun) {
      model.setTraining(!t.finished);
      model.stopTraining = state.stopTraining === true;
    }
    Trainer.current.set(model, t);
    return t;
  }

  /** True once the last epoch has ended (or a callback stopped training). */
  get done(): boolean {
    return this.finished;
  }

  /** Where the run is: the epoch under way and the next step in it (both 0-based). */
  get position(): { epoch: number; step: number; stepsPerEpoch: number } {
    return { epoch: this.epoch, step: this.stepInEpoch, stepsPerEpoch: this.steps };
  }

  /** Plain data to continue this run exactly: see TrainingState. */
  getState(): TrainingState {
    return {
      format: 'densely-training-state',
      version: 1,
      config: { ...this.config, classWeight: this.config.classWeight ? { ...this.config.classWeight } : null },
      check: { model: this.model.signature(), data: this.dataFingerprint(), validation: this.validationFingerprint() },
      stopTraining: this.model.stopTraining,
      epoch: this.epoch,
      step: this.stepInEpoch,
      permutation: this.order.slice(),
      rngs: { shuffle: this.rng.getState(), dropout: this.dropoutRng.getState() },
      optimizer: this.optimizer.getState(),
      sums: { loss: this.lossSum, weight: this.weightSum, metrics: this.metricAccs.map((a) => a.getState()) },
      history: this.history.getState(),
      callbacks: this.userCallbacks.flatMap((c, index) => {
        const state = c.getState?.();
        return state === undefined ? [] : [{ index, state }];
      }),
      begun: this.begun,
      done: this.finished,
    };
  }

  /**
   * One batch: the epoch's start (callbacks, shuffle) when it is the first, the step itself, and
   * the epoch's end (validation, callbacks, maybe the end of training) when it is the last.
   * Returns the batch's mean loss (NaN when no batch was left to run).
   */
  step(): number {
    if (this.epochEndPending) {
      // a state taken while fitAsync validated: the epoch's end comes first
      this.endEpoch(this.validation ? drain(this.validate()) : null);
      if (this.finished) return NaN;
    }
    const loss = this.runBatch();
    if (this.epochEndPending) this.endEpoch(this.validation ? drain(this.validate()) : null);
    return loss;
  }

  /** The batch part of step(); leaves epochEndPending set when the epoch's last batch ran. */
  private runBatch(): number {
    if (this.finished) throw new Error(`${this.model.name}: this training run is done`);
    if (Trainer.current.get(this.model) !== this) throw new Error(`${this.model.name}: a newer training run on this model superseded this one`);
    if (this.model.compileCount !== this.compileCount) throw new Error(`${this.model.name}: the model was compiled again during this run; start a new run`);
    if (!this.begun) this.begin();
    if (this.epoch >= this.config.epochs) {
      this.finish();
      this.epochEndPending = false;
      return NaN;
    }
    if (this.stepInEpoch === 0) this.beginEpoch();
    const { X, y, order, config, model, metrics, fusedAs } = this;
    const start = this.stepInEpoch * config.batchSize;
    const rows = Math.min(config.batchSize, X.rows - start);
    const step = this.stepInEpoch;
    if (this.batchHooks) for (const c of this.callbacks) c.onBatchBegin?.(step, { batch: step, size: rows });
    // gather the batch into the model's buffers: X [rows, d], y [rows, k], w [rows]. They are read
    // here, not once: a callback's predict may have grown the arena between steps.
    const buffers = model.buffers;
    const k = y.cols;
    model.backend.gatherRows(X.data, X.cols, order, start, rows, buffers.X.buffer);
    model.backend.gatherRows(y.data, k, order, start, rows, buffers.y.buffer);
    let w: Float32Array | null = null;
    let batchWeight = rows;
    const classWeight = this.classWeight;
    if (classWeight) {
      const wb = buffers.w.buffer;
      for (let i = 0; i < rows; i++) wb[i] = classWeight[classOf(y.data, order[start + i], k)];
      w = buffers.w.get(rows);
      batchWeight = 0;
      for (let i = 0; i < rows; i++) batchWeight += w[i];
    }
    // 1–3, then the numeric guard, then 4: a NaN or an Infinity never reaches the weights
    model.syncTrainable();
    const batchLoss = forwardBackward(model, this.loss, this.fused, rows, w, this.dropoutRng);
    // one pass over the arena's gradient view; the layer-by-layer search only to word a failure
    const bad = Number.isFinite(batchLoss) && allFinite(model.gradients) ? null : nonFiniteIn(model, batchLoss);
    if (bad !== null) {
      const where = `epoch ${this.epoch + 1}, batch ${step + 1} of ${this.steps}`;
      if ((this.config.onNan ?? 'stop') === 'stop') {
        throw new TrainingError('fit', `${bad} at ${where}; training stopped with the weights from before this batch (onNan 'skip-batch', or --on-nan skip-batch, skips such batches instead)`);
      }
      this.skipped.push(`${where}: ${bad}`);
      this.stepInEpoch++;
      this.epochEndPending = this.stepInEpoch === this.steps;
      return NaN;
    }
    this.optimizer.step();
    this.lossSum += batchLoss;
    this.weightSum += batchWeight;
    // metrics on this batch's outputs, from before the update (the update changes no activation);
    // Keras's compiled `metrics` ignore class_weight, its `weighted_metrics` take it
    const a = model.output;
    const yv = buffers.y.get(rows);
    const accs = this.metricAccs;
    for (let m = 0; m < accs.length; m++) accs[m].update(a, yv, m < this.weightedFrom ? null : w, rows, model.outputSize, fusedAs);
    if (this.batchHooks) {
      // batch logs hold this batch's own values (tfjs's onBatchEnd), from a per-batch accumulator
      const logs: Logs = { batch: step, size: rows, loss: batchLoss / rows };
      for (let m = 0; m < metrics.length; m++) {
        const acc = this.batchAccs[m];
        acc.reset();
        acc.update(a, yv, m < this.weightedFrom ? null : w, rows, model.outputSize, fusedAs);
        logs[metrics[m].name] = acc.result();
      }
      for (const c of this.callbacks) c.onBatchEnd?.(step, logs);
    }
    this.stepInEpoch++;
    this.epochEndPending = this.stepInEpoch === this.steps;
    if (this.bar !== null) this.bar.update(this.stepInEpoch, this.runningLogs);
    return batchLoss / rows;
  }

  /** Steps to the end of the epoch under way (or of training); returns that epoch's logs. */
  runEpoch(): Logs | null {
    const epoch = this.epoch;
    while (!this.finished && this.epoch === epoch) this.step();
    return this.history.epoch.at(-1) === epoch ? this.logsOf(this.history.epoch.length - 1) : null;
  }

  /** Steps to the end of training; returns the History (what fit does). */
  run(): History {
    while (!this.finished) this.step();
    return this.history;
  }

  /**
   * The same as run(), yielding to the event loop whenever a slice of steps has taken
   * `yieldEveryMs` (default YIELD_EVERY_MS, 2 ms), so a page stays responsive and timers fire
   * while it trains. The numbers are run()'s, bit for bit.
   */
  async runAsync(yieldEveryMs = YIELD_EVERY_MS): Promise<History> {
    if (!(yieldEveryMs >= 0 && yieldEveryMs <= 16)) throw new RangeError(`fitAsync: yieldEveryMs must be in [0, 16], got ${yieldEveryMs}`);
    let slice = now();
    const pause = async () => {
      if (now() - slice >= yieldEveryMs) {
        await yieldToEventLoop();
        slice = now();
      }
    };
    this.running = true;
    try {
      while (!this.finished) {
        if (!this.epochEndPending) {
          this.runBatch();
          await pause();
        }
        if (!this.epochEndPending) continue;
        // validation one batch at a time, so a big validation set never holds the loop for long
        let validation: Logs | null = null;
        if (this.validation) {
          const steps = this.validate();
          for (let r = steps.next(); ; r = steps.next()) {
            if (r.done) {
              validation = r.value;
              break;
            }
            await pause();
          }
        }
        this.endEpoch(validation);
      }
    } finally {
      this.running = false;
    }
    return this.history;
  }

  private logsOf(i: number): Logs {
    const logs: Logs = {};
    for (const [key, values] of Object.entries(this.history.history)) logs[key] = values[i];
    return logs;
  }

  private begin(): void {
    this.begun = true;
    this.model.stopTraining = false;
    this.model.setTraining(true);
    for (const c of this.callbacks) c.onTrainBegin?.({});
  }

  private beginEpoch(): void {
    for (const c of this.callbacks) c.onEpochBegin?.(this.epoch, {});
    if (this.config.shuffle) {
      // a fresh permutation each epoch (as Keras draws one), not a reshuffle of the last
      const order = this.order;
      for (let i = 0; i < order.length; i++) order[i] = i;
      this.rng.shuffle(order);
    }
    this.lossSum = 0;
    this.weightSum = 0;
    for (const acc of this.metricAccs) acc.reset();
  }

  /** The validation set's loss and metrics, one batch per next(). */
  private validate(): Generator<void, Logs> {
    const [vX, vy] = this.validation as [Matrix, Matrix];
    return this.model.evaluateSteps(vX, vy, { batchSize: this.config.batchSize });
  }

  /** The epoch's end: its logs (with `validation`'s, as val_*), callbacks, maybe the end of training. */
  private endEpoch(validation: Logs | null): void {
    this.epochEndPending = false;
    // Keras's running means: loss weighted by batch size, metrics by sample weight
    const logs: Logs = { loss: this.lossSum / this.X.rows };
    for (let m = 0; m < this.metrics.length; m++) logs[this.metrics[m].name] = this.metricAccs[m].result();
    if (validation) for (const [key, value] of Object.entries(validation)) logs[`val_${key}`] = value;
    for (const c of this.callbacks) c.onEpochEnd?.(this.epoch, logs);
    this.epoch++;
    this.stepInEpoch = 0;
    if (this.epoch >= this.config.epochs || this.model.stopTraining) this.finish();
  }

  private finish(): void {
    for (const c of this.callbacks) c.onTrainEnd?.({});
    this.finished = true;
    this.model.setTraining(false);
  }

  private dataFingerprint(): string {
    this.dataCheck ??= `${fingerprint(this.fullX)}/${fingerprint(this.fullY)}`;
    return this.dataCheck;
  }

  private validationFingerprint(): string | null {
    if (!this.config.validationData || !this.validation) return null;
    return `${fingerprint(this.validation[0])}/${fingerprint(this.validation[1])}`;
  }
}

/**
 * The state with its typed arrays as typed arrays again, so a state that went through
 * JSON.stringify/JSON.parse (which turns a typed array into an object keyed '0', '1', …, exactly,
 * since every float32 and int32 prints and parses back to itself) restores as well as one that
 * went through structuredClone.
 */
function typedState(s: TrainingState): TrainingState {
  const slots: Record<string, Float32Array> = {};
  for (const [key, values] of Object.entries(s.optimizer?.slots ?? {})) slots[key] = asTyped(values, Float32Array, `optimizer slot '${key}'`);
  return {
    ...s,
    permutation: asTyped(s.permutation, Int32Array, 'permutation'),
    rngs: {
      shuffle: { ...s.rngs?.shuffle, key: asTyped(s.rngs?.shuffle?.key, Int32Array, 'rngs.shuffle.key') },
      ...(s.rngs?.dropout ? { dropout: { ...s.rngs.dropout, key: asTyped(s.rngs.dropout.key, Int32Array, 'rngs.dropout.key') } } : {}),
    },
    optimizer: { ...s.optimizer, slots },
  };
}

function asTyped<T extends Float32Array | Int32Array>(x: unknown, Type: { new (n: number): T; from(a: ArrayLike<number>): T }, what: string): T {
  if (x instanceof Type) return x;
  if (Array.isArray(x)) return Type.from(x);
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    const n = Object.keys(o).length;
    const out = new Type(n);
    for (let i = 0; i < n; i++) {
      const v = o[i];
      if (typeof v !== 'number') throw new TypeError(`Trainer.restore: ${what} is not an array of numbers (index ${i} is ${JSON.stringify(v)})`);
      out[i] = v;
    }
    return out;
  }
  throw new TypeError(`Trainer.restore: ${what} must be a typed array, got ${typeof x}`);
}

/** The validation set: validationData, or the LAST fraction of the rows (before any shuffle). */
function splitValidation(model: TrainableModel, X: Matrix, y: Matrix, options: FitOptions, loss: Loss): { X: Matrix; y: Matrix; validation: [Matrix, Matrix] | null } {
  if (options.validationData) {
    const v = model.checkData(options.validationData[0], options.validationData[1], 'fit: validationData', { X: 'fit: validationData X', y: 'fit: validationData y' });
    if (v.X.rows === 0) throw new RangeError('fit: validationData has 0 rows');
    if (loss.binaryTargets) checkBinary(v.y, 'fit: validationData y');
    loss.checkTargets?.(v.y, model.outputSize, 'fit: validationData y');
    return { X, y, validation: [v.X, v.y] };
  }
  if (options.validationSplit === undefined || options.validationSplit === 0) return { X, y, validation: null };
  const f = options.validationSplit;
  if (!(f > 0 && f < 1)) throw new RangeError(`fit: validationSplit must be in [0, 1), got ${f}`);
  const splitAt = Math.floor(X.rows * (1 - f));
  if (splitAt === 0 || splitAt === X.rows) {
    throw new RangeError(`fit: validationSplit ${f} of ${X.rows} rows leaves an empty training or validation set`);
  }
  return { X: X.rowView(0, splitAt), y: y.rowView(0, splitAt), validation: [X.rowView(splitAt, X.rows), y.rowView(splitAt, y.rows)] };
}

/** value, checked to be a positive (or, with allowZero, non-negative) integer; the error names it. */
export function positiveInt(value: number, name: string, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  }
  return value;
}

/**
 * The class of row r of y [n, k] for class weights: the label itself with one column (0/1, or a
 * sparse class index), the argmax of a one-hot row otherwise (as Keras does for class_weight).
 */
function classOf(y: Float32Array, r: number, k: number): number {
  if (k === 1) return y[r];
  let best = 0;
  for (let c = 1; c < k; c++) if (y[r * k + c] > y[r * k + best]) best = c;
  return best;
}

function checkClassWeight(weights: Record<number, number>, y: Matrix): Record<number, number> {
  for (const [cls, w] of Object.entries(weights)) {
    if (!/^\d+$/.test(cls)) throw new RangeError(`fit: classWeight keys must be class indices 0, 1, …, got '${cls}'`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new RangeError(`fit: classWeight[${cls}] must be a non-negative number, got ${w}`);
  }
  const present = new Set<number>();
  for (let r = 0; r < y.rows; r++) present.add(classOf(y.data, r, y.cols));
  for (const cls of present) {
    if (weights[cls] === undefined) {
      throw new RangeError(`fit: classWeight has no weight for class ${cls} (it has ${Object.keys(weights).join(', ')}); give every class in y a weight`);
    }
  }
  if (![...present].some((cls) => weights[cls] > 0)) throw new RangeError('fit: classWeight gives every class in y a weight of 0');
  return weights;
}

const now = (): number => performance.now();

/** Runs a generator to its end; its return value. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Which part of two model signatures (signature()) differs, in words. */
function signatureDifference(saved: string, current: string): string {
  const parse = (sig: string) => {
    try {
      return JSON.parse(sig) as { layers?: unknown; compile?: unknown };
    } catch {
      return { layers: sig, compile: null };
    }
  };
  const a = parse(saved);
  const b = parse(current);
  const part = JSON.stringify(a.layers) !== JSON.stringify(b.layers) ? 'layers' : 'compile';
  return `the state is for a model whose ${part} differ: saved ${JSON.stringify(a[part])}, this model ${JSON.stringify(b[part])}`;
}

/**
 * Lets the event loop run: timers, I/O, and in a page input and rendering. A MessageChannel
 * message is a macrotask without setTimeout's 4 ms clamp in browsers; Node has setImmediate.
 */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
