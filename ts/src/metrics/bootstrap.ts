/**
 * Bootstrap confidence intervals of the metrics (crates/core/src/metrics/bootstrap.rs): sort
 * once, one pass per resample, deterministic given a seed on every backend and thread count.
 */
import { run, runAsync } from '../backends/call.js';
import type { Scores } from '../backends/kernels.js';
import { choice, describe, GroupIds, Labels, NumberArray, numberOption, toGroups, toLabels, toScores, toWeights } from '../arguments.js';
import type { GroupWeighting } from './auc.js';
import type { EmptyQueryPolicy, RankingGain } from './ranking.js';

/** The ranking metrics' names, as `rankingMetrics` reports them (`ndcg@10`, `recall@5`, …). */
type RankingName = 'precision' | 'recall' | 'ndcg' | 'hitRate' | 'f1' | 'map' | 'mrr';

/**
 * A metric the bootstrap knows: `auc`, `gauc`, `logLoss`, `brier`, `calibration`,
 * `normalizedEntropy`, or a ranking metric at K such as `ndcg@10`.
 */
export type BootstrapMetric = 'auc' | 'gauc' | 'logLoss' | 'brier' | 'calibration' | 'normalizedEntropy' | `${RankingName}@${number}`;

export interface BootstrapOptions {
  /** Resamples (default 1000; at most 1e6). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** The random streams' seed, an integer from 0 to 2^53 − 1 (default 0): same seed, same interval. */
  seed?: number;
  /** `'multinomial'` (default: the classic bootstrap) or `'poisson'` (independent Poisson(1) counts per unit). */
  sampling?: 'multinomial' | 'poisson';
  /** `'bca'` (default: bias-corrected and accelerated, as `scipy.stats.bootstrap`) or `'percentile'`. */
  method?: 'bca' | 'percentile';
  /** The group (user, query) of each row: required by `gauc`, optional for the ranking metrics. */
  groups?: GroupIds;
  /** Sample weights of the row metrics (`logLoss`, `brier`, `calibration`, `normalizedEntropy`). */
  weights?: NumberArray;
  /** GAUC's group weights (default `impressions`). */
  weighting?: GroupWeighting;
  /** Log loss and normalized entropy clip probabilities to [eps, 1 − eps] (default 1e-15). */
  eps?: number;
  /** Ranking metrics: NDCG's gain (default `linear`). */
  gain?: RankingGain;
  /** Ranking metrics: what a query without a relevant item contributes (default `zero`). */
  emptyQueries?: EmptyQueryPolicy;
  /** Whether to return every resample's value (default false). */
  values?: boolean;
}

export interface BootstrapInterval {
  metric: BootstrapMetric;
  /** The metric on the data: the one-shot function's value (`auc()`, `gaucReport().value`, …). */
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  /** The standard deviation of the resample values. */
  standardError: number;
  /** What was resampled: rows (within each class for AUC) or whole groups (GAUC, ranking metrics). */
  unit: 'rows' | 'groups';
  resamples: number;
  /** Resamples with a value (a cluster resample without a two-class group has none and is left out). */
  used: number;
  sampling: 'multinomial' | 'poisson';
  method: 'bca' | 'percentile';
  /** Every resample's value, in resample order (NaN for those left out), when asked for. */
  values?: Float64Array;
}

function bootstrapArgs(metric: BootstrapMetric, labels: Labels | NumberArray, scores: NumberArray, options: BootstrapOptions) {
  if (typeof metric !== 'string') throw new TypeError(`metric must be a string such as 'auc' or 'ndcg@10', got ${describe(metric)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  const ranking = metric.includes('@');
  // Binary metrics take 0/1 labels (or booleans); the ranking metrics graded relevance.
  const l = ranking ? toWeights('labels', labels, (labels as ArrayLike<number>)?.length) : Float64Array.from(toLabels(labels));
  const s: Scores = toScores(scores, l.length);
  const groups = options.groups === undefined ? undefined : toGroups(options.groups, l.length).keys;
  const weights = options.weights === undefined ? undefined : toWeights('weights', options.weights, l.length);
  const resamples = numberOption('resamples', options.resamples, 1000);
  const level = numberOption('level', options.level, 0.95);
  const seed = numberOption('seed', options.seed, 0);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed: is ${seed}; give an integer from 0 to 2^53 − 1`);
  if (!Number.isInteger(resamples)) throw new RangeError(`resamples: is ${resamples}; give an integer from 1 to 1000000`);
  const sampling = choice('sampling', options.sampling, ['multinomial', 'poisson'] as const, 'multinomial');
  const method = choice('method', options.method, ['bca', 'percentile'] as const, 'bca');
  const weighting = choice('weighting', options.weighting, ['impressions', 'clicks', 'uniform'] as const, 'impressions');
  const gain = choice('gain', options.gain, ['linear', 'exponential'] as const, 'linear');
  const empty = choice('emptyQueries', options.emptyQueries, ['zero', 'skip'] as const, 'zero');
  const eps = numberOption('eps', options.eps, 1e-15);
  const config = [sampling, method, weighting, gain, empty].join(',');
  const meta = { metric, level, resamples, sampling, method, unit: metric === 'gauc' || ranking ? ('groups' as const) : ('rows' as const), values: options.values === true };
  return { meta, args: [metric, l, s, groups, weights, config, Float64Array.of(resamples, level, seed, eps)] as const };
}

function toInterval(meta: ReturnType<typeof bootstrapArgs>['meta'], v: Float64Array): BootstrapInterval {
  const { values, ...rest } = meta;
  return {
    ...rest,
    estimate: v[0],
    lower: v[1],
    upper: v[2],
    standardError: v[3],
    used: v[4],
    ...(values && { values: v.slice(5) }),
  };
}

/**
 * A bootstrap confidence interval of a metric (Efron & Tibshirani 1993).
 *
 * **Units.** `auc` resamples rows within each class (a stratified bootstrap: every resample
 * keeps the data's positives and negatives). `gauc` and the ranking metrics (`ndcg@10`, …)
 * resample whole groups (a cluster bootstrap over users or queries), since one user's rows
 * are not independent. `logLoss`, `brier`, `calibration` and `normalizedEntropy` resample rows.
 *
 * **Method.** BCa (default; Efron 1987, as `scipy.stats.bootstrap`'s default: bias correction
 * from the share of resamples below the estimate, acceleration from the jackknife that leaves
 * out one unit) or percentile (the resample values' (1 − level)/2 and (1 + level)/2
 * quantiles, interpolated as NumPy's `percentile`). `sampling: 'poisson'` gives each unit an
 * independent Poisson(1) count instead of drawing n units (Chamandy et al. 2012).
 *
 * **Cost.** The data is sorted (AUC) or reduced to per-group values (GAUC, ranking) once; each
 * resample is one pass: O(B·n) for rows, O(B·groups) for groups. Resample b uses random stream
 * b of the seed (xoshiro256++), so the result is identical on every backend and thread count.
 *
 * **Edge cases.** AUC needs at least 2 positives and 2 negatives, a cluster bootstrap at least 2
 * groups, every bootstrap at least 1 resample; an unknown metric name is a RangeError that lists
 * the known ones.
 *
 * ```js
 * const ci = bootstrap('auc', labels, scores, { seed: 7 });
 * // → { estimate: 0.75, lower: 0.71, upper: 0.79, level: 0.95, … }
 * ```
 */
export function bootstrap(metric: BootstrapMetric, labels: Labels | NumberArray, scores: NumberArray, options: BootstrapOptions = {}): BootstrapInterval {
  const { meta, args } = bootstrapArgs(metric, labels, scores, options);
  return toInterval(meta, run('bootstrap', [...args]));
}

/** {@link bootstrap} off the calling thread. */
export async function bootstrapAsync(metric: BootstrapMetric, labels: Labels | NumberArray, scores: NumberArray, options: BootstrapOptions = {}): Promise<BootstrapInterval> {
  const { meta, args } = bootstrapArgs(metric, labels, scores, options);
  return toInterval(meta, await runAsync('bootstrap', [...args]));
}
