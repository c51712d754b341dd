/** ROC/PR curves, average precision, KS, Gini, log loss, binary stats: sklearn and definitions. */
import { describe, expect, test } from 'vitest';
import {
  auc, averagePrecision, averagePrecisionAsync, binaryStats, binaryStatsAsync, boxIou, gini, giniAsync, iou, ks, ksAsync,
  logLoss, logLossAsync, prCurve, prCurveAsync, rocCurve, rocCurveAsync,
} from 'reckit';
import fixtures from './fixtures/metrics.json';
import { rng } from './oracle.js';

type Num = number | string;
const num = (x: Num): number => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x === 'nan' ? NaN : (x as number));
function close(a: number, b: number, tol = 1e-12) {
  if (a === b) return; // also ±Infinity
  if (Number.isNaN(b)) expect(a).toBeNaN();
  else expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);
}
function closeAll(got: ArrayLike<number>, expected: Num[], tol = 1e-12) {
  expect(got.length).toBe(expected.length);
  expected.forEach((e, i) => close(got[i], num(e), tol));
}
const scoresOf = (c: { scores: number[]; dtype: string }) => (c.dtype === 'f32' ? Float32Array.from(c.scores) : Float64Array.from(c.scores));
const weightsOf = (c: { weights: number[] | null }) => c.weights ?? undefined;

describe('rocCurve = sklearn roc_curve', () => {
  test.each(fixtures.roc.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const options = { weights: weightsOf(c), dropIntermediate: c.drop_intermediate };
    const r = rocCurve(c.labels, scoresOf(c), options);
    closeAll(r.fpr, c.fpr);
    closeAll(r.tpr, c.tpr);
    closeAll(r.thresholds, c.thresholds, 0); // score values, exact
    expect(await rocCurveAsync(c.labels, scoresOf(c), options)).toEqual(r);
  });
});

describe('prCurve and averagePrecision = sklearn', () => {
  test.each(fixtures.pr.map((c) => [c.name, c] as const))('prCurve: %s', async (_, c) => {
    const r = prCurve(c.labels, scoresOf(c), { weights: weightsOf(c) });
    closeAll(r.precision, c.precision);
    closeAll(r.recall, c.recall);
    closeAll(r.thresholds, c.thresholds, 0);
    expect(await prCurveAsync(c.labels, scoresOf(c), { weights: weightsOf(c) })).toEqual(r);
  });
  test.each(fixtures.ap.map((c) => [c.name, c] as const))('averagePrecision: %s', async (_, c) => {
    close(averagePrecision(c.labels, scoresOf(c), { weights: weightsOf(c) }), c.expected);
    close(await averagePrecisionAsync(c.labels, scoresOf(c), { weights: weightsOf(c) }), c.expected);
  });
});

describe('logLoss = clipped cross-entropy (checked against sklearn log_loss)', () => {
  test.each(fixtures.logloss.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const probs = c.dtype === 'f32' ? Float32Array.from(c.probs) : Float64Array.from(c.probs);
    close(logLoss(c.labels, probs, { eps: c.eps, weights: weightsOf(c) }), c.expected);
    close(await logLossAsync(c.labels, probs, { eps: c.eps, weights: weightsOf(c) }), c.expected);
  });
  test('default eps is 1e-15: a confident miss costs -ln(1e-15)', () => {
    close(logLoss([1], [0]), -Math.log(1e-15), 1e-9);
  });
});

describe('binaryStats = sklearn confusion_matrix, accuracy, precision, recall, f1', () => {
  test.each(fixtures.binary.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const options = { threshold: c.threshold, weights: weightsOf(c) };
    const s = binaryStats(c.labels, scoresOf(c), options);
    for (const m of ['tp', 'fp', 'tn', 'fn', 'accuracy', 'precision', 'recall', 'f1'] as const) close(s[m], c[m]);
    expect(await binaryStatsAsync(c.labels, scoresOf(c), options)).toEqual(s);
  });
});

describe('curves: ties and edge cases by hand', () => {
  // Scores desc: 0.8 (+), 0.5 (+ and −, tied), 0.1 (−).
  const labels = [1, 1, 0, 0];
  const scores = [0.8, 0.5, 0.5, 0.1];
  test('a tied block is one point of the ROC curve, moving diagonally', () => {
    const r = rocCurve(labels, scores);
    expect(Array.from(r.thresholds)).toEqual([Infinity, 0.8, 0.5, 0.1]);
    expect(Array.from(r.tpr)).toEqual([0, 0.5, 1, 1]);
    expect(Array.from(r.fpr)).toEqual([0, 0, 0.5, 1]);
  });
  test('PR curve and AP over the tied block: AP = ½·1 + ½·(2/3)', () => {
    const r = prCurve(labels, scores);
    expect(Array.from(r.recall)).toEqual([1, 1, 0.5, 0]);
    expect(Array.from(r.precision)).toEqual([0.5, 2 / 3, 1, 1]);
    expect(averagePrecision(labels, scores)).toBeCloseTo(0.5 + 1 / 3, 15);
  });
  test('KS = max(TPR − FPR); Gini = 2·AUC − 1', async () => {
    expect(ks(labels, scores)).toBe(0.5);
    expect(await ksAsync(labels, scores)).toBe(0.5);
    expect(gini(labels, scores)).toBe(2 * auc(labels, scores) - 1);
    expect(gini(labels, scores)).toBe(0.75);
    expect(await giniAsync(labels, scores)).toBe(0.75);
  });
  test('KS against the two empirical distributions, random data', () => {
    const random = rng(5);
    const y = Array.from({ length: 500 }, () => (random() < 0.4 ? 1 : 0));
    const s = y.map((l) => Math.round((random() + l * 0.3) * 20) / 20);
    let best = 0;
    for (const t of new Set(s)) {
      const above = (cls: number) => s.filter((v, i) => y[i] === cls && v >= t).length / y.filter((l) => l === cls).length;
      best = Math.max(best, above(1) - above(0));
    }
    close(ks(y, s), best);
  });
  test('one class only: ROC rates NaN, KS NaN, AP 0', () => {
    expect(Array.from(rocCurve([1, 1], [0.2, 0.3]).fpr).every(Number.isNaN)).toBe(true);
    expect(ks([0, 0], [0.2, 0.3])).toBeNaN();
    expect(averagePrecision([0, 0], [0.2, 0.3])).toBe(0);
  });
  test('a score equal to the threshold is predicted positive', () => {
    const s = binaryStats([1, 0, 0], [0.5, 0.5, 0.4]);
    expect([s.tp, s.fp, s.tn, s.fn]).toEqual([1, 1, 1, 0]);
  });
});

describe('boxes', () => {
  test('the Pascal VOC pixel-inclusive form and the continuous form', () => {
    // [0,0,9,9] and [5,5,14,14] as inclusive pixels: 5×5 of 10×10 + 10×10 − 25.
    expect(iou([0, 0, 9, 9], [5, 5, 14, 14], { offset: 1 })).toBe(25 / 175);
    expect(iou([0, 0, 2, 2], [1, 1, 3, 3])).toBe(1 / 7);
    expect(iou([0, 0, 1, 1], [2, 2, 3, 3])).toBe(0);
  });
  test('boxIou is the N × M matrix of pairwise IoU', () => {
    const a = [[0, 0, 2, 2], [0, 0, 1, 1]];
    const b = [[1, 1, 3, 3], [0, 0, 2, 2], [5, 5, 6, 6]];
    const m = boxIou(a, b);
    expect(m.length).toBe(6);
    a.forEach((x, i) => b.forEach((y, j) => expect(m[i * 3 + j]).toBe(iou(x, y))));
    expect(Array.from(m.subarray(0, 3))).toEqual([1 / 7, 1, 0]);
  });
  test('bad boxes', () => {
    expect(() => iou([0, 0, -1, 1], [0, 0, 1, 1])).toThrow(/boxesA: box 0 .* x1 <= x2/);
    expect(() => boxIou([0, 0, 1], [0, 0, 1, 1])).toThrow(/boxesA: has 3 numbers/);
    expect(() => boxIou([0, 0, NaN, 1], [0, 0, 1, 1])).toThrow(RangeError);
  });
});

describe('binary metrics: bad input is a clear error', () => {
  const fns = { rocCurve, prCurve, averagePrecision, ks, binaryStats, logLoss };
  test.each(Object.entries(fns))('%s', (_, f) => {
    const call = f as (l: unknown, s: unknown, o?: unknown) => unknown;
    expect(() => call([0, 1], [0.1])).toThrow(/has length 1, expected 2/);
    expect(() => call([0, 2], [0.1, 0.2])).toThrow(/labels\[1\] is 2/);
    expect(() => call([0, 1], [0.1, NaN])).toThrow(RangeError);
    expect(() => call([0, 1], [0.1, 0.2], { weights: [1, -1] })).toThrow(/weights\[1\] is -1/);
    expect(() => call('01', [0.1, 0.2])).toThrow(TypeError);
  });
  test('options', () => {
    expect(() => logLoss([0, 1], [0.1, 1.2])).toThrow(/probs: probs\[1\] is 1.2/);
    expect(() => logLoss([0, 1], [0.1, 0.2], { eps: 0.7 })).toThrow(/eps: is 0.7/);
    expect(() => binaryStats([0, 1], [0.1, 0.2], { threshold: NaN })).toThrow(/threshold: is NaN/);
    expect(() => rocCurve([0, 1], [0.1, 0.2], { dropIntermediate: 'yes' as never })).toThrow(TypeError);
  });
  test('async variants reject the same way', async () => {
    await expect(rocCurveAsync([0, 1], [0.1, NaN])).rejects.toThrow(/scores\[1\] is not finite/);
    await expect(logLossAsync([0, 1], [0.1, -0.5])).rejects.toThrow(/probs\[1\] is -0.5/);
  });
});

test('counts stay exact past 2^24 rows (constant scores, f32)', () => {
  const n = 2 ** 24 + 3;
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i += 3) labels[i] = 1;
  const P = Math.ceil(n / 3);
  const scores = new Float32Array(n).fill(0.25);
  const s = binaryStats(labels, scores, { threshold: 0.25 });
  expect([s.tp, s.fp, s.tn, s.fn]).toEqual([P, n - P, 0, 0]);
  const r = rocCurve(labels, scores);
  expect(Array.from(r.tpr)).toEqual([0, 1]);
  expect(averagePrecision(labels, scores)).toBe(P / n);
});
