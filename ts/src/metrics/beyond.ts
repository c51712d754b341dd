/**
 * Beyond-accuracy metrics of top-K recommendation lists: catalog coverage, novelty, average
 * recommendation popularity, intra-list diversity and the Gini coefficient of item exposure.
 * Definitions in full on the Rust kernel (crates/core/src/metrics/beyond.rs) and in
 * docs/conventions.md; item ids and tables in items.ts.
 */
import type { Kernels, Scores } from '../backends/kernels.js';
import { run, runAsync } from '../backends/call.js';
import { choice, describe, isArrayLike, NumberArray, numberOption } from '../arguments.js';
import { flattenLists, idType, ItemId, ItemLists, itemKeys, ItemTable, Source, tableEntries } from './items.js';

export type { ItemId, ItemLists, ItemTable } from './items.js';

/** A category id, or several for an item in more than one category. */
export type Category = number | string;

export interface BeyondAccuracyOptions {
  /** The number of items in the catalog (coverage's denominator; the Gini's never-recommended items count 0). */
  catalogSize?: number;
  /** The catalog's items (repeats count once); every recommended item must be one. */
  catalog?: ArrayLike<ItemId>;
  /**
   * Training popularity k_i of each item: how many training users interacted with it (a `Map`,
   * an object id → count, or `{ items, counts }`). Every recommended item needs one. Gives ARP,
   * and novelty with `users`; without `catalog`/`catalogSize`, its items are the catalog.
   */
  popularity?: ItemTable<number, 'counts'>;
  /** M, the number of training users: novelty's pop(i) = k_i / M (so counts are ≤ M). */
  users?: number;
  /** Each item's category, or categories (a `Map`, an object, or `{ items, categories }`): ILD. */
  categories?: ItemTable<Category | ArrayLike<Category>, 'categories'>;
  /** Distance between category sets: `'jaccard'` (default) or `'cosine'` (of their 0/1 vectors). */
  categoryDistance?: 'jaccard' | 'cosine';
  /**
   * Each item's vector (`{ items, vectors }` with vectors N × d: rows, `{ data, shape }` or flat
   * row-major; or a `Map` / object id → vector): ILD with cosine distance. Not with `categories`.
   */
  embeddings?: ItemTable<ArrayLike<number>, 'vectors'> | { items: ArrayLike<ItemId>; vectors: { data: NumberArray; shape: readonly number[] } | NumberArray };
}

export interface BeyondAccuracyReport {
  /** Lists (users) given. */
  lists: number;
  /** Item ids in all lists: the total exposure. */
  recommendations: number;
  /** Distinct recommended items. */
  distinctItems: number;
  /** The catalog's size (from `catalogSize`, `catalog` or `popularity`), when known. */
  catalogSize?: number;
  /** `distinctItems / catalogSize`, when the catalog is known. */
  catalogCoverage?: number;
  /** Gini coefficient of how often each item is recommended (over the catalog when known, else the recommended items). */
  exposureGini: number;
  /** Mean self-information `−log2(k_i / users)` of the recommended items (per list, then over lists), with `popularity` and `users`. */
  novelty?: number;
  /** ARP: mean training count k_i of the recommended items (per list, then over lists), with `popularity`. */
  averagePopularity?: number;
  /** ILD: mean pairwise distance within a list, averaged over lists of 2 items or more, with `categories` or `embeddings`. */
  intraListDiversity?: number;
  /** Lists without items, left out of novelty and ARP. */
  emptyLists: number;
  /** Lists with fewer than 2 items, left out of ILD. */
  shortLists: number;
}

type Args = Parameters<Kernels['beyondAccuracy']>;

function beyondArgs(lists: ItemLists, options: BeyondAccuracyOptions) {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  const flat = flattenLists(lists);
  const type = idType([flat]);
  const sources: Source[] = [flat];
  const { catalog, catalogSize, popularity, categories, embeddings } = options;
  if (catalog !== undefined && catalogSize !== undefined) throw new RangeError('catalog: give catalog or catalogSize, not both');
  if (categories !== undefined && embeddings !== undefined) throw new RangeError('embeddings: give categories or embeddings, not both');
  if (options.users !== undefined && popularity === undefined) throw new TypeError('users needs popularity (the counts it divides)');
  const size = numberOption('catalogSize', catalogSize, NaN);
  if (catalogSize !== undefined && !(Number.isInteger(size) && size >= 1)) throw new RangeError(`catalogSize: is ${size}; it must be an integer >= 1`);
  const users = numberOption('users', options.users, NaN);
  const distance = choice('categoryDistance', options.categoryDistance, ['jaccard', 'cosine'] as const, 'jaccard');

  let catalogAt = -1;
  if (catalog !== undefined) {
    if (!isArrayLike(catalog)) throw new TypeError(`catalog must be an array of item ids, got ${describe(catalog)}`);
    if (catalog.length === 0) throw new RangeError('catalog: is empty');
    catalogAt = sources.push({ name: 'catalog', ids: catalog, at: (i) => `catalog[${i}]` }) - 1;
  }
  let counts: Float64Array | undefined;
  let popularAt = -1;
  if (popularity !== undefined) {
    const t = tableEntries<unknown>('popularity', popularity, 'counts', type);
    counts = Float64Array.from({ length: t.values.length }, (_, i) => {
      const c = t.values[i];
      if (typeof c !== 'number') throw new TypeError(`popularity: the count of ${t.source.at(i)} is ${describe(c)}, not a number`);
      return c;
    });
    popularAt = sources.push(t.source) - 1;
  }
  let featureAt = -1;
  let categoryOffsets: Uint32Array | undefined;
  let categoryIds: Uint32Array | undefined;
  let vectors: Scores = new Float64Array(0);
  let width = NaN;
  if (categories !== undefined) {
    const t = tableEntries<unknown>('categories', categories, 'categories', type);
    ({ offsets: categoryOffsets, ids: categoryIds } = categoryTable(t.values, t.source.at));
    featureAt = sources.push(t.source) - 1;
  } else if (embeddings !== undefined) {
    const e = embeddingTable(embeddings, type);
    ({ vectors, width } = e);
    featureAt = sources.push(e.source) - 1;
  }

  const { keys, nameOf } = itemKeys(sources);
  const key = (at: number) => (at < 0 ? undefined : keys[at]);
  const args: Args = [
    keys[0], flat.offsets, key(catalogAt), key(popularAt), counts, key(featureAt), categoryOffsets, categoryIds, vectors, distance,
    Float64Array.of(size, users, width),
  ];
  return { args, nameOf };
}

/** Categories (one or several per item) numbered, in CSR. */
function categoryTable(values: ArrayLike<unknown>, at: (i: number) => string) {
  const numbers = new Map<unknown, number>();
  const ids: number[] = [];
  const offsets = new Uint32Array(values.length + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const set = typeof v === 'number' || typeof v === 'string' ? [v] : isArrayLike(v) ? v : undefined;
    if (set === undefined) throw new TypeError(`categories: the category of ${at(i)} is ${describe(v)}; give a number, a string, or an array of them`);
    if (set.length === 0) throw new RangeError(`categories: ${at(i)} has no category`);
    for (let j = 0; j < set.length; j++) {
      const c = set[j];
      if (typeof c !== 'number' && typeof c !== 'string') throw new TypeError(`categories: a category of ${at(i)} is ${describe(c)}, not a number or a string`);
      let n = numbers.get(c);
      if (n === undefined) numbers.set(c, (n = numbers.size));
      ids.push(n);
    }
    offsets[i + 1] = ids.length;
  }
  return { offsets, ids: Uint32Array.from(ids) };
}

/** Embeddings as (item source, row-major vectors, width); Float32 data keeps its precision. */
function embeddingTable(embeddings: NonNullable<BeyondAccuracyOptions['embeddings']>, type: 'number' | 'string' | 'bigint') {
  const e = embeddings as { items?: unknown; vectors?: unknown };
  if (e !== null && typeof e === 'object' && isArrayLike(e.items) && e.vectors !== null && typeof e.vectors === 'object' && !isArrayLike(e.vectors) && 'data' in e.vectors) {
    const { data, shape } = e.vectors as { data: unknown; shape?: unknown };
    const n = e.items.length;
    if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== n || !Number.isInteger(shape[1])) {
      throw new RangeError(`embeddings: vectors.shape must be [${n}, width] (one row per item), got ${Array.isArray(shape) ? `[${shape}]` : describe(shape)}`);
    }
    if (!isArrayLike(data) || data.length !== n * shape[1]) throw new RangeError(`embeddings: vectors.data must hold ${n} × ${shape[1]} numbers`);
    return { source: { name: 'embeddings', ids: e.items, at: (i: number) => `embeddings.items[${i}]` }, vectors: floats(data), width: shape[1] };
  }
  if (e !== null && typeof e === 'object' && isArrayLike(e.items) && isArrayLike(e.vectors) && !isArrayLike((e.vectors as ArrayLike<unknown>)[0])) {
    const [n, m] = [e.items.length, e.vectors.length];
    if (n === 0 || m % n !== 0 || m === 0) throw new RangeError(`embeddings: vectors has ${m} numbers, not a positive multiple of the ${n} items`);
    return { source: { name: 'embeddings', ids: e.items, at: (i: number) => `embeddings.items[${i}]` }, vectors: floats(e.vectors), width: m / n };
  }
  const t = tableEntries<unknown>('embeddings', embeddings, 'vectors', type);
  const rows = t.values;
  if (rows.length === 0) throw new RangeError('embeddings: has no items');
  const width = isArrayLike(rows[0]) ? rows[0].length : 0;
  const vectors = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!isArrayLike(row)) throw new TypeError(`embeddings: the vector of ${t.source.at(i)} is ${describe(row)}, not an array of numbers`);
    if (row.length !== width) throw new RangeError(`embeddings: the vector of ${t.source.at(i)} has ${row.length} numbers, expected ${width} (the width of the first)`);
    for (let j = 0; j < width; j++) {
      const x = row[j];
      if (typeof x !== 'number') throw new TypeError(`embeddings: the vector of ${t.source.at(i)} holds ${describe(x)}, not a number`);
      vectors[i * width + j] = x;
    }
  }
  if (width === 0) throw new RangeError('embeddings: vectors are empty (width 0)');
  return { source: t.source, vectors, width };
}

function floats(data: ArrayLike<unknown>): Scores {
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  return Float64Array.from({ length: data.length }, (_, i) => {
    const x = data[i];
    if (typeof x !== 'number') throw new TypeError(`embeddings: vectors[${i}] is ${describe(x)}, not a number`);
    return x;
  });
}

function toReport(r: Float64Array, options: BeyondAccuracyOptions): BeyondAccuracyReport {
  const known = (x: number) => (Number.isNaN(r[3]) ? undefined : x);
  const report: BeyondAccuracyReport = {
    lists: r[0], recommendations: r[1], distinctItems: r[2], catalogSize: known(r[3]), catalogCoverage: known(r[4]), exposureGini: r[5],
    novelty: options.users !== undefined ? r[6] : undefined,
    averagePopularity: options.popularity !== undefined ? r[7] : undefined,
    intraListDiversity: options.categories !== undefined || options.embeddings !== undefined ? r[8] : undefined,
    emptyLists: r[9], shortLists: r[10],
  };
  for (const k of Object.keys(report) as (keyof BeyondAccuracyReport)[]) if (report[k] === undefined) delete report[k];
  return report;
}

/** The core names items by key; the caller named them by id. */
function renamed(e: unknown, nameOf: (key: number) => unknown): never {
  if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
  const message = e.message.replace(/\bitem (\d+)/g, (_, k) => {
    const id = nameOf(Number(k));
    return `item ${typeof id === 'string' ? JSON.stringify(id) : String(id)}`;
  });
  throw new (e instanceof RangeError ? RangeError : TypeError)(message);
}

/**
 * Every beyond-accuracy metric its options allow, from one pass over the lists (users, each a
 * top-K list of item ids):
 *
 * - `catalogCoverage = distinctItems / catalogSize` (Ge et al. 2010; RecBole `ItemCoverage`);
 * - `novelty = mean_u mean_{i∈L_u} −log2(k_i / users)`, k_i the training users who interacted
 *   with item i (Zhou et al. 2010; `recmetrics.novelty`);
 * - `averagePopularity = mean_u mean_{i∈L_u} k_i` (ARP, Abdollahpouri et al. 2019; RecBole
 *   `AveragePopularity`);
 * - `intraListDiversity = mean_u` of the mean distance over the list's pairs (Ziegler et al.
 *   2005; Vargas & Castells 2011): categories 0 if equal else 1 (Jaccard or cosine distance of
 *   category sets), or embeddings `1 − cos` (`1 − recmetrics.intra_list_similarity`);
 * - `exposureGini = Σ_j (2j − n − 1)·x_(j) / (n·Σx)` over the n catalog items' exposures x
 *   sorted ascending, never-recommended items counting 0 (RecBole `GiniIndex`).
 *
 * Means over lists weigh each list the same; empty lists (novelty, ARP) and lists shorter than 2
 * (ILD) are left out and counted. A metric with nothing to average is NaN. An item repeated in a
 * list counts each time. Item ids are integers, strings or bigints, one type per call.
 *
 * @throws {RangeError} naming the argument for: a recommended item missing from `catalog`,
 *   `popularity`, `categories` or `embeddings` (with the list and position); an item with count
 *   0 when computing novelty (infinite self-information); counts < 0 or > `users`; a table
 *   listing an item twice; `catalogSize` below the distinct recommended items; embeddings of
 *   unequal width or all zeros; a `{ data, shape }` whose shape does not match.
 * @throws {TypeError} for ids of mixed types, non-integer numeric ids, and malformed arguments.
 */
export function beyondAccuracy(lists: ItemLists, options: BeyondAccuracyOptions = {}): BeyondAccuracyReport {
  const { args, nameOf } = beyondArgs(lists, options);
  try {
    return toReport(run('beyondAccuracy', args), options);
  } catch (e) {
    renamed(e, nameOf);
  }
}

/** {@link beyondAccuracy} off the calling thread. */
export async function beyondAccuracyAsync(lists: ItemLists, options: BeyondAccuracyOptions = {}): Promise<BeyondAccuracyReport> {
  const { args, nameOf } = beyondArgs(lists, options);
  return toReport(await runAsync('beyondAccuracy', args).catch((e) => renamed(e, nameOf)), options);
}

type Picked = Pick<BeyondAccuracyOptions, 'catalogSize' | 'catalog' | 'popularity'>;

/** One metric of {@link beyondAccuracy}, computed from only the options it needs. */
function single<O extends object>(name: string, field: keyof BeyondAccuracyReport, pick: (o: O) => BeyondAccuracyOptions, needs: (o: O) => boolean, need: string) {
  const prepare = (options: O) => {
    if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
    if (!needs(options)) throw new TypeError(`${name} needs ${need}`);
    return pick(options);
  };
  const sync = (lists: ItemLists, options: O = {} as O) => beyondAccuracy(lists, prepare(options))[field] as number;
  const async = async (lists: ItemLists, options: O = {} as O) => (await beyondAccuracyAsync(lists, prepare(options)))[field] as number;
  return [sync, async] as const;
}

const catalogOf = (o: Picked): BeyondAccuracyOptions => ({ catalogSize: o.catalogSize, catalog: o.catalog, popularity: o.popularity });
const hasCatalog = (o: Picked) => o.catalogSize !== undefined || o.catalog !== undefined || o.popularity !== undefined;

/** Catalog coverage: distinct recommended items ÷ catalog size ({@link beyondAccuracy}). */
export const [catalogCoverage, catalogCoverageAsync] = single<Picked>('catalogCoverage', 'catalogCoverage', catalogOf, hasCatalog, 'catalogSize, catalog or popularity (whose items are the catalog)');

/** Gini coefficient of item exposure over the catalog, or over the recommended items without one ({@link beyondAccuracy}). */
export const [exposureGini, exposureGiniAsync] = single<Picked>('exposureGini', 'exposureGini', catalogOf, () => true, 'nothing');

/** Novelty: mean self-information −log2(k_i / users) of the recommended items ({@link beyondAccuracy}). */
export const [novelty, noveltyAsync] = single<Pick<BeyondAccuracyOptions, 'popularity' | 'users'>>(
  'novelty', 'novelty', (o) => ({ popularity: o.popularity, users: o.users }), (o) => o.popularity !== undefined && o.users !== undefined, 'popularity and users',
);

/** ARP: mean training count of the recommended items ({@link beyondAccuracy}). */
export const [averagePopularity, averagePopularityAsync] = single<Pick<BeyondAccuracyOptions, 'popularity'>>(
  'averagePopularity', 'averagePopularity', (o) => ({ popularity: o.popularity }), (o) => o.popularity !== undefined, 'popularity',
);

/** ILD: mean pairwise distance within lists, from categories or embeddings ({@link beyondAccuracy}). */
export const [intraListDiversity, intraListDiversityAsync] = single<Pick<BeyondAccuracyOptions, 'categories' | 'categoryDistance' | 'embeddings'>>(
  'intraListDiversity', 'intraListDiversity', (o) => ({ categories: o.categories, categoryDistance: o.categoryDistance, embeddings: o.embeddings }),
  (o) => o.categories !== undefined || o.embeddings !== undefined, 'categories or embeddings',
);
