import { asyncKernelNames, type AsyncKernels, type Backend, type Kernels } from './types.js';
import { nodeRequire } from './env.js';

/**
 * The addon: every kernel, and an `…Async` twin (a napi AsyncTask) of each costly async one;
 * the cheap ones (threads, layerCreate, …) resolve with the sync result.
 */
type Addon = Kernels & { [K in keyof AsyncKernels as `${K}Async`]?: AsyncKernels[K] };

/**
 * The napi-rs addon, loaded synchronously through napi's generated loader (a local
 * `.node` file, else the `reckit-<platform>` package). Async calls are napi `AsyncTask`s
 * on libuv's thread pool; kernels parallelise with rayon.
 */
export function loadNative(): Backend {
  const addon: Addon = nodeRequire()('../native/index.cjs');
  return {
    name: 'native',
    sharedLayers: true,
    sync: { ...addon, memoryBytes: () => process.memoryUsage.rss() },
    async: Object.fromEntries(
      asyncKernelNames.map((name) => [name, addon[`${name}Async` as keyof Addon] ?? (async (...a: unknown[]) => (addon[name] as Function)(...a))]),
    ) as AsyncKernels,
  };
}
