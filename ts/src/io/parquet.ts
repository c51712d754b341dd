/**
 * Reads the label, score and group columns of a Parquet file, one row group at a time, in Node
 * and in browsers, with hyparquet (pure JavaScript: footer, page headers, plain, dictionary, RLE,
 * delta and byte-stream-split encodings, data pages v1 and v2, snappy) and hyparquet-compressors
 * (zstd, gzip, brotli, LZ4, and a WebAssembly snappy). Only the byte ranges of the three columns
 * in the current row group are fetched and decoded, so memory is bounded by one row group of
 * three columns plus what the caller keeps.
 *
 * The column chunks are walked page by page here, with hyparquet's page functions (its modules
 * `hyparquet/src/*.js`, which its package exports), not with its `parquetRead`: that assembles
 * every nullable column (pyarrow writes all columns nullable) through its general nested-data
 * path, value by value into JS arrays: 4.0–5.5 s for three columns of 1e7 rows (snappy, by
 * pyarrow) where this loop takes 0.54–0.88 s (pyarrow 0.18–0.28 s, polars 0.08–0.18 s, same run),
 * decoding definition levels and dictionary indices into typed arrays and converting 64-bit
 * integers without a bigint per value. Nested and repeated columns are
 * rejected: a label, score or group id is one value per row.
 *
 * Labels and scores come out as Float64Array (any integer, float, decimal or, for labels,
 * boolean column); group ids as stored when they are integers (Int32Array, Uint32Array,
 * BigInt64Array, BigUint64Array), or, when they are strings, as u32 ids numbered in order of
 * first appearance in the file (`groupNames[id]` is the text), as the CLI's CSV reader numbers
 * them. A null label, score or group id, a label that is not a finite number >= 0 or a score
 * that is not finite is a {@link ParquetInputError} naming the column and the row; the rows of
 * the row group before it come first, in a batch of their own.
 */
import { parquetMetadataAsync, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, DecodedArray, FileMetaData, RowGroup, SchemaElement, SchemaTree } from 'hyparquet';
import type { ColumnDecoder, DataPage, DataPageHeader } from 'hyparquet/src/types.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { compressors } from 'hyparquet-compressors';
import { bigIntsToNumbers } from '../arguments.js';

export type { AsyncBuffer } from 'hyparquet';

/** The columns to read. */
export interface ParquetColumnNames {
  label: string;
  score: string;
  /** The group (user, query) column; absent: no groups. */
  group?: string;
  /** Whether a missing group column is an error (true) or means no groups (false, the default). */
  groupRequired?: boolean;
}

/** Integer group ids as the file stores them. */
export type GroupValues = Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** The rows of one row group (or of its part before a bad row). */
export interface ParquetBatch {
  /** The 0-based index of the batch's first row in the file. */
  rowStart: number;
  labels: Float64Array;
  scores: Float64Array;
  /**
   * Group ids: integer columns as stored; string columns as u32 ids numbered in order of first
   * appearance in the file, with `groupNames`.
   */
  groups?: GroupValues;
  /** For a string group column: the text of each id, shared by every batch (it grows as the file is read). */
  groupNames?: string[];
}

/** A file that cannot be read as asked: not Parquet, a missing or wrongly typed column, a bad value. */
export class ParquetInputError extends Error {
  constructor(
    readonly problem: string,
    /** The column at fault, if one is. */
    readonly column?: string,
    /** The 1-based row at fault, if one is (the problem then reads after "row N"). */
    readonly row?: number,
  ) {
    super(`${column === undefined ? '' : `column ${JSON.stringify(column)}: `}${row === undefined ? '' : `row ${row} `}${problem}`);
  }
}

/** An AsyncBuffer over bytes in memory (an ArrayBuffer or a view of one). */
export function bufferFromBytes(bytes: ArrayBuffer | ArrayBufferView): AsyncBuffer {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    byteLength: view.byteLength,
    slice: (start, end = view.byteLength) => view.slice(start, end).buffer,
  };
}

/** An AsyncBuffer over a Blob or a browser File (a dropped file): reads only the ranges asked for. */
export function bufferFromBlob(blob: Blob): AsyncBuffer {
  return { byteLength: blob.size, slice: (start, end) => blob.slice(start, end).arrayBuffer() };
}

/** A column's type as messages show it, e.g. `INT64`, `BYTE_ARRAY (STRING)`. */
function typeName(e: SchemaElement): string {
  const logical = e.logical_type?.type === 'INTEGER' ? `INT(${e.logical_type.bitWidth}, ${e.logical_type.isSigned ? 'signed' : 'unsigned'})` : e.logical_type?.type;
  const annotation = logical ?? e.converted_type;
  return annotation ? `${e.type} (${annotation})` : `${e.type}`;
}

const TEMPORAL = /^(DATE|TIME|TIMESTAMP|INTERVAL)/;

/** Whether a column holds numbers hyparquet decodes as such (for labels, also booleans). */
function numeric(e: SchemaElement, booleans: boolean): boolean {
  const annotation = e.logical_type?.type ?? e.converted_type ?? '';
  if (TEMPORAL.test(annotation)) return false;
  switch (e.type) {
    case 'INT32':
    case 'INT64':
    case 'FLOAT':
    case 'DOUBLE':
      return true;
    case 'BOOLEAN':
      return booleans;
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return annotation === 'DECIMAL' || annotation === 'FLOAT16';
    default:
      return false;
  }
}

type GroupKind = 'int32' | 'uint32' | 'int64' | 'uint64' | 'string';

/** How a group column's ids are kept, or undefined when they cannot be group ids. */
function groupKind(e: SchemaElement): GroupKind | undefined {
  const annotation = e.logical_type?.type ?? e.converted_type ?? '';
  const unsigned = (e.logical_type?.type === 'INTEGER' && !e.logical_type.isSigned) || /^UINT_/.test(e.converted_type ?? '');
  if (TEMPORAL.test(annotation) || annotation === 'DECIMAL') return undefined;
  if (e.type === 'INT32') return unsigned ? 'uint32' : 'int32';
  if (e.type === 'INT64') return unsigned ? 'uint64' : 'int64';
  if (e.type === 'BYTE_ARRAY' || (e.type === 'FIXED_LEN_BYTE_ARRAY' && annotation === 'UUID')) return 'string';
  return undefined;
}

/** The file's metadata; a ParquetInputError when it is not a (whole) Parquet file. */
export async function readParquetMetadata(file: AsyncBuffer): Promise<FileMetaData> {
  if (file.byteLength === 0) throw new ParquetInputError('is empty (not a Parquet file)');
  const head = new Uint8Array(await file.slice(0, Math.min(4, file.byteLength)));
  if (String.fromCharCode(...head) !== 'PAR1') throw new ParquetInputError('is not a Parquet file (it does not start with PAR1)');
  try {
    return await parquetMetadataAsync(file);
  } catch (e) {
    if (!(e instanceof Error) || !/^parquet |invalid|exceeds|out of bounds|offset/i.test(e.message)) throw e;
    throw new ParquetInputError(`is not a readable Parquet file: truncated, or its footer is damaged (${e.message})`);
  }
}

/**
 * Reads the label, score and (optional) group columns, yielding one batch per row group.
 * `onRowGroup(bytes)` is called after each row group with the file bytes covered so far.
 */
export async function* readParquet(
  file: AsyncBuffer,
  names: ParquetColumnNames,
  options: { metadata?: FileMetaData; onRowGroup?: (bytes: number) => void } = {},
): AsyncGenerator<ParquetBatch, void, undefined> {
  const metadata = options.metadata ?? (await readParquetMetadata(file));
  const schema = parquetSchema(metadata);
  const fields = new Map(schema.children.map((c) => [c.element.name, c]));
  const find = (name: string): SchemaTree => {
    const field = fields.get(name);
    if (!field) {
      const all = [...fields.keys()];
      throw new ParquetInputError(`no such column (columns: ${all.slice(0, 20).join(', ')}${all.length > 20 ? `, … (${all.length} in all)` : ''})`, name);
    }
    if (field.children.length || field.element.repetition_type === 'REPEATED') {
      throw new ParquetInputError('is a nested or repeated column (a struct, list or map); it must hold one plain value per row', name);
    }
    return field;
  };
  const label = find(names.label).element;
  const score = find(names.score).element;
  if (!numeric(label, true)) throw new ParquetInputError(`is a ${typeName(label)} column; labels must be a numeric or boolean column`, names.label);
  if (!numeric(score, false)) throw new ParquetInputError(`is a ${typeName(score)} column; scores must be a numeric column`, names.score);
  const groupName = names.group !== undefined && (names.groupRequired || fields.has(names.group)) ? names.group : undefined;
  const group = groupName === undefined ? undefined : find(groupName).element;
  const kind = group && groupKind(group);
  if (group && !kind) throw new ParquetInputError(`is a ${typeName(group)} column; group ids must be an integer or string column`, groupName);

  const strings = kind === 'string' ? new StringIds() : undefined;
  const wanted = [names.label, names.score, ...(groupName === undefined ? [] : [groupName])];
  const paths = new Map(wanted.map((name) => [name, [schema, fields.get(name)!]]));
  let rowStart = 0;
  let bytes = 0;
  for (const [index, rowGroup] of metadata.row_groups.entries()) {
    const rows = Number(rowGroup.num_rows);
    bytes += rowGroup.columns.reduce((n, c) => n + Number(c.meta_data?.total_compressed_size ?? 0), 0);
    if (rows === 0) continue;
    const chunk = (name: string) => readChunk(file, rowGroup, index, name, paths.get(name)!);
    // The three column chunks of this row group, fetched together (only their byte ranges).
    const [lc, sc, gc] = await Promise.all([chunk(names.label), chunk(names.score), ...(groupName === undefined ? [] : [chunk(groupName)])]);
    const l = decode(lc, rows, (pages) => numbers(pages, rows, 'label'));
    const s = decode(sc, rows, (pages) => numbers(pages, rows, 'score'));
    const g = gc && decode(gc, rows, (pages) => groupIds(pages, rows, kind!, strings));
    const columns = [names.label, names.score, groupName!];
    const broken = [l, s, ...(g ? [g] : [])].findIndex((c) => c.row === false);
    if (broken >= 0) throw new ParquetInputError(`${[l, s, g!][broken].problem!} in row group ${index + 1}`, columns[broken]);
    // The first bad row of the three columns; on one row, the label is named first, then the score.
    const bad = [l, s, ...(g ? [g] : [])].map((c, i) => ({ at: c.bad, i })).filter((c) => c.at >= 0).sort((a, b) => a.at - b.at || a.i - b.i)[0];
    const end = bad ? bad.at : rows;
    if (end > 0) {
      yield {
        rowStart,
        labels: end === rows ? l.values : l.values.subarray(0, end),
        scores: end === rows ? s.values : s.values.subarray(0, end),
        ...(g && { groups: end === rows ? g.values : (g.values.subarray(0, end) as GroupValues) }),
        ...(strings && { groupNames: strings.names }),
      };
    }
    if (bad) {
      throw new ParquetInputError([l, s, g!][bad.i].problem!, columns[bad.i], rowStart + bad.at + 1);
    }
    rowStart += rows;
    options.onRowGroup?.(bytes);
  }
}

/** A column chunk's bytes with what its pages need to be decoded. */
interface Chunk {
  bytes: ArrayBuffer;
  decoder: ColumnDecoder;
  maxDefinition: number;
  where: string;
}

/** Fetches one column chunk of a row group: only its byte range. */
async function readChunk(file: AsyncBuffer, rowGroup: RowGroup, index: number, name: string, schemaPath: SchemaTree[]): Promise<Chunk> {
  const where = `row group ${index + 1}`;
  const column = rowGroup.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name);
  const meta = column?.meta_data;
  if (!meta) throw new ParquetInputError(`${where} has no chunk of this column`, name);
  if (column.file_path) throw new ParquetInputError(`${where} keeps this column in another file (${column.file_path}), which reckit does not read`, name);
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  if (!(start >= 4 && end <= file.byteLength - 8)) {
    throw new ParquetInputError(`${where}: the chunk (bytes ${start}–${end}) is outside the file (${file.byteLength} bytes): truncated or damaged`, name);
  }
  const bytes = await file.slice(start, end);
  const decoder: ColumnDecoder = { pathInSchema: meta.path_in_schema, type: meta.type, element: schemaPath[1].element, schemaPath, codec: meta.codec, parsers: DEFAULT_PARSERS, compressors };
  return { bytes, decoder, maxDefinition: schemaPath[1].element.repetition_type === 'REQUIRED' ? 0 : 1, where };
}

/** The decoded pages of a chunk given to `use`; a damaged page is a ParquetInputError naming the column's row group. */
function decode<T>(chunk: Chunk, rows: number, use: (pages: Iterable<Page>) => Converted<T>): Converted<T> {
  try {
    return use(pages(chunk, rows));
  } catch (e) {
    if (e instanceof ParquetInputError) throw e;
    throw new ParquetInputError(`${chunk.where} cannot be decoded: ${(e as Error).message ?? e}`, chunk.decoder.pathInSchema[0]);
  }
}

/** One data page: its non-null values (or dictionary indices, with the dictionary), its rows, its first null. */
interface Page {
  values: DecodedArray;
  dictionary?: DecodedArray;
  rows: number;
  /** The index in the page of its first null row, or -1. */
  firstNull: number;
}

/**
 * The data pages of a flat column chunk, decoded with hyparquet's page functions (header,
 * decompression, levels, values, type conversion) but not its nested-data assembly.
 */
function* pages(chunk: Chunk, rows: number): Generator<Page, void, undefined> {
  const { decoder, maxDefinition } = chunk;
  const reader = { view: new DataView(chunk.bytes), offset: 0 };
  let dictionary: DecodedArray | undefined;
  let seen = 0;
  while (seen < rows) {
    if (reader.offset >= reader.view.byteLength) throw new Error(`the chunk ends after ${seen} of ${rows} rows`);
    const header = parquetHeader(reader);
    const size = header.compressed_page_size;
    if (!(size >= 0 && reader.offset + size <= reader.view.byteLength)) throw new Error(`a page of ${size} bytes runs past the end of the chunk`);
    const compressed = new Uint8Array(chunk.bytes, reader.offset, size);
    reader.offset += size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, decoder.compressors);
      const r = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      dictionary = convert(readPlain(r, decoder.type, header.dictionary_page_header!.num_values, decoder.element.type_length), decoder);
      continue;
    }
    let page: { values: DecodedArray; firstNull: number; encoding: string; rows: number };
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      const bytes = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, decoder.compressors);
      page = { ...dataPage(bytes, { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }, undefined, daph, decoder, maxDefinition), encoding: daph.encoding, rows: daph.num_values };
    } else if (header.type === 'DATA_PAGE_V2') {
      const v2 = header.data_page_header_v2!;
      const levels = v2.repetition_levels_byte_length + v2.definition_levels_byte_length;
      let values: Uint8Array = compressed.subarray(levels);
      if (v2.is_compressed !== false && header.uncompressed_page_size - levels > 0) {
        values = decompressPage(values, header.uncompressed_page_size - levels, decoder.codec, decoder.compressors);
      }
      const reader = { view: new DataView(compressed.buffer, compressed.byteOffset, compressed.byteLength), offset: v2.repetition_levels_byte_length };
      page = { ...dataPage(values, reader, v2.definition_levels_byte_length, { ...v2, num_values: v2.num_values }, decoder, maxDefinition, () => readDataPageV2(compressed, header, decoder)), encoding: v2.encoding, rows: v2.num_rows };
    } else continue; // an index page
    const { values, firstNull, encoding, rows: n } = page;
    const indexed = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
    if (indexed && !dictionary) throw new Error('a dictionary-encoded page comes before any dictionary page');
    if (firstNull < 0 && values.length !== n) throw new Error(`a page of ${n} rows holds ${values.length} values`);
    yield { values: indexed ? values : convert(values, decoder), dictionary: indexed ? dictionary : undefined, rows: n, firstNull };
    seen += n;
  }
}

/**
 * A data page's values (dictionary indices for dictionary-encoded pages, before conversion) and
 * its first null row. Definition levels (0 null, 1 present: flat columns) and dictionary indices
 * decode into typed arrays with hyparquet's RLE/bit-packing reader; values of other encodings
 * (delta, byte stream split, RLE booleans) come from hyparquet's own page reader (`fallback`, or
 * readDataPage for v1 pages). `levels` is the v2 header's definition-level byte length (v1
 * pages prefix their levels with their length). Repetition levels do not occur (flat columns).
 */
function dataPage(
  bytes: Uint8Array,
  levelReader: { view: DataView; offset: number },
  levels: number | undefined,
  header: { num_values: number; encoding: string },
  decoder: ColumnDecoder,
  maxDefinition: number,
  fallback?: () => DataPage,
): { values: DecodedArray; firstNull: number } {
  const { encoding } = header;
  if (encoding !== 'PLAIN' && encoding !== 'PLAIN_DICTIONARY' && encoding !== 'RLE_DICTIONARY') {
    const d = fallback ? fallback() : readDataPage(bytes, header as DataPageHeader, decoder);
    const defs = d.definitionLevels ?? [];
    let firstNull = -1;
    for (let i = 0; maxDefinition && i < defs.length; i++) {
      if (defs[i] !== maxDefinition) {
        firstNull = i;
        break;
      }
    }
    return { values: d.dataPage, firstNull };
  }
  let firstNull = -1;
  let nulls = 0;
  if (maxDefinition) {
    const defs = new Uint8Array(header.num_values);
    readRleBitPackedHybrid(levelReader, 1, defs, levels);
    firstNull = defs.indexOf(0);
    if (firstNull >= 0) for (let i = firstNull; i < defs.length; i++) nulls += defs[i] === 0 ? 1 : 0;
  }
  // v1: the values follow the levels in the same bytes; v2: `bytes` are the values alone.
  const reader = levels === undefined ? levelReader : { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const n = header.num_values - nulls;
  if (encoding === 'PLAIN') return { values: readPlain(reader, decoder.type, n, decoder.element.type_length), firstNull };
  const width = reader.view.getUint8(reader.offset++);
  const indices = new Int32Array(n);
  if (width) readRleBitPackedHybrid(reader, width, indices, reader.view.byteLength - reader.offset);
  return { values: indices, firstNull };
}

interface Converted<T> {
  values: T;
  /** The index of the first bad value, or -1. */
  bad: number;
  problem?: string;
  /** false: the problem is the column's, not a row's. */
  row?: false;
}

const TYPED = [Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array];
const isNumberArray = (a: unknown): a is Float64Array => TYPED.some((T) => a instanceof T);
const isBigIntArray = (a: unknown): a is BigInt64Array => a instanceof BigInt64Array || a instanceof BigUint64Array;
const toNumber = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'bigint' || typeof v === 'boolean' ? Number(v) : NaN);

/** The first `n` values as f64 (a view when they already are; 64-bit integers without a bigint each). */
function toFloat64(values: DecodedArray, n: number): Float64Array {
  if (values instanceof Float64Array) return values.length === n ? values : values.subarray(0, n);
  if (isBigIntArray(values)) return bigIntsToNumbers(values, n);
  const out = new Float64Array(n);
  if (isNumberArray(values)) out.set(values.length === n ? values : values.subarray(0, n));
  else for (let i = 0; i < n; i++) out[i] = toNumber(values[i]);
  return out;
}

/** A label or score column as f64, with the index of its first null or bad value. */
function numbers(pages: Iterable<Page>, rows: number, what: 'label' | 'score'): Converted<Float64Array> {
  const out = new Float64Array(rows);
  let at = 0;
  let firstNull = -1;
  // The page's dictionary as f64, converted once per dictionary.
  let table: Float64Array | undefined;
  let tableFor: DecodedArray | undefined;
  for (const { values, dictionary, rows: pageRows, firstNull: nullAt } of pages) {
    if (at + pageRows > rows) return { values: out, bad: -1, problem: `${pageRows + at} values for ${rows} rows`, row: false };
    const n = nullAt >= 0 ? nullAt : pageRows;
    if (dictionary) {
      if (tableFor !== dictionary) [table, tableFor] = [toFloat64(dictionary, dictionary.length), dictionary];
      const index = values as ArrayLike<number>;
      for (let i = 0; i < n; i++) out[at + i] = table![index[i]];
    } else out.set(toFloat64(values, n), at);
    if (nullAt >= 0) {
      firstNull = at + nullAt;
      break;
    }
    at += pageRows;
  }
  const checked = firstNull >= 0 ? firstNull : at;
  for (let i = 0; i < checked; i++) {
    const v = out[i];
    if (what === 'label' ? !(v >= 0 && v < Infinity) : !Number.isFinite(v)) {
      return { values: out, bad: i, problem: what === 'label' ? `has label ${v}, not a number >= 0` : `has score ${v}, not a finite number` };
    }
  }
  if (firstNull >= 0) return { values: out, bad: firstNull, problem: `is null (${what}s cannot be null)` };
  if (at !== rows) return { values: out, bad: -1, problem: `${at} values for ${rows} rows`, row: false };
  return { values: out, bad: -1 };
}

const ARRAYS = { int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array } as const;

/** A group column as integers (as stored) or string ids, with the index of its first null. */
function groupIds(pages: Iterable<Page>, rows: number, kind: GroupKind, strings: StringIds | undefined): Converted<GroupValues> {
  const out = kind === 'string' ? new Uint32Array(rows) : new ARRAYS[kind](rows);
  const any = out as unknown as unknown[];
  let at = 0;
  let known: Int32Array | undefined;
  let knownFor: DecodedArray | undefined;
  for (const { values, dictionary, rows: pageRows, firstNull } of pages) {
    if (at + pageRows > rows) return { values: out, bad: -1, problem: `${pageRows + at} values for ${rows} rows`, row: false };
    const n = firstNull >= 0 ? firstNull : pageRows;
    const index = values as ArrayLike<number>;
    if (strings && dictionary) {
      // Each dictionary entry is numbered once; every row is then a typed-array lookup.
      if (knownFor !== dictionary) [known, knownFor] = [new Int32Array(dictionary.length).fill(-1), dictionary];
      for (let i = 0; i < n; i++) {
        const j = index[i];
        let id = known![j];
        if (id < 0) known![j] = id = strings.id(dictionary[j] as string);
        out[at + i] = id;
      }
    } else if (strings) for (let i = 0; i < n; i++) out[at + i] = strings.id(values[i] as string);
    else if (dictionary) for (let i = 0; i < n; i++) any[at + i] = dictionary[index[i]];
    else if (ArrayBuffer.isView(values) && isBigIntArray(values) === isBigIntArray(out)) (out as Int32Array).set((values.length === n ? values : values.subarray(0, n)) as Int32Array, at);
    else for (let i = 0; i < n; i++) any[at + i] = values[i];
    if (firstNull >= 0) return { values: out, bad: at + firstNull, problem: 'is null (group ids cannot be null)' };
    at += pageRows;
  }
  if (at !== rows) return { values: out, bad: -1, problem: `${at} values for ${rows} rows`, row: false };
  return { values: out, bad: -1 };
}

/** Strings numbered in order of first appearance. */
class StringIds {
  readonly names: string[] = [];
  #ids = new Map<string, number>();
  #last: string | undefined;
  #lastId = 0;

  id(text: string): number {
    // Logs often hold a user's rows together, and dictionary pages repeat the same string object.
    if (text === this.#last) return this.#lastId;
    let id = this.#ids.get(text);
    if (id === undefined) {
      id = this.names.length;
      this.#ids.set(text, id);
      this.names.push(text);
    }
    this.#last = text;
    this.#lastId = id;
    return id;
  }
}
