#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm run build`, which `npm ci` runs via "prepare").
import { main } from '../dist/cli/main.js';

// a reader that stops early (`… --out - | head`) closes the pipe: that ends the output, not in error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// a number, or (train, which watches for Ctrl-C between steps) a Promise of one
process.exitCode = await main(process.argv.slice(2));
