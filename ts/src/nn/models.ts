/**
 * Whole recommender models trained in PyTorch (python/reckit_models.py), served in the active
 * backend: `fromSafetensors` loads the file that module's `export()` writes (config included),
 * `forward(batch)` scores a batch, `dispose()` frees the weights, `config` is the config in use.
 * Every model returns flat, row-major `Float32Array`s (shapes in each output's doc comment), like
 * the batches it takes; a scalar (DIEN's `auxLoss`) is a number. Keys, configs and formulas:
 * docs/models.md and crates/core/src/nn/models/*.rs.
 */
import { Layer, type Weights } from './layers.js';
import { readSafetensors, type Tensor } from '../io/safetensors.js';
import { asTensor, toInts, type TensorLike } from './tensors.js';
import type { MlpActivation } from './layers.js';
import { describe } from '../arguments.js';
import { nodeProcess } from '../backends/env.js';

/** Embedding tables: name → [vocabulary, dimension] (`embeddings.<name>.weight`). */
export type Tables = Record<string, [number, number]>;

/**
 * A behaviour field: the name of a `sparse` column (its history uses the same table, as
 * DeepCTR-Torch shares it) or `{ target, table }` (its own table, as the DIEN tutorial's
 * `hist_movieId`).
 */
export type HistoryField = string | { target: string; table: string };

/** An MLP as the DIEN tutorial's `MLP` (`Linear → [BatchNorm1d] → activation` per layer). */
export interface MlpSpec {
  hidden: number[];
  /** Default `'relu'`. */
  activation?: MlpActivation;
  /** Default: whether the weights have BatchNorm layers. */
  batchnorm?: boolean;
  /** Dice's BatchNorm eps; default 1e-8. */
  diceEps?: number;
}

/** Columns every model reads. */
export interface FeatureConfig {
  tables: Tables;
  /** One id column of `batch.sparse` per entry, in this order: each names its table. */
  sparse: string[];
  /** Dense features per row (`batch.dense`); default 0. */
  dense?: number;
}

/**
 * One batch of B rows. Ids are integers (Int32Array is used as is); sequences are right-padded
 * with id 0.
 *
 * ```js
 * // DIN with sparse ['user', 'item'] and history ['item'], 2 rows, up to 3 past items each:
 * model.forward({
 *   sparse: Int32Array.of(7, 42,   9, 5),          // [B, F]: (user, item) per row
 *   history: Int32Array.of(3, 8, 0,   5, 0, 0),     // [B, T, H]: row 0 saw 3, 8; row 1 saw 5
 * });                                               // lengths default to 2 and 1
 * ```
 */
export interface Batch {
  /** `[B, F]` ids, row-major: F = `sparse.length` of the config. */
  sparse: ArrayLike<number>;
  /** `[B, D]` dense features (a Float32Array or a `{ data, shape }` tensor); required when the config's `dense` > 0. */
  dense?: TensorLike | ArrayLike<number>;
  /** `[B, T, H]` history ids: step t of row b lists the H behaviour fields' ids. */
  history?: ArrayLike<number>;
  /** `[B]` valid steps per row; default: the steps before the first id 0 of the first field. */
  lengths?: ArrayLike<number>;
}

export interface DINConfig extends FeatureConfig {
  history: HistoryField[];
  /** The attention unit: an MLP over [q, k, q−k, q·k]. */
  attention: MlpSpec & {
    /** Masked softmax over the history (the official DIN/DIEN code, the DIEN tutorial); default true. False: raw scores (DeepCTR-Torch). */
    softmax?: boolean;
    /** Divide scores by √E (the official DIN/DIEN code, the DIEN tutorial); default false. */
    scale?: boolean;
  };
  mlp: MlpSpec;
}

export interface DIENConfig extends DINConfig {
  /** Interest evolution: attention-gated GRU cell; default `'AUGRU'`. */
  gru?: 'AUGRU' | 'AGRU' | 'AIGRU';
  /** AUGRU form: `'paper'` (default) or `'xdl'` (Alibaba XDL). */
  augruForm?: 'paper' | 'xdl';
  /**
   * AUGRU/AGRU weight row order: `'rzn'` (PyTorch; default) or `'zrn'` (the
   * `AttentionUpdateGateGRUCell` of the DIEN tutorial's DIEN model: u, r, n; also FuxiCTR).
   */
  gateOrder?: 'rzn' | 'zrn';
  /**
   * The auxiliary network (the DIEN tutorial's `AuxiliaryNet`: hidden [100, 50], sigmoid), for
   * `auxLoss`.
   */
  auxiliary?: { hidden?: number[]; activation?: MlpActivation };
}

export interface DIENBatch extends Batch {
  /** `[B, T, H]` negative-sampled items for the auxiliary loss. */
  negHistory?: ArrayLike<number>;
}

export interface MMoEConfig extends FeatureConfig {
  experts: number;
  expertHidden: number;
  tasks: number;
  /** Per-task tower before its head; `hidden: []` for none. */
  tower: MlpSpec;
}

export interface FiBiNETConfig extends FeatureConfig {
  /** `bias`: whether fc1/fc2 have biases (default: as the weights have them). */
  senet: { reduction: number; excitation?: 'relu' | 'sigmoid'; scale?: number; bias?: boolean };
  /** One W for all pairs, one per first field, or one per pair (default). */
  bilinear?: 'all' | 'each' | 'interaction';
  mlp: MlpSpec;
}

export interface YouTubeDNNConfig {
  tables: Tables;
  /** `history`: tables (or user sparse columns) whose valid history embeddings are mean-pooled. */
  user: { sparse: string[]; history?: HistoryField[]; dense?: number; tower: MlpSpec };
  item: { sparse: string[]; tower: MlpSpec };
  /** Scores are divided by it; default 1. */
  temperature?: number;
  /** L2-normalise both vectors (cosine scores); default true. */
  normalize?: boolean;
}

export interface YouTubeDNNBatch extends Batch {
  /** `[N, Fi]` item ids to score against every user row. */
  items?: ArrayLike<number>;
}

/** A CTR model's output (FM, DIN, DIEN, FiBiNET). */
export interface ScoreOutput {
  /** `[B]` */
  logits: Float32Array;
  /** `[B]`, sigmoid(logits). */
  probabilities: Float32Array;
}

/** A model file: safetensors bytes, or a path (Node). */
export type ModelSource = Uint8Array | ArrayBuffer | string;

/** The batch columns a config asks for, by name (for the checks' messages). */
interface Columns {
  sparse: string[];
  history: string[];
  dense: number;
  /** Item columns (YouTubeDNN). */
  items: string[];
  /** Where each list is in the config. */
  at: { sparse: string; history: string; items: string };
}

function read(source: ModelSource): Uint8Array | ArrayBuffer {
  if (typeof source !== 'string') return source;
  const fs: { readFileSync(p: string): Uint8Array } | undefined = nodeProcess?.getBuiltinModule?.('node:fs');
  if (!fs) throw new TypeError('fromSafetensors: a path needs Node (>= 20.16); in a browser pass the bytes (e.g. from fetch)');
  return fs.readFileSync(source);
}

/** The weights and config of a model file; the config comes from the file when not given. */
function load<C>(kind: string, source: ModelSource, config: C | undefined): [Map<string, Tensor>, C] {
  const { tensors, metadata } = readSafetensors(read(source));
  if (config !== undefined) return [tensors, config];
  const stored = metadata['reckit.config'];
  if (stored === undefined) throw new TypeError(`${kind}.fromSafetensors: the file has no reckit.config metadata; pass the config`);
  if (metadata['reckit.model'] !== undefined && metadata['reckit.model'] !== kind) {
    throw new TypeError(`${kind}.fromSafetensors: the file holds a ${metadata['reckit.model']} model`);
  }
  return [tensors, JSON.parse(stored) as C];
}

type AnyBatch = Batch & { negHistory?: ArrayLike<number>; items?: ArrayLike<number> };

/** A deep-frozen copy, so that `config` cannot drift from the weights it was checked against. */
function frozen<T>(value: T): T {
  const copy = JSON.parse(JSON.stringify(value)) as T;
  const freeze = (v: unknown) => {
    if (v && typeof v === 'object') for (const x of Object.values(Object.freeze(v))) freeze(x);
  };
  freeze(copy);
  return copy;
}

/**
 * What every model shares: `forward` and `forwardAsync` over the batch's conversion to the
 * core's positional inputs, the decoding of the core's outputs (`decode`, per model), and its config.
 */
abstract class Model<B extends AnyBatch, O, C extends object> extends Layer {
  readonly #config: C;
  readonly #columns: Columns;
  readonly #decode: (out: Tensor[]) => O;

  protected constructor(kind: string, weights: Weights, config: C, columns: Columns, decode: (out: Tensor[]) => O) {
    super(kind, weights, config);
    this.#config = frozen(config);
    this.#columns = columns;
    this.#decode = decode;
  }

  /**
   * The config this model was built with (frozen): the one passed to `fromWeights` or
   * `fromSafetensors`, else the one stored in the file's `reckit.config` metadata. It says what
   * a batch must hold: `sparse` names the id columns of `batch.sparse`, `history` the fields of
   * each step of `batch.history`, `dense` the width of `batch.dense`.
   */
  get config(): Readonly<C> {
    return this.#config;
  }

  /** Scores one batch on this thread. */
  forward(batch: B): O {
    return this.#decode(this.call(...this.args(batch)));
  }

  /** {@link forward} off the calling thread. */
  async forwardAsync(batch: B): Promise<O> {
    return this.#decode(await this.callAsync(...this.args(batch)));
  }

  protected args(batch: AnyBatch) {
    if (typeof batch !== 'object' || batch === null) throw new TypeError(`batch: expected an object, got ${describe(batch)}`);
    const c = this.#columns;
    const f = c.sparse.length, h = c.history.length, fi = c.items.length;
    const sparse = toInts('sparse', batch.sparse ?? []);
    const b = f > 0 ? count('sparse', sparse.length, f, `[B, F] = B rows × ${columns(f, 'sparse column', c.at.sparse, c.sparse)}`) : rowsOfDense(batch.dense, c.dense);
    if (b === 0) throw new RangeError('batch: has no rows (sparse is empty); give at least one row to score');
    const history = batch.history === undefined ? undefined : toInts('history', batch.history);
    const t = h > 0 && history ? count('history', history.length, b * h, `[B, T, H] = ${b} rows (from ${f > 0 ? 'sparse' : 'dense'}) × T steps × ${columns(h, 'history field', c.at.history, c.history)}`) : 0;
    if (h > 0 && !history) throw new TypeError(`history: is required (the model has ${columns(h, 'history field', c.at.history, c.history)})`);
    const items = batch.items === undefined ? undefined : toInts('items', batch.items);
    if (items && fi === 0) throw new RangeError('items: given, but the model has no item columns (only YouTubeDNN scores items)');
    const n = items ? count('items', items.length, fi, `[N, Fi] = N items × ${columns(fi, 'item column', c.at.items, c.items)}`) : 0;
    const dense = batch.dense === undefined ? undefined : asTensor('dense', batch.dense, [b, c.dense]);
    const ints = [
      Int32Array.of(b, t, n),
      sparse,
      history,
      batch.lengths === undefined ? undefined : toInts('lengths', batch.lengths),
      batch.negHistory === undefined ? undefined : toInts('negHistory', batch.negHistory),
      items,
    ];
    return [[dense], ints] as const;
  }
}

/** "2 sparse columns (config.sparse: user, item)". */
function columns(n: number, what: string, at: string, names: string[]): string {
  return `${n} ${what}${n === 1 ? '' : 's'} (${at}: ${names.join(', ')})`;
}

/** `length / per`, which must be a whole number; the error says what the config expects and what was given. */
function count(name: string, length: number, per: number, expected: string): number {
  if (length % per !== 0) throw new RangeError(`${name}: has ${length} ids; expected ${expected}, a multiple of ${per}`);
  return length / per;
}

function rowsOfDense(dense: Batch['dense'], d: number): number {
  if (dense === undefined || d === 0) throw new TypeError('sparse: is empty and there are no dense features to count the rows');
  const t = dense as Partial<TensorLike>;
  if (t.shape) return t.shape[0];
  const length = (dense as ArrayLike<number>).length;
  if (length % d !== 0) throw new RangeError(`dense: has ${length} values; expected [B, D] = B rows × ${d} dense features (config.dense), a multiple of ${d}`);
  return length / d;
}

const scores = ([logits, probabilities]: Tensor[]): ScoreOutput => ({ logits: logits.data, probabilities: probabilities.data });

const fieldName = (f: HistoryField) => (typeof f === 'string' ? f : f?.table);

const featureColumns = (c: FeatureConfig & { history?: HistoryField[] }): Columns => ({
  sparse: c.sparse ?? [],
  history: (c.history ?? []).map(fieldName),
  dense: c.dense ?? 0,
  items: [],
  at: { sparse: 'config.sparse', history: 'config.history', items: '' },
});

/**
 * Factorization Machine (Rendle 2010, ICDM): bias + first-order weights + pairwise
 * factorised interactions of the one-hot sparse columns and the dense features.
 * Keys `bias`, `linear.<table>.weight`, `embeddings.<table>.weight`, `dense_linear.weight`, `dense_factors`.
 */
export class FM extends Model<Batch, ScoreOutput, FeatureConfig> {
  private constructor(weights: Weights, config: FeatureConfig) {
    super('FM', weights, config, featureColumns(config), scores);
  }

  static fromWeights(weights: Weights, config: FeatureConfig): FM {
    return new FM(weights, config);
  }

  /** The file python/reckit_models.py's `export()` writes; the config defaults to the one stored in it. */
  static fromSafetensors(source: ModelSource, config?: FeatureConfig): FM {
    return new FM(...load('FM', source, config));
  }
}

/**
 * Deep Interest Network (Zhou et al. 2018): the candidate's embedding attends over the user's
 * behaviour history (the DIEN tutorial's `Attention`), then an MLP over [dense, sparse embeddings,
 * interest]. Keys `embeddings.<table>.weight`, `attention.…`, `mlp.mlp.…`, `final_layer.…`.
 */
export class DIN extends Model<Batch, ScoreOutput, DINConfig> {
  private constructor(weights: Weights, config: DINConfig) {
    super('DIN', weights, config, featureColumns(config), scores);
  }

  static fromWeights(weights: Weights, config: DINConfig): DIN {
    return new DIN(weights, config);
  }

  /** The file python/reckit_models.py's `export()` writes; the config defaults to the one stored in it. */
  static fromSafetensors(source: ModelSource, config?: DINConfig): DIN {
    return new DIN(...load('DIN', source, config));
  }
}

/** DIEN's output: with `negHistory`, also the auxiliary loss. */
export interface DIENOutput extends ScoreOutput {
  auxLoss?: number;
}

const dienOutput = (out: Tensor[]): DIENOutput => (out[2] ? { ...scores(out), auxLoss: out[2].data[0] } : scores(out));

/**
 * Deep Interest Evolution Network (Zhou et al. 2019; the DIEN tutorial): a GRU extracts
 * interests from the history, an AUGRU/AGRU/AIGRU evolves them under the candidate's attention;
 * with `negHistory`, also the auxiliary loss. Keys as the DIEN tutorial's `Interest`
 * (`interest.…`).
 */
export class DIEN extends Model<DIENBatch, DIENOutput, DIENConfig> {
  private constructor(weights: Weights, config: DIENConfig) {
    super('DIEN', weights, config, featureColumns(config), dienOutput);
  }

  static fromWeights(weights: Weights, config: DIENConfig): DIEN {
    return new DIEN(weights, config);
  }

  /** The file python/reckit_models.py's `export()` writes; the config defaults to the one stored in it. */
  static fromSafetensors(source: ModelSource, config?: DIENConfig): DIEN {
    return new DIEN(...load('DIEN', source, config));
  }
}

/** MMoE's output, one column per task (row-major: task t of row b at `b * tasks + t`). */
export interface MMoEOutput {
  /** `[B, tasks]` */
  logits: Float32Array;
  /** `[B, tasks]`, sigmoid(logits). */
  probabilities: Float32Array;
  /** `[B, tasks, experts]`: each task's softmax weights over the experts. */
  gates: Float32Array;
}

const mmoeOutput = ([logits, probabilities, gates]: Tensor[]): MMoEOutput => ({ logits: logits.data, probabilities: probabilities.data, gates: gates.data });

/**
 * Multi-gate Mixture-of-Experts (Ma et al. 2018, KDD): shared ReLU experts, a softmax gate
 * and a tower per task. Keys `experts.{i}`, `gates.{t}`, `towers.{t}.mlp.…`, `heads.{t}`.
 */
export class MMoE extends Model<Batch, MMoEOutput, MMoEConfig> {
  private constructor(weights: Weights, config: MMoEConfig) {
    super('MMoE', weights, config, featureColumns(config), mmoeOutput);
  }

  static fromWeights(weights: Weights, config: MMoEConfig): MMoE {
    return new MMoE(weights, config);
  }

  /** The file python/reckit_models.py's `export()` writes; the config defaults to the one stored in it. */
  static fromSafetensors(source: ModelSource, config?: MMoEConfig): MMoE {
    return new MMoE(...load('MMoE', source, config));
  }
}

/**
 * FiBiNET (Huang et al. 2019): SENet field re-weighting and bilinear interactions of field
 * pairs, then an MLP. Keys `senet.fc1/fc2`, `bilinear.…`, `mlp.mlp.…`, `final_layer.…`.
 */
export class FiBiNET extends Model<Batch, ScoreOutput, FiBiNETConfig> {
  private constructor(weights: Weights, config: FiBiNETConfig) {
    super('FiBiNET', weights, config, featureColumns(config), scores);
  }

  static fromWeights(weights: Weights, config: FiBiNETConfig): FiBiNET {
    return new FiBiNET(weights, config);
  }

  /** The file python/reckit_models.py's `export()` writes; the config defaults to the one stored in it. */
  static fromSafetensors(source: ModelSource, config?: FiBiNETConfig): FiBiNET {
    return new FiBiNET(...load('FiBiNET', source, config));
  }
}

/** YouTubeDNN's output, row-major (user b against item n at `b * N + n`). */
export interface YouTubeDNNOutput {
  /** `[B, d]` */
  userVectors: Float32Array;
  /** `[N, d]` */
  itemVectors: Float32Array;
  /** `[B, N]`: every user row against every item, u·v / temperature. */
  scores: Float32Array;
}

const towers = ([u, v, scores]: Tensor[]): YouTubeDNNOutput => ({ userVectors: u.data, itemVectors: v.data, scores: scores.data });

/**
 * YouTube DNN two-tower retrieval (Covington et al. 2016): user tower over user features and
 * mean-pooled history, item tower over item features, (cosine) scores / temperature.
 * Keys `embeddings.<table>.weight`, `user_tower.mlp.…`, `item_tower.mlp.…`.
 */
export class YouTubeDNN extends Model<YouTubeDNNBatch, YouTubeDNNOutput, YouTubeDNNConfig> {
  private constructor(weights: Weights, config: YouTubeDNNConfig) {
    const u = config.user ?? ({} as YouTubeDNNConfig['user']);
    const columns: Columns = {
      sparse: u.sparse ?? [],
      history: (u.history ?? []).map(fieldName),
      dense: u.dense ?? 0,
      items: config.item?.sparse ?? [],
      at: { sparse: 'config.user.sparse', history: 'config.user.history', items: 'config.item.sparse' },
    };
    super('YouTubeDNN', weights, config, columns, towers);
  }

  static fromWeights(weights: Weights, config: YouTubeDNNConfig): YouTubeDNN {
    return new YouTubeDNN(weights, config);
  }

  /** The file python/reckit_models.py's `export()` writes; the config defaults to the one stored in it. */
  static fromSafetensors(source: ModelSource, config?: YouTubeDNNConfig): YouTubeDNN {
    return new YouTubeDNN(...load('YouTubeDNN', source, config));
  }
}
