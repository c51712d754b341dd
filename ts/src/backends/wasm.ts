import type { Backend } from './types.js';
import { loadWasmKernels, type WasmName } from './wasm-kernels.js';
import { workerKernels } from './worker-client.js';

/**
 * A wasm backend: sync calls run in this thread; async calls run in a dedicated worker that
 * instantiates the same flavour, so they never block the caller.
 */
export async function loadWasm(name: WasmName, threads?: number): Promise<Backend> {
  const sync = await loadWasmKernels(name, threads, true);
  const worker = workerKernels(name, threads);
  return { name, sharedLayers: false, sync: sync.kernels, syncEpoch: sync.epoch, async: worker.kernels, asyncEpoch: worker.epoch };
}
