#!/usr/bin/env node
/**
 * Builds the benchmarks for `npm run bench`: every bench script that runs as a process is
 * bundled by esbuild (installed with tsx) into tmp/bench/<name>.mjs, with src/ compiled in and the
 * npm packages (benchmark, papaparse, @tensorflow/*) left as imports. run.mjs then starts them
 * all with plain `node`.
 *
 * Why not tsx: tsx loads modules through a loader thread, and loading a CommonJS package that
 * way (benchmark.js, papaparse, tfjs) detaches an ArrayBuffer. V8 then invalidates its
 * ArrayBufferDetaching protector for the rest of the process, and every typed-array access in
 * optimized code pays an extra check: densely's kernels run 15–40% slower. Under plain node the
 * same imports leave the protector intact (`node --trace-protector-invalidation` says which).
 *
 *   node bench/build.mjs        about a second; writes only tmp/bench/ (gitignored via /tmp/)
 *
 * Plain JavaScript on purpose, so it runs on a fresh `npm ci` with nothing else.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * `--root DIR --out DIR --entry NAME` bundle one entry of another tree (bench/baseline.ts uses it
 * to build a baseline commit's step peer with exactly these options); by default, every entry
 * below of this tree into tmp/bench/.
 */
const { values: args } = parseArgs({ options: { root: { type: 'string' }, out: { type: 'string' }, entry: { type: 'string', multiple: true } } });
const ROOT = args.root ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = args.out ?? join(ROOT, 'tmp', 'bench');

/** Every bench script that is started as a process (by hand, by run.ts or by a section). */
const ENTRIES = [
  'run',
  'gemm',
  'step',
  'baseline',
  'pipeline',
  'scaling',
  'csv',
  'scoring',
  'serve',
  'peers/densely-score',
  'peers/densely-serve',
  'peers/densely-step',
  'peers/densely-heap',
  'peers/tfjs-step',
  'peers/densely-pipeline',
  'peers/tfjs-pipeline',
  'width',
  'peers/densely-width',
  'peers/tfjs-width',
  'threads',
];

const entries = args.entry ?? ENTRIES;
rmSync(OUT, { recursive: true, force: true });
const started = performance.now();
await build({
  absWorkingDir: ROOT,
  entryPoints: entries.map((name) => ({ in: `bench/${name}.ts`, out: name })),
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${process.versions.node.split('.')[0]}`,
  // npm packages stay imports, resolved from node_modules at run time, as a user's code would
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
process.stderr.write(`bench: built ${entries.length} bundles into ${OUT} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
