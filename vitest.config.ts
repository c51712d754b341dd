/**
 * One test suite (ts/test), run against every backend:
 *   native, wasm-simd         in Node
 *   browser-wasm-simd         in headless Chromium, a plain page
 *   browser-wasm-threads      in headless Chromium, a cross-origin-isolated page (COOP/COEP)
 * plus `cli` (ts/test/cli), the command-line program, once in Node.
 * Tests import the built package (dist/) as `reckit`, so they test what users get: its Node
 * entry in Node, its browser entry (the `default` export condition) in Chromium.
 */
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import type { BackendName } from './ts/src/backends/types.js';

const alias = { reckit: new URL('./dist/index.js', import.meta.url).pathname };
const browserAlias = { reckit: new URL('./dist/browser.js', import.meta.url).pathname };
const include = ['ts/test/*.test.ts'];
const setupFiles = ['ts/test/setup.ts'];
const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// Debian's Chromium (Playwright cannot download its own browsers here); flags from
// docs/conventions.md (toolchain) keep it off the (closed) network.
const chromium = playwright({
  launchOptions: {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  },
});

// Layer fixtures are binary safetensors files, imported as data URLs (`?inline`).
const assetsInclude = ['**/*.safetensors'];

const node = (backend: BackendName) => ({
  resolve: { alias },
  assetsInclude,
  // --expose-gc: the leak test collects garbage (napi outputs await JS GC) before it reads RSS.
  test: { name: backend, include, setupFiles, provide: { backend }, testTimeout: 60_000, execArgv: ['--expose-gc'] },
});

const browser = (backend: BackendName, headers: Record<string, string>) => ({
  resolve: { alias: browserAlias },
  assetsInclude,
  server: { headers },
  optimizeDeps: { exclude: ['reckit'] },
  test: {
    name: `browser-${backend}`,
    include,
    setupFiles,
    provide: { backend },
    testTimeout: 120_000,
    browser: { enabled: true, headless: true, provider: chromium, instances: [{ browser: 'chromium' as const }] },
  },
});

export default defineConfig({
  test: {
    reporters: ['default', './ts/test/summary-reporter.ts'],
    projects: [
      node('native'),
      node('wasm-simd'),
      browser('wasm-simd', {}),
      browser('wasm-threads', isolated),
      // The CLI is a Node program over the default backend: tested once, not per backend.
      { resolve: { alias }, test: { name: 'cli', include: ['ts/test/cli/*.test.ts'], testTimeout: 60_000 } },
    ],
  },
});
