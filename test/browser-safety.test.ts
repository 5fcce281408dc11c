/**
 * densely's main entry must run unchanged in a browser: nothing reachable from src/index.ts may
 * import a `node:` module (or a bare Node builtin), and nothing under src/ may import a package
 * at all (zero runtime dependencies). Checked by walking the real import graph of the sources.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(__dirname, '..', 'src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

function toFile(from: string, spec: string): string {
  return resolve(dirname(from), spec).replace(/\.js$/, '.ts');
}

function allSources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allSources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('browser safety and zero dependencies', () => {
  it('nothing reachable from src/index.ts imports node:* or a package', () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) visit(toFile(file, spec));
        else offenders.push(`${relative(src, file)} imports '${spec}'`);
      }
    };
    visit(join(src, 'index.ts'));
    expect(seen.size).toBeGreaterThan(15); // the walk really followed the graph
    expect(offenders).toEqual([]);
  });

  it('only src/node, src/serve, src/cli and the node entry import node:*, and no file imports a package', () => {
    const nodeAllowed = /^(node\/.*|serve\/.*|cli\/.*|node\.ts)$/;
    const problems: string[] = [];
    for (const file of allSources(src)) {
      const rel = relative(src, file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) continue;
        if (!spec.startsWith('node:')) problems.push(`${rel} imports package '${spec}'`);
        else if (!nodeAllowed.test(rel)) problems.push(`${rel} imports '${spec}'`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('imports only go downward: tensor imports nothing else, data only tensor, nn no data/io/node/cli, nothing imports cli', () => {
    // the layering in docs/architecture.md ("Folders, and what may import what"); a folder that does not exist yet has no files
    const allowed: Record<string, string[]> = {
      tensor: ['tensor'],
      backends: ['backends', 'tensor'],
      optim: ['optim', 'tensor', 'backends'],
      nn: ['nn', 'tensor', 'backends', 'optim'],
      data: ['data', 'tensor'],
      // what a scored list is worth (the analyst's summary): above nn, whose rocAuc it shares
      analysis: ['analysis', 'nn', 'tensor'],
      // the analyst's HTML report: SVG charts of analysis's figures
      report: ['report', 'analysis', 'tensor'],
      io: ['io', 'nn', 'optim', 'data', 'analysis', 'tensor'],
      // DESIGN's node → io, data, tensor, plus nn for the path writer model.save(path) uses
      // (docs/architecture.md says why)
      node: ['node', 'io', 'data', 'tensor', 'nn'],
      // the scoring server (node:http, node:cluster): model files and scored lists through node
      serve: ['serve', 'node', 'io', 'data', 'nn', 'tensor'],
      cli: ['cli', 'serve', 'node', 'io', 'report', 'analysis', 'data', 'nn', 'optim', 'backends', 'tensor'],
    };
    const problems: string[] = [];
    for (const file of allSources(src)) {
      const rel = relative(src, file);
      const layer = rel.split('/')[0];
      if (rel === 'errors.ts') {
        // densely's error classes: below every layer, so it imports nothing of densely
        for (const spec of importsOf(file)) if (spec.startsWith('.')) problems.push(`errors.ts → ${spec}`);
        continue;
      }
      if (!(layer in allowed)) {
        if (rel !== 'index.ts' && rel !== 'node.ts') problems.push(`${rel} is outside the known folders`); // the two entry points
        continue;
      }
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(src, toFile(file, spec)).split('/')[0];
        if (target === 'errors.ts') continue; // every layer may throw densely's errors
        if (!allowed[layer].includes(target)) problems.push(`${rel} → ${target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('package.json has no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});
