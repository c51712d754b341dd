/**
 * Browsers (and Deno, Bun, workers): on `init()`, wasm-threads on cross-origin-isolated pages,
 * else wasm-simd; only the flavour in use is fetched. Asset URLs are written as
 * `new URL('…', import.meta.url)`, the pattern Vite and webpack 5 rewrite and emit; other setups
 * pass `init({ assetsUrl })` (docs/bundlers.md).
 */
import { usePlatform, type InitOptions } from './registry.js';
import type { Backend, BackendName } from './types.js';
import { canShareMemory } from './env.js';
import { defaultWorkerTimeout, wasmBackend } from './wasm.js';
import { importGlue, type WasmName } from './wasm-kernels.js';
import type { SpawnWorker } from './worker-client.js';

/** A worker (a page's worker, or reckit's own) may block: rayon runs there, not on a page's main thread. */
const mayBlock = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

const spawnFrom =
  (assetsUrl: string | URL | undefined): SpawnWorker =>
  (events) => {
    // Two literal `new Worker(new URL(…))` expressions: bundlers recognise only that shape.
    const worker = assetsUrl
      ? new Worker(new URL('backends/worker.js', assetsUrl), { type: 'module' })
      : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent) => events.message(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      events.died(
        e.message ||
          `its script did not load${assetsUrl ? ` from ${new URL('backends/worker.js', assetsUrl)}` : '; a bundler that does not emit workers (esbuild, Rollup) needs init({ assetsUrl }), see docs/bundlers.md'}`,
      );
    };
    // A terminated Web Worker sends no event: hear of it from the instance.
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      terminate();
      events.died('terminated');
    };
    return { post: (m) => worker.postMessage(m), hold: () => {}, terminate };
  };

async function load(name: WasmName, options: InitOptions): Promise<Backend> {
  const glue = await importGlue[name]();
  const file = name === 'wasm-simd' ? 'simd/reckit_simd_bg.wasm' : 'threads/reckit_threads_bg.wasm';
  // Without assetsUrl the glue fetches the file beside itself (where bundlers put it).
  await glue.default(options.assetsUrl === undefined ? undefined : { module_or_path: new URL(`wasm/${file}`, options.assetsUrl) });
  const workerTimeout = options.workerTimeout ?? defaultWorkerTimeout;
  if (mayBlock && glue.initThreadPool) {
    await bounded(glue.initThreadPool(options.threads ?? navigator.hardwareConcurrency), workerTimeout, 'its worker pool did not start');
  }
  const backend = wasmBackend(name, glue, spawnFrom(options.assetsUrl), { mayBlock, threads: options.threads, workerTimeout });
  // wasm-threads is chosen for its parallel async calls: prove its pool starts, or fall back.
  if (name === 'wasm-threads') await backend.workerReady();
  return backend;
}

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

usePlatform({
  preference: ['wasm-threads', 'wasm-simd'],
  unavailable: (name: BackendName) =>
    name === 'native'
      ? 'the native addon runs in Node only'
      : name === 'wasm-threads' && !canShareMemory
        ? 'wasm-threads needs a cross-origin-isolated page (COOP/COEP headers) with SharedArrayBuffer'
        : undefined,
  load: (name, options) => load(name as WasmName, options),
});
