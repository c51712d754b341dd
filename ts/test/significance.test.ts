/**
 * Paired tests on every backend against python/make_significance_fixtures.py (scipy 1.17.1's
 * ttest_rel and wilcoxon, statsmodels' multipletests, the exact sign-flip p-value), and the
 * per-query / per-group values they take.
 */
import { describe, expect, test } from 'vitest';
import { adjustPValues, auc, compareRuns, gaucReport, pairedTest, pairedTestAsync, rankingMetrics } from 'reckit';
import fixtures from './fixtures/significance.json';

const near = (got: number, want: number, tolerance: number, what: string) => {
  if (Number.isNaN(want) || want === null) return expect(got, what).toBeNaN();
  if (!Number.isFinite(want)) return expect(got, what).toBe(want);
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want)));
};
/** Relative error (p-values reach 1e-111): |got − want| ≤ tolerance·|want|. */
const relative = (got: number, want: number, tolerance: number, what: string) => {
  if (Number.isNaN(want)) return expect(got, what).toBeNaN();
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(tolerance * Math.abs(want));
};
const num = (x: unknown) => (x === 'nan' ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : (x as number));

describe('pairedTest = scipy', () => {
  test.each(fixtures.pairs.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const t = pairedTest(c.a, c.b);
    near(t.statistic, num(c.ttest.statistic), 1e-12, 't');
    relative(t.pValue, num(c.ttest.pvalue), 1e-12, 't p');
    near(t.effectSize, num(c.ttest.dz), 1e-12, 'd_z');
    expect(t.test).toBe('paired-t');
    relative(t.confidenceInterval![0], num(c.ttest.ci95[0]), 1e-12, 'ci low');
    relative(t.confidenceInterval![1], num(c.ttest.ci95[1]), 1e-12, 'ci high');
    const w = pairedTest(c.a, c.b, { test: 'wilcoxon' });
    near(w.statistic, num(c.wilcoxon.statistic), 0, 'W');
    relative(w.pValue, num(c.wilcoxon.pvalue), 1e-12, 'wilcoxon p');
    near(w.effectSize, num(c.wilcoxon.rank_biserial), 1e-12, 'rank-biserial');
    expect(w.method).toBe(c.wilcoxon.method === 'asymptotic' ? 'normal' : c.wilcoxon.method); // scipy says 'asymptotic'
    expect(await pairedTestAsync(c.a, c.b, { test: 'wilcoxon' })).toEqual(w);
  });
});

describe('randomization test', () => {
  test.each(fixtures.randomization.map((c) => [c.name, c] as const))('%s: the count the documented streams give, near the exact p', (_, c) => {
    const r = pairedTest(c.a, c.b, { test: 'randomization', permutations: c.permutations, seed: c.seed });
    expect(r.extreme).toBe(c.reckit_count);
    expect(r.pValue).toBe(c.reckit_count / c.permutations);
    // Within 5 Monte Carlo standard errors of the exact p (all 2^n sign patterns counted).
    const se = Math.sqrt((c.exact_pvalue * (1 - c.exact_pvalue)) / c.permutations);
    expect(Math.abs(r.pValue - c.exact_pvalue)).toBeLessThanOrEqual(5 * se + 1e-12);
  });
});

test('adjustPValues = statsmodels multipletests (holm, bonferroni)', () => {
  for (const c of fixtures.adjust) {
    Array.from(adjustPValues(c.p, 'holm')).forEach((p, i) => near(p, c.holm[i], 1e-15, `${c.name} holm ${i}`));
    Array.from(adjustPValues(c.p, 'bonferroni')).forEach((p, i) => near(p, c.bonferroni[i], 1e-15, `${c.name} bonferroni ${i}`));
  }
});

describe('per-query and per-group values', () => {
  let state = 5;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31), state / 2 ** 31);
  const n = 3000;
  const users = Array.from({ length: n }, () => `u${Math.floor(random() * 200)}`);
  const labels = Float64Array.from({ length: n }, () => (random() < 0.2 ? 1 : 0));
  const a = Float64Array.from(labels, (l) => random() + 0.3 * l);
  const b = Float64Array.from(labels, (l) => random() + 0.1 * l);

  test('perQuery: the values the means average, named by the caller\'s ids', () => {
    const r = rankingMetrics(labels, a, { groups: users, k: [5, 10], perQuery: true });
    const p = r.perQuery!;
    expect(p.ids.length).toBe(r.queries);
    expect(p.ids[0]).toBe(users[0]); // order of first appearance for plain arrays
    for (const k of [5, 10]) {
      for (const m of ['ndcg', 'recall', 'mrr', 'map'] as const) {
        const mean = p.at[k][m].reduce((s, v) => s + v, 0) / r.queries;
        expect(Math.abs(mean - r.at[k][m])).toBeLessThan(1e-13);
      }
    }
    expect(p.empty.filter(Boolean).length).toBe(r.emptyQueries);
    // One query's NDCG@10 from its own rows.
    const rows = users.map((u, i) => (u === p.ids[3] ? i : -1)).filter((i) => i >= 0);
    const own = rankingMetrics(rows.map((i) => labels[i]), rows.map((i) => a[i]), { k: 10 }).at[10].ndcg;
    expect(p.at[10].ndcg[3]).toBe(own);
  });

  test('perGroup: each group\'s AUC, NaN for single-class groups', () => {
    const r = gaucReport(labels, a, users, { perGroup: true });
    const g = r.perGroup!;
    expect(g.ids.length).toBe(r.groups + r.skippedGroups);
    expect(g.auc.filter((x) => Number.isNaN(x)).length).toBe(r.skippedGroups);
    const i = g.auc.findIndex((x) => !Number.isNaN(x));
    const rows = users.map((u, j) => (u === g.ids[i] ? j : -1)).filter((j) => j >= 0);
    expect(g.auc[i]).toBe(auc(rows.map((j) => labels[j]), rows.map((j) => a[j])));
    expect(g.positives[i] + g.negatives[i]).toBe(rows.length);
  });

  test('compareRuns: paired tests against the baseline, Holm-corrected; bad input is an error', () => {
    const ndcg = (s: Float64Array) => rankingMetrics(labels, s, { groups: users, k: 10, perQuery: true }).perQuery!.at[10].ndcg;
    const c = Float64Array.from(a, (x, i) => (x + b[i]) / 2);
    const out = compareRuns({ strong: ndcg(a), weak: ndcg(b), mixed: ndcg(c) }, { baseline: 'weak', test: 'wilcoxon' });
    expect(out.map((r) => r.run)).toEqual(['strong', 'mixed']);
    const raw = out.map((r) => pairedTest(r.run === 'strong' ? ndcg(a) : ndcg(c), ndcg(b), { test: 'wilcoxon' }).pValue);
    expect(out.map((r) => r.pValue)).toEqual(raw);
    expect(Array.from(adjustPValues(raw))).toEqual(out.map((r) => r.adjustedPValue));
    expect(() => compareRuns({ only: ndcg(a) })).toThrow(/runs: has 1 run; compare at least 2/);
    expect(() => compareRuns({ x: ndcg(a), y: ndcg(b) }, { baseline: 'z' })).toThrow(/baseline: "z" is not one of the runs/);
    expect(() => pairedTest([1, 2, 3], [1, 2])).toThrow(RangeError);
    expect(() => pairedTest([1], [2])).toThrow(/a: has 1 pairs; a paired test needs at least 2/);
    expect(() => pairedTest([1, 2], [2, 1], { test: 'randomization', permutations: 0 })).toThrow(/permutations/);
    expect(() => pairedTest([1, 2], [2, 1], { test: 'sign' as 't' })).toThrow(/test: is "sign"/);
    expect(() => adjustPValues([0.5, 1.5])).toThrow(/pValues/);
  });
});
