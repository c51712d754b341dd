/** The shipped sample log (the main job's input) against sklearn's numbers for it. */
import { expect, test } from 'vitest';
import { auc, gaucReport } from 'reckit';
import csv from '../../data/sample.csv?raw';
import expected from '../../data/sample.expected.json';

const rows = csv.trim().split('\n').slice(1).map((line) => line.split(','));
const users = rows.map((r) => Number(r[0]));
const labels = Uint8Array.from(rows, (r) => Number(r[2]));
const scores = Float64Array.from(rows, (r) => Number(r[3]));

test('sample: AUC equals sklearn', () => {
  expect(rows.length).toBe(expected.rows);
  expect(Math.abs(auc(labels, scores) - expected.auc)).toBeLessThanOrEqual(1e-12);
});

test.each([
  ['impressions', expected.gauc_impressions],
  ['clicks', expected.gauc_clicks],
  ['uniform', expected.gauc_uniform],
] as const)('sample: GAUC (%s) equals sklearn per user', (weighting, value) => {
  const r = gaucReport(labels, scores, users, { weighting });
  expect(Math.abs(r.value - value)).toBeLessThanOrEqual(1e-12);
  expect([r.groups, r.skippedGroups]).toEqual([expected.groups_used, expected.skipped]);
});
