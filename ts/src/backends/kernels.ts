/**
 * The kernel table (crates/core/src/kernels/table.rs) as the facade calls it: one declaration
 * from which the backends' kernel lists derive. ts/test/types/kernels.ts checks it against the
 * `.d.ts` both builds generate, so a kernel added, renamed or retyped on one side only fails
 * the build. Arguments arrive validated and normalised by the facade; errors carry a `code`
 * (crates/core/src/error.rs, `ErrorKind::code`) that `call.ts` turns into the error class.
 */
export type Scores = Float32Array | Float64Array;
type Opt<T> = T | undefined;

export type TableKernels = {
  auc: (labels: Uint8Array, scores: Scores, weights: Opt<Float64Array>) => number;
  /** `[value, groups, skippedGroups]`. */
  gauc: (labels: Uint8Array, scores: Scores, groups: Uint32Array, weighting: string, weightGroups: Opt<Uint32Array>, weightValues: Opt<Float64Array>) => Float64Array;
  /** `[fpr…, tpr…, thresholds…]` in three equal thirds. */
  rocCurve: (labels: Uint8Array, scores: Scores, weights: Opt<Float64Array>, dropIntermediate: boolean) => Float64Array;
  /** `[precision…, recall…, thresholds…]`: m + 1, m + 1 and m numbers. */
  prCurve: (labels: Uint8Array, scores: Scores, weights: Opt<Float64Array>) => Float64Array;
  averagePrecision: (labels: Uint8Array, scores: Scores, weights: Opt<Float64Array>) => Float64Array;
  ks: (labels: Uint8Array, scores: Scores, weights: Opt<Float64Array>) => number;
  logLoss: (labels: Uint8Array, probs: Scores, weights: Opt<Float64Array>, eps: number) => Float64Array;
  /** `[tp, fp, tn, fn, accuracy, precision, recall, f1]`. */
  binaryStats: (labels: Uint8Array, scores: Scores, weights: Opt<Float64Array>, threshold: number) => Float64Array;
  /** `[auc, variance, stdError, lower, upper]`. */
  delongAuc: (labels: Uint8Array, scores: Scores, level: number) => Float64Array;
  /** `[aucA, aucB, varianceA, varianceB, covariance, difference, variance, stdError, lower, upper, z, pValue]`. */
  delongTest: (labels: Uint8Array, scoresA: Scores, scoresB: Scores, level: number) => Float64Array;
  /** `[logLoss, normalizedEntropy, calibration, brier, baseRate, meanPrediction, Σw, Σw·y, Σw·p, Σw·ℓ, Σw·(y − p)²]`. */
  ctrMetrics: (labels: Uint8Array, probs: Scores, weights: Opt<Float64Array>, eps: number) => Float64Array;
  /** `[ece, edges… (bins + 1), rows… , weight…, Σw·p…, Σw·y… (bins each)]`. */
  reliability: (labels: Uint8Array, probs: Scores, weights: Opt<Float64Array>, bins: number, strategy: string) => Float64Array;
  /** `[value]`, or one AUC per class with average `'none'`. */
  multiclassAuc: (labels: Uint32Array, scores: Scores, classes: number, multiClass: string, average: string, weights: Opt<Float64Array>) => Float64Array;
  /** `[value]`, or one AUC per class with average `'none'`. */
  multilabelAuc: (labels: Uint8Array, scores: Scores, classes: number, average: string, weights: Opt<Float64Array>) => Float64Array;
  /** `[queries, emptyQueries, then per k: precision, recall, ndcg, hitRate, f1, map, mrr]`. */
  rankingMetrics: (relevance: Float64Array, scores: Scores, groups: Opt<Uint32Array>, ks: Uint32Array, gain: string, emptyQueries: string) => Float64Array;
  /** `bins` positive weights, then `bins` negative weights. */
  aucHistogram: (labels: Uint8Array, scores: Scores, weights: Opt<Float64Array>, lo: number, hi: number, bins: number) => Float64Array;
  /** `[value, errorBound]`. */
  aucFromHistogram: (positives: Float64Array, negatives: Float64Array) => Float64Array;
  /** `[queries, group id of each…, 1 if empty else 0 each…, per query per k: precision, recall, ndcg, hitRate, f1, ap, rr]`. */
  rankingPerQuery: (relevance: Float64Array, scores: Scores, groups: Opt<Uint32Array>, ks: Uint32Array, gain: string) => Float64Array;
  /** `[groups, id of each…, AUC of each…, positives of each…, negatives of each…]`. */
  gaucPerGroup: (labels: Uint8Array, scores: Scores, groups: Uint32Array) => Float64Array;
  /** `[statistic, pValue, effectSize, n, …]` then t `[meanDifference, df]`, wilcoxon `[rPlus, rMinus, z, nonzero, method]`, randomization `[permutations, extreme]`. */
  pairedTest: (test: string, a: Float64Array, b: Float64Array, params: Float64Array) => Float64Array;
  /** `[slices, then per slice: id, rows, positives, each metric's value…]`; `metrics` names joined by commas, `config` `weighting,gain,emptyQueries`. */
  sliced: (metrics: string, labels: Float64Array, scores: Scores, slices: Uint32Array, groups: Opt<Uint32Array>, weights: Opt<Float64Array>, config: string, eps: number) => Float64Array;
  /** `[estimate, lower, upper, stdError, used, value of each resample…]`; `config` `sampling,method,weighting,gain,emptyQueries`, `params` `[resamples, level, seed, eps]`. */
  bootstrap: (metric: string, labels: Float64Array, scores: Scores, groups: Opt<Uint32Array>, weights: Opt<Float64Array>, config: string, params: Float64Array) => Float64Array;
  /**
   * `[lists, recommendations, distinctItems, catalogSize, coverage, gini, novelty, arp, ild, emptyLists, shortLists]` (NaN: not
   * computed) of CSR lists `items`/`offsets`; features keyed by `featureItems`: categories (CSR) or else `embeddings`
   * (`width` columns); `params` `[catalogSize, users, width]`, NaN for none.
   */
  beyondAccuracy: (
    items: Uint32Array, offsets: Uint32Array, catalog: Opt<Uint32Array>, popularItems: Opt<Uint32Array>, counts: Opt<Float64Array>,
    featureItems: Opt<Uint32Array>, categoryOffsets: Opt<Uint32Array>, categories: Opt<Uint32Array>, embeddings: Scores, distance: string, params: Float64Array,
  ) => Float64Array;
  /** Row-major N × M. */
  adjustPValues: (pValues: Float64Array, method: string) => Float64Array;
  boxIou: (boxesA: Float64Array, boxesB: Float64Array, offset: number) => Float64Array;
  /**
   * trec_eval's measures (crates/core/src/metrics/trec.rs): query and document ids numbered in
   * the byte-wise order of their strings, `measures` trec_eval's names joined by commas (one per
   * value) with their cutoffs in `params` (NaN: none). `[q, query ids…, q × m values, m summary values]`.
   */
  trecEval: (
    qrelsQuery: Uint32Array, qrelsDoc: Uint32Array, qrelsRel: Float64Array, runQuery: Uint32Array, runDoc: Uint32Array, runScore: Float64Array,
    measures: string, params: Float64Array,
  ) => Float64Array;
  /** Loss `name` over `inputs` (one precision): `[value(s), ...gradients]`. */
  loss: (name: string, inputs: Scores[], ids: Opt<Uint32Array>, params: Float64Array, reduction: string, grad: boolean) => (Float64Array | Float32Array)[];
  /** Op `name` over rows of `size` (or C channels of length `inner`). */
  op: (name: string, x: Float32Array, size: number, inner: number, tensors: Float32Array[], params: Float32Array) => Float32Array;
  /** `op(a)·op(b) + bias` then `activation`; `dims` = [m, k, n, transA, transB]. */
  matmul: (a: Float32Array, b: Float32Array, dims: Uint32Array, bias: Opt<Float32Array>, activation: string) => Float32Array;
  /** Scaled dot-product attention over `[q, k, v, mask?]`; `scale` NaN means 1/√d. */
  attention: (data: Float32Array[], shapes: (Uint32Array | null)[], causal: boolean, scale: number) => Float32Array;
  /** Positional inputs (absent: empty data, null shape) → `[data0, shape0, data1, shape1, …]`. */
  layerForward: (id: number, data: Float32Array[], shapes: (Uint32Array | null)[], ints: (Int32Array | null)[]) => (Float32Array | Uint32Array)[];
  /** State values per parameter of an optimizer; checks its hyper-parameters. */
  optimizerStateSlots: (name: string, hyper: Float64Array) => number;
  /** One step of optimizer `name`: `[params…, state…]` after it. */
  optimizerStep: (name: string, hyper: Float64Array, step: number, params: Float32Array, grads: Float32Array, state: Float32Array) => Float32Array;
  /** Builds layer or model `kind` (crates/core/src/nn/registry.rs) from named weights; its id. */
  layerCreate: (kind: string, config: string, names: string[], shapes: (Uint32Array | null)[], data: Float32Array[]) => number;
  layerDispose: (id: number) => void;
  /** Layers alive in this backend instance. */
  layerCount: () => number;
  /** A safetensors file: `[index JSON, data]`. */
  readSafetensors: (bytes: Uint8Array) => [string, Float32Array];
  /** A streaming reader of a CSV or TSV log (crates/core/src/io/log.rs) keeping `[label, score, group or ""]`; its id. */
  logReaderCreate: (format: string, columns: string[], groupRequired: boolean) => number;
  /** Reads the records `chunk` completes; `""`, or the first malformed record's error as JSON (rows before it stay). */
  logReaderFeed: (id: number, chunk: Uint8Array, end: boolean) => string;
  logReaderRows: (id: number) => number;
  /** `[labels, scores, groups?]` of the rows read; frees the reader. */
  logReaderTake: (id: number) => [Float64Array, Float64Array] | [Float64Array, Float64Array, Uint32Array] | [Float64Array, Float64Array, Uint32Array, string];
  logReaderDispose: (id: number) => void;
  /** `[logLoss, normalizedEntropy, calibration, brier, baseRate, meanPrediction, ece]` of merged sums: `sums` = `[Σw, Σw·y, Σw·p, Σw·ℓ, Σw·(y − p)²]`, `bins` = per-bin weight, Σw·p, Σw·y (thirds). */
  calibrationFromSums: (sums: Float64Array, bins: Float64Array) => Float64Array;
  simdLevel: () => string;
  threads: () => number;
  releaseMemory: () => void;
};

/**
 * Which table kernels have an off-thread twin (`async`: every one whose cost grows with n),
 * in the table's order. Keep in step with the table's `async` block (the type test checks).
 */
export const kernelTable = {
  auc: 'async', gauc: 'async', rocCurve: 'async', prCurve: 'async', averagePrecision: 'async', ks: 'async',
  logLoss: 'async', binaryStats: 'async', delongAuc: 'async', delongTest: 'async', ctrMetrics: 'async', reliability: 'async',
  multiclassAuc: 'async', multilabelAuc: 'async', rankingMetrics: 'async', aucHistogram: 'async', aucFromHistogram: 'async',
  rankingPerQuery: 'async', gaucPerGroup: 'async', pairedTest: 'async', sliced: 'async', bootstrap: 'async', beyondAccuracy: 'async', boxIou: 'async', trecEval: 'async', loss: 'async', op: 'async', matmul: 'async', attention: 'async', layerForward: 'async',
  optimizerStateSlots: 'sync', optimizerStep: 'sync', layerCreate: 'sync', layerDispose: 'sync', layerCount: 'sync',
  readSafetensors: 'sync', logReaderCreate: 'sync', logReaderFeed: 'sync', logReaderRows: 'sync', logReaderTake: 'sync', logReaderDispose: 'sync',
  adjustPValues: 'sync', calibrationFromSums: 'sync', simdLevel: 'sync', threads: 'sync', releaseMemory: 'sync',
} as const satisfies { [K in keyof TableKernels]: 'async' | 'sync' };

export type TableName = keyof typeof kernelTable;
export const tableNames = Object.keys(kernelTable) as TableName[];
export type AsyncTableName = { [K in TableName]: (typeof kernelTable)[K] extends 'async' ? K : never }[TableName];

/** The kernels a backend offers: the table's, plus what the facade measures itself. */
export type Kernels = TableKernels & {
  /** Memory this backend holds: the wasm instance's linear memory, or (native) the process RSS. */
  memoryBytes: () => number;
};

/**
 * Kernels callable off the calling thread: the table's async ones, and the sync ones a wasm
 * worker must also answer, because a layer used by async calls lives in the worker.
 */
export const asyncKernelNames = [
  ...tableNames.filter((n): n is AsyncTableName => kernelTable[n] === 'async'),
  'threads', 'layerCreate', 'layerDispose', 'layerCount',
] as const satisfies readonly TableName[];

export type AsyncKernelName = AsyncTableName | 'threads' | 'layerCreate' | 'layerDispose' | 'layerCount';

export type AsyncKernels = {
  [K in AsyncKernelName]: (...args: Parameters<Kernels[K]>) => Promise<ReturnType<Kernels[K]>>;
};
