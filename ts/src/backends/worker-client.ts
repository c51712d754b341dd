import { asyncKernelNames, type AsyncKernels } from './kernels.js';
import type { WasmName } from './wasm-kernels.js';
import { isNode, nodeRequire } from './env.js';

interface Port {
  post(message: unknown): void;
  /** Node: keep the process alive only while calls are pending. */
  hold(busy: boolean): void;
}

/**
 * Async kernels served by one lazily started worker (a Web Worker in browsers, a
 * worker_threads Worker in Node) running `worker.js` with the same wasm flavour. Arguments are
 * copied to the worker (structured clone); the caller's arrays stay usable.
 */
export function workerKernels(name: WasmName, threads?: number): AsyncKernels {
  const pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  let nextId = 0;
  let port: Port | undefined;

  const settle = (data: { id: number; value?: unknown; error?: { message: string; code?: string } }) => {
    const call = pending.get(data.id);
    if (!call) return;
    pending.delete(data.id);
    port?.hold(pending.size > 0);
    if (data.error === undefined) call.resolve(data.value);
    else call.reject(Object.assign(new Error(data.error.message), { code: data.error.code }));
  };
  const failAll = (error: unknown) => {
    for (const call of pending.values()) call.reject(error instanceof Error ? error : new Error(String(error)));
    pending.clear();
    port = undefined;
  };

  const start = (): Port => {
    const url = new URL('./worker.js', import.meta.url);
    if (isNode) {
      const { Worker } = nodeRequire()('node:worker_threads');
      const worker = new Worker(url);
      worker.on('message', settle);
      worker.on('error', failAll);
      worker.unref();
      return { post: (m) => worker.postMessage(m), hold: (busy) => (busy ? worker.ref() : worker.unref()) };
    }
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent) => settle(e.data);
    worker.onerror = (e: ErrorEvent) => failAll(new Error(`reckit worker failed: ${e.message}`));
    return { post: (m) => worker.postMessage(m), hold: () => {} };
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

  return Object.fromEntries(asyncKernelNames.map((name) => [name, (...args: unknown[]) => call(name, args)])) as AsyncKernels;
}
