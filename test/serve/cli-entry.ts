// The densely CLI from source, for tests that run it as its own process (node --import tsx).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
