/**
 * Import of DeepCTR-Torch (shenweichen/DeepCTR-Torch, checked against 0.3.0) DIN and DIEN
 * checkpoints: {@link fromDeepCTR} turns the model's `state_dict()` and a {@link DeepCTRSpec}
 * (its `dnn_feature_columns` and constructor arguments as JSON) into the weights and config of
 * reckit's `DIN` / `DIEN` (docs/models.md), plus which DeepCTR input feeds each batch column.
 *
 * ```js
 * const state = loadSafetensors(bytes);                    // DeepCTR's model.state_dict()
 * const { model, weights, config, columns } = fromDeepCTR(state, spec);
 * const din = DIN.fromWeights(weights, config);            // model === 'DIN'
 * din.forward({ sparse, dense, history, lengths });        // columns in the order of `columns`
 * ```
 *
 * The spec mirrors the Python call, e.g. for
 * `DIN([SparseFeat('user', 20, 4), DenseFeat('price', 1), SparseFeat('item_id', 30, 4),
 * VarLenSparseFeat(SparseFeat('hist_item_id', 30, 4, embedding_name='item_id'), 5,
 * length_name='seq_length')], ['item_id'], dnn_hidden_units=(16, 8))`:
 *
 * ```json
 * { "model": "DIN",
 *   "features": [
 *     { "type": "SparseFeat", "name": "user", "vocabularySize": 20, "embeddingDim": 4 },
 *     { "type": "DenseFeat", "name": "price" },
 *     { "type": "SparseFeat", "name": "item_id", "vocabularySize": 30, "embeddingDim": 4 },
 *     { "type": "VarLenSparseFeat", "name": "hist_item_id", "vocabularySize": 30, "embeddingDim": 4,
 *       "embeddingName": "item_id", "maxlen": 5, "lengthName": "seq_length" } ],
 *   "historyFeatureList": ["item_id"],
 *   "dnnHiddenUnits": [16, 8] }
 * ```
 * Omitted arguments take DeepCTR-Torch's defaults. python/make_deepctr_fixtures.py's
 * `feature_spec(fc)` writes a feature column in this form.
 *
 * Key mapping, DeepCTR-Torch → reckit. `<att>` is `attention.` in DIN and
 * `interest_evolution.attention.` in DIEN; `<ATT>` is `attention.` in DIN and
 * `interest.attention.` in DIEN.
 *
 * | DeepCTR-Torch | reckit |
 * |---|---|
 * | `embedding_dict.<embedding_name>.weight` | `embeddings.<embedding_name>.weight` |
 * | `<att>local_att.dnn.linears.{i}.weight/bias` | `<ATT>mlp.mlp.dense{i}.weight/bias` |
 * | `<att>local_att.dnn.activation_layers.{i}.alpha` [H, 1] (Dice) | `<ATT>mlp.mlp.activation{i}.alpha` [H] |
 * | `<att>local_att.dnn.activation_layers.{i}.bn.{weight,bias,running_mean,running_var}` | `<ATT>mlp.mlp.activation{i}.bn.*` |
 * | `<att>local_att.dnn.activation_layers.{i}.weight` [1] (PReLU) | `<ATT>mlp.mlp.activation{i}.weight` |
 * | `<att>local_att.dense.weight/bias` | `<ATT>fc.weight/bias` |
 * | `dnn.linears.{i}.weight/bias` | `mlp.mlp.dense{i}.weight/bias` (layer 0: columns reordered, below) |
 * | `dnn.bn.{i}.{weight,bias,running_mean,running_var}` | `mlp.mlp.batchnorm{i}.*` |
 * | `dnn.activation_layers.{i}.*` | `mlp.mlp.activation{i}.*` (as above) |
 * | `dnn_linear.weight` (DIN), `linear.weight` (DIEN) [1, H] | `final_layer.weight` |
 * | `out.bias` [1] (PredictionLayer) | `final_layer.bias` |
 * | `interest_extractor.gru.{weight_ih_l0,weight_hh_l0,bias_ih_l0,bias_hh_l0}` | `interest.interest_extractor.*` |
 * | `interest_extractor.auxiliary_net.linears.{i}` (all but the last) | `interest.auxiliary_net.mlp.dense{i}.*` |
 * | `interest_extractor.auxiliary_net.linears.{last}` [1, ·] | `interest.auxiliary_net.mlp.final_layer.*` |
 * | `interest_evolution.interest_evolution.rnn.{weight_ih,weight_hh,bias_ih,bias_hh}` (AUGRU, AGRU) | `interest.interest_evolution.rnn.*` |
 * | `interest_evolution.interest_evolution.{weight_ih_l0,…}` (AIGRU) | `interest.interest_evolution.*` |
 * | `….num_batches_tracked` | dropped (unused at inference) |
 * | `embedding_dict.<t>.weight` of a table only DIEN-ignored columns use | dropped |
 *
 * Any other key, a missing key or a shape that does not match the spec is an error naming the
 * key (TypeError for missing / unexpected keys, RangeError for shapes and values).
 *
 * Semantics (deepctr_torch/models/din.py, dien.py, layers/core.py, layers/sequence.py):
 * - DNN input. DeepCTR's DIN concatenates [sparse embeddings, pooled interest, dense], DIEN
 *   [final interest, sparse embeddings, dense]; reckit [dense, sparse, interest]: the first
 *   DNN layer's columns are reordered. Sparse embeddings come group by group (`groupName`, groups
 *   in order of first appearance), in column order within a group (`embedding_lookup`); every
 *   SparseFeat is included, the history targets too (DIEN's `mask_feat_list` is never read).
 * - Query and keys. The query is the embeddings of the history targets in *column* order (grouped),
 *   the keys those of the `hist_<name>` columns in their column order (grouped): the order of
 *   `historyFeatureList` does not matter. reckit's history field i pairs query column i with key
 *   column i (`{ target, table }` when their tables differ). DIEN's `neg_hist_<name>` columns
 *   must follow the same order and tables (reckit looks negatives up in the history's table).
 * - Attention. `attWeightNormalization` (DIN default false, DIEN true) → `softmax`: true is a
 *   softmax with paddings −2³²+1, false keeps raw scores with padded ones 0; `scale` false.
 *   DeepCTR's attention never has BatchNorm. Dice: BatchNorm eps 1e-8, alpha [H, 1] → [H].
 * - Activations: `sigmoid`, `relu`, `prelu`, `dice`, `linear` (→ reckit `none`), any case.
 *   (DeepCTR-Torch 0.3.0 cannot run `dnnActivation: 'dice'`: its DNN builds Dice(dim=3) for a
 *   2-D input and asserts; the keys would map all the same.)
 * - No other parameters exist: DIN/DIEN build `linear_model` over no columns (no tensors) and
 *   `out` holds only the bias.
 * - DIEN's AUGRU cell registers one tensor as both `bias_ih` and `bias_hh` (so the same bias is
 *   added to the input and the hidden projections). A checkpoint may hold it under both names or
 *   once (a writer that de-duplicates shared tensors, e.g. safetensors' `save_model`); it is
 *   used for both. Two different values under the two names cannot come from DeepCTR-Torch's
 *   AUGRU and are an error. AGRU (3H rows, the z rows unused) and AIGRU have ordinary biases.
 * - DIEN's auxiliary net is `DNN(2E, [100, 50, 1], 'sigmoid')`: sigmoid after every layer, the
 *   last included, fed to `F.binary_cross_entropy`; reckit's `auxiliary` `{ hidden: [100, 50],
 *   activation: 'sigmoid' }` with `final_layer` + sigmoid inside the loss is the same function.
 *   Given only with `useNegsampling` (batch `negHistory` from the `neg_hist_*` columns).
 * - Lengths: the column `lengthName` of the first VarLenSparseFeat that has one (as DeepCTR).
 * - Differences: DeepCTR's `gru_type='GRU'` (its default) has no reckit counterpart and is an
 *   error; so are DIN VarLenSparseFeat columns other than the histories (DeepCTR pools them
 *   into the DNN input), and DNN activations given as classes. DeepCTR's DIN with
 *   `attWeightNormalization` averages *all* (padded) keys of a row with no history, reckit gives
 *   0; DeepCTR's DIEN fails on a batch where every row is empty, reckit gives interest 0.
 *   reckit's lengths must be ≤ the history steps T. The task is taken as 'binary' (reckit's
 *   probabilities are sigmoid(logit)); for 'regression', use reckit's `logits`.
 */
import type { DIENConfig, DINConfig, HistoryField } from './models.js';
import type { MlpActivation } from './layers.js';
import type { Tensor } from '../io/safetensors.js';
import { describe } from '../arguments.js';

/** `SparseFeat(name, vocabulary_size, embedding_dim=4, embedding_name=name, group_name='default_group')`. */
export interface DeepCTRSparseFeat {
  type: 'SparseFeat';
  name: string;
  vocabularySize: number;
  /** Default 4. */
  embeddingDim?: number;
  /** Default: `name`. Columns with the same embedding name share a table. */
  embeddingName?: string;
  /** Default `'default_group'`. */
  groupName?: string;
}

/** `DenseFeat(name, dimension=1)`. */
export interface DeepCTRDenseFeat {
  type: 'DenseFeat';
  name: string;
  /** Default 1. */
  dimension?: number;
}

/** `VarLenSparseFeat(SparseFeat(name, …), maxlen, combiner, length_name)`. */
export interface DeepCTRVarLenSparseFeat {
  type: 'VarLenSparseFeat';
  name: string;
  vocabularySize: number;
  embeddingDim?: number;
  embeddingName?: string;
  groupName?: string;
  maxlen?: number;
  /** Not used by DIN/DIEN's histories. */
  combiner?: string;
  lengthName?: string;
}

export type DeepCTRFeature = DeepCTRSparseFeat | DeepCTRDenseFeat | DeepCTRVarLenSparseFeat;

/**
 * A DeepCTR-Torch DIN or DIEN: `dnn_feature_columns` (in order) and the constructor arguments,
 * camelCase; omitted arguments take DeepCTR-Torch's defaults.
 */
export interface DeepCTRSpec {
  model: 'DIN' | 'DIEN';
  /** `dnn_feature_columns`, in order. */
  features: DeepCTRFeature[];
  /** `history_feature_list`: SparseFeat names, each with a `hist_<name>` VarLenSparseFeat. */
  historyFeatureList: string[];
  /** Default [256, 128]. */
  dnnHiddenUnits?: number[];
  /** Default 'relu'. */
  dnnActivation?: string;
  /** DIN `dnn_use_bn`, DIEN `use_bn`; default false. */
  dnnUseBn?: boolean;
  /** DIN `att_hidden_size`, DIEN `att_hidden_units`; default [64, 16]. */
  attHiddenUnits?: number[];
  /** Default 'Dice' (DIN), 'relu' (DIEN). */
  attActivation?: string;
  /** Default false (DIN), true (DIEN). */
  attWeightNormalization?: boolean;
  /** DIEN; DeepCTR's default 'GRU' is not supported. */
  gruType?: 'AUGRU' | 'AGRU' | 'AIGRU' | 'GRU';
  /** DIEN; default false. */
  useNegsampling?: boolean;
}

/** Which DeepCTR input column feeds each column of reckit's batch. */
export interface DeepCTRColumns {
  /** `batch.sparse` `[B, F]`: the SparseFeat names, one id column each. */
  sparse: string[];
  /** `batch.dense` `[B, D]`: the DenseFeat names, `dimension` columns each. */
  dense: string[];
  /** `batch.history` `[B, T, H]`: the `hist_*` names, one field each. */
  history: string[];
  /** `batch.negHistory` (DIEN with `useNegsampling`): the `neg_hist_*` names. */
  negHistory?: string[];
  /** `batch.lengths`: the length column (`lengthName`). */
  lengths: string;
}

export interface DeepCTRImport {
  model: 'DIN' | 'DIEN';
  weights: Map<string, Tensor>;
  config: DINConfig | DIENConfig;
  columns: DeepCTRColumns;
}

interface Column {
  name: string;
  table: string;
  vocab: number;
  dim: number;
  group: string;
}

const ACTIVATIONS: Record<string, MlpActivation> = { sigmoid: 'sigmoid', relu: 'relu', prelu: 'prelu', dice: 'dice', linear: 'none' };
const DICE_EPS = 1e-8;

/** The state dict, consumed key by key. */
class StateDict {
  readonly #tensors: Map<string, Tensor>;
  readonly #used = new Set<string>();
  readonly out = new Map<string, Tensor>();

  constructor(state: unknown) {
    if (typeof state !== 'object' || state === null) throw new TypeError(`stateDict: expected a Map or an object of tensors, got ${describe(state)}`);
    const entries = state instanceof Map ? [...state.entries()] : Object.entries(state);
    this.#tensors = new Map();
    for (const [k, t] of entries) {
      const v = t as Partial<Tensor>;
      if (typeof v !== 'object' || v === null || !ArrayBuffer.isView(v.data) || !Array.isArray(v.shape)) {
        throw new TypeError(`stateDict: '${String(k)}' is not a tensor ({ data, shape }), got ${describe(t)}`);
      }
      this.#tensors.set(String(k), v as Tensor);
    }
  }

  has(key: string): boolean {
    return this.#tensors.has(key);
  }

  shapeOf(key: string): number[] | undefined {
    return this.#tensors.get(key)?.shape;
  }

  /** Tensor `key`, which must exist with `shape` (null entries: any size). */
  take(key: string, shape: (number | null)[], why: string): Tensor {
    const t = this.#tensors.get(key);
    if (!t) throw new TypeError(`stateDict: '${key}' is missing (${why})`);
    const ok = t.shape.length === shape.length && shape.every((d, i) => d === null || d === t.shape[i]);
    if (!ok) {
      const want = `[${shape.map((d) => d ?? '·').join(', ')}]`;
      throw new RangeError(`stateDict: '${key}' has shape [${t.shape.join(', ')}], expected ${want} (${why})`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== size) throw new RangeError(`stateDict: '${key}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    this.#used.add(key);
    return t;
  }

  /** Moves `from` to `to` (reshaped to `shape` when given). */
  move(from: string, to: string, shape: (number | null)[], why: string, reshape?: number[]): Tensor {
    const t = this.take(from, shape, why);
    const moved = reshape ? { data: t.data, shape: reshape } : t;
    this.out.set(to, moved);
    return moved;
  }

  /** Marks `key` as known and unused (dropped), if present. */
  drop(key: string): void {
    if (this.#tensors.has(key)) this.#used.add(key);
  }

  /** Every key must have been used or dropped. */
  finish(what: string): void {
    for (const k of this.#tensors.keys()) {
      if (!this.#used.has(k)) throw new TypeError(`stateDict: unexpected key '${k}' (not part of a DeepCTR-Torch ${what} with this spec)`);
    }
  }
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new RangeError(`spec.${name}: expected a positive integer, got ${typeof v === 'number' ? v : describe(v)}`);
  return v;
}

function str(name: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new TypeError(`spec.${name}: expected a non-empty string, got ${describe(v)}`);
  return v;
}

function units(name: string, v: unknown, fallback: number[]): number[] {
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.length === 0) throw new TypeError(`spec.${name}: expected a non-empty array of positive integers, got ${describe(v)}`);
  return v.map((x, i) => positiveInt(`${name}[${i}]`, x));
}

function bool(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`spec.${name}: expected a boolean, got ${describe(v)}`);
  return v;
}

function activation(name: string, v: unknown, fallback: string): MlpActivation {
  const a = v === undefined ? fallback : str(name, v);
  const mapped = ACTIVATIONS[a.toLowerCase()];
  if (!mapped) throw new RangeError(`spec.${name}: '${a}' is not supported (DeepCTR-Torch names: sigmoid, relu, prelu, dice, linear)`);
  return mapped;
}

/** `cols` ordered group by group (groups in order of first appearance), as DeepCTR's `embedding_lookup`. */
function grouped(cols: Column[]): Column[] {
  const groups: string[] = [];
  for (const c of cols) if (!groups.includes(c.group)) groups.push(c.group);
  return groups.flatMap((g) => cols.filter((c) => c.group === g));
}

/**
 * A DeepCTR-Torch `DNN` (module `src`, e.g. `dnn.`) as a reckit MLP under `dst` (e.g. `mlp.mlp.`).
 * `input` is the first layer's input width; `permute` (reckit column → DeepCTR column) reorders
 * the first layer's columns.
 */
function mlp(s: StateDict, src: string, dst: string, input: number, hidden: number[], act: MlpActivation, bn: boolean, what: string, permute?: Int32Array): void {
  let prev = input;
  hidden.forEach((h, i) => {
    const why = `${what} layer ${i}: ${h} units over ${prev} inputs`;
    const w = s.take(`${src}linears.${i}.weight`, [h, prev], why);
    s.out.set(`${dst}dense${i}.weight`, permute && i === 0 ? permuteColumns(w, permute) : w);
    s.move(`${src}linears.${i}.bias`, `${dst}dense${i}.bias`, [h], why);
    if (bn) {
      for (const k of ['weight', 'bias', 'running_mean', 'running_var']) s.move(`${src}bn.${i}.${k}`, `${dst}batchnorm${i}.${k}`, [h], `${what} BatchNorm ${i}`);
      s.drop(`${src}bn.${i}.num_batches_tracked`);
    }
    const a = `${src}activation_layers.${i}`;
    if (act === 'prelu') s.move(`${a}.weight`, `${dst}activation${i}.weight`, [1], `${what} PReLU ${i}`);
    if (act === 'dice') {
      // Dice(dim=3) in the attention unit has alpha [H, 1]; Dice(dim=2) [H].
      const shape = s.shapeOf(`${a}.alpha`)?.length === 1 ? [h] : [h, 1];
      s.move(`${a}.alpha`, `${dst}activation${i}.alpha`, shape, `${what} Dice ${i}`, [h]);
      for (const k of ['weight', 'bias', 'running_mean', 'running_var']) s.move(`${a}.bn.${k}`, `${dst}activation${i}.bn.${k}`, [h], `${what} Dice ${i} BatchNorm`);
      s.drop(`${a}.bn.num_batches_tracked`);
    }
    prev = h;
  });
}

/** `w` [rows, cols] with column j taken from column `from[j]`. */
function permuteColumns(w: Tensor, from: Int32Array): Tensor {
  const [rows, cols] = w.shape;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) data[r * cols + j] = w.data[r * cols + from[j]];
  return { data, shape: [rows, cols] };
}

/**
 * The weights, config and batch columns of reckit's DIN / DIEN for a DeepCTR-Torch DIN / DIEN
 * state dict (`model.state_dict()`, e.g. read with `loadSafetensors`) and its spec. The input
 * is not modified; tensors are shared with it except the first DNN layer's (reordered).
 * Throws a TypeError (missing or unexpected key, malformed spec) or RangeError (shape, value)
 * naming the key or spec field.
 */
export function fromDeepCTR(stateDict: Map<string, Tensor> | Record<string, Tensor>, spec: DeepCTRSpec): DeepCTRImport {
  const dien = readModel(spec) === 'DIEN';
  const s = new StateDict(stateDict);
  const features = readFeatures(spec, dien);
  const tables = moveTables(s, features);
  const history = historyFields(features);
  const input = dnnInputOrder(features, history.width, dien);
  const layers = readLayers(spec, dien);
  moveAttentionAndDnn(s, layers, input, dien);
  const base = dinConfig(features, tables, history.fields, layers, input.dense);
  const columns: DeepCTRColumns = {
    sparse: features.sparse.map((c) => c.name),
    dense: features.dense.map((d) => d.name),
    history: history.keys.map((k) => k.name),
    lengths: features.lengthName,
  };
  if (!dien) {
    s.finish('DIN');
    return { model: 'DIN', weights: s.out, config: base, columns };
  }
  const gru = readGruType(spec);
  dienCells(s, gru, history.width);
  const config = dienConfig(base, gru);
  if (features.negsampling) {
    config.auxiliary = moveAuxiliaryNet(s, history.width);
    columns.negHistory = history.negs.map((c) => c.name);
  }
  s.finish(`DIEN (gruType '${gru}', useNegsampling ${features.negsampling})`);
  return { model: 'DIEN', weights: s.out, config, columns };
}

/** A VarLenSparseFeat: an embedding column with its optional length column. */
interface VarLenColumn extends Column {
  lengthName?: string;
}

/** A DenseFeat: `dim` columns of `batch.dense`. */
interface DenseColumn {
  name: string;
  dim: number;
}

/** The spec's feature columns, validated and classified. */
interface Features {
  /** The SparseFeats, in spec order. */
  sparse: Column[];
  /** The VarLenSparseFeats, in spec order. */
  varlen: VarLenColumn[];
  /** The DenseFeats, in spec order. */
  dense: DenseColumn[];
  /** `historyFeatureList`: the history targets' names. */
  history: Set<string>;
  /** The `hist_<target>` columns, in spec order. */
  histCols: Column[];
  /** The `neg_hist_<target>` columns, in spec order. */
  negCols: Column[];
  /** DIEN with `useNegsampling`. */
  negsampling: boolean;
  /** The batch's length column: the first `lengthName`. */
  lengthName: string;
}

/** reckit's history fields, with the columns they are built from. */
interface History {
  /** Field i: query column i with key column i. */
  fields: HistoryField[];
  /** The key (`hist_*`) columns, grouped. */
  keys: Column[];
  /** The `neg_hist_*` columns, grouped. */
  negs: Column[];
  /** E: the summed key dimensions (the interest width). */
  width: number;
}

/** The first DNN layer's input: the widths of its parts and, per reckit column, DeepCTR's column. */
interface DnnInput {
  dense: number;
  sparse: number;
  interest: number;
  /** reckit column → DeepCTR column. */
  from: Int32Array;
}

/** One DeepCTR-Torch `DNN`'s sizes and activation. */
interface MlpLayers {
  hidden: number[];
  activation: MlpActivation;
  batchnorm: boolean;
}

/** The attention unit's and the DNN's sizes and activations. */
interface Layers {
  attention: MlpLayers & { softmax: boolean };
  dnn: MlpLayers;
}

type GruType = 'AUGRU' | 'AGRU' | 'AIGRU';

/** `spec` must be an object naming a DIN or a DIEN: its model. */
function readModel(spec: DeepCTRSpec): 'DIN' | 'DIEN' {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`spec: expected an object, got ${describe(spec)}`);
  const kind = spec.model;
  if (kind !== 'DIN' && kind !== 'DIEN') throw new RangeError(`spec.model: expected 'DIN' or 'DIEN', got ${JSON.stringify(kind)}`);
  return kind;
}

/** Validates and classifies the feature columns: sparse / varlen / dense, histories, negative histories, lengths. */
function readFeatures(spec: DeepCTRSpec, dien: boolean): Features {
  const { sparse, varlen, dense } = readColumns(spec.features);
  const history = readHistoryList(spec.historyFeatureList, sparse, varlen);
  const negsampling = dien && bool('useNegsampling', spec.useNegsampling, false);
  const histCols = varlen.filter((c) => c.name.startsWith('hist_') && history.has(c.name.slice(5)));
  const negCols = varlen.filter((c) => c.name.startsWith('neg_hist_') && history.has(c.name.slice(9)));
  const others = varlen.filter((c) => !histCols.includes(c) && !negCols.includes(c));
  if (!dien && others.length + negCols.length > 0) {
    const c = [...others, ...negCols][0];
    throw new RangeError(`spec.features: VarLenSparseFeat '${c.name}' is not a history (hist_<historyFeatureList entry>): DeepCTR's DIN pools it into the DNN input, which reckit's DIN does not support`);
  }
  const lengthCol = varlen.find((c) => c.lengthName !== undefined);
  if (!lengthCol) throw new TypeError('spec.features: no VarLenSparseFeat has a lengthName (DeepCTR-Torch\'s DIN/DIEN read the history lengths from it)');
  return { sparse, varlen, dense, history, histCols, negCols, negsampling, lengthName: lengthCol.lengthName! };
}

/** `spec.features` split into SparseFeat, VarLenSparseFeat and DenseFeat columns (names unique). */
function readColumns(features: DeepCTRFeature[]): Pick<Features, 'sparse' | 'varlen' | 'dense'> {
  if (!Array.isArray(features)) throw new TypeError(`spec.features: expected an array (dnn_feature_columns), got ${describe(features)}`);
  const out: Pick<Features, 'sparse' | 'varlen' | 'dense'> = { sparse: [], varlen: [], dense: [] };
  const names = new Set<string>();
  features.forEach((f, i) => {
    if (typeof f !== 'object' || f === null) throw new TypeError(`spec.features[${i}]: expected an object, got ${describe(f)}`);
    const name = str(`features[${i}].name`, f.name);
    if (names.has(name)) throw new RangeError(`spec.features[${i}]: '${name}' is given twice`);
    names.add(name);
    if (f.type === 'DenseFeat') {
      out.dense.push({ name, dim: f.dimension === undefined ? 1 : positiveInt(`features[${i}].dimension`, f.dimension) });
      return;
    }
    if (f.type !== 'SparseFeat' && f.type !== 'VarLenSparseFeat') {
      throw new RangeError(`spec.features[${i}].type: expected 'SparseFeat', 'DenseFeat' or 'VarLenSparseFeat', got ${JSON.stringify((f as { type?: unknown }).type)}`);
    }
    const col = readEmbeddingColumn(f, i, name);
    if (f.type === 'SparseFeat') out.sparse.push(col);
    else out.varlen.push({ ...col, lengthName: f.lengthName === undefined || f.lengthName === null ? undefined : str(`features[${i}].lengthName`, f.lengthName) });
  });
  return out;
}

/** Feature `i` (a SparseFeat or VarLenSparseFeat named `name`) with DeepCTR's defaults filled in. */
function readEmbeddingColumn(f: DeepCTRSparseFeat | DeepCTRVarLenSparseFeat, i: number, name: string): Column {
  return {
    name,
    table: f.embeddingName === undefined ? name : str(`features[${i}].embeddingName`, f.embeddingName),
    vocab: positiveInt(`features[${i}].vocabularySize`, f.vocabularySize),
    dim: f.embeddingDim === undefined ? 4 : positiveInt(`features[${i}].embeddingDim`, f.embeddingDim),
    group: f.groupName === undefined ? 'default_group' : str(`features[${i}].groupName`, f.groupName),
  };
}

/** `historyFeatureList`: SparseFeat names, each with a `hist_<name>` VarLenSparseFeat. */
function readHistoryList(list: string[], sparse: Column[], varlen: Column[]): Set<string> {
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`spec.historyFeatureList: expected a non-empty array of SparseFeat names, got ${describe(list)}`);
  }
  const history = new Set<string>();
  list.forEach((h, i) => {
    const name = str(`historyFeatureList[${i}]`, h);
    if (!sparse.some((c) => c.name === name)) throw new RangeError(`spec.historyFeatureList[${i}]: '${name}' is not a SparseFeat of spec.features`);
    if (!varlen.some((c) => c.name === `hist_${name}`)) throw new RangeError(`spec.historyFeatureList[${i}]: no VarLenSparseFeat 'hist_${name}' in spec.features`);
    history.add(name);
  });
  return history;
}

/**
 * Moves the embedding tables (one per embedding name, the last column defining it wins; columns
 * sharing one must agree on its dimension) and drops those only DIEN-ignored columns use.
 */
function moveTables(s: StateDict, f: Features): Record<string, [number, number]> {
  const all = [...f.sparse, ...f.varlen];
  const tableShape = new Map<string, [number, number]>();
  for (const c of all) tableShape.set(c.table, [c.vocab, c.dim]);
  for (const c of all) {
    const [, dim] = tableShape.get(c.table)!;
    if (c.dim !== dim) throw new RangeError(`spec.features: '${c.name}' has embeddingDim ${c.dim} but shares table '${c.table}' of dimension ${dim}`);
  }
  const used = new Set([...f.sparse, ...f.histCols, ...(f.negsampling ? f.negCols : [])].map((c) => c.table));
  const tables: Record<string, [number, number]> = {};
  for (const [t, shape] of tableShape) {
    const key = `embedding_dict.${t}.weight`;
    const users = all.filter((c) => c.table === t).map((c) => c.name);
    if (!used.has(t)) {
      s.take(key, shape, `embedding of ${users.join(', ')}, which DeepCTR's DIEN does not read: dropped`);
      continue;
    }
    s.move(key, `embeddings.${t}.weight`, shape, `embedding table of ${users.join(', ')}: [vocabularySize, embeddingDim]`);
    tables[t] = shape;
  }
  return tables;
}

/**
 * Pairs query and key columns in column order (grouped): history field i = (query column i,
 * key column i); with negative sampling, the `neg_hist_*` columns must line up with the keys.
 */
function historyFields(f: Features): History {
  const queries = grouped(f.sparse.filter((c) => f.history.has(c.name)));
  const keys = grouped(f.histCols);
  const negs = grouped(f.negCols);
  const fields: HistoryField[] = queries.map((q, i) => {
    const k = keys[i];
    if (q.dim !== k.dim) {
      throw new RangeError(`spec.features: query column '${q.name}' (dim ${q.dim}) meets key column '${k.name}' (dim ${k.dim}) in DeepCTR's attention; reckit pairs whole fields, so their dimensions must match (order the SparseFeat and hist_ columns alike)`);
    }
    const first = f.sparse.findIndex((c) => c.table === q.table);
    if (f.sparse[first] !== q) throw new RangeError(`spec.features: history target '${q.name}' shares table '${q.table}' with an earlier SparseFeat '${f.sparse[first].name}'; reckit names a history target by its table`);
    return k.table === q.table ? q.table : { target: q.table, table: k.table };
  });
  if (f.negsampling) {
    if (negs.length !== keys.length) throw new RangeError(`spec.features: useNegsampling needs a VarLenSparseFeat 'neg_${keys.find((k) => !negs.some((n) => n.name === `neg_${k.name}`))?.name}' for every history`);
    negs.forEach((n, i) => {
      if (n.name !== `neg_${keys[i].name}` || n.table !== keys[i].table) {
        throw new RangeError(`spec.features: negative history '${n.name}' (table '${n.table}') must line up with history '${keys[i].name}' (table '${keys[i].table}'): same order and table`);
      }
    });
  }
  return { fields, keys, negs, width: keys.reduce((a, c) => a + c.dim, 0) };
}

/**
 * The first DNN layer's column permutation: reckit [dense, sparse (spec order), interest] from
 * DeepCTR's DIN [sparse (grouped), interest, dense] / DIEN [interest, sparse (grouped), dense].
 */
function dnnInputOrder(f: Features, eb: number, dien: boolean): DnnInput {
  const dWidth = f.dense.reduce((a, d) => a + d.dim, 0);
  const sWidth = f.sparse.reduce((a, c) => a + c.dim, 0);
  const deepSparseAt = new Map<Column, number>();
  let at = dien ? eb : 0;
  for (const c of grouped(f.sparse)) {
    deepSparseAt.set(c, at);
    at += c.dim;
  }
  const deepInterest = dien ? 0 : sWidth;
  const deepDense = sWidth + eb;
  const from = new Int32Array(dWidth + sWidth + eb);
  let j = 0;
  for (let d = 0; d < dWidth; d++) from[j++] = deepDense + d;
  for (const c of f.sparse) for (let d = 0; d < c.dim; d++) from[j++] = deepSparseAt.get(c)! + d;
  for (let d = 0; d < eb; d++) from[j++] = deepInterest + d;
  return { dense: dWidth, sparse: sWidth, interest: eb, from };
}

/** The attention unit's and the DNN's sizes and activations from the spec (DeepCTR's defaults). */
function readLayers(spec: DeepCTRSpec, dien: boolean): Layers {
  const dnn: MlpLayers = {
    hidden: units('dnnHiddenUnits', spec.dnnHiddenUnits, [256, 128]),
    activation: activation('dnnActivation', spec.dnnActivation, 'relu'),
    batchnorm: bool('dnnUseBn', spec.dnnUseBn, false),
  };
  const attention = {
    hidden: units('attHiddenUnits', spec.attHiddenUnits, [64, 16]),
    activation: activation('attActivation', spec.attActivation, dien ? 'relu' : 'Dice'),
    batchnorm: false,
    softmax: bool('attWeightNormalization', spec.attWeightNormalization, dien),
  };
  return { attention, dnn };
}

/** Moves the attention unit (MLP + output layer), the DNN (first layer reordered) and the output layer. */
function moveAttentionAndDnn(s: StateDict, { attention: att, dnn }: Layers, input: DnnInput, dien: boolean): void {
  const eb = input.interest;
  const attSrc = dien ? 'interest_evolution.attention.local_att.' : 'attention.local_att.';
  const attDst = dien ? 'interest.attention.' : 'attention.';
  mlp(s, `${attSrc}dnn.`, `${attDst}mlp.mlp.`, 4 * eb, att.hidden, att.activation, false, 'attention unit');
  const lastAtt = att.hidden[att.hidden.length - 1];
  s.move(`${attSrc}dense.weight`, `${attDst}fc.weight`, [1, lastAtt], 'attention unit output layer');
  s.move(`${attSrc}dense.bias`, `${attDst}fc.bias`, [1], 'attention unit output layer');
  const what = `DNN (input: ${input.dense} dense + ${input.sparse} sparse + ${eb} interest)`;
  mlp(s, 'dnn.', 'mlp.mlp.', input.from.length, dnn.hidden, dnn.activation, dnn.batchnorm, what, input.from);
  const last = dnn.hidden[dnn.hidden.length - 1];
  s.move(dien ? 'linear.weight' : 'dnn_linear.weight', 'final_layer.weight', [1, last], 'output layer');
  s.move('out.bias', 'final_layer.bias', [1], 'PredictionLayer bias');
}

/** reckit's DIN config (DIEN's base): tables, columns, history fields, attention unit and DNN. */
function dinConfig(f: Features, tables: Record<string, [number, number]>, fields: HistoryField[], layers: Layers, dense: number): DINConfig {
  const withDice = (a: MlpActivation) => (a === 'dice' ? { diceEps: DICE_EPS } : {});
  return {
    tables,
    sparse: f.sparse.map((c) => c.table),
    dense,
    history: fields,
    attention: { ...layers.attention, scale: false, ...withDice(layers.attention.activation) },
    mlp: { ...layers.dnn, ...withDice(layers.dnn.activation) },
  };
}

/** DIEN's `gruType`, which must have a reckit counterpart (DeepCTR's default 'GRU' has none). */
function readGruType(spec: DeepCTRSpec): GruType {
  const gru = spec.gruType ?? 'GRU';
  if (gru !== 'AUGRU' && gru !== 'AGRU' && gru !== 'AIGRU') {
    throw new RangeError(`spec.gruType: ${JSON.stringify(gru)} is not supported (reckit's DIEN evolves interests with 'AUGRU', 'AGRU' or 'AIGRU'; DeepCTR's default 'GRU' pools a plain GRU's outputs with attention)`);
  }
  return gru;
}

/** Moves DIEN's interest extractor nn.GRU(E, E) and interest evolution cell (AIGRU: an nn.GRU). */
function dienCells(s: StateDict, gru: GruType, eb: number): void {
  const g3 = 3 * eb;
  for (const k of ['weight_ih_l0', 'weight_hh_l0']) s.move(`interest_extractor.gru.${k}`, `interest.interest_extractor.${k}`, [g3, eb], 'interest extractor nn.GRU(E, E)');
  for (const k of ['bias_ih_l0', 'bias_hh_l0']) s.move(`interest_extractor.gru.${k}`, `interest.interest_extractor.${k}`, [g3], 'interest extractor nn.GRU(E, E)');
  const evo = 'interest_evolution.interest_evolution.';
  if (gru === 'AIGRU') {
    for (const k of ['weight_ih_l0', 'weight_hh_l0']) s.move(`${evo}${k}`, `interest.interest_evolution.${k}`, [g3, eb], 'AIGRU nn.GRU(E, E)');
    for (const k of ['bias_ih_l0', 'bias_hh_l0']) s.move(`${evo}${k}`, `interest.interest_evolution.${k}`, [g3], 'AIGRU nn.GRU(E, E)');
    return;
  }
  const cell = `${gru}Cell`;
  for (const k of ['weight_ih', 'weight_hh']) s.move(`${evo}rnn.${k}`, `interest.interest_evolution.rnn.${k}`, [g3, eb], `${cell} (gates r, z, n)`);
  if (gru === 'AGRU') {
    for (const k of ['bias_ih', 'bias_hh']) s.move(`${evo}rnn.${k}`, `interest.interest_evolution.rnn.${k}`, [g3], `${cell} (gates r, z, n)`);
  } else {
    moveAugruBias(s, `${evo}rnn.`, g3, cell);
  }
}

/** Moves AUGRUCell's bias, one tensor registered as both bias_ih and bias_hh: present under either name or both (equal). */
function moveAugruBias(s: StateDict, rnn: string, g3: number, cell: string): void {
  const [ih, hh] = [`${rnn}bias_ih`, `${rnn}bias_hh`];
  const why = `${cell}'s bias, one tensor registered as both bias_ih and bias_hh`;
  const bih = s.has(ih) ? s.take(ih, [g3], why) : undefined;
  const bhh = s.has(hh) ? s.take(hh, [g3], why) : undefined;
  const b = bhh ?? bih;
  if (!b) throw new TypeError(`stateDict: '${hh}' is missing (and '${ih}'; ${why})`);
  if (bih && bhh && bih.data.some((v, i) => !Object.is(v, bhh.data[i]))) {
    throw new RangeError(`stateDict: '${ih}' and '${hh}' differ; DeepCTR-Torch's AUGRUCell stores one tensor under both names (loading this into it would use '${hh}' for both)`);
  }
  s.out.set('interest.interest_evolution.rnn.bias_ih', b);
  s.out.set('interest.interest_evolution.rnn.bias_hh', b);
}

/** reckit's DIEN config: the DIN config with the evolution cell's type and DeepCTR's cell conventions. */
function dienConfig(base: DINConfig, gru: GruType): DIENConfig {
  const form = gru === 'AIGRU' ? {} : gru === 'AUGRU' ? { augruForm: 'paper' as const, gateOrder: 'rzn' as const } : { gateOrder: 'rzn' as const };
  return { ...base, gru, ...form };
}

/** Moves DIEN's auxiliary net (`DNN(2E, [100, 50, 1], 'sigmoid')`, sizes read from the keys) and returns its config. */
function moveAuxiliaryNet(s: StateDict, eb: number): NonNullable<DIENConfig['auxiliary']> {
  const aux = 'interest_extractor.auxiliary_net.';
  let n = 0;
  while (s.has(`${aux}linears.${n}.weight`)) n++;
  if (n < 1) throw new TypeError(`stateDict: '${aux}linears.0.weight' is missing (useNegsampling: the auxiliary net DNN(2E, [100, 50, 1], 'sigmoid'))`);
  const hidden: number[] = [];
  let prev = 2 * eb;
  for (let i = 0; i < n; i++) {
    const outDim = i === n - 1 ? 1 : s.take(`${aux}linears.${i}.weight`, [null, prev], `auxiliary net layer ${i}`).shape[0];
    const dst = i === n - 1 ? `interest.auxiliary_net.mlp.final_layer` : `interest.auxiliary_net.mlp.dense${i}`;
    s.move(`${aux}linears.${i}.weight`, `${dst}.weight`, [outDim, prev], `auxiliary net layer ${i} (the last has 1 unit)`);
    s.move(`${aux}linears.${i}.bias`, `${dst}.bias`, [outDim], `auxiliary net layer ${i}`);
    if (i < n - 1) hidden.push(outDim);
    prev = outDim;
  }
  return { hidden, activation: 'sigmoid' };
}
