import type { Backend, Kernels } from './types.js';
import { nodeRequire } from './env.js';

type Addon = Kernels & {
  aucAsync: Backend['async']['auc'];
  gaucAsync: Backend['async']['gauc'];
};

/**
 * The napi-rs addon, loaded synchronously through napi's generated loader (a local
 * `.node` file, else the `reckit-<platform>` package). Async calls are napi `AsyncTask`s
 * on libuv's thread pool; kernels parallelise with rayon.
 */
export function loadNative(): Backend {
  const addon: Addon = nodeRequire()('../native/index.cjs');
  return {
    name: 'native',
    sync: addon,
    async: { auc: addon.aucAsync, gauc: addon.gaucAsync, threads: async () => addon.threads() },
  };
}
