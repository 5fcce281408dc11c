/**
 * The js backend: plain TypeScript loops, the reference every other backend is tested against.
 * Its GEMM is the ladder in src/tensor/gemm (whose `gemm` picks the rung by shape and density);
 * the other kernels are in the files beside this one.
 */
import { Arena } from '../../tensor/arena.js';
import { gemm, gemmScratchFloats } from '../../tensor/gemm/index.js';
import type { ActivationKind, Backend } from '../backend.js';
import { ACTIVATION_KERNELS, jsActivationKernels } from './activations.js';
import { gatherRows } from './gather.js';
import { sigmoidBce } from './losses.js';
import { adamUpdate, rmspropUpdate, sgdUpdate } from './optimizers.js';

export const jsBackend: Backend = {
  name: 'js',
  createArena: (floats) => new Arena(floats),
  gemm,
  gemmScratchFloats,
  activation(kind: ActivationKind, alpha?: number) {
    const kernels = jsActivationKernels(kind, alpha);
    if (!kernels) throw new Error(`backend 'js': no kernels for activation '${String(kind)}' (it has ${[...ACTIVATION_KERNELS.keys()].join(', ')})`);
    return kernels;
  },
  sigmoidBce,
  gatherRows,
  adam: adamUpdate,
  sgd: sgdUpdate,
  rmsprop: rmspropUpdate,
};
