/**
 * One wasm flavour instantiated in the current thread: what the sync calls run on, and what the
 * async worker (worker.ts) runs. Imports no worker code and no Node module, so that browser
 * bundles and the worker bundle hold only this.
 */
import type { BackendName } from './types.js';
import { tableNames, type Kernels, type TableKernels } from './kernels.js';

/** The functions wasm-bindgen generates for crates/wasm: the kernel table, and set-up. */
export interface WasmExports extends TableKernels {
  default(init?: { module_or_path: WebAssembly.Module | string | URL }): Promise<unknown>;
  initSync(init: { module: BufferSource | WebAssembly.Module }): unknown;
  /** The compiled module of this instance, to instantiate again in a worker (appended by scripts/build-wasm.sh). */
  __reckit_module(): WebAssembly.Module;
  /** A new instance of the same module (appended by scripts/build-wasm.sh). */
  __reckit_reset(): unknown;
  /** The instance's memory (appended by scripts/build-wasm.sh). */
  __reckit_memory(): WebAssembly.Memory;
  initThreadPool?(threads: number): Promise<void>;
  setParallel(enabled: boolean): void;
}

export type WasmName = Exclude<BackendName, 'native'>;

/**
 * wasm-bindgen's glue of a flavour. Literal paths, so that bundlers split each flavour into its
 * own chunk, and fetch it (and its .wasm) only when it is used; the two builds have distinct
 * file names (reckit_simd_bg.wasm, reckit_threads_bg.wasm), so that bundlers that flatten
 * assets into one directory do not overwrite one with the other.
 */
export const importGlue: Record<WasmName, () => Promise<WasmExports>> = {
  'wasm-simd': () => import('../wasm/simd/reckit_simd.js' as string),
  'wasm-threads': () => import('../wasm/threads/reckit_threads.js' as string),
};

/** The kernels of one wasm instance, and how many instances trapped and were replaced. */
export interface WasmKernels {
  kernels: Kernels;
  epoch(): number;
}

/**
 * The kernels of an initialised instance. `mayBlock`: whether rayon may run here (not on a
 * page's main thread: it cannot block, and rayon would spin there, competing with its own pool
 * for the cores; measured slower than one thread). With `replaceOnTrap`, a call that traps (an
 * abort inside Rust, which leaves the instance unusable) fails with a clear error and the
 * instance is replaced, so the next call works; layers it held are loaded again by
 * nn/layers.ts. The async worker passes false: it ends instead (worker.ts).
 */
export function kernelsOf(wasm: WasmExports, mayBlock: boolean, replaceOnTrap: boolean): WasmKernels {
  wasm.setParallel(mayBlock);
  let epoch = 0;
  const guard =
    (kernel: keyof TableKernels) =>
    (...args: unknown[]) => {
      try {
        return (wasm[kernel] as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        if (!(e instanceof WebAssembly.RuntimeError) || !replaceOnTrap) throw e;
        wasm.__reckit_reset();
        wasm.setParallel(mayBlock);
        epoch++;
        throw new Error(`reckit: the wasm instance stopped on this call (${e.message}) and was replaced; the next call runs on a new one`);
      }
    };
  return {
    kernels: {
      ...(Object.fromEntries(tableNames.map((name) => [name, guard(name)])) as TableKernels),
      memoryBytes: () => wasm.__reckit_memory().buffer.byteLength,
    } satisfies Kernels,
    epoch: () => epoch,
  };
}
