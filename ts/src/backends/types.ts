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
  ): ArrayLike<number>;
  simdLevel(): string;
  threads(): number;
  releaseMemory(): void;
}

/** Kernels that may run off the calling thread. */
export type AsyncKernels = {
  [K in 'auc' | 'gauc' | 'threads']: (...args: Parameters<Kernels[K]>) => Promise<ReturnType<Kernels[K]>>;
};

export interface Backend {
  name: BackendName;
  sync: Kernels;
  async: AsyncKernels;
}
