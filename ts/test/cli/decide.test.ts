/**
 * The CLI's decision tools: `reckit eval --ci` (bootstrap intervals), `--by <column>` (metrics
 * per slice) and `reckit compare` (model B against model A), each equal to the library's
 * functions on the same data.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { bootstrap, delongTest, init, pairedTest, rankingMetrics, slicedMetrics } from 'reckit';

const cli = (...args: string[]) => spawnSync('node', ['dist/cli/index.js', ...args], { encoding: 'utf8' });
const json = (...args: string[]) => JSON.parse(execFileSync('node', ['dist/cli/index.js', ...args, '--format', 'json'], { encoding: 'utf8' }));
const dir = mkdtempSync(join(tmpdir(), 'reckit-decide-'));

const [header, ...lines] = readFileSync('data/sample.csv', 'utf8').trim().split(/\r?\n/);
const rows = lines.map((l) => l.split(','));
const users = Uint32Array.from(rows, (r) => +r[0]);
const items = Uint32Array.from(rows, (r) => +r[1]);
const labels = Uint8Array.from(rows, (r) => +r[2]);
const scores = Float64Array.from(rows, (r) => +r[3]);
// Model B: A's scores nudged towards the labels, deterministically.
const scoresB = Float64Array.from(scores, (s, i) => Math.min(1, Math.max(0, +(s + (labels[i] ? 0.02 : -0.01) * ((i * 7919) % 3)).toFixed(6))));
const fileB = join(dir, 'b.csv');
writeFileSync(fileB, `${header}\n${rows.map((r, i) => [r[0], r[1], r[2], scoresB[i].toFixed(6)].join(',')).join('\n')}\n`);
const both = join(dir, 'both.csv');
writeFileSync(both, `${header},score_b\n${rows.map((r, i) => [...r, scoresB[i].toFixed(6)].join(',')).join('\n')}\n`);

test('eval --ci: the library\'s bootstrap of each metric, one seed; the table lists them', async () => {
  await init();
  const out = json('eval', 'data/sample.csv', '--ci', '--resamples', '200', '--seed', '5', '--metrics', 'auc,gauc,logloss,ne,ndcg');
  expect(out.ci).toMatchObject({ level: 0.95, resamples: 200, seed: 5, method: 'bca' });
  const lib = (metric: Parameters<typeof bootstrap>[0], groups?: Uint32Array) => {
    const r = bootstrap(metric, metric.includes('@') ? Float64Array.from(labels) : labels, scores, { resamples: 200, seed: 5, ...(groups && { groups }) });
    return [r.lower, r.upper];
  };
  expect(out.ci.bounds).toEqual({
    auc: lib('auc', users),
    gauc: lib('gauc', users),
    logLoss: lib('logLoss', users),
    normalizedEntropy: lib('normalizedEntropy', users),
    'ndcg@10': lib('ndcg@10', users),
  });
  const table = cli('eval', 'data/sample.csv', '--ci', '--resamples', '100', '--metrics', 'auc,ndcg').stdout;
  expect(table).toMatch(/ 95% intervals \(bootstrap BCa, 100 resamples, seed 0; resampling rows within each class for AUC, user_id values for GAUC and ranking, rows for the rest\)\n {4}AUC {9}\[0\.7\d{5}, 0\.7\d{5}\]\n {4}ndcg@10 {5}\[0\.\d{6}, 0\.\d{6}\]/);
  expect(cli('eval', 'data/sample.csv', '--resamples', '10').stderr).toBe('reckit: --resamples and --seed set the bootstrap of --ci; add --ci\n');
  expect(cli('eval', 'data/sample.csv', '--ci', '--resamples', '0').status).toBe(2);
});

test('eval --by: each slice as slicedMetrics gives it; a missing column exits 65', () => {
  const out = json('eval', 'data/sample.csv', '--by', 'item_id', '--metrics', 'auc,logloss,calibration,mrr', '--k', '5');
  const lib = slicedMetrics(Float64Array.from(labels), scores, items, { metrics: ['auc', 'logLoss', 'calibration', 'mrr@5'], groups: users });
  expect(out.by).toBe('item_id');
  expect(out.slices).toEqual(JSON.parse(JSON.stringify(lib))); // NaN is null in JSON
  const table = cli('eval', 'data/sample.csv', '--by', 'item_id', '--metrics', 'auc').stdout.split('\n');
  const at = table.findIndex((l) => l.startsWith('  by item_id'));
  expect(table[at]).toBe(`  by item_id (${lib.length} values; the 30 largest shown, all in --format json)`);
  const largest = [...lib].sort((x, y) => y.rows - x.rows)[0];
  expect(table[at + 2].trim().split(/\s+/)).toEqual([String(largest.slice), String(largest.rows), String(largest.positives), largest.values.auc.toFixed(6)]);
  const missing = cli('eval', 'data/sample.csv', '--by', 'country');
  expect(missing.status).toBe(65);
  expect(missing.stderr).toMatch(/^reckit: data\/sample\.csv:1: no column "country" \(columns: user_id, item_id, label, score\)/);
});

test('compare: DeLong for AUC, paired tests over users for GAUC and ranking, as the library computes them', () => {
  const out = json('compare', 'data/sample.csv', fileB, '--k', '10', '--metrics', 'auc,gauc,ndcg');
  const d = delongTest(labels, scores, scoresB);
  expect(out.comparisons[0]).toEqual({ metric: 'AUC', a: d.aucA, b: d.aucB, difference: d.difference, ci: [d.lower, d.upper], pValue: d.pValue, test: 'DeLong', n: labels.length });
  const ra = rankingMetrics(labels, scores, { groups: users, k: 10, perQuery: true });
  const rb = rankingMetrics(labels, scoresB, { groups: users, k: 10, perQuery: true });
  const t = pairedTest(rb.perQuery!.at[10].ndcg, ra.perQuery!.at[10].ndcg);
  expect(out.comparisons[2]).toEqual({
    metric: 'ndcg@10', a: ra.at[10].ndcg, b: rb.at[10].ndcg, difference: t.meanDifference, ci: t.confidenceInterval, pValue: t.pValue, test: 'paired t over 2000 user_id values', n: 2000,
  });
  expect(out.comparisons[1].metric).toBe('GAUC');
  // One file with two score columns: the same comparisons.
  const one = json('compare', both, '--score-b', 'score_b', '--k', '10', '--metrics', 'auc,gauc,ndcg');
  expect(one.comparisons).toEqual(out.comparisons);
  const table = cli('compare', 'data/sample.csv', fileB, '--metrics', 'auc').stdout.split('\n');
  expect(table[2]).toMatch(/^ {2}AUC {11}0\.749824 {2}0\.\d{6} {2}[+-]0\.\d{6} {3}\[[+-]0\.\d{6}, [+-]0\.\d{6}\] +\S+ {2}DeLong$/);
});

test('compare: logs of different rows exit 65; usage errors exit 2', () => {
  const short = join(dir, 'short.csv');
  writeFileSync(short, `${header}\n${lines.slice(0, 10).join('\n')}\n`);
  const r = cli('compare', 'data/sample.csv', short);
  expect([r.status, r.stderr]).toEqual([65, `reckit: ${short}: has 10 rows, data/sample.csv has 100000; compare needs the same rows in the same order\n`]);
  const flipped = join(dir, 'flipped.csv');
  writeFileSync(flipped, `${header}\n${rows.map((x, i) => [x[0], x[1], i === 4 ? 1 - +x[2] : x[2], x[3]].join(',')).join('\n')}\n`);
  expect(cli('compare', 'data/sample.csv', flipped).stderr).toMatch(/row 5's label is \d, data\/sample\.csv's is \d; compare needs the same rows/);
  for (const [args, message] of [
    [['compare'], 'compare needs two logs, or one log and --score-b, e.g. reckit compare a.csv b.csv'],
    [['compare', 'a.csv'], "compare needs a second log, or --score-b naming model B's score column"],
    [['compare', 'a.csv', 'b.csv', '--test', 'sign'], '--test must be t, wilcoxon or randomization; got "sign"'],
    [['compare', 'a.csv', 'b.csv', '--metrics', 'auc,ks'], '--metrics must be among auc, gauc, ndcg, recall, precision, hitrate, f1, map, mrr; got "ks"'],
  ] as const) {
    const u = cli(...args);
    expect([u.status, u.stderr], args.join(' ')).toEqual([2, `reckit: ${message}\n`]);
  }
  expect(cli('compare', '--help').stdout).toMatch(/^reckit compare: is model B better than model A on the same rows\?/);
});
