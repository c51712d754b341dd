/**
 * Which backends loaded, which one is in use, and why the others did not load.
 *
 * Node: `native` loads synchronously when this module is imported (so scripts need no
 * `await init()`); `wasm-simd` too when native cannot load or RECKIT_BACKEND asks for it. Browsers: `wasm-threads` on cross-origin-isolated
 * pages, and `wasm-simd`, both on `init()`. `RECKIT_BACKEND` forces one backend in Node.
 */
import type { Backend, BackendName } from './types.js';
import { canShareMemory, isNode, nodeProcess } from './env.js';
import { loadNative } from './native.js';
import { loadWasm, loadWasmSimdSync } from './wasm.js';

const loaded = new Map<BackendName, Backend>();
const failures = new Map<BackendName, unknown>();
let active: Backend | undefined;

/** Fastest first. */
const preference: BackendName[] = isNode ? ['native', 'wasm-simd'] : ['wasm-threads', 'wasm-simd'];
// An empty RECKIT_BACKEND counts as unset (a shell's `RECKIT_BACKEND= node …`).
const forced = (nodeProcess?.env.RECKIT_BACKEND || undefined) as BackendName | undefined;

if (forced !== undefined && !(['native', 'wasm-simd', 'wasm-threads'] as string[]).includes(forced)) {
  throw new RangeError(`RECKIT_BACKEND=${forced} is not a backend; use native, wasm-simd or wasm-threads`);
}

function record(name: BackendName, backend: Backend | undefined, error?: unknown): void {
  if (backend) {
    loaded.set(name, backend);
    failures.delete(name);
  } else {
    failures.set(name, error);
  }
}

/**
 * Why a backend did not load, in one line. napi's loader throws a generic message (it blames an
 * npm bug) with the real reasons chained in `cause`: the files and packages it tried.
 */
function reason(e: unknown): string {
  const tried: string[] = [];
  for (let c: unknown = e instanceof Error && e.cause ? e.cause : e; c; c = c instanceof Error ? c.cause : undefined) {
    tried.push((c instanceof Error ? c.message : String(c)).split('\n')[0]);
  }
  return tried.join('; ');
}

function choose(): void {
  const order = forced ? [forced] : preference;
  active = order.map((n) => loaded.get(n)).find((b) => b !== undefined);
}

// Backends this environment can never run, with the reason (shown by setBackend and current).
for (const name of ['native', 'wasm-simd', 'wasm-threads'] as BackendName[]) {
  if (!preference.includes(name)) {
    failures.set(name, new Error(isNode ? 'wasm-threads runs in browsers only (wasm-bindgen-rayon needs Web Workers)' : 'the native addon runs in Node only'));
  }
}

// Node: the native addon now, synchronously; if it cannot load (no binary for this platform,
// an old glibc) or wasm-simd is asked for, wasm-simd, also synchronously (its bytes are on
// disk). Either way the first call works without `await init()`.
if (isNode) {
  if ((forced ?? 'native') === 'native') {
    try {
      record('native', loadNative());
    } catch (e) {
      record('native', undefined, e);
    }
  }
  if (!loaded.has('native') && (forced ?? 'wasm-simd') === 'wasm-simd') {
    try {
      record('wasm-simd', loadWasmSimdSync());
      if (!forced) {
        console.warn(`reckit: the native addon did not load (${reason(failures.get('native'))}); using wasm-simd`);
      }
    } catch (e) {
      record('wasm-simd', undefined, e);
    }
  }
  choose();
}

export interface InitOptions {
  /** Threads for `wasm-threads` (default: navigator.hardwareConcurrency). */
  threads?: number;
}

/** Loads every backend this environment can run and selects the fastest (or RECKIT_BACKEND). */
export async function init(options: InitOptions = {}): Promise<BackendName> {
  const wanted = forced ? [forced] : preference;
  for (const name of wanted) {
    if (loaded.has(name)) continue;
    try {
      if (failures.has(name) && !preference.includes(name)) continue; // forced but impossible here
      if (name === 'native') {
        record(name, loadNative());
      } else {
        if (name === 'wasm-threads' && !canShareMemory) {
          throw new Error('wasm-threads needs a cross-origin-isolated page (COOP/COEP headers) with SharedArrayBuffer');
        }
        record(name, await loadWasm(name, options.threads));
      }
    } catch (e) {
      record(name, undefined, e);
    }
  }
  choose();
  return current().name;
}

/** The backend in use; throws with every loading error when none loaded. */
export function current(): Backend {
  if (active) return active;
  const why = [...failures].map(([n, e]) => `  ${n}: ${e instanceof Error ? e.message : String(e)}`).join('\n');
  throw new Error(
    failures.size
      ? `reckit: no backend could be loaded${forced ? ` (RECKIT_BACKEND=${forced})` : ''}:\n${why}`
      : 'reckit: no backend loaded yet; call `await init()` first',
  );
}

export function availableBackends(): BackendName[] {
  return preference.concat(forced && !preference.includes(forced) ? [forced] : []).filter((n) => loaded.has(n));
}

/** Switches to a loaded backend. */
export function setBackend(name: BackendName): void {
  const backend = loaded.get(name);
  if (!backend) {
    const why = failures.get(name);
    throw new Error(
      `reckit: backend '${name}' is not loaded` +
        (why ? `: ${why instanceof Error ? why.message : String(why)}` : `; loaded: ${availableBackends().join(', ') || 'none'} (did you await init()?)`),
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
