/** The CLI run in-process, as the tests call it: its exit code and its out and err lines. */
import { main } from '../../src/cli/main.js';

/** Runs `densely …argv`: the exit code and the stdout and stderr lines, each joined by '\n'. */
export function run(...argv: string[]): { code: ReturnType<typeof main>; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
