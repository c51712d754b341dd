import type { Backend } from './types.js';
import { kernelsOf, loadWasmKernels, wasmBytes, type WasmExports, type WasmKernels, type WasmName } from './wasm-kernels.js';
import { workerKernels } from './worker-client.js';
// Imported statically so that Node can instantiate wasm-simd synchronously at import (when the
// native addon cannot load); the module is wasm-bindgen's glue (built by scripts/build-wasm.sh,
// typed by its own index.d.ts), and fetches nothing until it is initialised.
// @ts-ignore: dist/wasm/simd exists only after the build
import * as simdGlue from '../wasm/simd/index.js';

/**
 * A wasm backend: sync calls run in this thread; async calls run in a dedicated worker that
 * instantiates the same flavour, so they never block the caller.
 */
export async function loadWasm(name: WasmName, threads?: number): Promise<Backend> {
  return backendOf(name, await loadWasmKernels(name, threads, true), threads);
}

/** Node: wasm-simd instantiated synchronously, from the file beside this module. */
export function loadWasmSimdSync(): Backend {
  const glue = simdGlue as WasmExports;
  return backendOf('wasm-simd', kernelsOf(glue, glue.initSync({ module: wasmBytes('wasm-simd') }), true, true));
}

function backendOf(name: WasmName, sync: WasmKernels, threads?: number): Backend {
  const worker = workerKernels(name, threads);
  return { name, sharedLayers: false, sync: sync.kernels, syncEpoch: sync.epoch, async: worker.kernels, asyncEpoch: worker.epoch };
}
