/**
 * The Parquet reader (io/parquet.ts) in every test setup, browsers included: each writer's file
 * of the fixture log gives the oracle's AUC, GAUC and log loss through reckit's metrics, and a
 * null is an error naming the column and the row. (The CLI's Parquet path: cli/parquet.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { auc, gaucReport, logLoss } from 'reckit';
import { bufferFromBytes, readParquet, type ParquetBatch } from '../../dist/io/parquet.js';
import expected from './fixtures/parquet/expected.json';

/** A fixture's bytes: from the disk in Node, from the test server in a browser. */
async function bytes(name: string): Promise<Uint8Array> {
  const url = new URL(`./fixtures/parquet/${name}`, import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// The files of python/make_parquet_fixtures.py that hold the whole log.
const codecs = ['snappy', 'zstd', 'gzip', 'none'].flatMap((c) => [`pyarrow-${c}.parquet`, `pyarrow-${c}-plain.parquet`]);
const names = [
  ...codecs, 'pyarrow-v2.parquet', 'pyarrow-required.parquet', 'pyarrow-label-int8.parquet',
  'groups-int32.parquet', 'groups-string.parquet', 'groups-string-plain.parquet', 'groups-dictionary.parquet',
  'polars.parquet', 'polars-snappy.parquet', 'spark.parquet',
];

/** Every batch of a file, and its rows joined (group ids as u32 keys in order of first appearance). */
async function read(name: string) {
  const batches: ParquetBatch[] = [];
  for await (const b of readParquet(bufferFromBytes(await bytes(name)), { label: 'label', score: 'score', group: 'user_id' })) batches.push(b);
  const join = (get: (b: ParquetBatch) => ArrayLike<number | bigint>) => batches.flatMap((b) => Array.from(get(b)));
  const ids = join((b) => b.groups!).map((g) => (batches[0].groupNames ? batches[0].groupNames[Number(g)] : String(g)));
  return { batches, labels: Uint8Array.from(join((b) => b.labels) as number[]), scores: Float64Array.from(join((b) => b.scores) as number[]), ids };
}

describe('Parquet files of one log, read in this environment', () => {
  test('each writer, codec, encoding and group id type gives the oracle metrics', async () => {
    expect(names.length).toBe(18);
    for (const name of names) {
      const { batches, labels, scores, ids } = await read(name);
      expect(batches.length, name).toBe(name === 'polars.parquet' ? 1 : 3);
      expect(labels.length, name).toBe(expected.rows);
      expect(Math.abs(auc(labels, scores) - expected.auc), name).toBeLessThan(1e-12);
      expect(Math.abs(logLoss(labels, scores) - expected.logLoss), name).toBeLessThan(1e-12);
      const g = gaucReport(labels, scores, ids);
      expect(Math.abs(g.value - expected.gauc), name).toBeLessThan(1e-12);
      expect([g.groups, g.skippedGroups], name).toEqual([expected.gaucGroups, expected.skippedGroups]);
    }
  });

  test('group ids keep their type: int64 as BigInt64Array, int32 as Int32Array, strings as ids', async () => {
    const [int64, int32, text] = await Promise.all(['pyarrow-snappy.parquet', 'groups-int32.parquet', 'groups-string.parquet'].map(read));
    expect(int64.batches[0].groups).toBeInstanceOf(BigInt64Array);
    expect(int32.batches[0].groups).toBeInstanceOf(Int32Array);
    expect(text.batches[0].groups).toBeInstanceOf(Uint32Array);
    expect(int64.batches[0].groups![0]).toBe(189n); // data/sample.csv's first user
    expect(text.batches[0].groupNames![0]).toBe('189');
    expect(text.ids).toEqual(int64.ids);
    expect(int32.ids).toEqual(int64.ids);
  });

  test('a null label: the rows before it, then an error naming the column and row', async () => {
    const rows: number[] = [];
    const reading = (async () => {
      for await (const b of readParquet(bufferFromBytes(await bytes('null-label.parquet')), { label: 'label', score: 'score' })) rows.push(b.labels.length);
    })();
    await expect(reading).rejects.toThrow('column "label": row 1501 is null (labels cannot be null)');
    expect(rows).toEqual([667, 667, 166]);
  });

  test('a missing column, a text score, a truncated file', async () => {
    const first = async (name: string) => {
      for await (const b of readParquet(bufferFromBytes(await bytes(name)), { label: 'label', score: 'score' })) return b;
    };
    await expect(first('missing-column.parquet')).rejects.toThrow('column "score": no such column (columns: user_id, item_id, label)');
    await expect(first('string-score.parquet')).rejects.toThrow('column "score": is a BYTE_ARRAY (STRING) column; scores must be a numeric column');
    await expect(first('truncated.parquet')).rejects.toThrow('is not a readable Parquet file');
  });
});
