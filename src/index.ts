/**
 * densely: a zero-dependency neural-network engine. This entry runs unchanged in Node and
 * in browsers; Node-only file helpers are in 'densely/node'.
 */
export { Matrix } from './tensor/matrix.js';
export { Arena } from './tensor/arena.js';
export { MT19937 } from './tensor/random.js';
export type { MT19937State } from './tensor/random.js';
export { gemm, gemmScratchFloats } from './tensor/gemm/index.js';
export { resolveBackend, registerBackend, listBackends, jsBackend, DEFAULT_BACKEND, wasmSimdSupported, type Backend, type ActivationKernels, type ActivationKind } from './backends/index.js';
export { wasmBackend } from './backends/wasm/index.js';

export * from './nn/index.js';
export * from './optim/index.js';

export { DenselyError, NpyError, CsvError, ModelFileError, CheckpointError, InputError, DataError, TrainingError, oneLine } from './errors.js';
export { readNpy, readNpyLayout, writeNpy, npyToMatrixData, MAX_AXES, MAX_HEADER_BYTES, type NpyArray, type NpyDtype, type NpyData, type NpyLayout, type ReadNpyOptions } from './data/npy.js';
export { splitIndices, trainTestSplit, type SplitOptions } from './data/split.js';
export { stratifiedSplitIndices } from './data/split.js';
export { CsvParser, parseCsv, forEachCsvRow, sniffDelimiter, type ChunkSource, type CsvOptions } from './data/csv.js';
export { Preprocessor, prepareCsv, scanCsv, readLabels, type PreprocessorJSON, type CsvScan, type Prepared } from './data/preprocessor.js';
export { Standardizer, type StandardizerJSON } from './data/standardize.js';
export { featureGroups, type FeatureGroup } from './data/feature-groups.js';
export {
  prepareNpyTraining,
  prepareCsvTraining,
  preparePredictFeatures,
  prepareCsvTable,
  type Preprocessing,
  type TrainingData,
  type PredictFeatures,
  type CsvTable,
  type NpyTrainingOptions,
  type CsvTrainingOptions,
  type CsvRouteOptions,
  type SplitChoice,
} from './data/prepare.js';
export { modelFile, modelFromFile, type ModelFile, type DataSections, type LoadedModel } from './io/model-file.js';
export { tfjsArtifacts } from './io/tfjs/to-tfjs.js';
export { documentFromTfjs, isTfjsModelJson, tfjsDataSections } from './io/tfjs/from-tfjs.js';
export type { TfjsArtifacts, TfjsModelJSON, DenselyMetadata } from './io/tfjs/layers-model.js';
export { onnxModelBytes, type OnnxExportOptions } from './io/onnx/export.js';
export { checkpointDocument, checkpointFromDocument, parseCheckpoint, type CheckpointDocument, type LoadedCheckpoint, type RunRecord } from './io/checkpoint.js';
export * from './analysis/index.js';
export * from './report/index.js';
