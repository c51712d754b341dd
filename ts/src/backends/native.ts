import { asyncKernelNames, type AsyncKernels, type Kernels, type TableName, tableNames } from './kernels.js';
import type { Backend } from './types.js';
import { nodeRequire } from './env.js';

/** The addon: every table kernel, and `<name>Async` for the table's async ones. */
type Addon = Record<TableName | `${TableName}Async`, (...a: unknown[]) => unknown>;

/**
 * The napi-rs addon, loaded synchronously through napi's generated loader (a local `.node`
 * file, else the `reckit-<platform>` package). Async calls copy their arguments and run on
 * rayon's pool (crates/node/src/lib.rs); the sync kernels a wasm worker also answers resolve
 * with their sync result here.
 */
export function loadNative(): Backend {
  const addon: Addon = nodeRequire()('../native/index.cjs');
  const sync = Object.fromEntries(tableNames.map((name) => [name, addon[name]]));
  return {
    name: 'native',
    sharedLayers: true,
    sync: { ...sync, memoryBytes: () => process.memoryUsage.rss() } as Kernels,
    async: Object.fromEntries(
      asyncKernelNames.map((name) => [name, addon[`${name}Async`] ?? (async (...a: unknown[]) => addon[name](...a))]),
    ) as AsyncKernels,
  };
}
