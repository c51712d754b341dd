/**
 * `reckit eval` on Parquet and Arrow IPC files (fixtures of python/make_parquet_fixtures.py):
 * the same metrics as the CSV of the same log, from every writer, codec, encoding and group id
 * type; malformed files exit 65 naming the file, the column and the row.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Bool, Dictionary, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import expected from '../fixtures/parquet/expected.json';

const dir = 'ts/test/fixtures/parquet';
const tmp = mkdtempSync(join(tmpdir(), 'reckit-parquet-'));
const cli = (...args: string[]) => spawnSync('node', ['dist/cli/index.js', ...args], { encoding: 'utf8' });
const ALL = ['--k', '5,10', '--metrics', 'auc,gauc,logloss,ap,ks,ndcg,recall,precision,hitrate,f1,map,mrr', '--format', 'json'];

/** The JSON output without what differs between files of one log: the file name, the backend, the time. */
function metrics(file: string, ...args: string[]) {
  const r = cli('eval', file, ...ALL, ...args);
  const { file: _file, format: _format, backend: _backend, ms: _ms, ...rest } = JSON.parse(r.stdout || '{}');
  return { status: r.status, stderr: r.stderr, out: rest };
}

const csv = metrics(`${dir}/log.csv`);
const good = readdirSync(dir).filter((f) => /^(pyarrow|polars|spark|groups|log)[^/]*\.(parquet|arrow|feather)$/.test(f));

test('the CSV of the log gives the oracle metrics (scikit-learn)', () => {
  expect(csv.status).toBe(0);
  expect(csv.out.rows).toBe(expected.rows);
  expect(csv.out.groups).toBe(expected.users);
  expect(Math.abs(csv.out.auc - expected.auc)).toBeLessThan(1e-12);
  expect(Math.abs(csv.out.gauc - expected.gauc)).toBeLessThan(1e-12);
  expect(Math.abs(csv.out.logLoss - expected.logLoss)).toBeLessThan(1e-12);
  expect([csv.out.gaucGroups, csv.out.skippedGroups]).toEqual([expected.gaucGroups, expected.skippedGroups]);
});

test('every Parquet and Arrow IPC file of the log gives exactly the CSV metrics', () => {
  // pyarrow: 4 codecs × dictionary on/off, data page v2, REQUIRED columns, int8 labels; group ids
  // as int32, strings (dictionary and plain) and an Arrow dictionary; polars; Spark-style; IPC.
  expect(good.length).toBe(21);
  for (const f of good) {
    const r = metrics(`${dir}/${f}`);
    expect([r.status, r.stderr], f).toEqual([0, '']);
    expect(r.out, f).toEqual(csv.out);
  }
});

test('another group column, and the table output', () => {
  const byItem = metrics(`${dir}/log.csv`, '--group', 'item_id').out;
  expect(byItem.groups).toBeGreaterThan(100);
  for (const f of ['pyarrow-snappy.parquet', 'polars.parquet', 'log.arrow']) expect(metrics(`${dir}/${f}`, '--group', 'item_id').out, f).toEqual(byItem);
  const noGroups = metrics(`${dir}/pyarrow-zstd.parquet`, '--group', 'user_id', '--label', 'label');
  expect(noGroups.out).toEqual(csv.out);
  const table = cli('eval', `${dir}/spark.parquet`);
  expect(table.status).toBe(0);
  expect(table.stdout).toContain(`reckit eval ${dir}/spark.parquet (parquet)\n  rows       2000  (749 user_id values)\n  AUC        0.742851\n`);
});

/** The CSV of the log's first `rows` rows: what the rows before an error must give. */
function firstRows(rows: number) {
  const lines = readFileSync(`${dir}/log.csv`, 'utf8').split('\n');
  const file = join(tmp, `first-${rows}.csv`);
  writeFileSync(file, `${lines.slice(0, rows + 1).join('\n')}\n`);
  return metrics(file).out;
}

test('a null label or score, a damaged page: exit 65 naming file, column and row, after the metrics of the rows before it', () => {
  const cases: [string, string, number][] = [
    ['null-label.parquet', 'column "label": row 1501 is null (labels cannot be null)', 1500],
    ['null-score.parquet', 'column "score": row 10 is null (scores cannot be null)', 9],
    ['corrupt-page.parquet', 'column "score": row group 2 cannot be decoded: thrift unhandled type: 15', 667],
  ];
  for (const [f, message, rows] of cases) {
    const r = metrics(`${dir}/${f}`);
    expect(r.status, f).toBe(65);
    expect(r.stderr, f).toBe(`reckit: ${dir}/${f}: ${message}\n`);
    const { partial, ...rest } = r.out;
    expect(partial, f).toEqual({ error: `${dir}/${f}: ${message}`, column: message.split('"')[1] });
    expect(rest, f).toEqual(firstRows(rows));
  }
});

test('malformed files exit 65 with one line naming the file (and the column)', () => {
  const cases: [string, string][] = [
    ['truncated.parquet', 'is not a readable Parquet file: truncated, or its footer is damaged (parquet file invalid (footer != PAR1))'],
    ['missing-column.parquet', 'column "score": no such column (columns: user_id, item_id, label)'],
    ['string-score.parquet', 'column "score": is a BYTE_ARRAY (STRING) column; scores must be a numeric column'],
    ['bool-group.parquet', 'column "user_id": is a BOOLEAN column; group ids must be an integer or string column'],
    ['truncated.arrow', 'is not a readable Arrow IPC file: truncated or damaged'],
    ['lz4.arrow', "is compressed Arrow IPC (LZ4 or ZSTD buffers), which reckit does not read; write it uncompressed (pyarrow: compression='uncompressed')"],
    ['zstd.arrow', "is compressed Arrow IPC (LZ4 or ZSTD buffers), which reckit does not read; write it uncompressed (pyarrow: compression='uncompressed')"],
  ];
  for (const [f, message] of cases) {
    const r = cli('eval', `${dir}/${f}`);
    expect([r.status, r.stdout], f).toEqual([65, '']);
    expect(r.stderr, f).toContain(`reckit: ${dir}/${f}: ${message}`);
    expect(r.stderr.trim().split('\n'), f).toHaveLength(1);
  }
  const missingGroup = cli('eval', `${dir}/log.arrow`, '--group', 'query');
  expect([missingGroup.status, missingGroup.stderr]).toEqual([65, `reckit: ${dir}/log.arrow: column "query": no such column (columns: user_id, item_id, label, score)\n`]);
  // A Parquet file under another name is recognised by its first bytes; named .parquet, a text file is not Parquet.
  const renamed = join(tmp, 'log.data');
  writeFileSync(renamed, readFileSync(`${dir}/polars.parquet`));
  expect(metrics(renamed).out).toEqual(csv.out);
  const notParquet = join(tmp, 'text.parquet');
  writeFileSync(notParquet, 'label,score\n1,0.5\n');
  expect(cli('eval', notParquet).stderr).toBe(`reckit: ${notParquet}: is not a Parquet file (it does not start with PAR1)\n`);
});

test('Arrow IPC written by apache-arrow: boolean labels, dictionary ids, a stream; a null score names its row', () => {
  const labels = [true, false, false, true, false, true];
  const scores = [0.9, 0.4, 0.35, 0.35, 0.1, 0.6];
  const users = ['u1', 'u1', 'u2', 'u2', 'u2', 'u3'];
  const write = (name: string, table: Table, format: 'file' | 'stream' = 'file') => {
    writeFileSync(join(tmp, name), tableToIPC(table, format));
    return join(tmp, name);
  };
  const table = new Table({
    label: vectorFromArray(labels, new Bool()),
    score: vectorFromArray(scores, new Float64()),
    user_id: vectorFromArray(users, new Dictionary(new Utf8(), new Int32())),
  });
  const csvFile = join(tmp, 'small.csv');
  writeFileSync(csvFile, `label,score,user_id\n${labels.map((l, i) => `${+l},${scores[i]},${users[i]}`).join('\n')}\n`);
  const want = metrics(csvFile).out;
  expect([want.auc, want.gauc]).toEqual([7.5 / 9, (2 * 1 + 3 * 0.75) / 5]); // pairs won 7.5 of 9; users u1 1, u2 ¾ (u3 one class)
  expect(metrics(write('small.arrow', table)).out).toEqual(want);
  expect(metrics(write('small.arrows', table, 'stream')).out).toEqual(want);
  const nullScore = write('null.arrow', new Table({ label: vectorFromArray(labels, new Bool()), score: vectorFromArray([0.9, 0.4, 0.35, null, 0.1, 0.6], new Float64()) }));
  const r = cli('eval', nullScore, '--format', 'json');
  expect([r.status, r.stderr]).toEqual([65, `reckit: ${nullScore}: column "score": row 4 is null (scores cannot be null)\n`]);
  expect(JSON.parse(r.stdout).rows).toBe(3);
});
