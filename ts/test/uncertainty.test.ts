/**
 * DeLong's interval and test on every backend, against the O(n²) definition and MLstatkit's
 * Delong_test (python/make_stats_fixtures.py). AUC, variances, covariance and the interval
 * bounds are exact up to the final roundings (1e-12); z and the p-value are compared relative
 * to their size (1e-10): z divides by a square root, and erfc multiplies a relative error of z
 * by about z².
 */
import { describe, expect, test } from 'vitest';
import { auc, aucInterval, aucIntervalAsync, delongTest, delongTestAsync } from 'reckit';
import fixtures from './fixtures/stats.json';
import { err } from './errors.js';

type Num = number | string;
const num = (x: Num): number => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x === 'nan' ? NaN : (x as number));
function close(a: number, b: Num, tol = 1e-12, relative = false) {
  const e = num(b);
  if (Number.isNaN(e)) return expect(a).toBeNaN();
  expect(Math.abs(a - e)).toBeLessThanOrEqual(relative ? tol * Math.max(Math.abs(e), 1e-300) : tol);
}
const scores = (xs: number[], dtype: string) => (dtype === 'f32' ? Float32Array.from(xs) : Float64Array.from(xs));

describe('aucInterval = DeLong by definition', () => {
  test.each(fixtures.delong.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const a = scores(c.scoresA as number[], c.dtypeA);
    const r = aucInterval(c.labels, a, { level: c.level });
    expect(r.auc).toBe(auc(c.labels, a));
    for (const k of ['auc', 'variance', 'stdError', 'lower', 'upper'] as const) close(r[k], c.interval[k]);
    expect(r.level).toBe(c.level);
    expect(await aucIntervalAsync(c.labels, a, { level: c.level })).toEqual(r);
    if (c.mlstatkit) {
      close(r.lower, c.mlstatkit.intervalA[0]);
      close(r.upper, c.mlstatkit.intervalA[1]);
    }
  });
});

describe('delongTest = DeLong by definition and MLstatkit', () => {
  test.each(fixtures.delong.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const [a, b] = [scores(c.scoresA as number[], c.dtypeA), scores(c.scoresB as number[], c.dtypeB)];
    const t = delongTest(c.labels, a, b, { level: c.level });
    for (const k of ['aucA', 'aucB', 'varianceA', 'varianceB', 'covariance', 'difference', 'variance', 'stdError', 'lower', 'upper'] as const) {
      close(t[k], c.test[k]);
    }
    close(t.z, c.test.z, 1e-10, true);
    close(t.pValue, c.test.pValue, 1e-10, true);
    expect(await delongTestAsync(c.labels, a, b, { level: c.level })).toEqual(t);
    if (c.mlstatkit) {
      close(t.z, c.mlstatkit.z, 1e-9, true);
      close(t.pValue, c.mlstatkit.pValue, 1e-8, true);
      close(aucInterval(c.labels, b, { level: c.level }).lower, c.mlstatkit.intervalB[0]);
    }
  });

  test('identical models: difference and variance exactly 0, z 0, p 1 (pROC)', () => {
    const t = delongTest([0, 1, 0, 1, 1], [0.1, 0.4, 0.35, 0.8, 0.2], [0.1, 0.4, 0.35, 0.8, 0.2]);
    expect([t.difference, t.variance, t.z, t.pValue]).toEqual([0, 0, 0, 1]);
  });

  test('the difference is B − A', () => {
    const labels = [0, 0, 1, 1, 0, 1];
    const good = [0.1, 0.2, 0.8, 0.9, 0.3, 0.7];
    const bad = [0.9, 0.2, 0.1, 0.5, 0.3, 0.4];
    const t = delongTest(labels, bad, good);
    expect(t.difference).toBe(auc(labels, good) - auc(labels, bad));
    expect(t.z).toBeGreaterThan(0);
    expect(delongTest(labels, good, bad).z).toBe(-t.z);
  });

  test('the default level is 0.95', () => {
    const r = aucInterval([0, 1, 0, 1, 1, 0], [0.2, 0.6, 0.5, 0.4, 0.9, 0.1]);
    expect(r.level).toBe(0.95);
    close(r.upper, Math.min(1, r.auc + 1.959963984540054 * r.stdError), 1e-15);
  });
});

describe('DeLong: bad input', () => {
  const labels = [0, 1, 0, 1];
  const s = [0.1, 0.7, 0.3, 0.6];
  test('two score arrays of different lengths name the one that differs', () => {
    err(() => delongTest(labels, s, [0.1, 0.2, 0.3]), RangeError, /^scoresB: has length 3, expected 4 \(the length of labels\)$/);
    err(() => delongTest(labels, [0.1], s), RangeError, /^scoresA: has length 1, expected 4/);
  });
  test('non-finite scores, labels, level, options', async () => {
    err(() => delongTest(labels, s, [0.1, NaN, 0.3, 0.2]), RangeError, /^scoresB: scoresB\[1\] is not finite/);
    err(() => aucInterval(labels, [0.1, Infinity, 0.3, 0.2]), RangeError, /^scores: scores\[1\] is not finite/);
    err(() => aucInterval([0, 2, 0, 1], s), RangeError, /labels\[1\] is 2/);
    err(() => aucInterval(labels, s, { level: 1 }), RangeError, /^level: is 1; it must be in \(0, 1\)$/);
    err(() => aucInterval(labels, s, { level: NaN }), RangeError, /^level: is NaN/);
    err(() => aucInterval(labels, s, { level: '0.9' as unknown as number }), TypeError, /^level must be a number/);
    err(() => aucInterval([], []), RangeError, /^labels is empty$/);
    await expect(delongTestAsync(labels, s, [1, 2])).rejects.toThrow(RangeError);
  });
  test('one class: NaN; one positive: NaN variance, the AUC stays', () => {
    const one = aucInterval([1, 1, 1], [0.1, 0.2, 0.3]);
    expect([one.auc, one.variance, one.lower, one.upper]).toEqual([NaN, NaN, NaN, NaN]);
    const single = aucInterval([1, 0, 0, 0], [0.5, 0.1, 0.7, 0.2]);
    expect(single.auc).toBe(2 / 3);
    expect(single.variance).toBeNaN();
  });
});
