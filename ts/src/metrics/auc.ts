/**
 * Binary classification metrics: validate, normalise, call the active backend's kernel.
 * Definitions, tie rules and edge cases are documented on each function and, in full, on the
 * Rust kernels in crates/core.
 */
import { current } from '../backends/registry.js';
import type { Kernels, Scores } from '../backends/kernels.js';
import { run, runAsync } from '../backends/call.js';
import { GroupIds, GroupKeys, Labels, NumberArray, toGroups, toGroupWeights, toLabels, toScores, toWeights } from '../arguments.js';

export interface AucOptions {
  /** Per-row sample weights (finite, ≥ 0); a pair counts w⁺·w⁻. */
  weights?: NumberArray;
}

export type GroupWeighting = 'impressions' | 'clicks' | 'uniform';

export interface GaucOptions {
  /** How each group's AUC is weighted: rows (default), positives, or equally. */
  weighting?: GroupWeighting;
  /** Explicit weight per group id (a Map or a plain object); replaces `weighting`. */
  groupWeights?: Map<unknown, number> | Record<string, number>;
  /** Also return each group's AUC (`report.perGroup`), for paired tests and intervals. */
  perGroup?: boolean;
}

/** Each group's AUC and class counts. */
export interface PerGroupAuc {
  /** Each group's id as given (in key order: ascending for integer typed arrays, order of first appearance otherwise). */
  ids: unknown[];
  /** The group's AUC; NaN for a single-class group (GAUC skips it). */
  auc: Float64Array;
  positives: Uint32Array;
  negatives: Uint32Array;
}

export interface GaucReport {
  /** Each group's AUC, when asked for with `perGroup: true`. */
  perGroup?: PerGroupAuc;
  /** Σ_g w_g·AUC_g / Σ_g w_g over groups with both classes (NaN when there is none). */
  value: number;
  /** Groups that had both classes and were averaged. */
  groups: number;
  /** Groups with a single class, skipped. */
  skippedGroups: number;
}

export function aucArgs(labels: Labels, scores: NumberArray, options: AucOptions) {
  const l = toLabels(labels);
  const s = toScores(scores, l.length);
  const w = options.weights === undefined ? undefined : toWeights('weights', options.weights, l.length);
  return [l, s, w] as [Uint8Array, Scores, Float64Array | undefined];
}

/**
 * Area under the ROC curve, exact.
 *
 * `AUC = Σ_{i∈P, j∈N} w_i·w_j·([s_i > s_j] + ½·[s_i = s_j]) / (W_P·W_N)` — the probability a
 * random positive outscores a random negative, ties counting ½; equal to scikit-learn's
 * `roc_auc_score` with or without `sample_weight`. Float32Array scores are compared as f32 and
 * Float64Array scores as f64 (never rounded). One class only → NaN (as scikit-learn).
 * O(n) passes, no comparison sort; counts are exact integers at any n.
 *
 * @param labels 0/1 as any numeric array or booleans (Uint8Array is passed without a copy).
 * @param scores finite numbers; Float32Array or Float64Array are passed without a copy.
 * @throws {TypeError} for arguments of the wrong type.
 * @throws {RangeError} for empty input, mismatched lengths, labels other than 0/1, NaN/±Inf
 *   scores, negative or non-finite weights.
 */
export function auc(labels: Labels, scores: NumberArray, options: AucOptions = {}): number {
  return run('auc', aucArgs(labels, scores, options));
}

/** {@link auc} off the calling thread (native: libuv's pool; wasm: a worker). */
export async function aucAsync(labels: Labels, scores: NumberArray, options: AucOptions = {}): Promise<number> {
  return runAsync('auc', aucArgs(labels, scores, options));
}

function gaucArgs(labels: Labels, scores: NumberArray, groups: GroupIds, options: GaucOptions): { g: GroupKeys; args: Parameters<Kernels['gauc']> } {
  const l = toLabels(labels);
  const s = toScores(scores, l.length);
  const g = toGroups(groups, l.length);
  if (options.groupWeights !== undefined && options.weighting !== undefined) {
    throw new RangeError('weighting: give either weighting or groupWeights, not both');
  }
  if (options.groupWeights !== undefined) {
    const w = toGroupWeights(options.groupWeights, g);
    return { g, args: [l, s, g.keys, 'explicit', w.keys, w.values] };
  }
  const weighting = options.weighting ?? 'impressions';
  if (typeof weighting !== 'string') throw new TypeError(`weighting must be a string, got ${typeof weighting}`);
  return { g, args: [l, s, g.keys, weighting, undefined, undefined] };
}

const report = (r: ArrayLike<number>): GaucReport => ({ value: r[0], groups: r[1], skippedGroups: r[2] });

function toPerGroup(g: GroupKeys, v: Float64Array): PerGroupAuc {
  const n = v[0];
  return {
    ids: Array.from(v.subarray(1, 1 + n), (key) => g.nameOf(key)),
    auc: v.slice(1 + n, 1 + 2 * n),
    positives: Uint32Array.from(v.subarray(1 + 2 * n, 1 + 3 * n)),
    negatives: Uint32Array.from(v.subarray(1 + 3 * n, 1 + 4 * n)),
  };
}

/**
 * Group AUC with its counts: `Σ_g w_g·AUC_g / Σ_g w_g` over the groups (users, queries) that
 * have both a positive and a negative; single-class groups are skipped and counted.
 *
 * `w_g` is the group's row count (`'impressions'`, default: DIN paper, XDL, FuxiCTR), its
 * positives (`'clicks'`: RecBole), 1 (`'uniform'`: EasyRec), or `groupWeights[g]`.
 * Group ids may be integer typed arrays, numbers, strings or bigints, in any order, not
 * necessarily contiguous. No valid group → NaN. AUC_g as in {@link auc} (ties count ½).
 *
 * @throws {RangeError} as {@link auc}, and for groups of the wrong length, an unknown
 *   weighting, or explicit weights missing a group that is averaged.
 */
export function gaucReport(labels: Labels, scores: NumberArray, groups: GroupIds, options: GaucOptions = {}): GaucReport {
  const { g, args } = gaucArgs(labels, scores, groups, options);
  const r = report(run('gauc', args, g));
  return options.perGroup === true ? { perGroup: toPerGroup(g, run('gaucPerGroup', [args[0], args[1], args[2]], g)), ...r } : r;
}

/** The value of {@link gaucReport}. */
export function gauc(labels: Labels, scores: NumberArray, groups: GroupIds, options: GaucOptions = {}): number {
  return gaucReport(labels, scores, groups, options).value;
}

/** {@link gaucReport} off the calling thread. */
export async function gaucReportAsync(labels: Labels, scores: NumberArray, groups: GroupIds, options: GaucOptions = {}): Promise<GaucReport> {
  const { g, args } = gaucArgs(labels, scores, groups, options);
  const r = report(await runAsync('gauc', args, g));
  return options.perGroup === true ? { perGroup: toPerGroup(g, await runAsync('gaucPerGroup', [args[0], args[1], args[2]], g)), ...r } : r;
}

/** {@link gauc} off the calling thread. */
export async function gaucAsync(labels: Labels, scores: NumberArray, groups: GroupIds, options: GaucOptions = {}): Promise<number> {
  return (await gaucReportAsync(labels, scores, groups, options)).value;
}

/** Frees the scratch memory the active backend keeps for reuse by large calls. */
export function releaseMemory(): void {
  current().sync.releaseMemory();
}
