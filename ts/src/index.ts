/**
 * reckit: evaluate and serve recommender models in JavaScript, on a Rust core built three ways
 * (native N-API addon, SIMD WebAssembly, threaded SIMD WebAssembly).
 *
 * ```js
 * import { init, auc, gauc } from 'reckit';
 * await init();              // optional in Node: the native addon loads at import
 * auc(labels, scores);       // exact, ties count ½
 * gauc(labels, scores, userIds);
 * ```
 */
export { init, availableBackends, setBackend, backendInfo, asyncThreads } from './backends/registry.js';
export type { InitOptions, BackendInfo } from './backends/registry.js';
export type { BackendName } from './backends/types.js';
export { auc, aucAsync, gauc, gaucAsync, gaucReport, gaucReportAsync, releaseMemory } from './metrics.js';
export type { AucOptions, GaucOptions, GaucReport, GroupWeighting } from './metrics.js';

import { current } from './backends/registry.js';

/** The name of the backend in use. */
export function backend() {
  return current().name;
}
