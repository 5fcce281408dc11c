// Peak memory of `densely train` on an N-row .npy, as a ratio to the file's size.
//
//   npm run build && node bench/npy-memory.mjs                  # 1M and 2M rows (about 5 minutes)
//   node bench/npy-memory.mjs --rows 200000,400000              # other sizes
//   node bench/npy-memory.mjs --baseline /path/to/other/checkout # the same runs with another build, side by side
//
// Each size: a float32 .npy of N rows × (50 features + a 0/1 label) is written to a temporary
// folder, then `densely train --data F --epochs 1 --batch-size 4096 --json` runs under
// `/usr/bin/time -v`, whose "Maximum resident set size" is the peak. The ratio is peak RSS / file
// bytes; the slope between two sizes removes Node's own constant (about 40 MB idle, more with the
// model, the test scoring and the importance pass). Not part of `npm run bench` (it is slow and
// needs /usr/bin/time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (opt('rows') ?? '1000000,2000000').split(',').map(Number);
const builds = [['this build', root]];
if (opt('baseline')) builds.push(['baseline', opt('baseline')]);

const { writeNpy } = await import(join(root, 'dist', 'data', 'npy.js'));
const dir = mkdtempSync(join(tmpdir(), 'densely-npy-memory-'));

/** N rows of 50 features in [-1, 1) and a label from four of them. */
function dataset(n) {
  const d = 50;
  const t = new Float32Array(n * (d + 1));
  let s = 7;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      s = (s * 48271) % 2147483647;
      const v = (s / 2147483647) * 2 - 1;
      t[i * (d + 1) + j] = v;
      if (j < 4) z += (j % 2 ? -1 : 1) * v;
    }
    t[i * (d + 1) + d] = z > 0 ? 1 : 0;
  }
  const path = join(dir, `rows-${n}.npy`);
  writeFileSync(path, writeNpy({ shape: [n, d + 1], data: t }));
  return path;
}

const rows = [];
try {
  for (const n of sizes) {
    const data = dataset(n);
    const bytes = statSync(data).size;
    for (const [name, checkout] of builds) {
      const r = spawnSync('/usr/bin/time', ['-v', process.execPath, join(checkout, 'bin', 'densely.js'), 'train', '--data', data, '--epochs', '1', '--batch-size', '4096', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
      if (r.status !== 0 || !kb) throw new Error(`${name} at ${n} rows failed: ${r.stderr.slice(-500)}`);
      rows.push({ name, n, bytes, peak: kb * 1024 });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const MB = (b) => (b / 1e6).toFixed(0);
console.log('| build | rows | .npy MB | peak RSS MB | peak / data |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.name} | ${r.n.toLocaleString('en')} | ${MB(r.bytes)} | ${MB(r.peak)} | ${(r.peak / r.bytes).toFixed(2)} |`);
for (const [name] of builds) {
  const mine = rows.filter((r) => r.name === name);
  if (mine.length >= 2) {
    const [a, b] = [mine[0], mine[mine.length - 1]];
    console.log(`\n${name}: each extra byte of data costs ${((b.peak - a.peak) / (b.bytes - a.bytes)).toFixed(2)} bytes of peak RSS (the slope from ${a.n.toLocaleString('en')} to ${b.n.toLocaleString('en')} rows)`);
  }
}
