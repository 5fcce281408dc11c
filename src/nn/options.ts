/**
 * Strict options (see src/optim/options.ts, where the helper lives so that the optimizers, below
 * nn, check their options with it too).
 */
export { checkOptions, suggest } from '../optim/options.js';
