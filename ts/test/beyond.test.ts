/**
 * Beyond-accuracy metrics of recommendation lists: hand-computed lists, RecBole's and recmetrics'
 * own code (python/make_beyond_fixtures.py), the definitions, and bad input.
 */
import { describe, expect, test } from 'vitest';
import {
  averagePopularity, averagePopularityAsync, beyondAccuracy, beyondAccuracyAsync, catalogCoverage, catalogCoverageAsync, exposureGini,
  exposureGiniAsync, intraListDiversity, intraListDiversityAsync, novelty, noveltyAsync,
} from 'reckit';
import type { BeyondAccuracyOptions, ItemLists } from 'reckit';
import fixtures from './fixtures/beyond.json';
import { err } from './errors.js';

const close = (a: number | undefined, b: number, tol = 1e-12) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('hand-computed lists', () => {
  // Lists [1, 2], [1, 3]: item 1 is recommended twice, 2 and 3 once; 3 distinct of a catalog of 5.
  const lists = [[1, 2], [1, 3]];
  test('coverage 3/5; Gini over 5 items with two never recommended: 0.5', () => {
    // Exposures sorted: 0, 0, 1, 1, 2 (n = 5, Σx = 4). Σ_j (2j − 6)·x_j = 2·1 + 4·2 = 10; 10 / (5·4) = 0.5.
    const r = beyondAccuracy(lists, { catalogSize: 5 });
    expect(r).toEqual({ lists: 2, recommendations: 4, distinctItems: 3, catalogSize: 5, catalogCoverage: 0.6, exposureGini: 0.5, emptyLists: 0, shortLists: 0 });
    expect(catalogCoverage(lists, { catalogSize: 5 })).toBe(0.6);
    expect(exposureGini(lists, { catalogSize: 5 })).toBe(0.5);
  });
  test('without a catalog the Gini is over the recommended items, and coverage is absent', () => {
    // Exposures 1, 1, 2 (n = 3): (−2·1 + 0·1 + 2·2) / (3·4) = 1/6.
    const r = beyondAccuracy(lists);
    expect(r.exposureGini).toBe(2 / 12);
    expect('catalogCoverage' in r || 'catalogSize' in r).toBe(false);
    expect(exposureGini(lists)).toBe(2 / 12);
  });
  test('Gini: equal exposure 0; one item taking all of a catalog of 4: (n − 1)/n', () => {
    expect(exposureGini([[4, 5], [5, 4]], { catalogSize: 2 })).toBe(0);
    // Exposures 0, 0, 0, 2: (2·4 − 5)·2 / (4·2) = 0.75.
    expect(exposureGini([[1], [1]], { catalogSize: 4 })).toBe(0.75);
  });
  test('novelty and ARP: mean per list, then over the non-empty lists', () => {
    // M = 8 training users; k = 8, 2, 1 for items 1, 2, 3: self-information 0, 2, 3 bits.
    // [1, 2]: (0 + 2)/2 = 1 bit, ARP (8 + 2)/2 = 5. [3]: 3 bits, ARP 1. []: left out.
    const popularity = new Map([[1, 8], [2, 2], [3, 1]]);
    const l = [[1, 2], [3], []];
    const r = beyondAccuracy(l, { popularity, users: 8 });
    expect([r.novelty, r.averagePopularity, r.emptyLists, r.catalogSize, r.catalogCoverage]).toEqual([2, 3, 1, 3, 1]);
    expect(novelty(l, { popularity, users: 8 })).toBe(2);
    expect(averagePopularity(l, { popularity })).toBe(3);
    // The popularity table is the catalog: exposures 0 (…none), 1, 1, 1 → equal: Gini 0.
    expect(r.exposureGini).toBe(0);
    // An object of id → count and { items, counts } are the same table.
    expect(novelty(l, { popularity: { 1: 8, 2: 2, 3: 1 }, users: 8 })).toBe(2);
    expect(novelty(l, { popularity: { items: [3, 2, 1], counts: [1, 2, 8] }, users: 8 })).toBe(2);
  });
  test('ILD from one category per item: 0 within a category, 1 across; short lists left out', () => {
    // Items 1, 2 in 'a', 3 in 'b'. [1, 2, 3]: d = 0, 1, 1 → 2/3. [1, 3]: 1. [2]: no pair.
    const categories = { 1: 'a', 2: 'a', 3: 'b' };
    const r = beyondAccuracy([[1, 2, 3], [1, 3], [2]], { categories });
    close(r.intraListDiversity, (2 / 3 + 1) / 2, 1e-15);
    expect(r.shortLists).toBe(1);
    close(intraListDiversity([[1, 2, 3]], { categories: { items: [1, 2, 3], categories: [7, 7, 8] } }), 2 / 3, 1e-15);
  });
  test('ILD from category sets: Jaccard (default) and cosine', () => {
    // {x, y}, {y}, {z}: Jaccard d = 1 − 1/2, 1, 1; cosine d = 1 − 1/√2, 1, 1.
    const categories = new Map<number, string[]>([[1, ['x', 'y']], [2, ['y']], [3, ['z']]]);
    close(intraListDiversity([[1, 2, 3]], { categories }), 2.5 / 3, 1e-15);
    close(intraListDiversity([[1, 2, 3]], { categories, categoryDistance: 'cosine' }), (3 - Math.SQRT1_2) / 3, 1e-15);
    // A repeated category counts once.
    close(intraListDiversity([[1, 2, 3]], { categories: { 1: ['x', 'y', 'x'], 2: ['y'], 3: 'z' } }), 2.5 / 3, 1e-15);
  });
  test('ILD from embeddings: 1 − cos', () => {
    // e1 = (1, 0), e2 = (0, 2), e3 = (1, 1): cos 0, 1/√2, 1/√2 → d = 1, 1 − 1/√2, 1 − 1/√2: mean 1 − √2/3.
    const vectors = [[1, 0], [0, 2], [1, 1]];
    const expected = 1 - Math.SQRT2 / 3;
    close(intraListDiversity([[1, 2, 3]], { embeddings: { items: [1, 2, 3], vectors } }), expected, 1e-15);
    close(intraListDiversity([[1, 2, 3]], { embeddings: { items: [1, 2, 3], vectors: { data: vectors.flat(), shape: [3, 2] } } }), expected, 1e-15);
    close(intraListDiversity([[1, 2, 3]], { embeddings: { items: [1, 2, 3], vectors: Float32Array.from(vectors.flat()) } }), expected, 1e-15);
    close(intraListDiversity([[1, 2, 3]], { embeddings: new Map(vectors.map((v, i) => [i + 1, v])) }), expected, 1e-15);
    // Opposite vectors are at distance 2.
    close(intraListDiversity([[1, 2]], { embeddings: { 1: [1, 1], 2: [-3, -3] } }), 2, 1e-15);
  });
  test('an item repeated in a list counts each time, at distance 0 from itself', () => {
    // [1, 1, 2] with categories a, a, b: d = 0, 1, 1 → 2/3. Exposure 2, 1 of a catalog of 2: (−1·1 + 1·2)/(2·3) = 1/6.
    const r = beyondAccuracy([[1, 1, 2]], { categories: { 1: 'a', 2: 'b' }, catalogSize: 2 });
    close(r.intraListDiversity, 2 / 3, 1e-15);
    expect([r.recommendations, r.distinctItems, r.exposureGini]).toEqual([3, 2, 1 / 6]);
  });
  test('string ids, a { data, shape } matrix and typed arrays give the same values', () => {
    const numeric = beyondAccuracy(lists, { catalogSize: 5 });
    expect(beyondAccuracy([['a', 'b'], ['a', 'c']], { catalog: ['a', 'b', 'c', 'd', 'e', 'a'] })).toEqual(numeric);
    expect(beyondAccuracy({ data: Uint32Array.of(1, 2, 1, 3), shape: [2, 2] }, { catalogSize: 5 })).toEqual(numeric);
    expect(beyondAccuracy([Uint32Array.of(1, 2), Int32Array.of(1, 3)], { catalogSize: 5 })).toEqual(numeric);
    // Negative ids and bigints are numbered.
    expect(beyondAccuracy([[-1, -2], [-1, -3]], { catalogSize: 5 })).toEqual(numeric);
    expect(beyondAccuracy([[1n, 2n], [1n, 3n]], { catalog: [1n, 2n, 3n, 4n, 5n] })).toEqual(numeric);
  });
  test('one-list edge cases: every list empty or short gives NaN, not an error', () => {
    const r = beyondAccuracy([[], [7]], { popularity: { 7: 3 }, users: 4, categories: { 7: 'a' } });
    expect(r.novelty).toBe(-Math.log2(3 / 4));
    expect(r.intraListDiversity).toBeNaN();
    expect([r.emptyLists, r.shortLists]).toEqual([1, 2]);
    expect(beyondAccuracy([[]], { catalogSize: 3 })).toMatchObject({ catalogCoverage: 0, exposureGini: NaN, recommendations: 0 });
  });
});

type Case = (typeof fixtures.cases)[number];

function options(c: Case): BeyondAccuracyOptions {
  return {
    ...('catalogSize' in c ? { catalogSize: c.catalogSize } : { catalog: (c as { catalog: string[] }).catalog }),
    popularity: c.popularity,
    users: c.users,
  };
}

describe('RecBole, recmetrics and the definitions (fixtures)', () => {
  for (const c of fixtures.cases) {
    const lists = c.lists as ItemLists;
    const e = c.expected as Record<string, number>;
    test(`${c.name}: coverage, Gini, novelty, ARP (${c.oracles.exposureGini}, ${c.oracles.novelty})`, async () => {
      const r = beyondAccuracy(lists, options(c));
      close(r.exposureGini, e.exposureGini);
      close(r.catalogCoverage, e.catalogCoverage);
      close(r.novelty, e.novelty);
      close(r.averagePopularity, e.averagePopularity);
      if (e.distinctItems !== undefined) expect([r.distinctItems, r.emptyLists]).toEqual([e.distinctItems, e.emptyLists]);
      expect(await beyondAccuracyAsync(lists, options(c))).toEqual(r);
    });
    test(`${c.name}: ILD (${c.oracles.ildEmbeddings}, ${c.oracles.ildJaccardSets})`, async () => {
      close(intraListDiversity(lists, { embeddings: c.embeddings }), e.ildEmbeddings);
      close(intraListDiversity(lists, { categories: c.categorySets }), e.ildJaccardSets);
      if ('categories' in c) {
        close(intraListDiversity(lists, { categories: c.categories }), e.ildCategories);
        close(intraListDiversity(lists, { categories: c.categorySets, categoryDistance: 'cosine' }), e.ildCosineSets);
      }
      const short = beyondAccuracy(lists, { embeddings: c.embeddings });
      if (e.shortLists !== undefined) expect(short.shortLists).toBe(e.shortLists);
      expect(await intraListDiversityAsync(lists, { embeddings: c.embeddings })).toBe(short.intraListDiversity);
    });
  }
  test('Float32 embeddings give the values of their f64 widening, bit for bit', () => {
    const c = fixtures.cases[0];
    const f32 = Float32Array.from(c.embeddings.vectors.flat());
    const a = intraListDiversity(c.lists as ItemLists, { embeddings: { items: c.embeddings.items, vectors: f32 } });
    const b = intraListDiversity(c.lists as ItemLists, { embeddings: { items: c.embeddings.items, vectors: Float64Array.from(f32) } });
    expect(a).toBe(b);
    close(a, c.expected.ildEmbeddings, 1e-6);
  });
  test('invariant under reordering the lists and the items within each list', () => {
    const c = fixtures.cases[2];
    const lists = (c.lists as string[][]).map((l) => [...l].reverse()).reverse();
    const r = beyondAccuracy(lists, { ...options(c), categories: c.categorySets });
    const base = beyondAccuracy(c.lists as string[][], { ...options(c), categories: c.categorySets });
    for (const k of ['exposureGini', 'catalogCoverage', 'novelty', 'averagePopularity', 'intraListDiversity'] as const) close(r[k], base[k] as number);
  });
});

describe('async twins', () => {
  test('equal the sync functions', async () => {
    const l = [[1, 2], [1, 3]];
    const popularity = { 1: 4, 2: 1, 3: 2 };
    expect(await catalogCoverageAsync(l, { catalogSize: 5 })).toBe(0.6);
    expect(await exposureGiniAsync(l, { catalogSize: 5 })).toBe(0.5);
    expect(await noveltyAsync(l, { popularity, users: 4 })).toBe(novelty(l, { popularity, users: 4 }));
    expect(await averagePopularityAsync(l, { popularity })).toBe(averagePopularity(l, { popularity }));
  });
  test('reject with the same errors', async () => {
    await expect(noveltyAsync([['a', 'b']], { popularity: { a: 1 }, users: 2 })).rejects.toThrow(RangeError);
    await expect(noveltyAsync([['a', 'b']], { popularity: { a: 1 }, users: 2 })).rejects.toThrow('popularity: lists[0][1] is item "b", which has no count');
  });
});

describe('bad input: clear errors naming the argument', () => {
  const l = [[1, 2], [1, 3]];
  test('lists', () => {
    err(() => beyondAccuracy({ data: [1, 2, 3, 4, 5], shape: [2, 3] }), RangeError, /^lists: shape \[2, 3\] needs 6 ids, data has 5$/);
    err(() => beyondAccuracy([1, 2, 3] as unknown as ItemLists), TypeError, /^lists\[0\] must be a list of item ids/);
    err(() => beyondAccuracy(Uint32Array.of(1, 2) as unknown as ItemLists), TypeError, /^lists must be an array of lists/);
    err(() => beyondAccuracy([]), RangeError, /^lists: is empty/);
    err(() => beyondAccuracy([[1, 'a']]), TypeError, /^lists: lists\[0\]\[1\] is a string \(a\) but item ids here are numbers/);
    err(() => beyondAccuracy([[1], [2.5]]), RangeError, /^lists: lists\[1\]\[0\] is 2.5; item ids are integers/);
    err(() => beyondAccuracy([[1, null]] as unknown as ItemLists), TypeError, /^lists: lists\[0\]\[1\] is null/);
  });
  test('unknown items name the table, the list and the position', () => {
    err(() => novelty(l, { popularity: { 1: 2, 2: 1 }, users: 4 }), RangeError, /^popularity: lists\[1\]\[1\] is item 3, which has no count$/);
    err(() => catalogCoverage(l, { catalog: [1, 2] }), RangeError, /^catalog: lists\[1\]\[1\] is item 3, which is not in catalog$/);
    err(() => intraListDiversity([['a', 'b']], { categories: { a: 'x' } }), RangeError, /^categories: lists\[0\]\[1\] is item "b", which is not in categories$/);
    err(() => intraListDiversity(l, { embeddings: { 1: [1, 0], 2: [0, 1] } }), RangeError, /^embeddings: lists\[1\]\[1\] is item 3, which is not in embeddings$/);
  });
  test('catalog and popularity values', () => {
    err(() => catalogCoverage(l, { catalogSize: 2 }), RangeError, /^catalogSize: is 2, fewer than the 3 distinct recommended items$/);
    err(() => catalogCoverage(l, { catalogSize: 2.5 }), RangeError, /^catalogSize: is 2.5; it must be an integer >= 1$/);
    err(() => catalogCoverage(l, { catalogSize: 5, catalog: [1, 2, 3] }), RangeError, /give catalog or catalogSize, not both/);
    err(() => novelty(l, { popularity: { 1: 2, 2: 0, 3: 1 }, users: 4 }), RangeError, /^popularity: lists\[0\]\[1\] is item 2, whose count is 0: its self-information/);
    err(() => novelty(l, { popularity: { 1: 5, 2: 1, 3: 1 }, users: 4 }), RangeError, /^popularity: item 1 has count 5, more than users \(4\)/);
    err(() => averagePopularity(l, { popularity: { 1: -1, 2: 1, 3: 1 } }), RangeError, /^popularity: item 1 has count -1; counts must be finite and >= 0$/);
    err(() => averagePopularity(l, { popularity: { items: [1, 2, 3, 1], counts: [1, 1, 1, 1] } }), RangeError, /^popularity: item 1 is listed twice$/);
    err(() => averagePopularity(l, { popularity: { items: [1, 2, 3], counts: [1, 1] } }), RangeError, /^popularity: counts has length 2, expected 3/);
    err(() => averagePopularity(l, { popularity: { 1: 'x' } as unknown as Record<string, number> }), TypeError, /^popularity: the count of the key "1" is string/);
    err(() => novelty(l, { popularity: { 1: 1, 2: 1, 3: 1 }, users: 0 }), RangeError, /^users: is 0; it must be a finite number > 0$/);
    err(() => novelty(l, { popularity: { 1: 1, 2: 1, 3: 1 } }), TypeError, /^novelty needs popularity and users$/);
    err(() => beyondAccuracy(l, { users: 4 }), TypeError, /^users needs popularity/);
    err(() => catalogCoverage(l, {}), TypeError, /^catalogCoverage needs catalogSize, catalog or popularity/);
  });
  test('embeddings of the wrong width, zero or not finite', () => {
    err(() => intraListDiversity(l, { embeddings: { 1: [1, 0], 2: [0, 1], 3: [1, 1, 1] } }), RangeError, /^embeddings: the vector of the key "3" has 3 numbers, expected 2 \(the width of the first\)$/);
    err(() => intraListDiversity(l, { embeddings: { items: [1, 2, 3], vectors: [[1, 0], [0, 1], [1]] } }), RangeError, /^embeddings: the vector of embeddings.items\[2\] has 1 numbers, expected 2/);
    err(() => intraListDiversity(l, { embeddings: { items: [1, 2, 3], vectors: [1, 0, 0, 1, 1] } }), RangeError, /^embeddings: vectors has 5 numbers, not a positive multiple of the 3 items$/);
    err(() => intraListDiversity(l, { embeddings: { items: [1, 2, 3], vectors: { data: [1, 0, 0, 1, 1, 1], shape: [2, 3] } } }), RangeError, /^embeddings: vectors.shape must be \[3, width\]/);
    err(() => intraListDiversity(l, { embeddings: { 1: [1, 0], 2: [0, 0], 3: [1, 1] } }), RangeError, /^embeddings: lists\[0\]\[1\] is item 2, whose embedding is all zeros/);
    err(() => intraListDiversity(l, { embeddings: { 1: [1, 0], 2: [NaN, 1], 3: [1, 1] } }), RangeError, /^embeddings: embeddings\[2\] is NaN/);
  });
  test('categories and options', () => {
    err(() => intraListDiversity(l, { categories: { 1: 'a', 2: [], 3: 'b' } }), RangeError, /^categories: the key "2" has no category$/);
    err(() => intraListDiversity(l, { categories: { 1: 'a', 2: {}, 3: 'b' } as unknown as Record<string, string> }), TypeError, /^categories: the category of the key "2" is Object/);
    err(() => intraListDiversity(l, { categories: { 1: 'a', 2: 'a', 3: 'b' }, categoryDistance: 'hamming' as 'cosine' }), RangeError, /^categoryDistance: is "hamming"; expected 'jaccard' or 'cosine'$/);
    err(() => intraListDiversity(l, { categories: { 1: 'a' }, embeddings: { 1: [1] } }), RangeError, /^embeddings: give categories or embeddings, not both$/);
    err(() => intraListDiversity(l, {}), TypeError, /^intraListDiversity needs categories or embeddings$/);
    err(() => beyondAccuracy(l, { popularity: [1, 2] as unknown as Record<string, number> }), TypeError, /^popularity must be a Map, an object of item id → count, or \{ items, counts \}/);
  });
});
