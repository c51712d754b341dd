/**
 * Multiclass and multilabel AUC as scikit-learn's `roc_auc_score` defines them (one-vs-rest,
 * one-vs-one, macro / weighted / micro averages), from the exact binary AUC of each class.
 * Definitions in full on the Rust kernels (crates/core/src/metrics/multiclass.rs) and in
 * docs/conventions.md.
 */
import type { Scores } from '../backends/kernels.js';
import { run, runAsync } from '../backends/call.js';
import { choice, describe, isArrayLike, NumberArray, toLabels, toScores, toWeights } from '../arguments.js';

/** An N × C matrix: `{ data, shape: [N, C] }` (data row-major), or an array of N rows. */
export type Matrix<T = number> = { data: ArrayLike<T>; shape: readonly number[] } | ArrayLike<ArrayLike<T>>;

/** `'none'`: no average, one AUC per class. */
export type AucAverage = 'macro' | 'weighted' | 'micro' | 'none';

export interface MulticlassAucOptions {
  /** `'ovr'` (default): each class against the rest; `'ovo'`: each pair of classes (Hand & Till 2001). */
  multiClass?: 'ovr' | 'ovo';
  /** Default `'macro'`. `'ovo'` takes `'macro'` or `'weighted'` only (as scikit-learn). */
  average?: AucAverage;
  /** Per-row sample weights (not with `'ovo'`, as scikit-learn). */
  weights?: NumberArray;
}

export interface MultilabelAucOptions {
  /** Default `'macro'`. */
  average?: AucAverage;
  weights?: NumberArray;
}

const AVERAGES = ['macro', 'weighted', 'micro', 'none'] as const;

interface Shaped {
  data: ArrayLike<unknown>;
  rows: number;
  columns: number;
}

/** A matrix argument's values (row-major) and shape; undefined for a flat array. */
function shaped(name: string, x: unknown): Shaped | undefined {
  if (x !== null && typeof x === 'object' && !isArrayLike(x) && 'data' in x) {
    const { data, shape } = x as { data: unknown; shape?: unknown };
    if (!isArrayLike(data)) throw new TypeError(`${name}.data must be an array or a typed array, got ${describe(data)}`);
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new TypeError(`${name}.shape must be [rows, columns], got ${Array.isArray(shape) ? `[${shape}]` : describe(shape)}`);
    }
    if (shape[0] * shape[1] !== data.length) throw new RangeError(`${name}: shape [${shape}] needs ${shape[0] * shape[1]} values, data has ${data.length}`);
    return { data, rows: shape[0], columns: shape[1] };
  }
  if (!Array.isArray(x) || x.length === 0 || !isArrayLike(x[0])) return undefined;
  const columns = (x[0] as ArrayLike<unknown>).length;
  const data: unknown[] = [];
  x.forEach((row: unknown, i) => {
    if (!isArrayLike(row)) throw new TypeError(`${name}[${i}] must be a row (an array), got ${describe(row)}`);
    if (row.length !== columns) throw new RangeError(`${name}: row ${i} has ${row.length} values, expected ${columns} (the length of row 0)`);
    for (let j = 0; j < columns; j++) data.push(row[j]);
  });
  return { data, rows: x.length, columns };
}

/** Class ids as u32: integers ≥ 0 (the core checks them against the number of columns). */
function toClassIds(labels: unknown): Uint32Array {
  if (!isArrayLike(labels)) throw new TypeError(`labels must be an array or a typed array of class ids, got ${describe(labels)}`);
  if (labels.length === 0) throw new RangeError('labels is empty');
  if (labels instanceof Uint32Array) return labels;
  const out = new Uint32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v !== 'number') throw new TypeError(`labels[${i}] is ${describe(v)}, not a class id`);
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`labels: labels[${i}] is ${v}; class ids must be integers >= 0`);
    out[i] = v;
  }
  return out;
}

function weightsOf(options: { weights?: NumberArray }, rows: number): Float64Array | undefined {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  return options.weights === undefined ? undefined : toWeights('weights', options.weights, rows);
}

function multiclassArgs(labels: NumberArray, scores: Matrix | NumberArray, options: MulticlassAucOptions) {
  const y = toClassIds(labels);
  const m = shaped('scores', scores);
  if (m && m.rows !== y.length) throw new RangeError(`scores: has ${m.rows} rows, expected ${y.length} (the length of labels)`);
  const values = m ? m.data : (scores as ArrayLike<unknown>);
  if (!isArrayLike(values)) throw new TypeError(`scores must be a matrix (rows, or { data, shape }) or a flat row-major array, got ${describe(scores)}`);
  const columns = m ? m.columns : values.length / y.length;
  if (!Number.isInteger(columns)) throw new RangeError(`scores: has ${values.length} values, not a multiple of the ${y.length} rows of labels`);
  const s = toScores(values, y.length * columns);
  const multiClass = choice('multiClass', options.multiClass, ['ovr', 'ovo'] as const, 'ovr');
  const average = choice('average', options.average, AVERAGES, 'macro');
  return [y, s, columns, multiClass, average, weightsOf(options, y.length)] as [Uint32Array, Scores, number, string, string, Float64Array | undefined];
}

function multilabelArgs(labels: Matrix<number | boolean> | ArrayLike<number | boolean>, scores: Matrix | NumberArray, options: MultilabelAucOptions) {
  const ml = shaped('labels', labels);
  const ms = shaped('scores', scores);
  const shape = ml ?? ms;
  if (!shape) throw new TypeError('labels or scores must be a matrix (rows, or { data, shape }) to give the number of classes');
  if (ml && ms && (ml.rows !== ms.rows || ml.columns !== ms.columns)) {
    throw new RangeError(`scores: has shape [${ms.rows}, ${ms.columns}], expected [${ml.rows}, ${ml.columns}] (the shape of labels)`);
  }
  const y = toLabels(ml ? ml.data : labels);
  const s = toScores(ms ? ms.data : scores, shape.rows * shape.columns);
  if (y.length !== s.length) throw new RangeError(`labels: has ${y.length} values, expected ${s.length} (the values of scores)`);
  const average = choice('average', options.average, AVERAGES, 'macro');
  return [y, s, shape.columns, average, weightsOf(options, shape.rows)] as [Uint8Array, Scores, number, string, Float64Array | undefined];
}

const value = (r: Float64Array, average: string): number | Float64Array => (average === 'none' ? r : r[0]);

/**
 * AUC of a multiclass problem, as scikit-learn's `roc_auc_score(y, scores, multi_class=…,
 * average=…)`: class ids `labels` (0 … C − 1) against an N × C matrix of class probabilities.
 *
 * - `'ovr'`: the AUC of each class against the rest, from its column; `'macro'` averages them,
 *   `'weighted'` weights them by the classes' prevalence (with sample weights, their weight),
 *   `'micro'` is one AUC over the N·C (one-hot label, score) cells, `'none'` returns them.
 * - `'ovo'` (Hand & Till 2001): for each pair of classes present, over their rows, the mean of
 *   the two one-vs-one AUCs; `'macro'` averages the pairs, `'weighted'` weights each by its
 *   share of the rows. No sample weights, `'micro'` or `'none'` (scikit-learn refuses them).
 *
 * Every binary AUC is exact with ties ½ (as `auc`). Each row must sum to 1 (NumPy's
 * `allclose`: |1 − Σ| ≤ 1e-8 + 1e-5·|Σ|), as scikit-learn requires; apply `softmax` to raw
 * scores first. A class without rows: its one-vs-rest AUC is NaN, so `'macro'` is NaN and
 * `'weighted'` leaves it out (scikit-learn with `labels=range(C)`); `'ovo'` uses the pairs of
 * classes present.
 *
 * @param scores `{ data, shape: [N, C] }`, an array of N rows, or a flat row-major array of N·C.
 * @throws {RangeError} for class ids ≥ C, rows not summing to 1, mismatched sizes, NaN/±Inf
 *   scores, fewer than 2 classes, or an option scikit-learn refuses.
 */
export function multiclassAuc(labels: NumberArray, scores: Matrix | NumberArray, options: MulticlassAucOptions & { average: 'none' }): Float64Array;
export function multiclassAuc(labels: NumberArray, scores: Matrix | NumberArray, options?: MulticlassAucOptions): number;
export function multiclassAuc(labels: NumberArray, scores: Matrix | NumberArray, options: MulticlassAucOptions = {}): number | Float64Array {
  const args = multiclassArgs(labels, scores, options);
  return value(run('multiclassAuc', args), args[4]);
}

/** {@link multiclassAuc} off the calling thread. */
export async function multiclassAucAsync(labels: NumberArray, scores: Matrix | NumberArray, options: MulticlassAucOptions & { average: 'none' }): Promise<Float64Array>;
export async function multiclassAucAsync(labels: NumberArray, scores: Matrix | NumberArray, options?: MulticlassAucOptions): Promise<number>;
export async function multiclassAucAsync(labels: NumberArray, scores: Matrix | NumberArray, options: MulticlassAucOptions = {}): Promise<number | Float64Array> {
  const args = multiclassArgs(labels, scores, options);
  return value(await runAsync('multiclassAuc', args), args[4]);
}

/**
 * AUC of a multilabel problem, as scikit-learn's `roc_auc_score` on a label indicator matrix:
 * the AUC of each column (labels 0/1 against that column's scores, with the sample weights);
 * `'macro'` averages them, `'weighted'` weights them by Σw·y of the column, `'micro'` is one
 * AUC over all N·C cells, `'none'` returns them. A column with one class only has AUC NaN, so
 * `'macro'` is NaN; `'weighted'` gives a column without positives weight 0. (scikit-learn's
 * `average='samples'` is not offered.)
 *
 * @param labels N × C of 0/1 (or booleans): a matrix, or a flat row-major array when `scores` is a matrix.
 * @param scores N × C: a matrix, or a flat row-major array when `labels` is a matrix.
 * @throws {RangeError} for labels other than 0/1, mismatched shapes, NaN/±Inf scores, fewer than 2 columns.
 */
export function multilabelAuc(labels: Matrix<number | boolean> | ArrayLike<number | boolean>, scores: Matrix | NumberArray, options: MultilabelAucOptions & { average: 'none' }): Float64Array;
export function multilabelAuc(labels: Matrix<number | boolean> | ArrayLike<number | boolean>, scores: Matrix | NumberArray, options?: MultilabelAucOptions): number;
export function multilabelAuc(labels: Matrix<number | boolean> | ArrayLike<number | boolean>, scores: Matrix | NumberArray, options: MultilabelAucOptions = {}): number | Float64Array {
  const args = multilabelArgs(labels, scores, options);
  return value(run('multilabelAuc', args), args[3]);
}

/** {@link multilabelAuc} off the calling thread. */
export async function multilabelAucAsync(labels: Matrix<number | boolean> | ArrayLike<number | boolean>, scores: Matrix | NumberArray, options: MultilabelAucOptions & { average: 'none' }): Promise<Float64Array>;
export async function multilabelAucAsync(labels: Matrix<number | boolean> | ArrayLike<number | boolean>, scores: Matrix | NumberArray, options?: MultilabelAucOptions): Promise<number>;
export async function multilabelAucAsync(labels: Matrix<number | boolean> | ArrayLike<number | boolean>, scores: Matrix | NumberArray, options: MultilabelAucOptions = {}): Promise<number | Float64Array> {
  const args = multilabelArgs(labels, scores, options);
  return value(await runAsync('multilabelAuc', args), args[3]);
}
