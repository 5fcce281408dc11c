/**
 * Backends by name. A model resolves its backend once, in its constructor, and hands it to its
 * layers and optimizer when they bind: `new Sequential(layers, { backend: 'js' })`.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { threadedWasmBackend, wasmBackend } from './wasm/index.js';
import { wasmSimdSupported } from './wasm/module.js';
import { whyNoThreads } from './wasm/threads.js';

export type { Backend, ActivationKernels, ActivationKind } from './backend.js';
export { jsBackend } from './js/index.js';
export { wasmSimdSupported } from './wasm/module.js';

/**
 * How many threads a model's gemms may use: 1; 2 (the wasm backend over shared memory, an error
 * where the runtime cannot); or 'auto' (the default): 2 where the runtime can (shared
 * WebAssembly memory, workers, more than one core), else 1. Either way only a gemm past a
 * measured size (SPLIT_MIN_FLOPS) splits; smaller ones stay on the calling thread.
 */
export type Threads = 1 | 2 | 'auto';

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

let threaded: Backend | null = null;
let warned = false;

/**
 * The wasm backend for `threads` (see Threads). 'auto' on one thread in a page that is not
 * cross-origin isolated says so once (console.warn): serving the page with COOP/COEP headers
 * would let it use both cores.
 */
function wasmFor(threads: Threads): Backend {
  if (threads === 1) return wasmBackend;
  const why = whyNoThreads();
  if (why === null) return (threaded ??= threadedWasmBackend());
  if (threads === 2) throw new Error(`threads: 2 cannot run here: ${why}; use threads 1 or 'auto'`);
  if (!warned && typeof document === 'object' && why.includes('SharedArrayBuffer')) {
    warned = true;
    console.warn(`densely: the wasm backend runs on one thread: ${why}`);
  }
  return wasmBackend;
}

/**
 * A backend by name, or the instance itself; undefined gives the default (DEFAULT_BACKEND).
 * `threads` (default 'auto') picks the wasm backend's one- or two-thread form; the js backend
 * always runs on one thread (asking it for 2 is an error). An instance is returned as it is (it
 * carries its own threads; asking one that runs on one thread for 2 is an error).
 *
 * @example
 * resolveBackend().name;        // 'wasm' (where WebAssembly SIMD exists)
 * resolveBackend('js').name;    // 'js'
 * resolveBackend('wasm', 2).threads; // 2 (where shared memory and workers exist)
 */
export function resolveBackend(spec: string | Backend | undefined = DEFAULT_BACKEND, threads: Threads = 'auto'): Backend {
  if (threads !== 1 && threads !== 2 && threads !== 'auto') throw new RangeError(`threads must be 1, 2 or 'auto', got ${JSON.stringify(threads)}`);
  if (typeof spec !== 'string') {
    if (threads === 2 && spec.threads !== 2) throw new Error(`threads: 2 needs backend 'wasm' by name (the Backend given, '${spec.name}', runs on one thread)`);
    return spec;
  }
  const backend = BACKENDS.get(spec);
  if (!backend && spec === 'wasm') {
    throw new Error("backend 'wasm' needs WebAssembly SIMD, which this runtime does not have (Node ≥ 16.4 and current browsers do); use backend 'js'");
  }
  if (!backend) throw new Error(`unknown backend '${spec}' (available: ${[...BACKENDS.keys()].join(', ')})`);
  if (backend === wasmBackend) return wasmFor(threads);
  if (threads === 2) throw new Error(`threads: 2 needs backend 'wasm'; backend '${spec}' runs on one thread`);
  return backend;
}
