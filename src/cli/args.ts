/** A small, strict option parser for the CLI: every option is declared, typed and checked. */
import { parseArgs } from 'node:util';
import { resolveBackend, type Backend } from '../backends/index.js';

export type OptionType = 'string' | 'number' | 'int' | 'boolean';
export interface OptionSpec {
  type: OptionType;
  help: string;
  /** For numbers: the smallest and largest accepted values. */
  min?: number;
  max?: number;
  /** Shown in help; applied by the command, not here. */
  default?: string | number | boolean;
}
export type Spec = Record<string, OptionSpec>;
export type Parsed = Record<string, string | number | boolean | undefined>;

/** A usage error: the CLI prints it with the command's help hint and exits 2. */
export class UsageError extends Error {}

/** Parses `--kebab-case value` options into camelCase keys; unknown options and bad numbers are UsageErrors. */
export function parseOptions(command: string, argv: string[], spec: Spec): Parsed {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, s] of Object.entries(spec)) options[name] = { type: s.type === 'boolean' ? 'boolean' : 'string' };
  // `--epochs -1`: a negative number after an option that takes a value is that value (node's
  // parser would call it ambiguous), so the range check can say what is allowed
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    if (name !== null && spec[name] && spec[name].type !== 'boolean' && /^-\d*\.?\d/.test(argv[i + 1] ?? '')) {
      args.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else args.push(argv[i]);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }) as { values: Record<string, string | boolean | undefined> });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`);
  }
  const out: Parsed = {};
  for (const [name, s] of Object.entries(spec)) {
    const raw = values[name];
    const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (raw === undefined) continue;
    if (s.type === 'number' || s.type === 'int') {
      // decimal only: Number() would also take '0x20', '' and ' '
      const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(String(raw)) ? Number(raw) : NaN;
      if (!Number.isFinite(v) || (s.type === 'int' && !Number.isInteger(v))) {
        throw new UsageError(`${command}: --${name} must be ${s.type === 'int' ? 'an integer' : 'a number'}, got '${String(raw)}'`);
      }
      if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) {
        throw new UsageError(`${command}: --${name} must be between ${s.min ?? '-∞'} and ${s.max ?? '∞'}, got ${v}`);
      }
      out[key] = v;
    } else out[key] = raw;
  }
  return out;
}

/**
 * A command's options: parsed and checked, with the `required` ones present. Returns null after
 * printing the help when --help was given (the command then exits 0).
 */
export function commandOptions(command: string, argv: string[], spec: Spec, usage: string, required: string[], print: (line: string) => void): Parsed | null {
  const o = parseOptions(command, argv, spec);
  if (o.help) {
    print(helpText(usage, spec));
    return null;
  }
  for (const name of required) {
    if (!o[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())]) throw new UsageError(`${command}: --${name} is required (${usage})`);
  }
  return o;
}

/** The help text for a command's options. */
export function helpText(usage: string, spec: Spec): string {
  const lines = [`usage: ${usage}`, '', 'options:'];
  for (const [name, s] of Object.entries(spec)) {
    const flag = `--${name}${s.type === 'boolean' ? '' : ` <${s.type === 'string' ? 'value' : s.type}>`}`;
    lines.push(`  ${flag.padEnd(28)}${s.help}${s.default !== undefined ? ` (default ${String(s.default)})` : ''}`);
  }
  return lines.join('\n');
}

/**
 * --backend as a backend name, checked now (before any work): 'js' or 'wasm'; undefined (the
 * default) when absent. Forcing 'wasm' where WebAssembly SIMD is missing is an error saying so.
 * With --threads (1, 2 or auto) it is the resolved Backend itself, which carries the choice
 * (--threads 2 where the runtime cannot, or with --backend js, is an error saying why).
 */
export function backendOption(v: unknown, threads?: unknown): string | Backend | undefined {
  let name: string | undefined;
  if (v !== undefined) {
    name = String(v);
    if (name !== 'js' && name !== 'wasm') throw new UsageError(`--backend must be 'js' or 'wasm', got '${name}'`);
  }
  if (threads === undefined) return name === undefined ? undefined : resolveBackend(name).name;
  const t = String(threads);
  if (t !== '1' && t !== '2' && t !== 'auto') throw new UsageError(`--threads must be 1, 2 or auto, got '${t}'`);
  try {
    return resolveBackend(name, t === 'auto' ? 'auto' : (Number(t) as 1 | 2));
  } catch (e) {
    throw new UsageError(`--threads ${t}: ${(e as Error).message}`);
  }
}

/** The --threads option of train, predict and evaluate. */
export const THREADS_SPEC: OptionSpec = { type: 'string', help: "threads for the wasm backend's big matrix products: 1, 2 or auto", default: 'auto (2 where shared memory, workers and two cores exist)' };

/** A comma-separated option as a list (undefined when absent). */
export function listOption(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return String(v)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
