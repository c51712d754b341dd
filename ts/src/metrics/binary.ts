/**
 * Binary metrics beyond AUC: ROC and precision–recall curves, average precision, KS, Gini,
 * log loss, and the confusion matrix at a threshold. Definitions, tie rules and edge cases are
 * on each function and, in full, on the Rust kernels (crates/core/src/metrics: curves.rs,
 * binary.rs).
 */
import type { Scores } from '../backends/types.js';
import { run, runAsync } from '../backends/call.js';
import { auc, aucAsync, aucArgs, type AucOptions } from './auc.js';
import { booleanOption, Labels, NumberArray, numberOption, toLabels, toScores, toWeights } from '../arguments.js';

export interface RocOptions extends AucOptions {
  /** Keep only the corners of the curve, as scikit-learn's default (here: false, every point). */
  dropIntermediate?: boolean;
}

export interface RocCurve {
  /** False positive rate at each threshold, from (0, 0) at +∞ down to the lowest score. */
  fpr: Float64Array;
  tpr: Float64Array;
  /** `+Infinity`, then the distinct scores, descending. */
  thresholds: Float64Array;
}

export interface PrCurve {
  /** From the lowest threshold up, then a final point precision 1, recall 0. */
  precision: Float64Array;
  recall: Float64Array;
  /** The distinct scores, ascending; one fewer than the points. */
  thresholds: Float64Array;
}

export interface LogLossOptions {
  /**
   * Probabilities are clipped to [eps, 1 − eps]; default 1e-15 (scikit-learn's `log_loss`
   * default before 1.2).
   */
  eps?: number;
  weights?: NumberArray;
}

export interface BinaryStatsOptions {
  /** Predicted positive when score ≥ threshold; default 0.5. */
  threshold?: number;
  weights?: NumberArray;
}

export interface BinaryStats {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

function rocArgs(labels: Labels, scores: NumberArray, options: RocOptions) {
  const drop = booleanOption('dropIntermediate', options.dropIntermediate, false);
  return [...aucArgs(labels, scores, options), drop] as [Uint8Array, Scores, Float64Array | undefined, boolean];
}

function toRoc(flat: Float64Array): RocCurve {
  const n = flat.length / 3;
  return { fpr: flat.subarray(0, n), tpr: flat.subarray(n, 2 * n), thresholds: flat.subarray(2 * n) };
}

function toPr(flat: Float64Array): PrCurve {
  const m = (flat.length - 2) / 3;
  return { precision: flat.subarray(0, m + 1), recall: flat.subarray(m + 1, 2 * m + 2), thresholds: flat.subarray(2 * m + 2) };
}

/**
 * ROC curve, as scikit-learn's `roc_curve`: at each distinct score `t` (descending), items with
 * `score ≥ t` are predicted positive; `tpr = TP/P`, `fpr = FP/N` (weighted sums with
 * `weights`). Starts at (0, 0) with threshold +∞. Ties: equal scores are one point. Rows of
 * weight 0 make no threshold (as sklearn). One class only: the missing class's rate is NaN.
 * With `dropIntermediate`, only corners are kept (sklearn's rule exactly).
 */
export function rocCurve(labels: Labels, scores: NumberArray, options: RocOptions = {}): RocCurve {
  return toRoc(run('rocCurve', rocArgs(labels, scores, options)));
}

/** {@link rocCurve} off the calling thread. */
export async function rocCurveAsync(labels: Labels, scores: NumberArray, options: RocOptions = {}): Promise<RocCurve> {
  return toRoc(await runAsync('rocCurve', rocArgs(labels, scores, options)));
}

/**
 * Precision–recall curve, as scikit-learn's `precision_recall_curve`: one point per distinct
 * score from the lowest threshold (recall 1) up, then precision 1, recall 0. `precision =
 * TP/(TP+FP)`, `recall = TP/P`. No positives: recall is 1 everywhere (sklearn's convention).
 */
export function prCurve(labels: Labels, scores: NumberArray, options: AucOptions = {}): PrCurve {
  return toPr(run('prCurve', aucArgs(labels, scores, options)));
}

/** {@link prCurve} off the calling thread. */
export async function prCurveAsync(labels: Labels, scores: NumberArray, options: AucOptions = {}): Promise<PrCurve> {
  return toPr(await runAsync('prCurve', aucArgs(labels, scores, options)));
}

/**
 * Average precision, as scikit-learn's `average_precision_score`: `Σ (R_t − R_{t−1})·P_t` over
 * distinct thresholds from the highest down, no interpolation; a tied block is one step.
 * No positives: 0.
 */
export function averagePrecision(labels: Labels, scores: NumberArray, options: AucOptions = {}): number {
  return run('averagePrecision', aucArgs(labels, scores, options))[0];
}

/** {@link averagePrecision} off the calling thread. */
export async function averagePrecisionAsync(labels: Labels, scores: NumberArray, options: AucOptions = {}): Promise<number> {
  return (await runAsync('averagePrecision', aucArgs(labels, scores, options)))[0];
}

/**
 * Kolmogorov–Smirnov statistic `max_t (TPR(t) − FPR(t))` over the ROC curve's points, origin
 * included (≥ 0). One class only: NaN.
 */
export function ks(labels: Labels, scores: NumberArray, options: AucOptions = {}): number {
  return run('ks', aucArgs(labels, scores, options));
}

/** {@link ks} off the calling thread. */
export async function ksAsync(labels: Labels, scores: NumberArray, options: AucOptions = {}): Promise<number> {
  return runAsync('ks', aucArgs(labels, scores, options));
}

/** Gini coefficient `2·AUC − 1` ({@link auc}: exact, ties ½). One class only: NaN. */
export function gini(labels: Labels, scores: NumberArray, options: AucOptions = {}): number {
  return 2 * auc(labels, scores, options) - 1;
}

/** {@link gini} off the calling thread. */
export async function giniAsync(labels: Labels, scores: NumberArray, options: AucOptions = {}): Promise<number> {
  return 2 * (await aucAsync(labels, scores, options)) - 1;
}

function logLossArgs(labels: Labels, probs: NumberArray, options: LogLossOptions) {
  const l = toLabels(labels);
  const p = toScores(probs, l.length, 'probs');
  const w = options.weights === undefined ? undefined : toWeights('weights', options.weights, l.length);
  return [l, p, w, numberOption('eps', options.eps, 1e-15)] as [Uint8Array, Scores, Float64Array | undefined, number];
}

/**
 * Binary log loss `−Σ w·(y·ln p + (1−y)·ln(1−p)) / Σ w`, probabilities clipped to
 * [eps, 1 − eps] (eps 1e-15 by default). Probabilities outside [0, 1] or NaN: RangeError.
 */
export function logLoss(labels: Labels, probs: NumberArray, options: LogLossOptions = {}): number {
  return run('logLoss', logLossArgs(labels, probs, options))[0];
}

/** {@link logLoss} off the calling thread. */
export async function logLossAsync(labels: Labels, probs: NumberArray, options: LogLossOptions = {}): Promise<number> {
  return (await runAsync('logLoss', logLossArgs(labels, probs, options)))[0];
}

function statsArgs(labels: Labels, scores: NumberArray, options: BinaryStatsOptions) {
  const [l, s, w] = aucArgs(labels, scores, options);
  return [l, s, w, numberOption('threshold', options.threshold, 0.5)] as [Uint8Array, Scores, Float64Array | undefined, number];
}

function toStats(v: Float64Array): BinaryStats {
  return { tp: v[0], fp: v[1], tn: v[2], fn: v[3], accuracy: v[4], precision: v[5], recall: v[6], f1: v[7] };
}

/**
 * Confusion matrix (weighted counts with `weights`) and accuracy, precision, recall, F1 of the
 * prediction `score ≥ threshold` (default 0.5; a score equal to the threshold is positive).
 * A ratio with denominator 0 is 0 (scikit-learn's `zero_division=0`).
 */
export function binaryStats(labels: Labels, scores: NumberArray, options: BinaryStatsOptions = {}): BinaryStats {
  return toStats(run('binaryStats', statsArgs(labels, scores, options)));
}

/** {@link binaryStats} off the calling thread. */
export async function binaryStatsAsync(labels: Labels, scores: NumberArray, options: BinaryStatsOptions = {}): Promise<BinaryStats> {
  return toStats(await runAsync('binaryStats', statsArgs(labels, scores, options)));
}
