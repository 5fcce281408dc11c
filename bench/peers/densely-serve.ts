/**
 * `densely serve` for bench/serve.ts, as its own process: the CLI's serve command from the bundle
 * (so node:cluster's workers re-run this same file with the same arguments).
 *
 *   node tmp/bench/peers/densely-serve.mjs --model m.json --port 0 --workers auto
 */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(['serve', ...process.argv.slice(2)]);
