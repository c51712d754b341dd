/** The three builds of reckit's Rust core. */
export type BackendName = 'native' | 'wasm-simd' | 'wasm-threads';

export type Scores = Float32Array | Float64Array;

/**
 * The kernels every backend exposes, with arguments already validated and normalised by the
 * facade. Errors thrown here carry messages of the form `"<argument>: <what is wrong>"`.
 */
export interface Kernels {
  auc(labels: Uint8Array, scores: Scores, weights?: Float64Array): number;
  /** `[value, groups, skippedGroups]`. */
  gauc(
    labels: Uint8Array,
    scores: Scores,
    groups: Uint32Array,
    weighting: string,
    weightGroups?: Uint32Array,
    weightValues?: Float64Array,
  ): Float64Array;
  /** `[fpr…, tpr…, thresholds…]` in three equal thirds. */
  rocCurve(labels: Uint8Array, scores: Scores, weights: Float64Array | undefined, dropIntermediate: boolean): Float64Array;
  /** `[precision…, recall…, thresholds…]`: m + 1, m + 1 and m numbers. */
  prCurve(labels: Uint8Array, scores: Scores, weights: Float64Array | undefined): Float64Array;
  averagePrecision(labels: Uint8Array, scores: Scores, weights: Float64Array | undefined): Float64Array;
  ks(labels: Uint8Array, scores: Scores, weights: Float64Array | undefined): Float64Array;
  logLoss(labels: Uint8Array, probs: Scores, weights: Float64Array | undefined, eps: number): Float64Array;
  /** `[tp, fp, tn, fn, accuracy, precision, recall, f1]`. */
  binaryStats(labels: Uint8Array, scores: Scores, weights: Float64Array | undefined, threshold: number): Float64Array;
  /** `[queries, emptyQueries, then per k: precision, recall, ndcg, hitRate, f1, map, mrr]`. */
  rankingMetrics(
    relevance: Float64Array,
    scores: Scores,
    groups: Uint32Array | undefined,
    ks: Uint32Array,
    gain: string,
    emptyQueries: string,
  ): Float64Array;
  /** `bins` positive weights, then `bins` negative weights. */
  aucHistogram(labels: Uint8Array, scores: Scores, weights: Float64Array | undefined, lo: number, hi: number, bins: number): Float64Array;
  /** `[value, errorBound]`. */
  aucFromHistogram(positives: Float64Array, negatives: Float64Array): Float64Array;
  /** Row-major N × M. */
  boxIou(boxesA: Float64Array, boxesB: Float64Array, offset: number): Float64Array;
  /**
   * Loss `name` (the facade's function name) over `inputs` in call order (one precision),
   * class ids for softmax cross-entropy, numeric options in the core's order:
   * `[value(s), ...gradients]` (crates/core/src/losses/mod.rs, `loss`).
   */
  loss(name: string, inputs: Scores[], ids: Uint32Array | undefined, params: Float64Array, reduction: string, grad: boolean): Scores[];
  /** Op `name` over rows of `size` (or C channels of length `inner`); crates/core/src/ops.rs, `op`. */
  op(name: string, x: Float32Array, size: number, inner: number, tensors: Float32Array[], params: Float32Array): Float32Array;
  /** State values per parameter of an optimizer; checks its hyper-parameters. */
  optimizerStateSlots(name: string, hyper: Float64Array): number;
  /** One step of optimizer `name`, updating `params` and `state` in place. */
  optimizerStep(name: string, hyper: Float64Array, step: number, params: Float32Array, grads: Float32Array, state: Float32Array): void;
  /** `op(a)·op(b) + bias` then `activation`; `dims` = [m, k, n, transA, transB]. */
  matmul(a: Float32Array, b: Float32Array, dims: Uint32Array, bias: Float32Array | undefined, activation: string): Float32Array;
  /** Scaled dot-product attention over `[q, k, v, mask?]`; `scale` NaN means 1/√d. */
  attention(data: Float32Array[], shapes: Uint32Array[], causal: boolean, scale: number): Float32Array;
  /** Loads layer `kind` (crates/core/src/layers) from named weights; returns its id. */
  layerCreate(kind: string, config: string, names: string[], shapes: Uint32Array[], data: Float32Array[]): number;
  /** Positional inputs (absent: empty data, null shape) → `[data0, shape0, data1, shape1, …]`. */
  layerForward(id: number, data: Float32Array[], shapes: (Uint32Array | null)[], ints: (Int32Array | null)[]): (Float32Array | Uint32Array)[];
  layerDispose(id: number): void;
  /** Layers alive in this backend instance. */
  layerCount(): number;
  /** Memory this backend holds: the wasm instance's linear memory, or (native) the process RSS. */
  memoryBytes(): number;
  /** A safetensors file: `[index JSON, data]` (crates/core/src/safetensors.rs, `Tensors::index_json`). */
  readSafetensors(bytes: Uint8Array): [string, Float32Array];
  simdLevel(): string;
  threads(): number;
  releaseMemory(): void;
}

/** The kernels that also run off the calling thread (every one whose cost grows with n). */
export const asyncKernelNames = [
  'auc', 'gauc', 'rocCurve', 'prCurve', 'averagePrecision', 'ks', 'logLoss', 'binaryStats',
  'rankingMetrics', 'aucHistogram', 'aucFromHistogram', 'boxIou', 'loss', 'op', 'matmul', 'attention', 'layerForward',
  'threads', 'layerCreate', 'layerDispose', 'layerCount',
] as const satisfies readonly (keyof Kernels)[];

export type AsyncKernelName = (typeof asyncKernelNames)[number];

/** Kernels that may run off the calling thread. */
export type AsyncKernels = {
  [K in AsyncKernelName]: (...args: Parameters<Kernels[K]>) => Promise<ReturnType<Kernels[K]>>;
};

export interface Backend {
  name: BackendName;
  /**
   * Whether `async` runs on the same instance as `sync` (native: libuv's pool shares the
   * addon's memory), so a layer's id is valid for both; wasm's async calls run in a worker
   * with its own instance, where a layer must be created again.
   */
  sharedLayers: boolean;
  sync: Kernels;
  async: AsyncKernels;
}
