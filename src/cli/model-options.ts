/**
 * `densely train`'s model options: the hidden layers, their activation and dropout, the optimizer,
 * the loss, the metrics, the validation split and early stopping. They are checked before any data
 * is read ({@link modelOptions}), then turned into a compiled Sequential once the label is known
 * ({@link buildModel}): a binary label gets a Dense(1, sigmoid) head, a multi-class label of K
 * classes a Dense(K, softmax) head, and a regression target (a label that is not binary, with
 * --loss mse, mae or huber) a Dense(1, linear) head. With no option given, the model is the marketing pipeline's
 * (Dense 64 relu, Dense 64 relu, Dense 1 sigmoid; Adam; binary cross-entropy; accuracy).
 */
import type { Backend } from '../backends/backend.js';
import { ACTIVATION_NAMES, type ActivationName } from '../nn/activations.js';
import { EarlyStopping } from '../nn/callbacks.js';
import { Dense } from '../nn/dense.js';
import { Dropout } from '../nn/dropout.js';
import type { Layer } from '../nn/layer.js';
import { LOSS_NAMES } from '../nn/losses.js';
import { getMetric } from '../nn/metrics.js';
import { Sequential } from '../nn/sequential.js';
import { Adam } from '../optim/adam.js';
import { OPTIMIZER_NAMES, optimizerFromConfig, type OptimizerName } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Matrix } from '../tensor/matrix.js';
import { listOption, type Spec, UsageError } from './args.js';
import { binaryRecodeHint } from '../data/label-classes.js';

/** The options this file reads, for TRAIN_SPEC. */
export const MODEL_SPEC: Spec = {
  layers: { type: 'string', help: "hidden layer widths, comma-separated ('none': no hidden layer)", default: '64,64' },
  activation: { type: 'string', help: `hidden layers' activation: ${ACTIVATION_NAMES.join(', ')}`, default: 'relu' },
  dropout: { type: 'number', help: 'a Dropout of this rate after each hidden layer (0: none)', default: 0, min: 0, max: 0.99 },
  optimizer: { type: 'string', help: OPTIMIZER_NAMES.join('|'), default: 'adam' },
  loss: { type: 'string', help: 'binary label: binary_crossentropy, mse, mae, huber, hinge; multi-class: sparse_categorical_crossentropy, categorical_crossentropy; mse, mae or huber on a numeric label that is not 0/1: regression (a linear output)', default: 'binary_crossentropy, or sparse_categorical_crossentropy for a multi-class label' },
  metrics: { type: 'string', help: 'comma-separated, printed per epoch and in --json: accuracy, auc, precision, recall, mae, mse (multi-class: accuracy, and auc, precision, recall micro-averaged; regression: mae, mse)', default: 'accuracy (regression: mae)' },
  'validation-split': { type: 'number', help: "hold out the LAST fraction of the training rows (before shuffling) as validation data, as Keras's validation_split", min: 0, max: 0.99 },
  'early-stopping': { type: 'int', help: 'stop after this many epochs without improvement of val_auc (binary) or val_loss (multi-class), and keep the best epoch\'s weights; validation: --validation-split, else 0.1', min: 0 },
};

/** The validation fraction --early-stopping uses when --validation-split is not given (docs/cli.md says why). */
export const EARLY_STOPPING_VALIDATION_SPLIT = 0.1;

/** Losses for a binary (0/1) label, after a sigmoid; losses for a multi-class label, after a softmax. */
const BINARY_LOSSES = ['binary_crossentropy', 'binaryCrossentropy', 'mse', 'mean_squared_error', 'meanSquaredError', 'mae', 'mean_absolute_error', 'meanAbsoluteError', 'huber', 'huber_loss', 'huberLoss', 'hinge'];
const CLASS_LOSSES = ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy', 'categorical_crossentropy', 'categoricalCrossentropy'];
/** The losses that make a label that is not binary a regression target. */
const REGRESSION_LOSSES = ['mse', 'mean_squared_error', 'meanSquaredError', 'mae', 'mean_absolute_error', 'meanAbsoluteError', 'huber', 'huber_loss', 'huberLoss'];
const REGRESSION_METRICS = ['mae', 'mean_absolute_error', 'meanAbsoluteError', 'mse', 'mean_squared_error', 'meanSquaredError'];

/** Whether --loss asks for a regression when the label is not binary (a 0/1 label stays binary, after a sigmoid). */
export function isRegressionLoss(loss: string | undefined): boolean {
  return loss !== undefined && REGRESSION_LOSSES.includes(loss);
}

/**
 * The metrics of a multi-class model (its targets are class indices): accuracy (the argmax), and
 * auc, precision and recall micro-averaged over the one-hot rows the indices stand for, as Keras's
 * AUC(multi_label=False), Precision and Recall count a softmax head.
 */
const CLASS_METRICS = ['accuracy', 'acc', 'sparse_categorical_accuracy', 'sparseCategoricalAccuracy', 'auc', 'precision', 'recall'];

/** The model options as given, checked. */
export interface ModelPlan {
  /** Hidden layer widths ([] for none). */
  layers: number[];
  activation: ActivationName;
  dropout: number;
  optimizer: OptimizerName;
  /** --learning-rate, or undefined for the optimizer's own default (Adam's is 0.001). */
  learningRate: number | undefined;
  loss: string | undefined;
  metrics: string[] | undefined;
  validationSplit: number | undefined;
  /** The patience of early stopping, or undefined. */
  earlyStopping: number | undefined;
  /** Whether any of this file's options was given (the default run's output stays as it was). */
  given: boolean;
}

/**
 * The model options of `o` (parsed camelCase options), checked before any data is read: unknown
 * names are refused with the list of valid ones.
 */
export function modelOptions(o: Record<string, unknown>): ModelPlan {
  const given = ['layers', 'activation', 'dropout', 'optimizer', 'loss', 'metrics', 'validationSplit', 'earlyStopping'].some((k) => o[k] !== undefined);
  const layers = o.layers === undefined ? [64, 64] : parseLayers(String(o.layers));
  const activation = (o.activation === undefined ? 'relu' : String(o.activation)) as ActivationName;
  if (!ACTIVATION_NAMES.includes(activation)) throw new UsageError(`train: unknown --activation '${activation}' (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  const dropout = (o.dropout as number | undefined) ?? 0;
  if (dropout > 0 && layers.length === 0) throw new UsageError('train: --dropout goes after hidden layers, and --layers none has none');
  const optimizer = (o.optimizer === undefined ? 'adam' : String(o.optimizer).toLowerCase()) as OptimizerName;
  if (!OPTIMIZER_NAMES.includes(optimizer)) throw new UsageError(`train: unknown --optimizer '${String(o.optimizer)}' (expected one of ${OPTIMIZER_NAMES.join(', ')})`);
  const loss = o.loss === undefined ? undefined : String(o.loss);
  if (loss !== undefined && !(LOSS_NAMES as string[]).includes(loss)) throw new UsageError(`train: unknown --loss '${loss}' (expected one of ${LOSS_NAMES.join(', ')})`);
  const metrics = o.metrics === undefined ? undefined : listOption(o.metrics);
  if (metrics !== undefined) {
    if (metrics.length === 0) throw new UsageError("train: --metrics needs at least one name, e.g. accuracy,auc");
    for (const m of metrics) {
      try {
        getMetric(m);
      } catch (e) {
        throw new UsageError(`train: --metrics: ${(e as Error).message.replace(/^compile: /, '')}`);
      }
    }
    if (new Set(metrics).size !== metrics.length) throw new UsageError(`train: --metrics names a metric twice: ${metrics.join(',')}`);
  }
  const validationSplit = o.validationSplit as number | undefined;
  if (validationSplit !== undefined && !(validationSplit > 0)) throw new UsageError(`train: --validation-split must be a fraction in (0, 1), got ${validationSplit}`);
  return { layers, activation, dropout, optimizer, learningRate: o.learningRate as number | undefined, loss, metrics, validationSplit, earlyStopping: o.earlyStopping as number | undefined, given };
}

/** '64,32' → [64, 32]; 'none' → []. */
function parseLayers(spec: string): number[] {
  if (spec.trim() === 'none') return [];
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 1e6)) {
    throw new UsageError(`train: --layers takes hidden widths like 64,64 (whole numbers from 1), or 'none', got '${spec}'`);
  }
  return parts.map(Number);
}

/** A model ready to train, and how fit should run it. */
export interface BuiltModel {
  model: Sequential;
  /** The loss's name, as compiled. */
  loss: string;
  /** The metrics, as compiled. */
  metrics: string[];
  /** The validation fraction fit holds out (undefined: none). */
  validationSplit: number | undefined;
  /** The early-stopping callback, when asked for. */
  earlyStopping: EarlyStopping | null;
  /** What early stopping watches. */
  monitor: string | null;
  /** Whether the targets are one-hot rows (categorical_crossentropy) instead of class indices. */
  oneHot: boolean;
}

/**
 * The compiled model for `inputs` features and a binary label (`classes` null) or the K classes
 * of a multi-class one. Combinations that cannot work (a categorical loss on a 0/1 label, auc on
 * classes) are UsageErrors.
 *
 * @example
 * buildModel(modelOptions({}), 16, null, { seed: 42 }).model.summary(); // Dense 64, Dense 64, Dense 1
 */
export function buildModel(plan: ModelPlan, inputs: number, classes: readonly string[] | null, o: { seed: number; backend?: string | Backend; regression?: boolean }): BuiltModel {
  if (o.regression) return buildRegression(plan, inputs, o);
  const multi = classes !== null;
  const what = multi ? `a multi-class label (${classes.length} classes)` : 'a binary label';
  const loss = plan.loss ?? (multi ? 'sparse_categorical_crossentropy' : 'binary_crossentropy');
  if (!(multi ? CLASS_LOSSES : BINARY_LOSSES).includes(loss)) {
    throw new UsageError(`train: --loss ${loss} does not fit ${what}; use one of ${(multi ? CLASS_LOSSES : BINARY_LOSSES).filter((n) => !/[A-Z]/.test(n)).join(', ')}`);
  }
  const metrics = (plan.metrics ?? ['accuracy']).slice();
  if (multi) {
    const other = metrics.filter((m) => !CLASS_METRICS.includes(m));
    if (other.length) throw new UsageError(`train: --metrics ${other.join(',')} does not fit a multi-class label; it takes accuracy, auc, precision and recall (micro-averaged over the classes)${binaryRecodeHint(classes)}`);
  }
  const monitor = plan.earlyStopping === undefined ? null : multi ? 'val_loss' : 'val_auc';
  // early stopping on val_auc needs the auc metric in the logs
  if (monitor === 'val_auc' && !metrics.includes('auc')) metrics.push('auc');
  const validationSplit = plan.validationSplit ?? (plan.earlyStopping !== undefined ? EARLY_STOPPING_VALIDATION_SPLIT : undefined);

  const layers = hiddenLayers(plan, inputs);
  const first = plan.layers.length === 0 ? { inputShape: [inputs] } : {};
  layers.push(multi ? new Dense(classes.length, { activation: 'softmax', ...first }) : new Dense(1, { activation: 'sigmoid', ...first }));
  const model = new Sequential(layers, { seed: o.seed, backend: o.backend });
  model.compile({ optimizer: makeOptimizer(plan), loss: loss as never, metrics: metrics as never });
  const earlyStopping = monitor === null ? null : new EarlyStopping({ monitor, patience: plan.earlyStopping, restoreBestWeights: true });
  return { model, loss, metrics, validationSplit, earlyStopping, monitor, oneHot: multi && /^categorical/.test(loss) };
}

/** The hidden layers of the plan, each followed by its Dropout when asked. */
function hiddenLayers(plan: ModelPlan, inputs: number): Layer[] {
  const layers: Layer[] = [];
  plan.layers.forEach((units, i) => {
    layers.push(new Dense(units, { activation: plan.activation, ...(i === 0 ? { inputShape: [inputs] } : {}) }));
    if (plan.dropout > 0) layers.push(new Dropout(plan.dropout));
  });
  return layers;
}

/** A regression model: the hidden layers, then Dense(1, linear); mae by default; early stopping on val_loss. */
function buildRegression(plan: ModelPlan, inputs: number, o: { seed: number; backend?: string | Backend }): BuiltModel {
  const loss = plan.loss!;
  const metrics = (plan.metrics ?? ['mae']).slice();
  const other = metrics.filter((m) => !REGRESSION_METRICS.includes(m));
  if (other.length) throw new UsageError(`train: --metrics ${other.join(',')} does not fit a regression target (numbers to predict); use mae or mse`);
  const layers = hiddenLayers(plan, inputs);
  layers.push(new Dense(1, { activation: 'linear', ...(plan.layers.length === 0 ? { inputShape: [inputs] } : {}) }));
  const model = new Sequential(layers, { seed: o.seed, backend: o.backend });
  model.compile({ optimizer: makeOptimizer(plan), loss: loss as never, metrics: metrics as never });
  const monitor = plan.earlyStopping === undefined ? null : 'val_loss';
  const validationSplit = plan.validationSplit ?? (monitor ? EARLY_STOPPING_VALIDATION_SPLIT : undefined);
  const earlyStopping = monitor === null ? null : new EarlyStopping({ monitor, patience: plan.earlyStopping, restoreBestWeights: true });
  return { model, loss, metrics, validationSplit, earlyStopping, monitor, oneHot: false };
}

/** Adam as the pipeline always built it; any other by its name, with --learning-rate when given. */
function makeOptimizer(plan: ModelPlan): Optimizer {
  if (plan.optimizer === 'adam') return new Adam({ learningRate: plan.learningRate ?? 0.001 });
  return optimizerFromConfig({ name: plan.optimizer, ...(plan.learningRate !== undefined ? { learningRate: plan.learningRate } : {}) }, '--optimizer');
}

/**
 * Class indices `[n, 1]` → one-hot rows `[n, K]`, the targets of categorical_crossentropy.
 *
 * @example
 * oneHot(Matrix.from([[2], [0]]), 3).data; // [0, 0, 1, 1, 0, 0]
 */
export function oneHot(y: Matrix, k: number): Matrix {
  const out = new Matrix(y.rows, k);
  for (let i = 0; i < y.rows; i++) out.data[i * k + y.data[i]] = 1;
  return out;
}
