/**
 * Errors across the boundary: a kernel's error carries its kind from the core
 * (crates/core/src/error.rs), and every backend, sync or async, throws the same class with the
 * same message. Each case below is rejected by the core, not by the facade's own checks.
 */
import { describe, expect, test } from 'vitest';
import {
  auc, aucAsync, gaucReport, gaucReportAsync, logLoss, logLossAsync, matmul, matmulAsync, rankingMetrics,
  rankingMetricsAsync, softmax, softmaxAsync, ks, ksAsync,
} from 'reckit';

const caught = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

const labels = [1, 0, 1, 0];
const scores = [0.9, 0.8, 0.7, 0.1];

const cases: [string, () => unknown, () => Promise<unknown>, typeof Error, RegExp][] = [
  ['auc: a NaN score', () => auc(labels, [0.1, NaN, 0.2, 0.3]), () => aucAsync(labels, [0.1, NaN, 0.2, 0.3]), RangeError, /^scores: /],
  ['ks: a score of Infinity', () => ks(labels, [0.1, Infinity, 0.2, 0.3]), () => ksAsync(labels, [0.1, Infinity, 0.2, 0.3]), RangeError, /^scores: /],
  ['logLoss: a probability above 1', () => logLoss(labels, [0.5, 1.5, 0.5, 0.5]), () => logLossAsync(labels, [0.5, 1.5, 0.5, 0.5]), RangeError, /^probs: /],
  [
    'gaucReport: a group weight missing (named as the caller named the group)',
    () => gaucReport(labels, scores, ['a', 'a', 'b', 'b'], { groupWeights: { a: 1 } }),
    () => gaucReportAsync(labels, scores, ['a', 'a', 'b', 'b'], { groupWeights: { a: 1 } }),
    RangeError,
    /^groupWeights: has no weight for group b$/,
  ],
  [
    'rankingMetrics: a NaN relevance',
    () => rankingMetrics([1, NaN], [0.5, 0.4], { k: 1 }),
    () => rankingMetricsAsync([1, NaN], [0.5, 0.4], { k: 1 }),
    RangeError,
    /^labels: |^relevance: /,
  ],
  [
    'matmul: a NaN in a',
    () => matmul({ data: [1, NaN], shape: [1, 2] }, { data: [1, 1], shape: [2, 1] }),
    () => matmulAsync({ data: [1, NaN], shape: [1, 2] }, { data: [1, 1], shape: [2, 1] }),
    RangeError,
    /^a: /,
  ],
  ['softmax: a NaN input', () => softmax([1, NaN]), () => softmaxAsync([1, NaN]), RangeError, /^x: /],
];

describe('errors keep their class and message across sync and async', () => {
  test.each(cases)('%s', async (_, sync, async_, type, message) => {
    const e = caught(sync);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(message);
    const a = await async_().then(
      () => new Error('expected a rejection'),
      (x: Error) => x,
    );
    expect(a.constructor).toBe(e.constructor);
    expect(a.message).toBe(e.message);
    // The next call works.
    expect(auc(labels, scores)).toBe(0.75);
  });
});
