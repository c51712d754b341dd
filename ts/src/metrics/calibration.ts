/**
 * Metrics of predicted probabilities as CTR systems report them: normalized entropy, the
 * calibration ratio, the Brier score, and the reliability diagram with the expected calibration
 * error. Definitions in full on the Rust kernels (crates/core/src/metrics/calibration.rs) and
 * in docs/conventions.md.
 */
import type { Scores } from '../backends/kernels.js';
import { run, runAsync } from '../backends/call.js';
import { choice, describe, Labels, NumberArray, numberOption, toLabels, toScores, toWeights } from '../arguments.js';

export interface CtrOptions {
  /**
   * For the log loss (and so NE), probabilities are clipped to [eps, 1 − eps]; default 1e-15,
   * as `logLoss`. The Brier score and the calibration ratio use them unclipped.
   */
  eps?: number;
  /** Per-row sample weights (finite, ≥ 0). */
  weights?: NumberArray;
}

export interface CtrMetrics {
  /** As `logLoss`, bit for bit. */
  logLoss: number;
  /** `logLoss / H(baseRate)`, H the binary entropy: below 1 the model beats predicting the base rate. */
  normalizedEntropy: number;
  /** `Σw·p / Σw·y`: predicted over observed positives (1 when calibrated). */
  calibration: number;
  /** `Σw·(y − p)² / Σw`. */
  brier: number;
  /** `Σw·y / Σw` (the empirical CTR). */
  baseRate: number;
  /** `Σw·p / Σw`. */
  meanPrediction: number;
}

export type BinStrategy = 'uniform' | 'quantile';

export interface ReliabilityOptions {
  /** Number of bins, 1 to 65,536; default 10 (scikit-learn's `calibration_curve` defaults to 5). */
  bins?: number;
  /** `'uniform'` (default): equal widths over [0, 1]; `'quantile'`: equal counts. */
  strategy?: BinStrategy;
  weights?: NumberArray;
}

export interface ReliabilityDiagram {
  /** Expected calibration error: `Σ_b (W_b / W)·|observedRate_b − meanPredicted_b|`. */
  ece: number;
  /** `bins + 1` edges; bin b holds `edges[b] < p ≤ edges[b + 1]` (the first also `p = edges[0]`). */
  edges: Float64Array;
  /** Rows per bin. */
  count: Float64Array;
  /** Σw per bin (= count without weights). */
  weight: Float64Array;
  /** `Σw·p / Σw` per bin; NaN for an empty bin. */
  meanPredicted: Float64Array;
  /** `Σw·y / Σw` per bin; NaN for an empty bin. */
  observedRate: Float64Array;
}

function weightsOf(options: { weights?: NumberArray }, length: number): Float64Array | undefined {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  return options.weights === undefined ? undefined : toWeights('weights', options.weights, length);
}

export function ctrArgs(labels: Labels, probs: NumberArray, options: CtrOptions) {
  const l = toLabels(labels);
  const p = toScores(probs, l.length, 'probs');
  return [l, p, weightsOf(options, l.length), numberOption('eps', options.eps, 1e-15)] as [Uint8Array, Scores, Float64Array | undefined, number];
}

const toCtr = (r: Float64Array): CtrMetrics => ({
  logLoss: r[0], normalizedEntropy: r[1], calibration: r[2], brier: r[3], baseRate: r[4], meanPrediction: r[5],
});

/**
 * Log loss, normalized entropy, calibration ratio and Brier score of predicted probabilities,
 * in one pass (sums weighted by w; w = 1 without weights):
 *
 * - normalized entropy `NE = L / H(b)`: the log loss L (`logLoss`, p clipped to
 *   [eps, 1 − eps]) over `H(b) = −(b·ln b + (1 − b)·ln(1 − b))`, the log loss of always
 *   predicting the base rate `b = Σw·y / Σw` (He et al. 2014, "Practical Lessons from
 *   Predicting Clicks on Ads at Facebook");
 * - calibration `Σw·p / Σw·y`;
 * - Brier score `Σw·(y − p)² / Σw` (scikit-learn's `brier_score_loss`).
 *
 * One class only: NE is NaN (H(b) = 0; TorchRec clips b and reports a large number); no
 * positives: calibration NaN; zero total weight: every value NaN.
 *
 * @throws {RangeError} for empty input, mismatched lengths, labels other than 0/1,
 *   probabilities outside [0, 1] or NaN, bad weights, eps outside [0, 0.5).
 */
export function ctrMetrics(labels: Labels, probs: NumberArray, options: CtrOptions = {}): CtrMetrics {
  return toCtr(run('ctrMetrics', ctrArgs(labels, probs, options)));
}

/** {@link ctrMetrics} off the calling thread. */
export async function ctrMetricsAsync(labels: Labels, probs: NumberArray, options: CtrOptions = {}): Promise<CtrMetrics> {
  return toCtr(await runAsync('ctrMetrics', ctrArgs(labels, probs, options)));
}

/** Normalized entropy: {@link ctrMetrics}' `normalizedEntropy`. */
export function normalizedEntropy(labels: Labels, probs: NumberArray, options: CtrOptions = {}): number {
  return ctrMetrics(labels, probs, options).normalizedEntropy;
}

/** {@link normalizedEntropy} off the calling thread. */
export async function normalizedEntropyAsync(labels: Labels, probs: NumberArray, options: CtrOptions = {}): Promise<number> {
  return (await ctrMetricsAsync(labels, probs, options)).normalizedEntropy;
}

/** Calibration ratio `Σw·p / Σw·y`: {@link ctrMetrics}' `calibration`. */
export function calibrationRatio(labels: Labels, probs: NumberArray, options: CtrOptions = {}): number {
  return ctrMetrics(labels, probs, options).calibration;
}

/** {@link calibrationRatio} off the calling thread. */
export async function calibrationRatioAsync(labels: Labels, probs: NumberArray, options: CtrOptions = {}): Promise<number> {
  return (await ctrMetricsAsync(labels, probs, options)).calibration;
}

/** Brier score `Σw·(y − p)² / Σw` (scikit-learn's `brier_score_loss`): {@link ctrMetrics}' `brier`. */
export function brierScore(labels: Labels, probs: NumberArray, options: { weights?: NumberArray } = {}): number {
  return ctrMetrics(labels, probs, { weights: options.weights }).brier;
}

/** {@link brierScore} off the calling thread. */
export async function brierScoreAsync(labels: Labels, probs: NumberArray, options: { weights?: NumberArray } = {}): Promise<number> {
  return (await ctrMetricsAsync(labels, probs, { weights: options.weights })).brier;
}

function reliabilityArgs(labels: Labels, probs: NumberArray, options: ReliabilityOptions) {
  const l = toLabels(labels);
  const p = toScores(probs, l.length, 'probs');
  const w = weightsOf(options, l.length);
  const bins = numberOption('bins', options.bins, 10);
  if (!Number.isInteger(bins) || bins < 1 || bins > 65536) throw new RangeError(`bins: is ${bins}; it must be an integer in [1, 65536]`);
  return [l, p, w, bins, choice('strategy', options.strategy, ['uniform', 'quantile'] as const, 'uniform')] as [Uint8Array, Scores, Float64Array | undefined, number, string];
}

/** The diagram of the reliability kernel's layout: `[ece, edges…, rows…, weight…, Σw·p…, Σw·y…]`. */
export function toDiagram(r: Float64Array, bins: number): ReliabilityDiagram {
  const part = (k: number) => r.subarray(2 + bins + k * bins, 2 + bins + (k + 1) * bins);
  const [count, weight, predicted, observed] = [part(0), part(1), part(2), part(3)];
  return {
    ece: r[0],
    edges: r.subarray(1, 2 + bins),
    count,
    weight,
    meanPredicted: predicted.map((s, b) => s / weight[b]),
    observedRate: observed.map((s, b) => s / weight[b]),
  };
}

/**
 * The reliability diagram of predicted probabilities and the expected calibration error.
 *
 * Bins: `'uniform'`, edges k/bins as NumPy's `linspace(0, 1, bins + 1)`; `'quantile'`, edges at
 * the predictions' quantiles (NumPy's `percentile`, linear interpolation, of the rows
 * unweighted). A prediction on an inner edge belongs to the bin below it. Per bin b: rows,
 * weight W_b, mean prediction and observed rate (weighted by w); over the non-empty bins these
 * equal scikit-learn's `calibration_curve(y, p, n_bins, strategy)` `prob_pred` and `prob_true`
 * (which drops empty bins and takes no weights; here every bin is listed, an empty one with
 * NaN means). `ECE = Σ_b (W_b / W)·|observedRate_b − meanPredicted_b|` (Naeini et al. 2015;
 * Guo et al. 2017). With uniform bins, the per-bin sums of shards add up; quantile edges need
 * all rows.
 *
 * @throws {RangeError} as {@link ctrMetrics}, and for bins outside [1, 65536] or an unknown strategy.
 */
export function reliabilityDiagram(labels: Labels, probs: NumberArray, options: ReliabilityOptions = {}): ReliabilityDiagram {
  const args = reliabilityArgs(labels, probs, options);
  return toDiagram(run('reliability', args), args[3]);
}

/** {@link reliabilityDiagram} off the calling thread. */
export async function reliabilityDiagramAsync(labels: Labels, probs: NumberArray, options: ReliabilityOptions = {}): Promise<ReliabilityDiagram> {
  const args = reliabilityArgs(labels, probs, options);
  return toDiagram(await runAsync('reliability', args), args[3]);
}

/** Expected calibration error: {@link reliabilityDiagram}'s `ece`. */
export function expectedCalibrationError(labels: Labels, probs: NumberArray, options: ReliabilityOptions = {}): number {
  return reliabilityDiagram(labels, probs, options).ece;
}

/** {@link expectedCalibrationError} off the calling thread. */
export async function expectedCalibrationErrorAsync(labels: Labels, probs: NumberArray, options: ReliabilityOptions = {}): Promise<number> {
  return (await reliabilityDiagramAsync(labels, probs, options)).ece;
}
