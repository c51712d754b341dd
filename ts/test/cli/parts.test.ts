/**
 * `reckit eval` on a partitioned log (a directory, a glob, several files): read in worker
 * threads, joined in part order, the metrics equal to the parts concatenated into one file
 * bit for bit, group ids numbered as that one file numbers them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';

const run = (...args: string[]) => spawnSync('node', ['dist/cli/index.js', 'eval', ...args], { encoding: 'utf8' });
const json = (...args: string[]) => JSON.parse(execFileSync('node', ['dist/cli/index.js', 'eval', ...args, '--format', 'json', '--metrics', METRICS, '--k', '5,10'], { encoding: 'utf8' }));
const METRICS = 'auc,gauc,logloss,ap,ks,ndcg,recall,precision,hitrate,f1,map,mrr';
const root = mkdtempSync(join(tmpdir(), 'reckit-parts-'));

/** The metrics of an eval's JSON: what must be equal bit for bit. */
function metrics(out: Record<string, unknown>) {
  const { file, format, parts, ms, backend, ...rest } = out;
  return rest;
}

const [header, ...lines] = readFileSync('data/sample.csv', 'utf8').trim().split('\n'); // user_id,item_id,label,score

/** Writes `chunks` of CSV lines as files under `dir` (names given), each with the header. */
function writeParts(dir: string, names: string[], chunks: string[][]) {
  mkdirSync(dir, { recursive: true });
  names.forEach((name, i) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), `${header}\n${chunks[i].join('\n')}\n`);
  });
}

/** `lines` cut at these row indexes (mid-user: a user's rows span parts). */
const cut = (rows: string[], at: number[]) => [0, ...at].map((a, i) => rows.slice(a, [...at, rows.length][i]));

test('a directory of CSV parts (Hive-style, nested) gives the single file\'s metrics bit for bit', () => {
  const dir = join(root, 'hive');
  const chunks = cut(lines, [12_345, 40_001, 40_002, 77_777]);
  writeParts(dir, ['date=2026-01-01/part-0.csv', 'date=2026-01-01/part-1.csv', 'date=2026-01-02/part-0.csv', 'date=2026-01-02/part-1.csv', 'date=2026-01-03/part-0.csv'], chunks);
  writeFileSync(join(dir, '_SUCCESS'), '');
  writeFileSync(join(dir, 'date=2026-01-01', '.part-0.csv.crc'), 'not a part');
  writeFileSync(join(dir, 'README.txt'), 'not a part');
  const single = json('data/sample.csv');
  const parted = json(dir);
  expect(metrics(parted)).toEqual(metrics(single));
  expect([parted.format, parted.parts, parted.rows]).toEqual(['csv', 5, 100_000]);
  // One worker reads them in turn: the same.
  expect(metrics(json(dir, '--workers', '1'))).toEqual(metrics(single));
});

test('a glob (quoted, so reckit expands it) and several files name the same parts', () => {
  const dir = join(root, 'glob');
  writeParts(dir, ['a.csv', 'b.csv', 'c.csv'], cut(lines, [30_000, 60_000]));
  const single = metrics(json('data/sample.csv'));
  expect(metrics(json(join(dir, '*.csv')))).toEqual(single);
  expect(metrics(json(join(dir, 'a.csv'), join(dir, 'b.csv'), join(dir, 'c.csv')))).toEqual(single);
  // The table says how many parts it read.
  expect(run(join(dir, '*.csv')).stdout.split('\n')[0]).toBe(`reckit eval ${join(dir, '*.csv')} (csv, 3 parts)`);
});

test('text group ids are numbered across the parts as one file numbers them', () => {
  // Part 0 has only canonical u32 ids (kept as numbers); a later part has text ids, so one file
  // would number every id in order of first appearance, and the joined parts must too.
  const relabelled = lines.map((l, i) => (i >= 50_000 && i % 3 === 0 ? `u${l}` : l));
  const dir = join(root, 'text');
  writeParts(dir, ['0.csv', '1.csv', '2.csv', '3.csv'], cut(relabelled, [25_000, 50_000, 75_000]));
  writeFileSync(join(root, 'text.csv'), `${header}\n${relabelled.join('\n')}\n`);
  const single = json(join(root, 'text.csv'));
  expect(metrics(json(dir))).toEqual(metrics(single));
  expect(single.groups).toBeGreaterThan(2000); // the u-prefixed ids are groups of their own
});

test('Parquet, Arrow IPC and CSV parts mix: integer, dictionary-string and text ids join', () => {
  const dir = join(root, 'mixed');
  mkdirSync(dir);
  copyFileSync('data/sample.parquet', join(dir, 'part-0.parquet'));
  // Arrow IPC with dictionary-encoded string ids (numbered by the columnar reader).
  const rows = lines.slice(0, 20_000).map((l) => l.split(','));
  const ids = rows.map((r) => `user-${r[0]}`);
  const table = tableFromArrays({ user_id: ids, label: Float64Array.from(rows, (r) => +r[2]), score: Float64Array.from(rows, (r) => +r[3]) });
  writeFileSync(join(dir, 'part-1.arrow'), tableToIPC(table, 'file'));
  writeFileSync(join(dir, 'part-2.csv'), `${header}\n${lines.slice(0, 1000).join('\n')}\n`);
  const single = join(root, 'mixed.csv');
  writeFileSync(single, `${header}\n${[...lines, ...rows.map((r, i) => [ids[i], ...r.slice(1)].join(',')), ...lines.slice(0, 1000)].join('\n')}\n`);
  const out = json(dir);
  expect(metrics(out)).toEqual(metrics(json(single)));
  expect([out.format, out.parts, out.rows]).toEqual(['parquet+arrow+csv', 3, 121_000]);
});

test('a malformed row in one part: exit 65 naming that part, partial metrics of the rows before it', () => {
  const dir = join(root, 'bad');
  const chunks = cut(lines, [20_000, 40_000, 60_000]);
  chunks[2] = [...chunks[2].slice(0, 500), '7,1,1,oops', ...chunks[2].slice(500)];
  writeParts(dir, ['p0.csv', 'p1.csv', 'p2.csv', 'p3.csv'], chunks);
  const r = spawnSync('node', ['dist/cli/index.js', 'eval', dir, '--format', 'json'], { encoding: 'utf8' });
  expect(r.status).toBe(65);
  expect(r.stderr).toBe(`reckit: ${join(dir, 'p2.csv')}:502: column "score": score "oops" is not a finite number\n`);
  const out = JSON.parse(r.stdout);
  expect(out.rows).toBe(40_500);
  writeFileSync(join(root, 'bad-prefix.csv'), `${header}\n${lines.slice(0, 40_500).join('\n')}\n`);
  const prefix = JSON.parse(execFileSync('node', ['dist/cli/index.js', 'eval', join(root, 'bad-prefix.csv'), '--format', 'json'], { encoding: 'utf8' }));
  expect(metrics({ ...out, partial: undefined })).toEqual(metrics({ ...prefix, partial: undefined }));
  // The table says where the error was.
  expect(run(dir).stdout.split('\n')[0]).toBe(`partial results: rows 1–40500 before the error (line 502) in ${join(dir, 'p2.csv')}`);
});

test('parts that disagree on the group column, an empty glob, bad --workers', () => {
  const dir = join(root, 'nogroup');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.csv'), `${header}\n${lines.slice(0, 100).join('\n')}\n`);
  writeFileSync(join(dir, 'b.csv'), 'label,score\n1,0.5\n0,0.25\n');
  const r = run(dir);
  expect(r.status).toBe(65);
  expect(r.stderr).toBe(`reckit: ${join(dir, 'b.csv')}: has no group column, but ${join(dir, 'a.csv')} has one (every part must have the same columns)\n`);
  const none = run(join(root, 'nowhere', '*.csv'));
  expect([none.status, none.stderr]).toEqual([66, `reckit: cannot read ${join(root, 'nowhere', '*.csv')}: matches no files\n`]);
  for (const w of ['0', '-1', 'x', '1.5', '99999']) {
    const u = run('data/sample.csv', `--workers=${w}`);
    expect([u.status, u.stderr], w).toEqual([2, `reckit: --workers must be an integer from 1 to 1024; got ${JSON.stringify(w)}\n`]);
  }
});
