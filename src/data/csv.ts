/**
 * An incremental RFC 4180 CSV parser. No `node:` imports: it runs unchanged in a browser.
 *
 * What it accepts:
 * - fields quoted with `"` may hold the delimiter, doubled quotes (`""` → `"`) and line breaks;
 * - rows end with LF, CRLF or a lone CR; blank lines are skipped;
 * - a UTF-8 byte-order mark at the start is dropped;
 * - the first row is the header, and every later row must have as many fields as the header;
 * - the delimiter is given, or sniffed among `,` `;` and tab from the first lines (quoted parts
 *   ignored).
 *
 * It is incremental: text arrives as a sequence of chunks (Uint8Array bytes or strings), and a
 * field, a row, a multi-byte UTF-8 character or a CRLF may straddle two chunks. Only the unfinished
 * row is carried from one chunk to the next, so a 300 MB file is never one string.
 *
 * How it is fast: bytes are decoded once per chunk by TextDecoder (native), then one loop walks the
 * string with charCodeAt. An unquoted field is one `slice` at its boundaries; a quoted field is one
 * `slice` too unless it holds doubled quotes. Nothing is concatenated per character, and the row
 * array handed to the callback is reused (copy it if you keep it). The unfinished row at the end
 * of a chunk is finished on a small string (it plus the next chunk's first line), not by joining
 * whole chunks, and text that cannot end it (no line break; no quote while inside a quoted field)
 * is set aside unscanned, so a huge row or an unterminated quote costs one scan, not one per
 * chunk. parseCsv, which keeps every row, also shares equal short values (see `intern`).
 *
 * Errors are {@link CsvError}s naming the source, the line and, where it helps, the column.
 *
 * @example
 * parseCsv('a;b\n1;"x;y"\n').rows; // [['1', 'x;y']]
 */

import { CsvError } from '../errors.js';

/** One piece of a CSV text: raw UTF-8 bytes or an already decoded string. */
export type Chunk = Uint8Array | string;

/**
 * A restartable chunk source: each call starts the text again from its first chunk. Preparation
 * reads the same file several times (scan, fit, transform), so it takes a function, not an
 * iterator. `sourceName`, when set, names the source in error messages.
 */
export type ChunkSource = (() => Iterable<Chunk>) & { sourceName?: string };

export { CsvError };

export interface CsvOptions {
  /** A single character; sniffed among `,` `;` and tab when omitted. */
  delimiter?: string;
  /** The name used in error messages, e.g. a file path (default: the source's sourceName, or 'input'). */
  source?: string;
  /** Allow a file with a header and no data rows (default false: it is an error). */
  allowNoRows?: boolean;
  /**
   * Share one string between equal short field values (default: true in parseCsv, which keeps
   * every row; false in forEachCsvRow, where it would only cost time).
   */
  intern?: boolean;
}

/**
 * Called once per data row. `fields` is REUSED for the next row: copy it to keep it.
 * `row` is the 0-based data-row index (header and blank lines not counted), `line` the 1-based
 * line where the row starts.
 */
export type RowCallback = (fields: string[], row: number, line: number) => void;

export interface CsvHandlers {
  /** Called once with the header fields and the delimiter in use, before any row. */
  onHeader?: (header: string[], delimiter: string) => void;
  onRow: RowCallback;
}

/** What a whole parse saw. */
export interface CsvSummary {
  header: string[];
  delimiter: string;
  /** Number of data rows. */
  rows: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SNIFF_CANDIDATES = [',', ';', '\t'];
/** Text held back before sniffing: enough for the header and a few rows. */
const SNIFF_BYTES = 64 * 1024;
const SNIFF_LINES = 10;
/** The leading bytes checked for NULs and invalid UTF-8 ("looks binary"). */
const BINARY_PROBE = 1024;

/**
 * Picks the delimiter of a CSV sample: for each of `,` `;` and tab, count it outside quotes on each
 * of the first (up to 10) lines. A candidate found on the header line with the same count on every
 * sampled line wins (the largest count first); else the one most frequent on the header line;
 * else `,` (a one-column file).
 *
 * @example
 * sniffDelimiter('"a;b",c,d\n1,2,3\n'); // ','
 */
export function sniffDelimiter(sample: string): string {
  const { counts, cur } = sniffCounts(sample);
  // The last line may be cut short: use it only when it is the only one.
  if (counts.length === 0) counts.push(cur);
  const head = counts[0]!;
  let best = -1;
  for (let d = 0; d < 3; d++) {
    if (head[d] === 0) continue;
    let consistent = true;
    for (let l = 1; l < counts.length; l++) if (counts[l][d] !== head[d]) consistent = false;
    if (consistent && (best < 0 || head[d] > head[best])) best = d;
  }
  if (best < 0) {
    for (let d = 0; d < 3; d++) if (head[d] > 0 && (best < 0 || head[d] > head[best])) best = d;
  }
  return best < 0 ? ',' : SNIFF_CANDIDATES[best];
}

/**
 * Per line, the counts of `,` `;` and tab outside quotes, for the first (up to SNIFF_LINES)
 * complete, non-empty lines of `sample`; `cur` holds the counts of the unfinished line after them.
 */
function sniffCounts(sample: string): { counts: number[][]; cur: number[] } {
  const counts: number[][] = [];
  let cur = [0, 0, 0];
  let len = 0;
  let inQuote = false;
  for (let i = 0; i < sample.length && counts.length < SNIFF_LINES; i++) {
    const c = sample.charCodeAt(i);
    if (c === QUOTE) inQuote = !inQuote;
    else if (!inQuote && (c === LF || c === CR)) {
      if (c === CR && sample.charCodeAt(i + 1) === LF) i++;
      if (len > 0) counts.push(cur);
      cur = [0, 0, 0];
      len = 0;
      continue;
    } else if (!inQuote) {
      if (c === 0x2c) cur[0]++;
      else if (c === 0x3b) cur[1]++;
      else if (c === 0x09) cur[2]++;
    }
    len++;
  }
  return { counts, cur };
}

/**
 * The text the sniffer decides on, once `text` (the start of the input) holds enough of it, else
 * null: the first SNIFF_LINES complete lines when they fit in the first SNIFF_BYTES characters,
 * else those first SNIFF_BYTES characters; at the end of the input, all of it. The sample is a
 * function of the input alone, never of how it was cut into chunks, so neither is the delimiter.
 */
function sniffSample(text: string, final: boolean): string | null {
  const head = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
  // cheap first: fewer than SNIFF_LINES line breaks cannot make SNIFF_LINES lines
  if (hasLines(head, SNIFF_LINES) && sniffCounts(head).counts.length >= SNIFF_LINES) return head;
  if (text.length >= SNIFF_BYTES || final) return head;
  return null;
}

/** Byte offset of the first invalid UTF-8 sequence in `b`, or -1 (a cut-off sequence at the end is valid). */
function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (need = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (need = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return -1;
      const cc = b[i + k];
      if ((cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function countLineBreaks(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || (c === CR && s.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/**
 * The push-style parser. Feed chunks with {@link CsvParser.push}, then call
 * {@link CsvParser.end}. Use it directly for async sources (a browser ReadableStream); for a
 * synchronous iterable, {@link forEachCsvRow} does the loop.
 */
export class CsvParser {
  private readonly onRow: RowCallback;
  private readonly onHeader: ((header: string[], delimiter: string) => void) | undefined;
  private readonly source: string;
  private readonly allowNoRows: boolean;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private delim: string | null;
  private delimCode = -1;
  /** Text not yet parsed: the unfinished row, or everything before the delimiter is sniffed. */
  private carry = '';
  /**
   * Later text of the unfinished row, kept apart while it cannot finish the row (see feed), so a
   * very long row (or an unterminated quote) is scanned once, not once per chunk.
   */
  private parts: string[] = [];
  /** The unfinished row ended inside a quoted field. */
  private inQuote = false;
  /** The 1-based line at which `carry` starts. */
  private line = 1;
  private bytesSeen = 0;
  private charsSeen = 0;
  /** Bytes (UTF-8 bytes, for string chunks) looked at by the binary probe so far. */
  private probed = 0;
  private ended = false;
  private fields: string[] = [];
  /** Recently seen short field values, by hash, when interning: see {@link intern}. */
  private readonly cache: string[] | null;
  private ncols = -1;
  private _header: string[] | null = null;
  private _rows = 0;

  constructor(handlers: CsvHandlers, options: CsvOptions = {}) {
    this.onRow = handlers.onRow;
    this.onHeader = handlers.onHeader;
    this.source = options.source ?? 'input';
    this.allowNoRows = options.allowNoRows ?? false;
    this.cache = options.intern ? new Array<string>(INTERN_SLOTS).fill('') : null;
    const d = options.delimiter;
    if (d !== undefined) {
      if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
        throw new CsvError(this.source, `delimiter must be one character other than a quote or a line break, got ${JSON.stringify(d)}`);
      }
      this.delim = d;
      this.delimCode = d.charCodeAt(0);
    } else {
      this.delim = null;
    }
  }

  /** The header fields, once the first row is parsed. */
  get header(): string[] | null {
    return this._header;
  }

  /** The delimiter in use (null until sniffed). */
  get delimiter(): string | null {
    return this.delim;
  }

  /** Number of data rows emitted so far. */
  get rows(): number {
    return this._rows;
  }

  /** Parses one more chunk; complete rows are emitted now, an unfinished one waits for the next chunk. */
  push(chunk: Chunk): void {
    if (this.ended) throw new Error('CsvParser.push: called after end()');
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      if (this.probed < BINARY_PROBE) this.probeNul(text); // before the BOM goes: its 3 bytes count, as in bytes
      if (this.charsSeen === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.charsSeen += chunk.length;
    } else {
      if (this.bytesSeen < BINARY_PROBE) this.probeBytes(chunk);
      text = this.decode(chunk, true);
      this.bytesSeen += chunk.length;
    }
    this.feed(text, false);
  }

  /** Ends the input: parses what is left and checks the file was not empty. */
  end(): CsvSummary {
    if (this.ended) throw new Error('CsvParser.end: called twice');
    if (this.bytesSeen > 0) this.feed(this.decode(new Uint8Array(0), false), false);
    this.ended = true;
    this.feed('', true);
    if (this._header === null) throw new CsvError(this.source, 'empty file (no header row)');
    if (this._rows === 0 && !this.allowNoRows) {
      throw new CsvError(this.source, `header only, no data rows (header: ${this._header.join(this.delim!)})`);
    }
    return { header: this._header, delimiter: this.delim!, rows: this._rows };
  }

  /**
   * The NUL probe for string chunks, over the same first BINARY_PROBE bytes as for byte chunks:
   * each character counts as the UTF-8 bytes it would be, so a text gives the same verdict (and
   * offset) as a string or as its bytes.
   */
  private probeNul(text: string): void {
    for (let i = 0; i < text.length && this.probed < BINARY_PROBE; i++) {
      const c = text.charCodeAt(i);
      if (c === 0) throw new CsvError(this.source, `looks binary, not CSV (NUL byte at offset ${this.probed})`);
      this.probed += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3; // a surrogate pair is 4 bytes
    }
  }

  private probeBytes(b: Uint8Array): void {
    if (this.bytesSeen === 0 && b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
      throw new CsvError(this.source, 'looks binary, not CSV (it starts with the gzip magic bytes: decompress it first, or name it .gz)');
    }
    const stop = Math.min(b.length, BINARY_PROBE - this.bytesSeen);
    for (let i = 0; i < stop; i++) {
      if (b[i] === 0) throw new CsvError(this.source, `looks binary, not CSV (NUL byte at offset ${this.bytesSeen + i})`);
    }
    this.probed = this.bytesSeen + stop;
  }

  private decode(b: Uint8Array, stream: boolean): string {
    try {
      return this.decoder.decode(b, { stream });
    } catch {
      const at = firstInvalidUtf8(b);
      const offset = this.bytesSeen + Math.max(at, 0);
      if (offset < BINARY_PROBE) {
        throw new CsvError(this.source, `looks binary, not CSV (invalid UTF-8 at byte ${offset})`);
      }
      const prefix = new TextDecoder('utf-8').decode(b.subarray(0, Math.max(at, 0)));
      const held = this.carry + this.parts.join('');
      const line = this.line + countLineBreaks(held, 0, held.length) + countLineBreaks(prefix, 0, prefix.length);
      throw new CsvError(this.source, `invalid UTF-8 at byte ${offset}; save the file as UTF-8`, line);
    }
  }

  private feed(text: string, final: boolean): void {
    if (this.delim === null) {
      const all = this.carry + text;
      const sample = sniffSample(all, final);
      if (sample === null) {
        this.carry = all;
        return;
      }
      this.delim = sniffDelimiter(sample);
      this.delimCode = this.delim.charCodeAt(0);
      this.carry = '';
      text = all;
    }
    let from = 0;
    if (this.carry.length > 0) {
      // The carried row cannot end in this text without a line break, nor, when it stopped inside
      // a quoted field, without a quote: then only keep the text for later.
      if (!final && (this.inQuote ? text.indexOf('"') < 0 : text.indexOf('\n') < 0 && text.indexOf('\r') < 0)) {
        this.parts.push(text);
        return;
      }
      if (this.parts.length > 0) {
        text = this.parts.join('') + text;
        this.parts = [];
      }
      const lf = final ? -1 : text.indexOf('\n');
      if (lf >= 0) {
        // Finish the carried row on a small string (carry + text up to its first line break),
        // rather than concatenating (and so copying) the whole chunk.
        const head = this.carry + text.slice(0, lf + 1);
        const done = this.parse(head, 0, false);
        if (done === head.length) from = lf + 1;
        // Else the row goes on past that line break (a quoted one): join the rest.
        else text = head.slice(done) + text.slice(lf + 1);
      } else {
        text = this.carry + text;
      }
      this.carry = '';
    }
    if (text.length === from) return;
    const done = this.parse(text, from, final);
    this.carry = done < text.length ? text.slice(done) : '';
  }

  /** The header row just ended: fix the column count. */
  private takeHeader(k: number): void {
    const header = this.fields.slice(0, k);
    this._header = header;
    this.ncols = k;
    this.fields = header.slice();
    if (this.onHeader) this.onHeader(header, this.delim!);
  }

  /**
   * Parses whole rows of `s` from `start` (always a row start) and returns where the unfinished
   * row begins (s.length when none). With `final`, the end of `s` ends the last row.
   */
  private parse(s: string, start: number, final: boolean): number {
    const n = s.length;
    const D = this.delimCode;
    const onRow = this.onRow;
    const cache = this.cache;
    let fields = this.fields;
    let ncols = this.ncols;
    let line = this.line;
    let i = start;
    this.inQuote = false;
    rows: while (i < n) {
      const rowStart = i;
      const rowLine = line;
      let c = s.charCodeAt(i);
      // Blank line.
      if (c === LF) {
        i++;
        line++;
        continue;
      }
      if (c === CR) {
        if (i + 1 < n) i += s.charCodeAt(i + 1) === LF ? 2 : 1;
        else if (final) i++;
        else break;
        line++;
        continue;
      }
      let k = 0;
      let lineStart = i;
      for (;;) {
        let val: string;
        if (c === QUOTE) {
          // Quoted field: up to the closing quote; "" is a literal quote.
          const open = i;
          const openLine = line;
          const openLineStart = lineStart;
          let j = i + 1;
          let seg = j;
          val = '';
          for (;;) {
            if (j >= n) {
              if (!final) {
                line = rowLine;
                i = rowStart;
                this.inQuote = true;
                break rows;
              }
              throw new CsvError(
                this.source,
                'unterminated quoted field: the quote opened here never closes',
                openLine,
                open - openLineStart + 1,
              );
            }
            const q = s.charCodeAt(j);
            if (q === QUOTE) {
              if (j + 1 >= n && !final) {
                line = rowLine;
                i = rowStart;
                break rows;
              }
              if (s.charCodeAt(j + 1) === QUOTE) {
                val += s.slice(seg, j + 1);
                j += 2;
                seg = j;
                continue;
              }
              val = seg !== i + 1 ? val + s.slice(seg, j) : cache !== null ? intern(cache, s, seg, j) : s.slice(seg, j);
              j++;
              break;
            }
            if (q === LF) {
              line++;
              lineStart = j + 1;
            } else if (q === CR && s.charCodeAt(j + 1) !== LF) {
              line++;
              lineStart = j + 1;
            }
            j++;
          }
          i = j;
          c = i < n ? s.charCodeAt(i) : -1;
          if (c !== D && c !== LF && c !== CR && c !== -1) {
            throw new CsvError(
              this.source,
              `unexpected ${JSON.stringify(s[i])} after a closing quote (a quote inside a quoted field must be doubled)`,
              line,
              i - lineStart + 1,
            );
          }
        } else {
          // Unquoted field: up to the delimiter or the line break.
          let j = i;
          while (j < n) {
            c = s.charCodeAt(j);
            if (c === D || c === LF || c === CR) break;
            j++;
          }
          if (j >= n) c = -1;
          val = cache !== null ? intern(cache, s, i, j) : s.slice(i, j);
          i = j;
        }
        if (c === -1 && !final) {
          line = rowLine;
          i = rowStart;
          break rows;
        }
        if (k < ncols) fields[k] = val;
        else if (ncols < 0) fields[k] = val;
        k++;
        if (c === D) {
          i++;
          c = i < n ? s.charCodeAt(i) : -1;
          if (c === -1 && !final) {
            line = rowLine;
            i = rowStart;
            break rows;
          }
          continue;
        }
        // End of row: c is LF, CR, or -1 at the end of the final text.
        if (c === CR) {
          if (i + 1 < n) i += s.charCodeAt(i + 1) === LF ? 2 : 1;
          else if (final) i++;
          else {
            line = rowLine;
            i = rowStart;
            break rows;
          }
        } else if (c === LF) i++;
        line++;
        if (ncols < 0) {
          this.takeHeader(k);
          fields = this.fields;
          ncols = this.ncols;
        } else if (k !== ncols) {
          throw new CsvError(this.source, `${k} field${k === 1 ? '' : 's'}, header has ${ncols}`, rowLine);
        } else {
          onRow(fields, this._rows++, rowLine);
        }
        break;
      }
    }
    this.line = line;
    return i;
  }
}

/** Slots in the field-value cache (a power of two). */
const INTERN_SLOTS = 4096;
/**
 * Longest value the cache holds. V8 copies slices shorter than 13 characters (longer ones point
 * into the whole chunk, which a cache must not keep alive).
 */
const INTERN_MAX = 12;

/**
 * `s.slice(from, to)`, but a short value equal to the one last seen with the same hash is
 * returned from the cache instead of allocated again. CSV columns repeat their values ("no",
 * "married", "0"), so when rows are KEPT (parseCsv) they share strings: about 40% less memory
 * and GC work on the bank-like files. When rows are streamed and dropped, allocating a short
 * string is cheaper than the lookup, so forEachCsvRow does not intern unless asked.
 */
function intern(cache: string[], s: string, from: number, to: number): string {
  const len = to - from;
  if (len > INTERN_MAX || len === 0) return len === 0 ? '' : s.slice(from, to);
  let h = len;
  for (let k = from; k < to; k++) h = (h * 31 + s.charCodeAt(k)) | 0;
  const slot = (h ^ (h >>> 12)) & (INTERN_SLOTS - 1);
  const hit = cache[slot];
  if (hit.length === len) {
    let k = 0;
    while (k < len && hit.charCodeAt(k) === s.charCodeAt(from + k)) k++;
    if (k === len) return hit;
  }
  const v = s.slice(from, to);
  cache[slot] = v;
  return v;
}

function hasLines(s: string, lines: number): boolean {
  let at = -1;
  for (let l = 0; l < lines; l++) {
    at = s.indexOf('\n', at + 1);
    if (at < 0) return false;
  }
  return true;
}

/** The source name of a chunk source or iterable, for error messages. */
function nameOf(src: unknown, options: CsvOptions): string {
  if (options.source !== undefined) return options.source;
  const n = (src as { sourceName?: unknown } | null)?.sourceName;
  return typeof n === 'string' ? n : 'input';
}

/**
 * Parses every chunk of `chunks` (one pass) and calls `handlers.onRow` for each data row.
 * Pass a {@link ChunkSource} to read it afresh, or any iterable of chunks.
 *
 * @example
 * forEachCsvRow(['a,b\n1,', '2\n'], { onRow: (f) => console.log(f) }); // logs ['1', '2']
 */
export function forEachCsvRow(
  chunks: ChunkSource | Iterable<Chunk>,
  handlers: CsvHandlers | RowCallback,
  options: CsvOptions = {},
): CsvSummary {
  const opts = { ...options, source: nameOf(chunks, options) };
  const parser = new CsvParser(typeof handlers === 'function' ? { onRow: handlers } : handlers, opts);
  const it = typeof chunks === 'function' ? chunks() : chunks;
  for (const chunk of it) parser.push(chunk);
  return parser.end();
}

/** A whole CSV in memory: the header and every row as a fresh string array. */
export interface ParsedCsv {
  header: string[];
  rows: string[][];
  delimiter: string;
}

/**
 * Parses a whole CSV (a string, bytes, or chunks) into arrays. For big files use
 * {@link forEachCsvRow}, which keeps no rows.
 *
 * @example
 * parseCsv('x,y\r\n1,"a ""b"""\r\n'); // { header: ['x','y'], rows: [['1','a "b"']], delimiter: ',' }
 */
export function parseCsv(input: Chunk | ChunkSource | Iterable<Chunk>, options: CsvOptions = {}): ParsedCsv {
  const rows: string[][] = [];
  const chunks = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  const summary = forEachCsvRow(chunks, (f) => rows.push(f.slice()), {
    intern: true,
    ...options,
    source: nameOf(input, options),
  });
  return { header: summary.header, rows, delimiter: summary.delimiter };
}
