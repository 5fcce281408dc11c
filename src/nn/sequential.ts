import { Arena } from '../tensor/arena.js';
import { Matrix } from '../tensor/matrix.js';
import { MT19937 } from '../tensor/random.js';
import { gatherRows } from '../tensor/gather.js';
import { RowViews } from '../tensor/row-views.js';
import type { Optimizer, ParamGrad } from '../optim/optimizer.js';
import { getOptimizer } from '../optim/index.js';
import type { Activation } from './activations.js';
import { History, ProgbarLogger, type Callback, type Logs } from './callbacks.js';
import { Dense } from './dense.js';
import { checkBinary, toFeatures, toTargets, type MatrixLike, type TargetsLike } from './inputs.js';
import type { Layer, LayerConfig } from './layer.js';
import { getLoss, type Loss } from './losses.js';
import { getMetric, type Metric } from './metrics.js';

export interface SequentialOptions {
  name?: string;
  /** Seeds weight initialisation (and, unless fit gets its own, shuffling). Default 42. */
  seed?: number;
}

export interface CompileOptions {
  /** 'adam' (Keras defaults) or an Optimizer instance. */
  optimizer?: string | Optimizer;
  /** 'binary_crossentropy' / 'binaryCrossentropy', 'mse', … */
  loss: string | Loss;
  metrics?: string[];
}

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
  /** 0 = silent; 1 or 2 = a Keras progress line per epoch (both print the final line only). Default 1. */
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  /** Keras class_weight: per-class weights for the loss and the metrics, e.g. {0: 1, 1: 7.5}. */
  classWeight?: Record<number, number>;
  /** Where verbose lines go (default console.log). */
  print?: (line: string) => void;
}

export interface PredictOptions {
  batchSize?: number;
}

/** The JSON form of a Sequential model: architecture and weights (Keras order). */
export interface SequentialJSON {
  format: 'densely-sequential';
  version: 1;
  name: string;
  seed: number;
  layers: LayerConfig[];
  weights: { name: string; shape: number[]; values: number[] }[];
}

/**
 * A stack of layers trained as one, with Keras's semantics.
 *
 * Memory: every float the model touches lives in one Arena, laid out as
 *   [params P][grads P][optimizer state S][workspace for `capacity` rows]
 * It is planned for a batch capacity and rebuilt (params and state copied over) only when
 * a larger batch is asked for, so a training step allocates nothing.
 */
export class Sequential {
  readonly layers: Layer[] = [];
  readonly name: string;
  readonly seed: number;
  /** Set true from a callback to end fit after the current epoch (Keras's stop_training). */
  stopTraining = false;

  private inputDim: number | undefined;
  private built = false;
  private arena = new Arena(0);
  private paramCount = 0;
  private grads: Float32Array = new Float32Array(0);
  private paramList: ParamGrad[] = [];
  private capacity = 0;
  // workspace views, [capacity, …]
  private Xb = new RowViews(new Float32Array(0), 0);
  private yb = new RowViews(new Float32Array(0), 0);
  private wb = new RowViews(new Float32Array(0), 0);
  private dOut = new RowViews(new Float32Array(0), 0);
  /** The last forward's output, [rows, outputs] (logits when the loss fused the activation). */
  private output: Float32Array = new Float32Array(0);

  private optimizer: Optimizer | null = null;
  /** Shuffles training rows; lives as long as the model so successive fits continue its stream. */
  private shuffleRng: MT19937 | null = null;
  private loss: Loss | null = null;
  private metrics: Metric[] = [];
  /** The output activation the loss absorbed (sigmoid under binary cross-entropy), applied by predict. */
  private fusedActivation: Activation | null = null;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    this.name = options.name ?? 'sequential';
    this.seed = options.seed ?? 42;
    for (const layer of layers) this.add(layer);
  }

  add(layer: Layer): void {
    if (this.built) throw new Error(`${this.name}: cannot add a layer after the model is built`);
    const used = new Set(this.layers.map((l) => l.name));
    if (!layer.name) {
      const base = layer.className.toLowerCase();
      let name = base;
      for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
      layer.name = name;
    } else if (used.has(layer.name)) {
      throw new Error(`${this.name}: two layers are named '${layer.name}'`);
    }
    this.layers.push(layer);
  }

  /** The input width, once known (declared by the first layer, or fixed by the first fit/predict). */
  get inputSize(): number | undefined {
    return this.inputDim ?? this.layers[0]?.inputDim;
  }

  get outputSize(): number {
    return this.lastLayer().outputDim;
  }

  /** Fixes every shape, takes memory and initialises the weights (glorot_uniform, seeded). */
  build(inputDim: number): void {
    if (this.built) {
      if (inputDim !== this.inputDim) throw new RangeError(`${this.name}: expects input shape [n, ${this.inputDim}], got [n, ${inputDim}]`);
      return;
    }
    if (this.layers.length === 0) throw new Error(`${this.name}: add at least one layer before building`);
    let dim = inputDim;
    for (const layer of this.layers) {
      layer.build(dim);
      dim = layer.outputDim;
    }
    this.inputDim = inputDim;
    this.paramCount = this.layers.reduce((s, l) => s + l.paramCount, 0);
    this.layout(0, false);
    const rng = new MT19937(this.seed);
    for (const layer of this.layers) layer.initialize(rng);
    this.built = true;
  }

  compile(options: CompileOptions): void {
    if (this.layers.length === 0) throw new Error(`${this.name}: add layers before compile`);
    this.loss = getLoss(options.loss);
    this.metrics = (options.metrics ?? []).map(getMetric);
    const last = this.lastLayer();
    const fuse = last instanceof Dense && this.loss.fuses(last.activation.name);
    if (last instanceof Dense) last.setEmitLogits(fuse);
    this.fusedActivation = fuse ? (last as Dense).activation : null;
    // Recompiling with the same optimizer instance keeps its moments and step count (as Keras
    // keeps an optimizer's variables); a new optimizer starts fresh.
    const optimizer = getOptimizer(options.optimizer ?? 'adam');
    const sameOptimizer = optimizer === this.optimizer;
    this.optimizer = optimizer;
    if (this.built) this.layout(this.capacity, sameOptimizer);
  }

  /**
   * Trains for `epochs` passes over (X, y). Returns the per-epoch History.
   * X: [n, features]; y: [n, outputs] (a flat array is [n, 1]).
   */
  fit(X: MatrixLike, y: TargetsLike, options: FitOptions = {}): History {
    const { loss, optimizer } = this.requireCompiled('fit');
    let Xm = toFeatures(X, 'fit: X');
    let ym = toTargets(y, Xm.rows, 'fit: y');
    this.checkShapes(Xm, ym, 'fit');
    if (Xm.rows === 0) throw new RangeError('fit: X has 0 rows; there is nothing to train on');
    if (loss.binaryTargets) checkBinary(ym, 'fit: y');

    const epochs = positiveInt(options.epochs ?? 1, 'fit: epochs', true);
    const batchSize = positiveInt(options.batchSize ?? 32, 'fit: batchSize');
    let validation: [Matrix, Matrix] | null = null;
    if (options.validationData) {
      const vX = toFeatures(options.validationData[0], 'fit: validationData X');
      const vy = toTargets(options.validationData[1], vX.rows, 'fit: validationData y');
      this.checkShapes(vX, vy, 'fit: validationData');
      if (vX.rows === 0) throw new RangeError('fit: validationData has 0 rows');
      if (loss.binaryTargets) checkBinary(vy, 'fit: validationData y');
      validation = [vX, vy];
    } else if (options.validationSplit !== undefined && options.validationSplit !== 0) {
      const f = options.validationSplit;
      if (!(f > 0 && f < 1)) throw new RangeError(`fit: validationSplit must be in [0, 1), got ${f}`);
      const splitAt = Math.floor(Xm.rows * (1 - f));
      if (splitAt === 0 || splitAt === Xm.rows) {
        throw new RangeError(`fit: validationSplit ${f} of ${Xm.rows} rows leaves an empty training or validation set`);
      }
      validation = [Xm.rowView(splitAt, Xm.rows), ym.rowView(splitAt, ym.rows)];
      Xm = Xm.rowView(0, splitAt);
      ym = ym.rowView(0, splitAt);
    }
    const classWeight = options.classWeight ? checkClassWeight(options.classWeight, ym) : null;

    // plan the arena once for training and validation batches, so nothing grows mid-fit
    this.ensureCapacity(Math.min(batchSize, Math.max(Xm.rows, validation ? validation[0].rows : 0)));
    const n = Xm.rows;
    const d = Xm.cols;
    const k = ym.cols;
    const steps = Math.ceil(n / batchSize);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // one shuffling generator per model, so fit(epochs: 1) twice equals fit(epochs: 2)
    if (options.seed !== undefined || this.shuffleRng === null) this.shuffleRng = new MT19937(options.seed ?? this.seed);
    const rng = this.shuffleRng;
    const history = new History();
    const callbacks: Callback[] = [history];
    if ((options.verbose ?? 1) !== 0) callbacks.push(new ProgbarLogger(epochs, steps, options.print ?? console.log));
    callbacks.push(...(options.callbacks ?? []));
    const batchHooks = callbacks.some((c) => c.onBatchBegin || c.onBatchEnd);
    const fused = this.fusedActivation !== null;
    const metricSums = new Float64Array(this.metrics.length);
    const batchMetrics = new Float64Array(this.metrics.length);

    this.stopTraining = false;
    for (const c of callbacks) c.onTrainBegin?.({});
    for (let epoch = 0; epoch < epochs && !this.stopTraining; epoch++) {
      for (const c of callbacks) c.onEpochBegin?.(epoch, {});
      if (options.shuffle ?? true) {
        // a fresh permutation each epoch (as Keras draws one), not a reshuffle of the last
        for (let i = 0; i < n; i++) order[i] = i;
        rng.shuffle(order);
      }
      let lossSum = 0;
      let weightSum = 0;
      metricSums.fill(0);
      for (let step = 0; step < steps; step++) {
        const start = step * batchSize;
        const rows = Math.min(batchSize, n - start);
        if (batchHooks) for (const c of callbacks) c.onBatchBegin?.(step, { batch: step, size: rows });
        // gather the batch into the workspace: Xb [rows, d], yb [rows, k], wb [rows]. The
        // buffers are read here, not before the loop: a callback's predict may grow the arena.
        gatherRows(Xm.data, d, order, start, rows, this.Xb.buffer);
        gatherRows(ym.data, k, order, start, rows, this.yb.buffer);
        if (classWeight) {
          const wb = this.wb.buffer;
          for (let i = 0; i < rows; i++) wb[i] = classWeight[ym.data[order[start + i] * k]];
        }
        const w = classWeight ? this.wb.get(rows) : null;
        const batchLoss = this.forwardBackward(loss, rows, w);
        const a = this.output;
        const yv = this.yb.get(rows);
        let batchWeight = rows;
        if (w) {
          batchWeight = 0;
          for (let i = 0; i < rows; i++) batchWeight += w[i];
        }
        lossSum += batchLoss;
        weightSum += batchWeight;
        // metrics on this batch's pre-update outputs (backward leaves every layer's output intact)
        for (let m = 0; m < this.metrics.length; m++) {
          batchMetrics[m] = this.metrics[m].sum(a, yv, w, rows, k, fused);
          metricSums[m] += batchMetrics[m];
        }
        if (batchHooks) {
          const logs: Logs = { batch: step, size: rows, loss: batchLoss / rows };
          for (let m = 0; m < this.metrics.length; m++) logs[this.metrics[m].name] = batchMetrics[m] / batchWeight;
          for (const c of callbacks) c.onBatchEnd?.(step, logs);
        }
        optimizer.step();
      }
      // Keras's running means: loss weighted by batch size, metrics by sample weight
      const logs: Logs = { loss: lossSum / n };
      for (let m = 0; m < this.metrics.length; m++) logs[this.metrics[m].name] = metricSums[m] / weightSum;
      if (validation) {
        const v = this.evaluate(validation[0], validation[1], { batchSize });
        for (const [key, value] of Object.entries(v)) logs[`val_${key}`] = value;
      }
      for (const c of callbacks) c.onEpochEnd?.(epoch, logs);
    }
    for (const c of callbacks) c.onTrainEnd?.({});
    return history;
  }

  /** Outputs for every row of X, [n, outputs]; probabilities after a sigmoid output. */
  predict(X: MatrixLike, options: PredictOptions = {}): Matrix {
    const Xm = toFeatures(X, 'predict: X');
    this.ensureBuiltFor(Xm, 'predict');
    const batchSize = positiveInt(options.batchSize ?? 32, 'predict: batchSize');
    const out = new Matrix(Xm.rows, this.outputSize);
    const k = this.outputSize;
    this.forEachBatch(Xm, batchSize, (start, rows, a) => {
      const dst = out.data.subarray(start * k, (start + rows) * k);
      const f = this.fusedActivation;
      if (f === null) dst.set(a.subarray(0, rows * k));
      else for (let i = 0; i < rows * k; i++) dst[i] = f.f(a[i]);
    });
    return out;
  }

  /** Loss and metrics over (X, y), e.g. { loss: 0.28, accuracy: 0.89 }. */
  evaluate(X: MatrixLike, y: TargetsLike, options: PredictOptions = {}): Logs {
    const { loss } = this.requireCompiled('evaluate');
    const Xm = toFeatures(X, 'evaluate: X');
    const ym = toTargets(y, Xm.rows, 'evaluate: y');
    this.checkShapes(Xm, ym, 'evaluate');
    if (Xm.rows === 0) throw new RangeError('evaluate: X has 0 rows');
    if (loss.binaryTargets) checkBinary(ym, 'evaluate: y');
    const batchSize = positiveInt(options.batchSize ?? 32, 'evaluate: batchSize');
    const k = ym.cols;
    const fused = this.fusedActivation !== null;
    let lossSum = 0;
    const sums = new Float64Array(this.metrics.length);
    this.forEachBatch(Xm, batchSize, (start, rows, a) => {
      const yv = ym.data.subarray(start * k, (start + rows) * k);
      lossSum += loss.forwardBackward(a, yv, null, rows, k, fused, this.dOut.get(rows));
      for (let m = 0; m < this.metrics.length; m++) sums[m] += this.metrics[m].sum(a, yv, null, rows, k, fused);
    });
    const logs: Logs = { loss: lossSum / Xm.rows };
    for (let m = 0; m < this.metrics.length; m++) logs[this.metrics[m].name] = sums[m] / Xm.rows;
    return logs;
  }

  /** Copies of the weights in Keras order: kernel [in, out] row-major, bias [out], per layer. */
  getWeights(): Float32Array[] {
    this.requireBuilt('getWeights');
    return this.paramList.map((p) => p.param.slice());
  }

  /** Sets the weights from Keras order (as getWeights returns them). Lengths are checked per tensor. */
  setWeights(weights: ArrayLike<number>[]): void {
    this.requireBuilt('setWeights');
    const shapes = this.layers.flatMap((l) => l.paramShapes());
    if (weights.length !== this.paramList.length) {
      throw new RangeError(`setWeights: the model has ${this.paramList.length} weight tensors, got ${weights.length}`);
    }
    weights.forEach((w, i) => {
      const p = this.paramList[i];
      if (w.length !== p.param.length) {
        throw new RangeError(`setWeights: ${p.name} has shape [${shapes[i].join(', ')}] (${p.param.length} values), got ${w.length} values`);
      }
      for (let j = 0; j < w.length; j++) {
        if (typeof w[j] !== 'number' || !Number.isFinite(w[j])) {
          throw new RangeError(`setWeights: ${p.name}[${j}] is ${JSON.stringify(w[j])}; weights must be finite numbers`);
        }
      }
    });
    weights.forEach((w, i) => this.paramList[i].param.set(w));
  }

  /** Keras-style table of layers, output shapes and parameter counts. Returns it, and prints it unless print is null. */
  summary(print: ((line: string) => void) | null = console.log): string {
    if (!this.built && this.layers[0]?.inputDim !== undefined) this.requireBuilt('summary');
    const rule = (c: string) => c.repeat(65);
    const row = (a: string, b: string, c: string) => ` ${a.padEnd(28)}${b.padEnd(26)}${c}`;
    const lines = [`Model: "${this.name}"`, rule('_'), row('Layer (type)', 'Output Shape', 'Param #'), rule('=')];
    let total = 0;
    this.layers.forEach((l, i) => {
      const params = l.inputDim === undefined ? 0 : l.paramCount;
      total += params;
      lines.push(row(`${l.name} (${l.className})`, `(None, ${l.outputDim})`, l.inputDim === undefined ? '? (unbuilt)' : String(params)));
      lines.push(i === this.layers.length - 1 ? rule('=') : '');
    });
    const fmt = (n: number) => n.toLocaleString('en-US');
    lines.push(`Total params: ${fmt(total)}`, `Trainable params: ${fmt(total)}`, 'Non-trainable params: 0', rule('_'));
    const text = lines.join('\n');
    if (print) print(text);
    return text;
  }

  toJSON(): SequentialJSON {
    this.requireBuilt('toJSON');
    const shapes = this.layers.flatMap((l) => l.paramShapes());
    return {
      format: 'densely-sequential',
      version: 1,
      name: this.name,
      seed: this.seed,
      layers: this.layers.map((l) => l.toJSON()),
      weights: this.paramList.map((p, i) => ({ name: p.name, shape: shapes[i], values: Array.from(p.param) })),
    };
  }

  /** Rebuilds a model from toJSON's output (not compiled: predict works, fit needs compile). */
  static fromJSON(json: SequentialJSON, source = 'model'): Sequential {
    if (!json || json.format !== 'densely-sequential') throw new Error(`${source}: not a densely model (format is ${JSON.stringify(json?.format)})`);
    if (json.version !== 1) throw new Error(`${source}: unsupported model version ${json.version}`);
    if (!Array.isArray(json.layers) || json.layers.length === 0) throw new Error(`${source}: 'layers' must be a non-empty list`);
    if (!Array.isArray(json.weights) || !json.weights.every((w) => w && Array.isArray(w.values))) {
      throw new Error(`${source}: 'weights' must be a list of {name, shape, values}`);
    }
    const layers = json.layers.map((config) => {
      if (config.className !== 'Dense') throw new Error(`${source}: unknown layer class '${config.className}'`);
      return Dense.fromJSON(config);
    });
    const model = new Sequential(layers, { name: json.name, seed: json.seed });
    if (model.inputSize === undefined) throw new Error(`${source}: the first layer has no inputDim`);
    try {
      model.setWeights(json.weights.map((w) => w.values));
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`);
    }
    return model;
  }

  /**
   * Loss and gradients for (X, y) as one batch, without updating anything: the mean loss
   * and d(loss)/d(weight) for every weight tensor, in Keras order (like tf.GradientTape).
   */
  computeGradients(X: MatrixLike, y: TargetsLike): { loss: number; grads: Float32Array[] } {
    const { loss } = this.requireCompiled('computeGradients');
    const Xm = toFeatures(X, 'computeGradients: X');
    const ym = toTargets(y, Xm.rows, 'computeGradients: y');
    this.checkShapes(Xm, ym, 'computeGradients');
    this.ensureCapacity(Xm.rows);
    this.Xb.buffer.set(Xm.data);
    this.yb.buffer.set(ym.data);
    const sum = this.forwardBackward(loss, Xm.rows, null);
    return { loss: sum / Xm.rows, grads: this.paramList.map((p) => p.grad.slice()) };
  }

  /**
   * One batch already gathered in Xb/yb: forward through every layer, the loss and its
   * gradient, then backward, last layer first, with gradients zeroed once beforehand.
   * Returns Σ wi·ℓi; leaves the output in this.output and the gradients in the grad views.
   */
  private forwardBackward(loss: Loss, rows: number, w: Float32Array | null): number {
    let a = this.Xb.get(rows);
    for (const layer of this.layers) a = layer.forward(a, rows);
    this.output = a;
    this.grads.fill(0);
    const dOut = this.dOut.get(rows);
    const sum = loss.forwardBackward(a, this.yb.get(rows), w, rows, this.outputSize, this.fusedActivation !== null, dOut);
    let g: Float32Array | null = dOut;
    for (let l = this.layers.length - 1; l >= 0; l--) g = this.layers[l].backward(g as Float32Array, rows, l > 0); // the first layer needs no dX
    return sum;
  }

  // ---- memory ------------------------------------------------------------

  private ensureCapacity(batch: number): void {
    if (batch > this.capacity) this.layout(batch, true);
  }

  /**
   * (Re)builds the arena for `capacity` rows: [params][grads][optimizer state][workspace].
   * Params (and, when keepState, the optimizer state) are copied from the old arena; every
   * layer and the optimizer then take their views again, in the same order.
   */
  private layout(capacity: number, keepState: boolean): void {
    const P = this.paramCount;
    const S = this.optimizer ? this.optimizer.stateFloats(P) : 0;
    const d = this.inputDim as number;
    const k = this.outputSize;
    const scratch = Math.max(0, ...this.layers.map((l) => l.scratchFloats(capacity)));
    const work = capacity * (d + 2 * k + 1) + this.layers.reduce((s, l) => s + l.workspaceFloats(capacity), 0) + scratch;
    const arena = new Arena(2 * P + S + work);
    if (this.built) arena.copyPrefixFrom(this.arena, keepState ? 2 * P + S : P);
    const params = new Arena(arena.alloc(P));
    const grads = new Arena(arena.alloc(P));
    for (const layer of this.layers) layer.bindParams((n) => params.alloc(n), (n) => grads.alloc(n));
    this.grads = grads.floats;
    this.paramList = this.layers.flatMap((l) => l.params());
    this.optimizer?.bind(this.paramList, (n) => arena.alloc(n));
    this.Xb = new RowViews(arena.alloc(capacity * d), d);
    this.yb = new RowViews(arena.alloc(capacity * k), k);
    this.dOut = new RowViews(arena.alloc(capacity * k), k);
    this.wb = new RowViews(arena.alloc(capacity), 1);
    const gemmScratch = arena.alloc(scratch);
    for (const layer of this.layers) layer.bindWorkspace((n) => arena.alloc(n), capacity, gemmScratch);
    this.arena = arena;
    this.capacity = capacity;
  }

  /** Floats in the model's arena, and how they split (for benchmarks and the curious). */
  memoryReport(): { arenaFloats: number; params: number; capacityRows: number } {
    return { arenaFloats: this.arena.capacity, params: this.paramCount, capacityRows: this.capacity };
  }

  // ---- helpers -----------------------------------------------------------

  /** Runs forward over X in batches, handing each batch's output (first rows valid) to fn. */
  private forEachBatch(X: Matrix, batchSize: number, fn: (start: number, rows: number, out: Float32Array) => void): void {
    this.ensureCapacity(Math.min(batchSize, Math.max(X.rows, 1)));
    const d = X.cols;
    for (let start = 0; start < X.rows; start += batchSize) {
      const rows = Math.min(batchSize, X.rows - start);
      this.Xb.buffer.set(X.data.subarray(start * d, (start + rows) * d));
      let a = this.Xb.get(rows);
      for (const layer of this.layers) a = layer.forward(a, rows);
      fn(start, rows, a);
    }
  }

  private checkShapes(X: Matrix, y: Matrix, where: string): void {
    this.ensureBuiltFor(X, where);
    if (y.cols !== this.outputSize) {
      throw new RangeError(`${where}: y has shape [${y.rows}, ${y.cols}] but the model outputs [${y.rows}, ${this.outputSize}]`);
    }
  }

  private ensureBuiltFor(X: Matrix, where: string): void {
    if (!this.built) this.build(this.layers[0]?.inputDim ?? X.cols);
    if (X.cols !== this.inputDim) {
      throw new RangeError(`${where}: X has shape [${X.rows}, ${X.cols}] but the model expects [${X.rows}, ${this.inputDim}]`);
    }
  }

  /** Builds on first use when the first layer declares its input shape (as Keras does with input_shape). */
  private requireBuilt(where: string): void {
    if (this.built) return;
    const declared = this.layers[0]?.inputDim;
    if (declared === undefined) throw new Error(`${where}: the model is not built yet; give the first layer inputShape, or call fit/predict first`);
    this.build(declared);
  }

  private requireCompiled(where: string): { loss: Loss; optimizer: Optimizer } {
    if (!this.loss || !this.optimizer) throw new Error(`${where}: call compile({ optimizer, loss }) first`);
    return { loss: this.loss, optimizer: this.optimizer };
  }

  private lastLayer(): Layer {
    const last = this.layers[this.layers.length - 1];
    if (!last) throw new Error(`${this.name}: the model has no layers`);
    return last;
  }
}

function positiveInt(value: number, name: string, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  }
  return value;
}

function checkClassWeight(weights: Record<number, number>, y: Matrix): Record<number, number> {
  if (y.cols !== 1) throw new RangeError(`fit: classWeight needs one output column, y has ${y.cols}`);
  for (const [cls, w] of Object.entries(weights)) {
    if (!/^\d+$/.test(cls)) throw new RangeError(`fit: classWeight keys must be class indices 0, 1, …, got '${cls}'`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new RangeError(`fit: classWeight[${cls}] must be a non-negative number, got ${w}`);
  }
  const present = new Set(y.data);
  for (const cls of present) {
    if (weights[cls] === undefined) {
      throw new RangeError(`fit: classWeight has no weight for class ${cls} (it has ${Object.keys(weights).join(', ')}); give every class in y a weight`);
    }
  }
  if (![...present].some((cls) => weights[cls] > 0)) throw new RangeError('fit: classWeight gives every class in y a weight of 0');
  return weights;
}
