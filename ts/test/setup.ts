/** Loads and uses the backend this project tests; a backend that fails to load fails every test. */
import { inject } from 'vitest';
import { init, backendInfo } from 'reckit';
import type { BackendName } from 'reckit';

declare module 'vitest' {
  export interface ProvidedContext {
    backend: BackendName;
  }
}

await init({ backend: inject('backend') });
console.log(`reckit backend under test: ${JSON.stringify(backendInfo())}`);
