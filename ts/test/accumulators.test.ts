/** Accumulators: batches and shards give exactly the one-shot result; binned AUC within its bound. */
import { describe, expect, test } from 'vitest';
import { AucAccumulator, GaucAccumulator, RankingAccumulator, auc, gaucReport, rankingMetrics } from 'reckit';
import { rng } from './oracle.js';

const random = rng(77);
const n = 20_000;
const labels = Uint8Array.from({ length: n }, () => (random() < 0.3 ? 1 : 0));
const scores = Float64Array.from(labels, (l) => Math.round((random() + 0.4 * l) * 1000) / 1000);
const scores32 = Float32Array.from(scores);
const weights = Float64Array.from(labels, () => random() * 2);
const users = Int32Array.from(labels, () => Math.floor(random() ** 2 * 500));
const relevance = Float64Array.from(labels, (l) => l * (1 + Math.floor(random() * 3)));

/** 7 random cut points → 7 consecutive chunks. */
function chunks(): [number, number][] {
  const cuts = [0, ...Array.from({ length: 6 }, () => Math.floor(random() * n)).sort((a, b) => a - b), n];
  return cuts.slice(1).map((end, i) => [cuts[i], end]);
}

/** Chunks 0–2 to the first accumulator, 3–4 to the second, 5–6 to the third; merged in order. */
function sharded<A extends { merge(o: A): A }>(make: () => A, update: (a: A, from: number, to: number) => void): A {
  const parts = [make(), make(), make()];
  chunks().forEach(([a, b], i) => update(parts[i < 3 ? 0 : i < 5 ? 1 : 2], a, b));
  return parts[0].merge(parts[1]).merge(parts[2]);
}

describe('exact accumulators equal the one-shot functions bit for bit', () => {
  test('AUC, f64 and f32 scores, with and without weights', () => {
    for (const s of [scores, scores32]) {
      const a = sharded(() => new AucAccumulator(), (x, i, j) => x.update(labels.subarray(i, j), s.subarray(i, j)));
      expect(a.compute()).toBe(auc(labels, s));
      const w = sharded(() => new AucAccumulator(), (x, i, j) => x.update(labels.subarray(i, j), s.subarray(i, j), { weights: weights.subarray(i, j) }));
      expect(w.compute()).toBe(auc(labels, s, { weights }));
      expect(a.count).toBe(n);
    }
  });
  test('GAUC (a user spread over batches)', async () => {
    const a = sharded(() => new GaucAccumulator(), (x, i, j) => x.update(labels.subarray(i, j), scores.subarray(i, j), users.subarray(i, j)));
    expect(a.compute()).toEqual(gaucReport(labels, scores, users));
    expect(a.compute({ weighting: 'clicks' })).toEqual(gaucReport(labels, scores, users, { weighting: 'clicks' }));
    expect(await a.computeAsync()).toEqual(gaucReport(labels, scores, users));
  });
  test('ranking metrics (a query spread over batches)', async () => {
    const options = { k: [5, 10, 20] };
    const a = sharded(() => new RankingAccumulator(options), (x, i, j) => x.update(relevance.subarray(i, j), scores.subarray(i, j), users.subarray(i, j)));
    const expected = rankingMetrics(relevance, scores, { ...options, groups: users });
    expect(a.compute()).toEqual(expected);
    expect(await a.computeAsync()).toEqual(expected);
  });
  test('update copies its batch: the caller may reuse the buffer', () => {
    const buffer = Float64Array.from([0.9, 0.1]);
    const a = new AucAccumulator().update([1, 0], buffer);
    buffer.set([0.1, 0.9]);
    expect(a.compute()).toBe(1);
  });
});

describe('toJSON / fromJSON carry a shard across threads or machines', () => {
  test('through JSON text, every accumulator', () => {
    const through = <T>(x: { toJSON(): T }): T => JSON.parse(JSON.stringify(x));
    const a = new AucAccumulator().update(labels, scores32, { weights });
    expect(AucAccumulator.fromJSON(through(a)).compute()).toBe(a.compute());
    const g = new GaucAccumulator().update(labels, scores, Array.from(users, (u) => `user-${u}`));
    expect(GaucAccumulator.fromJSON(through(g)).compute()).toEqual(g.compute());
    const big = new GaucAccumulator().update(labels, scores, BigInt64Array.from(users, BigInt));
    expect(GaucAccumulator.fromJSON(through(big)).compute()).toEqual(big.compute());
    const r = new RankingAccumulator({ k: 10, gain: 'exponential' }).update(relevance, scores, users);
    expect(RankingAccumulator.fromJSON(through(r)).compute()).toEqual(r.compute());
    const b = new AucAccumulator({ mode: 'binned', bins: 100 }).update(labels, scores);
    expect(AucAccumulator.fromJSON(through(b)).compute()).toBe(b.compute());
  });
  test('fromJSON rejects something else', () => {
    expect(() => AucAccumulator.fromJSON({ type: 'GaucAccumulator' } as never)).toThrow(/not a serialised AucAccumulator/);
  });
});

describe('binned AUC', () => {
  const exact = auc(labels, scores);
  test.each([10, 100, 1000, 65536])('within its error bound with %i bins', (bins) => {
    const a = new AucAccumulator({ mode: 'binned', bins }).update(labels, scores);
    expect(Math.abs(a.compute() - exact)).toBeLessThanOrEqual(a.errorBound() + 1e-15);
    expect(a.errorBound()).toBeGreaterThanOrEqual(0);
  });
  test('the bound shrinks with more bins, and is 0 when no bin mixes classes', () => {
    const coarse = new AucAccumulator({ mode: 'binned', bins: 10 }).update(labels, scores).errorBound();
    const fine = new AucAccumulator({ mode: 'binned', bins: 1000 }).update(labels, scores).errorBound();
    expect(fine).toBeLessThan(coarse / 10);
    const separated = new AucAccumulator({ mode: 'binned', bins: 4 }).update([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]);
    expect([separated.compute(), separated.errorBound()]).toEqual([1, 0]);
  });
  test('shards merge by addition: same histograms as one pass', () => {
    const one = new AucAccumulator({ mode: 'binned', bins: 256, range: [0, 1.4] }).update(labels, scores, { weights });
    const merged = sharded(() => new AucAccumulator({ mode: 'binned', bins: 256, range: [0, 1.4] }), (x, i, j) =>
      x.update(labels.subarray(i, j), scores.subarray(i, j), { weights: weights.subarray(i, j) }));
    expect(Math.abs(merged.compute() - one.compute())).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(merged.compute() - auc(labels, scores, { weights }))).toBeLessThanOrEqual(merged.errorBound());
  });
  test('scores outside the range count in the edge bins', () => {
    const a = new AucAccumulator({ mode: 'binned', bins: 2 }).update([0, 1, 0, 1], [-5, 7, 0.2, 0.9]);
    expect(a.compute()).toBe(1);
  });
  test('computeAsync', async () => {
    const a = new AucAccumulator({ mode: 'binned', bins: 50 }).update(labels, scores);
    expect(await a.computeAsync()).toBe(a.compute());
  });
});

describe('bad input', () => {
  test('options and merges', () => {
    expect(() => new AucAccumulator({ mode: 'fuzzy' as never })).toThrow(/mode: is "fuzzy"/);
    expect(() => new AucAccumulator({ mode: 'binned', bins: 0 })).toThrow(/bins: 0/);
    expect(() => new AucAccumulator({ mode: 'binned', range: [1, 0] })).toThrow(/range/);
    expect(() => new AucAccumulator().merge(new AucAccumulator({ mode: 'binned' }))).toThrow(/differ in mode/);
    expect(() => new AucAccumulator({ mode: 'binned', bins: 8 }).merge(new AucAccumulator({ mode: 'binned', bins: 9 }))).toThrow(/bins or range/);
    expect(() => new RankingAccumulator({ k: 0 })).toThrow(/k: 0/);
    expect(() => new RankingAccumulator({ k: 5 }).merge(new RankingAccumulator({ k: 10 }))).toThrow(/differ in options/);
  });
  test('a bad batch names its own index', () => {
    expect(() => new AucAccumulator().update([0, 1], [0.1, NaN])).toThrow(/scores\[1\] is not finite/);
    expect(() => new AucAccumulator().update(Uint8Array.from([0, 3]), [0.1, 0.2])).toThrow(/labels\[1\] is 3/);
    expect(() => new AucAccumulator({ mode: 'binned' }).update([0, 1], [0.1, Infinity])).toThrow(/scores\[1\]/);
    expect(() => new GaucAccumulator().update([0, 1], [0.1, 0.2], [1])).toThrow(/groups: has length 1/);
    expect(() => new RankingAccumulator({ k: 1 }).update([0, -1], [0.1, 0.2])).toThrow(/labels\[1\] is -1/);
    const r = new RankingAccumulator({ k: 1 }).update([1], [0.1], [7]);
    expect(() => r.update([1], [0.1])).toThrow(/every batch, or with none/);
  });
  test('empty accumulators compute NaN', () => {
    expect(new AucAccumulator().compute()).toBeNaN();
    expect(new GaucAccumulator().compute().value).toBeNaN();
    expect(new AucAccumulator({ mode: 'binned' }).compute()).toBeNaN();
  });
});
