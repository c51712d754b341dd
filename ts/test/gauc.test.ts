import { describe, expect, test } from 'vitest';
import { auc, gauc, gaucAsync, gaucReport, gaucReportAsync } from 'reckit';
import { naiveGauc, rng, shuffle } from './oracle.js';

const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);

// The worked GAUC example (`test_auc` in the NumPy reference snippets, docs/conventions.md):
// groups 0, 1, 2 with weights {0: 1, 1: 1, 2: 1}.
const worked = {
  labels: [1, 0, 0, 0, 1, 0, 1, 0, 0, 1],
  scores: [0.9, 0.4, 0.3, 0.1, 0.35, 0.6, 0.65, 0.32, 0.8, 0.7],
  groups: [0, 0, 0, 1, 1, 1, 2, 2, 2, 2],
};

describe('gauc: the worked example', () => {
  // Group 0: the positive 0.9 beats both negatives → 1. Group 1: 0.35 beats 0.1, loses to
  // 0.6 → ½. Group 2: positives 0.65, 0.7 vs negatives 0.32, 0.8 → 2/4 = ½.
  test('uniform weights: (1 + ½ + ½) / 3', () => {
    expect(gauc(worked.labels, worked.scores, worked.groups, { weighting: 'uniform' })).toBeCloseTo(2 / 3, 15);
    expect(gauc(worked.labels, worked.scores, worked.groups, { groupWeights: { 0: 1, 1: 1, 2: 1 } })).toBeCloseTo(2 / 3, 15);
  });
  test('impressions (default): (3·1 + 3·½ + 4·½) / 10', () => {
    expect(gauc(worked.labels, worked.scores, worked.groups)).toBeCloseTo(0.65, 15);
  });
  test('clicks: (1·1 + 1·½ + 2·½) / 4', () => {
    expect(gauc(worked.labels, worked.scores, worked.groups, { weighting: 'clicks' })).toBeCloseTo(0.625, 15);
  });
});

describe('gauc: against the per-group definition', () => {
  const random = rng(21);
  const n = 4000;
  // ~300 users, unsorted and interleaved; some users see one class only; scores with ties.
  const user = Array.from({ length: n }, () => Math.floor(random() ** 2 * 300));
  const labels = user.map((u) => (u % 17 === 0 ? 1 : u % 13 === 0 ? 0 : random() < 0.25 ? 1 : 0));
  const scores = Array.from({ length: n }, () => Math.round(random() * 50) / 50);
  const weighting = { impressions: (rows: number) => rows, clicks: (_: number, pos: number) => pos, uniform: () => 1 };
  for (const [name, w] of Object.entries(weighting)) {
    test(`${name}`, () => {
      const expected = naiveGauc(labels, scores, user, w);
      const got = gaucReport(labels, scores, user, { weighting: name as keyof typeof weighting });
      close(got.value, expected.value);
      expect([got.groups, got.skippedGroups]).toEqual([expected.groups, expected.skippedGroups]);
      expect(got.skippedGroups).toBeGreaterThan(0);
    });
  }
  test('explicit group weights (Map with string ids)', () => {
    const ids = user.map((u) => `u${u}`);
    const weights = new Map([...new Set(ids)].map((id) => [id, 1 + (Number(id.slice(1)) % 5)]));
    const expected = naiveGauc(labels, scores, ids, (_r, _p, id) => weights.get(id as string)!);
    close(gauc(labels, scores, ids, { groupWeights: weights }), expected.value);
  });
  test('group id containers are interchangeable', () => {
    const expected = gaucReport(labels, scores, user);
    for (const ids of [Int32Array.from(user, (u) => u - 150), Uint32Array.from(user), Uint16Array.from(user),
      user.map((u) => `user-${u}`), BigInt64Array.from(user, BigInt), Float64Array.from(user, (u) => u * 1e10)] as const) {
      // Ids number the groups differently, so the weighted sum runs in another order: ≤ 1e-12.
      const got = gaucReport(labels, scores, ids as never);
      expect([got.groups, got.skippedGroups]).toEqual([expected.groups, expected.skippedGroups]);
      close(got.value, expected.value);
    }
  });
  test('invariant under permutation of rows', () => {
    const order = shuffle([...Array(n).keys()], random);
    const got = gaucReport(order.map((i) => labels[i]), order.map((i) => scores[i]), order.map((i) => user[i]));
    expect(got.groups).toBe(gaucReport(labels, scores, user).groups);
    close(got.value, gaucReport(labels, scores, user).value);
  });
  test('one group equals auc', () => {
    expect(gauc(labels, scores, new Uint32Array(n).fill(7))).toBe(auc(labels, scores));
  });
});

describe('gauc: edge cases', () => {
  test('no group with both classes gives NaN and counts the skipped groups', () => {
    expect(gaucReport([1, 0, 1], [0.2, 0.1, 0.3], ['a', 'b', 'c'])).toEqual({ value: NaN, groups: 0, skippedGroups: 3 });
  });
  test('groups ids over the u32 range and negative ids', () => {
    const r = gaucReport([1, 0, 1, 0], [0.9, 0.1, 0.1, 0.9], [-1, -1, 2 ** 40, 2 ** 40]);
    expect(r).toEqual({ value: 0.5, groups: 2, skippedGroups: 0 });
  });
  test('async twins equal the sync results', async () => {
    expect(await gaucAsync(worked.labels, worked.scores, worked.groups, { weighting: 'uniform' })).toBe(
      gauc(worked.labels, worked.scores, worked.groups, { weighting: 'uniform' }),
    );
    expect(await gaucReportAsync(worked.labels, worked.scores, worked.groups)).toEqual(gaucReport(worked.labels, worked.scores, worked.groups));
  });
});

describe('gauc: bad input is a clear error', () => {
  const { labels, scores, groups } = worked;
  test.each([
    ['groups of the wrong length', () => gauc(labels, scores, groups.slice(1)), RangeError, /^groups: has length 9, expected 10/],
    ['unknown weighting', () => gauc(labels, scores, groups, { weighting: 'views' as never }), RangeError, /^weighting: unknown weighting "views"/],
    ['weighting and groupWeights', () => gauc(labels, scores, groups, { weighting: 'uniform', groupWeights: {} }), RangeError, /either weighting or groupWeights/],
    ['a weight missing', () => gauc(labels, scores, groups, { groupWeights: { 0: 1, 2: 1 } }), RangeError, /^groupWeights: has no weight for group 1$/],
    ['a string id missing', () => gauc(labels, scores, groups.map((g) => `g${g}`), { groupWeights: { g0: 1, g1: 1 } }), RangeError, /no weight for group g2$/],
    ['a negative group weight', () => gauc(labels, scores, groups, { groupWeights: { 0: 1, 1: -2, 2: 1 } }), RangeError, /^groupWeights: .* is -2/],
    ['groups not an array', () => gauc(labels, scores, 5 as never), TypeError, /^groups must be an array/],
    ['an object as group id', () => gauc([0, 1], [0.1, 0.2], [{}, {}] as never), TypeError, /^groups\[0\] is Object/],
    ['NaN score', () => gauc(labels, scores.map(() => NaN), groups), RangeError, /^scores: scores\[0\] is not finite/],
    ['label 2', () => gauc([2, 0], [0.1, 0.2], [1, 1]), RangeError, /^labels: labels\[0\] is 2/],
  ])('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
