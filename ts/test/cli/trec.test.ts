/**
 * `reckit trec`: its output is trec_eval's, byte for byte, on the committed qrels/run pair (the
 * expected text of each command line is made by python/make_trec_fixtures.py from
 * pytrec_eval's values, in trec_eval's print format); malformed inputs exit 65 with file:line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import cases from '../fixtures/trec/cases.json';

const fixtures = 'ts/test/fixtures/trec';
const qrels = join(fixtures, 'qrels.txt');
const run = join(fixtures, 'run.txt');
const cli = (...args: string[]) => spawnSync('node', ['dist/cli/index.js', 'trec', ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'reckit-trec-'));
const file = (name: string, text: string | Buffer) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

test.each(cases.map((c) => [c.name, c] as const))('%s: the output is trec_eval\'s', (_, c) => {
  const r = cli(qrels, run, ...c.args);
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toBe(readFileSync(join(fixtures, c.expected), 'utf8'));
});

test('options may come first, as trec_eval takes them; -m attached (-mmap) works', () => {
  const r = cli('-q', '-mmap', '-m', 'P.5', qrels, run);
  const every = readFileSync(join(fixtures, 'every-q.txt'), 'utf8').split('\n');
  expect(r.stdout.trim().split('\n')).toEqual(every.filter((l) => /^(map|P_5) /.test(l)));
});

test('value names as -m (ndcg_cut_10 for ndcg_cut.10) print the lines trec_eval prints for those values', () => {
  const r = cli(qrels, run, '-q', '-m', 'ndcg_cut_10', '-m', 'P_5');
  expect(r.status).toBe(0);
  const every = readFileSync(join(fixtures, 'every-q.txt'), 'utf8').split('\n');
  expect(r.stdout.trim().split('\n')).toEqual(every.filter((l) => /^(ndcg_cut_10|P_5) /.test(l)));
  expect(r.stdout).toContain('P_5                   \tall\t0.2444');
});

test('queries and documents are bytes: any encoding prints back unchanged', () => {
  // Latin-1 "é" (0xE9, not UTF-8) in a qid; ties between docnos 0xE9 and 0x7A: 0xE9 ranks first.
  const q = file('latin1.qrels', Buffer.concat([Buffer.from('q'), Buffer.from([0xe9]), Buffer.from(' 0 z 1\n')]));
  const r = file('latin1.run', Buffer.concat([Buffer.from('q'), Buffer.from([0xe9]), Buffer.from(' Q0 z 1 1 t\nq'), Buffer.from([0xe9]), Buffer.from(' Q0 \xe9 2 1 t\n', 'latin1')]));
  const out = spawnSync('node', ['dist/cli/index.js', 'trec', q, r, '-q', '-m', 'recip_rank']);
  expect(out.status).toBe(0);
  expect(out.stdout).toEqual(Buffer.concat([Buffer.from('recip_rank            \tq'), Buffer.from([0xe9]), Buffer.from('\t0.5000\nrecip_rank            \tall\t0.5000\n')]));
});

test.each([
  ['qrels with 3 fields', 'q 0 a\n', 'q Q0 a 1 1 t\n', 'qrels', 1, 'expected 4 fields (query, iteration, document, relevance), got 3'],
  ['a relevance that is not an integer', 'q 0 a 1\n\nq 0 b 2.0\n', 'q Q0 a 1 1 t\n', 'qrels', 3, 'relevance "2.0" is not an integer'],
  ['a run line with 5 fields', 'q 0 a 1\n', 'q Q0 a 1 1 t\nq Q0 b 2 0\n', 'run', 2, 'expected 6 fields (query, Q0, document, rank, score, run tag), got 5'],
  ['a score that is not a number', 'q 0 a 1\n', 'q Q0 a 1 high t\n', 'run', 1, 'score "high" is not a finite number (decimal notation, e.g. 0.5, -3, 1e-3)'],
  ['a score that is not finite', 'q 0 a 1\n', 'q Q0 a 1 1e999 t\n', 'run', 1, 'score "1e999" is not a finite number (decimal notation, e.g. 0.5, -3, 1e-3)'],
  ['a document judged twice', 'q 0 a 1\r\nq 0 b 0\r\nq 1 a 0\r\n', 'q Q0 a 1 1 t\n', 'qrels', 3, 'query "q" judges document "a" again (first on line 1); trec_eval stops on duplicate documents'],
  ['a document retrieved twice', 'q 0 a 1\n', '# run\nq Q0 a 1 1 t\nq Q0 a 2 0.5 t\n', 'run', 3, 'query "q" retrieves document "a" again (first on line 2); trec_eval stops on duplicate documents'],
])('%s: exit 65, file:line', (_, q, r, bad, line, message) => {
  const files = { qrels: file('bad.qrels', q), run: file('bad.run', r) };
  const out = cli(files.qrels, files.run);
  expect([out.status, out.stdout]).toEqual([65, '']);
  expect(out.stderr).toBe(`reckit: ${files[bad as 'qrels' | 'run']}:${line}: ${message}\n`);
});

test('files that cannot be evaluated: exit 65 naming them; a missing file 66', () => {
  const q = file('ok.qrels', 'q 0 a 1\n');
  const other = cli(q, file('other.run', 'p Q0 a 1 1 t\n'));
  expect([other.status, other.stderr]).toEqual([65, `reckit: ${join(dir, 'other.run')}: no query of the run has judgements in ${q}; trec_eval evaluates the queries that are in both\n`]);
  const empty = cli(file('empty.qrels', '\n# only a comment\n'), run);
  expect([empty.status, empty.stderr]).toEqual([65, `reckit: ${join(dir, 'empty.qrels')}: has no judgements\n`]);
  const gz = cli(q, file('run.gz', gzipSync('q Q0 a 1 1 t\n')));
  expect(gz.status).toBe(65);
  expect(gz.stderr).toMatch(/run\.gz: looks like gzip-compressed data; decompress it first \(reckit trec reads TREC qrels and run text files\)/);
  const missing = cli(q, join(dir, 'missing.run'));
  expect([missing.status, missing.stderr]).toEqual([66, `reckit: cannot read ${join(dir, 'missing.run')}: no such file or directory (ENOENT)\n`]);
});

test.each([
  [[qrels], 'reckit: trec needs a qrels file and a run file, e.g. reckit trec qrels.txt run.txt'],
  [[qrels, run, run], 'reckit: unexpected argument "ts/test/fixtures/trec/run.txt": trec takes a qrels file and a run file (see reckit trec --help)'],
  [[qrels, run, '-m', 'infAP'], /^reckit: -m "infAP": reckit does not compute trec_eval's infAP; it computes official, num_q, /],
  [[qrels, run, '-m', 'P.0'], 'reckit: -m "P.0": "0" is not allowed; P\'s cutoffs are integers >= 1, e.g. P.5,10'],
  [[qrels, run, '-c'], 'reckit: unknown option -c; reckit trec takes -q and -m of trec_eval\'s options (see reckit trec --help)'],
  [[qrels, run, '-m'], 'reckit: -m needs a measure, e.g. -m map or -m P.5,10'],
])('usage error %j: exit 2, one line, before the files are read', (args, message) => {
  const r = cli(...args);
  expect([r.status, r.stdout]).toEqual([2, '']);
  if (typeof message === 'string') expect(r.stderr).toBe(`${message}\n`);
  else expect(r.stderr).toMatch(message);
  // Checked before any file is read: the same error with a qrels file that does not exist.
  const unread = cli(...args.map((a) => (a === qrels ? join(dir, 'never.qrels') : a)));
  expect(unread.status).toBe(2);
});

test('trec --help prints the usage with the trec command, exit 0', () => {
  const r = cli('--help');
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toContain('reckit trec <qrels> <run> [-q] [-m measure]...');
  expect(r.stdout).toContain('options of trec');
  expect(r.stdout).toBe(spawnSync('node', ['dist/cli/index.js', 'help'], { encoding: 'utf8' }).stdout);
});
