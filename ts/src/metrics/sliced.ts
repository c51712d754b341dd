/**
 * Metrics per slice (crates/core/src/metrics/sliced.rs): the same metrics for each value of a
 * segment column, in one call.
 */
import { run, runAsync } from '../backends/call.js';
import type { Scores } from '../backends/kernels.js';
import { choice, describe, sameLength, GroupIds, NumberArray, numberOption, toGroups, toLabels, toScores, toWeights, type Labels } from '../arguments.js';
import type { BootstrapMetric } from './bootstrap.js';
import type { GroupWeighting } from './auc.js';
import type { EmptyQueryPolicy, RankingGain } from './ranking.js';

export interface SlicedOptions {
  /** The metrics, by name (default `['auc', 'logLoss']`): as {@link bootstrap} names them (`gauc`, `ndcg@10`, …). */
  metrics?: BootstrapMetric[];
  /** The group (user, query) of each row, for `gauc` and the ranking metrics. */
  groups?: GroupIds;
  /** Sample weights of `logLoss`, `brier`, `calibration` and `normalizedEntropy`. */
  weights?: NumberArray;
  weighting?: GroupWeighting;
  eps?: number;
  gain?: RankingGain;
  emptyQueries?: EmptyQueryPolicy;
}

export interface SliceReport {
  /** The slice's id, as given in `slices`. */
  slice: unknown;
  rows: number;
  /** Rows with a label > 0. */
  positives: number;
  /** Each metric's value on the slice's rows (NaN where it is undefined, e.g. AUC of one class). */
  values: Record<string, number>;
}

function slicedArgs(labels: Labels | NumberArray, scores: NumberArray, slices: GroupIds, options: SlicedOptions) {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  const metrics = options.metrics ?? ['auc', 'logLoss'];
  if (!Array.isArray(metrics) || metrics.some((m) => typeof m !== 'string')) throw new TypeError('metrics must be an array of metric names, e.g. ["auc", "ndcg@10"]');
  if (metrics.length === 0) throw new RangeError('metrics: is empty; name at least one metric');
  const ranking = metrics.some((m) => m.includes('@'));
  // 0/1 labels unless a ranking metric asks for relevance grades (the binary ones then check 0/1 in the core).
  const l = ranking ? toWeights('labels', labels, (labels as ArrayLike<number>)?.length) : Float64Array.from(toLabels(labels));
  const s: Scores = toScores(scores, l.length);
  if (slices === null || typeof slices !== 'object') throw new TypeError(`slices must be an array of slice ids (one per row), got ${describe(slices)}`);
  sameLength('slices', (slices as ArrayLike<unknown>).length, l.length);
  const keys = toGroups(slices, l.length);
  const groups = options.groups === undefined ? undefined : toGroups(options.groups, l.length).keys;
  const weights = options.weights === undefined ? undefined : toWeights('weights', options.weights, l.length);
  const config = [
    choice('weighting', options.weighting, ['impressions', 'clicks', 'uniform'] as const, 'impressions'),
    choice('gain', options.gain, ['linear', 'exponential'] as const, 'linear'),
    choice('emptyQueries', options.emptyQueries, ['zero', 'skip'] as const, 'zero'),
  ].join(',');
  const eps = numberOption('eps', options.eps, 1e-15);
  return { metrics, keys, args: [metrics.join(','), l, s, keys.keys, groups, weights, config, eps] as const };
}

function toSlices(metrics: string[], keys: ReturnType<typeof toGroups>, v: Float64Array): SliceReport[] {
  const out: SliceReport[] = [];
  const width = 3 + metrics.length;
  for (let j = 0; j < v[0]; j++) {
    const at = 1 + j * width;
    out.push({
      slice: keys.nameOf(v[at]),
      rows: v[at + 1],
      positives: v[at + 2],
      values: Object.fromEntries(metrics.map((m, i) => [m, v[at + 3 + i]])),
    });
  }
  return out;
}

/**
 * The metrics of each slice (the rows sharing a `slices` value: country, device, …), slices in
 * order of first appearance, each with its row and positive counts. A slice's value equals the
 * metric function on that slice's rows (in input order); where the metric is undefined on a
 * slice (AUC of a single-class slice) it is NaN. Bad arguments are errors as for the whole input.
 *
 * ```js
 * slicedMetrics(labels, scores, countries, { metrics: ['auc', 'calibration'] });
 * // → [{ slice: 'DE', rows: 5120, positives: 301, values: { auc: 0.74, calibration: 1.02 } }, …]
 * ```
 */
export function slicedMetrics(labels: Labels | NumberArray, scores: NumberArray, slices: GroupIds, options: SlicedOptions = {}): SliceReport[] {
  const { metrics, keys, args } = slicedArgs(labels, scores, slices, options);
  return toSlices(metrics, keys, run('sliced', [...args]));
}

/** {@link slicedMetrics} off the calling thread. */
export async function slicedMetricsAsync(labels: Labels | NumberArray, scores: NumberArray, slices: GroupIds, options: SlicedOptions = {}): Promise<SliceReport[]> {
  const { metrics, keys, args } = slicedArgs(labels, scores, slices, options);
  return toSlices(metrics, keys, await runAsync('sliced', [...args]));
}
