/**
 * How sure an AUC is: DeLong's variance and confidence interval of one AUC, and DeLong's test
 * of two correlated AUCs (two models scored on the same rows). Definitions in full on the Rust
 * kernels (crates/core/src/metrics/delong.rs) and in docs/conventions.md.
 */
import type { Scores } from '../backends/kernels.js';
import { run, runAsync } from '../backends/call.js';
import { describe, Labels, NumberArray, numberOption, toLabels, toScores } from '../arguments.js';

export interface DelongOptions {
  /** Confidence level of the interval, in (0, 1); default 0.95. */
  level?: number;
}

export interface AucInterval {
  auc: number;
  /** DeLong's variance of the AUC. */
  variance: number;
  stdError: number;
  /** `auc ∓ z·stdError`, clipped to [0, 1] (z: the normal quantile of the level). */
  lower: number;
  upper: number;
  level: number;
}

export interface DelongTest {
  aucA: number;
  aucB: number;
  varianceA: number;
  varianceB: number;
  /** Covariance of the two AUCs. */
  covariance: number;
  /** `aucB − aucA`: positive when model B ranks better. */
  difference: number;
  /** Variance of the difference: `varianceA + varianceB − 2·covariance`. */
  variance: number;
  stdError: number;
  /** `difference ∓ z·stdError`, not clipped (as pROC's `roc.test`). */
  lower: number;
  upper: number;
  level: number;
  /** `difference / stdError` (0 when both are 0). */
  z: number;
  /** Two-sided: `P(|Z| ≥ |z|)` for a standard normal Z. */
  pValue: number;
}

function level(options: DelongOptions): number {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  return numberOption('level', options.level, 0.95);
}

function intervalArgs(labels: Labels, scores: NumberArray, options: DelongOptions) {
  const l = toLabels(labels);
  return [l, toScores(scores, l.length), level(options)] as [Uint8Array, Scores, number];
}

function testArgs(labels: Labels, scoresA: NumberArray, scoresB: NumberArray, options: DelongOptions) {
  const l = toLabels(labels);
  return [l, toScores(scoresA, l.length, 'scoresA'), toScores(scoresB, l.length, 'scoresB'), level(options)] as [Uint8Array, Scores, Scores, number];
}

const toInterval = (r: Float64Array, level: number): AucInterval => ({ auc: r[0], variance: r[1], stdError: r[2], lower: r[3], upper: r[4], level });

const toTest = (r: Float64Array, level: number): DelongTest => ({
  aucA: r[0], aucB: r[1], varianceA: r[2], varianceB: r[3], covariance: r[4], difference: r[5], variance: r[6], stdError: r[7],
  lower: r[8], upper: r[9], level, z: r[10], pValue: r[11],
});

/**
 * AUC with DeLong's variance and a normal-approximation confidence interval.
 *
 * With m positives and n negatives, each positive's placement is the share of negatives it
 * outscores (ties ½) and each negative's the share of positives that outscore it; the AUC
 * (equal to `auc`'s) is their mean, and `Var = S10/m + S01/n` with S10, S01 the sample
 * variances of the two sets of placements (DeLong, DeLong & Clarke-Pearson 1988). The interval
 * is `auc ∓ z·√Var`, z the standard normal's `(1 + level)/2` quantile, clipped to [0, 1] (as
 * pROC's `ci.auc`). Unweighted.
 *
 * Edge cases: one class only → every value NaN; one positive or one negative → the AUC, with
 * NaN variance and interval (the sample variance divides by m − 1; pROC returns NA too).
 *
 * Cost: O(n), no comparison sort (the bucket recursion of `auc`; Sun & Xu 2014 compute
 * the same placements from midranks in O(n log n)).
 *
 * @throws {RangeError} for empty input, mismatched lengths, labels other than 0/1, NaN/±Inf
 *   scores, a level outside (0, 1).
 */
export function aucInterval(labels: Labels, scores: NumberArray, options: DelongOptions = {}): AucInterval {
  const args = intervalArgs(labels, scores, options);
  return toInterval(run('delongAuc', args), args[2]);
}

/** {@link aucInterval} off the calling thread. */
export async function aucIntervalAsync(labels: Labels, scores: NumberArray, options: DelongOptions = {}): Promise<AucInterval> {
  const args = intervalArgs(labels, scores, options);
  return toInterval(await runAsync('delongAuc', args), args[2]);
}

/**
 * DeLong's test of two correlated AUCs: models A and B scored on the same rows (same labels).
 *
 * Each model's placements as in {@link aucInterval}; the covariance of the two AUCs is
 * `S10_AB/m + S01_AB/n` from the sample covariances of the two models' placements. The
 * difference is `aucB − aucA` (MLstatkit's sign; pROC's `roc.test(rocA, rocB)` reports
 * A − B), with variance `varianceA + varianceB − 2·covariance`, `z = difference / stdError` and
 * the two-sided p-value. Identical models give variance 0 exactly, z = 0, p = 1. The sums are
 * exact integers, so the variance of the difference has no cancellation error.
 *
 * Edge cases as {@link aucInterval}; the two score arrays may differ in precision.
 *
 * @throws {RangeError} as {@link aucInterval}, naming `scoresA` or `scoresB` (for example when
 *   the two have different lengths).
 */
export function delongTest(labels: Labels, scoresA: NumberArray, scoresB: NumberArray, options: DelongOptions = {}): DelongTest {
  const args = testArgs(labels, scoresA, scoresB, options);
  return toTest(run('delongTest', args), args[3]);
}

/** {@link delongTest} off the calling thread. */
export async function delongTestAsync(labels: Labels, scoresA: NumberArray, scoresB: NumberArray, options: DelongOptions = {}): Promise<DelongTest> {
  const args = testArgs(labels, scoresA, scoresB, options);
  return toTest(await runAsync('delongTest', args), args[3]);
}
