export { Dense, DENSE_OPTIONS, type DenseOptions } from './dense.js';
export { Dropout, DROPOUT_OPTIONS, type DropoutOptions } from './dropout.js';
export { regularizers, L1L2, getRegularizer, type RegularizerSpec } from './regularizers.js';
export { getInitializer, INITIALIZER_NAMES, TRUNCATED_NORMAL_STDDEV, type Initializer, type InitializerName } from './initializers.js';
export { getActivation, sigmoid, ACTIVATION_NAMES, type Activation, type ActivationName } from './activations.js';
export type { Layer, LayerConfig, Alloc } from './layer.js';
export { registerLayer, knownLayers, layerFromConfig, type LayerFactory } from './registry.js';
export {
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  meanSquaredError,
  meanAbsoluteError,
  huber,
  hinge,
  getLoss,
  LOSS_NAMES,
  type Loss,
  type LossName,
  type LossOptions,
} from './losses.js';
export {
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  maeMetric,
  mseMetric,
  aucMetric,
  confusionMetric,
  weightedRocAuc,
  weightedAveragePrecision,
  getMetric,
  rocAuc,
  type Metric,
  type MetricAccumulator,
  type MetricName,
  type MetricOptions,
  type MetricSpec,
} from './metrics.js';
export {
  History,
  ProgbarLogger,
  EarlyStopping,
  ReduceLROnPlateau,
  LearningRateScheduler,
  TerminateOnNaN,
  ModelCheckpoint,
  type ModelCheckpointOptions,
  callbacks,
  formatProgress,
  type Callback,
  type CallbackModel,
  type Logs,
  type EarlyStoppingOptions,
  type ReduceLROnPlateauOptions,
} from './callbacks.js';
export {
  Trainer,
  trainStep,
  forwardBackward,
  YIELD_EVERY_MS,
  FIT_OPTIONS,
  type FitOptions,
  type RestoreOptions,
  type TrainingState,
  type TrainableModel,
  type Net,
  type BatchBuffers,
} from './trainer.js';
export { ProgressBar, progressLine, formatEta, defaultTerminalWriter } from './progress-bar.js';
export { planMemory, type MemoryPlan } from './memory-plan.js';
export { MODEL_FORMAT, MODEL_VERSION, type SequentialJSON, type SequentialJSONv1, type CliModelJSONv1, type CompileJSON, type WeightJSON } from './model-json.js';
export { registerPathWriter, SAVE_FORMATS, type ModelWriter, type PathWriter, type SaveFormat } from './save-handlers.js';
export { Sequential, type SequentialOptions, type CompileOptions, type PredictOptions, type ToJSONOptions, type SaveOptions, type ShapedWeight } from './sequential.js';
export type { MatrixLike, TargetsLike } from './inputs.js';
export { toCategorical } from './inputs.js';
export { gradCheck, relativeError, GRAD_CHECK_TOLERANCE, type GradCheckOptions, type GradCheckResult, type LayerGradCheck, type GradCheckPoint } from './grad-check.js';
