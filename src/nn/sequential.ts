import type { Backend } from '../backends/backend.js';
import { resolveBackend, type Threads } from '../backends/index.js';
import type { Optimizer, ParamGrad } from '../optim/optimizer.js';
import { getOptimizer, optimizerFromConfig, type OptimizerName } from '../optim/index.js';
import { Arena } from '../tensor/arena.js';
import { Matrix } from '../tensor/matrix.js';
import { MT19937 } from '../tensor/random.js';
import { RowViews } from '../tensor/row-views.js';
import type { History, Logs } from './callbacks.js';
import { Dense } from './dense.js';
import { checkBinary, toFeatures, toPredictRows, toTargets, type MatrixLike, type TargetsLike } from './inputs.js';
import type { Layer } from './layer.js';
import { getLoss, type Loss, type LossName, type LossOptions } from './losses.js';
import { checkOptions } from './options.js';
import { layoutArena, planMemory } from './memory-plan.js';
import { getMetric, type Fused, type Metric, type MetricOptions, type MetricSpec } from './metrics.js';
import { MODEL_FORMAT, MODEL_VERSION, type CompileJSON, type SequentialJSON, type SequentialJSONv1, type WeightJSON } from './model-json.js';
import { layerFromConfig } from './registry.js';
import { asDenselyError, describe, jsonDepthOver, MAX_JSON_DEPTH, ModelFileError } from '../errors.js';
import { writerFor, type ModelWriter, type SaveFormat } from './save-handlers.js';
import { drain, forwardBackward, positiveInt, Trainer, type BatchBuffers, type FitOptions, type TrainableModel } from './trainer.js';

export type { FitOptions } from './trainer.js';
export type { SequentialJSON } from './model-json.js';

export interface SequentialOptions {
  name?: string;
  /** Seeds weight initialisation (and, unless fit gets its own, shuffling). Default 42. */
  seed?: number;
  /**
   * The backend whose kernels the layers and optimizer run: a name ('js', 'wasm') or a Backend.
   * Default DEFAULT_BACKEND: 'wasm' where WebAssembly SIMD exists, else 'js'.
   */
  backend?: string | Backend;
  /**
   * Threads the wasm backend's big gemms may use: 1, 2 or 'auto' (default: 2 where the runtime
   * has shared memory, workers and two cores, else 1; see Threads in src/backends/index.ts).
   */
  threads?: Threads;
  /** Rows per batch to plan memory for when the model is built (fit plans for its own batch size too). */
  batchCapacity?: number;
}

export interface CompileOptions {
  /**
   * A name with Keras's defaults ('adam', 'sgd', 'rmsprop', 'adamw', 'adagrad', 'adamax',
   * 'nadam'; any case) or an Optimizer instance (`new Adagrad({ learningRate: 0.01 })`).
   */
  optimizer?: OptimizerName | Optimizer;
  /**
   * 'binary_crossentropy' / 'binaryCrossentropy', 'categorical_crossentropy',
   * 'sparse_categorical_crossentropy', 'mse', 'mae', 'huber', 'hinge', … or a Loss
   * (getLoss('categorical_crossentropy', { fromLogits: true }) for Keras's from_logits).
   */
  loss: LossName | Loss;
  /** 'accuracy', 'auc', 'precision', 'recall', 'mae', 'mse', …, `{ auc: { curve: 'PR' } }`, or a Metric. */
  metrics?: MetricSpec[];
  /**
   * Keras's weighted_metrics: metrics that fit weighs by `classWeight` (`metrics` are unweighted,
   * as in Keras). Logged under their own name, or `weighted_<name>` when `metrics` has it.
   */
  weightedMetrics?: MetricSpec[];
}

/** The keys CompileOptions has: any other is refused (see options.ts). */
export const COMPILE_OPTIONS: readonly (keyof CompileOptions)[] = ['optimizer', 'loss', 'metrics', 'weightedMetrics'];

export interface PredictOptions {
  batchSize?: number;
}

/** The keys PredictOptions has (predict and evaluate). */
export const PREDICT_OPTIONS: readonly (keyof PredictOptions)[] = ['batchSize'];

/** The keys SequentialOptions has. */
const SEQUENTIAL_OPTIONS = ['name', 'seed', 'backend', 'threads', 'batchCapacity'] as const;

export interface ToJSONOptions {
  /** Also store the optimizer's moments and step count (Keras's include_optimizer). Default false. */
  includeOptimizer?: boolean;
  /**
   * Give each weight's values as a Float32Array copy instead of a list of numbers: for writers
   * that stream the document (half the memory of a list of 100M numbers). Same JSON text.
   */
  typedValues?: boolean;
}

export interface SaveOptions extends ToJSONOptions {
  /**
   * 'densely' (default): densely's model file. 'tfjs': a directory with TensorFlow.js's
   * model.json and weights.bin. 'onnx': an ONNX model file. The last two need a path (Node).
   */
  format?: SaveFormat;
}

/**
 * A stack of layers trained as one, with Keras's semantics.
 *
 * Memory: every float the model touches lives in one Arena (see memory-plan.ts), planned for a
 * batch capacity and rebuilt (params and state copied over) only when a larger batch is asked
 * for outside a training run, so a training step allocates nothing.
 *
 * Training is the Trainer's (trainer.ts, where the step is): `fit` is a loop over
 * `makeTrainer(...).step()`. The model's part of that contract (TrainableModel) is the block of
 * methods marked "for the Trainer" below.
 */
export class Sequential implements TrainableModel {
  readonly layers: Layer[] = [];
  readonly name: string;
  readonly seed: number;
  /** The backend every layer and the optimizer run on, resolved once here. */
  readonly backend: Backend;
  /** Set true from a callback to end fit after the current epoch (Keras's stop_training). */
  stopTraining = false;
  /** The last forward's output, [rows, outputs] (logits when the loss fused the activation). */
  output: Float32Array = new Float32Array(0);

  private inputDim: number | undefined;
  private built = false;
  private arena = new Arena(0);
  private paramCount = 0;
  private grads: Float32Array = new Float32Array(0);
  private paramList: ParamGrad[] = [];
  private capacity = 0;
  private readonly declaredCapacity: number;
  private batch: BatchBuffers = emptyBuffers();
  /** True while a training run is under way: batches then never grow the arena. */
  private training = false;
  /** How many times compile has run: a run started before a recompile refuses to go on. */
  private compiles = 0;
  private readonly layerNames = new Set<string>();
  /** The layers with a weight regularizer (fixed at build); empty for most models. */
  private regularizedLayers: Layer[] = [];
  /** Each layer's `trainable` as the optimizer last heard it (syncTrainable). */
  private trainableSeen: boolean[] = [];
  private readonly nextSuffix = new Map<string, number>();

  private optimizer: Optimizer | null = null;
  /** Shuffles training rows; lives as long as the model so successive fits continue its stream. */
  private rng: MT19937 | null = null;
  /** Draws Dropout's masks; lives as long as the model, like `rng`. */
  private maskRng: MT19937 | null = null;
  private loss: Loss | null = null;
  /** The compiled metrics: `metrics` first, then `weightedMetrics` (from index weightedFrom on). */
  private metrics: Metric[] = [];
  private weightedFrom = 0;
  private compileConfig: CompileJSON | null = null;
  /** The output activation the loss absorbed (sigmoid under binary cross-entropy), applied by predict. */
  private fusedActivation: Dense['activation'] | null = null;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    checkOptions('Sequential', options, SEQUENTIAL_OPTIONS);
    this.name = options.name ?? 'sequential';
    this.seed = options.seed ?? 42;
    this.backend = resolveBackend(options.backend, options.threads);
    const cap = options.batchCapacity ?? 0;
    if (!Number.isInteger(cap) || cap < 0) throw new RangeError(`${this.name}: batchCapacity must be a non-negative integer, got ${cap}`);
    this.declaredCapacity = cap;
    for (const layer of layers) this.add(layer);
  }

  add(layer: Layer): void {
    if (this.built) throw new Error(`${this.name}: cannot add a layer after the model is built`);
    const used = this.layerNames;
    if (!layer.name) {
      // the first free of base, base_1, base_2, …; names are never freed, so the search goes on
      // from where it stopped last time (adding n layers is linear, not quadratic)
      const base = layer.className.toLowerCase();
      let name = base;
      let i = this.nextSuffix.get(base) ?? 1;
      while (used.has(name)) name = `${base}_${i++}`;
      this.nextSuffix.set(base, i);
      layer.name = name;
    } else if (used.has(layer.name)) {
      throw new Error(`${this.name}: two layers are named '${layer.name}'`);
    }
    used.add(layer.name);
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
      layer.build(dim, this.backend);
      dim = layer.outputDim;
    }
    this.inputDim = inputDim;
    this.paramCount = this.layers.reduce((s, l) => s + l.paramCount, 0);
    this.regularizedLayers = this.layers.filter((l) => typeof l.penalty === 'function' && (l as { regularized?: boolean }).regularized !== false);
    this.layout(this.declaredCapacity, false);
    const rng = new MT19937(this.seed);
    for (const layer of this.layers) layer.initialize(rng);
    this.built = true;
  }

  compile(options: CompileOptions): void {
    if (this.layers.length === 0) throw new Error(`${this.name}: add layers before compile`);
    checkOptions('compile', options, COMPILE_OPTIONS);
    if (options?.loss === undefined) throw new Error(`compile: a loss is required, e.g. compile({ optimizer: 'adam', loss: 'binary_crossentropy' })`);
    const loss = getLoss(options.loss);
    this.loss = loss;
    this.metrics = (options.metrics ?? []).map((m) => getMetric(m, loss, this.lastLayer().outputDim));
    this.weightedFrom = this.metrics.length;
    // Keras's naming: a weighted metric keeps its name unless `metrics` has it: then weighted_<name>
    const names = new Set(this.metrics.map((m) => m.name));
    for (const spec of options.weightedMetrics ?? []) {
      const m = getMetric(spec, loss, this.lastLayer().outputDim);
      const name = names.has(m.name) ? `weighted_${m.name}` : m.name;
      if (names.has(name)) throw new Error(`compile: weightedMetrics has '${m.name}' twice`);
      names.add(name);
      this.metrics.push(name === m.name ? m : { ...m, name });
    }
    const last = this.lastLayer();
    const fuse = last instanceof Dense && this.loss.fuses(last.activation.name);
    if (last instanceof Dense) last.setEmitLogits(fuse);
    this.fusedActivation = fuse ? (last as Dense).activation : null;
    // Recompiling with the same optimizer instance keeps its moments and step count (as Keras
    // keeps an optimizer's variables); a new optimizer starts fresh.
    const optimizer = getOptimizer(options.optimizer ?? 'adam');
    const sameOptimizer = optimizer === this.optimizer;
    this.optimizer = optimizer;
    this.compileConfig = {
      optimizer: optimizer.getConfig(),
      loss: this.loss.name,
      ...(this.loss.fromLogits ? { lossOptions: { fromLogits: true } } : {}),
      // names and { name: options } as given (a Metric object is saved by its name)
      metrics: (options.metrics ?? []).map((spec, i) => (typeof spec === 'string' || !('create' in spec) ? (spec as string | Record<string, MetricOptions>) : this.metrics[i].name)),
      // written only when given, so documents of models without them stay as they were
      ...(options.weightedMetrics?.length
        ? { weightedMetrics: options.weightedMetrics.map((spec, i) => (typeof spec === 'string' || !('create' in spec) ? (spec as string | Record<string, MetricOptions>) : this.metrics[this.weightedFrom + i].name)) }
        : {}),
    };
    this.compiles++;
    if (this.built) this.layout(this.capacity, sameOptimizer);
  }

  /**
   * Trains for `epochs` passes over (X, y). Returns the per-epoch History. Synchronous, as in
   * Keras: a loop over the Trainer's steps.
   * X: [n, features]; y: [n, outputs] (a flat array is [n, 1]).
   */
  fit(X: MatrixLike, y: TargetsLike, options: FitOptions = {}): History {
    return this.makeTrainer(X, y, options).run();
  }

  /**
   * fit that returns a Promise (as tfjs's fit does) and yields to the event loop every
   * `options.yieldEveryMs` (default 2 ms), so a page stays responsive while it trains. The
   * numbers are fit's, bit for bit.
   */
  fitAsync(X: MatrixLike, y: TargetsLike, options: FitOptions = {}): Promise<History> {
    try {
      return this.makeTrainer(X, y, options).runAsync(options.yieldEveryMs);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * A Trainer for these arguments: step it, run it, pause it, save its state (see trainer.ts).
   * A newer run supersedes a paused one; while fitAsync trains, a new run is refused.
   */
  makeTrainer(X: MatrixLike, y: TargetsLike, options: FitOptions = {}): Trainer {
    return Trainer.create(this, X, y, options);
  }

  /** Outputs for every row of X, [n, outputs]; probabilities after a sigmoid output. */
  predict(X: MatrixLike | ArrayLike<number>, options: PredictOptions = {}): Matrix {
    checkOptions('predict', options, PREDICT_OPTIONS);
    const Xm = toPredictRows(X, this.inputSize, 'predict: X');
    this.ensureBuiltFor(Xm, 'predict');
    const batchSize = positiveInt(options.batchSize ?? 32, 'predict: batchSize');
    const out = new Matrix(Xm.rows, this.outputSize);
    const k = this.outputSize;
    const f = this.fusedActivation;
    for (const { start, rows, out: a } of this.batches(Xm, batchSize)) {
      const dst = out.data.subarray(start * k, (start + rows) * k);
      if (f === null) dst.set(a.subarray(0, rows * k));
      else f.applyRows(a, dst, rows, k); // the activation the loss fused: sigmoid, or softmax per row
    }
    return out;
  }

  /** Loss and metrics over (X, y), e.g. { loss: 0.28, accuracy: 0.89 }. */
  evaluate(X: MatrixLike, y: TargetsLike, options: PredictOptions = {}): Logs {
    return drain(this.evaluateSteps(X, y, options));
  }

  /**
   * evaluate, one batch per `next()` (the checks run at the first): the same sums in the same
   * order, so its result is evaluate's, bit for bit. fitAsync runs validation this way, yielding
   * to the event loop between batches.
   */
  *evaluateSteps(X: MatrixLike, y: TargetsLike, options: PredictOptions = {}): Generator<void, Logs> {
    checkOptions('evaluate', options, PREDICT_OPTIONS);
    const { loss } = this.compiled('evaluate');
    const Xm = toFeatures(X, 'evaluate: X');
    const ym = toTargets(y, Xm.rows, 'evaluate: y');
    this.checkShapes(Xm, ym, 'evaluate');
    if (Xm.rows === 0) throw new RangeError('evaluate: X has 0 rows');
    if (loss.binaryTargets) checkBinary(ym, 'evaluate: y');
    loss.checkTargets?.(ym, this.outputSize, 'evaluate: y');
    const batchSize = positiveInt(options.batchSize ?? 32, 'evaluate: batchSize');
    const k = ym.cols; // y's width: the outputs, or 1 (class indices) for sparse categorical
    const kOut = this.outputSize;
    const fused = this.fusedActivation !== null;
    let lossSum = 0;
    const fusedAs = this.fusedAs();
    const accs = this.metrics.map((m) => m.create());
    for (const { start, rows, out: a } of this.batches(Xm, batchSize)) {
      // the targets go into the arena too, so every kernel operand lives there
      const yb = this.batch.y;
      yb.buffer.set(ym.data.subarray(start * k, (start + rows) * k));
      const yv = yb.get(rows);
      lossSum += loss.forwardBackward(this.backend, a, yv, null, rows, kOut, fused, this.batch.dOut.get(rows));
      for (const acc of accs) acc.update(a, yv, null, rows, kOut, fusedAs);
      yield;
    }
    // Keras's evaluate adds the regularization penalties too (compute_loss adds model.losses)
    const logs: Logs = { loss: lossSum / Xm.rows + this.penalty() };
    for (let m = 0; m < this.metrics.length; m++) logs[this.metrics[m].name] = accs[m].result();
    return logs;
  }

  /** The weight regularizers' penalty at the present weights (Keras's sum of model.losses); 0 without any. */
  penalty(): number {
    let p = 0;
    for (const layer of this.regularizedLayers) p += (layer.penalty as (g: boolean) => number)(false);
    return p;
  }

  /**
   * Copies of the weights in Keras order: kernel [in, out] row-major, bias [out], per layer. Each
   * is a flat Float32Array that also carries its Keras `shape` (as `weightShapes()` lists them).
   */
  getWeights(): ShapedWeight[] {
    this.requireBuilt('getWeights');
    const shapes = this.weightShapes();
    return this.paramList.map((p, i) => shaped(p.param.slice(), shapes[i]));
  }

  /** The Keras shape of each weight tensor, in getWeights order: [in, out] for a kernel, [out] for a bias. */
  weightShapes(): number[][] {
    this.requireBuilt('weightShapes');
    return this.layers.flatMap((l) => l.paramShapes().map((s) => [...s]));
  }

  /**
   * Keras's model.trainable: setting it sets every layer's `trainable` (false freezes the whole
   * model, true unfreezes every layer); it reads true while any layer is trainable. As for a
   * layer, a change takes effect at the next training step.
   */
  get trainable(): boolean {
    return this.layers.some((l) => l.trainable !== false);
  }

  set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw new TypeError(`${this.name}: trainable must be true or false, got ${JSON.stringify(value)}`);
    for (const layer of this.layers) layer.trainable = value;
  }

  /** Keras's trainable_weights: copies of the weights fit updates (a frozen layer's left out), Keras order. */
  get trainableWeights(): ShapedWeight[] {
    return this.weightsWhere(true);
  }

  /** Keras's non_trainable_weights: copies of the frozen layers' weights, Keras order. */
  get nonTrainableWeights(): ShapedWeight[] {
    return this.weightsWhere(false);
  }

  private weightsWhere(trainable: boolean): ShapedWeight[] {
    this.requireBuilt(trainable ? 'trainableWeights' : 'nonTrainableWeights');
    return this.layers.filter((l) => (l.trainable !== false) === trainable).flatMap((l) => {
      const shapes = l.paramShapes();
      return l.params().map((p, i) => shaped(p.param.slice(), shapes[i]));
    });
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
        // finite as a float32 too: 3.5e38 is a finite double but Infinity once stored
        if (typeof w[j] !== 'number' || !Number.isFinite(Math.fround(w[j]))) {
          throw new RangeError(`setWeights: ${p.name}[${j}] is ${JSON.stringify(w[j])}; weights must be finite float32 numbers (|w| < 3.4e38)`);
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
    let frozen = 0;
    this.layers.forEach((l, i) => {
      const params = l.inputDim === undefined ? 0 : l.paramCount;
      total += params;
      if (l.trainable === false) frozen += params;
      lines.push(row(`${l.name} (${l.className})`, `(None, ${l.outputDim || '?'})`, l.inputDim === undefined ? '? (unbuilt)' : String(params)));
      lines.push(i === this.layers.length - 1 ? rule('=') : '');
    });
    const fmt = (n: number) => n.toLocaleString('en-US');
    lines.push(`Total params: ${fmt(total)}`, `Trainable params: ${fmt(total - frozen)}`, `Non-trainable params: ${fmt(frozen)}`, rule('_'));
    const text = lines.join('\n');
    if (print) print(text);
    return text;
  }

  /** The model document (see model-json.ts): architecture, weights, compile config, optionally the optimizer state. */
  toJSON(options: ToJSONOptions = {}): SequentialJSON {
    this.requireBuilt('toJSON');
    const shapes = this.layers.flatMap((l) => l.paramShapes());
    const json: SequentialJSON = {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      name: this.name,
      seed: this.seed,
      layers: this.layers.map((l) => l.toJSON()),
      weights: this.paramList.map((p, i) => ({ name: p.name, shape: shapes[i], values: options.typedValues ? (p.param.slice() as unknown as number[]) : Array.from(p.param) })),
      compile: this.compileConfig ? structuredClone(this.compileConfig) : null,
    };
    if (options.includeOptimizer && this.optimizer) {
      const s = this.optimizer.getState();
      const slots: Record<string, number[]> = {};
      for (const [key, values] of Object.entries(s.slots)) slots[key] = Array.from(values);
      json.optimizerState = { name: s.name, iterations: s.iterations, slots };
    }
    return json;
  }

  /**
   * Saves toJSON(options) to a path (in Node, after importing 'densely/node'; written atomically)
   * or hands it to a function. `format: 'tfjs'` writes a TensorFlow.js directory, `'onnx'` an
   * ONNX file (see docs/export.md).
   */
  save(target: string | ModelWriter, options: SaveOptions = {}): void {
    writerFor(target, options.format)(this.toJSON(options));
  }

  /**
   * Rebuilds a model from a model document (any version, see model-json.ts), compiled as it was
   * saved, with the optimizer state when the document has it. Sections other layers own (the
   * CLI's data preparation) are ignored here. Every layer comes from the registry (registry.ts).
   */
  static fromJSON(json: SequentialJSON | SequentialJSONv1 | Record<string, unknown>, source = 'model', options: Pick<SequentialOptions, 'backend'> = {}): Sequential {
    const bad = (field: string | null, detail: string): never => {
      throw new ModelFileError(source, detail, field);
    };
    const doc = json as Record<string, unknown> | null;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return bad(null, 'not a densely model (expected a JSON object)');
    // nothing below recurses into the document, but an error message might describe a value:
    // refuse absurd nesting first, without recursion (a 100,000-deep 'format' is one check)
    const depth = jsonDepthOver(doc, MAX_JSON_DEPTH);
    if (depth !== null) bad(depth, `nested more than ${MAX_JSON_DEPTH} levels deep`);
    let body = doc;
    let compile: CompileJSON | null = null;
    if (doc.format === MODEL_FORMAT && doc.version === 1) {
      // the CLI's v1 document: the model nested; it always compiled Adam + BCE + accuracy
      body = doc.model as Record<string, unknown>;
      if (!body || typeof body !== 'object' || body.format !== 'densely-sequential') bad('model', "a version 1 model file must hold a 'model' of format densely-sequential");
      const training = doc.training;
      const lr = training && typeof training === 'object' ? (training as { learningRate?: unknown }).learningRate : undefined;
      compile = { optimizer: { name: 'adam', learningRate: typeof lr === 'number' ? lr : 0.001 }, loss: 'binary_crossentropy', metrics: ['accuracy'] };
    } else if (doc.format === MODEL_FORMAT) {
      if (doc.version !== MODEL_VERSION) bad('version', `unsupported model version ${describe(doc.version)} (this densely reads 1 and 2)`);
      const c = doc.compile ?? null;
      if (c !== null) {
        if (typeof c !== 'object' || Array.isArray(c)) bad('compile', `must be an object or null, got ${describe(c)}`);
        const cc = c as Record<string, unknown>;
        if (!cc.optimizer || typeof cc.optimizer !== 'object' || Array.isArray(cc.optimizer)) bad('compile.optimizer', `must be an object, got ${describe(cc.optimizer)}`);
        if (typeof cc.loss !== 'string') bad('compile.loss', `must be a string, got ${describe(cc.loss)}`);
        if (cc.lossOptions !== undefined && (typeof cc.lossOptions !== 'object' || cc.lossOptions === null || Array.isArray(cc.lossOptions))) bad('compile.lossOptions', `must be an object, got ${describe(cc.lossOptions)}`);
        for (const key of ['metrics', 'weightedMetrics'] as const) {
          const list = cc[key];
          if (list !== undefined && !(Array.isArray(list) && list.every((m) => typeof m === 'string' || (typeof m === 'object' && m !== null && !Array.isArray(m))))) bad(`compile.${key}`, 'must be a list of metric names or { name: options } objects');
        }
      }
      compile = c as CompileJSON | null;
    } else if (doc.format !== 'densely-sequential') {
      bad('format', `not a densely model (format is ${describe(doc.format)})`);
    }
    if (body.format === 'densely-sequential' && body.version !== 1) bad('version', `unsupported model version ${describe(body.version)}`);
    const layers = body.layers;
    const weights = body.weights;
    if (!Array.isArray(layers) || layers.length === 0) bad('layers', 'must be a non-empty list');
    if (!Array.isArray(weights)) bad('weights', 'must be a list of {name, shape, values}');
    const seed = body.seed === undefined ? 42 : body.seed;
    if (typeof seed !== 'number' || !Number.isFinite(seed)) bad('seed', `must be a number, got ${describe(seed)}`);
    let model: Sequential;
    try {
      model = new Sequential((layers as unknown[]).map((config, i) => layerFromConfig(config, source, i)), { name: typeof body.name === 'string' ? body.name : undefined, seed: seed as number, backend: options.backend });
    } catch (e) {
      throw asDenselyError(e, ModelFileError, source);
    }
    const inputDim = model.inputSize;
    if (inputDim === undefined) return bad('layers[0].inputDim', 'the first layer has no inputDim');
    // Every weight's shape against the topology BEFORE any memory is taken: a file that declares
    // 6e6 units with six values is refused here, not after allocating gigabytes.
    const shapes = model.plannedShapes(inputDim, source);
    const ws = weights as unknown[];
    if (ws.length !== shapes.length) bad('weights', `has ${ws.length} tensors, the layers need ${shapes.length}`);
    ws.forEach((w, i) => {
      const field = `weights[${i}]`;
      if (!w || typeof w !== 'object' || Array.isArray(w)) bad(field, `must be {name, shape, values}, got ${describe(w)}`);
      const { shape, values } = w as { shape?: unknown; values?: unknown };
      const need = shapes[i]!;
      if (!Array.isArray(values) && !(values instanceof Float32Array)) bad(`${field}.values`, `must be a list of numbers, got ${describe(values)}`);
      if (shape !== undefined && (!Array.isArray(shape) || shape.length !== need.length || shape.some((d, k) => d !== need[k]))) {
        bad(`${field}.shape`, `is ${Array.isArray(shape) ? `[${shape.slice(0, 8).map((d) => describe(d)).join(', ')}${shape.length > 8 ? ', …' : ''}]` : describe(shape)}, the layers need [${need.join(', ')}]`);
      }
      const count = need.reduce((a, b) => a * b, 1);
      if ((values as ArrayLike<unknown>).length !== count) bad(`${field}.values`, `has ${(values as ArrayLike<unknown>).length} values, shape [${need.join(', ')}] needs ${count}`);
    });
    try {
      model.requireBuilt('fromJSON');
      model.setWeights(ws.map((w) => (w as WeightJSON).values));
      if (compile) {
        const loss = getLoss(compile.loss, (compile.lossOptions ?? {}) as LossOptions);
        model.compile({
          optimizer: optimizerFromConfig(compile.optimizer, `${source}: compile.optimizer`),
          loss,
          metrics: compile.metrics as MetricSpec[] | undefined,
          ...(compile.weightedMetrics ? { weightedMetrics: compile.weightedMetrics as MetricSpec[] } : {}),
        });
        const state = (doc as Partial<SequentialJSON>).optimizerState;
        if (state) {
          if (typeof state !== 'object' || Array.isArray(state)) bad('optimizerState', `must be an object, got ${describe(state)}`);
          const slotsIn = state.slots ?? {};
          if (typeof slotsIn !== 'object' || Array.isArray(slotsIn)) bad('optimizerState.slots', 'must be an object of lists');
          const slots: Record<string, Float32Array> = {};
          for (const [key, values] of Object.entries(slotsIn)) {
            if (!Array.isArray(values) || values.length !== model.paramCount) bad(`optimizerState.slots.${key}`, `must be a list of ${model.paramCount} numbers`);
            if (!values.every((v) => typeof v === 'number' && Number.isFinite(Math.fround(v)))) bad(`optimizerState.slots.${key}`, 'must hold finite float32 numbers');
            slots[key] = Float32Array.from(values);
          }
          (model.optimizer as Optimizer).setState({ name: state.name, iterations: state.iterations, slots });
        }
      }
    } catch (e) {
      throw asDenselyError(e, ModelFileError, source);
    }
    return model;
  }

  /**
   * The weight shapes the layers will have on an input of `inputDim`, in Keras order, found
   * without taking any memory (each layer's build only fixes its shapes; the arena comes later).
   */
  private plannedShapes(inputDim: number, source: string): number[][] {
    let dim = inputDim;
    const shapes: number[][] = [];
    this.layers.forEach((layer, i) => {
      try {
        layer.build(dim, this.backend);
      } catch (e) {
        throw new ModelFileError(source, (e as Error).message, `layers[${i}]`);
      }
      shapes.push(...layer.paramShapes());
      dim = layer.outputDim;
    });
    return shapes;
  }

  /**
   * Loss and gradients for (X, y) as one batch, without updating anything: the mean loss
   * and d(loss)/d(weight) for every weight tensor, in Keras order (like tf.GradientTape).
   */
  computeGradients(X: MatrixLike, y: TargetsLike): { loss: number; grads: Float32Array[] } {
    const { loss, fused } = this.compiled('computeGradients');
    const { X: Xm, y: ym } = this.checkData(X, y, 'computeGradients');
    if (this.training && Xm.rows > this.capacity) {
      throw new RangeError(`computeGradients: ${Xm.rows} rows are one batch, but a training run on this model planned for ${this.capacity}; finish or replace the run first`);
    }
    this.ensureCapacity(Xm.rows);
    this.batch.X.buffer.set(Xm.data);
    this.batch.y.buffer.set(ym.data);
    const sum = forwardBackward(this, loss, fused, Xm.rows, null);
    return { loss: sum / Xm.rows, grads: this.paramList.map((p) => p.grad.slice()) };
  }

  /** Floats in the model's arena, and how they split (for benchmarks and the curious). */
  memoryReport(): { arenaFloats: number; params: number; capacityRows: number } {
    return { arenaFloats: this.arena.capacity, params: this.paramCount, capacityRows: this.capacity };
  }

  // ---- for the Trainer (TrainableModel, trainer.ts) ---------------------------

  /** The batch buffers of the current arena. */
  get buffers(): BatchBuffers {
    return this.batch;
  }

  /** Every gradient, one view of the arena (the numeric guard reads it after each backward pass). */
  get gradients(): Float32Array {
    return this.grads;
  }

  zeroGrads(): void {
    this.grads.fill(0);
  }

  /** The layers with a weight regularizer: forwardBackward adds their penalties (Net.regularized). */
  get regularized(): readonly Layer[] {
    return this.regularizedLayers;
  }

  syncTrainable(): void {
    const seen = this.trainableSeen;
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      if ((layers[i].trainable !== false) !== seen[i]) {
        this.applyTrainable();
        return;
      }
    }
  }

  /** Tells the optimizer which weight tensors are frozen (one flag per tensor, Keras order). */
  private applyTrainable(): void {
    const optimizer = this.optimizer;
    if (optimizer === null) return;
    this.trainableSeen = this.layers.map((l) => l.trainable !== false);
    const mask = this.layers.flatMap((l) => l.params().map(() => l.trainable !== false));
    const all = mask.every(Boolean);
    if (optimizer.setTrainable) optimizer.setTrainable(all ? null : mask);
    else if (!all) throw new Error(`${this.name}: the optimizer '${optimizer.name}' cannot skip frozen weights (it has no setTrainable); unfreeze the layers or use a built-in optimizer`);
  }

  compiled(where: string): { loss: Loss; optimizer: Optimizer; metrics: Metric[]; weightedFrom: number; fused: boolean; fusedAs: Fused } {
    if (!this.loss || !this.optimizer) throw new Error(`${where}: call compile({ optimizer, loss }) first`);
    return { loss: this.loss, optimizer: this.optimizer, metrics: this.metrics, weightedFrom: this.weightedFrom, fused: this.fusedActivation !== null, fusedAs: this.fusedAs() };
  }

  /** The activation the loss fused (the metrics apply it to the logits), or false. */
  private fusedAs(): Fused {
    const name = this.fusedActivation?.name;
    return name === undefined ? false : name === 'softmax' ? 'softmax' : name === 'sigmoid' ? 'sigmoid' : true;
  }

  checkData(X: MatrixLike, y: TargetsLike, where: string, names = { X: `${where}: X`, y: `${where}: y` }): { X: Matrix; y: Matrix } {
    const Xm = toFeatures(X, names.X);
    const ym = toTargets(y, Xm.rows, names.y);
    this.checkShapes(Xm, ym, where);
    return { X: Xm, y: ym };
  }

  planCapacity(rows: number): void {
    this.ensureCapacity(Math.max(rows, this.declaredCapacity));
  }

  setTraining(on: boolean): void {
    this.training = on;
  }

  shuffleRng(seed?: number): MT19937 {
    if (seed !== undefined || this.rng === null) this.rng = new MT19937(seed ?? this.seed);
    return this.rng;
  }

  dropoutRng(seed?: number): MT19937 {
    // its own stream, from the seed mixed with a constant, so masks do not replay the shuffle's draws
    if (seed !== undefined || this.maskRng === null) this.maskRng = new MT19937(((seed ?? this.seed) ^ DROPOUT_SEED_MIX) >>> 0);
    return this.maskRng;
  }

  get compileCount(): number {
    return this.compiles;
  }

  signature(): string {
    const layers = this.layers.map((l) => ({ ...l.toJSON(), shapes: l.paramShapes() }));
    return JSON.stringify({ layers, compile: this.compileConfig });
  }

  // ---- memory ------------------------------------------------------------

  private ensureCapacity(batch: number): void {
    if (batch > this.capacity) this.layout(batch, true);
  }

  /**
   * (Re)builds the arena for `capacity` rows (see memory-plan.ts). Params (and, when keepState,
   * the gradients and optimizer state) are copied from the old arena; every layer and the
   * optimizer then take their views again, in the same order.
   */
  private layout(capacity: number, keepState: boolean): void {
    const d = this.inputDim as number;
    const k = this.outputSize;
    const plan = planMemory(this.layers, d, k, this.optimizer, capacity);
    const keep = keepState ? 2 * plan.params + plan.optimizerState : plan.params;
    const { arena, grads, paramList, buffers } = layoutArena(plan, this.layers, d, k, this.optimizer, this.backend, this.built ? this.arena : null, keep);
    this.arena = arena;
    this.grads = grads;
    this.paramList = paramList;
    this.batch = buffers;
    this.capacity = capacity;
    // the optimizer was bound afresh: tell it again which tensors are frozen
    if (this.optimizer !== null) this.applyTrainable();
  }

  // ---- helpers -----------------------------------------------------------

  /**
   * Forward over X in batches: each batch's rows and output (first rows valid). During a training
   * run the arena does not grow: a batch larger than the run planned for goes in pieces.
   */
  private *batches(X: Matrix, batchSize: number): Generator<{ start: number; rows: number; out: Float32Array }> {
    const size = this.training ? Math.min(batchSize, this.capacity) : batchSize;
    if (!this.training) this.ensureCapacity(Math.min(size, Math.max(X.rows, 1)));
    const d = X.cols;
    for (let start = 0; start < X.rows; start += size) {
      const rows = Math.min(size, X.rows - start);
      const Xb = this.batch.X;
      Xb.buffer.set(X.data.subarray(start * d, (start + rows) * d));
      let a = Xb.get(rows);
      for (const layer of this.layers) a = layer.forward(a, rows);
      yield { start, rows, out: a };
    }
  }

  private checkShapes(X: Matrix, y: Matrix, where: string): void {
    this.ensureBuiltFor(X, where);
    const cols = this.loss?.targetCols?.(this.outputSize) ?? this.outputSize;
    if (y.cols !== cols) {
      const sparse = cols !== this.outputSize ? ` (${this.loss?.name} takes one column of class indices)` : '';
      throw new RangeError(`${where}: y has shape [${y.rows}, ${y.cols}] but the model needs [${y.rows}, ${cols}]${sparse}`);
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

  private lastLayer(): Layer {
    const last = this.layers[this.layers.length - 1];
    if (!last) throw new Error(`${this.name}: the model has no layers`);
    return last;
  }
}

/** Mixed into the seed of the dropout generator (any fixed 32-bit constant would do). */
const DROPOUT_SEED_MIX = 0x5bd1e995;

function emptyBuffers(): BatchBuffers {
  const none = () => new RowViews(new Float32Array(0), 0);
  return { X: none(), y: none(), w: none(), dOut: none() };
}


/**
 * A weight tensor as getWeights returns it: flat float32 values, and their Keras shape. `shape`
 * is typed optional so that a plain Float32Array can still take an element's place in the list
 * (setWeights takes flat arrays); getWeights always sets it.
 */
export type ShapedWeight = Float32Array & { readonly shape?: readonly number[] };

function shaped(values: Float32Array, shape: readonly number[]): ShapedWeight {
  return Object.defineProperty(values, 'shape', { value: Object.freeze([...shape]), enumerable: false }) as ShapedWeight;
}
