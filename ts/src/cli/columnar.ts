/**
 * The CLI's Parquet and Arrow IPC input: recognises the file (by its first bytes, or its
 * extension), reads its label, score and group columns batch by batch (Parquet: a row group at
 * a time with io/parquet.ts; Arrow IPC: a record batch at a time with apache-arrow's
 * RecordBatchReader) and keeps them in {@link ColumnarColumns}, which numbers group ids exactly
 * as the CSV reader's `Columns` does (cli/read.ts), so that a file gives the same metrics in
 * every format. apache-arrow and hyparquet are imported only when such a file is read.
 *
 * Errors are the CSV reader's: an InputError (exit 65) naming the file, the column and the row
 * (`file: column "label": row 1501 is null (labels cannot be null)`), after the rows before it
 * have been kept; a CannotRead (exit 66) for I/O errors.
 */
import type { AsyncBuffer, GroupValues } from '../io/parquet.js';
import { ARROW, firstNull, fromArrow, type ArrowVector } from '../arguments.js';
import { CannotRead, InputError, type ColumnNames, type Input } from './read.js';

export type ColumnarFormat = 'parquet' | 'arrow';

/** Bytes that text does not hold (as cli/read.ts's sniff): C0 controls other than tab, line breaks, form feed and ESC. */
const BINARY = /[\x00-\x08\x0e-\x1a\x1c-\x1f]/;

/**
 * Whether `input` is a Parquet or Arrow IPC file: by its magic bytes (`PAR1`, `ARROW1`, with
 * binary bytes in the first KiB or the matching extension), else by its extension (.parquet,
 * .pq; .arrow, .arrows, .feather, .ipc). Undefined: read it as text.
 */
export async function columnarFormat(input: Input): Promise<ColumnarFormat | undefined> {
  const byName: ColumnarFormat | undefined = /\.(parquet|pq)$/i.test(input.file) ? 'parquet' : /\.(arrow|arrows|feather|ipc)$/i.test(input.file) ? 'arrow' : undefined;
  if (input.size === undefined || input.size === 0) return byName; // a pipe cannot be peeked at without consuming it
  const head = Buffer.alloc(Math.min(1024, input.size));
  try {
    await input.handle.read(head, 0, head.length, 0); // positioned: the text reader still starts at 0
  } catch (e) {
    throw new CannotRead(input.file, e);
  }
  const text = head.toString('latin1');
  const binary = BINARY.test(text);
  if (text.startsWith('PAR1') && (binary || byName === 'parquet')) return 'parquet';
  if (text.startsWith('ARROW1') && (binary || byName === 'arrow')) return 'arrow';
  return byName;
}

/** Group text that is a canonical u32 (no sign, no leading zero): kept as its number (as cli/read.ts). */
const U32 = /^(0|[1-9]\d{0,9})$/;

/** Integer group ids of one batch. */
type IntegerIds = GroupValues | Int8Array | Int16Array | Uint8Array | Uint16Array;
/** Text group ids of one batch: `names[ids[i]]` is row i's id. */
interface TextIds {
  ids: ArrayLike<number>;
  names: readonly string[];
}

/**
 * Growable columns for batches, as cli/read.ts's `Columns`: labels and scores as f64; group ids
 * kept as their numbers while every id is a canonical u32 (the text of a non-negative integer
 * below 2^32), and numbered in order of first appearance from the first other id on (the rows
 * before it renumbered), so that a Parquet or Arrow file gives the same keys as its CSV.
 */
export class ColumnarColumns {
  rows = 0;
  labels = new Float64Array(1 << 16);
  scores = new Float64Array(1 << 16);
  groups: Uint32Array | undefined;
  /** Group id (a number or bigint for integer columns, the text for string columns) → key, once numbering. */
  #numbering: Map<unknown, number> | undefined;
  #text = false;

  /** Appends a batch; `groups` for every batch of a file with a group column, else never. */
  append(labels: Float64Array, scores: Float64Array, groups?: IntegerIds | TextIds): void {
    const n = labels.length;
    this.#reserve(this.rows + n, groups !== undefined);
    this.labels.set(labels, this.rows);
    this.scores.set(scores, this.rows);
    if (groups) {
      if (ArrayBuffer.isView(groups)) this.#integers(groups, this.rows);
      else this.#texts(groups, this.rows, n);
    }
    this.rows += n;
  }

  /** Room for `rows` rows in all (when the file says how many it has). */
  reserve(rows: number): void {
    if (rows > this.labels.length) this.#resize(rows);
  }

  /** Views of the rows read. */
  view() {
    return { labels: this.labels.subarray(0, this.rows), scores: this.scores.subarray(0, this.rows), groups: this.groups?.subarray(0, this.rows) };
  }

  /** Each group id's text (a number's as String() spells it) once ids are numbered, as `Columns.groupNames`. */
  get groupNames(): string[] | undefined {
    return this.#numbering && Array.from(this.#numbering.keys(), String);
  }

  #reserve(rows: number, grouped: boolean) {
    if (grouped && !this.groups) this.groups = new Uint32Array(this.labels.length);
    let size = this.labels.length;
    while (size < rows) size *= 2;
    if (size > this.labels.length) this.#resize(size);
  }

  #resize(size: number) {
    const grow = <T extends Float64Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a.subarray(0, this.rows));
      return b;
    };
    this.labels = grow(this.labels);
    this.scores = grow(this.scores);
    if (this.groups) this.groups = grow(this.groups);
  }

  #number(id: unknown): number {
    let key = this.#numbering!.get(id);
    if (key === undefined) this.#numbering!.set(id, (key = this.#numbering!.size));
    return key;
  }

  /** From the row `upto` on, ids are numbered; the rows before it (kept as their values) get numbers first. */
  #startNumbering(upto: number) {
    this.#numbering = new Map();
    const g = this.groups!;
    for (let i = 0; i < upto; i++) g[i] = this.#number(this.#text ? String(g[i]) : g[i]);
  }

  #integers(v: IntegerIds, at: number) {
    const g = this.groups!;
    const n = v.length;
    let i = 0;
    if (!this.#numbering) {
      if (v instanceof Uint32Array || v instanceof Uint16Array || v instanceof Uint8Array) {
        g.set(v, at);
        return;
      }
      if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
        // Values below 2^32 have a high word of 0 (negative ones do not).
        const words = new Uint32Array(v.buffer, v.byteOffset, 2 * n);
        for (; i < n && words[2 * i + 1] === 0; i++) g[at + i] = words[2 * i];
      } else {
        for (; i < n && v[i] >= 0; i++) g[at + i] = v[i];
      }
      if (i === n) return;
      this.#startNumbering(at + i);
    }
    for (; i < n; i++) {
      const id = v[i];
      // One spelling per value: numbers when exact, bigints beyond 2^53.
      g[at + i] = this.#number(typeof id === 'bigint' && id >= Number.MIN_SAFE_INTEGER && id <= Number.MAX_SAFE_INTEGER ? Number(id) : id);
    }
  }

  #texts({ ids, names }: TextIds, at: number, n: number) {
    this.#text = true;
    const g = this.groups!;
    // The key of each distinct id, found once per batch.
    const keys = new Float64Array(names.length).fill(-1);
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      let key = keys[id];
      if (key < 0) {
        const text = names[id];
        if (this.#numbering) key = this.#number(text);
        else if (U32.test(text) && Number(text) <= 0xffffffff) key = Number(text);
        else {
          this.#startNumbering(at + i);
          keys.fill(-1); // they held values
          key = this.#number(text);
        }
        keys[id] = key;
      }
      g[at + i] = key;
    }
  }
}

export interface ColumnarOptions {
  names: ColumnNames;
  /** Called as the file is consumed, with the bytes read so far (for a progress bar). */
  progress?: (bytes: number, rows: number) => void;
}

/**
 * Reads a Parquet or Arrow IPC `input` into `out`, and closes it. Throws an InputError at the
 * first malformed value (the rows before it are in `out`) or when the file or a column is not
 * what reckit reads, a CannotRead on an I/O error.
 */
export async function readColumnar(input: Input, format: ColumnarFormat, out: ColumnarColumns, o: ColumnarOptions): Promise<void> {
  try {
    await (format === 'parquet' ? readParquetFile(input, out, o) : readArrowFile(input, out, o));
  } finally {
    await input.handle.close().catch(() => {}); // apache-arrow may have closed it already
  }
}

/** The file as hyparquet's AsyncBuffer: positioned reads of the ranges asked for. */
function fileBuffer(input: Input): AsyncBuffer {
  const size = input.size!;
  return {
    byteLength: size,
    async slice(start, end = size) {
      const bytes = new Uint8Array(end - start);
      for (let got = 0; got < bytes.length; ) {
        let n: number;
        try {
          n = (await input.handle.read(bytes, got, bytes.length - got, start + got)).bytesRead;
        } catch (e) {
          throw new CannotRead(input.file, e);
        }
        if (n === 0) throw new CannotRead(input.file, new Error('the file ended early: it changed while being read'));
        got += n;
      }
      return bytes.buffer;
    },
  };
}

async function readParquetFile(input: Input, out: ColumnarColumns, o: ColumnarOptions): Promise<void> {
  if (input.size === undefined) throw new CannotRead(input.file, new Error('Parquet is read from a file, not a pipe (its footer comes last)'));
  const { readParquet, readParquetMetadata, ParquetInputError } = await import('../io/parquet.js');
  const { names } = o;
  try {
    const file = fileBuffer(input);
    const metadata = await readParquetMetadata(file);
    out.reserve(Number(metadata.num_rows));
    for await (const batch of readParquet(file, names, { metadata, onRowGroup: (bytes) => o.progress?.(bytes, out.rows) })) {
      const groups = batch.groups && (batch.groupNames ? { ids: batch.groups as Uint32Array, names: batch.groupNames } : batch.groups);
      out.append(batch.labels, batch.scores, groups);
    }
  } catch (e) {
    if (!(e instanceof ParquetInputError)) throw e;
    throw new InputError(input.file, undefined, e.column, e.row === undefined ? e.problem : `row ${e.row} ${e.problem}`);
  }
}

async function readArrowFile(input: Input, out: ColumnarColumns, o: ColumnarOptions): Promise<void> {
  // Compressed IPC (LZ4 or ZSTD buffers) is not read: apache-arrow 21.2.0 decodes it with a
  // registered codec, but leaves a buffer that the writer stored uncompressed (pyarrow does so
  // when compression does not pay) at an unaligned offset, and fails on int64 and float64 columns.
  const arrow = await import('apache-arrow');
  const { file } = input;
  const { names } = o;
  const damaged = (e: unknown): never => {
    if (e instanceof InputError || e instanceof CannotRead) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (/compressed but codec not found/.test(message)) {
      throw new InputError(file, undefined, undefined, "is compressed Arrow IPC (LZ4 or ZSTD buffers), which reckit does not read; write it uncompressed (pyarrow: compression='uncompressed')");
    }
    throw new InputError(file, undefined, undefined, `is not a readable Arrow IPC file: truncated or damaged (${message})`);
  };
  let reader;
  try {
    // A file handle gives random access (one record batch in memory at a time); a pipe, a stream.
    reader = await (input.size === undefined
      ? arrow.RecordBatchReader.from(input.handle.createReadStream({ autoClose: false }) as unknown as AsyncIterable<Uint8Array>)
      : arrow.RecordBatchReader.from(input.handle));
    await reader.open();
  } catch (e) {
    return damaged(e);
  }
  const fields = new Map(reader.schema.fields.map((f) => [f.name, f]));
  const find = (name: string) => {
    if (fields.has(name)) return name;
    const all = [...fields.keys()];
    throw new InputError(file, undefined, name, `no such column (columns: ${all.slice(0, 20).join(', ')}${all.length > 20 ? `, … (${all.length} in all)` : ''})`);
  };
  const label = find(names.label);
  const score = find(names.score);
  const group = names.group !== undefined && (names.groupRequired || fields.has(names.group)) ? find(names.group) : undefined;
  const typeOf = (name: string) => fields.get(name)!.type as { typeId: number; dictionary?: { typeId: number }; toString(): string };
  const numeric = (t: { typeId: number; dictionary?: { typeId: number } }) =>
    t.typeId === ARROW.Int || t.typeId === ARROW.Float || (t.typeId === ARROW.Dictionary && (t.dictionary!.typeId === ARROW.Int || t.dictionary!.typeId === ARROW.Float));
  const lt = typeOf(label);
  if (!numeric(lt) && lt.typeId !== ARROW.Bool) throw new InputError(file, undefined, label, `is an Arrow ${lt} column; labels must be a numeric or boolean column`);
  if (!numeric(typeOf(score))) throw new InputError(file, undefined, score, `is an Arrow ${typeOf(score)} column; scores must be a numeric column`);
  const gt = group === undefined ? undefined : typeOf(group);
  const texts = [ARROW.Utf8, ARROW.LargeUtf8, ARROW.Utf8View] as number[];
  if (gt && !(gt.typeId === ARROW.Int || texts.includes(gt.typeId) || (gt.typeId === ARROW.Dictionary && (gt.dictionary!.typeId === ARROW.Int || texts.includes(gt.dictionary!.typeId))))) {
    throw new InputError(file, undefined, group, `is an Arrow ${gt} column; group ids must be an integer, string or dictionary column`);
  }

  const strings = new Map<string, number>();
  const stringNames: string[] = [];
  const dictionaries = new WeakMap<object, string[]>();
  try {
    for await (const batch of reader) {
      const column = (name: string) => batch.getChild(name) as unknown as ArrowVector;
      const l = column(label);
      const s = column(score);
      const g = group === undefined ? undefined : column(group);
      // The first null, or bad label or score, of the batch: its rows before it are kept.
      const nulls = [l, s, ...(g ? [g] : [])].map((v, i) => ({ at: firstNull(v), i })).filter((x) => x.at >= 0);
      const labels = Float64Array.from(fromArrow(label, l.nullCount ? sliceBefore(l, nulls) : l, 'labels') as ArrayLike<number>);
      const scores = Float64Array.from(fromArrow(score, s.nullCount ? sliceBefore(s, nulls) : s, 'numbers') as ArrayLike<number>);
      let bad = nulls.length ? Math.min(...nulls.map((x) => x.at)) : batch.numRows;
      let problem: [string, string] | undefined;
      for (let i = 0; i < Math.min(bad, labels.length); i++) {
        if (!(labels[i] >= 0 && labels[i] < Infinity)) [bad, problem] = [i, [label, `has label ${labels[i]}, not a number >= 0`]];
        else if (!Number.isFinite(scores[i])) [bad, problem] = [i, [score, `has score ${scores[i]}, not a finite number`]];
        else continue;
        break;
      }
      if (!problem && nulls.length) {
        const first = nulls.sort((a, b) => a.at - b.at || a.i - b.i)[0];
        const name = [label, score, group!][first.i];
        problem = [name, `is null (${['labels', 'scores', 'group ids'][first.i]} cannot be null)`];
      }
      const ids = g && groupIds(g.nullCount ? sliceBefore(g, nulls) : g, bad, dictionaries, strings, stringNames);
      out.append(labels.subarray(0, bad), scores.subarray(0, bad), ids && (ArrayBuffer.isView(ids) ? (ids.subarray(0, bad) as IntegerIds) : ids));
      if (problem) throw new InputError(file, undefined, problem[0], `row ${out.rows + 1} ${problem[1]}`);
    }
  } catch (e) {
    damaged(e);
  }
}

/** A column cut before the batch's first null (so that the rows before it convert). */
function sliceBefore(v: ArrowVector, nulls: { at: number }[]): ArrowVector {
  return (v as unknown as { slice(begin: number, end: number): ArrowVector }).slice(0, Math.min(...nulls.map((x) => x.at)));
}

/** The first `rows` group ids of a batch: integers as stored, text as ids into a name table. */
function groupIds(v: ArrowVector, rows: number, dictionaries: WeakMap<object, string[]>, strings: Map<string, number>, names: string[]): IntegerIds | TextIds {
  const t = v.type;
  if (t.typeId === ARROW.Int) return fromArrow('groups', v, 'groups') as IntegerIds;
  if (t.typeId === ARROW.Dictionary) {
    const d = v.data[0];
    const dictionary = d.dictionary!;
    const indices = d.values as unknown as ArrayLike<number>;
    if (dictionary.type.typeId === ARROW.Int) {
      // Integer values behind a dictionary: the values themselves.
      const values = fromArrow('groups', dictionary, 'groups') as IntegerIds;
      const out = new (values.constructor as new (n: number) => IntegerIds)(rows);
      for (let i = 0; i < rows; i++) (out as unknown as unknown[])[i] = values[Number(indices[i])];
      return out;
    }
    let texts = dictionaries.get(dictionary);
    if (!texts) dictionaries.set(dictionary, (texts = Array.from(dictionary as Iterable<string>)));
    return { ids: typeof indices[0] === 'bigint' ? Array.from({ length: rows }, (_, i) => Number(indices[i])) : indices, names: texts };
  }
  const ids = new Uint32Array(rows);
  let i = 0;
  for (const text of v as Iterable<string>) {
    if (i === rows) break;
    let id = strings.get(text);
    if (id === undefined) {
      strings.set(text, (id = names.length));
      names.push(text);
    }
    ids[i++] = id;
  }
  return { ids, names };
}
