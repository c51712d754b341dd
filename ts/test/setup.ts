/** Puts the backend this project tests in use; a backend that fails to load fails every test. */
import { inject } from 'vitest';
import { init, setBackend, backendInfo } from 'reckit';
import type { BackendName } from 'reckit';

declare module 'vitest' {
  export interface ProvidedContext {
    backend: BackendName;
  }
}

await init();
setBackend(inject('backend'));
console.log(`reckit backend under test: ${JSON.stringify(backendInfo())}`);
