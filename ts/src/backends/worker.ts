/**
 * The worker behind the wasm backends' async kernels: instantiates one wasm flavour (named by
 * the first message) and answers `{ id, fn, args }` with `{ id, value }` or `{ id, error }`.
 */
import type { AsyncKernelName, Kernels } from './kernels.js';
import { loadWasmKernels } from './wasm-kernels.js';
import { isNode, nodeRequire } from './env.js';

type Message = { init: { name: 'wasm-simd' | 'wasm-threads'; threads?: number } } | { id: number; fn: AsyncKernelName; args: unknown[] };

const port: { post(m: unknown): void; listen(f: (m: Message) => void): void } = isNode
  ? (() => {
      const { parentPort } = nodeRequire()('node:worker_threads');
      return { post: (m) => parentPort.postMessage(m), listen: (f) => parentPort.on('message', f) };
    })()
  : { post: (m) => postMessage(m), listen: (f) => addEventListener('message', (e) => f((e as MessageEvent).data)) };

let kernels: Promise<Kernels> | undefined;

port.listen(async (message) => {
  if ('init' in message) {
    kernels = loadWasmKernels(message.init.name, message.init.threads);
    return;
  }
  const { id, fn, args } = message;
  try {
    const k = await kernels!;
    const value = (k[fn] as (...a: unknown[]) => unknown)(...args);
    port.post({ id, value });
  } catch (e) {
    // Errors cross as their message and kind (`code`), so the caller rethrows the same class.
    const error = e instanceof Error ? { message: e.message, code: (e as { code?: string }).code } : { message: String(e) };
    port.post({ id, error });
  }
});
