/**
 * Tensor arguments of the dense kernels and layers, checked and converted: data to
 * Float32Array (other arrays are rounded to f32), boolean masks to additive −∞ masks, ids and
 * lengths to Int32Array. Errors are RangeError/TypeError naming the argument.
 */
import type { Tensor } from '../io/safetensors.js';
import { describe, isArrayLike } from '../arguments.js';

/** A tensor whose data may be any numeric array (converted to f32). */
export interface TensorLike {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/** A mask: booleans (`Uint8Array`, `boolean[]`; true = masked) or additive floats (−Infinity = masked). */
export type MaskLike = { data: ArrayLike<number> | ArrayLike<boolean>; shape: readonly number[] } | ArrayLike<number> | ArrayLike<boolean>;

function checkShape(name: string, shape: unknown, length: number): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`${name}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size !== length) throw new RangeError(`${name}: shape [${shape}] needs ${size} values, data has ${length}`);
  return [...shape];
}

/**
 * `x` as a Tensor with Float32Array data. A bare array is accepted when `shape` (the expected
 * shape) is given.
 */
export function asTensor(name: string, x: unknown, shape?: readonly number[]): Tensor {
  const t = x as Partial<TensorLike> | null;
  if (t && typeof t === 'object' && 'data' in t && isArrayLike(t.data)) {
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
    return { data, shape: checkShape(name, t.shape, data.length) };
  }
  if (shape !== undefined && isArrayLike(x)) {
    const data = x instanceof Float32Array ? x : Float32Array.from(x as ArrayLike<number>);
    return { data, shape: checkShape(name, [...shape], data.length) };
  }
  throw new TypeError(`${name}: expected a tensor { data, shape }, got ${describe(x)}`);
}

/**
 * A mask as an additive float tensor: booleans (true = masked) become −Infinity/0, floats pass
 * through. A bare array takes `shape`.
 */
export function toMask(name: string, m: MaskLike, shape?: readonly number[]): Tensor {
  const isTensor = typeof m === 'object' && m !== null && 'data' in m && !ArrayBuffer.isView(m);
  const data = (isTensor ? (m as { data: unknown }).data : m) as ArrayLike<number> | ArrayLike<boolean>;
  const dims = isTensor ? (m as { shape: readonly number[] }).shape : shape;
  if (!isArrayLike(data) || dims === undefined) throw new TypeError(`${name}: expected a mask { data, shape }, got ${describe(m)}`);
  const boolean = data instanceof Uint8Array || (data.length > 0 && typeof data[0] === 'boolean');
  const out = new Float32Array(data.length);
  if (boolean) {
    for (let i = 0; i < data.length; i++) out[i] = data[i] ? -Infinity : 0;
  } else {
    out.set(data as ArrayLike<number>);
  }
  return { data: out, shape: checkShape(name, [...dims], out.length) };
}

/** Integers (ids, lengths, shapes) as an Int32Array. */
export function toInts(name: string, xs: unknown): Int32Array {
  if (!isArrayLike(xs)) throw new TypeError(`${name}: expected an array of integers, got ${describe(xs)}`);
  if (xs instanceof Int32Array) return xs;
  const out = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = Number(xs[i]);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new RangeError(`${name}: [${i}] is ${String(xs[i])}, expected an integer`);
    out[i] = v;
  }
  return out;
}
