/**
 * The facade's architecture as a test (crates/core/tests/layering.rs is the core's): no import
 * cycle in ts/src, and the wasm worker's bundle holds only what it runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { expect, test } from 'vitest';

const root = 'ts/src';

/** Every .ts file under ts/src, relative to it. */
function files(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [relative(root, join(dir, e.name))] : [],
  );
}

/** The modules `file` imports at run time (`import type` and `export type` are erased). */
function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'(\.[^']+)'/gm), // for its side effects
    ...text.matchAll(/import\('(\.[^']+)'/g),
  ];
  return specs.map((m) => normalize(join(dirname(file), m[1])).replace(/\.js$/, '.ts')).filter((f) => f.startsWith('..') === false);
}

const graph = new Map(files().map((f) => [f, imports(f).filter((i) => i.endsWith('.ts') && !i.includes('wasm/'))]));

/** Modules reachable from `start`. */
function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const g of graph.get(f) ?? []) visit(g);
  };
  visit(start);
  return seen;
}

test('ts/src has no import cycle', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  expect(cycles).toEqual([]);
  expect(graph.size).toBeGreaterThan(20); // the scan saw the tree
});

test('the wasm worker imports only the wasm kernels, not the client or the registry', () => {
  const worker = closure('backends/worker.ts');
  expect(worker.has('backends/wasm-kernels.ts')).toBe(true);
  for (const f of ['backends/worker-client.ts', 'backends/registry.ts', 'backends/native.ts', 'index.ts']) expect(worker.has(f)).toBe(false);
});

test('each entry loads only its platform: no Node code in the browser entry, no browser worker in Node', () => {
  const browser = closure('browser.ts');
  expect(browser.has('backends/browser-platform.ts')).toBe(true);
  for (const f of ['backends/node-platform.ts', 'backends/native.ts', 'index.ts']) expect(browser.has(f), f).toBe(false);
  const node = closure('index.ts');
  expect(node.has('backends/node-platform.ts')).toBe(true);
  expect(node.has('backends/browser-platform.ts')).toBe(false);
  // Both export the same API: the one module of it.
  expect(graph.get('browser.ts')).toContain('api.ts');
  expect(graph.get('index.ts')).toContain('api.ts');
});
