/**
 * docs/how-it-works.md stays true:
 * - every ```ts example runs (each in its own tsx process, its '../src/…' imports pointed at this
 *   checkout), and prints every line its `// → …` comments promise;
 * - every link to a source file points at a file that exists, and a link whose text names a
 *   function, class or method in backticks ([`gradCheck`](../src/nn/grad-check.ts),
 *   [`Dense.backward`](../src/nn/dense.ts)) points at a file that still declares it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const docPath = join(root, 'docs', 'how-it-works.md');
const doc = readFileSync(docPath, 'utf8');

/** The ```ts blocks, with the heading of the section each sits in. */
function examples(): { section: string; code: string }[] {
  const out: { section: string; code: string }[] = [];
  let section = '';
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## ')) section = lines[i].slice(3);
    if (lines[i].trim() === '```ts') {
      const start = ++i;
      while (i < lines.length && lines[i].trim() !== '```') i++;
      out.push({ section, code: lines.slice(start, i).join('\n') });
    }
  }
  return out;
}

/** [`name`](../src/file.ts) and [text](../src/file.ts) links. */
function links(): { text: string; target: string }[] {
  return [...doc.matchAll(/\[([^\]]+)\]\((\.\.\/[^)#\s]+)\)/g)].map((m) => ({ text: m[1], target: m[2] }));
}

/** Does the source declare `name` (a function, class, const, interface or type), or `Class.method`? */
function declares(source: string, name: string): boolean {
  const decl = (n: string) => new RegExp(`(function\\*?|class|const|let|interface|type)\\s+${n}\\b`).test(source);
  const dot = name.indexOf('.');
  if (dot < 0) return decl(name);
  const [cls, method] = [name.slice(0, dot), name.slice(dot + 1)];
  return decl(cls) && new RegExp(`^\\s+(?:override\\s+|static\\s+|async\\s+|get\\s+|private\\s+)*\\*?${method}\\s*[(<]`, 'm').test(source);
}

const work = mkdtempSync(join(tmpdir(), 'densely-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function run(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [tsx, file], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('docs/how-it-works.md', () => {
  const all = examples();

  it('has an example in every section it promises one', () => {
    expect(all.length).toBeGreaterThanOrEqual(9);
  });

  it.concurrent.each(all.map((e, i) => [i + 1, e.section, e.code] as const))('example %i (%s) runs and prints what it says', async (i, _section, code) => {
    // '../src/x.js' is relative to docs/; point it at this checkout's src
    const source = code.replace(/from '\.\.\/(src\/[^']+)'/g, (_m, p: string) => `from '${pathToFileURL(join(root, p)).href}'`);
    const file = join(work, `example-${i}.ts`);
    writeFileSync(file, source);
    const { code: exit, stdout, stderr } = await run(file);
    expect(exit, stderr).toBe(0);
    const promised = [...code.matchAll(/\/\/ → (.+)$/gm)].map((m) => m[1].trim());
    expect(promised.length, 'each example says what it prints, in // → comments').toBeGreaterThan(0);
    for (const line of promised) expect(stdout, `example ${i} should print "${line}"`).toContain(line);
  });

  it('links only to files that exist, and to names those files still declare', () => {
    const found = links();
    expect(found.length).toBeGreaterThan(15);
    const missing: string[] = [];
    for (const { text, target } of found) {
      const path = resolve(dirname(docPath), target);
      if (!existsSync(path)) {
        missing.push(`${target}: no such file`);
        continue;
      }
      const name = /^`([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?)`$/.exec(text)?.[1];
      if (name && !declares(readFileSync(path, 'utf8'), name)) missing.push(`${target}: declares no ${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('the name check can fail (it is not vacuous)', () => {
    const dense = readFileSync(join(root, 'src', 'nn', 'dense.ts'), 'utf8');
    expect(declares(dense, 'Dense.backward')).toBe(true);
    expect(declares(dense, 'Dense.backwards')).toBe(false);
    expect(declares(dense, 'gradCheck')).toBe(false);
  });
});
