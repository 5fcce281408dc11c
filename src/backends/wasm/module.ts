/**
 * The compiled kernel module (kernels.wat, embedded as base64 in kernels-wasm.ts) and one
 * instance of it per WebAssembly.Memory.
 *
 * The module imports its memory, so every arena gets its own instance over its own memory,
 * sized once (initial = maximum pages: it can never grow and detach the arena's views). Compiling
 * happens once per process, on first use; instantiating a compiled 4 KB module is cheap.
 */
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm.js';

/** The kernels' exports. Every pointer is a byte offset into the instance's memory. */
export interface KernelExports {
  gemm(transA: number, transB: number, M: number, N: number, K: number, A: number, B: number, beta: number, C: number, scratch: number): void;
  /** Columns [j0, j1) of gemm's C (j0 a multiple of 8, j1 one too or N): one thread's half. */
  gemmCols(transA: number, transB: number, M: number, N: number, K: number, A: number, B: number, beta: number, C: number, scratch: number, j0: number, j1: number): void;
  reluForward(Y: number, b: number, rows: number, cols: number): void;
  sigmoidForward(Y: number, b: number, rows: number, cols: number): void;
  tanhForward(Y: number, b: number, rows: number, cols: number): void;
  linearForward(Y: number, b: number, rows: number, cols: number): void;
  /** kind: 0 relu, 1 sigmoid, 2 tanh, 3 linear. */
  activationBackward(kind: number, A: number, dA: number, db: number, rows: number, cols: number): void;
  sigmoidBce(z: number, y: number, w: number, hasW: number, rows: number, k: number, dZ: number): number;
  gather(src: number, cols: number, indices: number, start: number, count: number, dst: number): void;
  adam(w: number, g: number, m: number, v: number, n: number, alpha: number, b1: number, oneMinusB1: number, b2: number, oneMinusB2: number, eps: number, vScale: number): void;
  /** mode: 0 plain, 1 momentum, 2 nesterov. */
  sgd(w: number, g: number, u: number, n: number, lr: number, mu: number, mode: number): void;
  rmsprop(w: number, g: number, v: number, n: number, lr: number, rho: number, oneMinusRho: number, eps: number): void;
}

/** Bytes in one WebAssembly page. */
export const PAGE_BYTES = 65536;
/** The most pages a 32-bit WebAssembly.Memory may have (4 GiB). */
export const MAX_PAGES = 65536;

let bytes: Uint8Array<ArrayBuffer> | null = null;
let sharedBytes: Uint8Array<ArrayBuffer> | null = null;
let compiled: WebAssembly.Module | null = null;
let compiledShared: WebAssembly.Module | null = null;
let supported: boolean | null = null;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The kernel module's bytes, decoded from base64 once (atob exists in browsers and Node ≥ 16). */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= decode(KERNELS_WASM_BASE64);
  return bytes;
}

/**
 * Whether this runtime can run the kernels: WebAssembly exists and validates the kernel module
 * itself (SIMD128, multi-value returns, bulk memory), which is a stricter test than a tiny SIMD
 * probe and no slower (validation is synchronous and the module is 4 KB). Node ≥ 16.4 and every
 * current browser say yes.
 */
export function wasmSimdSupported(): boolean {
  if (supported === null) {
    try {
      supported = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && WebAssembly.validate(kernelBytes());
    } catch {
      supported = false;
    }
  }
  return supported;
}

/**
 * The compiled kernels for an ordinary memory, or (shared) for a shared one: the same .wat
 * assembled twice (scripts/build-wasm.mjs), because a module declares whether the memory it
 * imports is shared and accepts only that kind. Compiled once each, on first use; the shared
 * one is also what the helper thread instantiates (threads.ts posts it across).
 */
export function kernelModule(shared: boolean): WebAssembly.Module {
  if (!wasmSimdSupported()) {
    throw new Error("backend 'wasm': this runtime has no WebAssembly SIMD (Node ≥ 16.4 and current browsers have it); use backend 'js'");
  }
  if (shared) {
    sharedBytes ??= decode(KERNELS_SHARED_WASM_BASE64);
    compiledShared ??= new WebAssembly.Module(sharedBytes);
    return compiledShared;
  }
  compiled ??= new WebAssembly.Module(kernelBytes());
  return compiled;
}

/** A new instance of the kernels over `memory` (ordinary or shared; compiled on the first call). */
export function instantiateKernels(memory: WebAssembly.Memory): KernelExports {
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  const instance = new WebAssembly.Instance(kernelModule(shared), {
    env: { memory },
    math: { exp: Math.exp, log1p: Math.log1p },
  });
  return instance.exports as unknown as KernelExports;
}

/** The pages that hold `floats` float32s (at least one). */
export function pagesFor(floats: number): number {
  return Math.max(1, Math.ceil((floats * 4) / PAGE_BYTES));
}
