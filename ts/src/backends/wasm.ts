import type { Backend } from './types.js';
import { kernelsOf, type WasmExports, type WasmName } from './wasm-kernels.js';
import { workerKernels, type SpawnWorker } from './worker-client.js';

/** A wasm backend, and its worker's start-up. */
export interface WasmBackend extends Backend {
  /** Starts the async worker (and its pool) if it is not running; settles within the start timeout. */
  workerReady(): Promise<void>;
}

/** How long a wasm backend's async worker (and its pool) may take to start, unless `init({ workerTimeout })` says. */
export const defaultWorkerTimeout = 10_000;

export interface WasmBackendOptions {
  /** Whether rayon may run on this thread (see kernelsOf). */
  mayBlock: boolean;
  threads?: number;
  workerTimeout: number;
}

/**
 * A wasm backend over an initialised glue: sync calls run in this thread; async calls run in a
 * worker that instantiates the same compiled module, so they never block the caller.
 */
export function wasmBackend(name: WasmName, glue: WasmExports, spawn: SpawnWorker, options: WasmBackendOptions): WasmBackend {
  const sync = kernelsOf(glue, options.mayBlock, true);
  const worker = workerKernels(name, spawn, { module: glue.__reckit_module(), threads: options.threads, startTimeout: options.workerTimeout });
  return {
    name,
    sharedLayers: false,
    sync: sync.kernels,
    syncEpoch: sync.epoch,
    async: worker.kernels,
    asyncEpoch: worker.epoch,
    workerReady: worker.ready,
  };
}
