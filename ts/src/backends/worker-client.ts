import { asyncKernelNames, type AsyncKernels } from './kernels.js';
import type { WasmName } from './wasm-kernels.js';

/** What the client hears from a worker. */
export interface WorkerEvents {
  message(data: Reply): void;
  /** The worker failed to load, threw, exited or was terminated. */
  died(why: string): void;
}

/** A started worker (a Web Worker in browsers, a worker_threads Worker in Node). */
export interface WorkerPort {
  post(message: unknown): void;
  /** Node: keep the process alive only while calls are pending. */
  hold(busy: boolean): void;
  terminate(): void;
}

/** Starts a worker running worker.js: platform code (node-platform.ts, browser-platform.ts). */
export type SpawnWorker = (events: WorkerEvents) => WorkerPort;

type Reply =
  | { ready: true }
  | { ready: false; error: string }
  | { id: number; value?: unknown; error?: { message: string; code?: string }; fatal?: boolean };

/** The async kernels of a worker, and which worker serves them now. */
export interface WorkerKernels {
  kernels: AsyncKernels;
  /**
   * Counts the workers that died. A layer created in the worker holds its id only while this
   * stays the same: the next worker starts with no layers, and reuses their ids (nn/layers.ts).
   */
  epoch(): number;
  /** Starts the worker if it is not running; resolves when it can take calls, rejects if it died first. */
  ready(): Promise<void>;
}

export interface WorkerOptions {
  /** The compiled module the worker instantiates (the one the calling thread runs), so nothing is fetched twice. */
  module: WebAssembly.Module;
  /** Threads of the worker's rayon pool (wasm-threads). */
  threads?: number;
  /** How long a worker may take to start (load, instantiate, start its pool) before it counts as dead, in ms. */
  startTimeout: number;
}

/**
 * Async kernels served by one lazily started worker running `worker.js` with the same wasm
 * flavour. Arguments are copied to the worker (structured clone); the caller's arrays stay usable.
 *
 * If the worker dies (an error, an exit, `terminate()`, or no `ready` within `startTimeout`:
 * a worker whose own workers cannot load would otherwise wait forever), every pending call
 * rejects with the reason and the next call starts a new worker.
 */
export function workerKernels(name: WasmName, spawn: SpawnWorker, options: WorkerOptions): WorkerKernels {
  const pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  let nextId = 0;
  let epoch = 0;
  let current: { port: WorkerPort; started: Promise<void> } | undefined;

  const start = () => {
    let port: WorkerPort;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let starting: { resolve(): void; reject(e: Error): void };
    const started = new Promise<void>((resolve, reject) => (starting = { resolve, reject }));
    started.catch(() => {}); // a caller that never asks for ready() is told through its call
    const died = (why: string) => {
      clearTimeout(timer);
      if (current?.port !== port) return; // an older worker's late event
      current = undefined;
      epoch++;
      port.terminate();
      const error = new Error(`reckit: the ${name} worker stopped (${why}); the call did not complete. The next call starts a new worker.`);
      starting.reject(new Error(`reckit: the ${name} worker did not start (${why})`));
      for (const call of pending.values()) call.reject(error);
      pending.clear();
    };
    port = spawn({
      died,
      message(data) {
        if ('ready' in data) {
          clearTimeout(timer);
          if (data.ready) starting.resolve();
          else died(data.error);
          return;
        }
        const call = pending.get(data.id);
        if (call) {
          pending.delete(data.id);
          port.hold(pending.size > 0);
          if (data.error === undefined) call.resolve(data.value);
          else call.reject(Object.assign(new Error(data.error.message), { code: data.error.code }));
        }
        // The worker's instance trapped and the worker is ending.
        if (data.fatal) died('its wasm instance trapped');
      },
    });
    current = { port, started };
    port.post({ init: { name, module: options.module, threads: options.threads } });
    port.hold(true);
    timer = setTimeout(() => died(`it was not ready within ${options.startTimeout / 1000} s`), options.startTimeout);
    void started.then(() => port.hold(pending.size > 0), () => {});
    return current;
  };

  const call = (fn: keyof AsyncKernels, args: unknown[]) =>
    new Promise<any>((resolve, reject) => {
      const { port } = current ?? start();
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.hold(true);
      port.post({ id, fn, args });
    });

  return {
    kernels: Object.fromEntries(asyncKernelNames.map((name) => [name, (...args: unknown[]) => call(name, args)])) as AsyncKernels,
    epoch: () => epoch,
    ready: () => (current ?? start()).started,
  };
}
