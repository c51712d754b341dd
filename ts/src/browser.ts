/**
 * The package's entry for browsers, bundlers and other non-Node runtimes (its `default` export
 * condition): the same API as the Node entry (index.ts), loaded by `await init()`.
 */
import './backends/browser-platform.js';
export * from './api.js';
