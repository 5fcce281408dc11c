/** Node-only helpers (file system, gzip): `import { loadNpyMatrix, fileChunks } from 'densely/node'`. */
export { loadNpyMatrix, readFileBytes, writeFileAtomic } from './data/node-io.js';
export { fileChunks } from './data/files.js';
