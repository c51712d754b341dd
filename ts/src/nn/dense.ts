/**
 * Dense kernels on tensors (`{ data: Float32Array, shape }`, row-major): `matmul` (the `gemm`
 * crate: packed SIMD micro-kernels, AVX-512/AVX2+FMA/simd128, threads) and
 * `scaledDotProductAttention`. Kernels: crates/core/src/nn/matmul/mod.rs and
 * nn/layers/attention.rs.
 */
import { run, runAsync } from '../backends/call.js';
import { booleanOption, choice, numberOption, toFloats } from '../arguments.js';
import type { Tensor } from '../io/safetensors.js';
import { type MaskLike, type TensorLike, asTensor, toMask } from './tensors.js';

export type Activation = 'none' | 'relu' | 'sigmoid' | 'tanh';

export interface MatmulOptions {
  /** Use aᵀ: `a` is stored `[k, m]`. */
  transA?: boolean;
  /** Use bᵀ: `b` is stored `[n, k]` (PyTorch's Linear weight layout). */
  transB?: boolean;
  /** Added to every output row (`n` values). */
  bias?: ArrayLike<number>;
  /** Applied to the output; default `'none'`. */
  activation?: Activation;
}

type MatmulArgs = [Float32Array, Float32Array, Uint32Array, Float32Array | undefined, string];

function matmulArgs(a: TensorLike, b: TensorLike, options: MatmulOptions): { args: MatmulArgs; shape: number[] } {
  const ta = asTensor('a', a);
  const tb = asTensor('b', b);
  const transA = booleanOption('transA', options.transA, false);
  const transB = booleanOption('transB', options.transB, false);
  if (tb.shape.length !== 2) throw new RangeError(`b: must be 2-D, got shape [${tb.shape}]`);
  if (ta.shape.length < 2 || (transA && ta.shape.length !== 2)) {
    throw new RangeError(`a: must be 2-D (or [..., k] without transA), got shape [${ta.shape}]`);
  }
  // Leading dimensions of `a` fold into m, as in torch.matmul with a 2-D right operand.
  const lead = ta.shape.slice(0, -1);
  const [m, k] = transA ? [ta.shape[1], ta.shape[0]] : [lead.reduce((x: number, y: number) => x * y, 1), ta.shape.at(-1)!];
  const [kb, n] = transB ? [tb.shape[1], tb.shape[0]] : [tb.shape[0], tb.shape[1]];
  if (kb !== k) throw new RangeError(`b: has ${kb} rows (after transB), expected k = ${k} (a's columns)`);
  const bias = options.bias === undefined ? undefined : (toFloats('bias', options.bias, true, false) as Float32Array);
  const activation = choice('activation', options.activation, ['none', 'relu', 'sigmoid', 'tanh'], 'none');
  // The kernel takes 32-bit dimensions: a larger one is refused here rather than truncated.
  for (const [name, d] of [['a', m], ['a', k], ['b', n]] as const) {
    if (d > 0xffffffff) throw new RangeError(`${name}: has a dimension of ${d}; matmul takes dimensions below 2^32`);
  }
  const dims = new Uint32Array([m, k, n, +transA, +transB]);
  return { args: [ta.data, tb.data, dims, bias, activation], shape: transA ? [m, n] : [...lead, n] };
}

/**
 * `op(a)·op(b) + bias`, then `activation`, in f32. `a` is `[m, k]`, or `[..., k]` (leading
 * dimensions batch, as `x·Wᵀ` over a `[B, T, E]` input); `b` is `[k, n]`. Checks shapes and
 * NaN; returns a new tensor.
 */
export function matmul(a: TensorLike, b: TensorLike, options: MatmulOptions = {}): Tensor {
  const { args, shape } = matmulArgs(a, b, options);
  return { data: run('matmul', args), shape };
}

/** {@link matmul} off the calling thread. */
export async function matmulAsync(a: TensorLike, b: TensorLike, options: MatmulOptions = {}): Promise<Tensor> {
  const { args, shape } = matmulArgs(a, b, options);
  return { data: await runAsync('matmul', args), shape };
}

export interface AttentionOptions {
  /**
   * `[T, S]` or `[..., T, S]`: booleans (`Uint8Array`, `boolean[]`; true = masked, as PyTorch)
   * or additive floats (`Float32Array`, `number[]`; −Infinity = masked).
   */
  mask?: MaskLike;
  /** Mask every key after its query (key index > query index). */
  causal?: boolean;
  /** Default 1/√d. */
  scale?: number;
}

type AttentionArgs = [Float32Array[], Uint32Array[], boolean, number];

function attentionArgs(q: TensorLike, k: TensorLike, v: TensorLike, options: AttentionOptions): { args: AttentionArgs; shape: number[] } {
  const ts = [asTensor('q', q), asTensor('k', k), asTensor('v', v)];
  if (options.mask !== undefined) ts.push(toMask('mask', options.mask));
  const scale = options.scale === undefined ? NaN : numberOption('scale', options.scale, NaN);
  if (options.scale !== undefined && !(scale > 0 && Number.isFinite(scale))) throw new RangeError(`scale: must be a positive number, got ${options.scale}`);
  const causal = booleanOption('causal', options.causal, false);
  const shape = [...ts[0].shape.slice(0, -1), ts[2].shape.at(-1) ?? 0];
  return { args: [ts.map((t) => t.data), ts.map((t) => new Uint32Array(t.shape)), causal, scale], shape };
}

/**
 * `softmax(q·kᵀ·scale + mask)·v` over the last two dimensions: q `[..., T, d]`, k `[..., S, d]`,
 * v `[..., S, d]` (equal leading dimensions, e.g. `[B, H]`). A query whose keys are all masked
 * gets output 0 (PyTorch returns NaN there). Returns `[..., T, d]`.
 */
export function scaledDotProductAttention(q: TensorLike, k: TensorLike, v: TensorLike, options: AttentionOptions = {}): Tensor {
  const { args, shape } = attentionArgs(q, k, v, options);
  return { data: run('attention', args), shape };
}

/** {@link scaledDotProductAttention} off the calling thread. */
export async function scaledDotProductAttentionAsync(q: TensorLike, k: TensorLike, v: TensorLike, options: AttentionOptions = {}): Promise<Tensor> {
  const { args, shape } = attentionArgs(q, k, v, options);
  return { data: await runAsync('attention', args), shape };
}
