/**
 * Backends by name. A model resolves its backend once, in its constructor, and hands it to its
 * layers and optimizer when they bind: `new Sequential(layers, { backend: 'js' })`.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';

export type { Backend, ActivationKernels, ActivationKind } from './backend.js';
export { jsBackend } from './js/index.js';

const BACKENDS = new Map<string, Backend>([['js', jsBackend]]);

/** The backend a model gets when it names none. */
export const DEFAULT_BACKEND = 'js';

/** Makes a backend available by its name (a later backend, e.g. 'wasm', registers itself here). */
export function registerBackend(backend: Backend): void {
  BACKENDS.set(backend.name, backend);
}

/** Every registered backend, the reference ('js') first: what the kernel tests run over. */
export function listBackends(): Backend[] {
  return [...BACKENDS.values()];
}

/**
 * A backend by name, or the instance itself; undefined gives the default ('js').
 *
 * @example
 * resolveBackend().name;     // 'js'
 * resolveBackend('js').name; // 'js'
 */
export function resolveBackend(spec: string | Backend | undefined = DEFAULT_BACKEND): Backend {
  if (typeof spec !== 'string') return spec;
  const backend = BACKENDS.get(spec);
  if (!backend) throw new Error(`unknown backend '${spec}' (available: ${[...BACKENDS.keys()].join(', ')})`);
  return backend;
}
