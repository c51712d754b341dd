import { expect, inject, test } from 'vitest';
import { asyncThreads, availableBackends, backend, backendInfo, init, setBackend } from 'reckit';

const tested = inject('backend');
const inBrowser = typeof window !== 'undefined';

test('the backend under test is loaded and in use', () => {
  expect(availableBackends()).toContain(tested);
  expect(backend()).toBe(tested);
});

test('backendInfo names the SIMD level and threads', () => {
  const info = backendInfo();
  expect(info.name).toBe(tested);
  if (tested === 'native') {
    expect(['avx512', 'avx2', 'portable']).toContain(info.simd);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  } else {
    expect(info.simd).toBe('simd128');
    // wasm-threads: sequential on the page's main thread, which cannot block.
    expect(info.threads).toBe(1);
  }
});

test('async calls use every core on native and wasm-threads', async () => {
  const cores = inBrowser ? navigator.hardwareConcurrency : (await import('node:os')).availableParallelism();
  expect(await asyncThreads()).toBe(tested === 'wasm-simd' ? 1 : cores);
});

test('init() loads only what it uses: the fastest backend here, and no other', async () => {
  // The project's setup loaded the tested backend with init({ backend }); Node loads native at import.
  if (inBrowser) {
    expect(availableBackends()).toEqual([tested]);
    const fastest = crossOriginIsolated ? 'wasm-threads' : 'wasm-simd';
    expect(await init()).toBe(fastest);
    expect(availableBackends()).toEqual([tested]);
  } else {
    expect(availableBackends()).toEqual(tested === 'native' ? ['native'] : ['native', 'wasm-simd']);
    expect(await init()).toBe('native');
  }
  setBackend(tested);
  expect(backend()).toBe(tested);
});

test('init({ backend }) names a backend that cannot load here, with the reason', async () => {
  await expect(init({ backend: inBrowser ? 'native' : 'wasm-threads' })).rejects.toThrow(
    inBrowser ? /'native' could not be loaded: the native addon runs in Node only/ : /'wasm-threads' could not be loaded: wasm-threads runs in browsers only/,
  );
  expect(backend()).toBe(tested);
});

test('setBackend rejects a backend that is not loaded, with the reason', () => {
  expect(() => setBackend('gpu' as never)).toThrow(/backend 'gpu' is not loaded/);
  if (inBrowser) expect(() => setBackend('native')).toThrow(/native addon runs in Node only/);
  if (!inBrowser) expect(() => setBackend('wasm-threads')).toThrow(/wasm-threads runs in browsers only/);
  expect(backend()).toBe(tested);
});
