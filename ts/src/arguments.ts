/**
 * Argument checks and conversions done in JavaScript before a kernel is called: types,
 * lengths, label values of non-byte arrays, options. Value checks over large typed arrays
 * (NaN scores, 0/1 bytes, weights) run inside the Rust core, in one vectorised pass, and come
 * back as errors naming the argument.
 *
 * Apache Arrow JS columns (`Vector`s, e.g. `table.getChild('score')`) are accepted wherever an
 * array is: they are recognised by their shape (`data` chunks, `type.typeId`, `nullCount`), so
 * apache-arrow is not imported. See {@link fromArrow}.
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
  if (isArrowVector(labels)) labels = fromArrow('labels', labels, 'labels');
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
  if (isArrowVector(xs)) xs = fromArrow(name, xs, 'numbers');
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
  if (isArrowVector(xs)) xs = fromArrow(name, xs, booleans ? 'labels' : 'numbers');
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
  if (isArrowVector(groups)) {
    sameLength('groups', groups.length, length);
    if (groups.type.typeId === ARROW.Dictionary) {
      noNulls('groups', groups);
      return dictionaryGroups(groups);
    }
    groups = fromArrow('groups', groups, 'groups');
  }
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
    checkGroupId(id, i, groups[0]);
    let key = ids.get(id);
    if (key === undefined) {
      key = names.length;
      ids.set(id, key);
      names.push(id);
    }
    keys[i] = key;
  }
  return numbered(keys, ids, names);
}

/** A group id must be a number (not NaN), a string or a bigint, of the same type as groups[0]. */
function checkGroupId(id: unknown, i: number, first: unknown): void {
  if (typeof id !== 'string' && typeof id !== 'number' && typeof id !== 'bigint') {
    throw new TypeError(`groups[${i}] is ${describe(id)}; group ids are numbers, strings or bigints`);
  }
  if (typeof id === 'number' && Number.isNaN(id)) throw new RangeError(`groups: groups[${i}] is NaN`);
  // One type per array: 1, '1' and 1n are different Map keys, so mixing them would silently
  // split one user into several groups.
  if (typeof id !== typeof first) {
    throw new TypeError(`groups: groups[${i}] is a ${typeof id} (${typeof id === 'string' ? JSON.stringify(id) : String(id)}) but groups[0] is a ${typeof first}; use one type for every group id`);
  }
}

/** Keys numbered in order of first appearance: `names[key]` is the caller's id, `ids` the reverse. */
function numbered(keys: Uint32Array, ids: Map<unknown, number>, names: unknown[]): GroupKeys {
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

// ---- Apache Arrow JS columns -------------------------------------------------------------

/** Arrow's `Type` enum values that reckit reads (apache-arrow `enum.ts`). */
export const ARROW = { Null: 1, Int: 2, Float: 3, Utf8: 5, Bool: 6, LargeUtf8: 20, Utf8View: 24, Dictionary: -1 } as const;

/** The parts of an Arrow `DataType` that reckit reads. */
export interface ArrowType {
  typeId: number;
  /** Int: 8, 16, 32 or 64. */
  bitWidth?: number;
  /** Float: 0 half, 1 single, 2 double. */
  precision?: number;
  /** The typed array class of the values (Int, Float) or of a dictionary's indices. */
  ArrayType?: new (n: number) => ArrayLike<number | bigint>;
  toString(): string;
}

/** One chunk of an Arrow column: apache-arrow's `Data`. */
export interface ArrowData {
  type: ArrowType;
  /** Offset of the chunk's first value into `nullBitmap` (bits) and, for booleans, `values` (bits). */
  offset: number;
  length: number;
  nullCount: number;
  nullBitmap?: Uint8Array;
  /** Fixed-width values (already sliced to the chunk's offset, except booleans) or dictionary indices. */
  values?: ArrayLike<number | bigint> & ArrayBufferView & { subarray(begin: number, end: number): ArrayLike<number | bigint> & ArrayBufferView };
  /** A dictionary column's values (a Vector). */
  dictionary?: ArrowVector;
}

/** An Apache Arrow JS `Vector` (a column): chunks of `Data` of one type. */
export interface ArrowVector {
  type: ArrowType;
  data: ArrowData[];
  length: number;
  nullCount: number;
  get(index: number): unknown;
  [Symbol.iterator](): Iterator<unknown>;
}

/** Whether `x` is an Apache Arrow JS `Vector`, by its shape. */
export function isArrowVector(x: unknown): x is ArrowVector {
  if (typeof x !== 'object' || x === null || isArrayLike(x)) return false;
  const v = x as Partial<ArrowVector>;
  return Array.isArray(v.data) && typeof v.type?.typeId === 'number' && typeof v.nullCount === 'number' && typeof v.length === 'number';
}

/** The index of the first null of an Arrow column, or -1. */
export function firstNull(v: { data: ArrowData[] }): number {
  let at = 0;
  for (const d of v.data) {
    if (d.nullCount > 0) {
      const bits = d.nullBitmap;
      if (!bits || bits.length === 0) return at; // the Null type: every value is null
      for (let i = 0; i < d.length; i++) {
        const b = d.offset + i;
        if ((bits[b >> 3] & (1 << (b & 7))) === 0) return at + i;
      }
    }
    at += d.length;
  }
  return -1;
}

function noNulls(name: string, v: ArrowVector): void {
  if (v.nullCount === 0) return;
  const n = v.nullCount;
  throw new TypeError(`${name}[${firstNull(v)}] is null (the Arrow column has ${n} null${n === 1 ? '' : 's'}); ${name} cannot hold nulls`);
}

type Fixed = ArrayLike<number | bigint> & ArrayBufferView;

/** A fixed-width column's values as one typed array: a view of the chunk (no copy) when there is one chunk. */
function fixedValues(v: ArrowVector): Fixed {
  const chunks = v.data.map((d) => (d.values!.length === d.length ? d.values! : d.values!.subarray(0, d.length)));
  if (chunks.length === 1) return chunks[0];
  const Ctor = (chunks[0]?.constructor ?? v.type.ArrayType ?? Float64Array) as new (n: number) => Fixed & { set(a: Fixed, at: number): void };
  const out = new Ctor(v.length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The first `n` 64-bit integers as f64, read as two 32-bit halves, hi·2³² + lo: both terms are
 * exact and the one addition rounds, so each equals Number(bigint), without allocating a bigint
 * per value (which made a 1e7-row Int64 column take seconds).
 */
export function bigIntsToNumbers(values: BigInt64Array | BigUint64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  if (values instanceof BigInt64Array) for (let i = 0; i < n; i++) out[i] = words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0);
  else for (let i = 0; i < n; i++) out[i] = (words[2 * i + 1] >>> 0) * 4294967296 + (words[2 * i] >>> 0);
  return out;
}

/** A half-precision float (IEEE 754 binary16) as a number. */
function half(h: number): number {
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** A boolean column as bytes 0/1 (Arrow packs booleans in bits, so this is a copy). */
function boolBytes(v: ArrowVector): Uint8Array {
  const out = new Uint8Array(v.length);
  let at = 0;
  for (const d of v.data) {
    const bits = d.values as unknown as Uint8Array;
    for (let i = 0; i < d.length; i++) {
      const b = d.offset + i;
      out[at + i] = (bits[b >> 3] >> (b & 7)) & 1;
    }
    at += d.length;
  }
  return out;
}

/**
 * An Arrow column as the array the other conversions take: `labels` (numbers or booleans),
 * `numbers` (scores, weights) or `groups` (ids). Nulls are a TypeError naming the first one.
 *
 * - Int and Float columns of one chunk give their values array itself (Float32 and Float64
 *   scores, Uint8 labels and Int32/Uint32 group ids then reach the core without any copy);
 *   several chunks are joined into one array of the same type (one copy). 64-bit integers
 *   become numbers (f64) except as group ids, which stay bigints; half floats become f32.
 * - Bool columns become bytes 0/1, where booleans are accepted (labels, loss targets).
 * - Dictionary columns: as group ids, numbered through the dictionary (see `toGroups`); as
 *   numbers, each index looked up in the dictionary.
 * - Utf8 columns (and LargeUtf8, Utf8View) are strings: group ids only.
 */
export function fromArrow(name: string, v: ArrowVector, use: 'labels' | 'numbers' | 'groups'): ArrayLike<unknown> {
  noNulls(name, v);
  const t = v.type;
  switch (t.typeId) {
    case ARROW.Int: {
      const values = fixedValues(v);
      if (use === 'groups' || !(values instanceof BigInt64Array || values instanceof BigUint64Array)) return values;
      return bigIntsToNumbers(values, values.length);
    }
    case ARROW.Float: {
      const values = fixedValues(v);
      return t.precision === 0 ? Float32Array.from(values as Uint16Array, half) : values;
    }
    case ARROW.Bool:
      if (use === 'labels') return boolBytes(v);
      break;
    case ARROW.Dictionary: {
      if (use === 'groups') break; // toGroups numbers dictionary columns itself
      const out = new Float64Array(v.length);
      let at = 0;
      for (const d of v.data) {
        const dictionary = d.dictionary!;
        if (dictionary.type.typeId !== ARROW.Int && dictionary.type.typeId !== ARROW.Float) break;
        const values = fromArrow(`${name}'s dictionary`, dictionary, 'numbers') as ArrayLike<number>;
        const indices = d.values!;
        for (let i = 0; i < d.length; i++) out[at + i] = values[Number(indices[i])];
        at += d.length;
      }
      if (at === v.length) return out;
      break;
    }
    case ARROW.Utf8:
    case ARROW.LargeUtf8:
    case ARROW.Utf8View:
      if (use === 'groups') return Array.from(v as Iterable<unknown>);
      break;
  }
  const accepted = use === 'groups' ? 'integer, string or dictionary' : use === 'labels' ? 'numeric or boolean' : 'numeric';
  throw new TypeError(`${name} is an Arrow ${String(t)} column; ${name} must be a${accepted.startsWith('i') ? 'n' : ''} ${accepted} column`);
}

/**
 * Group keys of a dictionary column, numbered in order of first appearance as for an array of
 * its values: each distinct index is looked up once per chunk, every row is one typed-array
 * lookup. Chunks may have different dictionaries; equal values share a key.
 */
function dictionaryGroups(v: ArrowVector): GroupKeys {
  const ids = new Map<unknown, number>();
  const names: unknown[] = [];
  const keys = new Uint32Array(v.length);
  let first: unknown;
  let at = 0;
  for (const d of v.data) {
    const dictionary = d.dictionary!;
    const known = new Int32Array(dictionary.length).fill(-1);
    const indices = d.values!;
    for (let i = 0; i < d.length; i++) {
      const index = Number(indices[i]);
      let key = known[index];
      if (!(key >= 0)) {
        const id = dictionary.get(index);
        if (at + i === 0) first = id;
        checkGroupId(id, at + i, first);
        key = ids.get(id) ?? -1;
        if (key < 0) {
          key = names.length;
          ids.set(id, key);
          names.push(id);
        }
        known[index] = key;
      }
      keys[at + i] = key;
    }
    at += d.length;
  }
  return numbered(keys, ids, names);
}
