/** The CLI (Node only, so it runs in its own project): output, and errors with file and line. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import expected from '../../../data/sample.expected.json';

const cli = (...args: string[]) => spawnSync('node', ['dist/cli.js', ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'reckit-cli-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

test('eval --format json equals the sample oracle', () => {
  const out = JSON.parse(execFileSync('node', ['dist/cli.js', 'eval', 'data/sample.csv', '--format', 'json'], { encoding: 'utf8' }));
  expect(out.rows).toBe(expected.rows);
  expect(Math.abs(out.auc - expected.auc)).toBeLessThanOrEqual(1e-12);
  expect(Math.abs(out.gauc - expected.gauc_impressions)).toBeLessThanOrEqual(1e-12);
  expect(out.backend.name).toBe('native');
});

test('eval prints a table with the backend and the time', () => {
  const r = cli('eval', 'data/sample.csv');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/AUC\s+0\.749824/);
  expect(r.stdout).toMatch(/backend\s+native/);
  expect(r.stdout).toMatch(/metrics [\d.]+ ms/);
});

test('TSV with a BOM and CRLF line ends', () => {
  const f = file('bom.tsv', '\ufeffuser_id\tlabel\tscore\r\na\t1\t0.9\r\na\t0\t0.1\r\nb\t1\t0.2\r\nb\t0\t0.3\r\n');
  const out = JSON.parse(cli('eval', f, '--format', 'json').stdout);
  // Overall: 0.9 beats both negatives, 0.2 beats 0.1 only → 3/4. Per user: a → 1, b → 0.
  expect([out.auc, out.gauc]).toEqual([0.75, 0.5]);
});

test.each([
  ['a bad score names file, line and column', 'user_id,label,score\nu,1,0.5\nu,0,abc\n', /bad\.csv:3: column "score": score "abc" is not a finite number/],
  ['a bad label', 'user_id,label,score\nu,2,0.5\n', /:2: column "label": label "2" is not 0 or 1/],
  ['a missing column', 'user,label,score\nu,1,0.5\n', /no column "user_id" \(columns: user, label, score\)/],
  ['an empty file', '', /no rows/],
  ['a ragged row', 'user_id,label,score\nu,1\n', /Invalid Record Length/],
])('%s → exit 1 with a clear message', (_, text, message) => {
  const r = cli('eval', file('bad.csv', text));
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(message);
});

test('usage errors exit 2', () => {
  expect(cli('frobnicate').status).toBe(2);
  const r = cli('eval', 'data/sample.csv', '--format', 'xml');
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--format must be table or json, not "xml"/);
});
