/**
 * Ranking metrics @K over many queries at once (torchmetrics' `indexes` convention): flat
 * labels and scores, and a query id per row. Definitions on {@link rankingMetrics} and, in
 * full, on the Rust kernel (crates/core/src/metrics/ranking.rs).
 */
import type { Scores } from '../backends/types.js';
import { run, runAsync } from '../backends/call.js';
import { choice, GroupIds, GroupKeys, NumberArray, toGroups, toScores, toWeights } from '../arguments.js';

export type RankingGain = 'linear' | 'exponential';
export type EmptyQueryPolicy = 'zero' | 'skip';

export interface RankingOptions {
  /** The query (user, session) of each row; any order, integers or strings. None: one query. */
  groups?: GroupIds;
  /** NDCG gain: `rel` (default) or `2^rel − 1`. */
  gain?: RankingGain;
  /** A query with no relevant item scores 0 and counts (`'zero'`, default) or is left out. */
  emptyQueries?: EmptyQueryPolicy;
}

export interface RankingMetricsOptions extends RankingOptions {
  /** One K or several. */
  k: number | number[];
  /** Also return each query's values (`report.perQuery`), for paired tests and intervals. */
  perQuery?: boolean;
}

/** Each query's own values: what the means average. */
export interface PerQueryScores {
  /**
   * Each query's id as given in `groups` (in key order: ascending for integer typed arrays,
   * order of first appearance otherwise; one query `0` without groups).
   */
  ids: unknown[];
  /** Whether the query has no relevant item (its values are 0; left out of the means with `emptyQueries: 'skip'`). */
  empty: boolean[];
  /** `at[k].ndcg[q]`: query q's NDCG@k; `map` holds each query's AP@k and `mrr` its reciprocal rank. */
  at: Record<number, Record<keyof MetricsAtK, Float64Array>>;
}

/** Means over queries at one K. */
export interface MetricsAtK {
  precision: number;
  recall: number;
  ndcg: number;
  hitRate: number;
  f1: number;
  map: number;
  mrr: number;
}

export interface RankingReport {
  /** Each query's values, when asked for with `perQuery: true`. */
  perQuery?: PerQueryScores;
  /** Queries in the input. */
  queries: number;
  /** Queries without a relevant item (scored 0 or skipped, per `emptyQueries`). */
  emptyQueries: number;
  /** The metrics at each requested K: `report.at[10].ndcg`. */
  at: Record<number, MetricsAtK>;
}

const NAMES = ['precision', 'recall', 'ndcg', 'hitRate', 'f1', 'map', 'mrr'] as const;

function toKs(k: unknown): Uint32Array {
  const ks = typeof k === 'number' ? [k] : Array.isArray(k) ? k : undefined;
  if (ks === undefined) throw new TypeError(`k must be a number or an array of numbers, got ${typeof k}`);
  if (ks.length === 0) throw new RangeError('k: is empty; give at least one K');
  for (const x of ks) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 0xffffffff) {
      throw new RangeError(`k: ${String(x)} is not allowed; K must be an integer >= 1`);
    }
  }
  return Uint32Array.from(ks);
}

/** The options' K list, gain and emptyQueries, checked (also by RankingAccumulator). */
export function rankingOptions(options: Omit<RankingMetricsOptions, 'groups'>) {
  if (options === null || typeof options !== 'object') throw new TypeError('rankingMetrics needs options with k');
  return {
    ks: toKs(options.k),
    gain: choice('gain', options.gain, ['linear', 'exponential'] as const, 'linear'),
    empty: choice('emptyQueries', options.emptyQueries, ['zero', 'skip'] as const, 'zero'),
  };
}

function rankingArgs(labels: NumberArray, scores: NumberArray, options: RankingMetricsOptions) {
  if (options === null || typeof options !== 'object') throw new TypeError('rankingMetrics needs options with k');
  const rel = toWeights('labels', labels, (labels as ArrayLike<number>)?.length);
  const s: Scores = toScores(scores, rel.length);
  let g: GroupKeys | undefined;
  if (options.groups !== undefined) {
    g = toGroups(options.groups, rel.length);
  }
  const { ks, gain, empty } = rankingOptions(options);
  const perQuery = options.perQuery === true ? ([rel, s, g?.keys, ks, gain] as const) : undefined;
  return { ks, g, perQuery, args: [rel, s, g?.keys, ks, gain, empty] as [Float64Array, Scores, Uint32Array | undefined, Uint32Array, string, string] };
}

function toPerQuery(ks: Uint32Array, g: GroupKeys | undefined, v: Float64Array): PerQueryScores {
  const q = v[0];
  const keys = v.subarray(1, 1 + q);
  const ids = Array.from(keys, (key) => (g ? g.nameOf(key) : key));
  const empty = Array.from(v.subarray(1 + q, 1 + 2 * q), (e) => e === 1);
  const values = v.subarray(1 + 2 * q);
  const width = ks.length * 7;
  const at: PerQueryScores['at'] = {};
  ks.forEach((k, j) => {
    at[k] = Object.fromEntries(NAMES.map((name, m) => [name, Float64Array.from({ length: q }, (_, i) => values[i * width + j * 7 + m])])) as Record<keyof MetricsAtK, Float64Array>;
  });
  return { ids, empty, at };
}

function toReport(ks: Uint32Array, v: Float64Array): RankingReport {
  const at: Record<number, MetricsAtK> = {};
  ks.forEach((k, j) => {
    at[k] = Object.fromEntries(NAMES.map((name, m) => [name, v[2 + 7 * j + m]])) as unknown as MetricsAtK;
  });
  return { queries: v[0], emptyQueries: v[1], at };
}

/**
 * Every ranking metric at every K, from one selection of each query's top items.
 *
 * Items of a query are ranked by score, descending; **ties are broken by input position,
 * earlier first**. An item is relevant when its label is > 0 (labels are relevance grades ≥ 0;
 * NDCG uses the grades). With R the query's relevant items:
 * `precision@K = hits@K / K` (K even when the query is shorter: trec_eval), `recall@K =
 * hits@K / R`, `hitRate@K = [hits@K > 0]`, `f1@K` their harmonic mean per query,
 * `ndcg@K = DCG@K / IDCG@K` with `DCG = Σ gain(rel_i) / log2(i + 1)`, `map@K` the mean of
 * `AP@K = Σ_{i≤K} precision@i·[rel_i > 0] / min(K, R)`, `mrr@K` the mean of `1/rank` of the
 * first relevant item within K. Each is a mean over queries.
 *
 * @throws {RangeError} for mismatched lengths, NaN or ±Inf scores, negative or NaN labels, K
 *   not an integer ≥ 1, groups of the wrong length, an unknown gain or emptyQueries option.
 */
export function rankingMetrics(labels: NumberArray, scores: NumberArray, options: RankingMetricsOptions): RankingReport {
  const { ks, g, perQuery, args } = rankingArgs(labels, scores, options);
  const report = toReport(ks, run('rankingMetrics', args));
  return perQuery ? { perQuery: toPerQuery(ks, g, run('rankingPerQuery', [...perQuery])), ...report } : report;
}

/** {@link rankingMetrics} off the calling thread. */
export async function rankingMetricsAsync(labels: NumberArray, scores: NumberArray, options: RankingMetricsOptions): Promise<RankingReport> {
  const { ks, g, perQuery, args } = rankingArgs(labels, scores, options);
  const report = toReport(ks, await runAsync('rankingMetrics', args));
  return perQuery ? { perQuery: toPerQuery(ks, g, await runAsync('rankingPerQuery', [...perQuery])), ...report } : report;
}

type Metric = keyof MetricsAtK;

function atK(metric: Metric) {
  const sync = (labels: NumberArray, scores: NumberArray, k: number, options: RankingOptions = {}): number => {
    if (typeof k !== 'number') throw new TypeError(`k must be a number, got ${typeof k}`);
    return rankingMetrics(labels, scores, { ...options, k }).at[k][metric];
  };
  const async = async (labels: NumberArray, scores: NumberArray, k: number, options: RankingOptions = {}): Promise<number> => {
    if (typeof k !== 'number') throw new TypeError(`k must be a number, got ${typeof k}`);
    return (await rankingMetricsAsync(labels, scores, { ...options, k })).at[k][metric];
  };
  return [sync, async] as const;
}

/** Mean precision@K over queries ({@link rankingMetrics}). */
export const [precisionAtK, precisionAtKAsync] = atK('precision');
/** Mean recall@K over queries ({@link rankingMetrics}). */
export const [recallAtK, recallAtKAsync] = atK('recall');
/** Mean NDCG@K over queries ({@link rankingMetrics}). */
export const [ndcgAtK, ndcgAtKAsync] = atK('ndcg');
/** Hit rate@K: the share of queries with a relevant item in the top K ({@link rankingMetrics}). */
export const [hitRateAtK, hitRateAtKAsync] = atK('hitRate');
/** Mean F1@K over queries ({@link rankingMetrics}). */
export const [f1AtK, f1AtKAsync] = atK('f1');
/** MAP@K: mean AP@K over queries ({@link rankingMetrics}). */
export const [mapAtK, mapAtKAsync] = atK('map');
/** MRR@K: mean reciprocal rank of the first relevant item within K ({@link rankingMetrics}). */
export const [mrrAtK, mrrAtKAsync] = atK('mrr');

