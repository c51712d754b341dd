/**
 * Node: the native addon loads synchronously when the package is imported, so scripts need no
 * `await init()`. If it cannot (no binary for this platform, an old glibc) or RECKIT_BACKEND asks
 * for it, wasm-simd loads synchronously instead (its bytes are on disk), with one warning that
 * says why native did not. Async wasm calls run in a worker_threads Worker.
 */
import { loadNative } from './native.js';
import { choose, forced, record, usePlatform, type InitOptions } from './registry.js';
import type { Backend, BackendName } from './types.js';
import { nodeRequire } from './env.js';
import { defaultWorkerTimeout, wasmBackend } from './wasm.js';
import type { WasmExports } from './wasm-kernels.js';
import type { SpawnWorker } from './worker-client.js';
// Imported statically, so that wasm-simd can be instantiated synchronously at import; it is
// wasm-bindgen's glue (scripts/build-wasm.sh), and fetches nothing until it is initialised.
// @ts-ignore: dist/wasm/simd exists only after the build
import * as simdGlue from '../wasm/simd/reckit_simd.js';


const spawn: SpawnWorker = (events) => {
  const { Worker } = nodeRequire()('node:worker_threads');
  // Started from a one-line eval that imports worker.js, not from the file itself: a worker
  // inherits the process's flags, and `--input-type` (as in `node --input-type=module -e …`)
  // refuses a worker's file but applies to eval code, which import() serves in either mode.
  const url = new URL('./worker.js', import.meta.url).href;
  const worker = new Worker(`import(${JSON.stringify(url)})`, { eval: true });
  worker.on('message', events.message);
  worker.on('error', (e: Error) => events.died(e.message));
  worker.on('exit', (code: number) => events.died(`exit code ${code}`));
  worker.unref();
  return {
    post: (m) => worker.postMessage(m),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => void worker.terminate(),
  };
};

let simd: Backend | undefined;

function loadWasmSimd(options: InitOptions): Backend {
  if (!simd) {
    const glue = simdGlue as WasmExports;
    const fs = nodeRequire()('node:fs');
    glue.initSync({ module: fs.readFileSync(new URL('../wasm/simd/reckit_simd_bg.wasm', import.meta.url)) });
    simd = wasmBackend('wasm-simd', glue, spawn, { mayBlock: true, workerTimeout: options.workerTimeout ?? defaultWorkerTimeout });
  }
  return simd;
}

usePlatform({
  preference: ['native', 'wasm-simd'],
  unavailable: (name: BackendName) => (name === 'wasm-threads' ? 'wasm-threads runs in browsers only (wasm-bindgen-rayon needs Web Workers)' : undefined),
  load: async (name, options) => (name === 'native' ? loadNative() : loadWasmSimd(options)),
});

/**
 * Why a backend did not load, in one line. napi's loader throws a generic message (it blames an
 * npm bug) with the real reasons chained in `cause`: the files and packages it tried.
 */
function reason(e: unknown): string {
  const tried: string[] = [];
  for (let c: unknown = e instanceof Error && e.cause ? e.cause : e; c; c = c instanceof Error ? c.cause : undefined) {
    tried.push((c instanceof Error ? c.message : String(c)).split('\n')[0]);
  }
  return tried.join('; ');
}

let native = false;
if ((forced ?? 'native') === 'native') {
  try {
    record('native', loadNative());
    native = true;
  } catch (e) {
    record('native', undefined, e);
    if (!forced) console.warn(`reckit: the native addon did not load (${reason(e)}); using wasm-simd`);
  }
}
if ((forced ?? 'wasm-simd') === 'wasm-simd' && !native) {
  try {
    record('wasm-simd', loadWasmSimd({}));
  } catch (e) {
    record('wasm-simd', undefined, e);
  }
}
choose();
