/**
 * Writes that never lose data: a file written in pieces appears whole or not at all, and the
 * temporary files a killed densely left next to a target are removed on the next write to it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAtomicWriter, writeFileAtomic } from '../../src/node/files.js';

describe('atomic writes', () => {
  it('a writer shows nothing at the path until commit, and abort leaves the old file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-atomic-'));
    const path = join(dir, 'scores.csv');
    writeFileSync(path, 'old\n');
    const w = openAtomicWriter(path);
    w.write('score\n');
    w.write(Uint8Array.of(0x30, 0x0a));
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    w.commit();
    expect(readFileSync(path, 'utf8')).toBe('score\n0\n');
    const a = openAtomicWriter(path);
    a.write('half');
    a.abort();
    expect(readFileSync(path, 'utf8')).toBe('score\n0\n');
    expect(readdirSync(dir)).toEqual(['scores.csv']);
  });

  it("removes the temp files of dead writers next to the target, not a live one's or another target's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'densely-stale-'));
    const stale = join(dir, '.model.json.2147483646.1700000000000.tmp'); // no such process
    const live = join(dir, `.model.json.${process.ppid}.1700000000000.tmp`); // the test runner's parent is alive
    const other = join(dir, '.other.json.2147483646.1700000000000.tmp');
    for (const f of [stale, live, other]) writeFileSync(f, 'x');
    writeFileAtomic(join(dir, 'model.json'), '{}');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe('{}');
  });
});
