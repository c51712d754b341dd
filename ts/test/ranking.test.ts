/** Ranking metrics @K over many queries: the worked example, sklearn's ndcg_score, the plain definitions. */
import { describe, expect, test } from 'vitest';
import {
  f1AtK, hitRateAtK, mapAtK, mapAtKAsync, mrrAtK, ndcgAtK, ndcgAtKAsync, precisionAtK, rankingMetrics, rankingMetricsAsync,
  recallAtK,
} from 'reckit';
import fixtures from './fixtures/metrics.json';
import { naiveRanking, rng, shuffle } from './oracle.js';

const close = (a: number, b: number, tol = 1e-12) =>
  Number.isNaN(b) ? expect(a).toBeNaN() : expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);
const METRICS = ['precision', 'recall', 'ndcg', 'hitRate', 'f1', 'map', 'mrr'] as const;

describe('the worked ranking example (test_metrics)', () => {
  // Ten items, K = 10; the relevant ones score 0.9, 0.8, 0.7: ranks 1, 2, 3.
  const y = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0];
  const p = [0.9, 0.2, 0.3, 0.8, 0.1, 0.4, 0.5, 0.7, 0.6, 0.1];
  test('recall 1, precision 0.3, ndcg 1, hr 1, f1 2·0.3/1.3, ap 1, rr 1 (the reference formulas)', () => {
    const m = rankingMetrics(y, p, { k: 10 }).at[10];
    expect(m.recall).toBe(1);
    expect(m.precision).toBe(0.3);
    close(m.ndcg, 1);
    expect(m.hitRate).toBe(1);
    close(m.f1, (2 * 0.3 * 1) / 1.3);
    expect(m.map).toBe((1 / 1 + 2 / 2 + 3 / 3) / 3);
    expect(m.mrr).toBe(1);
  });
  test('at K = 2: two hits, AP over min(K, R) = 2', () => {
    expect(precisionAtK(y, p, 2)).toBe(1);
    expect(recallAtK(y, p, 2)).toBe(2 / 3);
    expect(mapAtK(y, p, 2)).toBe(1);
    expect(hitRateAtK(y, p, 2)).toBe(1);
    close(f1AtK(y, p, 2), (2 * 1 * (2 / 3)) / (1 + 2 / 3));
    expect(mrrAtK(y, p, 2)).toBe(1);
  });
});

describe('ndcgAtK = sklearn ndcg_score (untied scores)', () => {
  test.each(fixtures.ndcg.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const groups = c.relevance.flatMap((q, i) => q.map(() => i));
    const k = c.k ?? c.relevance[0].length;
    const rel = c.relevance.flat();
    const scores = c.scores.flat();
    close(ndcgAtK(rel, scores, k, { groups }), c.expected);
    close(await ndcgAtKAsync(rel, scores, k, { groups }), c.expected);
    // Per query, against sklearn's value for that row alone.
    c.per_query.forEach((v, i) => close(ndcgAtK(c.relevance[i], c.scores[i], k), v));
  });
});

/** Ragged queries with tied scores, some without a relevant item, interleaved rows. */
function dataset(seed: number, queries: number) {
  const random = rng(seed);
  const groups: number[] = [];
  const labels: number[] = [];
  const scores: number[] = [];
  for (let q = 0; q < queries; q++) {
    const len = 1 + Math.floor(random() * 30);
    const none = q % 7 === 0;
    for (let i = 0; i < len; i++) {
      groups.push(q * 13 + 5);
      labels.push(none ? 0 : random() < 0.3 ? Math.floor(random() * 3) + 1 : 0);
      scores.push(Math.round(random() * 10) / 10); // heavy ties: input position decides
    }
  }
  const order = shuffle([...labels.keys()], random);
  return { groups: order.map((i) => groups[i]), labels: order.map((i) => labels[i]), scores: order.map((i) => scores[i]) };
}

describe('against the definitions, many ragged queries with ties', () => {
  const d = dataset(11, 300);
  for (const gain of ['linear', 'exponential'] as const) {
    for (const emptyQueries of ['zero', 'skip'] as const) {
      test(`gain ${gain}, emptyQueries ${emptyQueries}, K = 1, 3, 10, 50`, () => {
        const ks = [1, 3, 10, 50];
        const r = rankingMetrics(d.labels, d.scores, { groups: d.groups, k: ks, gain, emptyQueries });
        for (const k of ks) {
          const expected = naiveRanking(d.labels, d.scores, d.groups, k, { gain, emptyQueries });
          for (const m of METRICS) close(r.at[k][m], expected[m]);
          expect([r.queries, r.emptyQueries]).toEqual([expected.queries, expected.emptyQueries]);
        }
        expect(r.emptyQueries).toBeGreaterThan(0);
      });
    }
  }
  test('rows already sorted by query id (scored in place, no sort) agree with the definitions', () => {
    const order = [...d.groups.keys()].sort((a, b) => d.groups[a] - d.groups[b]); // stable: ties keep input order
    const [labels, scores, groups] = [order.map((i) => d.labels[i]), order.map((i) => d.scores[i]), Uint32Array.from(order, (i) => d.groups[i])];
    const r = rankingMetrics(labels, scores, { groups, k: [2, 7] });
    for (const k of [2, 7]) {
      const expected = naiveRanking(labels, scores, groups, k);
      for (const m of METRICS) close(r.at[k][m], expected[m]);
    }
  });
  test('one pass equals the single-metric functions, and the async twin', async () => {
    const r = rankingMetrics(d.labels, d.scores, { groups: d.groups, k: [5, 10] });
    expect(ndcgAtK(d.labels, d.scores, 10, { groups: d.groups })).toBe(r.at[10].ndcg);
    expect(await mapAtKAsync(d.labels, d.scores, 5, { groups: d.groups })).toBe(r.at[5].map);
    expect(await rankingMetricsAsync(d.labels, d.scores, { groups: d.groups, k: [5, 10] })).toEqual(r);
  });
  test('string query ids and typed arrays give the same result', () => {
    const r = rankingMetrics(d.labels, d.scores, { groups: d.groups, k: 5 });
    const s = rankingMetrics(Float64Array.from(d.labels), Float32Array.from(d.scores), { groups: d.groups.map((g) => `q${g}`), k: 5 });
    for (const m of METRICS) close(s.at[5][m], r.at[5][m]);
  });
});

describe('properties', () => {
  test('invariant under permutation of queries (rows of a query keep their order)', () => {
    const d = dataset(12, 200);
    const ids = [...new Set(d.groups)];
    const moved = shuffle([...ids], rng(3));
    const rows = moved.flatMap((q) => d.groups.flatMap((g, i) => (g === q ? [i] : [])));
    const base = rankingMetrics(d.labels, d.scores, { groups: Int32Array.from(d.groups), k: [3, 10] });
    const perm = rankingMetrics(rows.map((i) => d.labels[i]), rows.map((i) => d.scores[i]), { groups: Int32Array.from(rows, (i) => d.groups[i]), k: [3, 10] });
    // Int32Array ids are used as they are: queries are summed in id order, so bit for bit.
    expect(perm).toEqual(base);
    // Ids in a plain array are numbered by first appearance: the same up to rounding.
    const plain = rankingMetrics(rows.map((i) => d.labels[i]), rows.map((i) => d.scores[i]), { groups: rows.map((i) => d.groups[i]), k: [3, 10] });
    for (const k of [3, 10]) for (const m of METRICS) close(plain.at[k][m], base.at[k][m]);
  });
  test('K ≥ the query length ranks the whole list; precision still divides by K', () => {
    const r = rankingMetrics([1, 0, 1], [0.1, 0.9, 0.5], { k: [3, 100] });
    expect(r.at[100].recall).toBe(1);
    expect(r.at[100].precision).toBe(2 / 100);
    expect(r.at[100].ndcg).toBe(r.at[3].ndcg);
    expect(r.at[100].map).toBe(r.at[3].map);
  });
  test('queries without a relevant item: 0 and counted, or skipped', () => {
    const labels = [0, 0, 1, 0];
    const scores = [0.5, 0.4, 0.9, 0.1];
    const groups = ['a', 'a', 'b', 'b'];
    const zero = rankingMetrics(labels, scores, { groups, k: 1 });
    const skip = rankingMetrics(labels, scores, { groups, k: 1, emptyQueries: 'skip' });
    expect([zero.queries, zero.emptyQueries, zero.at[1].ndcg]).toEqual([2, 1, 0.5]);
    expect([skip.queries, skip.emptyQueries, skip.at[1].ndcg]).toEqual([2, 1, 1]);
    expect(rankingMetrics([0, 0], [0.1, 0.2], { k: 1, emptyQueries: 'skip' }).at[1].mrr).toBeNaN();
  });
  test('ties are broken by input position, earlier first', () => {
    expect(precisionAtK([0, 1], [0.5, 0.5], 1)).toBe(0);
    expect(precisionAtK([1, 0], [0.5, 0.5], 1)).toBe(1);
    expect(mrrAtK([0, 0, 1], [0.3, 0.3, 0.3], 3)).toBe(1 / 3);
  });
});

describe('bad input is a clear error', () => {
  test.each([
    ['k = 0', () => rankingMetrics([1], [0.1], { k: 0 }), /k: 0 is not allowed/],
    ['k not an integer', () => ndcgAtK([1], [0.1], 2.5), /k: 2.5 is not allowed/],
    ['k empty', () => rankingMetrics([1], [0.1], { k: [] }), /k: is empty/],
    ['NaN score', () => ndcgAtK([1, 0], [0.1, NaN], 1), /scores\[1\] is not finite/],
    ['negative relevance', () => ndcgAtK([1, -1], [0.1, 0.2], 1), /labels: labels\[1\] is -1/],
    ['NaN relevance', () => ndcgAtK([1, NaN], [0.1, 0.2], 1), /labels: labels\[1\] is NaN/],
    ['mismatched lengths', () => ndcgAtK([1, 0], [0.1], 1), /scores: has length 1, expected 2/],
    ['groups of the wrong length', () => ndcgAtK([1, 0], [0.1, 0.2], 1, { groups: [1] }), /groups: has length 1, expected 2/],
    ['unknown gain', () => ndcgAtK([1], [0.1], 1, { gain: 'log' as never }), /gain: is "log"/],
    ['unknown emptyQueries', () => ndcgAtK([1], [0.1], 1, { emptyQueries: 'drop' as never }), /emptyQueries: is "drop"/],
  ])('%s', (_, f, message) => {
    expect(f).toThrow(RangeError);
    expect(f).toThrow(message);
  });
  test('async rejects', async () => {
    await expect(rankingMetricsAsync([1, -2], [0.1, 0.2], { k: 1 })).rejects.toThrow(/labels\[1\] is -2/);
  });
});
