/**
 * densely's own errors: every refusal of a file or an argument is one of these, so a caller can
 * tell "densely said no" (a DenselyError, with the file and field it is about) from a bug.
 *
 *   DenselyError          the base: `source` (a path, or '<bytes>') and `field` (or null)
 *   ├─ NpyError           a .npy file           (src/data/npy.ts)
 *   ├─ CsvError           a CSV text, with line and column   (src/data/csv.ts)
 *   ├─ ModelFileError     a model file or document           (src/nn, src/io)
 *   ├─ CheckpointError    a training checkpoint              (src/io/checkpoint.ts)
 *   ├─ InputError         any other input file: too large, not gzip, not regular, unreadable
 *   └─ TrainingError      training stopped: a NaN or an Infinity in the loss or a gradient
 *
 * Every message is ONE line: control characters (a newline in a file name, say) are escaped, so a
 * name cannot inject a fake line into the output, and a message longer than MAX_MESSAGE is cut in
 * its middle, so a 100k-axis shape cannot make a 300 KB "line". Messages read
 * "source: field: what was wrong". This file imports nothing: every layer may use it.
 *
 * @example
 * new ModelFileError('m.json', "unknown activation 'x'", 'layers[0].activation').message;
 * // "m.json: layers[0].activation: unknown activation 'x'"
 */

/** The longest message kept whole, in characters; longer ones keep their start and end. */
export const MAX_MESSAGE = 600;

/**
 * `text` as one printable line: C0/C1 control characters and the line/paragraph separators become
 * escapes (`\n`, `\t`, `\x1b`, `\u2028`), and a text longer than `max` keeps its first and last
 * parts around a note of how much was cut.
 *
 * @example
 * oneLine('a\nb'); // 'a\\nb'
 * oneLine('x'.repeat(1000), 20); // 'xxxxxxxxxxx…[990 characters cut]…xxxxx' (about)
 */
export function oneLine(text: string, max = MAX_MESSAGE): string {
  let s = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
  if (s.length > max) {
    const head = Math.ceil(max * 0.7);
    const tail = Math.max(0, max - head - 30);
    s = `${s.slice(0, head)}…[${s.length - head - tail} characters cut]…${tail > 0 ? s.slice(-tail) : ''}`;
  }
  return s;
}

/**
 * A short, safe description of any JSON-ish value for a message: strings quoted, arrays and
 * objects summarised without walking them (so a value nested 100,000 deep costs nothing), and
 * everything cut to `max` characters.
 *
 * @example
 * describe('relu'); // '"relu"'
 * describe([[[1]]]); // 'a list of 1'
 */
export function describe(value: unknown, max = 80): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
  else if (value === null || typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else if (value === undefined) s = 'nothing';
  else if (Array.isArray(value)) s = `a list of ${value.length}`;
  else if (typeof value === 'object') s = 'an object';
  else s = typeof value;
  return oneLine(s, max + 20);
}

/** The base of densely's errors: names the file (`source`) and, when known, the field. */
export class DenselyError extends Error {
  /** The file path, or a name such as '<bytes>', 'stdin', 'writeNpy'. */
  readonly source: string;
  /** The field, key or option the error is about (e.g. 'layers[2].units'), or null. */
  readonly field: string | null;

  constructor(source: string, detail: string, field: string | null = null, options?: { cause?: unknown }) {
    super(oneLine(`${source}: ${field ? `${field}: ` : ''}${detail}`), options);
    this.name = new.target.name;
    this.source = source;
    this.field = field;
  }
}

/** A bad .npy file (or a bad writeNpy argument). */
export class NpyError extends DenselyError {}

/** A bad model file or model document. */
export class ModelFileError extends DenselyError {}

/** A bad or mismatched training checkpoint. */
export class CheckpointError extends DenselyError {}

/** An input that cannot be read as asked: missing, not regular, too large, not valid gzip. */
export class InputError extends DenselyError {}

/** Training stopped by a numeric guard (a NaN or an Infinity). */
export class TrainingError extends DenselyError {}

/** A bad CSV: `message` reads "source line L, column C: what was wrong". */
export class CsvError extends DenselyError {
  /** 1-based line in the text, or null when the error is about the whole file. */
  readonly line: number | null;
  /** 1-based column (UTF-16 units) in that line, or null. */
  readonly column: number | null;

  constructor(source: string, detail: string, line: number | null = null, column: number | null = null) {
    const where = line === null ? '' : column === null ? ` line ${line}` : ` line ${line}, column ${column}`;
    super(`${source}${where}`, detail);
    (this as { source: string }).source = source;
    this.line = line;
    this.column = column;
  }
}

/**
 * `e` as a DenselyError: itself when it already is one, else wrapped in `Kind` with the original
 * as its cause. For the edge of a parser: whatever slipped through (a RangeError from a typed
 * array constructor, say) still leaves as densely's own, naming the file.
 */
export function asDenselyError(e: unknown, Kind: new (source: string, detail: string) => DenselyError, source: string): DenselyError {
  if (e instanceof DenselyError) return e;
  const detail = e instanceof RangeError && /call stack/i.test(e.message) ? 'nested too deeply' : e instanceof Error ? e.message : String(e);
  const out = new Kind(source, detail);
  (out as { cause?: unknown }).cause = e;
  return out;
}

/** The deepest nesting accepted in a model file or checkpoint: densely's own are 4 levels deep. */
export const MAX_JSON_DEPTH = 64;

/** A path one level deeper, kept to its first 4 steps (then '…'), so it stays short. */
function step(path: string, next: string, depth: number): string {
  return depth < 4 ? path + next : depth === 4 ? `${path}…` : path;
}

/**
 * Where a parsed JSON value nests more than `max` levels deep (a path such as
 * 'format[0][0]…'), or null when it does not. Walks with its own stack, never by recursion, so a
 * value nested 100,000 deep is measured without a stack overflow.
 *
 * @example
 * jsonDepthOver({ a: [[1]] }, 2); // 'a[0]'
 * jsonDepthOver({ a: [1] }, 2); // null
 */
export function jsonDepthOver(value: unknown, max: number): string | null {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue; // (a typed array is a leaf: numbers)
    if (depth >= max) return path || '(top)';
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') stack.push([v[i], depth + 1, step(path, `[${i}]`, depth)]);
    } else {
      for (const k of Object.keys(v)) {
        const child = (v as Record<string, unknown>)[k];
        if (child !== null && typeof child === 'object') stack.push([child, depth + 1, step(path, depth === 0 ? k : `.${k}`, depth)]);
      }
    }
  }
  return null;
}

/** Data that parses but cannot be used as asked: a missing label column, too few rows, a width that does not fit the model. */
export class DataError extends DenselyError {}
