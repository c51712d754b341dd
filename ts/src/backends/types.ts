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
  /** wasm: which instance serves `sync` now, counting replacements after traps (layer ids are per instance). */
  syncEpoch?: () => number;
  /** wasm: which async worker serves `async` now (a layer's worker id is valid in one only). */
  asyncEpoch?: () => number;
  sync: Kernels;
  async: AsyncKernels;
}
