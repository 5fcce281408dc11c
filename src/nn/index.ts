export { Dense, type DenseOptions } from './dense.js';
export { getActivation, sigmoid, type Activation, type ActivationName } from './activations.js';
export type { Layer, LayerConfig, Alloc } from './layer.js';
export { binaryCrossentropy, meanSquaredError, getLoss, type Loss } from './losses.js';
export { binaryAccuracy, getMetric, rocAuc, type Metric } from './metrics.js';
export { History, ProgbarLogger, EarlyStopping, formatProgress, type Callback, type Logs, type EarlyStoppingOptions } from './callbacks.js';
export {
  Sequential,
  type SequentialOptions,
  type CompileOptions,
  type FitOptions,
  type PredictOptions,
  type SequentialJSON,
} from './sequential.js';
export type { MatrixLike, TargetsLike } from './inputs.js';
