/**
 * Apache Arrow JS columns (`Vector`s, `table.getChild(name)`) in every metric function and
 * accumulator: the same results as the plain arrays they hold, no copy of a single-chunk
 * Float32/Float64 column, and nulls as errors naming the argument and the index.
 */
import { describe, expect, test } from 'vitest';
import {
  Bool, Dictionary, Float16, Float32, Float64, Int8, Int32, Int64, Uint8, Utf8, makeVector, tableFromArrays, tableFromIPC, tableToIPC, vectorFromArray, type Vector,
} from 'apache-arrow';
import {
  AucAccumulator, GaucAccumulator, RankingAccumulator, auc, aucAsync, averagePrecision, binaryStats, gauc, gaucAsync, gaucReport, gini, ks, logLoss, logLossAsync,
  ndcgAtK, prCurve, rankingMetrics, rankingMetricsAsync, recallAtK, rocCurve,
} from 'reckit';
// The argument conversions themselves, to check that no copy is made.
import { toGroups, toLabels, toScores } from '../../dist/arguments.js';
import { rng } from './oracle.js';

const random = rng(2026);
const n = 3000;
const labels = Uint8Array.from({ length: n }, () => (random() < 0.3 ? 1 : 0));
const scores = Float64Array.from(labels, (l) => Math.round((random() + 0.3 * l) * 500) / 500); // ties
const scores32 = Float32Array.from(scores);
const probs = Float64Array.from(scores, (s) => s / 1.4);
const weights = Float64Array.from(labels, () => Math.round(random() * 40) / 10);
const users = Int32Array.from(labels, () => Math.floor(random() ** 2 * 300));
const names = Array.from(users, (u) => `user-${u}`);
const relevance = Float64Array.from(labels, (l) => l * (1 + Math.floor(random() * 3)));

/** A column in three chunks (as a table read batch by batch has). */
function chunked<T extends Vector>(v: T): T {
  return v.slice(0, 1000).concat(v.slice(1000, 1700), v.slice(1700)) as T;
}

describe('metrics of Arrow columns equal those of the arrays they hold', () => {
  const lv = makeVector(labels);
  const sv = makeVector(scores);
  const s32 = makeVector(scores32);
  const uv = makeVector(users);
  const dv = vectorFromArray(names, new Dictionary(new Utf8(), new Int32()));
  const nv = vectorFromArray(names, new Utf8());

  test('the README example: auc 0.75, gauc 0.85', () => {
    const l = vectorFromArray([true, false, false, true, false], new Bool());
    const s = makeVector(new Float32Array([0.9, 0.4, 0.35, 0.35, 0.1]));
    const u = vectorFromArray(['u1', 'u1', 'u2', 'u2', 'u2'], new Dictionary(new Utf8(), new Int32()));
    expect(auc(l, s)).toBe(0.75);
    expect(gauc(l, s, u)).toBeCloseTo(0.85, 15);
    expect(gaucReport(l, s, u, { weighting: 'uniform' })).toEqual({ value: 0.875, groups: 2, skippedGroups: 0 });
  });

  test('binary metrics and curves, f64 and f32 scores, with weights', async () => {
    for (const [v, a] of [[sv, scores], [s32, scores32]] as const) {
      expect(auc(lv, v)).toBe(auc(labels, a));
      expect(auc(lv, v, { weights: makeVector(weights) })).toBe(auc(labels, a, { weights }));
      expect(await aucAsync(lv, v)).toBe(auc(labels, a));
      expect(rocCurve(lv, v)).toEqual(rocCurve(labels, a));
      expect(prCurve(lv, v)).toEqual(prCurve(labels, a));
      expect(averagePrecision(lv, v)).toBe(averagePrecision(labels, a));
      expect(ks(lv, v)).toBe(ks(labels, a));
      expect(gini(lv, v)).toBe(gini(labels, a));
      expect(binaryStats(lv, v, { threshold: 0.6 })).toEqual(binaryStats(labels, a, { threshold: 0.6 }));
    }
    const pv = makeVector(probs);
    expect(logLoss(lv, pv)).toBe(logLoss(labels, probs));
    expect(await logLossAsync(lv, pv)).toBe(logLoss(labels, probs));
    expect(auc(lv, sv)).toBeGreaterThan(0.6); // a real AUC, not a degenerate one
  });

  test('labels as Bool, Int8, Int64 and Float64 columns', () => {
    const want = auc(labels, scores);
    expect(auc(vectorFromArray(Array.from(labels, Boolean), new Bool()), sv)).toBe(want);
    expect(auc(vectorFromArray(Array.from(labels), new Int8()), sv)).toBe(want);
    expect(auc(vectorFromArray(Array.from(labels, BigInt), new Int64()), sv)).toBe(want);
    expect(auc(makeVector(Float64Array.from(labels)), sv)).toBe(want);
    // A sliced Bool column: its bits start mid-byte.
    const bools = vectorFromArray([true, false, true, ...Array.from(labels, Boolean)], new Bool()).slice(3);
    expect(auc(bools, sv)).toBe(want);
  });

  test('group ids as Int32, Int64, Utf8 and dictionary-string columns', async () => {
    const byInt = gaucReport(labels, scores, users);
    expect(gaucReport(lv, sv, uv)).toEqual(byInt);
    expect(gaucReport(lv, sv, vectorFromArray(Array.from(users, BigInt), new Int64()))).toEqual(gaucReport(labels, scores, BigInt64Array.from(users, BigInt)));
    const byName = gaucReport(labels, scores, names);
    expect(gaucReport(lv, sv, dv)).toEqual(byName);
    expect(gaucReport(lv, sv, nv)).toEqual(byName);
    expect(await gaucAsync(lv, sv, dv)).toBe(byName.value);
    expect(byName.groups + byName.skippedGroups).toBe(new Set(users).size);
    // Explicit weights match dictionary values.
    const groupWeights = new Map(names.map((u) => [u, u.length]));
    expect(gauc(lv, sv, dv, { groupWeights })).toBe(gauc(labels, scores, names, { groupWeights }));
  });

  test('ranking metrics with query ids from Arrow columns', async () => {
    const rv = makeVector(relevance);
    const want = rankingMetrics(relevance, scores, { k: [5, 10], groups: names });
    expect(rankingMetrics(rv, sv, { k: [5, 10], groups: dv })).toEqual(want);
    expect(await rankingMetricsAsync(rv, sv, { k: [5, 10], groups: dv })).toEqual(want);
    expect(rankingMetrics(rv, sv, { k: 10, groups: uv })).toEqual(rankingMetrics(relevance, scores, { k: 10, groups: users }));
    expect(ndcgAtK(rv, sv, 10, { groups: dv })).toBe(ndcgAtK(relevance, scores, 10, { groups: names }));
    expect(recallAtK(lv, sv, 5, { groups: nv })).toBe(recallAtK(labels, scores, 5, { groups: names }));
  });

  test('columns of several chunks, sliced columns and a table read back from IPC', () => {
    expect(chunked(sv).data.length).toBe(3);
    expect(auc(chunked(lv), chunked(sv))).toBe(auc(labels, scores));
    expect(gaucReport(chunked(lv), chunked(s32), chunked(dv))).toEqual(gaucReport(labels, scores32, names));
    expect(gaucReport(lv, sv, chunked(uv))).toEqual(gaucReport(labels, scores, users));
    const tail = makeVector(scores).slice(1000);
    expect(auc(labels.subarray(1000), tail)).toBe(auc(labels.subarray(1000), scores.subarray(1000)));
    const table = tableFromIPC(tableToIPC(tableFromArrays({ label: labels, score: scores32, user: users })));
    const [l, s, u] = ['label', 'score', 'user'].map((c) => table.getChild(c)!);
    expect(gaucReport(l, s, u)).toEqual(gaucReport(labels, scores32, users));
    expect(auc(l, s)).toBe(auc(labels, scores32));
  });

  test('half floats become f32; dictionary-encoded numbers are looked up', () => {
    const halves = [0.5, 0.25, 0.75, 0.125, 1];
    const hv = vectorFromArray(halves, new Float16());
    const l = [1, 0, 1, 0, 1];
    expect(auc(l, hv)).toBe(auc(l, new Float32Array(halves)));
    const dictScores = vectorFromArray(Array.from(scores.subarray(0, 200)), new Dictionary(new Float64(), new Int32()));
    expect(auc(labels.subarray(0, 200), dictScores)).toBe(auc(labels.subarray(0, 200), scores.subarray(0, 200)));
  });

  test('accumulators take Arrow batches and equal the one-shot functions', () => {
    const parts: [number, number][] = [[0, 1000], [1000, 1700], [1700, n]];
    const a = new AucAccumulator();
    const g = new GaucAccumulator();
    const r = new RankingAccumulator({ k: [5, 10] });
    for (const [i, j] of parts) {
      a.update(lv.slice(i, j), s32.slice(i, j), { weights: makeVector(weights).slice(i, j) });
      g.update(lv.slice(i, j), sv.slice(i, j), dv.slice(i, j));
      r.update(makeVector(relevance).slice(i, j), sv.slice(i, j), dv.slice(i, j));
    }
    expect(a.compute()).toBe(auc(labels, scores32, { weights }));
    expect(g.compute()).toEqual(gaucReport(labels, scores, names));
    expect(r.compute()).toEqual(rankingMetrics(relevance, scores, { k: [5, 10], groups: names }));
    const ints = new GaucAccumulator();
    for (const [i, j] of parts) ints.update(lv.slice(i, j), sv.slice(i, j), uv.slice(i, j));
    const one = gaucReport(labels, scores, users);
    const got = ints.compute();
    expect([got.groups, got.skippedGroups]).toEqual([one.groups, one.skippedGroups]);
    // Not bit for bit by design: the accumulator keeps an Arrow column's ids as a plain array,
    // numbered in order of first appearance, while gaucReport keys an Int32Array by value, so the
    // groups are summed in another order (accumulators.ts copies ids that are not a typed array with Array.from).
    expect(got.value).toBeCloseTo(one.value, 14);
  });
});

describe('no copy: single-chunk columns reach the core as the arrays Arrow holds', () => {
  test('Float32 and Float64 scores, Uint8 labels, Int32 group ids', () => {
    const f32 = makeVector(scores32);
    const f64 = makeVector(scores);
    expect(toScores(f32, n)).toBe(f32.data[0].values);
    expect(toScores(f64, n)).toBe(f64.data[0].values);
    const l = makeVector(labels);
    expect(toLabels(l)).toBe(l.data[0].values);
    const u = makeVector(users);
    expect(toGroups(u, n).keys.buffer).toBe(u.data[0].values.buffer);
    // A slice is a view of the same memory, not a copy.
    const tail = f32.slice(10);
    const view = toScores(tail, n - 10);
    expect([view.buffer, view.byteOffset, view.length]).toEqual([scores32.buffer, 40, n - 10]);
  });

  test('several chunks are joined into one array (one copy), of the same type', () => {
    const joined = toScores(chunked(makeVector(scores32)), n);
    expect(joined).toBeInstanceOf(Float32Array);
    expect(joined.buffer).not.toBe(scores32.buffer);
    expect(Array.from(joined)).toEqual(Array.from(scores32));
  });
});

describe('nulls and unsupported columns are errors naming the argument', () => {
  const l = [1, 0, 1, 0, 1];
  const s = [0.9, 0.8, 0.7, 0.6, 0.5];

  test('a null label, score, weight or group id: TypeError with its index', async () => {
    const withNull = (type: Float64 | Int32, at: number) => vectorFromArray(Array.from({ length: 5 }, (_, i) => (i === at ? null : type instanceof Int32 ? l[i] : s[i])), type);
    expect(() => auc(withNull(new Int32(), 3), s)).toThrow(new TypeError('labels[3] is null (the Arrow column has 1 null); labels cannot hold nulls'));
    expect(() => auc(l, withNull(new Float64(), 2))).toThrow(new TypeError('scores[2] is null (the Arrow column has 1 null); scores cannot hold nulls'));
    await expect(aucAsync(l, withNull(new Float64(), 0))).rejects.toThrow('scores[0] is null');
    expect(() => auc(l, s, { weights: withNull(new Float64(), 4) })).toThrow('weights[4] is null');
    expect(() => logLoss(l, withNull(new Float64(), 1))).toThrow('probs[1] is null');
    expect(() => gauc(l, s, vectorFromArray(['a', 'a', null, 'b', 'b'], new Utf8()))).toThrow(new TypeError('groups[2] is null (the Arrow column has 1 null); groups cannot hold nulls'));
    expect(() => gauc(l, s, vectorFromArray(['a', 'a', 'b', null, null], new Dictionary(new Utf8(), new Int32())))).toThrow(
      new TypeError('groups[3] is null (the Arrow column has 2 nulls); groups cannot hold nulls'),
    );
    // In a later chunk: the index counts from the column's start.
    const chunks = makeVector(new Float64Array([0.1, 0.2])).concat(withNull(new Float64(), 1).slice(0, 3));
    expect(() => auc(l, chunks)).toThrow('scores[3] is null');
    expect(() => new AucAccumulator().update(l, withNull(new Float64(), 2))).toThrow('scores[2] is null');
    expect(() => rankingMetrics(withNull(new Float64(), 1), s, { k: 2 })).toThrow('labels[1] is null');
  });

  test('text scores, Bool scores and Bool group ids are TypeErrors; lengths are checked', () => {
    expect(() => auc(l, vectorFromArray(['0.9', '0.8', '0.7', '0.6', '0.5'], new Utf8()))).toThrow(new TypeError('scores is an Arrow Utf8 column; scores must be a numeric column'));
    expect(() => auc(l, vectorFromArray([true, false, true, false, true], new Bool()))).toThrow(new TypeError('scores is an Arrow Bool column; scores must be a numeric column'));
    expect(() => gauc(l, s, vectorFromArray([true, true, false, false, true], new Bool()))).toThrow(new TypeError('groups is an Arrow Bool column; groups must be an integer, string or dictionary column'));
    expect(() => auc(l, makeVector(new Float64Array(4)))).toThrow(new RangeError('scores: has length 4, expected 5 (the length of labels)'));
    expect(() => auc(vectorFromArray([2, 0, 1], new Uint8()), [0.1, 0.2, 0.3])).toThrow(RangeError);
  });
});
