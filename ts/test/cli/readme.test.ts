/**
 * The code in the docs runs and shows true values: every fenced block of README.md,
 * docs/guide.md and docs/models.md, against the built package.
 *
 * Info strings:
 * - ```js — a Node program. It is written to a temp .mjs whose `node_modules/reckit` links to
 *   this checkout, so `import … from 'reckit'` resolves through package.json "exports" as it
 *   does for users, and run with `node` from the repo root (paths such as
 *   data/models/din.safetensors are the checkout's). It must not throw.
 * - ```js browser — runs only in a browser (init() on a page, Web Workers, COOP/COEP) or is a
 *   bundler's config file: `node --check` parses it, and every name it imports from 'reckit'
 *   must be one of the package's exports.
 * - anything else (sh, program output) is left alone.
 *
 * Asserted values: a one-line statement whose comment ends in `→ <value>`, e.g.
 *   auc(labels, scores);   // ties count ½ → 0.75
 *   const n = out.length;  // → 3
 * The value is a JS expression (after the last →). The statement's value (or the declared
 * variable's) must equal it: numbers to the digits shown (0.6667 means within 5e-5 of it;
 * integers exactly), strings and booleans exactly, arrays (typed arrays too) element by element,
 * objects on the keys shown (keys not shown are not compared). Every asserted line must run. A
 * failure names the file and line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DOCS = ['README.md', 'docs/guide.md', 'docs/models.md'];

interface Block {
  file: string;
  /** Line of the block's first code line in its file (1-based). */
  line: number;
  info: string[];
  code: string[];
}

function blocks(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const start = i + 1;
    while (++i < lines.length && !lines[i].startsWith(indent + fence)) {}
    out.push({ file, line: start + 1, info: info.trim().split(/\s+/).filter(Boolean), code: lines.slice(start, i).map((l) => l.slice(indent.length)) });
  }
  return out;
}

const all = DOCS.flatMap(blocks);
const js = (b: Block) => ['js', 'javascript', 'mjs'].includes(b.info[0]);
const node = all.filter((b) => js(b) && !b.info.includes('browser'));
const browser = all.filter((b) => js(b) && b.info.includes('browser'));
const name = (b: Block) => `${b.file}:${b.line}`;

// A temp project whose node_modules/reckit is this checkout.
const dir = mkdtempSync(join(tmpdir(), 'reckit-readme-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(root, join(dir, 'node_modules', 'reckit'), 'dir');
afterAll(() => rmSync(dir, { recursive: true, force: true })); // removes the link, not the checkout

// Users' default backend: no RECKIT_BACKEND from the test run.
const env = { ...process.env };
delete env.RECKIT_BACKEND;

/** Checks a value against the one shown; one line, so that block line k is temp line k + 1. */
const PRELUDE = `const __check = (got, want, shown, where) => { const diff = (g, w, at) => { if (typeof w === 'number') { if (typeof g !== 'number' && typeof g !== 'bigint') return \`\${at}: got \${String(g)}, expected a number\`; g = Number(g); if (Number.isNaN(w)) return Number.isNaN(g) ? '' : \`\${at}: got \${g}, expected NaN\`; const [m, e = '0'] = String(w).split('e'); const digits = Math.max(0, (m.split('.')[1] ?? '').length - Number(e)); const tol = Number.isInteger(w) && Number.isInteger(g) ? 0 : 0.5 * 10 ** -digits * (1 + 1e-9); return Math.abs(g - w) <= tol ? '' : \`\${at}: got \${g}, expected \${w} (to \${digits} digits)\`; } if (Array.isArray(w)) { if (!g || typeof g.length !== 'number') return \`\${at}: got \${JSON.stringify(g)}, expected an array\`; if (g.length !== w.length) return \`\${at}: got length \${g.length}, expected \${w.length}\`; for (let i = 0; i < w.length; i++) { const d = diff(g[i], w[i], \`\${at}[\${i}]\`); if (d) return d; } return ''; } if (w && typeof w === 'object') { if (!g || typeof g !== 'object') return \`\${at}: got \${String(g)}, expected an object\`; for (const k of Object.keys(w)) { const d = diff(g[k], w[k], \`\${at}.\${k}\`); if (d) return d; } return ''; } return Object.is(g, w) ? '' : \`\${at}: got \${JSON.stringify(g)}, expected \${JSON.stringify(w)}\`; }; const d = diff(got, want, 'value'); console.log('__CHECKED__ ' + JSON.stringify({ where, fail: d ? \`\${d}; shown: \${shown}\` : '' })); };`;

/** The block as a program: asserted lines become `__check` calls. Returns the program and the asserted lines. */
function program(b: Block): { source: string; asserted: string[] } {
  const asserted: string[] = [];
  const body = b.code.map((line, k) => {
    const arrow = line.lastIndexOf('→');
    const at = arrow < 0 ? -1 : line.lastIndexOf('//', arrow);
    if (at < 0) return line;
    const where = `${b.file}:${b.line + k}`;
    asserted.push(where);
    const shown = line.slice(arrow + 1).trim();
    const code = line.slice(0, at).trim().replace(/;$/, '');
    const args = `(${shown}), ${JSON.stringify(shown)}, ${JSON.stringify(where)}`;
    const decl = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=/.exec(code);
    const indent = /^\s*/.exec(line)![0];
    return decl ? `${indent}${code}; __check(${decl[1]}, ${args});` : `${indent}__check((${code}), ${args});`;
  });
  return { source: [PRELUDE, ...body].join('\n'), asserted };
}

/** Error output with temp-file positions turned into doc positions (`first`: the temp line of the block's first line). */
function located(text: string, file: string, b: Block, first: number): string {
  return text.replaceAll(new RegExp(`(?:file://)?${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`, 'g'), (_, n) => `${b.file}:${b.line + Number(n) - first}`);
}

test('the docs have code blocks to check', () => {
  expect(node.filter((b) => b.file === 'README.md').length).toBeGreaterThanOrEqual(5);
  expect(node.filter((b) => b.file === 'docs/guide.md').length).toBeGreaterThanOrEqual(2);
  expect(browser.length).toBeGreaterThanOrEqual(2);
});

test.each(node.map((b) => [name(b), b] as const))('%s runs in Node and shows true values', (where, b) => {
  const { source, asserted } = program(b);
  const file = join(dir, `${where.replace(/\W/g, '_')}.mjs`);
  writeFileSync(file, source);
  const r = spawnSync('node', [file], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, `${where}: the block threw:\n${located(r.stderr, file, b, 2)}`).toBe(0);
  const results = r.stdout.split('\n').filter((l) => l.startsWith('__CHECKED__ ')).map((l) => JSON.parse(l.slice(12)) as { where: string; fail: string });
  const failures = results.filter((x) => x.fail).map((x) => `${x.where}: ${x.fail}`);
  expect(failures, `${where}: values differ from the ones shown`).toEqual([]);
  const ran = new Set(results.map((x) => x.where));
  expect(asserted.filter((a) => !ran.has(a)), `${where}: asserted lines that did not run`).toEqual([]);
});

const exports = (() => {
  const r = spawnSync('node', ['--input-type=module', '-e', "import * as r from 'reckit'; console.log(JSON.stringify(Object.keys(r)))"], { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot import reckit from ${dir}: ${r.stderr}`);
  return new Set<string>(JSON.parse(r.stdout));
})();

test.each(browser.map((b) => [name(b), b] as const))('%s (browser) parses and imports only exported names', (where, b) => {
  const file = join(dir, `${where.replace(/\W/g, '_')}.mjs`);
  writeFileSync(file, b.code.join('\n'));
  expect(b.code.filter((l) => /\/\/.*→/.test(l)), `${where}: a browser block cannot be checked; show values without →`).toEqual([]);
  const r = spawnSync('node', ['--check', file], { encoding: 'utf8' });
  expect(r.status, `${where}: does not parse:\n${located(r.stderr, file, b, 1)}`).toBe(0);
  const imported = [...b.code.join('\n').matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]reckit['"]/g)].flatMap((m) => m[1].split(',').map((s) => s.trim().split(/\s+as\s+/)[0]).filter(Boolean));
  expect(imported.filter((n) => !exports.has(n)), `${where}: imports that reckit does not export`).toEqual([]);
});
