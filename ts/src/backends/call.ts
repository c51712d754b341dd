/**
 * Calls a kernel of the active backend, on this thread or off it. Kernel errors read
 * `"<argument>: <problem>"` and are rethrown as the class their kind names.
 */
import { current } from './registry.js';
import type { AsyncKernelName, Kernels } from './kernels.js';
import type { GroupKeys } from '../arguments.js';

/**
 * Error classes by the `code` a kernel's error carries: its kind in the core
 * (crates/core/src/error.rs, `ErrorKind::code`), the same on native and wasm, sync and async.
 * Other errors (a bug, a backend that failed to load) pass through unchanged.
 */
const CLASSES: Record<string, ErrorConstructor> = { InvalidArg: RangeError, ObjectExpected: TypeError };

export function rethrow(e: unknown, groups?: GroupKeys): never {
  const Class = e instanceof Error ? CLASSES[(e as { code?: string }).code ?? ''] : undefined;
  if (!Class) throw e;
  let message = (e as Error).message;
  // The core numbers groups; the caller named them.
  const missing = /^groupWeights: has no weight for group (\d+)$/.exec(message);
  if (missing && groups) message = `groupWeights: has no weight for group ${String(groups.nameOf(Number(missing[1])))}`;
  throw new Class(message);
}

type Fn<K extends keyof Kernels> = Kernels[K] extends (...a: infer A) => infer R ? [A, R] : never;

/** Runs kernel `name` on the calling thread. */
export function run<K extends keyof Kernels>(name: K, args: Fn<K>[0], groups?: GroupKeys): Fn<K>[1] {
  try {
    return (current().sync[name] as (...a: unknown[]) => Fn<K>[1])(...(args as unknown[]));
  } catch (e) {
    rethrow(e, groups);
  }
}

/** Runs kernel `name` off the calling thread (native: rayon's pool; wasm: a worker). */
export function runAsync<K extends AsyncKernelName>(name: K, args: Fn<K>[0], groups?: GroupKeys): Promise<Fn<K>[1]> {
  const call = current().async[name] as (...a: unknown[]) => Promise<Fn<K>[1]>;
  return call(...(args as unknown[])).catch((e) => rethrow(e, groups));
}
