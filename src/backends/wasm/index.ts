/**
 * The wasm backend: every kernel of the seam in WebAssembly SIMD128 (kernels.wat), over the
 * model's arena placed in one WebAssembly.Memory.
 *
 * - createArena(floats) makes a Memory of exactly the pages the plan needs (initial = maximum: it
 *   never grows, so the arena's views are never detached) and an instance of the kernels over it.
 *   A larger batch re-plans a new arena, as with the js backend.
 * - A kernel call maps each Float32Array to its byteOffset in that memory (a pointer) and calls
 *   the export: no copies. The instance is found from the views' buffer (a WeakMap lookup).
 * - Views from outside any arena (a test's plain arrays, an optimizer used on its own) still
 *   work: they are copied into a staging memory, run, and the outputs copied back. Correct, but
 *   not the fast path; a model never takes it.
 * - gatherRows reads the user's dataset, which is outside the memory: it copies the rows straight
 *   into the arena's X view with a JS loop (the one copy of a training step). When the source and
 *   the indices are in the same memory as dst, the wasm gather runs instead.
 *
 * The numbers agree with the js backend to float32 tolerance (test/backends/kernels.test.ts runs
 * the same checks over both): gemm and the SIMD updates add and round in float32 in a different
 * order; sigmoid, tanh and the loss call the same float64 Math functions and match bit for bit.
 */
import { Arena } from '../../tensor/arena.js';
import { checkGemmArgs } from '../../tensor/gemm/check.js';
import { ACTIVATION_KINDS, type ActivationKernels, type ActivationKind, type Backend } from '../backend.js';
import { jsActivationKernels } from '../js/activations.js';
import { gatherRows as jsGatherRows } from '../js/gather.js';
import { instantiateKernels, MAX_PAGES, PAGE_BYTES, pagesFor, type KernelExports } from './module.js';
import { gemmOnTwoThreads, sharedHome, type SharedHome } from './threads.js';

/** The kernels instance of each arena memory, by the memory's buffer. */
const homes = new WeakMap<ArrayBufferLike, KernelExports>();
/** The arena memories that are shared with the helper thread (threads.ts), by buffer. */
const sharedHomes = new WeakMap<ArrayBufferLike, SharedHome>();

type View = Float32Array | Int32Array;

/** The instance whose memory holds `a` and every other view given (empty views hold nothing and match any), or null. */
function homeOf(a: View, b?: View, c?: View, d?: View): KernelExports | null {
  const buf = a.buffer;
  const k = homes.get(buf);
  if (k === undefined) return null;
  if (b !== undefined && b.buffer !== buf && b.length > 0) return null;
  if (c !== undefined && c.buffer !== buf && c.length > 0) return null;
  if (d !== undefined && d.buffer !== buf && d.length > 0) return null;
  return k;
}

// ---------------------------------------------------------------------------------------------
// The staging memory: the slow path for views that are not in an arena
// ---------------------------------------------------------------------------------------------

let stage: { memory: WebAssembly.Memory; kernels: KernelExports } | null = null;

/**
 * Copies `views` into the staging memory (16-byte aligned), calls `run` with their pointers,
 * copies back the views whose indices are in `outputs`, and returns run's result.
 */
function staged<R>(views: View[], outputs: number[], run: (k: KernelExports, p: number[]) => R): R {
  const ptrs: number[] = [];
  let bytes = 0;
  for (const v of views) {
    ptrs.push(bytes);
    bytes += Math.ceil(v.byteLength / 16) * 16;
  }
  const pages = pagesFor(bytes / 4);
  if (stage === null || stage.memory.buffer.byteLength < pages * PAGE_BYTES) {
    // a new, larger memory rather than memory.grow: growing detaches the old ArrayBuffer, and one
    // detach anywhere in a process makes V8 add a check to every typed-array access from then on
    // (the ArrayBufferDetaching protector, bench/README.md): the js kernels would run slower
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    stage = { memory, kernels: instantiateKernels(memory) };
  }
  const heap = new Uint8Array(stage.memory.buffer);
  views.forEach((v, i) => heap.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), ptrs[i]));
  const result = run(stage.kernels, ptrs);
  for (const i of outputs) {
    const v = views[i];
    new Uint8Array(v.buffer, v.byteOffset, v.byteLength).set(heap.subarray(ptrs[i], ptrs[i] + v.byteLength));
  }
  return result;
}

function need(name: string, what: string, a: View, n: number): void {
  if (a.length < n) throw new RangeError(`${name} (wasm): ${what} has ${a.length} floats, needs ${n}`);
}

// ---------------------------------------------------------------------------------------------
// The kernels
// ---------------------------------------------------------------------------------------------

/** kernels.wat packs an NN / TN op(B) into panels above this many floats (and NT / TT always). */
const PACK_MIN_FLOATS = 8192;

/** The activations kernels.wat has kernels for; the others are the js backend's (see `activation`). */
type WasmKind = 'relu' | 'sigmoid' | 'tanh' | 'linear';
const KIND_CODE: Record<WasmKind, number> = { relu: 0, sigmoid: 1, tanh: 2, linear: 3 };
const FORWARD_EXPORT = { relu: 'reluForward', sigmoid: 'sigmoidForward', tanh: 'tanhForward', linear: 'linearForward' } as const;

function activationKernels(kind: WasmKind): ActivationKernels {
  const code = KIND_CODE[kind];
  const fwd = FORWARD_EXPORT[kind];
  return {
    biasForward(Y, b, rows, cols) {
      need('biasForward', 'Y', Y, rows * cols);
      need('biasForward', 'b', b, cols);
      const k = homeOf(Y, b);
      if (k !== null) k[fwd](Y.byteOffset, b.byteOffset, rows, cols);
      else staged([Y, b], [0], (s, p) => s[fwd](p[0], p[1], rows, cols));
    },
    backward(A, dA, db, rows, cols) {
      need('activation backward', 'A', A, rows * cols);
      need('activation backward', 'dA', dA, rows * cols);
      need('activation backward', 'db', db, cols);
      const k = homeOf(A, dA, db);
      if (k !== null) k.activationBackward(code, A.byteOffset, dA.byteOffset, db.byteOffset, rows, cols);
      else staged([A, dA, db], [1, 2], (s, p) => s.activationBackward(code, p[0], p[1], p[2], rows, cols));
    },
  };
}

/** The pages an arena of `floats` floats takes, checked. */
function arenaPages(floats: number): number {
  if (!Number.isInteger(floats) || floats < 0) throw new RangeError(`createArena (wasm): floats must be a non-negative integer, got ${floats}`);
  const pages = pagesFor(floats);
  if (pages > MAX_PAGES) throw new RangeError(`createArena (wasm): ${floats} floats do not fit in a 4 GiB WebAssembly.Memory; use backend 'js' or a smaller batch`);
  return pages;
}

const ACTIVATIONS = new Map<ActivationKind, ActivationKernels>(
  (Object.keys(KIND_CODE) as WasmKind[]).map((kind) => [kind, activationKernels(kind)]),
);

export const wasmBackend: Backend = {
  name: 'wasm',

  createArena(floats) {
    const pages = arenaPages(floats);
    // initial = maximum: sized once, never grown (growing would detach every view of the arena)
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const buffer = memory.buffer;
    homes.set(buffer, instantiateKernels(memory));
    return new Arena(new Float32Array(buffer, 0, floats));
  },

  gemm(transA, transB, M, N, K, A, B, beta, C, scratch) {
    checkGemmArgs('gemm (wasm)', transA, transB, M, N, K, A, B, beta, C);
    const scratchNeed = transB || K * N > PACK_MIN_FLOATS ? N * K : 0;
    need('gemm', 'scratch', scratch, scratchNeed);
    const k = homeOf(C, A, B, scratchNeed > 0 ? scratch : undefined);
    if (k !== null) {
      // a big product over a shared arena: half of C's columns on the helper thread (threads.ts)
      const sh = N >= 16 ? sharedHomes.get(C.buffer) : undefined;
      if (sh !== undefined && 2 * M * N * K >= sh.minFlops && gemmOnTwoThreads(sh, +transA, +transB, M, N, K, A.byteOffset, B.byteOffset, beta, C.byteOffset, scratch.byteOffset)) return;
      k.gemm(+transA, +transB, M, N, K, A.byteOffset, B.byteOffset, beta, C.byteOffset, scratch.byteOffset);
    } else {
      const s = new Float32Array(scratchNeed);
      staged([A, B, C, s], [2], (x, p) => x.gemm(+transA, +transB, M, N, K, p[0], p[1], beta, p[2], p[3]));
    }
  },

  /** op(B) packed into 8-column panels (always when stored transposed, for NN when K·N > 8192): N·K floats, whatever the variant (the interface does not say which). */
  gemmScratchFloats: (_M, N, K) => N * K,

  /**
   * leaky_relu, elu, selu, softplus and softmax have no kernel in kernels.wat: for them this hands
   * out the js backend's loops. That is sound here because a kernel only receives Float32Array
   * views, and views over this backend's WebAssembly.Memory are ordinary Float32Arrays to js
   * code; the arena stays where it is, only those two loops run in js instead of wasm.
   */
  activation(kind, alpha) {
    const kernels = ACTIVATIONS.get(kind) ?? jsActivationKernels(kind, alpha);
    if (!kernels) throw new Error(`backend 'wasm': no kernels for activation '${String(kind)}' (it has ${ACTIVATION_KINDS.join(', ')})`);
    return kernels;
  },

  sigmoidBce(z, y, w, rows, k, dZ) {
    const n = rows * k;
    need('sigmoidBce', 'z', z, n);
    need('sigmoidBce', 'y', y, n);
    need('sigmoidBce', 'dZ', dZ, n);
    const hasW = w === null ? 0 : 1;
    if (w !== null) need('sigmoidBce', 'w', w, rows);
    const x = homeOf(dZ, z, y, w ?? undefined);
    if (x !== null) return x.sigmoidBce(z.byteOffset, y.byteOffset, w === null ? 0 : w.byteOffset, hasW, rows, k, dZ.byteOffset);
    return staged([z, y, w ?? new Float32Array(0), dZ], [3], (s, p) => s.sigmoidBce(p[0], p[1], p[2], hasW, rows, k, p[3]));
  },

  gatherRows(src, cols, indices, start, count, dst) {
    need('gatherRows', 'dst', dst, count * cols);
    const k = homeOf(dst, src, indices);
    if (k !== null && src.buffer === dst.buffer && indices.buffer === dst.buffer) {
      k.gather(src.byteOffset, cols, indices.byteOffset, start, count, dst.byteOffset);
    } else {
      jsGatherRows(src, cols, indices, start, count, dst); // rows from outside the memory: copied in
    }
  },

  adam(w, g, m, v, alpha, beta1, beta2, epsilon, vScale) {
    const n = w.length;
    need('adam', 'g', g, n);
    need('adam', 'm', m, n);
    need('adam', 'v', v, n);
    const k = homeOf(w, g, m, v);
    if (k !== null) k.adam(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, n, alpha, beta1, 1 - beta1, beta2, 1 - beta2, epsilon, vScale);
    else staged([w, g, m, v], [0, 2, 3], (s, p) => s.adam(p[0], p[1], p[2], p[3], n, alpha, beta1, 1 - beta1, beta2, 1 - beta2, epsilon, vScale));
  },

  sgd(w, g, u, learningRate, momentum, nesterov) {
    const n = w.length;
    const mode = momentum === 0 ? 0 : nesterov ? 2 : 1;
    need('sgd', 'g', g, n);
    if (mode !== 0) need('sgd', 'u', u, n);
    const k = homeOf(w, g, mode === 0 ? undefined : u);
    if (k !== null) k.sgd(w.byteOffset, g.byteOffset, mode === 0 ? 0 : u.byteOffset, n, learningRate, momentum, mode);
    else staged([w, g, mode === 0 ? new Float32Array(0) : u], [0, 2], (s, p) => s.sgd(p[0], p[1], p[2], n, learningRate, momentum, mode));
  },

  rmsprop(w, g, v, learningRate, rho, epsilon) {
    const n = w.length;
    need('rmsprop', 'g', g, n);
    need('rmsprop', 'v', v, n);
    const k = homeOf(w, g, v);
    if (k !== null) k.rmsprop(w.byteOffset, g.byteOffset, v.byteOffset, n, learningRate, rho, 1 - rho, epsilon);
    else staged([w, g, v], [0, 2], (s, p) => s.rmsprop(p[0], p[1], p[2], n, learningRate, rho, 1 - rho, epsilon));
  },
};

/**
 * The smallest gemm (in flops, 2·M·N·K) worth splitting across two threads. Measured with
 * bench/threads.ts on the 2-core bench machine while other agents kept it busy (three runs,
 * docs/wasm.md "Both cores"): the handoff cost ~15 µs (a 0.26 MFLOP product took 8–12 µs on one
 * thread, 22–27 on two); below 17 MFLOP splitting always lost (0.23–1.06×); 256³ (34 MFLOP) and
 * 32×1024×1024 (67 MFLOP) broke even (0.72–1.21×); 537 MFLOP gained 0.92–2.15×. On an idle
 * machine the break-even should be lower; 32 M keeps a busy machine from paying for the split.
 */
export const SPLIT_MIN_FLOPS = 32_000_000;

/**
 * The wasm backend on two threads: the same kernels, but each arena is a SHARED WebAssembly.Memory
 * and a gemm of at least `minFlops` flops (and N ≥ 16 columns) splits C's columns with one helper
 * thread (threads.ts). The caller checks first that this runtime can (threads.ts whyNoThreads).
 * `minFlops` is SPLIT_MIN_FLOPS but for tests, which split every product.
 */
export function threadedWasmBackend(minFlops = SPLIT_MIN_FLOPS): Backend {
  return {
    ...wasmBackend,
    threads: 2,
    createArena(floats) {
      const home = sharedHome(arenaPages(floats), minFlops);
      const buffer = home.memory.buffer;
      homes.set(buffer, home.kernels);
      sharedHomes.set(buffer, home);
      return new Arena(new Float32Array(buffer, 0, floats));
    },
  };
}
