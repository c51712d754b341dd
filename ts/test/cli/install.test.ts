/**
 * The package as a user meets it: `npm pack`, installed from the tarball into a fresh temporary
 * project outside the repository, then
 *   (a) used from Node: ESM and CommonJS, with and without `init()`, on the native addon and with
 *       the native binary removed (wasm-simd, one warning, the same values);
 *   (b) type-checked by tsc under `nodenext` and `bundler` resolution;
 *   (c) bundled by Vite, webpack, esbuild and Rollup, and loaded in Chromium with and without
 *       COOP/COEP: values, backendInfo(), exactly one wasm file fetched, no console error;
 *   (d) loaded unbundled through an import map, where `init()` settles within a bound, also
 *       when the threaded pool cannot start (it falls back to wasm-simd with a warning);
 *   (e) run as the installed `reckit` command.
 * The bundlers are the repository's dev dependencies; they resolve `reckit` from the project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const project = mkdtempSync(join(tmpdir(), 'reckit-user-'));
const installed = join(project, 'node_modules/reckit');
const labels = '[0, 0, 1, 1]';
const scores = '[0.1, 0.4, 0.35, 0.8]'; // AUC 0.75: 3 of the 4 positive-negative pairs are ordered

const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

beforeAll(() => {
  // prepack checks dist/; stdout stays the tarball's name.
  const tarball = execFileSync('npm', ['pack', '--pack-destination', project], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .trim()
    .split('\n')
    .at(-1)!;
  write(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(project, tarball)], { cwd: project, stdio: 'pipe' });
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('(a) Node', () => {
  const esm = (withInit: boolean) => `import { auc, aucAsync, backendInfo, init } from 'reckit';
${withInit ? 'await init();' : ''}
const labels = new Uint8Array(${labels}), scores = new Float64Array(${scores});
console.log(JSON.stringify({ backend: backendInfo().name, auc: auc(labels, scores), async: await aucAsync(labels, scores) }));`;
  const cjs = (withInit: boolean) => `const { auc, aucAsync, backendInfo, init } = require('reckit');
(async () => {
  ${withInit ? 'await init();' : ''}
  const labels = new Uint8Array(${labels}), scores = new Float64Array(${scores});
  console.log(JSON.stringify({ backend: backendInfo().name, auc: auc(labels, scores), async: await aucAsync(labels, scores) }));
})();`;

  const run = (file: string, text: string, env: Record<string, string> = {}) => {
    write(join(project, file), text);
    const r = spawnSync('node', [file], { cwd: project, encoding: 'utf8', env: { ...process.env, RECKIT_BACKEND: '', ...env } });
    expect(r.status, r.stderr).toBe(0);
    return { out: JSON.parse(r.stdout), stderr: r.stderr };
  };

  const cases = [
    ['ESM', 'esm.mjs', esm],
    ['CommonJS', 'cjs.cjs', cjs],
  ] as const;

  for (const [kind, file, source] of cases) {
    for (const withInit of [false, true]) {
      test(`${kind}, ${withInit ? 'with' : 'without'} init(): native, exact values, nothing printed`, () => {
        const { out, stderr } = run(file, source(withInit));
        expect(out).toEqual({ backend: 'native', auc: 0.75, async: 0.75 });
        expect(stderr).toBe('');
      });
    }
  }

  test('without the native binary: wasm-simd at import, one warning naming what napi tried, the same values', () => {
    const binary = readdirNode();
    renameSync(binary, `${binary}.away`);
    try {
      for (const [, file, source] of cases) {
        for (const withInit of [false, true]) {
          const { out, stderr } = run(file, source(withInit));
          expect(out).toEqual({ backend: 'wasm-simd', auc: 0.75, async: 0.75 });
          const lines = stderr.trim().split('\n');
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(/^reckit: the native addon did not load \(.*reckit\.linux-x64-gnu\.node.*\); using wasm-simd$/);
        }
      }
    } finally {
      renameSync(`${binary}.away`, binary);
    }
  });
});

function readdirNode(): string {
  const out = execFileSync('find', [installed, '-name', '*.node'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  expect(out).toHaveLength(1);
  return out[0];
}

describe('(b) TypeScript', () => {
  const consumer = `import { auc, gaucReport, init, DIN, type BackendInfo, type GaucReport } from 'reckit';
export async function main(): Promise<number> {
  await init({ threads: 2 });
  const a: number = auc(new Uint8Array(${labels}), new Float64Array(${scores}));
  const r: GaucReport = gaucReport(new Uint8Array([0, 1]), new Float64Array([0.1, 0.9]), new Int32Array([1, 1]));
  // @ts-expect-error the report's field is named value
  r.gauc;
  const info: BackendInfo | undefined = undefined;
  // @ts-expect-error labels are an array of 0/1, not a string
  auc('labels', new Float64Array(1));
  // @ts-expect-error init takes options, not a backend name
  await init('native');
  return a + r.value + (info ? 1 : 0) + (typeof DIN.fromSafetensors === 'function' ? 1 : 0);
}
`;
  for (const [resolution, module] of [
    ['nodenext', 'nodenext'],
    ['bundler', 'esnext'],
  ]) {
    test(`tsc --noEmit under moduleResolution ${resolution}`, () => {
      const dir = join(project, `ts-${resolution}`);
      write(join(dir, 'consumer.ts'), consumer);
      write(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { module, moduleResolution: resolution, target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, types: [], skipLibCheck: false },
          files: ['consumer.ts'],
        }),
      );
      const r = spawnSync('node', [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: project, encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }, 60_000);
  }
});

// ---------------------------------------------------------------------------------------------
// Browsers: a static server (COOP/COEP on request, every request logged) and Debian's Chromium.

interface Served {
  url: string;
  requests: { path: string; bytes: number; gzipped: number }[];
  close(): Promise<void>;
}

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

async function serve(root: string, isolated: boolean, hide: RegExp | undefined = undefined): Promise<Served> {
  const requests: Served['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const headers: Record<string, string> = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    let body: Buffer | undefined;
    try {
      // `hide` applies to scripts started as workers (Sec-Fetch-Dest: worker), not to imports of the same file.
      if (!(hide?.test(path) && req.headers['sec-fetch-dest'] === 'worker')) body = readFileSync(file);
    } catch {}
    requests.push({ path, bytes: body?.length ?? 0, gzipped: body ? gzipSync(body).length : 0 });
    if (!body) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((ok) => server.close(() => ok())) };
}

let browser: import('playwright-core').Browser | undefined;
const chromium = async () => {
  const { chromium } = await import('playwright-core');
  browser ??= await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  return browser;
};
afterAll(async () => browser?.close());

interface PageResult {
  result: { name?: string; info?: { name: string; simd: string; threads: number }; auc?: number; aucAsync?: number; isolated?: boolean; error?: string };
  errors: string[];
  warnings: string[];
  wasm: { path: string; bytes: number }[];
  bytes: number;
  gzipped: number;
}

/** Opens `path` on a server of `root`, waits (bounded) for `window.result`, and reports what the page fetched and logged. */
async function visit(root: string, path: string, isolated: boolean, hide?: RegExp): Promise<PageResult> {
  const served = await serve(root, isolated, hide);
  const page = await (await chromium()).newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('console', (m) => (m.type() === 'error' ? errors : m.type() === 'warning' ? warnings : []).push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${served.url}${path}`);
    const result = await page.evaluate(() =>
      Promise.race([(window as { result?: Promise<unknown> }).result, new Promise((ok) => setTimeout(() => ok({ error: 'no result within 30 s' }), 30_000))]),
    );
    return {
      result: result as PageResult['result'],
      errors,
      warnings,
      wasm: served.requests.filter((r) => r.path.endsWith('.wasm')),
      bytes: served.requests.reduce((sum, r) => sum + r.bytes, 0),
      gzipped: served.requests.reduce((sum, r) => sum + r.gzipped, 0),
    };
  } finally {
    await page.close();
    await served.close();
  }
}

/** The page's script: init (with `options`), then a sync and an async call. */
const pageScript = (options: string) => `import { init, auc, aucAsync, backendInfo } from 'reckit';
const labels = new Uint8Array(${labels}), scores = new Float64Array(${scores});
window.result = (async () => {
  const name = await init(${options});
  return { name, info: backendInfo(), auc: auc(labels, scores), aucAsync: await aucAsync(labels, scores), isolated: crossOriginIsolated };
})().catch((e) => ({ error: String(e && e.stack || e) }));
`;
// The empty icon: Chromium would otherwise ask for /favicon.ico, and log the 404 as a console error.
const head = '<!doctype html><meta charset="utf-8"><title>reckit</title><link rel="icon" href="data:,">';
const html = (script: string) => `${head}<script type="module" src="${script}"></script>\n`;

/** A copy of the package's dist/ for bundlers that do not emit the files `new URL(…, import.meta.url)` names. */
const copyAssets = (out: string) => {
  cpSync(join(installed, 'dist'), join(out, 'reckit'), { recursive: true, filter: (src) => !src.includes(`${join('dist', 'native')}`) });
};

const bundlers: Record<string, (app: string, out: string) => Promise<void>> = {
  async vite(app, out) {
    write(join(app, 'index.html'), html('./main.js'));
    write(join(app, 'main.js'), pageScript('{}'));
    const { build } = await import('vite');
    await build({ root: app, logLevel: 'silent', configFile: false, build: { outDir: out, emptyOutDir: true }, worker: { format: 'es' } });
  },
  async webpack(app, out) {
    write(join(app, 'main.js'), pageScript('{}'));
    const webpack = (await import('webpack')).default;
    const stats = await new Promise<import('webpack').Stats>((ok, fail) =>
      webpack({ mode: 'production', context: app, entry: './main.js', output: { path: out, filename: 'main.js' } }, (e, s) => (e ? fail(e) : ok(s!))),
    );
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    write(join(out, 'index.html'), html('./main.js'));
  },
  async esbuild(app, out) {
    write(join(app, 'main.js'), pageScript(`{ assetsUrl: new URL('./reckit/', import.meta.url) }`));
    const esbuild = await import('esbuild');
    await esbuild.build({ absWorkingDir: app, entryPoints: ['main.js'], bundle: true, format: 'esm', splitting: true, outdir: out, logLevel: 'silent' });
    copyAssets(out);
    write(join(out, 'index.html'), html('./main.js'));
  },
  async rollup(app, out) {
    write(join(app, 'main.js'), pageScript(`{ assetsUrl: new URL('./reckit/', import.meta.url) }`));
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const bundle = await rollup({ input: join(app, 'main.js'), plugins: [nodeResolve({ browser: true })], onwarn: () => {} });
    await bundle.write({ dir: out, format: 'es' });
    await bundle.close();
    copyAssets(out);
    write(join(out, 'index.html'), html('./main.js'));
  },
};

/** Each flavour's .wasm by its size: bundlers rename files (webpack: a hash). */
const wasmSize = {
  'wasm-simd': () => statSync(join(installed, 'dist/wasm/simd/reckit_simd_bg.wasm')).size,
  'wasm-threads': () => statSync(join(installed, 'dist/wasm/threads/reckit_threads_bg.wasm')).size,
};
const payload: string[] = [];
afterAll(() => console.log(`browser payload (bytes fetched per page load):\n${payload.join('\n')}`));

describe('(c) bundlers, in Chromium', () => {
  for (const [name, bundle] of Object.entries(bundlers)) {
    test(`${name}: a production build runs wasm-threads with COOP/COEP and wasm-simd without, fetching one wasm file`, async () => {
      const app = join(project, `app-${name}`);
      const out = join(app, 'out');
      await bundle(app, out);
      for (const isolated of [true, false]) {
        const page = await visit(out, '/', isolated);
        const flavour = isolated ? 'wasm-threads' : 'wasm-simd';
        expect(page.result, JSON.stringify(page)).toEqual({
          name: flavour, info: { name: flavour, simd: 'simd128', threads: 1 }, auc: 0.75, aucAsync: 0.75, isolated,
        });
        expect(page.wasm, 'wasm files fetched').toHaveLength(1);
        expect(page.wasm[0].bytes, `${page.wasm[0].path} is the ${flavour} build`).toBe(wasmSize[flavour]());
        expect(page.errors).toEqual([]);
        expect(page.warnings).toEqual([]);
        payload.push(`  ${name.padEnd(9)} ${flavour.padEnd(13)} ${page.bytes} bytes (${page.gzipped} gzipped)`);
      }
    }, 120_000);
  }
});

describe('(d) no bundler: an import map', () => {
  const page = (options: string) =>
    `${head}<script type="importmap">{ "imports": { "reckit": "/node_modules/reckit/dist/browser.js" } }</script>
<script type="module">${pageScript(options)}</script>\n`;

  test('with COOP/COEP: init() resolves to wasm-threads within the bound, one wasm file fetched', async () => {
    write(join(project, 'importmap.html'), page('{}'));
    const started = performance.now();
    const r = await visit(project, '/importmap.html', true);
    expect(r.result, JSON.stringify(r)).toEqual({
      name: 'wasm-threads', info: { name: 'wasm-threads', simd: 'simd128', threads: 1 }, auc: 0.75, aucAsync: 0.75, isolated: true,
    });
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(r.wasm).toHaveLength(1);
    expect(r.wasm[0].bytes).toBe(wasmSize['wasm-threads']());
    expect(r.errors).toEqual([]);
    payload.push(`  ${'unbundled'.padEnd(9)} wasm-threads  ${r.bytes} bytes (${r.gzipped} gzipped)`);
  }, 60_000);

  test('when the pool workers cannot load, init() falls back to wasm-simd after workerTimeout and says why', async () => {
    write(join(project, 'importmap-timeout.html'), page('{ workerTimeout: 2000 }'));
    // The pool's worker script 404s (as the unpatched `import('../../..')` did): the pool never starts.
    const r = await visit(project, '/importmap-timeout.html', true, /workerHelpers\.js$/);
    expect(r.result, JSON.stringify(r)).toEqual({
      name: 'wasm-simd', info: { name: 'wasm-simd', simd: 'simd128', threads: 1 }, auc: 0.75, aucAsync: 0.75, isolated: true,
    });
    expect(r.warnings.filter((w) => w.includes('reckit'))).toEqual([
      expect.stringMatching(/^reckit: wasm-threads did not load \(.*not ready within 2 s.*\); using wasm-simd$/),
    ]);
  }, 60_000);
});

describe('(e) the installed command', () => {
  test('reckit --version and reckit eval on a CSV, through node_modules/.bin', () => {
    const bin = join(project, 'node_modules/.bin/reckit');
    const version = spawnSync(bin, ['--version'], { cwd: project, encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toContain(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version);
    write(join(project, 'preds.csv'), `user_id,label,score\n1,0,0.1\n1,0,0.4\n2,1,0.35\n2,1,0.8\n`);
    const r = spawnSync(bin, ['eval', 'preds.csv', '--format', 'json'], { cwd: project, encoding: 'utf8', env: { ...process.env, RECKIT_BACKEND: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).auc).toBe(0.75);
  });
});
