/**
 * Training losses and their gradients, as `torch.nn.functional` computes them. Each loss is a
 * sum over rows (one element, or one sample for the row losses), reduced by `'mean'`
 * (default), `'sum'` or `'none'` (one value per row). With `{ grad: true }` a loss returns
 * `{ value, grad }`: the gradient of the value with respect to the predictions, in their
 * precision (a Float32Array for Float32Array predictions); with `'none'`, the gradient of the
 * rows' sum. Values are computed in f64 in stable forms (softplus, log-sum-exp): logits of
 * ±1e4 give finite, exact losses. Definitions, kinks and references: crates/core/src/train/losses.
 */
import type { Scores } from '../backends/types.js';
import { run, runAsync } from '../backends/call.js';
import { booleanOption, choice, describe, isArrayLike, numberOption, toFloats, type NumberArray } from '../arguments.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /** `'mean'` over rows (default), `'sum'`, or `'none'`: one value per row. */
  reduction?: Reduction;
  /** Also return the gradient with respect to the predictions. */
  grad?: boolean;
}

export type Value<O> = O extends { reduction: 'none' } ? Float64Array : number;
/** The gradient's array type: the predictions' precision. */
export type GradArray<P> = P extends Float32Array ? Float32Array : Float64Array;
/** A number (or per-row values with `'none'`), or `{ value, grad }` with `grad: true`. */
export type LossResult<O, G> = O extends { grad: true } ? { value: Value<O>; grad: G } : Value<O>;
export type Pair<P> = { pos: GradArray<P>; neg: GradArray<P> };

interface Prepared {
  args: [string, Scores[], Uint32Array | undefined, Float64Array, Reduction, boolean];
  /** Names of the gradients when there are several (`grad.pos`…); one gradient is the array. */
  names?: readonly string[];
}

/**
 * Arguments of the core's `loss` kernel. `arrays` are the call's arrays in order; the call's
 * precision is that of `arrays[predictions]` (f32 for a Float32Array, else f64) and the others
 * are converted to it, as PyTorch requires one dtype.
 */
function prepare(name: string, arrays: [string, unknown][], predictions: number, options: LossOptions | undefined, params: number[] = [], extra: Partial<Prepared> & { ids?: Uint32Array } = {}): Prepared {
  const o = options ?? {};
  const reduction = choice('reduction', o.reduction, ['mean', 'sum', 'none'] as const, 'mean');
  const grad = booleanOption('grad', o.grad, false);
  const f32 = arrays[predictions][1] instanceof Float32Array;
  const inputs = arrays.map(([n, xs]) => toFloats(n, xs, f32, true));
  return { args: [name, inputs, extra.ids, Float64Array.from(params), reduction, grad], names: extra.names };
}

function finish(out: Scores[], p: Prepared): any {
  const value = p.args[4] === 'none' ? out[0] : out[0][0];
  if (!p.args[5]) return value;
  const grads = out.slice(1);
  return { value, grad: p.names ? Object.fromEntries(p.names.map((n, i) => [n, grads[i]])) : grads[0] };
}

const call = (p: Prepared) => finish(run('loss', p.args), p);
const callAsync = async (p: Prepared) => finish(await runAsync('loss', p.args), p);

const pointwise = (name: string, targets: unknown, preds: unknown, predsName: string, options?: LossOptions, params?: number[]) =>
  prepare(name, [['targets', targets], [predsName, preds]], 1, options, params);

/** Mean absolute error `|p − y|` (`F.l1_loss`); gradient `sign(p − y)`, 0 where `p = y`. */
export function mae<P extends NumberArray, O extends LossOptions = {}>(targets: NumberArray, preds: P, options?: O): LossResult<O, GradArray<P>> {
  return call(pointwise('mae', targets, preds, 'preds', options));
}
/** {@link mae} off the calling thread. */
export function maeAsync<P extends NumberArray, O extends LossOptions = {}>(targets: NumberArray, preds: P, options?: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(pointwise('mae', targets, preds, 'preds', options));
}

/** Mean squared error `(p − y)²` (`F.mse_loss`); gradient `2(p − y)`. */
export function mse<P extends NumberArray, O extends LossOptions = {}>(targets: NumberArray, preds: P, options?: O): LossResult<O, GradArray<P>> {
  return call(pointwise('mse', targets, preds, 'preds', options));
}
/** {@link mse} off the calling thread. */
export function mseAsync<P extends NumberArray, O extends LossOptions = {}>(targets: NumberArray, preds: P, options?: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(pointwise('mse', targets, preds, 'preds', options));
}

export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear; default 1. */
  delta?: number;
}
const huberArgs = (t: unknown, p: unknown, o?: HuberOptions) => pointwise('huber', t, p, 'preds', o, [numberOption('delta', o?.delta, 1)]);
/** Huber loss (`F.huber_loss`): `½d²` where `|d| < δ`, else `δ(|d| − ½δ)`, `d = p − y`. */
export function huber<P extends NumberArray, O extends HuberOptions = {}>(targets: NumberArray, preds: P, options?: O): LossResult<O, GradArray<P>> {
  return call(huberArgs(targets, preds, options));
}
/** {@link huber} off the calling thread. */
export function huberAsync<P extends NumberArray, O extends HuberOptions = {}>(targets: NumberArray, preds: P, options?: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(huberArgs(targets, preds, options));
}

export interface BceOptions extends LossOptions {
  /**
   * Probabilities are clipped to [eps, 1 − eps]; default 1e-15 (scikit-learn's `log_loss`
   * default before 1.2; 1e-12 is the other common choice).
   */
  eps?: number;
}
const bceArgs = (t: unknown, p: unknown, o?: BceOptions) => pointwise('bce', t, p, 'probs', o, [numberOption('eps', o?.eps, 1e-15)]);
/**
 * Binary cross-entropy of probabilities: `−(y·ln q + (1 − y)·ln(1 − q))`, `q` = p clipped to
 * [eps, 1 − eps]. Targets may be soft (in [0, 1]). Gradient 0 where the clip binds.
 * @throws {RangeError} for probabilities or targets outside [0, 1], NaN, or unequal lengths.
 */
export function bce<P extends NumberArray, O extends BceOptions = {}>(targets: NumberArray, probs: P, options?: O): LossResult<O, GradArray<P>> {
  return call(bceArgs(targets, probs, options));
}
/** {@link bce} off the calling thread. */
export function bceAsync<P extends NumberArray, O extends BceOptions = {}>(targets: NumberArray, probs: P, options?: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(bceArgs(targets, probs, options));
}

/**
 * Binary cross-entropy of logits (`F.binary_cross_entropy_with_logits`), stable form
 * `max(x, 0) − x·y + ln(1 + e^−|x|)`; gradient `σ(x) − y`.
 */
export function bceWithLogits<P extends NumberArray, O extends LossOptions = {}>(targets: NumberArray, logits: P, options?: O): LossResult<O, GradArray<P>> {
  return call(pointwise('bceWithLogits', targets, logits, 'logits', options));
}
/** {@link bceWithLogits} off the calling thread. */
export function bceWithLogitsAsync<P extends NumberArray, O extends LossOptions = {}>(targets: NumberArray, logits: P, options?: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(pointwise('bceWithLogits', targets, logits, 'logits', options));
}

export interface SoftmaxCrossEntropyOptions extends LossOptions {
  /** C: logits are N × C, row-major. Required. */
  numClasses: number;
}
function ceArgs(targets: unknown, logits: unknown, o: SoftmaxCrossEntropyOptions) {
  if (o === undefined || o.numClasses === undefined) throw new TypeError('numClasses is required: logits are N × numClasses');
  const c = o.numClasses;
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`numClasses: is ${String(c)}; it must be an integer >= 1`);
  if (!isArrayLike(targets)) throw new TypeError(`targets must be an array or a typed array, got ${describe(targets)}`);
  if (!isArrayLike(logits)) throw new TypeError(`logits must be an array or a typed array, got ${describe(logits)}`);
  if (targets.length === logits.length / c) return prepare('softmaxCrossEntropy', [['logits', logits]], 0, o, [c], { ids: classIds(targets) });
  return prepare('softmaxCrossEntropy', [['targets', targets], ['logits', logits]], 1, o, [c]);
}
function classIds(xs: ArrayLike<unknown>): Uint32Array {
  if (xs instanceof Uint32Array) return xs;
  const out = new Uint32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new RangeError(`targets: targets[${i}] is ${String(v)}; class ids must be integers >= 0`);
    }
    out[i] = v;
  }
  return out;
}
/**
 * Softmax cross-entropy of logits (`F.cross_entropy`): `−Σ_c t_c·log_softmax(x)_c` per row.
 * Targets are one class id per row (N integers) or a distribution per row (N × C numbers in
 * [0, 1]), told apart by their length. Gradient `softmax(x)·Σt − t`.
 * @throws {RangeError} for a class id < 0 or ≥ numClasses, a logits length not a multiple of
 * numClasses, NaN.
 */
export function softmaxCrossEntropy<P extends NumberArray, O extends SoftmaxCrossEntropyOptions>(targets: NumberArray, logits: P, options: O): LossResult<O, GradArray<P>> {
  return call(ceArgs(targets, logits, options));
}
/** {@link softmaxCrossEntropy} off the calling thread. */
export function softmaxCrossEntropyAsync<P extends NumberArray, O extends SoftmaxCrossEntropyOptions>(targets: NumberArray, logits: P, options: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(ceArgs(targets, logits, options));
}

export interface FocalOptions extends LossOptions {
  /** Default 0.25. */
  alpha?: number;
  /** Default 2. */
  gamma?: number;
  /** Predictions are logits (default: probabilities). */
  logits?: boolean;
  /** Weight positives by α and negatives by 1 − α (torchvision); default: α for every element. */
  balanced?: boolean;
  /** Probability clip; default 1e-15. */
  eps?: number;
}
function focalArgs(t: unknown, p: unknown, o?: FocalOptions) {
  const flag = (name: string, v: unknown) => (booleanOption(name, v, false) ? 1 : 0);
  const params = [numberOption('alpha', o?.alpha, 0.25), numberOption('gamma', o?.gamma, 2), numberOption('eps', o?.eps, 1e-15), flag('logits', o?.logits), flag('balanced', o?.balanced)];
  return pointwise('focal', t, p, 'preds', o, params);
}
/**
 * Focal loss (Lin et al. 2017): `a·(1 − p_t)^γ·ce`, `p_t = p·y + (1 − p)(1 − y)`, `ce` the
 * binary cross-entropy; `a = α`, or `α·y + (1 − α)(1 − y)` with `balanced` (torchvision's
 * `sigmoid_focal_loss` with `logits: true`). Predictions are probabilities or, with
 * `logits`, logits (stable at ±1e4).
 */
export function focal<P extends NumberArray, O extends FocalOptions = {}>(targets: NumberArray, preds: P, options?: O): LossResult<O, GradArray<P>> {
  return call(focalArgs(targets, preds, options));
}
/** {@link focal} off the calling thread. */
export function focalAsync<P extends NumberArray, O extends FocalOptions = {}>(targets: NumberArray, preds: P, options?: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(focalArgs(targets, preds, options));
}

export interface MarginOptions extends LossOptions {
  /** Default 1. */
  margin?: number;
}
const hingeArgs = (l: unknown, s: unknown, o?: MarginOptions) =>
  prepare('hinge', [['labels', l], ['scores', s]], 1, o, [numberOption('margin', o?.margin, 1)]);
/**
 * Hinge loss `max(0, margin − y·s)`, labels −1/1 (0 is read as −1). Gradient `−y` where the
 * hinge is active, including exactly at it (`torch.clamp`'s rule).
 */
export function hinge<P extends NumberArray, O extends MarginOptions = {}>(labels: NumberArray, scores: P, options?: O): LossResult<O, GradArray<P>> {
  return call(hingeArgs(labels, scores, options));
}
/** {@link hinge} off the calling thread. */
export function hingeAsync<P extends NumberArray, O extends MarginOptions = {}>(labels: NumberArray, scores: P, options?: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(hingeArgs(labels, scores, options));
}

const bprArgs = (pos: unknown, neg: unknown, o?: LossOptions) => prepare('bpr', [['pos', pos], ['neg', neg]], 0, o, [], { names: ['pos', 'neg'] });
/** BPR (Rendle et al. 2009): `−ln σ(pos − neg)` per pair, stable; `grad: { pos, neg }`. */
export function bpr<P extends NumberArray, O extends LossOptions = {}>(pos: P, neg: NumberArray, options?: O): LossResult<O, Pair<P>> {
  return call(bprArgs(pos, neg, options));
}
/** {@link bpr} off the calling thread. */
export function bprAsync<P extends NumberArray, O extends LossOptions = {}>(pos: P, neg: NumberArray, options?: O): Promise<LossResult<O, Pair<P>>> {
  return callAsync(bprArgs(pos, neg, options));
}

export interface ContrastiveOptions extends MarginOptions {
  /** The ½ factor of Hadsell et al. 2006 (default true); `half: false` drops it. */
  half?: boolean;
  /** Embedding width D, for the `{ x1, x2 }` form. */
  dim?: number;
}
/** The embedding width of the `{…}` forms: required, an integer ≥ 1. */
function dimOf(o: { dim?: number } | undefined): number {
  const d = o?.dim;
  if (d === undefined) throw new TypeError('dim is required with embeddings: they are N × dim, row-major');
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`dim: is ${String(d)}; it must be an integer >= 1`);
  return d;
}
function contrastiveArgs(labels: unknown, x: unknown, o?: ContrastiveOptions) {
  const half = booleanOption('half', o?.half, true);
  const margin = numberOption('margin', o?.margin, 1);
  if (isArrayLike(x)) return prepare('contrastive', [['labels', labels], ['distances', x]], 1, o, [margin, half ? 1 : 0, 0]);
  const { x1, x2 } = (x ?? {}) as { x1?: unknown; x2?: unknown };
  return prepare('contrastive', [['labels', labels], ['x1', x1], ['x2', x2]], 1, o, [margin, half ? 1 : 0, dimOf(o)], { names: ['x1', 'x2'] });
}
/**
 * Contrastive loss (Hadsell et al. 2006): `k·(y·d² + (1 − y)·max(0, m − d)²)`, `y = 1` for
 * similar pairs, `k = ½` (default) or 1 (`half: false`). From distances, or from embedding
 * pairs `{ x1, x2 }` (N × dim) with `d = ‖x1 − x2‖₂` (`grad: { x1, x2 }`; 0 where x1 = x2).
 */
export function contrastive<P extends NumberArray, O extends ContrastiveOptions = {}>(labels: NumberArray, distances: P, options?: O): LossResult<O, GradArray<P>>;
export function contrastive<P extends NumberArray, O extends ContrastiveOptions = {}>(labels: NumberArray, pairs: { x1: P; x2: NumberArray }, options: O): LossResult<O, { x1: GradArray<P>; x2: GradArray<P> }>;
export function contrastive(labels: NumberArray, x: unknown, options?: ContrastiveOptions): unknown {
  return call(contrastiveArgs(labels, x, options));
}
/** {@link contrastive} off the calling thread. */
export function contrastiveAsync<P extends NumberArray, O extends ContrastiveOptions = {}>(labels: NumberArray, distances: P, options?: O): Promise<LossResult<O, GradArray<P>>>;
export function contrastiveAsync<P extends NumberArray, O extends ContrastiveOptions = {}>(labels: NumberArray, pairs: { x1: P; x2: NumberArray }, options: O): Promise<LossResult<O, { x1: GradArray<P>; x2: GradArray<P> }>>;
export function contrastiveAsync(labels: NumberArray, x: unknown, options?: ContrastiveOptions): Promise<unknown> {
  return callAsync(contrastiveArgs(labels, x, options));
}

export interface TripletOptions extends MarginOptions {
  /** Embedding width D, for the `{ anchor, positive, negative }` form. */
  dim?: number;
}
export type Triplet<P> = { anchor: P; positive: NumberArray; negative: NumberArray };
function tripletArgs(first: unknown, second: unknown, third: unknown) {
  if (isArrayLike(first)) {
    const o = third as TripletOptions | undefined;
    return prepare('triplet', [['pos', first], ['neg', second]], 0, o, [numberOption('margin', o?.margin, 1), 0], { names: ['pos', 'neg'] });
  }
  const o = second as TripletOptions | undefined;
  const { anchor, positive, negative } = (first ?? {}) as Partial<Triplet<unknown>>;
  const arrays: [string, unknown][] = [['anchor', anchor], ['positive', positive], ['negative', negative]];
  return prepare('triplet', arrays, 0, o, [numberOption('margin', o?.margin, 1), dimOf(o)], { names: ['anchor', 'positive', 'negative'] });
}
/**
 * Triplet margin loss (Schroff et al. 2015): `max(0, d_pos − d_neg + margin)`. From distances
 * (`grad: { pos, neg }`), or from embeddings `{ anchor, positive, negative }` (N × dim) with
 * Euclidean distances (`grad: { anchor, positive, negative }`). The hinge passes gradient
 * exactly at 0, as `torch.clamp`.
 */
export function triplet<P extends NumberArray, O extends TripletOptions = {}>(pos: P, neg: NumberArray, options?: O): LossResult<O, Pair<P>>;
export function triplet<P extends NumberArray, O extends TripletOptions = {}>(embeddings: Triplet<P>, options: O): LossResult<O, { anchor: GradArray<P>; positive: GradArray<P>; negative: GradArray<P> }>;
export function triplet(first: unknown, second?: unknown, third?: unknown): unknown {
  return call(tripletArgs(first, second, third));
}
/** {@link triplet} off the calling thread. */
export function tripletAsync<P extends NumberArray, O extends TripletOptions = {}>(pos: P, neg: NumberArray, options?: O): Promise<LossResult<O, Pair<P>>>;
export function tripletAsync<P extends NumberArray, O extends TripletOptions = {}>(embeddings: Triplet<P>, options: O): Promise<LossResult<O, { anchor: GradArray<P>; positive: GradArray<P>; negative: GradArray<P> }>>;
export function tripletAsync(first: unknown, second?: unknown, third?: unknown): Promise<unknown> {
  return callAsync(tripletArgs(first, second, third));
}

const nceArgs = (pos: unknown, neg: unknown, o?: LossOptions) => prepare('nce', [['pos', pos], ['neg', neg]], 0, o, [], { names: ['pos', 'neg'] });
/**
 * NCE with K negatives per positive (Gutmann & Hyvärinen 2010): `−(ln σ(pos) + Σ_j ln σ(−neg_j))`
 * per row; `pos` is N scores, `neg` N × K (row-major). `grad: { pos, neg }`.
 */
export function nce<P extends NumberArray, O extends LossOptions = {}>(pos: P, neg: NumberArray, options?: O): LossResult<O, Pair<P>> {
  return call(nceArgs(pos, neg, options));
}
/** {@link nce} off the calling thread. */
export function nceAsync<P extends NumberArray, O extends LossOptions = {}>(pos: P, neg: NumberArray, options?: O): Promise<LossResult<O, Pair<P>>> {
  return callAsync(nceArgs(pos, neg, options));
}

export interface InfoNceOptions extends LossOptions {
  /** τ > 0; default 1 (van den Oord et al. 2018). */
  temperature?: number;
}
const infoNceArgs = (pos: unknown, neg: unknown, o?: InfoNceOptions) =>
  prepare('infoNce', [['pos', pos], ['neg', neg]], 0, o, [numberOption('temperature', o?.temperature, 1)], { names: ['pos', 'neg'] });
/**
 * InfoNCE (van den Oord et al. 2018): `−log_softmax([pos, neg_1…neg_K]/τ)_0` per row; `pos` N
 * scores, `neg` N × K. `grad: { pos, neg }`.
 */
export function infoNce<P extends NumberArray, O extends InfoNceOptions = {}>(pos: P, neg: NumberArray, options?: O): LossResult<O, Pair<P>> {
  return call(infoNceArgs(pos, neg, options));
}
/** {@link infoNce} off the calling thread. */
export function infoNceAsync<P extends NumberArray, O extends InfoNceOptions = {}>(pos: P, neg: NumberArray, options?: O): Promise<LossResult<O, Pair<P>>> {
  return callAsync(infoNceArgs(pos, neg, options));
}

export interface KlDivOptions extends LossOptions {
  /** Distribution width: `p` and `q` are rows of `size`; default: the whole array is one. */
  size?: number;
  /** Both are clipped to [eps, 1 − eps]; default 1e-15 (the NumPy reference snippets). */
  eps?: number;
}
function klArgs(p: unknown, q: unknown, o?: KlDivOptions) {
  const size = numberOption('size', o?.size, 0);
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size: is ${size}; it must be an integer >= 1`);
  return prepare('klDiv', [['p', p], ['q', q]], 1, o, [numberOption('eps', o?.eps, 1e-15), size]);
}
/**
 * KL divergence `KL(P‖Q) = Σ p·ln(p/q)` per row (P the target, Q the prediction), both clipped
 * to [eps, 1 − eps]. `'mean'` averages over rows (PyTorch's `'batchmean'`). Gradient w.r.t. q.
 */
export function klDiv<P extends NumberArray, O extends KlDivOptions = {}>(p: NumberArray, q: P, options?: O): LossResult<O, GradArray<P>> {
  return call(klArgs(p, q, options));
}
/** {@link klDiv} off the calling thread. */
export function klDivAsync<P extends NumberArray, O extends KlDivOptions = {}>(p: NumberArray, q: P, options?: O): Promise<LossResult<O, GradArray<P>>> {
  return callAsync(klArgs(p, q, options));
}
