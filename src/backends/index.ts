/**
 * Backends by name. A model resolves its backend once, in its constructor, and hands it to its
 * layers and optimizer when they bind: `new Sequential(layers, { backend: 'js' })`.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { wasmBackend } from './wasm/index.js';
import { wasmSimdSupported } from './wasm/module.js';

export type { Backend, ActivationKernels, ActivationKind } from './backend.js';
export { jsBackend } from './js/index.js';
export { wasmSimdSupported } from './wasm/module.js';

const BACKENDS = new Map<string, Backend>([['js', jsBackend]]);
// the wasm backend exists only where this runtime validates its module (WebAssembly SIMD128)
if (wasmSimdSupported()) BACKENDS.set('wasm', wasmBackend);

/**
 * The backend a model gets when it names none: 'wasm' where WebAssembly SIMD is available (Node
 * ≥ 16.4, every current browser), else 'js', quietly. `model.backend.name` says which one ran.
 */
export const DEFAULT_BACKEND: string = BACKENDS.has('wasm') ? 'wasm' : 'js';

/** Makes a backend available by its name (a later backend, e.g. 'wasm', registers itself here). */
export function registerBackend(backend: Backend): void {
  BACKENDS.set(backend.name, backend);
}

/** Every registered backend, the reference ('js') first: what the kernel tests run over. */
export function listBackends(): Backend[] {
  return [...BACKENDS.values()];
}

/**
 * A backend by name, or the instance itself; undefined gives the default (DEFAULT_BACKEND).
 *
 * @example
 * resolveBackend().name;     // 'wasm' (where WebAssembly SIMD exists)
 * resolveBackend('js').name; // 'js'
 */
export function resolveBackend(spec: string | Backend | undefined = DEFAULT_BACKEND): Backend {
  if (typeof spec !== 'string') return spec;
  const backend = BACKENDS.get(spec);
  if (!backend && spec === 'wasm') {
    throw new Error("backend 'wasm' needs WebAssembly SIMD, which this runtime does not have (Node ≥ 16.4 and current browsers do); use backend 'js'");
  }
  if (!backend) throw new Error(`unknown backend '${spec}' (available: ${[...BACKENDS.keys()].join(', ')})`);
  return backend;
}
