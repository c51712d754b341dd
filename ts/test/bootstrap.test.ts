/**
 * bootstrap() on every backend against python/make_bootstrap_fixtures.py, which rebuilds the
 * documented random streams and recomputes every resample with scikit-learn, and the
 * intervals with NumPy's percentile and SciPy's BCa formulas.
 */
import { describe, expect, test } from 'vitest';
import { auc, bootstrap, bootstrapAsync, gaucReport, logLoss, rankingMetrics, type BootstrapMetric } from 'reckit';
import cases from './fixtures/bootstrap.json';

const close = (a: number, b: number, what: string) => expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12);

describe('bootstrap = the Python oracle, resample by resample', () => {
  test.each(cases.map((c) => [`${c.metric} (${c.sampling})`, c] as const))('%s', async (_, c) => {
    const c2 = c as typeof c & { groups?: number[]; weights?: number[] };
    for (const method of ['percentile', 'bca'] as const) {
      const options = { seed: c.seed, resamples: c.resamples, sampling: c.sampling as 'multinomial' | 'poisson', method, groups: c2.groups, weights: c2.weights, values: true };
      const r = bootstrap(c.metric as BootstrapMetric, c.labels, c.scores, options);
      close(r.estimate, c.estimate, 'estimate');
      expect(r.values!.length).toBe(c.resamples);
      c.values.forEach((v, b) => close(r.values![b], v, `resample ${b}`));
      const [lower, upper] = method === 'bca' ? c.bca : c.percentile;
      close(r.lower, lower, `${method} lower`);
      close(r.upper, upper, `${method} upper`);
      close(r.standardError, c.stdError, 'standard error');
      expect([r.used, r.level, r.unit]).toEqual([c.used, 0.95, c.metric === 'gauc' || c.metric.includes('@') ? 'groups' : 'rows']);
      // Off the thread: the same numbers.
      expect(await bootstrapAsync(c.metric as BootstrapMetric, c.labels, c.scores, options)).toEqual(r);
    }
  });
});

describe('bootstrap', () => {
  const n = 2000;
  let state = 99;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31), state / 2 ** 31);
  const labels = Uint8Array.from({ length: n }, () => (random() < 0.3 ? 1 : 0));
  const scores = Float64Array.from(labels, (l) => random() * 0.7 + 0.3 * l);
  const users = Uint32Array.from({ length: n }, () => Math.floor(random() * 150));

  test('its estimate is the one-shot metric; the interval holds it; a seed fixes the result', () => {
    const a = bootstrap('auc', labels, scores, { seed: 3, resamples: 200 });
    expect(a.estimate).toBe(auc(labels, scores));
    expect(a.lower).toBeLessThan(a.estimate);
    expect(a.upper).toBeGreaterThan(a.estimate);
    expect(bootstrap('auc', labels, scores, { seed: 3, resamples: 200 })).toEqual(a);
    expect(bootstrap('auc', labels, scores, { seed: 4, resamples: 200 }).lower).not.toBe(a.lower);
    expect(bootstrap('gauc', labels, scores, { groups: users, resamples: 100 }).estimate).toBe(gaucReport(labels, scores, users).value);
    expect(bootstrap('logLoss', labels, scores, { resamples: 50 }).estimate).toBe(logLoss(labels, scores));
    expect(bootstrap('mrr@5', labels, scores, { groups: users, resamples: 50 }).estimate).toBe(rankingMetrics(labels, scores, { groups: users, k: 5 }).at[5].mrr);
  });

  test('ids as a typed array or as strings resample the same groups (ordered by first appearance)', () => {
    const names = Array.from(users, (u) => `user-${u}`);
    const typed = bootstrap('gauc', labels, scores, { groups: users, resamples: 60 });
    expect(bootstrap('gauc', labels, scores, { groups: names, resamples: 60 })).toEqual(typed);
  });

  test('bad input: a clear error naming the argument', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => bootstrap('auc', labels, scores.subarray(1)), /scores/],
      [() => bootstrap('aucc' as BootstrapMetric, labels, scores), /metric: unknown metric "aucc"; known: auc, gauc/],
      [() => bootstrap('ndcg@0', labels, scores, { groups: users }), /metric: "ndcg@0": K must be an integer/],
      [() => bootstrap('gauc', labels, scores), /groups: are required by gauc/],
      [() => bootstrap('gauc', labels, scores, { groups: new Uint32Array(n) }), /groups: give at least 2 groups/],
      [() => bootstrap('auc', labels, scores, { resamples: 0 }), /resamples: is 0/],
      [() => bootstrap('auc', labels, scores, { level: 1.5 }), /level: is 1.5/],
      [() => bootstrap('auc', labels, scores, { seed: -1 }), /seed: is -1/],
      [() => bootstrap('auc', labels, scores, { method: 'basic' as 'bca' }), /method: is "basic"/],
      [() => bootstrap('auc', [1, 0, 0], [0.5, 0.2, 0.1]), /labels: have 1 positives and 2 negatives/],
    ];
    for (const [call, message] of bad) {
      expect(call).toThrow(RangeError);
      expect(call).toThrow(message);
    }
    expect(bootstrap('auc', labels, scores, { resamples: 20 }).used).toBe(20); // and the next call works
  });
});
