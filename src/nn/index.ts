export { Dense, type DenseOptions } from './dense.js';
export { getActivation, sigmoid, type Activation, type ActivationName } from './activations.js';
export type { Layer, LayerConfig, Alloc } from './layer.js';
export { registerLayer, knownLayers, layerFromConfig, type LayerFactory } from './registry.js';
export { binaryCrossentropy, meanSquaredError, getLoss, type Loss } from './losses.js';
export { binaryAccuracy, getMetric, rocAuc, type Metric } from './metrics.js';
export { History, ProgbarLogger, EarlyStopping, ModelCheckpoint, formatProgress, type Callback, type Logs, type EarlyStoppingOptions } from './callbacks.js';
export {
  Trainer,
  trainStep,
  forwardBackward,
  YIELD_EVERY_MS,
  type FitOptions,
  type RestoreOptions,
  type TrainingState,
  type TrainableModel,
  type Net,
  type BatchBuffers,
} from './trainer.js';
export { planMemory, type MemoryPlan } from './memory-plan.js';
export { MODEL_FORMAT, MODEL_VERSION, type SequentialJSON, type SequentialJSONv1, type CliModelJSONv1, type CompileJSON, type WeightJSON } from './model-json.js';
export { registerPathWriter, SAVE_FORMATS, type ModelWriter, type PathWriter, type SaveFormat } from './save-handlers.js';
export { Sequential, type SequentialOptions, type CompileOptions, type PredictOptions, type ToJSONOptions, type SaveOptions } from './sequential.js';
export type { MatrixLike, TargetsLike } from './inputs.js';
export { gradCheck, relativeError, GRAD_CHECK_TOLERANCE, type GradCheckOptions, type GradCheckResult, type LayerGradCheck, type GradCheckPoint } from './grad-check.js';
