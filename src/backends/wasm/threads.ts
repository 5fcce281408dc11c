/**
 * Two threads for one big gemm: the calling thread and one helper thread share the arena's
 * WebAssembly.Memory (`shared: true`) and split C's columns between them (kernels.wat's
 * `gemmCols`: each half packs and multiplies its own 8-column panels, so every element of C is
 * the same sum, in the same order, as on one thread: the result is bit for bit the same).
 *
 *   the calling thread                         the helper (a worker, blocked in Atomics.wait)
 *   write the job into `ctrl`, SEQ += 1  ───►  wakes: SEQ changed
 *   gemmCols(0, jSplit)                        gemmCols(jSplit, N)
 *   wait until DONE = SEQ             ◄───     DONE = SEQ, notify; wait for the next SEQ
 *
 * densely's fit and predict are synchronous, so the calling thread never awaits anything:
 * - `ctrl` is a small Int32Array over a SharedArrayBuffer of its own (SEQ, DONE, the job's
 *   arguments). The helper sleeps in `Atomics.wait(ctrl, SEQ)` between jobs; the caller blocks in
 *   `Atomics.wait(ctrl, DONE)` where it may (Node's main thread, any worker) and spins on
 *   `Atomics.load` where it may not (a browser page's main thread throws on Atomics.wait).
 * - The helper learns each arena's memory by a message (postMessage is asynchronous). Nothing
 *   ever waits for a message to arrive: until the helper says it has taken a memory (ACKS), gemms
 *   over that memory simply run on one thread. This matters in a browser, where a new Worker may
 *   not even start until the page's main thread returns to its event loop. A helper blocked in
 *   Atomics.wait cannot read messages, so a new memory's message is followed by a YIELD job
 *   that sends the helper back to its event loop to read it.
 * - One helper per process (two cores: the caller and one helper), made lazily by the first gemm
 *   that splits. In Node it never keeps the process alive (`unref`); it is a `worker_threads`
 *   worker from source text (`eval: true`), in a page a Web Worker from a Blob URL of the same
 *   text, so there is no separate file for a bundler or for `tsx` to find.
 *
 * This file reaches Node's `worker_threads` and `os` through `process.getBuiltinModule` (Node ≥
 * 20.16), at run time and only where it exists, instead of importing `node:*`: the backends must
 * load unchanged in a browser (test/browser-safety.test.ts), and a model made with
 * `import { Sequential } from 'densely'` in Node should use both cores without importing more.
 */
import { kernelModule, type KernelExports } from './module.js';

// --- the control block: Int32 slots ---------------------------------------------------------
/** Bumped by the caller to hand the helper a job. */
const SEQ = 0;
/** Set by the helper to the SEQ it finished. */
const DONE = 1;
/** What SEQ asks for: GEMM or YIELD (go back to the event loop and read messages). */
const CMD = 2;
/** The number of the last message the helper has taken. */
const ACKS = 3;
/** 1 once a job threw on the helper. */
const FAILED = 4;
/** Never written: Atomics.wait on it with a wrong value tests whether this thread may block. */
const PROBE = 5;
/** The job: memory id, then gemmCols's twelve arguments. */
const ARGS = 8;
const CMD_GEMM = 0;
const CMD_YIELD = 1;

/**
 * The helper's whole program, as text (it runs as a worker_threads eval worker in Node and as a
 * Blob-URL Web Worker in a page, so it is plain JavaScript, and it may use nothing but
 * WebAssembly and Atomics). Slots as above: 0 SEQ, 1 DONE, 2 CMD, 3 ACKS, 4 FAILED, 8… the job.
 */
export const HELPER_SOURCE = `'use strict';
let ctrl = null, module = null, seen = 0;
const kernels = new Map();
const math = { exp: Math.exp, log1p: Math.log1p };
function serve() {
  for (;;) {
    const seq = Atomics.load(ctrl, 0);
    if (seq === seen) { Atomics.wait(ctrl, 0, seen); continue; }
    seen = seq;
    if (ctrl[2] === 1) { Atomics.store(ctrl, 1, seq); Atomics.notify(ctrl, 1); return; }
    try {
      const a = ctrl;
      kernels.get(a[8]).gemmCols(a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20]);
    } catch (e) {
      Atomics.store(ctrl, 4, 1);
    }
    Atomics.store(ctrl, 1, seq);
    Atomics.notify(ctrl, 1);
  }
}
function receive(m) {
  if (m.ctrl) { ctrl = m.ctrl; module = m.module; seen = m.seen; }
  for (const id of m.drop) kernels.delete(id);
  kernels.set(m.id, new WebAssembly.Instance(module, { env: { memory: m.memory }, math }).exports);
  Atomics.store(ctrl, 3, m.no);
  serve();
}
if (typeof require === 'function') require('node:worker_threads').parentPort.on('message', receive);
else if (typeof process === 'object' && process.getBuiltinModule) process.getBuiltinModule('node:worker_threads').parentPort.on('message', receive);
else self.onmessage = (e) => receive(e.data);
`;

/** A shared arena memory, as the helper knows it. */
export interface SharedHome {
  readonly memory: WebAssembly.Memory;
  readonly kernels: KernelExports;
  /** gemms of at least this many flops (2·M·N·K) split across the two threads. */
  readonly minFlops: number;
  readonly id: number;
  /** The number of the message that gave the helper this memory (0: not sent yet). */
  attachNo: number;
}

interface Helper {
  ctrl: Int32Array;
  post(message: unknown): void;
  /** The last SEQ this thread wrote. */
  seq: number;
  /** Messages posted so far (the helper's ACKS catches up with it). */
  posted: number;
  /** Whether this thread may block in Atomics.wait (not on a browser page's main thread). */
  canBlock: boolean;
}

let helper: Helper | null = null;
let helperFailed: string | null = null;
let nextId = 1;
let splits = 0;
/** Memories the garbage collector has taken here, for the helper to drop with its next message. */
const dropped: number[] = [];
const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>((id) => dropped.push(id)) : null;

type NodeProcess = { getBuiltinModule?: (name: string) => unknown };
type NodeWorkerThreads = { Worker: new (source: string, options: { eval: boolean }) => { postMessage(m: unknown): void; unref(): void; on(event: string, f: (e: unknown) => void): void } };
type NodeOs = { availableParallelism?: () => number; cpus(): unknown[] };

/** Node's builtin module `name`, where this is Node ≥ 20.16 (else null; never in a browser). */
function nodeBuiltin<T>(name: string): T | null {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule(name) as T) : null;
}

/** Cores this runtime reports: os.availableParallelism in Node, navigator.hardwareConcurrency in a page. */
export function coreCount(): number {
  const os = nodeBuiltin<NodeOs>('node:os');
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/**
 * Why two threads cannot run here, or null when they can: shared WebAssembly memory
 * (SharedArrayBuffer, which a page has only when cross-origin isolated), a way to start a
 * worker, and more than one core. Probed once per process.
 */
export function whyNoThreads(): string | null {
  if (noThreads === undefined) noThreads = probeThreads();
  return noThreads;
}

let noThreads: string | null | undefined;

function probeThreads(): string | null {
  try {
    if (typeof SharedArrayBuffer !== 'function') throw new Error('no SharedArrayBuffer');
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this runtime has no shared WebAssembly memory (SharedArrayBuffer): a page must be cross-origin isolated (served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (nodeBuiltin('node:worker_threads') === null && typeof (globalThis as { Worker?: unknown }).Worker !== 'function') {
    return 'this runtime cannot start a worker thread (Node ≥ 20.16 has process.getBuiltinModule for worker_threads; pages have Worker)';
  }
  if (coreCount() < 2) return `this machine reports ${coreCount()} core`;
  return null;
}

/** A shared memory of `pages` pages (initial = maximum: it never grows) and its record. */
export function sharedHome(pages: number, minFlops: number): SharedHome {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const home: SharedHome = { memory, kernels: instantiateShared(memory), minFlops, id: nextId++, attachNo: 0 };
  registry?.register(memory, home.id);
  return home;
}

function instantiateShared(memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(kernelModule(true), { env: { memory }, math: { exp: Math.exp, log1p: Math.log1p } });
  return instance.exports as unknown as KernelExports;
}

function startHelper(): Helper {
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * (ARGS + 13)));
  let canBlock = true;
  try {
    Atomics.wait(ctrl, PROBE, 1, 0); // 'not-equal' at once where waiting is allowed; throws where not
  } catch {
    canBlock = false;
  }
  const wt = nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
  let post: (m: unknown) => void;
  if (wt) {
    const worker = new wt.Worker(HELPER_SOURCE, { eval: true });
    worker.unref(); // never keeps the process alive
    worker.on('error', (e) => (helperFailed = String(e)));
    post = (m) => worker.postMessage(m);
  } else {
    const url = URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onerror = (e) => {
      helperFailed = String(e.message);
    };
    post = (m) => worker.postMessage(m);
  }
  return { ctrl, post, seq: 0, posted: 0, canBlock };
}

/**
 * C = beta·C + op(A)·op(B) on two threads, if the helper is ready for this memory: the helper
 * takes columns [jSplit, N), this thread [0, jSplit), and this returns when both are done
 * (true). When the helper is not ready yet (starting, or not yet holding this memory), it starts
 * whatever is missing and returns false without computing anything: the caller runs the gemm
 * on one thread this time. Pointers are byte offsets into `home.memory`; N ≥ 16.
 */
export function gemmOnTwoThreads(home: SharedHome, transA: number, transB: number, M: number, N: number, K: number, A: number, B: number, beta: number, C: number, scratch: number): boolean {
  if (helperFailed !== null) return false;
  const h = (helper ??= startHelper());
  const ctrl = h.ctrl;
  if (Atomics.load(ctrl, DONE) !== h.seq) return false; // a YIELD not yet taken
  if (Atomics.load(ctrl, ACKS) !== h.posted) return false; // a message not yet taken
  if (home.attachNo === 0) {
    const first = h.posted === 0;
    home.attachNo = ++h.posted;
    h.post({ no: home.attachNo, id: home.id, memory: home.memory, drop: dropped.splice(0), ...(first ? { ctrl, module: kernelModule(true), seen: h.seq } : {}) });
    // the helper is serving jobs (it took every earlier message): send it back to read this one
    if (!first) signal(h, CMD_YIELD);
    return false;
  }
  // the job: columns [jSplit, N) to the helper, whole panels of 8 on each side, about half each
  const jSplit = 8 * Math.round(N / 16);
  ctrl.set([home.id, transA, transB, M, N, K, A, B, beta, C, scratch, jSplit, N], ARGS);
  signal(h, CMD_GEMM);
  home.kernels.gemmCols(transA, transB, M, N, K, A, B, beta, C, scratch, 0, jSplit);
  for (let done = Atomics.load(ctrl, DONE); done !== h.seq; done = Atomics.load(ctrl, DONE)) {
    if (h.canBlock) Atomics.wait(ctrl, DONE, done);
  }
  if (Atomics.load(ctrl, FAILED) !== 0) {
    helperFailed = 'a gemm failed on the helper thread';
    throw new Error(`gemm (wasm, 2 threads): ${helperFailed}`);
  }
  splits++;
  return true;
}

/** How many gemms have run on two threads in this process (for tests and the bench). */
export function twoThreadGemms(): number {
  return splits;
}

function signal(h: Helper, cmd: number): void {
  h.ctrl[CMD] = cmd;
  Atomics.store(h.ctrl, SEQ, ++h.seq);
  Atomics.notify(h.ctrl, SEQ);
}
