import { describe, expect, test } from 'vitest';
import { auc, aucAsync } from 'reckit';
import { pairwiseAuc, rng, shuffle } from './oracle.js';

const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);

describe('auc: hand-computed cases', () => {
  test('no ties', () => {
    // Pairs (pos, neg): (0.35, 0.1) ✓, (0.35, 0.4) ✗, (0.8, 0.1) ✓, (0.8, 0.4) ✓ → 3/4.
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });
  test('ties count one half', () => {
    expect(auc([0, 1], [0.5, 0.5])).toBe(0.5);
    // pos 0.5 vs neg 0.5 (½) and neg 0.2 (1); pos 0.9 vs both (1, 1) → 3.5/4.
    expect(auc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.2])).toBe(0.875);
    expect(auc([1, 0, 1, 0], new Float32Array([1, 1, 1, 1]))).toBe(0.5);
  });
  test('-0 equals +0', () => {
    expect(auc([1, 0], [-0, 0])).toBe(0.5);
  });
  test('one class gives NaN', () => {
    expect(auc([1, 1, 1], [0.1, 0.2, 0.3])).toBeNaN();
    expect(auc([0, 0], [0.1, 0.2])).toBeNaN();
  });
  test('weights: a pair counts w+ · w-', () => {
    // pos(0.8, w=2) beats neg(0.3, w=1) and neg(0.9, w=3) beats it: (2·1) / (2·(1+3)) = 0.25.
    expect(auc([1, 0, 0], [0.8, 0.3, 0.9], { weights: [2, 1, 3] })).toBe(0.25);
    // Zero total weight on one class: NaN.
    expect(auc([1, 0], [0.8, 0.3], { weights: [0, 1] })).toBeNaN();
  });
});

describe('auc: against the pairwise definition', () => {
  const random = rng(7);
  for (const [n, levels, weighted] of [[50, 5, false], [400, 20, true], [1000, 0, false], [1500, 37, true]] as const) {
    test(`n=${n}, ${levels ? `${levels} score levels (ties)` : 'distinct scores'}${weighted ? ', weighted' : ''}`, () => {
      const labels = Array.from({ length: n }, () => (random() < 0.3 ? 1 : 0));
      const scores = Array.from({ length: n }, () => (levels ? Math.floor(random() * levels) / levels : random()) - 0.5);
      const weights = weighted ? Array.from({ length: n }, () => random() * 4) : undefined;
      close(auc(labels, scores, { weights }), pairwiseAuc(labels, scores, weights));
      const f32 = new Float32Array(scores);
      close(auc(labels, f32, { weights }), pairwiseAuc(labels, f32, weights));
    });
  }
});

describe('auc: properties', () => {
  const random = rng(11);
  const n = 3000;
  const labels = Array.from({ length: n }, () => (random() < 0.2 ? 1 : 0));
  const scores = Array.from({ length: n }, () => random());
  test('negating distinct scores gives 1 - AUC', () => {
    close(auc(labels, scores.map((s) => -s)), 1 - auc(labels, scores));
  });
  test('invariant under permutation of rows', () => {
    const order = shuffle([...Array(n).keys()], random);
    expect(auc(order.map((i) => labels[i]), order.map((i) => scores[i]))).toBe(auc(labels, scores));
  });
  test('label containers are interchangeable', () => {
    const expected = auc(labels, scores);
    expect(auc(Uint8Array.from(labels), scores)).toBe(expected);
    expect(auc(Int32Array.from(labels), scores)).toBe(expected);
    expect(auc(Float64Array.from(labels), scores)).toBe(expected);
    expect(auc(labels.map((l) => l === 1), scores)).toBe(expected);
  });
  test('f64 scores are not rounded to f32', () => {
    // 0.5 + i·1e-12 are distinct doubles but the same float: f64 → perfect ranking, f32 → all tied.
    const s = Array.from({ length: 100 }, (_, i) => 0.5 + i * 1e-12);
    const l = s.map((_, i) => (i >= 50 ? 1 : 0));
    expect(auc(l, Float64Array.from(s))).toBe(1);
    expect(auc(l, Float32Array.from(s))).toBe(0.5);
  });
});

test('auc: exact past 2^24 rows (no f32 counters)', () => {
  // Rows i = 0..n-1 with score i, positive when i is odd. The positive 2k+1 beats the k+1
  // negatives 0, 2, …, 2k, so with m positives and m negatives AUC = (m+1) / (2m) exactly.
  const m = 2 ** 23 + 2 ** 19;
  const labels = new Uint8Array(2 * m);
  const scores = new Float64Array(2 * m);
  for (let i = 0; i < 2 * m; i++) {
    labels[i] = i & 1;
    scores[i] = i;
  }
  expect(auc(labels, scores)).toBe((m + 1) / (2 * m));
});

describe('aucAsync', () => {
  test('equals auc', async () => {
    const random = rng(3);
    const labels = Array.from({ length: 5000 }, () => (random() < 0.5 ? 1 : 0));
    const scores = new Float32Array(Array.from({ length: 5000 }, () => random()));
    const weights = Array.from({ length: 5000 }, () => random());
    expect(await aucAsync(labels, scores)).toBe(auc(labels, scores));
    expect(await aucAsync(labels, scores, { weights })).toBe(auc(labels, scores, { weights }));
  });
  test('does not block the calling thread', async () => {
    const n = 4_000_000;
    const random = rng(5);
    const labels = new Uint8Array(n);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = random() < 0.1 ? 1 : 0;
      scores[i] = random();
    }
    // A timer can only fire before the promise settles if the work runs elsewhere.
    let ticked = false;
    setTimeout(() => (ticked = true), 0);
    const value = await aucAsync(labels, scores);
    expect(ticked).toBe(true);
    expect(value).toBeGreaterThan(0.49);
    expect(value).toBeLessThan(0.51);
  });
  test('rejects bad input with the same errors', async () => {
    await expect(aucAsync([0, 1], [0.1, NaN])).rejects.toThrow(RangeError);
    await expect(aucAsync([0, 1], [0.1, NaN])).rejects.toThrow(/^scores: scores\[1\] is not finite/);
    await expect(aucAsync([0, 2], [0.1, 0.2])).rejects.toThrow(/labels\[1\] is 2/);
  });
});

describe('auc: bad input is a clear error', () => {
  test.each([
    ['length mismatch', () => auc([0, 1, 1], [0.1, 0.2]), RangeError, /^scores: has length 2, expected 3/],
    ['NaN score', () => auc([0, 1], [0.1, NaN]), RangeError, /^scores: scores\[1\] is not finite/],
    ['Infinity score', () => auc([0, 1], new Float32Array([Infinity, 0.2])), RangeError, /^scores: scores\[0\] is not finite/],
    ['label 2 (number[])', () => auc([0, 2], [0.1, 0.2]), RangeError, /^labels: labels\[1\] is 2/],
    ['label 2 (Uint8Array)', () => auc(new Uint8Array([0, 1, 2]), [0.1, 0.2, 0.3]), RangeError, /^labels: labels\[2\] is 2/],
    ['label 0.5', () => auc(new Float32Array([0, 0.5]), [0.1, 0.2]), RangeError, /labels\[1\] is 0.5/],
    ['empty arrays', () => auc([], []), RangeError, /^labels is empty/],
    ['negative weight', () => auc([0, 1], [0.1, 0.2], { weights: [1, -1] }), RangeError, /^weights: weights\[1\] is -1/],
    ['NaN weight', () => auc([0, 1], [0.1, 0.2], { weights: [NaN, 1] }), RangeError, /^weights: weights\[0\] is NaN/],
    ['weights length', () => auc([0, 1], [0.1, 0.2], { weights: [1] }), RangeError, /^weights: has length 1/],
    ['scores not an array', () => auc([0, 1], 'ab' as never), TypeError, /^scores must be an array/],
    ['labels missing', () => auc(undefined as never, [0.1]), TypeError, /^labels must be an array/],
    ['string score', () => auc([0, 1], [0.1, '0.2'] as never), TypeError, /^scores\[1\] is string/],
  ])('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
