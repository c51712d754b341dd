/**
 * reckit: evaluate and serve recommender models in JavaScript, on a Rust core built three ways
 * (native N-API addon, SIMD WebAssembly, threaded SIMD WebAssembly).
 *
 * ```js
 * import { init, auc, gauc } from 'reckit';
 * await init();              // optional in Node: the native addon loads at import
 * auc(labels, scores);       // exact, ties count ½
 * gauc(labels, scores, userIds);
 * rankingMetrics(relevance, scores, { groups: queryIds, k: [5, 10] }).at[10].ndcg;
 * ```
 *
 * This is the package's Node entry (its `node` export condition); browsers and bundlers get
 * browser.ts. Both export the same API.
 * @module
 */
import './backends/node-platform.js';
export * from './api.js';
