/**
 * Node-only helpers (file system, gzip): `import { loadModel, loadNpyMatrix, fileChunks } from 'densely/node'`.
 * The scoring server too: `startServer({ model: "m.json" })` (what `densely serve` runs).
 * Importing this entry also lets `model.save(path)` write files (atomically).
 */
export { loadNpyMatrix, readFileBytes, writeFileAtomic, inputLimits } from './node/files.js';
export { fileChunks } from './node/chunks.js';
export { saveModel, loadModel, loadModelFile, type SaveModelOptions } from './node/model-files.js';
export { startServer, type ServeOptions, type RunningServer } from './serve/start.js';
export { saveTfjs } from './node/tfjs-files.js';
export { saveOnnx } from './node/onnx-files.js';
export { writeCheckpoint, latestCheckpoint, listCheckpoints } from './node/checkpoints.js';
/** Keras's ModelCheckpoint({ filepath, monitor, saveBestOnly }): model.save(filepath) writes through this entry's file writer. */
export { ModelCheckpoint, type ModelCheckpointOptions } from './nn/callbacks.js';
export { writeJsonAtomic, writeFilesTogether, openAtomicWriter } from './node/files.js';
export { CSVLogger, type CSVLoggerOptions } from './node/csv-logger.js';
