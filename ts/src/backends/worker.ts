/**
 * The worker behind the wasm backends' async kernels. The first message names the flavour and
 * carries the compiled module the caller runs (so nothing is fetched or compiled twice); the
 * worker instantiates it, starts its rayon pool (wasm-threads), and answers `{ ready }`. Then
 * it answers `{ id, fn, args }` with `{ id, value }` or `{ id, error }`.
 */
import type { AsyncKernelName, Kernels } from './kernels.js';
import { importGlue, kernelsOf, type WasmName } from './wasm-kernels.js';
import { isNode, nodeRequire } from './env.js';

type Message = { init: { name: WasmName; module: WebAssembly.Module; threads?: number } } | { id: number; fn: AsyncKernelName; args: unknown[] };

const port: { post(m: unknown): void; listen(f: (m: Message) => void): void } = isNode
  ? (() => {
      const { parentPort } = nodeRequire()('node:worker_threads');
      return { post: (m) => parentPort.postMessage(m), listen: (f) => parentPort.on('message', f) };
    })()
  : { post: (m) => postMessage(m), listen: (f) => addEventListener('message', (e) => f((e as MessageEvent).data)) };

let kernels: Promise<Kernels> | undefined;

async function load({ name, module, threads }: { name: WasmName; module: WebAssembly.Module; threads?: number }): Promise<Kernels> {
  const glue = await importGlue[name]();
  await glue.default({ module_or_path: module });
  // The pool's workers load wasm-bindgen-rayon's workerHelpers.js, which imports this glue
  // (scripts/build-wasm.sh makes that path resolvable without a bundler).
  if (glue.initThreadPool) await glue.initThreadPool(threads ?? navigator.hardwareConcurrency);
  return kernelsOf(glue, true, false).kernels;
}

port.listen(async (message) => {
  if ('init' in message) {
    kernels = load(message.init);
    kernels.then(
      () => port.post({ ready: true }),
      (e) => port.post({ ready: false, error: e instanceof Error ? e.message : String(e) }),
    );
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
    if (e instanceof WebAssembly.RuntimeError) {
      // A trap leaves the instance unusable: this call fails, and the worker ends so that the
      // next call starts a fresh one (worker-client.ts).
      port.post({ id, fatal: true, error: { message: `reckit: the wasm instance stopped on this call (${e.message}); the next call starts a new one` } });
      stop();
      return;
    }
    port.post({ id, error });
  }
});

function stop(): void {
  if (isNode) nodeRequire()('node:process').exit(1);
  else close();
}
