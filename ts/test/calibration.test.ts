/**
 * The CTR calibration metrics on every backend: scikit-learn's brier_score_loss, log_loss and
 * calibration_curve, normalized entropy and the calibration ratio from their formulas
 * (python/make_stats_fixtures.py). Values to 1e-12; reliability edges and bin counts exactly.
 */
import { describe, expect, test } from 'vitest';
import {
  CalibrationAccumulator, brierScore, brierScoreAsync, calibrationRatio, calibrationRatioAsync, ctrMetrics, ctrMetricsAsync, expectedCalibrationError,
  expectedCalibrationErrorAsync, logLoss, normalizedEntropy, normalizedEntropyAsync, reliabilityDiagram, reliabilityDiagramAsync,
} from 'reckit';
import fixtures from './fixtures/stats.json';
import { err } from './errors.js';

type Num = number | string;
const num = (x: Num): number => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x === 'nan' ? NaN : (x as number));
function close(a: number, b: Num, tol = 1e-12) {
  const e = num(b);
  if (Number.isNaN(e)) return expect(a).toBeNaN();
  expect(Math.abs(a - e)).toBeLessThanOrEqual(tol);
}
const probsOf = (c: { probs: Num[]; dtype: string }) => (c.dtype === 'f32' ? Float32Array.from(c.probs as number[]) : Float64Array.from(c.probs as number[]));
const weightsOf = (c: { weights: Num[] | null }) => (c.weights === null ? undefined : (c.weights as number[]));

describe('ctrMetrics: NE, calibration, Brier (sklearn brier_score_loss, log_loss)', () => {
  test.each(fixtures.ctr.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const p = probsOf(c);
    const options = { eps: c.eps, weights: weightsOf(c) };
    const r = ctrMetrics(c.labels, p, options);
    for (const k of ['logLoss', 'normalizedEntropy', 'calibration', 'brier', 'baseRate', 'meanPrediction'] as const) close(r[k], c[k]);
    expect(r.logLoss).toBe(logLoss(c.labels, p, options));
    expect(await ctrMetricsAsync(c.labels, p, options)).toEqual(r);
    expect(normalizedEntropy(c.labels, p, options)).toEqual(r.normalizedEntropy);
    expect(await normalizedEntropyAsync(c.labels, p, options)).toEqual(r.normalizedEntropy);
    expect(calibrationRatio(c.labels, p, options)).toEqual(r.calibration);
    expect(await calibrationRatioAsync(c.labels, p, options)).toEqual(r.calibration);
    expect(brierScore(c.labels, p, { weights: options.weights })).toEqual(r.brier);
    expect(await brierScoreAsync(c.labels, p, { weights: options.weights })).toEqual(r.brier);
  });

  test("TorchRec's NEMetric (p and base rate clipped at 1e-12, log2) = eps 1e-12 here; one class: finite there, NaN here", () => {
    // torchrec/metrics/ne.py: compute_cross_entropy, _compute_cross_entropy_norm, compute_ne.
    const torchrec = (y: number[], p: number[], eta = 1e-12) => {
      const clip = (x: number) => Math.min(Math.max(x, eta), 1 - eta);
      const ce = y.reduce((s, yi, i) => s - yi * Math.log2(clip(p[i])) - (1 - yi) * Math.log2(1 - clip(p[i])), 0);
      const pos = y.reduce((s, yi) => s + yi, 0);
      const mean = clip(pos / y.length);
      return ce / (-pos * Math.log2(mean) - (y.length - pos) * Math.log2(1 - mean));
    };
    const y = [1, 0, 0, 1, 0, 0, 0];
    const p = [0.8, 0, 0.3, 1, 0.1, 0.2, 0.05];
    close(normalizedEntropy(y, p, { eps: 1e-12 }), torchrec(y, p), 1e-14);
    expect(normalizedEntropy([0, 0, 0], [0.1, 0.2, 0.05])).toBeNaN();
    expect(Number.isFinite(torchrec([0, 0, 0], [0.1, 0.2, 0.05]))).toBe(true);
  });

  test('NE by hand: predicting the base rate everywhere scores 1', () => {
    const labels = [1, 0, 0, 0];
    close(normalizedEntropy(labels, [0.25, 0.25, 0.25, 0.25]), 1, 1e-15);
    expect(calibrationRatio(labels, [0.25, 0.25, 0.25, 0.25])).toBe(1);
    expect(normalizedEntropy(labels, [0.9, 0.1, 0.1, 0.1])).toBeLessThan(1);
  });
});

describe('reliabilityDiagram = sklearn calibration_curve (weighted cases: its formulas)', () => {
  test.each(fixtures.reliability.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const p = probsOf(c);
    const options = { bins: c.bins, strategy: c.strategy as 'uniform' | 'quantile', weights: weightsOf(c) };
    const r = reliabilityDiagram(c.labels, p, options);
    expect(Array.from(r.edges)).toEqual(c.edges.map(num)); // NumPy's edges, bit for bit
    expect(Array.from(r.count)).toEqual(c.count); // so every prediction on an edge lands where NumPy puts it
    r.weight.forEach((w, b) => close(w, c.weight[b]));
    const full = [...r.count.keys()].filter((b) => r.count[b] > 0);
    expect(full.length).toBe(c.probTrue.length);
    full.forEach((b, k) => {
      close(r.observedRate[b], c.probTrue[k]);
      close(r.meanPredicted[b], c.probPred[k]);
    });
    [...r.count.keys()].filter((b) => r.count[b] === 0).forEach((b) => expect(r.meanPredicted[b]).toBeNaN());
    close(r.ece, c.ece);
    expect(await reliabilityDiagramAsync(c.labels, p, options)).toEqual(r);
    expect(expectedCalibrationError(c.labels, p, options)).toBe(r.ece);
    expect(await expectedCalibrationErrorAsync(c.labels, p, options)).toBe(r.ece);
  });

  test('defaults: 10 uniform bins', () => {
    const r = reliabilityDiagram([0, 1, 1], [0.05, 0.55, 0.95]);
    expect(r.edges.length).toBe(11);
    expect(Array.from(r.count)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    close(r.ece, (0.05 + 0.45 + 0.05) / 3, 1e-15);
  });
});

describe('CalibrationAccumulator = the one-shot functions on the concatenated rows', () => {
  const c = fixtures.ctr.find((x) => x.name === 'weighted')!;
  const [p, w] = [probsOf(c), weightsOf(c)!];
  const part = (a: number, b: number) => [c.labels.slice(a, b), p.subarray(a, b), { weights: w.slice(a, b) }] as const;
  const relative = (a: number, b: number) => (Number.isNaN(b) ? expect(a).toBeNaN() : expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.abs(b)));

  test('batches, a merged shard and a JSON round trip', () => {
    const shard = new CalibrationAccumulator({ bins: 8 }).update(...part(700, 1500)).update(...part(1500, 2000));
    const total = new CalibrationAccumulator({ bins: 8 }).update(...part(0, 700));
    total.merge(CalibrationAccumulator.fromJSON(JSON.parse(JSON.stringify(shard.toJSON()))));
    expect(total.count).toBe(2000);
    const got = total.compute();
    const one = ctrMetrics(c.labels, p, { weights: w });
    for (const k of ['logLoss', 'normalizedEntropy', 'calibration', 'brier', 'baseRate', 'meanPrediction'] as const) relative(got[k], one[k]);
    const d = reliabilityDiagram(c.labels, p, { weights: w, bins: 8 });
    expect(got.reliability.edges).toEqual(d.edges);
    expect(got.reliability.count).toEqual(d.count);
    relative(got.reliability.ece, d.ece);
    d.weight.forEach((x, b) => relative(got.reliability.weight[b], x));
    d.observedRate.forEach((x, b) => relative(got.reliability.observedRate[b], x));
  });

  test('empty: NaN; bad options, batches and merges', () => {
    const empty = new CalibrationAccumulator().compute();
    expect([empty.logLoss, empty.normalizedEntropy, empty.reliability.ece]).toEqual([NaN, NaN, NaN]);
    expect(empty.reliability.count.length).toBe(10);
    err(() => new CalibrationAccumulator({ bins: 0 }), RangeError, /^bins: is 0/);
    err(() => new CalibrationAccumulator({ eps: 0.5 }), RangeError, /^eps: is 0.5/);
    const a = new CalibrationAccumulator();
    err(() => a.update([0, 1], [0.1, 2]), RangeError, /^probs: probs\[1\] is 2/);
    expect(a.count).toBe(0);
    err(() => a.merge(new CalibrationAccumulator({ bins: 5 })), RangeError, /^merge: the accumulators differ in bins or eps$/);
    err(() => CalibrationAccumulator.fromJSON({ type: 'AucAccumulator' } as never), TypeError, /^fromJSON: not a serialised CalibrationAccumulator$/);
  });
});

describe('calibration metrics: bad input', () => {
  test('probabilities, lengths, options', async () => {
    err(() => ctrMetrics([0, 1], [0.2, 1.5]), RangeError, /^probs: probs\[1\] is 1.5; probabilities must be in \[0, 1\]$/);
    err(() => ctrMetrics([0, 1], [0.2, NaN]), RangeError, /^probs: probs\[1\] is NaN/);
    err(() => ctrMetrics([0, 1], [0.2]), RangeError, /^probs: has length 1, expected 2/);
    err(() => ctrMetrics([0, 1], [0.2, 0.3], { weights: [1] }), RangeError, /^weights: has length 1, expected 2/);
    err(() => ctrMetrics([0, 1], [0.2, 0.3], { weights: [1, -1] }), RangeError, /^weights: weights\[1\] is -1/);
    err(() => ctrMetrics([0, 1], [0.2, 0.3], { eps: 0.5 }), RangeError, /^eps: is 0.5/);
    err(() => reliabilityDiagram([0, 1], [0.2, 0.3], { bins: 0 }), RangeError, /^bins: is 0; it must be an integer in \[1, 65536\]$/);
    err(() => reliabilityDiagram([0, 1], [0.2, 0.3], { bins: 2.5 }), RangeError, /^bins: is 2.5/);
    err(() => reliabilityDiagram([0, 1], [0.2, 0.3], { strategy: 'equal' as 'uniform' }), RangeError, /^strategy: is "equal"; expected 'uniform' or 'quantile'$/);
    err(() => reliabilityDiagram([0, 1], [0.2, 1.3], { strategy: 'quantile' }), RangeError, /^probs: probs\[1\] is 1.3/);
    await expect(ctrMetricsAsync([0, 1], [0.2, -0.1])).rejects.toThrow(RangeError);
  });
});
