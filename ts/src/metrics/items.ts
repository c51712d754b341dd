/**
 * Item ids and item tables for the beyond-accuracy metrics (beyond.ts): the lists flattened to
 * CSR, and every id (lists, catalog, popularity, categories, embeddings) turned into one u32 key
 * space the core joins on. Integer ids in 0 … 2³² − 1 are their own keys, so `Uint32Array`
 * lists and tables reach the core without a pass in JavaScript; other ids (strings, negative
 * integers, bigints) are numbered in order of first appearance, as `toGroups` numbers groups.
 */
import { describe, isArrayLike } from '../arguments.js';

/** An item id: an integer, a string or a bigint, one type for every id of a call. */
export type ItemId = number | string | bigint;

/** Top-K lists: `{ data, shape: [users, K] }` (data row-major), or an array of lists whose lengths may differ. */
export type ItemLists = { data: ArrayLike<ItemId>; shape: readonly number[] } | ArrayLike<ArrayLike<ItemId>>;

/** A table of one value per item: a `Map`, a plain object (keys are strings), or parallel arrays. */
export type ItemTable<V, Key extends string> = Map<ItemId, V> | Record<string, V> | ({ items: ArrayLike<ItemId> } & Record<Key, ArrayLike<V>>);

/** Ids of one source, and how to name its element i in an error. */
export interface Source {
  name: string;
  ids: ArrayLike<unknown>;
  at: (i: number) => string;
}

export interface FlatLists extends Source {
  offsets: Uint32Array;
}

const UNSIGNED = [Uint8Array, Uint16Array, Uint32Array];
const isUnsigned = (x: unknown) => UNSIGNED.some((C) => x instanceof C);

/** The lists as CSR: their ids end to end, and `offsets` (users + 1) where each begins. */
export function flattenLists(lists: unknown): FlatLists {
  if (lists !== null && typeof lists === 'object' && !isArrayLike(lists) && 'data' in lists) {
    const { data, shape } = lists as { data: unknown; shape?: unknown };
    if (!isArrayLike(data)) throw new TypeError(`lists.data must be an array or a typed array, got ${describe(data)}`);
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new TypeError(`lists.shape must be [users, K], got ${Array.isArray(shape) ? `[${shape}]` : describe(shape)}`);
    }
    const [users, k] = shape as number[];
    if (users * k !== data.length) throw new RangeError(`lists: shape [${users}, ${k}] needs ${users * k} ids, data has ${data.length}`);
    if (users === 0) throw new RangeError('lists: is empty (no users)');
    return { name: 'lists', ids: data, offsets: Uint32Array.from({ length: users + 1 }, (_, u) => u * k), at: (i) => `lists.data[${i}]` };
  }
  if (!Array.isArray(lists)) {
    throw new TypeError(`lists must be an array of lists (arrays of item ids) or { data, shape: [users, K] }, got ${describe(lists)}`);
  }
  if (lists.length === 0) throw new RangeError('lists: is empty (no users)');
  const offsets = new Uint32Array(lists.length + 1);
  let typed = true;
  lists.forEach((list: unknown, u) => {
    if (!isArrayLike(list)) throw new TypeError(`lists[${u}] must be a list of item ids (an array), got ${describe(list)}`);
    typed &&= isUnsigned(list);
    offsets[u + 1] = offsets[u] + list.length;
  });
  const ids = typed ? new Uint32Array(offsets[lists.length]) : new Array<unknown>(offsets[lists.length]);
  lists.forEach((list: ArrayLike<unknown>, u) => {
    if (ids instanceof Uint32Array) ids.set(list as Uint32Array, offsets[u]);
    else for (let j = 0; j < list.length; j++) ids[offsets[u] + j] = list[j];
  });
  const at = (i: number) => {
    let u = 0;
    while (offsets[u + 1] <= i) u++;
    return `lists[${u}][${i - offsets[u]}]`;
  };
  return { name: 'lists', ids, offsets, at };
}

/** The type every id of the call must have: the lists' first id's, else the first table id's. */
export function idType(sources: readonly { ids: ArrayLike<unknown> }[]): 'number' | 'string' | 'bigint' {
  for (const s of sources) {
    if (s.ids.length > 0) {
      const t = typeof s.ids[0];
      return t === 'string' || t === 'bigint' ? t : 'number';
    }
  }
  return 'number';
}

/** The u32 keys of every source, and the caller's id of a key (for error messages). */
export function itemKeys(sources: readonly Source[]): { keys: Uint32Array[]; nameOf: (key: number) => unknown } {
  const type = idType(sources);
  let direct = type === 'number';
  for (const s of sources) {
    if (isUnsigned(s.ids)) continue;
    for (let i = 0; i < s.ids.length; i++) {
      const id = s.ids[i];
      if (typeof id !== type) {
        const what = typeof id === 'number' || typeof id === 'string' || typeof id === 'bigint' ? `a ${typeof id} (${String(id)})` : describe(id);
        throw new TypeError(`${s.name}: ${s.at(i)} is ${what} but item ids here are ${type}s; use one type for every item id`);
      }
      if (type === 'number') {
        if (!Number.isInteger(id)) throw new RangeError(`${s.name}: ${s.at(i)} is ${String(id)}; item ids are integers, strings or bigints`);
        if ((id as number) < 0 || (id as number) > 0xffffffff) direct = false;
      }
    }
  }
  if (direct) {
    const keys = sources.map((s) => (s.ids instanceof Uint32Array ? s.ids : Uint32Array.from(s.ids as ArrayLike<number>)));
    return { keys, nameOf: (key) => key };
  }
  const numbers = new Map<unknown, number>();
  const names: unknown[] = [];
  const keys = sources.map((s) => {
    const out = new Uint32Array(s.ids.length);
    for (let i = 0; i < s.ids.length; i++) {
      const id = s.ids[i];
      let key = numbers.get(id);
      if (key === undefined) {
        key = names.length;
        numbers.set(id, key);
        names.push(id);
      }
      out[i] = key;
    }
    return out;
  });
  return { keys, nameOf: (key) => names[key] };
}

/** A table's ids and values in parallel; a plain object's string keys read as ids of `type`. */
export function tableEntries<V>(name: string, table: unknown, column: string, type: 'number' | 'string' | 'bigint'): { source: Source; values: ArrayLike<V> } {
  if (table instanceof Map) {
    const ids = [...table.keys()];
    return { source: { name, ids, at: (i) => `the key ${String(ids[i])}` }, values: [...table.values()] };
  }
  if (table === null || typeof table !== 'object' || isArrayLike(table)) {
    throw new TypeError(`${name} must be a Map, an object of item id → ${column.replace(/s$/, '')}, or { items, ${column} }, got ${describe(table)}`);
  }
  const t = table as Record<string, unknown>;
  if (isArrayLike(t.items)) {
    const values = t[column];
    if (!isArrayLike(values)) throw new TypeError(`${name}.${column} must be an array with one entry per item, got ${describe(values)}`);
    if (values.length !== t.items.length) throw new RangeError(`${name}: ${column} has length ${values.length}, expected ${t.items.length} (the length of ${name}.items)`);
    return { source: { name, ids: t.items, at: (i) => `${name}.items[${i}]` }, values: values as ArrayLike<V> };
  }
  const keys = Object.keys(t);
  const ids = keys.map((k) => (type === 'number' && /^-?\d+$/.test(k) ? Number(k) : type === 'bigint' && /^-?\d+$/.test(k) ? BigInt(k) : k));
  return { source: { name, ids, at: (i) => `the key ${JSON.stringify(keys[i])}` }, values: keys.map((k) => t[k] as V) };
}
