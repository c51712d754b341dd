/** Every backend against scikit-learn's roc_auc_score (fixtures from python/make_fixtures.py). */
import { describe, expect, test } from 'vitest';
import { auc, gaucReport } from 'reckit';
import aucCases from './fixtures/auc.json';
import gaucCases from './fixtures/gauc.json';

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12);

describe('auc = sklearn roc_auc_score', () => {
  test.each(aucCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const scores = c.dtype === 'f32' ? Float32Array.from(c.scores) : Float64Array.from(c.scores);
    close(auc(c.labels, scores, { weights: c.weights ?? undefined }), c.expected);
  });
});

describe('gauc = per-group sklearn roc_auc_score, weighted', () => {
  test.each(gaucCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const groupWeights = c.groupWeights ?? undefined;
    const weighting = (c.weighting ?? undefined) as 'impressions' | 'clicks' | 'uniform' | undefined;
    const r = gaucReport(c.labels, c.scores, c.groups as number[] | string[], { weighting, groupWeights });
    close(r.value, c.expected!);
    expect([r.groups, r.skippedGroups]).toEqual([c.groups_used, c.skipped]);
  });
});
