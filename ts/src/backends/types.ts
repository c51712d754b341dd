import type { AsyncKernels, Kernels } from './kernels.js';

/** The three builds of reckit's Rust core. */
export type BackendName = 'native' | 'wasm-simd' | 'wasm-threads';

export type { Scores } from './kernels.js';

export interface Backend {
  name: BackendName;
  /**
   * Whether `async` runs on the same instance as `sync` (native: the addon's memory is shared
   * by every thread), so a layer's id is valid for both; wasm's async calls run in a worker
   * with its own instance, where a layer must be created again.
   */
  sharedLayers: boolean;
  sync: Kernels;
  async: AsyncKernels;
}
