/**
 * What `npm pack` ships (issue 16): the built package and nothing else, with source maps that
 * carry their sources; and `prepack` refuses a checkout whose dist/ was never built.
 * Reads dist/ as built; does not build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

interface PackResult {
  entryCount: number;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

test('npm pack ships dist, README, LICENSE and package.json only, with self-contained source maps', () => {
  // prepack runs here too (it only checks dist/); its message goes to stderr, so stdout is JSON.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [pack] = JSON.parse(out) as PackResult[];
  const paths = pack.files.map((f) => f.path);
  console.log(`npm pack: ${pack.entryCount} files, ${(pack.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${(pack.size / 1e6).toFixed(2)} MB packed`);

  for (const p of [
    'LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/index.js', 'dist/native/index.cjs',
    'dist/wasm/simd/reckit_simd_bg.wasm', 'dist/wasm/threads/reckit_threads_bg.wasm', 'dist/backends/worker.js', 'dist/browser.js',
  ]) {
    expect(paths, p).toContain(p);
  }
  expect(paths.filter((p) => /^dist\/native\/[^/]+\.node$/.test(p)), 'the native addon').not.toEqual([]);
  expect(paths.filter((p) => p.startsWith('ts/') || p.startsWith('target/') || p.startsWith('crates/'))).toEqual([]);
  // Besides dist/: the documents the README links to (guide, models, bundlers, API) and the PyTorch reference modules.
  expect(paths.filter((p) => !p.startsWith('dist/') && !p.startsWith('docs/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json', 'python/reckit_models.py']);
  for (const doc of ['docs/guide.md', 'docs/models.md', 'docs/bundlers.md', 'docs/conventions.md', 'docs/api/README.md']) expect(paths, doc).toContain(doc);
  // Every relative link of the README to a document resolves inside the package.
  const readme = readFileSync('README.md', 'utf8');
  const links = [...readme.matchAll(/\]\((?!https?:|#)([^)#\s]+\.(?:md|py))(?:#[^)]*)?\)/g)].map((m) => m[1].replace(/^\.\//, ''));
  expect(links.length).toBeGreaterThan(0);
  expect(links.filter((l) => !paths.includes(l))).toEqual([]);

  // A map whose sources point at ts/src (not shipped) is useless to users and makes bundlers warn.
  const maps = paths.filter((p) => p.endsWith('.map'));
  expect(maps).not.toEqual([]);
  const withoutSources = maps.filter((p) => {
    const map = JSON.parse(readFileSync(p, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    return map.sourcesContent?.length !== map.sources.length || map.sourcesContent.some((s) => typeof s !== 'string');
  });
  expect(withoutSources).toEqual([]);
});

test('prepack refuses to pack without a built dist/ and says to run npm run build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reckit-prepack-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    for (const f of ['scripts/prepack.sh', 'scripts/lib.sh', 'package.json']) copyFileSync(f, join(dir, f));
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    const run = spawnSync('bash', ['scripts/prepack.sh'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/dist\/ is incomplete/);
    expect(run.stderr).toContain('dist/index.js');
    expect(run.stderr).toContain('npm run build');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
