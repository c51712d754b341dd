import { run } from '../backends/call.js';
import { describe, toFloats, type NumberArray } from '../arguments.js';

/** A dense f32 tensor: row-major data and its shape. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/**
 * A tensor of `data` (row-major) with `shape`. A Float32Array is used as is (not copied); any
 * other array of numbers is rounded to a new Float32Array. Every value is allowed (NaN
 * included: the layers check their inputs). `shape` is copied; `[]` is a scalar (one value).
 */
export function tensor(data: NumberArray, shape: readonly number[]): Tensor {
  if (!Array.isArray(shape)) throw new TypeError(`shape must be an array of non-negative integers, got ${describe(shape)}`);
  const bad = shape.findIndex((d) => !(Number.isInteger(d) && d >= 0));
  if (bad >= 0) throw new RangeError(`shape: shape[${bad}] is ${String(shape[bad])}; dimensions must be non-negative integers`);
  const values = toFloats('data', data, true, false) as Float32Array;
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) {
    throw new RangeError(`data: has length ${values.length}, expected ${size} (the product of shape [${shape.join(', ')}])`);
  }
  return { data: values, shape: [...shape] };
}

interface SafetensorsIndex {
  tensors: { name: string; dtype: string; shape: number[]; offset: number }[];
  metadata?: Record<string, string>;
}

/**
 * The tensors of a safetensors file (huggingface/safetensors), by name, in the order of their
 * data in the file. Every dtype (F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8,
 * BOOL) is converted to f32: F16 and BF16 exactly, F64 and 64-bit integers rounded. The
 * tensors' data are views of one Float32Array. The file is untrusted: any malformed file
 * (truncated, bad JSON, a key given twice, an unknown dtype, a shape that does not match its
 * byte range, overlapping or non-contiguous offsets, …) throws a RangeError `bytes: …`.
 * The parse runs in the Rust core, in time linear in the file's size.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Map<string, Tensor> {
  return readSafetensors(bytes).tensors;
}

/** The tensors and the `__metadata__` strings of a safetensors file (see {@link loadSafetensors}). */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const [index, data] = run('readSafetensors', [toBytes(bytes)]);
  const { tensors, metadata } = JSON.parse(index) as SafetensorsIndex;
  const out = new Map<string, Tensor>();
  for (const { name, shape, offset } of tensors) {
    out.set(name, { data: data.subarray(offset, offset + shape.reduce((a, b) => a * b, 1)), shape });
  }
  return { tensors: out, metadata: metadata ?? {} };
}

function toBytes(bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && bytes instanceof SharedArrayBuffer)) {
    return new Uint8Array(bytes);
  }
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError(`bytes must be a Uint8Array or an ArrayBuffer, got ${describe(bytes)}`);
}
