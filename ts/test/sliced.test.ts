/** slicedMetrics on every backend: each slice equals the metric functions on that slice's rows. */
import { expect, test } from 'vitest';
import { auc, calibrationRatio, gaucReport, logLoss, rankingMetrics, slicedMetrics, slicedMetricsAsync } from 'reckit';

let state = 17;
const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31), state / 2 ** 31);
const n = 4000;
const countries = Array.from({ length: n }, () => ['DE', 'FR', 'US', 'JP', 'BR'][Math.floor(random() * random() * 5)]);
const users = Uint32Array.from({ length: n }, () => Math.floor(random() * 300));
const labels = Uint8Array.from({ length: n }, () => (random() < 0.25 ? 1 : 0));
const scores = Float64Array.from(labels, (l) => Math.min(1, random() * 0.8 + 0.2 * l));

test('each slice: rows, positives, and the functions on its rows (in input order)', async () => {
  const metrics = ['auc', 'gauc', 'logLoss', 'calibration', 'ndcg@5'] as const;
  const out = slicedMetrics(labels, scores, countries, { metrics: [...metrics], groups: users });
  expect(out.map((s) => s.slice)).toEqual([...new Set(countries)]); // order of first appearance
  for (const s of out) {
    const rows = countries.flatMap((c, i) => (c === s.slice ? [i] : []));
    const l = rows.map((i) => labels[i]);
    const p = rows.map((i) => scores[i]);
    const g = rows.map((i) => users[i]);
    expect([s.rows, s.positives]).toEqual([rows.length, l.filter((x) => x === 1).length]);
    expect(s.values).toEqual({
      auc: auc(l, p),
      gauc: gaucReport(l, p, Uint32Array.from(g)).value,
      logLoss: logLoss(l, p),
      calibration: calibrationRatio(l, p),
      'ndcg@5': rankingMetrics(l, p, { groups: Uint32Array.from(g), k: 5 }).at[5].ndcg,
    });
  }
  expect(await slicedMetricsAsync(labels, scores, countries, { metrics: [...metrics], groups: users })).toEqual(out);
});

test('a single-class slice is NaN where the metric is undefined; bad input is an error', () => {
  const out = slicedMetrics([1, 0, 1, 1], [0.9, 0.2, 0.4, 0.6], ['a', 'a', 'b', 'b']);
  expect(out[0].values.auc).toBe(1);
  expect(out[1].values.auc).toBeNaN();
  expect(() => slicedMetrics(labels, scores, countries.slice(1))).toThrow(/slices/);
  expect(() => slicedMetrics(labels, scores, countries, { metrics: ['gauc'] })).toThrow(/groups: are required by gauc/);
  expect(() => slicedMetrics(labels, scores, countries, { metrics: ['auroc' as 'auc'] })).toThrow(/metric: unknown metric "auroc"/);
  expect(() => slicedMetrics(labels, scores, countries, { metrics: [] })).toThrow(/metrics: is empty/);
});
