/**
 * Which backends loaded, which one is in use, and why the others did not load. The loading
 * itself is platform code, registered by the entry point: node-platform.ts (the package's
 * `node` export: native, else wasm-simd, both at import) or browser-platform.ts (the `default`
 * export: wasm-threads on cross-origin-isolated pages, else wasm-simd, on `init()`). So a
 * browser bundle holds no Node code, and Node loads no browser worker.
 */
import type { Backend, BackendName } from './types.js';
import { nodeProcess } from './env.js';

export interface InitOptions {
  /**
   * Load and use this backend only (it throws if it cannot load here). By default `init()`
   * loads the fastest backend this environment runs, falling back to the next when one fails.
   */
  backend?: BackendName;
  /** Threads for `wasm-threads` (default: navigator.hardwareConcurrency). */
  threads?: number;
  /**
   * Browsers: the URL of a copy of the package's `dist/` directory, for bundlers that do not
   * emit the wasm files and workers referenced with `new URL('…', import.meta.url)` (esbuild,
   * Rollup without plugins) or setups that move them. The wasm builds and the worker are then
   * loaded from `<assetsUrl>wasm/…` and `<assetsUrl>backends/worker.js`. See docs/bundlers.md.
   */
  assetsUrl?: string | URL;
  /**
   * How long the async worker may take to start, in ms (default 10 000). wasm-threads starts
   * its worker pool in `init()`: if it is not ready in time (a worker file that cannot load),
   * `init()` falls back to wasm-simd and says why in a warning.
   */
  workerTimeout?: number;
}

/** How a platform loads backends. */
export interface Platform {
  /** The backends it can run, fastest first. */
  preference: BackendName[];
  /** Why a backend cannot be tried here now (not only in general: a page that is not cross-origin isolated). */
  unavailable(name: BackendName): string | undefined;
  load(name: BackendName, options: InitOptions): Promise<Backend>;
}

const loaded = new Map<BackendName, Backend>();
const loading = new Map<BackendName, Promise<Backend>>();
const failures = new Map<BackendName, unknown>();
let active: Backend | undefined;
let platform: Platform | undefined;

const names: BackendName[] = ['native', 'wasm-simd', 'wasm-threads'];
// An empty RECKIT_BACKEND counts as unset (a shell's `RECKIT_BACKEND= node …`).
export const forced = (nodeProcess?.env.RECKIT_BACKEND || undefined) as BackendName | undefined;

if (forced !== undefined && !(names as string[]).includes(forced)) {
  throw new RangeError(`RECKIT_BACKEND=${forced} is not a backend; use native, wasm-simd or wasm-threads`);
}

/** Called once, by the entry point, before anything else runs. */
export function usePlatform(p: Platform): void {
  platform = p;
}

export function record(name: BackendName, backend: Backend | undefined, error?: unknown): void {
  if (backend) {
    loaded.set(name, backend);
    failures.delete(name);
  } else {
    failures.set(name, error);
  }
}

/** Uses the first loaded backend of `order` (RECKIT_BACKEND, else the platform's preference). */
export function choose(order: BackendName[] = forced ? [forced] : platform!.preference): void {
  active = order.map((n) => loaded.get(n)).find((b) => b !== undefined) ?? active;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Loads a backend once: one that failed (at import, or in an earlier init) is not tried again. */
async function load(name: BackendName, options: InitOptions): Promise<{ backend?: Backend; failedNow?: boolean }> {
  if (loaded.has(name)) return { backend: loaded.get(name) };
  if (failures.has(name)) return {};
  const why = platform!.unavailable(name);
  if (why !== undefined) {
    failures.set(name, new Error(why));
    return {};
  }
  let pending = loading.get(name);
  if (!pending) {
    pending = platform!.load(name, options);
    loading.set(name, pending);
  }
  try {
    const backend = await pending;
    record(name, backend);
    return { backend };
  } catch (e) {
    record(name, undefined, e);
    return { failedNow: true };
  } finally {
    loading.delete(name);
  }
}

/**
 * Loads the fastest backend this environment runs (or `options.backend`, or RECKIT_BACKEND) and
 * uses it. Only what is used is loaded: a browser that runs wasm-threads never fetches
 * wasm-simd. When a backend fails to load, the next one is tried and a warning says why.
 * Always settles: worker start-up is bounded by `workerTimeout`.
 */
export async function init(options: InitOptions = {}): Promise<BackendName> {
  const order = options.backend ? [options.backend] : forced ? [forced] : platform!.preference;
  for (const [i, name] of order.entries()) {
    const { backend, failedNow } = await load(name, options);
    if (backend) break;
    // A backend this place cannot run (a page without COOP/COEP) is expected, and one that failed
    // before was reported then; one that failed now is news.
    const next = order[i + 1];
    if (next && failedNow) console.warn(`reckit: ${name} did not load (${message(failures.get(name))}); using ${next}`);
  }
  if (options.backend) {
    if (!loaded.has(options.backend)) throw new Error(`reckit: backend '${options.backend}' could not be loaded: ${message(failures.get(options.backend))}`);
    active = loaded.get(options.backend);
  } else {
    choose(order);
  }
  return current().name;
}

/** The backend in use; throws with every loading error when none loaded. */
export function current(): Backend {
  if (active) return active;
  const why = [...failures].map(([n, e]) => `  ${n}: ${message(e)}`).join('\n');
  throw new Error(
    failures.size
      ? `reckit: no backend could be loaded${forced ? ` (RECKIT_BACKEND=${forced})` : ''}:\n${why}`
      : 'reckit: no backend loaded yet; call `await init()` first',
  );
}

/** The backends loaded so far, fastest first. */
export function availableBackends(): BackendName[] {
  return names.filter((n) => loaded.has(n));
}

/** Switches to a loaded backend (`init({ backend })` loads one that is not). */
export function setBackend(name: BackendName): void {
  const backend = loaded.get(name);
  if (!backend) {
    const why = failures.get(name) ?? (platform!.preference.includes(name) ? undefined : platform!.unavailable(name));
    throw new Error(
      `reckit: backend '${name}' is not loaded` +
        (why ? `: ${message(why)}` : `; loaded: ${availableBackends().join(', ') || 'none'} (load it with \`await init({ backend: '${name}' })\`)`),
    );
  }
  active = backend;
}

export interface BackendInfo {
  name: BackendName;
  /** 'avx512' | 'avx2' | 'portable' | 'simd128'. */
  simd: string;
  /**
   * Threads a sync call uses here. wasm-threads on a page's main thread: 1 (it cannot block);
   * its async calls, and sync calls made in a worker, use the whole pool.
   */
  threads: number;
}

export function backendInfo(): BackendInfo {
  const b = current();
  return { name: b.name, simd: b.sync.simdLevel(), threads: b.sync.threads() };
}

/** Threads the active backend's async calls use (measured where they run: the worker, for wasm). */
export function asyncThreads(): Promise<number> {
  return current().async.threads();
}
