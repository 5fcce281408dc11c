/** Node-only helpers (file system, gzip): `import { loadNpyMatrix } from 'densely/node'`. */
export { loadNpyMatrix, readFileBytes, writeFileAtomic } from './data/node-io.js';
