import { asyncKernelNames, type AsyncKernels } from './kernels.js';
import type { WasmName } from './wasm-kernels.js';
import { isNode, nodeRequire } from './env.js';

interface Port {
  post(message: unknown): void;
  /** Node: keep the process alive only while calls are pending. */
  hold(busy: boolean): void;
}

/** The async kernels of a worker, and which worker serves them now. */
export interface WorkerKernels {
  kernels: AsyncKernels;
  /**
   * Counts the workers that died. A layer created in the worker holds its id only while this
   * stays the same: the next worker starts with no layers, and reuses their ids (nn/layers.ts).
   */
  epoch(): number;
}

/**
 * Async kernels served by one lazily started worker (a Web Worker in browsers, a
 * worker_threads Worker in Node) running `worker.js` with the same wasm flavour. Arguments are
 * copied to the worker (structured clone); the caller's arrays stay usable.
 *
 * If the worker dies (an error, an exit, `terminate()`), every pending call rejects with the
 * reason and the next call starts a new worker.
 */
export function workerKernels(name: WasmName, threads?: number): WorkerKernels {
  const pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  let nextId = 0;
  let port: Port | undefined;
  let epoch = 0;

  const settle = (from: Port, data: { id: number; value?: unknown; error?: { message: string; code?: string }; fatal?: boolean }) => {
    const call = pending.get(data.id);
    if (call) {
      pending.delete(data.id);
      port?.hold(pending.size > 0);
      if (data.error === undefined) call.resolve(data.value);
      else call.reject(Object.assign(new Error(data.error.message), { code: data.error.code }));
    }
    // The worker's instance trapped and the worker is ending (a closing Web Worker says nothing more).
    if (data.fatal) died(from, 'its wasm instance trapped');
  };

  /** The worker `of` died: its calls fail and the next call starts another. */
  const died = (of: Port, why: string) => {
    if (port !== of) return; // an older worker's late event
    port = undefined;
    epoch++;
    const error = new Error(`reckit: the ${name} worker stopped (${why}); the call did not complete. The next call starts a new worker.`);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };

  const start = (): Port => {
    const url = new URL('./worker.js', import.meta.url);
    if (isNode) {
      const { Worker } = nodeRequire()('node:worker_threads');
      // Started from a one-line eval that imports worker.js, not from the file itself: a worker
      // inherits the process's flags, and `--input-type` (as in `node --input-type=module -e …`)
      // refuses a worker's file but applies to eval code, which import() serves in either mode.
      const worker = new Worker(`import(${JSON.stringify(url.href)})`, { eval: true });
      const p: Port = { post: (m) => worker.postMessage(m), hold: (busy) => (busy ? worker.ref() : worker.unref()) };
      worker.on('message', (m: Parameters<typeof settle>[1]) => settle(p, m));
      worker.on('error', (e: Error) => died(p, e.message));
      worker.on('exit', (code: number) => died(p, `exit code ${code}`));
      worker.unref();
      return p;
    }
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const p: Port = { post: (m) => worker.postMessage(m), hold: () => {} };
    worker.onmessage = (e: MessageEvent) => settle(p, e.data);
    worker.onerror = (e: ErrorEvent) => died(p, e.message || 'an error');
    // A terminated Web Worker sends no event: hear of it from the instance.
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      terminate();
      died(p, 'terminated');
    };
    return p;
  };

  const call = (fn: keyof AsyncKernels, args: unknown[]) =>
    new Promise<any>((resolve, reject) => {
      if (!port) {
        port = start();
        port.post({ init: { name, threads } });
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.hold(true);
      port.post({ id, fn, args });
    });

  return {
    kernels: Object.fromEntries(asyncKernelNames.map((name) => [name, (...args: unknown[]) => call(name, args)])) as AsyncKernels,
    epoch: () => epoch,
  };
}
