/** Node-only helpers (file system, gzip): `import { loadNpyMatrix, fileChunks } from 'densely/node'`. */
export { loadNpyMatrix, readFileBytes, writeFileAtomic } from './node/files.js';
export { fileChunks } from './node/chunks.js';
