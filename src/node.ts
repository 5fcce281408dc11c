/**
 * Node-only helpers (file system, gzip): `import { loadModel, loadNpyMatrix, fileChunks } from 'densely/node'`.
 * Importing this entry also lets `model.save(path)` write files (atomically).
 */
export { loadNpyMatrix, readFileBytes, writeFileAtomic, inputLimits } from './node/files.js';
export { fileChunks } from './node/chunks.js';
export { saveModel, loadModel, loadModelFile } from './node/model-files.js';
export { writeCheckpoint, latestCheckpoint, listCheckpoints } from './node/checkpoints.js';
export { writeJsonAtomic, writeFilesTogether, openAtomicWriter } from './node/files.js';
