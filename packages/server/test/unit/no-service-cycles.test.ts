import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const services = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/services');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The service modules each service module imports (type-only imports included: they tie modules as tightly). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(services)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      .map((p) => (existsSync(p) ? p : join(p.replace(/\.ts$/, ''), 'index.ts')))
      .filter((p) => p.startsWith(services + '/'));
    graph.set(file, deps);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, as the chain of modules that closes it. */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const walk = (m: string) => {
    state.set(m, 'open');
    path.push(m);
    for (const d of graph.get(m) ?? []) {
      if (state.get(d) === 'open') found.push([...path.slice(path.indexOf(d)), d].map((p) => relative(services, p)).join(' → '));
      else if (!state.has(d)) walk(d);
    }
    path.pop();
    state.set(m, 'done');
  };
  for (const m of [...graph.keys()].sort()) if (!state.has(m)) walk(m);
  return found;
}

describe('service modules', () => {
  it('import each other without a cycle (kinds of hold reach the lifecycle through the registry in spend/kinds.ts)', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(40);
    expect(cycles(graph)).toEqual([]);
  });
});
