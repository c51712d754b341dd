/**
 * The kernel table, checked at build time (scripts/build.sh runs `tsc -p ts/test/types`): the
 * `.d.ts` napi-rs and wasm-bindgen generate from crates/core/src/kernels/table.rs must offer
 * exactly the kernels ts/src/backends/kernels.ts declares, with signatures the facade can call.
 * A kernel added, renamed or retyped on one side only is a type error here.
 */
import type * as Native from '../../../dist/native/index.js';
import type * as WasmSimd from '../../../dist/wasm/simd/reckit_simd.js';
import type * as WasmThreads from '../../../dist/wasm/threads/reckit_threads.js';
import type { AsyncTableName, Kernels, TableKernels, TableName } from '../../src/backends/kernels.js';

type NativeAsync = {
  [K in AsyncTableName as `${K}Async`]: (...args: Parameters<Kernels[K]>) => Promise<ReturnType<Kernels[K]>>;
};
/** napi-rs's loader export besides the table. */
type NativeSetUp = '__napiBindingTarget';
/** wasm-bindgen's own exports besides the table. */
type WasmSetUp = 'default' | 'initSync' | 'setParallel' | 'initThreadPool' | '__reckit_reset' | '__reckit_module' | '__reckit_memory' | `wbg_rayon_${string}`;

/** `true` when `A` has no key outside `Allowed`. */
type Only<A, Allowed extends PropertyKey> = [Exclude<keyof A, Allowed>] extends [never] ? true : Exclude<keyof A, Allowed>;

// Every kernel, callable as declared (each signature assignable to the facade's).
export const native: TableKernels & NativeAsync = {} as typeof Native;
export const wasmSimd: TableKernels = {} as typeof WasmSimd;
export const wasmThreads: TableKernels = {} as typeof WasmThreads;

// And nothing more: a kernel in the table but not in kernels.ts shows its name here.
export const nativeOnly: Only<typeof Native, keyof (TableKernels & NativeAsync) | NativeSetUp> = true;
export const wasmSimdOnly: Only<typeof WasmSimd, TableName | WasmSetUp> = true;
export const wasmThreadsOnly: Only<typeof WasmThreads, TableName | WasmSetUp> = true;
