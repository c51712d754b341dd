/**
 * Accumulators for data that arrives in batches or lives on several workers or machines
 * (torchmetrics' update / merge / compute): `update` with each batch, `merge` shards, `compute`
 * once. `toJSON()` / `fromJSON()` carry a shard between threads (postMessage) or machines.
 *
 * Exact mode keeps the rows (copied at `update`) and computes with the one-shot function on
 * their concatenation in update/merge order: the result is bit-identical to calling that
 * function on the concatenated data. Binned AUC keeps two histograms instead: bounded memory,
 * shards merge by addition, and `errorBound()` bounds the distance to the exact AUC.
 */
import type { Scores } from '../backends/types.js';
import { run, runAsync } from '../backends/call.js';
import { auc, aucArgs, aucAsync, gaucReport, gaucReportAsync, type GaucOptions, type GaucReport } from './auc.js';
import { rankingMetrics, rankingMetricsAsync, rankingOptions, type RankingMetricsOptions, type RankingReport } from './ranking.js';
import { ARROW, GroupIds, Labels, NumberArray, fromArrow, isArrowVector, toGroups, toScores, toWeights } from '../arguments.js';
import { ctrArgs, toDiagram, type CtrMetrics, type ReliabilityDiagram } from './calibration.js';

type Column = Uint8Array | Float32Array | Float64Array;

function concat<T extends Column>(chunks: T[], Ctor: { new (n: number): T }): T {
  if (chunks.length === 1 && chunks[0] instanceof Ctor) return chunks[0];
  const out = new Ctor(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Scores keep float32 when every batch was a Float32Array (same ties, same result). */
function concatScores(chunks: Scores[]): Scores {
  return chunks.every((c) => c instanceof Float32Array) ? concat(chunks as Float32Array[], Float32Array) : concat(chunks, Float64Array);
}

/** Checks a batch's values now, so an error names the batch's own index. */
function checkBatch(labels: Uint8Array, scores: Scores, weights?: Float64Array): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > 1) throw new RangeError(`labels: labels[${i}] is ${labels[i]}; labels must be 0 or 1`);
    if (!Number.isFinite(scores[i])) throw new RangeError(`scores: scores[${i}] is not finite; scores must be finite numbers`);
    if (weights && !(weights[i] >= 0 && weights[i] < Infinity)) throw new RangeError(`weights: weights[${i}] is ${weights[i]}; weights must be finite and >= 0`);
  }
}

function copyOf<T extends Column>(x: T): T {
  return x.slice() as T;
}

/** A copy of a batch's group ids: typed arrays stay typed. */
function copyIds(groups: GroupIds): unknown {
  // An Arrow column: its values (a typed array for integer ids, keyed as the one-shot functions key them), copied.
  if (isArrowVector(groups)) return groups.type.typeId === ARROW.Dictionary ? Array.from(groups) : copyIds(fromArrow('groups', groups, 'groups') as GroupIds);
  return ArrayBuffer.isView(groups) ? (groups as unknown as { slice(): unknown }).slice() : Array.from(groups as ArrayLike<unknown>);
}

function sameKind(a: object, b: object, what: string): void {
  if (a.constructor !== b.constructor) throw new TypeError(`merge: expected a ${a.constructor.name}, got a ${b.constructor.name}`);
  if (what) throw new RangeError(`merge: the accumulators differ in ${what}`);
}

/** Rows kept by the exact accumulators, in update/merge order. */
class Rows {
  labels: Column[] = [];
  scores: Scores[] = [];
  weights: (Float64Array | undefined)[] = [];
  groups: unknown[][] | Column[] = [];
  length = 0;

  push(labels: Column, scores: Scores, weights?: Float64Array, groups?: unknown): void {
    this.labels.push(labels);
    this.scores.push(scores);
    this.weights.push(weights);
    if (groups !== undefined) (this.groups as unknown[]).push(groups);
    this.length += labels.length;
  }

  append(other: Rows): void {
    for (let i = 0; i < other.labels.length; i++) this.push(other.labels[i], other.scores[i], other.weights[i], other.groups[i]);
  }

  weightColumn(): Float64Array | undefined {
    if (this.weights.every((w) => w === undefined)) return undefined;
    return concat(this.weights.map((w, i) => w ?? new Float64Array(this.labels[i].length).fill(1)), Float64Array);
  }

  /** Group ids: one typed array when every batch had the same kind, else a plain array. */
  groupColumn(): GroupIds {
    const chunks = this.groups as unknown as ArrayLike<unknown>[];
    const first = chunks[0];
    if (ArrayBuffer.isView(first) && chunks.every((c) => c.constructor === first.constructor)) {
      const Ctor = first.constructor as { new (n: number): Column };
      return concat(chunks as Column[], Ctor) as GroupIds;
    }
    return chunks.flatMap((c) => Array.from(c)) as GroupIds;
  }

  toJSON(withGroups: boolean) {
    const weights = this.weightColumn();
    return {
      dtype: this.scores.every((c) => c instanceof Float32Array) ? 'f32' : 'f64',
      labels: this.labels.flatMap((c) => Array.from(c)),
      scores: this.scores.flatMap((c) => Array.from(c)),
      weights: weights ? Array.from(weights) : null,
      ...(withGroups ? groupsJSON(this.groups.length ? this.groupColumn() : []) : {}),
    };
  }

  static fromJSON(json: RowsJSON, labels: 'u8' | 'f64'): Rows {
    const rows = new Rows();
    if (json.labels.length === 0) return rows;
    const l = labels === 'u8' ? Uint8Array.from(json.labels) : Float64Array.from(json.labels);
    const s = json.dtype === 'f32' ? Float32Array.from(json.scores) : Float64Array.from(json.scores);
    rows.push(l, s, json.weights ? Float64Array.from(json.weights) : undefined, json.groups ? groupsFromJSON(json) : undefined);
    return rows;
  }
}

export interface RowsJSON {
  dtype: 'f32' | 'f64';
  labels: number[];
  scores: number[];
  weights: number[] | null;
  groups?: (number | string)[];
  groupsType?: string;
}

const GROUP_ARRAYS = { Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float64Array, BigInt64Array, BigUint64Array };

function groupsJSON(groups: GroupIds) {
  const type = ArrayBuffer.isView(groups) ? groups.constructor.name : 'Array';
  return { groupsType: type, groups: Array.from(groups as ArrayLike<unknown>, (g) => (typeof g === 'bigint' ? g.toString() : g)) as (number | string)[] };
}

function groupsFromJSON(json: RowsJSON): GroupIds {
  const Ctor = GROUP_ARRAYS[json.groupsType as keyof typeof GROUP_ARRAYS];
  if (!Ctor) return json.groups as GroupIds;
  if (Ctor === BigInt64Array || Ctor === BigUint64Array) return Ctor.from(json.groups!.map((g) => BigInt(g)));
  return (Ctor as Float64ArrayConstructor).from(json.groups as number[]);
}

function checkType(json: { type?: unknown }, type: string): void {
  if (json === null || typeof json !== 'object' || json.type !== type) throw new TypeError(`fromJSON: not a serialised ${type}`);
}

export interface AucAccumulatorOptions {
  /** `'exact'` (default): keeps the rows. `'binned'`: two histograms, bounded memory. */
  mode?: 'exact' | 'binned';
  /** Binned: number of equal bins over `range` (default 65536, at most 2²⁴). */
  bins?: number;
  /** Binned: the score range `[min, max]` (default [0, 1]); scores outside count in the edge bins. */
  range?: [number, number];
}

export type AucAccumulatorJSON =
  | ({ type: 'AucAccumulator'; mode: 'exact' } & RowsJSON)
  | { type: 'AucAccumulator'; mode: 'binned'; bins: number; range: [number, number]; positives: number[]; negatives: number[] };

/**
 * AUC over batches and shards. Exact mode equals {@link auc} on the concatenated rows, bit for
 * bit. Binned mode (`{ mode: 'binned', bins, range }`) keeps per-class score histograms: pairs
 * in different bins are ordered exactly, pairs within a bin count ½, so
 * `|binned − exact| ≤ ½·Σ_b P_b·N_b / (P·N)` — {@link AucAccumulator.errorBound} returns it.
 *
 * ```js
 * // in each worker: const a = new AucAccumulator(); a.update(l, s); postMessage(a.toJSON());
 * // in the main thread: total.merge(AucAccumulator.fromJSON(message.data)); total.compute();
 * ```
 */
export class AucAccumulator {
  readonly mode: 'exact' | 'binned';
  readonly bins: number;
  readonly range: [number, number];
  #rows = new Rows();
  #positives: Float64Array;
  #negatives: Float64Array;

  constructor(options: AucAccumulatorOptions = {}) {
    if (options.mode !== undefined && options.mode !== 'exact' && options.mode !== 'binned') {
      throw new RangeError(`mode: is ${JSON.stringify(options.mode)}; expected 'exact' or 'binned'`);
    }
    this.mode = options.mode ?? 'exact';
    this.bins = options.bins ?? 65536;
    this.range = options.range ?? [0, 1];
    if (!Number.isInteger(this.bins) || this.bins < 1 || this.bins > 2 ** 24) throw new RangeError(`bins: ${this.bins} is not an integer in [1, 2^24]`);
    const [lo, hi] = this.range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`range: [${lo}, ${hi}] must be finite with min < max`);
    const size = this.mode === 'binned' ? this.bins : 0;
    this.#positives = new Float64Array(size);
    this.#negatives = new Float64Array(size);
  }

  /** Rows seen (exact mode) or total weight of the rows seen (binned mode counts weights). */
  get count(): number {
    return this.mode === 'exact' ? this.#rows.length : this.#positives.reduce((a, b) => a + b, 0) + this.#negatives.reduce((a, b) => a + b, 0);
  }

  /** Adds a batch (copied: the caller may reuse its arrays). */
  update(labels: Labels, scores: NumberArray, options: { weights?: NumberArray } = {}): this {
    const [l, s, w] = aucArgs(labels, scores, options);
    if (this.mode === 'binned') {
      const h = run('aucHistogram', [l, s, w, this.range[0], this.range[1], this.bins]);
      for (let b = 0; b < this.bins; b++) {
        this.#positives[b] += h[b];
        this.#negatives[b] += h[this.bins + b];
      }
    } else {
      checkBatch(l, s, w);
      this.#rows.push(copyOf(l), copyOf(s), w && copyOf(w));
    }
    return this;
  }

  /** Adds another accumulator's rows or histograms (same mode, bins and range). */
  merge(other: AucAccumulator): this {
    const differs = this.mode !== other.mode ? 'mode' : this.mode === 'binned' && (this.bins !== other.bins || this.range.some((x, i) => x !== other.range[i])) ? 'bins or range' : '';
    sameKind(this, other, differs);
    if (this.mode === 'binned') {
      other.#positives.forEach((v, b) => (this.#positives[b] += v));
      other.#negatives.forEach((v, b) => (this.#negatives[b] += v));
    } else {
      this.#rows.append(other.#rows);
    }
    return this;
  }

  #exactArgs(): [Uint8Array, Scores, { weights?: Float64Array }] {
    const r = this.#rows;
    return [concat(r.labels as Uint8Array[], Uint8Array), concatScores(r.scores), { weights: r.weightColumn() }];
  }

  /** The AUC of everything seen; NaN before any row or with one class only. */
  compute(): number {
    if (this.mode === 'binned') return run('aucFromHistogram', [this.#positives, this.#negatives])[0];
    return this.#rows.length === 0 ? NaN : auc(...this.#exactArgs());
  }

  /** {@link AucAccumulator.compute} off the calling thread. */
  async computeAsync(): Promise<number> {
    if (this.mode === 'binned') return (await runAsync('aucFromHistogram', [this.#positives, this.#negatives]))[0];
    return this.#rows.length === 0 ? NaN : aucAsync(...this.#exactArgs());
  }

  /** A bound on |compute() − exact AUC|: 0 in exact mode. */
  errorBound(): number {
    if (this.mode === 'exact') return 0;
    return run('aucFromHistogram', [this.#positives, this.#negatives])[1];
  }

  toJSON(): AucAccumulatorJSON {
    if (this.mode === 'binned') {
      return { type: 'AucAccumulator', mode: 'binned', bins: this.bins, range: [...this.range], positives: Array.from(this.#positives), negatives: Array.from(this.#negatives) };
    }
    return { type: 'AucAccumulator', mode: 'exact', ...(this.#rows.toJSON(false) as RowsJSON) };
  }

  static fromJSON(json: AucAccumulatorJSON): AucAccumulator {
    checkType(json, 'AucAccumulator');
    if (json.mode === 'binned') {
      const a = new AucAccumulator({ mode: 'binned', bins: json.bins, range: json.range });
      if (json.positives.length !== a.bins || json.negatives.length !== a.bins) throw new RangeError('fromJSON: histogram length differs from bins');
      a.#positives.set(json.positives);
      a.#negatives.set(json.negatives);
      return a;
    }
    const a = new AucAccumulator();
    a.#rows = Rows.fromJSON(json, 'u8');
    return a;
  }
}

export type GaucAccumulatorJSON = { type: 'GaucAccumulator' } & RowsJSON;

/** Group AUC over batches and shards (exact: equals {@link gaucReport} on the concatenation). */
export class GaucAccumulator {
  #rows = new Rows();

  get count(): number {
    return this.#rows.length;
  }

  /** Adds a batch (copied). A user's rows may be spread over several batches. */
  update(labels: Labels, scores: NumberArray, groups: GroupIds): this {
    const [l, s] = aucArgs(labels, scores, {});
    toGroups(groups, l.length); // type and length check
    checkBatch(l, s);
    this.#rows.push(copyOf(l), copyOf(s), undefined, copyIds(groups));
    return this;
  }

  merge(other: GaucAccumulator): this {
    sameKind(this, other, '');
    this.#rows.append(other.#rows);
    return this;
  }

  #args(): [Uint8Array, Scores, GroupIds] {
    const r = this.#rows;
    return [concat(r.labels as Uint8Array[], Uint8Array), concatScores(r.scores), r.groupColumn()];
  }

  /** {@link gaucReport} of everything seen (value NaN before any row). */
  compute(options: GaucOptions = {}): GaucReport {
    if (this.#rows.length === 0) return { value: NaN, groups: 0, skippedGroups: 0 };
    return gaucReport(...this.#args(), options);
  }

  async computeAsync(options: GaucOptions = {}): Promise<GaucReport> {
    if (this.#rows.length === 0) return { value: NaN, groups: 0, skippedGroups: 0 };
    return gaucReportAsync(...this.#args(), options);
  }

  toJSON(): GaucAccumulatorJSON {
    return { type: 'GaucAccumulator', ...(this.#rows.toJSON(true) as RowsJSON) };
  }

  static fromJSON(json: GaucAccumulatorJSON): GaucAccumulator {
    checkType(json, 'GaucAccumulator');
    const a = new GaucAccumulator();
    a.#rows = Rows.fromJSON(json, 'u8');
    return a;
  }
}

export type RankingAccumulatorOptions = Omit<RankingMetricsOptions, 'groups'>;
export type RankingAccumulatorJSON = { type: 'RankingAccumulator'; options: RankingAccumulatorOptions } & RowsJSON;

/**
 * Ranking metrics at K over batches and shards (exact: equals {@link rankingMetrics} on the
 * concatenation). A query's rows may be spread over batches; ties are broken by position in
 * the concatenation (update/merge order).
 */
export class RankingAccumulator {
  readonly options: RankingAccumulatorOptions;
  #rows = new Rows();
  #grouped: boolean | undefined;

  constructor(options: RankingAccumulatorOptions) {
    rankingOptions(options); // k, gain and emptyQueries are checked now, not at compute
    this.options = { ...options };
  }

  get count(): number {
    return this.#rows.length;
  }

  /** Adds a batch (copied): relevance labels, scores, and query ids (all batches, or none). */
  update(labels: NumberArray, scores: NumberArray, groups?: GroupIds): this {
    const rel = toWeights('labels', labels, (labels as ArrayLike<number>)?.length);
    const s = toScores(scores, rel.length);
    if (groups !== undefined) toGroups(groups, rel.length);
    if (this.#grouped !== undefined && this.#grouped !== (groups !== undefined)) {
      throw new RangeError('groups: give query ids with every batch, or with none');
    }
    this.#grouped = groups !== undefined;
    for (let i = 0; i < rel.length; i++) {
      if (!(rel[i] >= 0 && rel[i] < Infinity)) throw new RangeError(`labels: labels[${i}] is ${rel[i]}; relevance must be finite and >= 0`);
      if (!Number.isFinite(s[i])) throw new RangeError(`scores: scores[${i}] is not finite; scores must be finite numbers`);
    }
    // rel is the caller's memory when labels is a Float64Array or an Arrow Float64 column.
    this.#rows.push(rel === labels || isArrowVector(labels) ? copyOf(rel) : rel, copyOf(s), undefined, groups === undefined ? undefined : copyIds(groups));
    return this;
  }

  merge(other: RankingAccumulator): this {
    sameKind(this, other, JSON.stringify(this.options) !== JSON.stringify(other.options) ? 'options' : '');
    if (this.#grouped !== undefined && other.#grouped !== undefined && this.#grouped !== other.#grouped) {
      throw new RangeError('merge: one accumulator has query ids and the other has none');
    }
    this.#grouped ??= other.#grouped;
    this.#rows.append(other.#rows);
    return this;
  }

  #args(): [Float64Array, Scores, RankingMetricsOptions] {
    const r = this.#rows;
    const groups = this.#grouped ? r.groupColumn() : undefined;
    return [concat(r.labels as Float64Array[], Float64Array), concatScores(r.scores), { ...this.options, groups }];
  }

  /** {@link rankingMetrics} of everything seen. */
  compute(): RankingReport {
    return rankingMetrics(...this.#args());
  }

  async computeAsync(): Promise<RankingReport> {
    return rankingMetricsAsync(...this.#args());
  }

  toJSON(): RankingAccumulatorJSON {
    return { type: 'RankingAccumulator', options: this.options, ...(this.#rows.toJSON(this.#grouped === true) as RowsJSON) };
  }

  static fromJSON(json: RankingAccumulatorJSON): RankingAccumulator {
    checkType(json, 'RankingAccumulator');
    const a = new RankingAccumulator(json.options);
    a.#rows = Rows.fromJSON(json, 'f64');
    a.#grouped = json.labels.length ? json.groups !== undefined : undefined;
    return a;
  }
}

export interface CalibrationAccumulatorOptions {
  /** Equal-width bins of the reliability diagram over [0, 1]: 1 to 65,536, default 10. */
  bins?: number;
  /** The log loss's probability clip, default 1e-15 (as `ctrMetrics`). */
  eps?: number;
}

export type CalibrationAccumulatorJSON = {
  type: 'CalibrationAccumulator';
  bins: number;
  eps: number;
  /** `[Σw, Σw·y, Σw·p, Σw·ℓ, Σw·(y − p)²]`. */
  sums: number[];
  /** Per bin: rows, then Σw, Σw·p and Σw·y (`bins` each). */
  binSums: number[];
};

export interface CalibrationReport extends CtrMetrics {
  /** The reliability diagram with uniform bins, and its ECE. */
  reliability: ReliabilityDiagram;
}

/**
 * The CTR calibration metrics (`ctrMetrics`: log loss, NE, calibration ratio, Brier) and the
 * uniform-bin reliability diagram with its ECE (`reliabilityDiagram`) over batches and shards,
 * in memory that does not grow with the rows: it keeps the weighted sums these are ratios of
 * (Σw, Σw·y, Σw·p, Σw·ℓ, Σw·(y − p)², and per bin the rows, Σw, Σw·p, Σw·y), which merge by
 * addition. Results equal the one-shot functions on the concatenated rows up to the order of
 * the additions (about 1e-15 relative). Equal-mass (quantile) bins depend on every row: keep
 * the rows (an `AucAccumulator` in exact mode keeps them) and call `reliabilityDiagram`.
 */
export class CalibrationAccumulator {
  readonly bins: number;
  readonly eps: number;
  #sums = new Float64Array(5);
  #binSums: Float64Array;

  constructor(options: CalibrationAccumulatorOptions = {}) {
    this.bins = options.bins ?? 10;
    this.eps = options.eps ?? 1e-15;
    if (!Number.isInteger(this.bins) || this.bins < 1 || this.bins > 65536) throw new RangeError(`bins: is ${this.bins}; it must be an integer in [1, 65536]`);
    if (!(this.eps >= 0 && this.eps < 0.5)) throw new RangeError(`eps: is ${this.eps}; it must be in [0, 0.5)`);
    this.#binSums = new Float64Array(4 * this.bins);
  }

  /** Rows seen. */
  get count(): number {
    return this.#binSums.subarray(0, this.bins).reduce((a, b) => a + b, 0);
  }

  /** Adds a batch of labels and predicted probabilities (its sums: the arrays are not kept). */
  update(labels: Labels, probs: NumberArray, options: { weights?: NumberArray } = {}): this {
    const [l, p, w] = ctrArgs(labels, probs, { weights: options.weights, eps: this.eps });
    const ctr = run('ctrMetrics', [l, p, w, this.eps]);
    const table = run('reliability', [l, p, w, this.bins, 'uniform']);
    this.#sums.forEach((_, k) => (this.#sums[k] += ctr[6 + k]));
    this.#binSums.forEach((_, k) => (this.#binSums[k] += table[2 + this.bins + k]));
    return this;
  }

  /** Adds another accumulator's sums (same bins and eps). */
  merge(other: CalibrationAccumulator): this {
    sameKind(this, other, this.bins !== other.bins || this.eps !== other.eps ? 'bins or eps' : '');
    other.#sums.forEach((v, k) => (this.#sums[k] += v));
    other.#binSums.forEach((v, k) => (this.#binSums[k] += v));
    return this;
  }

  /** The metrics of everything seen (NaN before any row). */
  compute(): CalibrationReport {
    const r = run('calibrationFromSums', [this.#sums, this.#binSums.slice(this.bins)]);
    const edges = Array.from({ length: this.bins + 1 }, (_, k) => (k === this.bins ? 1 : k * (1 / this.bins)));
    return {
      logLoss: r[0], normalizedEntropy: r[1], calibration: r[2], brier: r[3], baseRate: r[4], meanPrediction: r[5],
      reliability: toDiagram(Float64Array.of(r[6], ...edges, ...this.#binSums), this.bins),
    };
  }

  toJSON(): CalibrationAccumulatorJSON {
    return { type: 'CalibrationAccumulator', bins: this.bins, eps: this.eps, sums: Array.from(this.#sums), binSums: Array.from(this.#binSums) };
  }

  static fromJSON(json: CalibrationAccumulatorJSON): CalibrationAccumulator {
    checkType(json, 'CalibrationAccumulator');
    const a = new CalibrationAccumulator({ bins: json.bins, eps: json.eps });
    if (json.sums.length !== 5 || json.binSums.length !== 4 * a.bins) throw new RangeError('fromJSON: sums of the wrong length for bins');
    a.#sums.set(json.sums);
    a.#binSums.set(json.binSums);
    return a;
  }
}
