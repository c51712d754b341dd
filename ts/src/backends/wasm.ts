import type { Backend, BackendName, Kernels } from './types.js';
import { isNode, nodeRequire } from './env.js';
import { workerKernels } from './worker-client.js';

/** Kernels whose wasm export has the facade's signature (scores of either precision). */
const direct = [
  'auc', 'gauc', 'rocCurve', 'prCurve', 'averagePrecision', 'ks', 'logLoss', 'binaryStats', 'rankingMetrics',
  'aucHistogram', 'aucFromHistogram', 'boxIou', 'loss', 'op', 'optimizerStateSlots', 'optimizerStep', 'matmul',
  'attention', 'layerCreate', 'layerForward', 'layerDispose', 'layerCount', 'readSafetensors',
] as const;

/** The functions wasm-bindgen generates for crates/wasm. */
interface WasmExports extends Pick<Kernels, (typeof direct)[number]> {
  default(init?: { module_or_path: unknown }): Promise<{ memory: WebAssembly.Memory }>;
  initSync(init: { module: BufferSource }): { memory: WebAssembly.Memory };
  initThreadPool?(threads: number): Promise<void>;
  setParallel(enabled: boolean): void;
  simdLevel(): string;
  threads(): number;
  releaseMemory(): void;
}

/** Literal paths, so that bundlers (Vite) see and bundle both flavours. */
const importers: Record<'wasm-simd' | 'wasm-threads', () => Promise<WasmExports>> = {
  'wasm-simd': () => import('../wasm/simd/index.js' as string),
  'wasm-threads': () => import('../wasm/threads/index.js' as string),
};

export type WasmName = Exclude<BackendName, 'native'>;

/** Instantiates one wasm flavour in this thread and returns its kernels. */
export async function loadWasmKernels(name: WasmName, threads?: number): Promise<Kernels> {
  const wasm = await importers[name]();
  let instance: { memory: WebAssembly.Memory };
  if (isNode) {
    // wasm-bindgen's web target fetches its .wasm by URL; in Node we read the file instead.
    const fs = nodeRequire()('node:fs');
    const dir = name === 'wasm-simd' ? 'simd' : 'threads';
    instance = wasm.initSync({ module: fs.readFileSync(new URL(`../wasm/${dir}/index_bg.wasm`, import.meta.url)) });
  } else {
    instance = await wasm.default();
  }
  // A page's main thread cannot block: rayon would spin there, competing with its own pool for
  // the cores (measured slower than one thread). So the threaded module runs sequentially on
  // the main thread, and in parallel in workers (including the one behind the async calls).
  const mayBlock = isNode || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
  if (wasm.initThreadPool && mayBlock) {
    await wasm.initThreadPool(threads ?? navigator.hardwareConcurrency);
  }
  wasm.setParallel(mayBlock);
  return {
    ...(Object.fromEntries(direct.map((name) => [name, wasm[name]])) as Pick<Kernels, (typeof direct)[number]>),
    simdLevel: () => wasm.simdLevel(),
    threads: () => wasm.threads(),
    releaseMemory: () => wasm.releaseMemory(),
    memoryBytes: () => instance.memory.buffer.byteLength,
  };
}

/**
 * A wasm backend: sync calls run in this thread; async calls run in a dedicated worker that
 * instantiates the same flavour, so they never block the caller.
 */
export async function loadWasm(name: WasmName, threads?: number): Promise<Backend> {
  const sync = await loadWasmKernels(name, threads);
  return { name, sharedLayers: false, sync, async: workerKernels(name, threads) };
}
