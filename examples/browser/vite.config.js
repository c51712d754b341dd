// The browser demo's dev server (`npx vite examples/browser`, or the test that drives it):
// reckit from the built package (dist/), and COOP/COEP headers so the page is cross-origin
// isolated and reckit picks its threaded wasm backend.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { reckit: `${repo}dist/browser.js` } },
  optimizeDeps: { exclude: ['reckit'] },
  assetsInclude: ['**/*.safetensors'],
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    fs: { allow: [repo] },
  },
});
