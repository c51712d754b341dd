/**
 * Argument checks and conversions done in JavaScript before a kernel is called: types,
 * lengths, label values of non-byte arrays, options. Value checks over large typed arrays
 * (NaN scores, 0/1 bytes, weights) run inside the Rust core, in one vectorised pass, and come
 * back as errors naming the argument.
 */
import type { Scores } from './backends/types.js';

export type Labels = ArrayLike<number> | ArrayLike<boolean>;
export type NumberArray = ArrayLike<number>;
export type GroupIds = ArrayLike<number> | ArrayLike<string> | BigInt64Array | BigUint64Array;

export function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

function need(name: string, x: unknown): asserts x is ArrayLike<unknown> {
  if (!isArrayLike(x)) throw new TypeError(`${name} must be an array or a typed array, got ${describe(x)}`);
}

/** How an unexpected value reads in an error message. */
export function describe(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x === 'object' ? (x as object).constructor?.name ?? 'an object' : typeof x;
}

/** Labels as bytes 0/1. A Uint8Array is passed through (the core checks its values). */
export function toLabels(labels: unknown): Uint8Array {
  need('labels', labels);
  if (labels.length === 0) throw new RangeError('labels is empty');
  if (labels instanceof Uint8Array) return labels;
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === 1 || v === true) out[i] = 1;
    else if (v !== 0 && v !== false) throw new RangeError(`labels: labels[${i}] is ${String(v)}; labels must be 0 or 1 (or booleans)`);
  }
  return out;
}

/** Scores keep their precision: Float32Array and Float64Array pass through, the rest become f64. */
export function toScores(scores: unknown, length: number, name = 'scores'): Scores {
  return toNumbers(name, scores, length, true);
}

/** An optional number option: a number (not NaN) or undefined for the default. */
export function numberOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (Number.isNaN(value)) throw new RangeError(`${name}: is NaN`);
  return value;
}

/** An optional boolean option, or the default. */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** One of the allowed strings, or the default. */
export function choice<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new RangeError(`${name}: is ${JSON.stringify(value)}; expected ${allowed.map((a) => `'${a}'`).join(' or ')}`);
  }
  return value as T;
}

export function toWeights(name: string, weights: unknown, length: number): Float64Array {
  return toNumbers(name, weights, length, false) as Float64Array;
}

function toNumbers(name: string, xs: unknown, length: number, keepF32: boolean): Scores {
  need(name, xs);
  sameLength(name, xs.length, length);
  if (keepF32 && xs instanceof Float32Array) return xs;
  return toFloats(name, xs, false, false);
}

/**
 * `xs` as a Float32Array (`f32`) or Float64Array, passed through when it already is one;
 * elements must be numbers (or, with `booleans`, booleans, read as 1/0).
 */
export function toFloats(name: string, xs: unknown, f32: boolean, booleans: boolean): Scores {
  need(name, xs);
  if (f32 ? xs instanceof Float32Array : xs instanceof Float64Array) return xs as Scores;
  if (xs instanceof BigInt64Array || xs instanceof BigUint64Array) throw new TypeError(`${name} must hold numbers, not bigints`);
  const out = f32 ? new Float32Array(xs.length) : new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v === 'number') out[i] = v;
    else if (booleans && typeof v === 'boolean') out[i] = v ? 1 : 0;
    else throw new TypeError(`${name}[${i}] is ${describe(v)}, not a number`);
  }
  return out;
}

export function sameLength(name: string, actual: number, expected: number): void {
  if (actual !== expected) throw new RangeError(`${name}: has length ${actual}, expected ${expected} (the length of labels)`);
}

/**
 * Group ids as u32 keys for the core. Integer typed arrays map bit-for-bit (same ids, same
 * groups, no pass over the data for Int32/Uint32); anything else (strings, number[] with
 * arbitrary values, bigints) is numbered in order of first appearance. `names[k]` gives the
 * caller's id of key `k` when ids were numbered (for error messages and weights).
 */
export interface GroupKeys {
  keys: Uint32Array;
  /** The key of a caller's group id, or undefined if the id does not occur. */
  keyOf(id: unknown): number | undefined;
  /** The caller's id for a key. */
  nameOf(key: number): unknown;
}

export function toGroups(groups: unknown, length: number): GroupKeys {
  need('groups', groups);
  sameLength('groups', groups.length, length);
  if (groups instanceof Uint32Array || groups instanceof Int32Array || groups instanceof Uint16Array ||
      groups instanceof Int16Array || groups instanceof Uint8Array || groups instanceof Int8Array) {
    const keys = groups instanceof Uint32Array ? groups
      : groups instanceof Int32Array ? new Uint32Array(groups.buffer, groups.byteOffset, groups.length)
      : Uint32Array.from(groups, (v) => v >>> 0);
    const signed = groups instanceof Int32Array || groups instanceof Int16Array || groups instanceof Int8Array;
    return {
      keys,
      keyOf: (id) => (typeof id === 'number' && Number.isInteger(id) ? id >>> 0 : typeof id === 'string' && /^-?\d+$/.test(id) ? Number(id) >>> 0 : undefined),
      nameOf: (key) => (signed ? key | 0 : key),
    };
  }
  const ids = new Map<unknown, number>();
  const names: unknown[] = [];
  const keys = new Uint32Array(groups.length);
  for (let i = 0; i < groups.length; i++) {
    const id = groups[i];
    if (typeof id !== 'string' && typeof id !== 'number' && typeof id !== 'bigint') {
      throw new TypeError(`groups[${i}] is ${describe(id)}; group ids are numbers, strings or bigints`);
    }
    if (typeof id === 'number' && Number.isNaN(id)) throw new RangeError(`groups: groups[${i}] is NaN`);
    // One type per array: 1, '1' and 1n are different Map keys, so mixing them would silently
    // split one user into several groups.
    if (typeof id !== typeof groups[0]) {
      throw new TypeError(`groups: groups[${i}] is a ${typeof id} (${typeof id === 'string' ? JSON.stringify(id) : String(id)}) but groups[0] is a ${typeof groups[0]}; use one type for every group id`);
    }
    let key = ids.get(id);
    if (key === undefined) {
      key = names.length;
      ids.set(id, key);
      names.push(id);
    }
    keys[i] = key;
  }
  const numeric = names.length > 0 && typeof names[0] !== 'string';
  return {
    keys,
    // Weights given as a plain object have string keys: match them to numeric ids too.
    keyOf: (id) => ids.get(id) ?? (numeric && typeof id === 'string' ? ids.get(typeof names[0] === 'bigint' ? BigInt(id) : Number(id)) : undefined),
    nameOf: (key) => names[key],
  };
}

/** Explicit group weights (a Map or a plain object: id → weight) as (keys, values) arrays. */
export function toGroupWeights(weights: unknown, groups: GroupKeys): { keys: Uint32Array; values: Float64Array } {
  const entries: [unknown, unknown][] =
    weights instanceof Map ? [...weights.entries()]
    : weights !== null && typeof weights === 'object' && !isArrayLike(weights) ? Object.entries(weights)
    : (() => { throw new TypeError(`groupWeights must be a Map or an object of group id → weight, got ${describe(weights)}`); })();
  const keys: number[] = [];
  const values: number[] = [];
  for (const [id, w] of entries) {
    if (typeof w !== 'number') throw new TypeError(`groupWeights: the weight of group ${String(id)} is ${describe(w)}, not a number`);
    const key = groups.keyOf(id);
    if (key === undefined) continue; // a weight for a group that does not occur
    keys.push(key);
    values.push(w);
  }
  return { keys: Uint32Array.from(keys), values: Float64Array.from(values) };
}
