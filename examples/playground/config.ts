/**
 * The playground's whole configuration, and its round trip through the URL hash, so that a lesson
 * can link to a network: #dataset=spiral&noise=10&layers=8,8&activation=tanh&…
 */
export const DATASETS = ['circle', 'xor', 'spiral', 'gaussian', 'marketing'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear'] as const;
/** 'adam' is Keras's ε form, 'adam-corrected' tfjs/PyTorch's (see docs/how-it-works.md, section 5). */
export const OPTIMIZERS = ['adam', 'adam-corrected', 'sgd', 'rmsprop'] as const;
/** A penalty on every kernel, added to the loss (src/nn/regularizers.ts), as TensorFlow Playground offers. */
export const REGULARIZATIONS = ['none', 'l1', 'l2'] as const;

export type DatasetName = (typeof DATASETS)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type RegularizationName = (typeof REGULARIZATIONS)[number];

export interface Config {
  dataset: DatasetName;
  /** Noise, in percent of the data's scale (0–50). */
  noise: number;
  /** Percent of the points used for training (10–90); the rest are the test set. */
  trainPercent: number;
  /** Seeds the data, the split, the initial weights and the shuffling. */
  seed: number;
  /** Units per hidden layer, e.g. [8, 8]; empty for logistic regression. */
  layers: number[];
  activation: ActivationName;
  learningRate: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** 'l1' adds rate·Σ|w| over every kernel to the loss, 'l2' rate·Σw²; 'none' adds nothing. */
  regularization: RegularizationName;
  regularizationRate: number;
  /** A registered backend's name (listBackends()). */
  backend: string;
}

export const DEFAULTS: Config = {
  dataset: 'spiral',
  noise: 0,
  trainPercent: 50,
  seed: 1,
  layers: [8, 8],
  activation: 'tanh',
  learningRate: 0.03,
  batchSize: 10,
  optimizer: 'adam',
  regularization: 'none',
  regularizationRate: 0.001,
  backend: 'wasm',
};

/** The hash for a configuration (only what differs from the defaults stays implicit: all keys are written). */
export function toHash(c: Config): string {
  const p = new URLSearchParams({
    dataset: c.dataset,
    noise: String(c.noise),
    train: String(c.trainPercent),
    seed: String(c.seed),
    layers: c.layers.join(','),
    activation: c.activation,
    lr: String(c.learningRate),
    batch: String(c.batchSize),
    optimizer: c.optimizer,
    reg: c.regularization,
    regRate: String(c.regularizationRate),
    backend: c.backend,
  });
  return `#${p.toString()}`;
}

/** A configuration from a hash; anything missing or invalid keeps its default. */
export function fromHash(hash: string): Config {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const c = { ...DEFAULTS, layers: [...DEFAULTS.layers] };
  const pick = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = p.get(key);
    return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
  };
  const num = (key: string, lo: number, hi: number, fallback: number, integer = false): number => {
    const raw = p.get(key);
    const v = raw === null || raw === '' ? NaN : Number(raw);
    return Number.isFinite(v) && v >= lo && v <= hi && (!integer || Number.isInteger(v)) ? v : fallback;
  };
  c.dataset = pick('dataset', DATASETS, c.dataset);
  c.noise = num('noise', 0, 50, c.noise);
  c.trainPercent = num('train', 10, 90, c.trainPercent, true);
  c.seed = num('seed', 0, 0xffffffff, c.seed, true);
  const layers = p.get('layers');
  if (layers !== null) {
    const widths = layers === '' ? [] : layers.split(',').map(Number);
    if (widths.length <= 6 && widths.every((w) => Number.isInteger(w) && w >= 1 && w <= 32)) c.layers = widths;
  }
  c.activation = pick('activation', ACTIVATIONS, c.activation);
  c.learningRate = num('lr', 1e-5, 10, c.learningRate);
  c.batchSize = num('batch', 1, 256, c.batchSize, true);
  c.optimizer = pick('optimizer', OPTIMIZERS, c.optimizer);
  c.regularization = pick('reg', REGULARIZATIONS, c.regularization);
  c.regularizationRate = num('regRate', 0, 1, c.regularizationRate);
  c.backend = p.get('backend') || c.backend;
  return c;
}
