/**
 * Paired significance tests of two runs on the same queries (crates/core/src/metrics/
 * significance/): the per-query scores come from `rankingMetrics(…, { perQuery: true })` or
 * `gaucReport(…, { perGroup: true })`, or any per-query metric of your own.
 */
import { run, runAsync } from '../backends/call.js';
import { choice, describe, NumberArray, numberOption, toWeights } from '../arguments.js';

export type PairedTestName = 't' | 'wilcoxon' | 'randomization';

export interface PairedTestOptions {
  /**
   * `'t'` (default): Student's paired t-test, as `scipy.stats.ttest_rel`. `'wilcoxon'`: the
   * signed-rank test, as `scipy.stats.wilcoxon` with its defaults (exact null distribution for
   * n ≤ 50 without ties or zeros, all sign flips for n ≤ 13 with them, else the normal
   * approximation with the tie correction). `'randomization'`: Fisher's sign-flip test of the
   * mean difference (as ranx's `compare(…, stat_test='fisher')`; Smucker et al. 2007).
   */
  test?: PairedTestName;
  /** Randomization test: random sign patterns (default 10000). */
  permutations?: number;
  /** Randomization test: the seed of its sign patterns, an integer from 0 to 2^53 − 1 (default 0). */
  seed?: number;
  /** t-test: the level of the mean difference's confidence interval (default 0.95). */
  level?: number;
}

export interface PairedTestResult {
  test: 'paired-t' | 'wilcoxon' | 'randomization';
  /** Pairs (queries). */
  n: number;
  /** t for the t-test, min(R⁺, R⁻) for Wilcoxon, mean(a − b) for the randomization test. */
  statistic: number;
  /** Two-sided. */
  pValue: number;
  /**
   * Cohen's d_z = mean(a − b) / sd(a − b) for the t and randomization tests; the matched-pairs
   * rank-biserial correlation (Kerby 2014) for Wilcoxon.
   */
  effectSize: number;
  /** mean(a − b). */
  meanDifference: number;
  /** t-test: degrees of freedom, and the mean difference's confidence interval (as scipy's `TtestResult.confidence_interval`). */
  df?: number;
  confidenceInterval?: [number, number];
  /** Wilcoxon: the rank sums of positive and negative differences, the normal z (NaN when not used), the non-zero differences and how p was computed. */
  rPlus?: number;
  rMinus?: number;
  z?: number;
  nonzero?: number;
  method?: 'exact' | 'permutation' | 'normal';
  /** Randomization: patterns drawn, and those whose |mean| reached the observed one (p = extreme / permutations). */
  permutations?: number;
  extreme?: number;
}

function testArgs(a: NumberArray, b: NumberArray, options: PairedTestOptions) {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  const x = toWeights('a', a, (a as ArrayLike<number>)?.length);
  const y = toWeights('b', b, (b as ArrayLike<number>)?.length);
  const test = choice('test', options.test, ['t', 'wilcoxon', 'randomization'] as const, 't');
  const permutations = numberOption('permutations', options.permutations, 10000);
  const seed = numberOption('seed', options.seed, 0);
  const level = numberOption('level', options.level, 0.95);
  if (!Number.isInteger(permutations) || permutations < 0 || permutations > 1e9) throw new RangeError(`permutations: is ${permutations}; give an integer from 1 to 1e9`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed: is ${seed}; give an integer from 0 to 2^53 − 1`);
  return { test, x, y, args: [test, x, y, Float64Array.of(permutations, seed, level)] as const };
}

const WILCOXON = ['exact', 'permutation', 'normal'] as const;

function toResult(test: PairedTestName, x: Float64Array, y: Float64Array, v: Float64Array): PairedTestResult {
  const base = { statistic: v[0], pValue: v[1], effectSize: v[2], n: v[3] };
  let meanDifference = 0;
  for (let i = 0; i < x.length; i++) meanDifference += x[i] - y[i];
  meanDifference /= x.length;
  if (test === 't') return { test: 'paired-t', ...base, meanDifference: v[4], df: v[5], confidenceInterval: [v[6], v[7]] };
  if (test === 'wilcoxon') return { test: 'wilcoxon', ...base, meanDifference, rPlus: v[4], rMinus: v[5], z: v[6], nonzero: v[7], method: WILCOXON[v[8]] };
  return { test: 'randomization', ...base, meanDifference: v[0], permutations: v[4], extreme: v[5] };
}

/**
 * A paired test of run `a` against run `b` on the same queries (same order): is the mean of
 * `a − b` different from 0? Two-sided. Bad input (different lengths, fewer than 2 pairs, a
 * non-finite score, zero permutations) is a RangeError naming the argument.
 *
 * ```js
 * pairedTest([0.5, 0.7, 0.9, 0.6], [0.4, 0.5, 0.8, 0.6]).pValue;   // Student's paired t
 * ```
 */
export function pairedTest(a: NumberArray, b: NumberArray, options: PairedTestOptions = {}): PairedTestResult {
  const { test, x, y, args } = testArgs(a, b, options);
  return toResult(test, x, y, run('pairedTest', [...args]));
}

/** {@link pairedTest} off the calling thread. */
export async function pairedTestAsync(a: NumberArray, b: NumberArray, options: PairedTestOptions = {}): Promise<PairedTestResult> {
  const { test, x, y, args } = testArgs(a, b, options);
  return toResult(test, x, y, await runAsync('pairedTest', [...args]));
}

/**
 * p-values adjusted for several comparisons at once, as statsmodels' `multipletests`:
 * Bonferroni (`min(1, m·p)`) or Holm's step-down (uniformly more powerful; the default).
 */
export function adjustPValues(pValues: NumberArray, method: 'holm' | 'bonferroni' = 'holm'): Float64Array {
  const p = toWeights('pValues', pValues, (pValues as ArrayLike<number>)?.length);
  return run('adjustPValues', [p, choice('method', method, ['holm', 'bonferroni'] as const, 'holm')]);
}

export interface CompareRunsOptions extends PairedTestOptions {
  /** The run the others are tested against (default: the first). */
  baseline?: string;
  /** Correction for testing several runs at once (default `'holm'`). */
  correction?: 'holm' | 'bonferroni';
}

export interface RunComparison extends PairedTestResult {
  run: string;
  baseline: string;
  /** The p-value after the correction for the number of runs compared. */
  adjustedPValue: number;
}

/**
 * Several runs against a baseline on the same queries: one paired test each, the p-values
 * corrected together (Holm by default), as ranx's `compare` reports them.
 *
 * ```js
 * compareRuns({ bm25: ndcgA, dense: ndcgB, hybrid: ndcgC }, { baseline: 'bm25' });
 * ```
 */
export function compareRuns(runs: Record<string, NumberArray>, options: CompareRunsOptions = {}): RunComparison[] {
  if (runs === null || typeof runs !== 'object') throw new TypeError(`runs must be an object of per-query scores by run name, got ${describe(runs)}`);
  const names = Object.keys(runs);
  if (names.length < 2) throw new RangeError(`runs: has ${names.length} run${names.length === 1 ? '' : 's'}; compare at least 2`);
  const baseline = options.baseline ?? names[0];
  if (!(baseline in runs)) throw new RangeError(`baseline: ${JSON.stringify(baseline)} is not one of the runs (${names.join(', ')})`);
  const results = names.filter((n) => n !== baseline).map((name) => ({ run: name, baseline, ...pairedTest(runs[name], runs[baseline], options) }));
  const adjusted = adjustPValues(results.map((r) => r.pValue), options.correction ?? 'holm');
  return results.map((r, i) => ({ ...r, adjustedPValue: adjusted[i] }));
}
