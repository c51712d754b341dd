/**
 * Elementwise and row ops in f32, as the layers use them (`torch.nn.functional` semantics):
 * softmax, logSoftmax, layerNorm, batchNorm (inference), sigmoid, relu, prelu, dice,
 * l2Normalize. Inputs are flat and row-major; anything but a Float32Array is rounded to f32.
 * Each returns a new Float32Array. Kernels: crates/core/src/nn/ops.rs (SIMD, no per-row
 * allocation).
 */
import { run, runAsync } from '../backends/call.js';
import { numberOption, toFloats, type NumberArray } from '../arguments.js';

export interface RowOptions {
  /** The last axis' length: the input is rows of `size`. Default: the whole input is one row. */
  size?: number;
}

export interface LayerNormOptions extends RowOptions {
  /** γ (`size` values); default 1. */
  weight?: NumberArray;
  /** β (`size` values); default 0. */
  bias?: NumberArray;
  /** Default 1e-5 (nn.LayerNorm). */
  eps?: number;
}

export interface ChannelOptions {
  /** `[N, C]` or `[N, C, L]` (channel dim 1, as BatchNorm1d); default `[length / C, C]`. */
  shape?: number[];
}

export interface BatchNormOptions extends ChannelOptions {
  runningMean: NumberArray;
  runningVar: NumberArray;
  weight?: NumberArray;
  bias?: NumberArray;
  /** Default 1e-5 (nn.BatchNorm1d). */
  eps?: number;
}

export interface PreluOptions extends ChannelOptions {
  /** One slope, or one per channel; default 0.25 (nn.PReLU's initial value). */
  weight?: number | NumberArray;
}

export interface DiceOptions extends ChannelOptions {
  /** One α, or one per channel. */
  alpha: number | NumberArray;
  runningMean: NumberArray;
  runningVar: NumberArray;
  weight?: NumberArray;
  bias?: NumberArray;
  /** Default 1e-8 (DeepCTR-Torch, the DIEN tutorial). */
  eps?: number;
}

export interface L2NormalizeOptions extends RowOptions {
  /** The norm is clamped below at eps; default 1e-12 (F.normalize). */
  eps?: number;
}

type OpArgs = [string, Float32Array, number, number, Float32Array[], Float32Array];

/** A number (one value) or an array of numbers, as a Float32Array. */
const f32 = (name: string, xs: unknown) => (typeof xs === 'number' ? Float32Array.of(xs) : (toFloats(name, xs, true, false) as Float32Array));

const optional = (name: string, xs: unknown) => (xs === undefined ? new Float32Array(0) : f32(name, xs));

function sizeOf(o: RowOptions | undefined): number {
  const size = numberOption('size', o?.size, 0);
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size: is ${size}; it must be an integer >= 1`);
  return size;
}

/** (C, L) of a channel op: from `shape`, else C = `channels` and L = 1. */
function layout(x: Float32Array, o: ChannelOptions | undefined, channels: number): [number, number] {
  const shape = o?.shape;
  if (shape === undefined) return [channels, 1];
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 3) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`shape: is ${JSON.stringify(shape)}; expected [N, C] or [N, C, L]`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== x.length) throw new RangeError(`shape: [${shape}] has ${size} elements; the input has ${x.length}`);
  return [shape[1], shape[2] ?? 1];
}

const rowArgs = (name: string, x: unknown, o?: RowOptions, tensors: Float32Array[] = [], params: number[] = []): OpArgs =>
  [name, f32('x', x), sizeOf(o), 1, tensors, Float32Array.from(params)];

function layerNormArgs(x: unknown, o?: LayerNormOptions): OpArgs {
  return rowArgs('layerNorm', x, o, [optional('weight', o?.weight), optional('bias', o?.bias)], [numberOption('eps', o?.eps, 1e-5)]);
}

function bnTensors(o: BatchNormOptions | DiceOptions): Float32Array[] {
  if (o?.runningMean === undefined || o?.runningVar === undefined) throw new TypeError('runningMean and runningVar are required');
  return [f32('runningMean', o.runningMean), f32('runningVar', o.runningVar), optional('weight', o.weight), optional('bias', o.bias)];
}

function batchNormArgs(x: unknown, o: BatchNormOptions): OpArgs {
  const xs = f32('x', x);
  const tensors = bnTensors(o);
  return ['batchNorm', xs, ...layout(xs, o, tensors[0].length), tensors, Float32Array.of(numberOption('eps', o.eps, 1e-5))];
}

function preluArgs(x: unknown, o?: PreluOptions): OpArgs {
  const xs = f32('x', x);
  const w = f32('weight', o?.weight ?? 0.25);
  return ['prelu', xs, ...layout(xs, o, w.length), [w], new Float32Array(0)];
}

function diceArgs(x: unknown, o: DiceOptions): OpArgs {
  const xs = f32('x', x);
  if (o?.alpha === undefined) throw new TypeError('alpha is required');
  const tensors = [f32('alpha', o.alpha), ...bnTensors(o)];
  return ['dice', xs, ...layout(xs, o, tensors[1].length), tensors, Float32Array.of(numberOption('eps', o.eps, 1e-8))];
}

/** `softmax(x)_j = e^(x_j − max)/Σ e^(x − max)` over rows of `size` (exact for ±1e4). */
export function softmax(x: NumberArray, options?: RowOptions): Float32Array {
  return run('op', rowArgs('softmax', x, options));
}
/** {@link softmax} off the calling thread. */
export function softmaxAsync(x: NumberArray, options?: RowOptions): Promise<Float32Array> {
  return runAsync('op', rowArgs('softmax', x, options));
}

/** `x − max − ln Σ e^(x − max)` over rows of `size`. */
export function logSoftmax(x: NumberArray, options?: RowOptions): Float32Array {
  return run('op', rowArgs('logSoftmax', x, options));
}
/** {@link logSoftmax} off the calling thread. */
export function logSoftmaxAsync(x: NumberArray, options?: RowOptions): Promise<Float32Array> {
  return runAsync('op', rowArgs('logSoftmax', x, options));
}

/** `1/(1 + e^−x)` elementwise. */
export function sigmoid(x: NumberArray): Float32Array {
  return run('op', rowArgs('sigmoid', x));
}
/** {@link sigmoid} off the calling thread. */
export function sigmoidAsync(x: NumberArray): Promise<Float32Array> {
  return runAsync('op', rowArgs('sigmoid', x));
}

/** `max(x, 0)` elementwise. */
export function relu(x: NumberArray): Float32Array {
  return run('op', rowArgs('relu', x));
}
/** {@link relu} off the calling thread. */
export function reluAsync(x: NumberArray): Promise<Float32Array> {
  return runAsync('op', rowArgs('relu', x));
}

/** Layer normalisation over rows of `size` (nn.LayerNorm, biased variance, eps 1e-5). */
export function layerNorm(x: NumberArray, options?: LayerNormOptions): Float32Array {
  return run('op', layerNormArgs(x, options));
}
/** {@link layerNorm} off the calling thread. */
export function layerNormAsync(x: NumberArray, options?: LayerNormOptions): Promise<Float32Array> {
  return runAsync('op', layerNormArgs(x, options));
}

/** Batch normalisation at inference (BatchNorm1d in eval): `(x − mean)/√(var + eps)·γ + β` per channel. */
export function batchNorm(x: NumberArray, options: BatchNormOptions): Float32Array {
  return run('op', batchNormArgs(x, options));
}
/** {@link batchNorm} off the calling thread. */
export function batchNormAsync(x: NumberArray, options: BatchNormOptions): Promise<Float32Array> {
  return runAsync('op', batchNormArgs(x, options));
}

/** PReLU (nn.PReLU): `x > 0 ? x : a·x`, one slope or one per channel (dim 1). */
export function prelu(x: NumberArray, options?: PreluOptions): Float32Array {
  return run('op', preluArgs(x, options));
}
/** {@link prelu} off the calling thread. */
export function preluAsync(x: NumberArray, options?: PreluOptions): Promise<Float32Array> {
  return runAsync('op', preluArgs(x, options));
}

/**
 * Dice (Zhou et al. 2018, DIN): `p = σ(BN(x))`, `out = α(1 − p)·x + p·x`, BN in inference mode
 * with its running statistics (eps 1e-8 as DeepCTR-Torch).
 */
export function dice(x: NumberArray, options: DiceOptions): Float32Array {
  return run('op', diceArgs(x, options));
}
/** {@link dice} off the calling thread. */
export function diceAsync(x: NumberArray, options: DiceOptions): Promise<Float32Array> {
  return runAsync('op', diceArgs(x, options));
}

const l2Args = (x: unknown, o?: L2NormalizeOptions) => rowArgs('l2Normalize', x, o, [], [numberOption('eps', o?.eps, 1e-12)]);
/** `x / max(‖x‖₂, eps)` over rows of `size` (F.normalize): a zero row stays zero. */
export function l2Normalize(x: NumberArray, options?: L2NormalizeOptions): Float32Array {
  return run('op', l2Args(x, options));
}
/** {@link l2Normalize} off the calling thread. */
export function l2NormalizeAsync(x: NumberArray, options?: L2NormalizeOptions): Promise<Float32Array> {
  return runAsync('op', l2Args(x, options));
}
