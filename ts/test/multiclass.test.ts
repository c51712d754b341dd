/**
 * Multiclass and multilabel AUC on every backend against scikit-learn's roc_auc_score
 * (python/make_stats_fixtures.py), to 1e-12, and the inputs scikit-learn refuses.
 */
import { describe, expect, test } from 'vitest';
import { auc, multiclassAuc, multiclassAucAsync, multilabelAuc, multilabelAucAsync, type AucAverage } from 'reckit';
import fixtures from './fixtures/stats.json';
import { err } from './errors.js';

type Num = number | string;
const num = (x: Num): number => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x === 'nan' ? NaN : (x as number));
function close(a: number, b: Num) {
  const e = num(b);
  if (Number.isNaN(e)) return expect(a).toBeNaN();
  expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-12);
}
function expectValue(got: number | Float64Array, expected: Num | Num[]) {
  if (Array.isArray(expected)) {
    expect(got).toBeInstanceOf(Float64Array);
    expect((got as Float64Array).length).toBe(expected.length);
    expected.forEach((e, k) => close((got as Float64Array)[k], e));
  } else close(got as number, expected);
}
const matrixOf = (c: { scores: Num[]; dtype: string; classes: number }) => ({
  data: c.dtype === 'f32' ? Float32Array.from(c.scores as number[]) : Float64Array.from(c.scores as number[]),
  shape: [c.scores.length / c.classes, c.classes],
});
type Check = { multi_class?: string; average: string; weighted: boolean; expected: Num | Num[] };
const cases = (list: { name: string; checks: Check[] }[]) =>
  list.flatMap((c) => c.checks.map((k) => [`${c.name}: ${k.multi_class ?? ''} ${k.average}${k.weighted ? ', weighted rows' : ''}`, c, k] as const));

describe('multiclassAuc = sklearn roc_auc_score(multi_class, average, labels=range(C))', () => {
  test.each(cases(fixtures.multiclass))('%s', async (_, c, k) => {
    const options = { multiClass: k.multi_class as 'ovr' | 'ovo', average: k.average as AucAverage, weights: k.weighted ? (c.weights as number[]) : undefined };
    const got = multiclassAuc(c.labels, matrixOf(c), options);
    expectValue(got, k.expected);
    expect(await multiclassAucAsync(c.labels, matrixOf(c), options)).toEqual(got);
  });
});

describe('multilabelAuc = sklearn roc_auc_score on an indicator matrix', () => {
  test.each(cases(fixtures.multilabel))('%s', async (_, c, k) => {
    const options = { average: k.average as AucAverage, weights: k.weighted ? (c.weights as number[]) : undefined };
    const labels = { data: c.labels, shape: [c.labels.length / c.classes, c.classes] };
    const got = multilabelAuc(labels, matrixOf(c), options);
    expectValue(got, k.expected);
    expect(await multilabelAucAsync(labels, matrixOf(c), options)).toEqual(got);
  });
});

describe('matrix arguments', () => {
  const labels = [0, 1, 2, 2, 1];
  const rows = [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4], [0.5, 0.2, 0.3]];
  test('rows, { data, shape } and a flat row-major array agree; defaults ovr, macro', () => {
    const value = multiclassAuc(labels, rows);
    // Class 0: 1; class 1: 3.5 of 6 pairs (one tie); class 2: 1.
    close(value, (2 + 3.5 / 6) / 3);
    expect(multiclassAuc(labels, { data: rows.flat(), shape: [5, 3] })).toBe(value);
    expect(multiclassAuc(labels, Float64Array.from(rows.flat()))).toBe(value);
    expect(Array.from(multiclassAuc(labels, rows, { average: 'none' }))).toEqual([1, 3.5 / 6, 1]);
  });
  test("two classes: scikit-learn scores the positive column as a binary problem; 'ovr' macro equals it", () => {
    const y = [0, 1, 1, 0, 1, 0];
    const p1 = [0.2, 0.7, 0.4, 0.4, 0.9, 0.6];
    const value = multiclassAuc(y, p1.map((p) => [1 - p, p]));
    expect(value).toBe(auc(y, p1));
    expect(value).toBe(multiclassAuc(y, p1.map((p) => [1 - p, p]), { multiClass: 'ovo' }));
  });
  test('multilabel: one side may be flat when the other gives the shape', () => {
    const y = [[1, 0], [0, 1], [1, 1], [0, 0]];
    const s = [[0.9, 0.2], [0.3, 0.8], [0.6, 0.4], [0.1, 0.5]];
    const value = multilabelAuc(y, s);
    expect(multilabelAuc(y.flat(), s)).toBe(value);
    expect(multilabelAuc(y, s.flat())).toBe(value);
    expect(multilabelAuc(y.map((r) => r.map(Boolean)), s)).toBe(value);
  });
});

describe('multiclass and multilabel AUC: what scikit-learn refuses, and bad input', () => {
  const labels = [0, 1, 2, 2, 1];
  const rows = [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4], [0.5, 0.2, 0.3]];
  test('rows must be probabilities (NumPy allclose tolerance)', () => {
    err(() => multiclassAuc(labels, [[0.6, 0.3, 0.2], ...rows.slice(1)]), RangeError, /^scores: row 0 sums to 1.09999\d*; multiclass AUC needs class probabilities/);
    expect(() => multiclassAuc(labels, [[0.6, 0.3, 0.1 + 5e-6], ...rows.slice(1)])).not.toThrow(); // |1 − Σ| ≤ 1e-8 + 1e-5·Σ
  });
  test('ovo: no sample weights, no micro or none', () => {
    err(() => multiclassAuc(labels, rows, { multiClass: 'ovo', weights: [1, 1, 1, 1, 1] }), RangeError, /^weights: are not supported with multiClass 'ovo'/);
    err(() => multiclassAuc(labels, rows, { multiClass: 'ovo', average: 'micro' }), RangeError, /^average: must be 'macro' or 'weighted' with multiClass 'ovo'/);
    err(() => multiclassAuc(labels, rows, { multiClass: 'ovo', average: 'none' }), RangeError, /^average: must be 'macro' or 'weighted'/);
  });
  test('class ids, shapes, options', () => {
    err(() => multiclassAuc([0, 1, 3, 2, 1], rows), RangeError, /^labels: labels\[2\] is 3; class ids must be in \[0, 3\) \(the columns of scores\)$/);
    err(() => multiclassAuc([0, 1, 1.5, 2, 1], rows), RangeError, /^labels: labels\[2\] is 1.5; class ids must be integers >= 0$/);
    err(() => multiclassAuc([0, 1, 2, 2], rows), RangeError, /^scores: has 5 rows, expected 4 \(the length of labels\)$/);
    err(() => multiclassAuc(labels, rows.flat().slice(1)), RangeError, /^scores: has 14 values, not a multiple of the 5 rows of labels$/);
    err(() => multiclassAuc(labels, [[0.5, 0.5], [1, 0, 0], ...rows.slice(2)]), RangeError, /^scores: row 1 has 3 values, expected 2/);
    err(() => multiclassAuc(labels, { data: rows.flat(), shape: [3, 5] }), RangeError, /^scores: has 3 rows, expected 5/);
    err(() => multiclassAuc(labels, { data: rows.flat(), shape: [5, 2] }), RangeError, /^scores: shape \[5,2\] needs 10 values, data has 15$/);
    err(() => multiclassAuc([0, 0, 0], [[1], [1], [1]]), RangeError, /^scores: has 1 column\(s\); multiclass and multilabel AUC need at least 2$/);
    err(() => multiclassAuc(labels, rows, { average: 'samples' as AucAverage }), RangeError, /^average: is "samples"/);
    err(() => multiclassAuc(labels, rows, { multiClass: 'raise' as 'ovr' }), RangeError, /^multiClass: is "raise"/);
    err(() => multiclassAuc(labels, [[0.6, NaN, 0.4], ...rows.slice(1)]), RangeError, /^scores: scores\[1\] is not finite/);
    err(() => multilabelAuc([1, 0, 1, 0], [0.1, 0.2, 0.3, 0.4]), TypeError, /^labels or scores must be a matrix/);
    err(() => multilabelAuc([[1, 0], [2, 0]], [[0.1, 0.2], [0.3, 0.4]]), RangeError, /labels\[2\] is 2/);
    err(() => multilabelAuc([[1, 0], [0, 1]], [[0.1, 0.2, 0.5], [0.3, 0.4, 0.1]]), RangeError, /^scores: has shape \[2, 3\], expected \[2, 2\] \(the shape of labels\)$/);
  });
});
