/**
 * One wasm flavour instantiated in the current thread: what the sync calls run on, and what the
 * async worker (worker.ts) runs. Imports no worker code, so the worker bundle holds only this.
 */
import type { BackendName } from './types.js';
import { tableNames, type Kernels, type TableKernels } from './kernels.js';
import { isNode, nodeRequire } from './env.js';

/** The functions wasm-bindgen generates for crates/wasm: the kernel table, and set-up. */
export interface WasmExports extends TableKernels {
  default(init?: { module_or_path: unknown }): Promise<{ memory: WebAssembly.Memory }>;
  initSync(init: { module: BufferSource }): { memory: WebAssembly.Memory };
  /** A new instance of the same module (appended by scripts/build-wasm.sh). */
  __reckit_reset(): { memory: WebAssembly.Memory };
  initThreadPool?(threads: number): Promise<void>;
  setParallel(enabled: boolean): void;
}

/** Literal paths, so that bundlers (Vite) see and bundle both flavours. */
const importers: Record<'wasm-simd' | 'wasm-threads', () => Promise<WasmExports>> = {
  'wasm-simd': () => import('../wasm/simd/index.js' as string),
  'wasm-threads': () => import('../wasm/threads/index.js' as string),
};

export type WasmName = Exclude<BackendName, 'native'>;

/** The kernels of one wasm instance, and how many instances trapped and were replaced. */
export interface WasmKernels {
  kernels: Kernels;
  epoch(): number;
}

/**
 * Instantiates one wasm flavour in this thread and returns its kernels. With `replaceOnTrap`,
 * a call that traps (an abort inside Rust, which leaves the instance unusable) fails with a
 * clear error and the instance is replaced, so the next call works; layers it held are loaded
 * again by nn/layers.ts. The async worker passes false: it ends instead (worker.ts).
 */
export async function loadWasmKernels(name: WasmName, threads: number | undefined, replaceOnTrap: boolean): Promise<WasmKernels> {
  const wasm = await importers[name]();
  let instance: { memory: WebAssembly.Memory };
  if (isNode) {
    instance = wasm.initSync({ module: wasmBytes(name) });
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
  return kernelsOf(wasm, instance, mayBlock, replaceOnTrap);
}

/** Node: a flavour's .wasm file (wasm-bindgen's web target would fetch it by URL). */
export function wasmBytes(name: WasmName): BufferSource {
  const fs = nodeRequire()('node:fs');
  const dir = name === 'wasm-simd' ? 'simd' : 'threads';
  return fs.readFileSync(new URL(`../wasm/${dir}/index_bg.wasm`, import.meta.url));
}

/** The kernels of an initialised instance (see {@link loadWasmKernels} for `replaceOnTrap`). */
export function kernelsOf(wasm: WasmExports, first: { memory: WebAssembly.Memory }, mayBlock: boolean, replaceOnTrap: boolean): WasmKernels {
  let instance = first;
  wasm.setParallel(mayBlock);
  let epoch = 0;
  const guard =
    (kernel: keyof TableKernels) =>
    (...args: unknown[]) => {
      try {
        return (wasm[kernel] as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        if (!(e instanceof WebAssembly.RuntimeError) || !replaceOnTrap) throw e;
        instance = wasm.__reckit_reset();
        wasm.setParallel(mayBlock);
        epoch++;
        throw new Error(`reckit: the wasm instance stopped on this call (${e.message}) and was replaced; the next call runs on a new one`);
      }
    };
  return {
    kernels: {
      ...(Object.fromEntries(tableNames.map((name) => [name, guard(name)])) as TableKernels),
      memoryBytes: () => instance.memory.buffer.byteLength,
    } satisfies Kernels,
    epoch: () => epoch,
  };
}
