/**
 * densely's side of bench/scoring.ts, alone in its process: `densely predict` on a raw CSV file
 * (in this process, through the CLI's main), timed; prints one JSON line. The section reads the
 * process's peak RSS through the harness's preload.
 *
 *   node tmp/bench/peers/densely-score.mjs --model m.json --data rows.csv --out scores.csv [--top 5%] [--id customer_id]
 */
import { parseArgs } from 'node:util';
import { main } from '../../src/cli/main.js';
import { isMain } from '../harness.js';

export interface ScoreRow {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

function run(): void {
  const { values } = parseArgs({ options: { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, top: { type: 'string' }, id: { type: 'string' } }, strict: true });
  const argv = ['predict', '--model', values.model!, '--data', values.data!, '--out', values.out!];
  if (values.top) argv.push('--top', values.top);
  if (values.id) argv.push('--id', values.id);
  let rows = 0;
  const started = performance.now();
  const code = main(argv, {
    out: () => {},
    err: (line) => {
      const m = /wrote (\d+) (?:of (\d+) )?scores/.exec(line);
      if (m) rows = Number(m[2] ?? m[1]);
      else process.stderr.write(`${line}\n`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`densely predict exited with ${code}`);
  const row: ScoreRow = { rows, seconds, rowsPerSecond: rows / seconds };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

if (isMain('peers/densely-score')) run();
