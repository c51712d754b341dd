/** The CLI (Node only, so it runs in its own project): output, formats, and errors with file, line and column. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { auc, averagePrecision, gaucReport, init, ks, logLoss, rankingMetrics } from 'reckit';
import expected from '../../../data/sample.expected.json';

const cli = (...args: string[]) => spawnSync('node', ['dist/cli/index.js', ...args], { encoding: 'utf8' });
const json = (...args: string[]) => JSON.parse(execFileSync('node', ['dist/cli/index.js', ...args, '--format', 'json'], { encoding: 'utf8' }));
const dir = mkdtempSync(join(tmpdir(), 'reckit-cli-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const sample = readFileSync('data/sample.csv', 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const users = Uint32Array.from(sample, (r) => Number(r[0]));
const labels = Uint8Array.from(sample, (r) => Number(r[2]));
const scores = Float64Array.from(sample, (r) => Number(r[3]));

/** Equal structure; numbers within 1e-12. */
function expectNear(got: unknown, want: unknown, path: string) {
  if (typeof want === 'number') expect(Math.abs((got as number) - want), path).toBeLessThan(1e-12);
  else if (want && typeof want === 'object') {
    expect(Object.keys(got as object).sort(), path).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) expectNear((got as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else expect(got, path).toEqual(want);
}

test('eval --format json equals the library (and sklearn) on the sample', async () => {
  await init();
  const out = json('eval', 'data/sample.csv', '--k', '5,10,20', '--metrics', 'auc,gauc,logloss,ap,ks,ndcg,recall,precision,hitrate,f1,map,mrr');
  expect(out.rows).toBe(expected.rows);
  expect(Math.abs(out.auc - expected.auc)).toBeLessThanOrEqual(1e-12);
  expect(Math.abs(out.gauc - expected.gauc_impressions)).toBeLessThanOrEqual(1e-12);
  const g = gaucReport(labels, scores, users);
  expect([out.gauc, out.gaucGroups, out.skippedGroups, out.groups]).toEqual([g.value, g.groups, g.skippedGroups, g.groups + g.skippedGroups]);
  expect(out.auc).toBe(auc(labels, scores));
  expect(out.logLoss).toBe(logLoss(labels, scores));
  expect(out.averagePrecision).toBe(averagePrecision(labels, scores));
  expect(out.ks).toBe(ks(labels, scores));
  const r = rankingMetrics(labels, scores, { groups: users, k: [5, 10, 20] });
  expect(out.ranking).toEqual({ queries: r.queries, emptyQueries: r.emptyQueries, at: r.at });
  expect(out.backend.name).toBe('native');
  expect(out.skipped).toEqual({});
});

test('eval prints the documented table for the sample (the README main command)', () => {
  const r = cli('eval', 'data/sample.csv');
  expect(r.status).toBe(0);
  expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
  const lines = r.stdout.trim().split('\n');
  expect(lines.slice(0, 12)).toEqual([
    'reckit eval data/sample.csv',
    '  rows       100000  (2000 user_id values)',
    '  AUC        0.749824',
    '  GAUC       0.687780  (impressions by user_id; 1291 groups, 709 single-class skipped)',
    '  log loss   0.235300',
    '  ranking    by user_id: 2000 queries, 709 without a relevant row (scored 0)',
    '                    @10',
    '    ndcg       0.300736',
    '    recall     0.431253',
    '    hitRate    0.574000',
    '    mrr        0.309353',
    expect.stringMatching(/^ {2}backend {4}native \(\w+, \d threads?\)$/),
  ]);
  expect(lines[12]).toMatch(/^ {2}time {7}read\+parse [\d.]+ ms, metrics [\d.]+ ms$/);
});

test('string group ids give the same results as numeric ones; JSON Lines the same as CSV', () => {
  const text = sample.map((r) => `u${r[0]},${r[2]},${r[3]}`).join('\n');
  const strings = json('eval', file('strings.csv', `user_id,label,score\n${text}\n`));
  const numbers = json('eval', 'data/sample.csv');
  // Groups numbered in another order sum GAUC's and the ranking's terms in another order.
  for (const k of ['auc', 'gauc', 'gaucGroups', 'skippedGroups', 'logLoss', 'ranking', 'groups']) expectNear(strings[k], numbers[k], k);
  const lines = sample.map((r) => JSON.stringify({ user_id: Number(r[0]), item: r[1], label: Number(r[2]), score: Number(r[3]) })).join('\n');
  const jsonl = json('eval', file('sample.jsonl', `${lines}\n`));
  for (const k of ['rows', 'auc', 'gauc', 'logLoss', 'ranking']) expectNear(jsonl[k], numbers[k], k);
});

test('TSV with a BOM and CRLF line ends', () => {
  const f = file('bom.tsv', '\ufeffuser_id\tlabel\tscore\r\na\t1\t0.9\r\na\t0\t0.1\r\nb\t1\t0.2\r\nb\t0\t0.3\r\n');
  const out = json('eval', f);
  // Overall: 0.9 beats both negatives, 0.2 beats 0.1 only → 3/4. Per user: a → 1, b → 0.
  expect([out.auc, out.gauc]).toEqual([0.75, 0.5]);
});

test('quoted fields (delimiters, doubled quotes, line breaks) and the line numbers after them', () => {
  const f = file('quoted.csv', 'user_id,note,label,score\n"a","x, ""y""",1,0.9\na,"two\nlines",0,0.1\nb,"",1,0.2\nb,z,0,0.3\n');
  expect([json('eval', f).auc, json('eval', f).rows]).toEqual([0.75, 4]);
  const bad = cli('eval', file('quoted-bad.csv', 'user_id,note,label,score\na,"two\nlines",0,0.1\nb,z,1,oops\n'));
  expect(bad.status).toBe(65);
  expect(bad.stderr).toMatch(/quoted-bad\.csv:4: column "score": score "oops" is not a finite number/);
});

test('graded relevance: ranking metrics, binary ones skipped with the reason', () => {
  const out = json('eval', file('graded.csv', 'user_id,label,score\nq,3,0.9\nq,0,0.8\nq,1,0.1\n'), '--k', '2');
  expect(out.auc).toBeUndefined();
  expect(out.skipped.auc).toMatch(/labels are not all 0 or 1/);
  // Gains 3, 0 in the top 2; ideal 3, 1: (3 + 0) / (3 + 1/log2(3)).
  expect(out.ranking.at['2'].ndcg).toBeCloseTo(3 / (3 + 1 / Math.log2(3)), 12);
});

test.each([
  ['a bad score names file, line and column', 'user_id,label,score\nu,1,0.5\nu,0,abc\n', /bad\.csv:3: column "score": score "abc" is not a finite number/],
  ['a bad label', 'user_id,label,score\nu,x,0.5\n', /bad\.csv:2: column "label": label "x" is not a number >= 0/],
  ['an empty score', 'user_id,label,score\nu,1,\n', /bad\.csv:2: column "score": score "" is not a finite number/],
  ['a ragged row', 'user_id,label,score\nu,1\n', /bad\.csv:2: has 2 fields, the header has 3/],
  ['an unterminated quote', 'user_id,label,score\na,1,0.5\nb,"0,0.2\nc,1,0.3\n', /bad\.csv:3: Quoted field unterminated/],
  ['an empty file', '', /bad\.csv: is empty \(no header, no rows\)/],
  ['a header only', 'user_id,label,score\n', /bad\.csv: no rows/],
])('%s → exit 65 with a clear message', (_, text, message) => {
  const r = cli('eval', file('bad.csv', text));
  expect(r.status).toBe(65);
  expect(r.stderr).toMatch(message);
});

test('a missing column: an error when named, otherwise no groups', () => {
  const f = file('nouser.csv', 'user,label,score\nu,1,0.5\nu,0,0.2\n');
  const r = cli('eval', f, '--group', 'user_id');
  expect(r.status).toBe(65);
  expect(r.stderr).toMatch(/nouser\.csv:1: no column "user_id" \(columns: user, label, score\)/);
  const out = json('eval', f);
  expect([out.auc, out.group, out.skipped.gauc]).toEqual([1, null, 'no group column (--group)']);
  expect(cli('eval', f, '--score', 'p').stderr).toMatch(/no column "p"/);
});

test('malformed input keeps the rows before it: their metrics are printed, marked partial', () => {
  const r = cli('eval', file('partial.csv', 'user_id,label,score\na,1,0.9\na,0,0.1\nb,1,0.2\nb,0,NaN?\nc,1,0.5\n'), '--format', 'json');
  expect(r.status).toBe(65);
  const out = JSON.parse(r.stdout);
  expect([out.rows, out.auc]).toEqual([3, 1]);
  expect(out.partial).toEqual({ error: expect.stringMatching(/partial\.csv:5: column "score"/), line: 5, column: 'score' });
  expect(r.stderr).toMatch(/partial\.csv:5: column "score": score "NaN\?" is not a finite number/);
});

test('JSON Lines errors name the line and the field', () => {
  const f = file('bad.jsonl', '{"user_id": 1, "label": 1, "score": 0.5}\n{"user_id": 1, "label": 0}\n');
  expect(cli('eval', f).stderr).toMatch(/bad\.jsonl:2: column "score": is missing \(fields: user_id, label\)/);
  expect(cli('eval', file('bad2.jsonl', '{"label": 1, "score": 0.5}\nnot json\n')).stderr).toMatch(/bad2\.jsonl:2: is not JSON/);
});

test('usage errors exit 2, a missing file 66', () => {
  expect(cli('frobnicate').status).toBe(2);
  const r = cli('eval', 'data/sample.csv', '--format', 'xml');
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--format must be table, json; got "xml"/);
  expect(cli('eval', 'data/sample.csv', '--k', '0').stderr).toMatch(/--k must be positive integers/);
  expect(cli('eval', 'data/sample.csv', '--metrics', 'auc,nope').stderr).toMatch(/--metrics must be auc, gauc/);
  const missing = cli('eval', join(dir, 'nope.csv'));
  expect(missing.status).toBe(66);
  expect(missing.stderr).toMatch(/cannot read .*nope\.csv/);
});

test('a progress bar on stderr for a long file read in a terminal (util-linux `script` gives it one)', () => {
  const rows = Array.from({ length: 700_000 }, (_, i) => `${i % 5000},${i % 7 === 0 ? 1 : 0},${((i * 7919) % 10007) / 10007}`);
  const big = file('long.csv', `user_id,label,score\n${rows.join('\n')}\n`);
  const r = spawnSync('script', ['-qec', `node dist/cli/index.js eval ${big} --format json > ${join(dir, 'long.json')}`, '/dev/null'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/reading .*100% \| 700000 rows/);
  expect(JSON.parse(readFileSync(join(dir, 'long.json'), 'utf8')).rows).toBe(700_000);
});
