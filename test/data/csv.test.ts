import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { CsvError, CsvParser, forEachCsvRow, parseCsv, sniffDelimiter, type Chunk } from '../../src/data/csv.js';
import { fileChunks } from '../../src/node/chunks.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));
const enc = new TextEncoder();

/** Parses with every row collected, plus the line each row starts on. */
function collect(chunks: Iterable<Chunk>, delimiter?: string): { header: string[]; rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  const s = forEachCsvRow(
    chunks,
    (f, row, line) => {
      expect(row).toBe(rows.length);
      rows.push(f.slice());
      lines.push(line);
    },
    { delimiter },
  );
  return { header: s.header, rows, lines };
}

describe('parseCsv: RFC 4180', () => {
  it('handles quoted delimiters, doubled quotes, quoted CRLF and empty fields', () => {
    const p = parseCsv(fileChunks(fixture('quoted-crlf.csv')));
    expect(p.delimiter).toBe(',');
    expect(p.header).toEqual(['id', 'name', 'notes']);
    expect(p.rows).toEqual([
      ['1', 'Smith, John', 'said "hi"'],
      ['2', 'plain', 'two\r\nlines'],
      ['3', '', 'x'],
    ]);
  });

  it('drops a UTF-8 BOM and sniffs ;', () => {
    const p = parseCsv(fileChunks(fixture('bom-semicolon.csv')));
    expect(p.delimiter).toBe(';');
    expect(p.header).toEqual(['a', 'b', 'c']);
    expect(p.rows).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
    // A BOM on a string input is dropped too.
    expect(parseCsv('\uFEFFa,b\n1,2').header).toEqual(['a', 'b']);
  });

  it('sniffs tab, ignoring a tab inside quotes', () => {
    const p = parseCsv(fileChunks(fixture('tab.csv')));
    expect(p.delimiter).toBe('\t');
    expect(p.rows).toEqual([['x\ty', '2', '3']]);
  });

  it('sniffDelimiter ignores quoted parts and prefers a consistent count', () => {
    expect(sniffDelimiter('"a,b,c";d;e\n1;2;3\n')).toBe(';');
    expect(sniffDelimiter('a,b;c\n1,2;3\n4,5;6\n')).toBe(',');
    expect(sniffDelimiter('a;b;c,d\n1;2;3,4\n5;6;7,8\n')).toBe(';');
    // Header says 2 commas, but rows disagree; semicolons are consistent.
    expect(sniffDelimiter('a,b;c,d\n1;2\n3;4\n')).toBe(';');
    expect(sniffDelimiter('single\n1\n2\n')).toBe(',');
    expect(sniffDelimiter('a\tb\n1\t2')).toBe('\t');
  });

  it('an explicit delimiter wins over sniffing', () => {
    expect(parseCsv('a;b,c\n1;2,3\n', { delimiter: ',' }).rows).toEqual([['1;2', '3']]);
    expect(() => parseCsv('a\n1\n', { delimiter: '"' })).toThrow(/delimiter must be one character/);
  });

  it('accepts LF, CRLF and lone CR, skips blank lines, needs no final newline', () => {
    expect(parseCsv('a,b\n1,2\n\n3,4').rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseCsv('a,b\r\n1,2\r\n\r\n3,4\r\n').rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseCsv('a,b\r1,2\r3,4\r').rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseCsv('a,b\n1,\n,\n').rows).toEqual([
      ['1', ''],
      ['', ''],
    ]);
    expect(parseCsv('a,b\n1,""\n"",2').rows).toEqual([
      ['1', ''],
      ['', '2'],
    ]);
  });

  it('keeps a stray quote inside an unquoted field as a literal', () => {
    expect(parseCsv('h,w\n5\'11",x\n').rows).toEqual([['5\'11"', 'x']]);
  });

  it('reports the line each row starts on, counting quoted line breaks', () => {
    const r = collect(['a,b\n1,"x\ny\nz"\n\n2,3\r\n4,"\r\n"\n5,6\n']);
    expect(r.rows.map((x) => x[0])).toEqual(['1', '2', '4', '5']);
    expect(r.lines).toEqual([2, 6, 7, 9]);
  });

  it('reuses the row array in forEachCsvRow and passes the header first', () => {
    const seen: string[][] = [];
    let head: string[] = [];
    let first: string[] | null = null;
    forEachCsvRow(['a,b\n1,2\n3,4\n'], {
      onHeader: (h, d) => {
        head = h;
        expect(d).toBe(',');
      },
      onRow: (f) => {
        if (first === null) first = f;
        else expect(f).toBe(first);
        seen.push(f.slice());
      },
    });
    expect(head).toEqual(['a', 'b']);
    expect(seen).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });
});

describe('incremental parsing: chunk boundaries anywhere', () => {
  const sample =
    '\uFEFFnom;ville;note\r\n"Zoë";"São Paulo";"a;b"\r\n' +
    'x;"日本\r\n語";"say ""😀"""\r\n\r\n' +
    'ü;;""\ny;"q""";end';
  const bytes = enc.encode(sample);
  const expected = collect([sample]);

  it('the reference parse is right', () => {
    expect(expected.header).toEqual(['nom', 'ville', 'note']);
    expect(expected.rows).toEqual([
      ['Zoë', 'São Paulo', 'a;b'],
      ['x', '日本\r\n語', 'say "😀"'],
      ['ü', '', ''],
      ['y', 'q"', 'end'],
    ]);
    expect(expected.lines).toEqual([2, 3, 6, 7]);
  });

  it('gives identical rows for bytes split at every point (incl. inside UTF-8 characters and CRLFs)', () => {
    for (let i = 0; i <= bytes.length; i++) {
      const got = collect([bytes.subarray(0, i), bytes.subarray(i)]);
      expect(got, `split at byte ${i}`).toEqual(expected);
    }
  });

  it('gives identical rows for every pair of split points in bytes', () => {
    const n = bytes.length;
    for (let i = 0; i <= n; i += 1) {
      for (let j = i; j <= n; j += 3) {
        const got = collect([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        if (JSON.stringify(got) !== JSON.stringify(expected)) expect(got, `split at ${i}, ${j}`).toEqual(expected);
      }
    }
  });

  it('lone-CR and mixed line ends with quoted line breaks, split at every pair of points', () => {
    const mixed = 'a,b\r1,2\r3,"x\ny"\r4,"\r"\n5,6\r\n7,"8\r\n"';
    const want = collect([mixed]);
    expect(want.rows).toEqual([
      ['1', '2'],
      ['3', 'x\ny'],
      ['4', '\r'],
      ['5', '6'],
      ['7', '8\r\n'],
    ]);
    expect(want.lines).toEqual([2, 3, 5, 7, 8]);
    for (let i = 0; i <= mixed.length; i++) {
      for (let j = i; j <= mixed.length; j++) {
        const got = collect([mixed.slice(0, i), mixed.slice(i, j), mixed.slice(j)]);
        if (JSON.stringify(got) !== JSON.stringify(want)) expect(got, `split at ${i}, ${j}`).toEqual(want);
      }
    }
  });

  it('gives identical rows for strings split at every point, and for one-byte chunks', () => {
    for (let i = 0; i <= sample.length; i++) {
      expect(collect([sample.slice(0, i), sample.slice(i)]), `split at char ${i}`).toEqual(expected);
    }
    const ones = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(collect(ones)).toEqual(expected);
    expect(collect(Array.from(sample))).toEqual(expected);
  });

  it('matches a whole parse on random quoted data in random chunkings', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = ['a', 'b', ',', '"', '\n', '\r\n', 'é', '€', '𝄞', ' ', '1', '.'];
    const header = ['c0', 'c1', 'c2', 'c3'];
    const rows: string[][] = [];
    for (let r = 0; r < 300; r++) {
      rows.push(
        header.map(() => {
          let v = '';
          const len = Math.floor(rand() * 6);
          for (let k = 0; k < len; k++) v += alphabet[Math.floor(rand() * alphabet.length)];
          return v;
        }),
      );
    }
    const quote = (v: string): string => (/[",\r\n]/.test(v) || (v === '' && rand() < 0.5) ? `"${v.replace(/"/g, '""')}"` : v);
    const text = [header, ...rows].map((r) => r.map(quote).join(',')).join(rand() < 0.5 ? '\n' : '\r\n') + '\n';
    const b = enc.encode(text);
    for (let trial = 0; trial < 30; trial++) {
      const chunks: Uint8Array[] = [];
      for (let o = 0; o < b.length; ) {
        const len = 1 + Math.floor(rand() * 64);
        chunks.push(b.subarray(o, o + len));
        o += len;
      }
      const got = collect(chunks, ',');
      expect(got.header).toEqual(header);
      expect(got.rows).toEqual(rows);
      // parseCsv shares (interns) equal short values: same contents.
      expect(parseCsv(chunks, { intern: trial % 2 === 0 }).rows).toEqual(rows);
    }
  });

  it('CsvParser can be pushed chunks by hand (e.g. from an async stream)', () => {
    const rows: string[][] = [];
    const p = new CsvParser({ onRow: (f) => rows.push(f.slice()) }, { source: 'stream' });
    for (const c of ['a;', 'b\r', '\n1;"x', '"";2"\r', '\n']) p.push(c);
    expect(p.end()).toEqual({ header: ['a', 'b'], delimiter: ';', rows: 1 });
    expect(rows).toEqual([['1', 'x";2']]);
    expect(() => p.push('x')).toThrow(/after end/);
  });
});

describe('bad files get clear errors', () => {
  const err = (f: () => unknown): CsvError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CsvError);
      return e as CsvError;
    }
    throw new Error('expected a CsvError');
  };

  it('ragged row: names the file, the line and both counts', () => {
    const path = fixture('ragged.csv');
    const e = err(() => parseCsv(fileChunks(path)));
    expect(e.message).toBe(`${path} line 17: 2 fields, header has 3`);
    expect(e.line).toBe(17);
    expect(err(() => parseCsv('a,b\n1,2,3\n', { source: 'x.csv' })).message).toBe('x.csv line 2: 3 fields, header has 2');
  });

  it('unterminated quote: names the line and column where the quote opened', () => {
    const e = err(() => parseCsv(fileChunks(fixture('unterminated.csv'))));
    expect(e.message).toMatch(/unterminated\.csv line 3, column 3: unterminated quoted field/);
    expect([e.line, e.column]).toEqual([3, 3]);
  });

  it('a character after a closing quote', () => {
    const e = err(() => parseCsv(fileChunks(fixture('after-quote.csv'))));
    expect(e.message).toMatch(/after-quote\.csv line 2, column 6: unexpected "y" after a closing quote/);
  });

  it('header-only and empty files', () => {
    expect(err(() => parseCsv(fileChunks(fixture('header-only.csv')))).message).toMatch(
      /header-only\.csv: header only, no data rows \(header: age,job,y\)/,
    );
    expect(parseCsv('a,b\n', { allowNoRows: true }).rows).toEqual([]);
    expect(err(() => parseCsv(fileChunks(fixture('empty.csv')))).message).toMatch(/empty\.csv: empty file/);
    expect(err(() => parseCsv('\n\r\n\n', { source: 'blank.csv' })).message).toBe('blank.csv: empty file (no header row)');
  });

  it('binary files: NUL bytes, invalid UTF-8 in the first KB, gzip', () => {
    expect(err(() => parseCsv(fileChunks(fixture('binary.csv')))).message).toMatch(/binary\.csv: looks binary, not CSV \(NUL byte at offset 4\)/);
    expect(err(() => parseCsv(fileChunks(fixture('latin1.csv')))).message).toMatch(/latin1\.csv: looks binary, not CSV \(invalid UTF-8 at byte 13\)/);
    expect(err(() => parseCsv(fileChunks(fixture('gzipped.csv')))).message).toMatch(/gzipped\.csv: looks binary, not CSV \(it starts with the gzip magic bytes/);
    expect(err(() => parseCsv('a,b\n1,\u0000\n')).message).toMatch(/looks binary/);
  });

  it('invalid UTF-8 later in a file names the byte and line', () => {
    const head = enc.encode('a,b\n' + 'xx,yy\n'.repeat(300));
    const bad = new Uint8Array([...head, 0x41, 0xff, 0x0a]);
    const e = err(() => parseCsv([bad.subarray(0, 1000), bad.subarray(1000)], { source: 'late.csv' }));
    expect(e.message).toBe(`late.csv line 302: invalid UTF-8 at byte ${head.length + 1}; save the file as UTF-8`);
    // A multi-byte character cut off at the very end.
    expect(err(() => parseCsv([enc.encode('a\n' + 'x\n'.repeat(600)), Uint8Array.of(0xe2, 0x82)])).message).toMatch(/invalid UTF-8/);
  });

  it('an unterminated quote early in a big file, or a huge line, is scanned once, not once per chunk', () => {
    const body = 'id,text,n\n1,"never closed,2\n' + '3,plain words,4\n'.repeat(300_000); // ~5 MB
    const b = enc.encode(body);
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < b.length; o += 1024) chunks.push(b.subarray(o, o + 1024));
    const e = err(() => parseCsv(chunks, { source: 'big.csv' }));
    expect(e.message).toBe('big.csv line 2, column 3: unterminated quoted field: the quote opened here never closes');
    // A 5 MB line with no line break, in 1 KB chunks.
    const long = ['a,b\n', ...Array.from({ length: 5000 }, () => 'x'.repeat(1024))];
    expect(err(() => parseCsv(long, { source: 'long.csv' })).message).toBe('long.csv line 2: 1 field, header has 2');
  });

  it('a missing file names its path', () => {
    expect(() => fileChunks('/no/such/dir/bank.csv')).toThrow('/no/such/dir/bank.csv: no such file');
  });
});

describe('fileChunks', () => {
  it('reads in chunks of the given size, and gunzips .gz', () => {
    const path = fixture('quoted-crlf.csv');
    const small = [...fileChunks(path, 7)()];
    expect(small.length).toBe(11);
    expect(parseCsv(fileChunks(path, 7)).rows).toEqual(parseCsv(fileChunks(path)).rows);
    const bank = fileChunks(fileURLToPath(new URL('../../data/bank-full.csv.gz', import.meta.url)));
    let rows = 0;
    const s = forEachCsvRow(bank, () => rows++);
    expect(s.delimiter).toBe(';');
    expect(s.rows).toBe(45211);
    expect(s.header).toHaveLength(17);
    // Restartable: a second pass reads it all again.
    expect(forEachCsvRow(bank, () => {}).rows).toBe(45211);
  });
});
