/**
 * Layers loaded from PyTorch weights (state-dict keys, e.g. from {@link loadSafetensors}) and
 * run in the backend: `fromWeights` copies the weights into native or wasm memory once;
 * `forward` passes only the inputs; `dispose` frees the weights. Each layer stays on the
 * backend it was created on. Keys, shapes and formulas: crates/core/src/nn/layers/*.rs.
 */
import { rethrow } from '../backends/call.js';
import { current } from '../backends/registry.js';
import type { Backend } from '../backends/types.js';
import { booleanOption, choice } from '../arguments.js';
import type { Tensor } from '../io/safetensors.js';
import { type TensorLike, type MaskLike, asTensor, toMask, toInts } from './tensors.js';

/** A state dict: tensor name → tensor. */
export type Weights = Map<string, TensorLike> | Record<string, TensorLike>;

type Inputs = { data: Float32Array[]; shapes: (Uint32Array | null)[]; ints: (Int32Array | null)[] };

const EMPTY = new Float32Array(0);

/** Positional inputs of a layer call: tensors (absent ones as null) and int arrays. */
function inputs(tensors: readonly (Tensor | undefined)[], ints: readonly (Int32Array | undefined)[]): Inputs {
  return {
    data: tensors.map((t) => t?.data ?? EMPTY),
    shapes: tensors.map((t) => (t ? new Uint32Array(t.shape) : null)),
    ints: ints.map((i) => i ?? null),
  };
}

function outputs(flat: (Float32Array | Uint32Array)[]): Tensor[] {
  const out: Tensor[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ data: flat[i] as Float32Array, shape: Array.from(flat[i + 1]) });
  return out;
}

/** A layer's id in its backend's sync instance, and that instance's epoch. */
interface Handle {
  backend: Backend;
  id: number | undefined;
  epoch: number;
}

/** Frees the weights of layers that were garbage-collected without `dispose()`. */
const finalizer = new FinalizationRegistry<Handle>((handle) => freeLayer(handle));

/** What every layer (and model) shares: its weights in one backend, under an id. Internal. */
export abstract class Layer {
  readonly #backend: Backend;
  readonly #kind: string;
  readonly #config: string;
  #weights: { names: string[]; shapes: Uint32Array[]; data: Float32Array[] } | undefined;
  /** The layer's id in the sync instance, and which instance (wasm replaces one that trapped). */
  readonly #handle: Handle;
  /** The worker's copy, for wasm's async calls (created on the first one), and its worker. */
  #asyncId: Promise<number> | undefined;
  #asyncEpoch = 0;
  /** The worker copy's id once created, with its worker's epoch (calls then need not wait). */
  #ready: { id: number; epoch: number } | undefined;
  /** Async calls in flight: `dispose()` frees the weights after the last one settles. */
  #inFlight = 0;
  #disposed = false;

  protected constructor(kind: string, weights: Weights, config: object & { prefix?: string }) {
    this.#backend = current();
    this.#kind = kind;
    this.#config = JSON.stringify(config);
    const prefix = config.prefix ?? '';
    const entries = (weights instanceof Map ? [...weights] : Object.entries(weights)).filter(([name]) => name.startsWith(prefix));
    const tensors = entries.map(([name, t]) => asTensor(`weights['${name}']`, t));
    this.#weights = { names: entries.map(([n]) => n), shapes: tensors.map((t) => new Uint32Array(t.shape)), data: tensors.map((t) => t.data) };
    this.#handle = { backend: this.#backend, id: this.#create(), epoch: this.#backend.syncEpoch?.() ?? 0 };
    // wasm keeps the weights for the worker's copy (and a replaced instance); native needs them no longer.
    if (this.#backend.sharedLayers) this.#weights = undefined;
    finalizer.register(this, this.#handle, this);
  }

  #create(): number {
    const w = this.#weights!;
    try {
      return this.#backend.sync.layerCreate(this.#kind, this.#config, w.names, w.shapes, w.data);
    } catch (e) {
      rethrow(e);
    }
  }

  protected call(tensors: readonly (Tensor | undefined)[], ints: readonly (Int32Array | undefined)[] = []): Tensor[] {
    const { data, shapes, ints: is } = inputs(tensors, ints);
    try {
      return outputs(this.#backend.sync.layerForward(this.#live(), data, shapes, is));
    } catch (e) {
      rethrow(e);
    }
  }

  protected async callAsync(tensors: readonly (Tensor | undefined)[], ints: readonly (Int32Array | undefined)[] = []): Promise<Tensor[]> {
    const { data, shapes, ints: is } = inputs(tensors, ints);
    this.#live();
    this.#inFlight++;
    try {
      if (!this.#backend.sharedLayers) {
        const ready = this.#ready;
        if (ready && ready.epoch === (this.#backend.asyncEpoch?.() ?? 0)) {
          // The worker holds the layer: the call is posted now, cloning the batch at call time.
          return outputs(await this.#backend.async.layerForward(ready.id, data, shapes, is).catch((e) => rethrow(e)));
        }
        // The worker copy may not exist yet: the batch goes to the worker after that await, so
        // take it now, as every async call does at call time.
        const pending = this.#workerId();
        const copies = data.map((d) => d.slice());
        const ints = is.map((i) => i?.slice() ?? null);
        let id = await pending;
        // The worker may have died while we waited: its ids died with it (a new worker reuses them).
        while ((this.#backend.asyncEpoch?.() ?? 0) !== this.#asyncEpoch) id = await this.#workerId();
        return outputs(await this.#backend.async.layerForward(id, copies, shapes, ints).catch((e) => rethrow(e)));
      }
      return outputs(await this.#backend.async.layerForward(this.#handle.id!, data, shapes, is).catch((e) => rethrow(e)));
    } finally {
      if (--this.#inFlight === 0 && this.#disposed) this.#free();
    }
  }

  /** The layer's id in the sync instance, loaded again if wasm replaced that instance. */
  #live(): number {
    if (this.#disposed) throw new Error(`${this.#kind}: this layer has been disposed`);
    const epoch = this.#backend.syncEpoch?.() ?? 0;
    if (epoch !== this.#handle.epoch) {
      this.#handle.id = this.#create();
      this.#handle.epoch = epoch;
    }
    return this.#handle.id!;
  }

  /** The layer's id in the async worker, created there again (from the weights kept for it) when that worker was replaced. */
  #workerId(): Promise<number> {
    const epoch = this.#backend.asyncEpoch?.() ?? 0;
    if (epoch !== this.#asyncEpoch) this.#asyncId = undefined; // its worker died, and its id with it
    const w = this.#weights!;
    this.#asyncEpoch = epoch;
    if (!this.#asyncId) {
      this.#ready = undefined;
      this.#asyncId = this.#backend.async.layerCreate(this.#kind, this.#config, w.names, w.shapes, w.data);
      const created = this.#asyncId;
      void created.then((id) => {
        if (this.#asyncId === created) this.#ready = { id, epoch };
      }, () => {});
    }
    return this.#asyncId;
  }

  /**
   * Frees the weights (in the backend and its async worker). Later calls throw; async calls
   * already in flight complete first, on every backend, and the weights are freed after them.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    finalizer.unregister(this);
    if (this.#inFlight === 0) this.#free();
  }

  #free(): void {
    if (this.#handle.id === undefined) return;
    freeLayer(this.#handle);
    const worker = this.#asyncId;
    const backend = this.#backend;
    const epoch = this.#asyncEpoch;
    // Only in the worker that holds it: a later worker reuses ids for other layers.
    const sameWorker = () => (backend.asyncEpoch?.() ?? 0) === epoch;
    if (worker) void worker.then((id) => (sameWorker() ? backend.async.layerDispose(id) : undefined), () => {});
    this.#handle.id = undefined;
    this.#asyncId = undefined;
    this.#ready = undefined;
    this.#weights = undefined;
  }
}

/** Frees a layer in its sync instance, unless that instance was replaced (its ids went with it). */
function freeLayer({ backend, id, epoch }: Handle): void {
  if (id !== undefined && (backend.syncEpoch?.() ?? 0) === epoch) backend.sync.layerDispose(id);
}

/** Layers alive in the active backend (not counting async workers' copies). */
export function layerCount(): number {
  return current().sync.layerCount();
}

/**
 * Bytes the active backend holds: the size of wasm's linear memory (which never shrinks), or
 * for native the process's resident set. For watching for leaks, not for accounting.
 */
export function memoryBytes(): number {
  return current().sync.memoryBytes();
}

const lengthsOf = (lengths: ArrayLike<number> | undefined) => (lengths === undefined ? undefined : toInts('lengths', lengths));

export interface MultiHeadAttentionConfig {
  embedDim: number;
  numHeads: number;
  /** Key/value feature sizes when they differ from embedDim (q_proj_weight/k_proj_weight/v_proj_weight). */
  kdim?: number;
  vdim?: number;
  /** Prepended to every key, e.g. `'encoder.attn.'`. */
  prefix?: string;
}

export interface MultiHeadAttentionOptions {
  /** `[B, S]`: true (or −Infinity) where a key is padding. */
  keyPaddingMask?: MaskLike;
  /** `[T, S]` or `[B·numHeads, T, S]`, boolean (true = masked) or additive float. */
  attnMask?: MaskLike;
  /** Mask keys after each query (adds to `attnMask`). */
  causal?: boolean;
  /** Also return the attention weights averaged over heads, `[B, T, S]`. */
  needWeights?: boolean;
}

/**
 * `nn.MultiheadAttention(embedDim, numHeads, batch_first=True)` at inference, and the
 * from-scratch Wq/Wk/Wv form (bias-free `Wq.weight`/`Wk.weight`/`Wv.weight`, no output
 * projection). Queries whose keys are all masked get weights 0 (so output `out_proj.bias`);
 * PyTorch gives NaN there.
 */
export class MultiHeadAttention extends Layer {
  private constructor(weights: Weights, config: MultiHeadAttentionConfig) {
    super('MultiHeadAttention', weights, config);
  }

  static fromWeights(weights: Weights, config: MultiHeadAttentionConfig): MultiHeadAttention {
    return new MultiHeadAttention(weights, config);
  }

  #args(query: TensorLike, key: TensorLike | undefined, value: TensorLike | undefined, o: MultiHeadAttentionOptions) {
    const q = asTensor('query', query);
    const k = key === undefined ? undefined : asTensor('key', key);
    const v = value === undefined ? undefined : asTensor('value', value);
    const [b, s] = [q.shape[0], (k ?? q).shape[1]];
    const kpm = o.keyPaddingMask === undefined ? undefined : toMask('keyPaddingMask', o.keyPaddingMask, [b, s]);
    const am = o.attnMask === undefined ? undefined : toMask('attnMask', o.attnMask);
    const flags = Int32Array.of(+booleanOption('causal', o.causal, false), +booleanOption('needWeights', o.needWeights, false));
    return [[q, k, v, kpm, am], [flags]] as const;
  }

  /** query `[B, T, E]`, key `[B, S, kdim]` (default query), value `[B, S, vdim]` (default key). */
  forward(query: TensorLike, key?: TensorLike, value?: TensorLike, options: MultiHeadAttentionOptions = {}): { output: Tensor; weights?: Tensor } {
    const [output, weights] = this.call(...this.#args(query, key, value, options));
    return weights ? { output, weights } : { output };
  }

  async forwardAsync(query: TensorLike, key?: TensorLike, value?: TensorLike, options: MultiHeadAttentionOptions = {}) {
    const [output, weights] = await this.callAsync(...this.#args(query, key, value, options));
    return weights ? { output, weights } : { output };
  }
}

export interface RecurrentOptions {
  /** Valid steps per batch row (0..T); padded steps output 0 and `hN` is each row's last valid state. */
  lengths?: ArrayLike<number>;
  /** Initial state `[B, H]` (`[numLayers, B, H]` for a stacked GRU); default 0. */
  h0?: TensorLike;
}

export interface RecurrentOutput {
  /** `[B, T, H]`. */
  output: Tensor;
  /** `[B, H]` (`[numLayers, B, H]` for a stacked GRU). */
  hN: Tensor;
}

export interface GRUConfig {
  inputSize: number;
  hiddenSize: number;
  /** Default 1. */
  numLayers?: number;
  prefix?: string;
}

/** `nn.GRU(inputSize, hiddenSize, numLayers, batch_first=True)`: keys `weight_ih_l0`, …; gates r, z, n. */
export class GRU extends Layer {
  private constructor(weights: Weights, config: GRUConfig) {
    super('GRU', weights, config);
  }

  static fromWeights(weights: Weights, config: GRUConfig): GRU {
    return new GRU(weights, config);
  }

  #args(x: TensorLike, o: RecurrentOptions) {
    return [[asTensor('x', x), o.h0 === undefined ? undefined : asTensor('h0', o.h0)], [lengthsOf(o.lengths)]] as const;
  }

  /** x `[B, T, inputSize]`. */
  forward(x: TensorLike, options: RecurrentOptions = {}): RecurrentOutput {
    const [output, hN] = this.call(...this.#args(x, options));
    return { output, hN };
  }

  async forwardAsync(x: TensorLike, options: RecurrentOptions = {}): Promise<RecurrentOutput> {
    const [output, hN] = await this.callAsync(...this.#args(x, options));
    return { output, hN };
  }
}

export interface AttentionGRUConfig {
  inputSize: number;
  hiddenSize: number;
  /**
   * Row order of the gates in the weights: `'rzn'` (PyTorch, DeepCTR-Torch; default) or `'zrn'`
   * (update gate first, u, r, n: the `AttentionUpdateGateGRUCell` of the DIEN tutorial's DIEN
   * model; also FuxiCTR).
   */
  gateOrder?: 'rzn' | 'zrn';
  prefix?: string;
}

export interface AUGRUConfig extends AttentionGRUConfig {
  /**
   * `'paper'` (default; DIEN paper, DeepCTR-Torch, the DIEN tutorial): u = a·z, h' = (1−u)·h + u·ñ.
   * `'xdl'` (Alibaba XDL, OpenVINO): u = (1−a)·z, h' = u·h + (1−u)·ñ, reset gate applied to h
   * before its product.
   */
  form?: 'paper' | 'xdl';
}

/** DIEN's GRU cells with per-step attention scores: cell names `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`. */
abstract class AttentionRecurrent extends Layer {
  #args(x: TensorLike, attention: TensorLike | ArrayLike<number>, o: RecurrentOptions) {
    const xt = asTensor('x', x);
    const a = asTensor('attention', attention, xt.shape.slice(0, 2));
    return [[xt, a, o.h0 === undefined ? undefined : asTensor('h0', o.h0)], [lengthsOf(o.lengths)]] as const;
  }

  /** x `[B, T, inputSize]`, attention `[B, T]` (one score per step). */
  forward(x: TensorLike, attention: TensorLike | ArrayLike<number>, options: RecurrentOptions = {}): RecurrentOutput {
    const [output, hN] = this.call(...this.#args(x, attention, options));
    return { output, hN };
  }

  async forwardAsync(x: TensorLike, attention: TensorLike | ArrayLike<number>, options: RecurrentOptions = {}): Promise<RecurrentOutput> {
    const [output, hN] = await this.callAsync(...this.#args(x, attention, options));
    return { output, hN };
  }
}

/** GRU with attentional update gate (DIEN, Zhou et al. 2019). */
export class AUGRU extends AttentionRecurrent {
  private constructor(weights: Weights, config: AUGRUConfig) {
    super('AUGRU', weights, config);
  }

  static fromWeights(weights: Weights, config: AUGRUConfig): AUGRU {
    return new AUGRU(weights, config);
  }
}

/** Attention-based GRU (DIEN): h' = (1 − a)·h + a·ñ; weights with 2H (r, n) or 3H (r, z, n; z unused) rows. */
export class AGRU extends AttentionRecurrent {
  private constructor(weights: Weights, config: AttentionGRUConfig) {
    super('AGRU', weights, config);
  }

  static fromWeights(weights: Weights, config: AttentionGRUConfig): AGRU {
    return new AGRU(weights, config);
  }
}

/** GRU with attentional input (DIEN): a GRU over a·x. */
export class AIGRU extends AttentionRecurrent {
  private constructor(weights: Weights, config: AttentionGRUConfig) {
    super('AIGRU', weights, config);
  }

  static fromWeights(weights: Weights, config: AttentionGRUConfig): AIGRU {
    return new AIGRU(weights, config);
  }
}

export type MlpActivation = 'none' | 'relu' | 'sigmoid' | 'tanh' | 'prelu' | 'dice';

export interface MLPConfig {
  inputSize: number;
  hidden: number[];
  activation: MlpActivation;
  /**
   * BatchNorm1d (running statistics, eps 1e-5) after each Linear. Default: whether the weights
   * hold `mlp.batchnorm0.running_mean`; `false` with BatchNorm weights present is an error.
   */
  batchnorm?: boolean;
  /** Dice's BatchNorm eps; default 1e-8. */
  diceEps?: number;
  prefix?: string;
}

/** The DIEN tutorial's `MLP` (keys `mlp.dense{i}`, `mlp.batchnorm{i}`, `mlp.activation{i}`); dropout is inference-off. */
export class MLP extends Layer {
  private constructor(weights: Weights, config: MLPConfig) {
    super('MLP', weights, config);
  }

  static fromWeights(weights: Weights, config: MLPConfig): MLP {
    return new MLP(weights, config);
  }

  /** x `[N, inputSize]` → `[N, hidden.at(-1)]`. */
  forward(x: TensorLike): Tensor {
    return this.call([asTensor('x', x)])[0];
  }

  async forwardAsync(x: TensorLike): Promise<Tensor> {
    return (await this.callAsync([asTensor('x', x)]))[0];
  }
}

export interface DinAttentionConfig {
  embedDim: number;
  hidden: number[];
  activation: MlpActivation;
  /** As {@link MLPConfig.batchnorm}. */
  batchnorm?: boolean;
  /** Normalise scores with a masked softmax (the official DIN/DIEN code, the DIEN tutorial); default true. Off: padded scores are 0 (DeepCTR-Torch). */
  softmax?: boolean;
  /** Divide scores by √embedDim (the official DIN/DIEN code, the DIEN tutorial); default false. */
  scale?: boolean;
  diceEps?: number;
  prefix?: string;
}

/** DIN's attention unit (the DIEN tutorial's `Attention`): an MLP over [q, k, q−k, q·k] → a score per history item. */
export class DinAttention extends Layer {
  private constructor(weights: Weights, config: DinAttentionConfig) {
    super('DinAttention', weights, config);
  }

  static fromWeights(weights: Weights, config: DinAttentionConfig): DinAttention {
    return new DinAttention(weights, config);
  }

  #args(query: TensorLike, keys: TensorLike, lengths?: ArrayLike<number>) {
    return [[asTensor('query', query), asTensor('keys', keys)], [lengthsOf(lengths)]] as const;
  }

  /** query `[B, E]`, keys `[B, T, E]`, lengths (default T) → output `[B, E]`, scores `[B, T]`. */
  forward(query: TensorLike, keys: TensorLike, lengths?: ArrayLike<number>): { output: Tensor; scores: Tensor } {
    const [output, scores] = this.call(...this.#args(query, keys, lengths));
    return { output, scores };
  }

  async forwardAsync(query: TensorLike, keys: TensorLike, lengths?: ArrayLike<number>): Promise<{ output: Tensor; scores: Tensor }> {
    const [output, scores] = await this.callAsync(...this.#args(query, keys, lengths));
    return { output, scores };
  }
}

export type Pooling = 'none' | 'sum' | 'mean' | 'max';

export interface EmbeddingConfig {
  /** Ids equal to this are padding (skipped by pooling when no lengths are given). */
  paddingIdx?: number;
  prefix?: string;
}

export interface EmbeddingOptions {
  /** Default `'none'`: `[B, T, E]` (or `[B, E]` for 1-D ids). */
  pooling?: Pooling;
  /** Valid items per row; default: ids ≠ paddingIdx. Empty rows pool to 0. */
  lengths?: ArrayLike<number>;
}

const POOLING: Pooling[] = ['none', 'sum', 'mean', 'max'];

/** `nn.Embedding` (key `weight` [V, E]) with pooling over padded sequences. */
export class Embedding extends Layer {
  private constructor(weights: Weights, config: EmbeddingConfig) {
    super('Embedding', weights, config);
  }

  static fromWeights(weights: Weights, config: EmbeddingConfig = {}): Embedding {
    return new Embedding(weights, config);
  }

  #args(ids: { data: ArrayLike<number>; shape: number[] } | ArrayLike<number>, o: EmbeddingOptions) {
    const t = 'shape' in ids && !ArrayBuffer.isView(ids) ? ids : { data: ids as ArrayLike<number>, shape: [(ids as ArrayLike<number>).length] };
    const data = toInts('ids', t.data);
    const pooling = POOLING.indexOf(choice('pooling', o.pooling, POOLING, 'none'));
    return [[], [data, toInts('shape', t.shape), lengthsOf(o.lengths), Int32Array.of(pooling)]] as const;
  }

  /** ids `[B]` or `[B, T]` (integers) → `[B, (T,) E]` or pooled `[B, E]`. */
  forward(ids: { data: ArrayLike<number>; shape: number[] } | ArrayLike<number>, options: EmbeddingOptions = {}): Tensor {
    return this.call(...this.#args(ids, options))[0];
  }

  async forwardAsync(ids: { data: ArrayLike<number>; shape: number[] } | ArrayLike<number>, options: EmbeddingOptions = {}): Promise<Tensor> {
    return (await this.callAsync(...this.#args(ids, options)))[0];
  }
}

export interface SENetConfig {
  /** F: fields of the input. */
  fields: number;
  /** R: width of the squeeze layer. */
  reduction: number;
  /** `'relu'` (default; DeepCTR-Torch, FiBiNET) or `'sigmoid'` (the 2·σ variant, with scale 2). */
  excitation?: 'relu' | 'sigmoid';
  /** Multiplies the excitation (2 in the 2·σ variant); default 1. */
  scale?: number;
  /** Whether fc1/fc2 have biases; default: as the weights have them. */
  bias?: boolean;
  prefix?: string;
}

/**
 * Squeeze-and-excitation over fields (FiBiNET): a = scale·act(fc2(ReLU(fc1(mean over E)))),
 * output a ⊙ x. Keys `fc1.weight` [R, F], `fc2.weight` [F, R] (biases optional).
 */
export class SENet extends Layer {
  private constructor(weights: Weights, config: SENetConfig) {
    super('SENet', weights, config);
  }

  static fromWeights(weights: Weights, config: SENetConfig): SENet {
    return new SENet(weights, config);
  }

  /** x `[B, F, E]` → output `[B, F, E]`, weights `[B, F]`. */
  forward(x: TensorLike): { output: Tensor; weights: Tensor } {
    const [output, weights] = this.call([asTensor('x', x)]);
    return { output, weights };
  }

  async forwardAsync(x: TensorLike): Promise<{ output: Tensor; weights: Tensor }> {
    const [output, weights] = await this.callAsync([asTensor('x', x)]);
    return { output, weights };
  }
}
