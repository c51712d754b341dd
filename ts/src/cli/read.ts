/**
 * The CLI's reader: opens a CSV, TSV or JSON Lines prediction log, checks that it is text (not
 * gzip, zip, Parquet, UTF-16, …), and streams it, keeping only the columns it needs as typed
 * arrays (labels f64, scores f64, group ids u32), so memory grows with rows × 20 bytes (plus
 * distinct groups when they are not numbers), not with the file. The file is parsed in the
 * Rust core ({@link LogReader}), fed 1 MiB at a time.
 *
 * Nothing is buffered without bound: a JSON Lines line, or a CSV/TSV record, longer than 64 MiB
 * is an error at its line (crates/core/src/io/log/mod.rs, MAX_RECORD).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { LogError, LogReader, clean, show, type LogColumns } from '../io/log.js';

export { clean, show };

export type InputFormat = 'csv' | 'tsv' | 'jsonl';


/** Bytes read at a time. */
const CHUNK = 1 << 20;

export interface ColumnNames {
  label: string;
  score: string;
  /** Absent: no group column (one query, no GAUC). */
  group?: string;
  /** Whether a missing group column is an error (given with --group) or means no groups. */
  groupRequired: boolean;
}

/** A malformed input: where, and what. The rows before it stay readable. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: string | undefined,
    readonly problem: string,
  ) {
    super(clean(`${file}${line === undefined ? '' : `:${line}`}${column === undefined ? '' : `: column ${show(column)}`}: ${problem}`));
  }
}

/** The input cannot be read (exit 66): missing, a directory, no permission, an I/O error. */
export class CannotRead extends Error {
  /** `cause`: the error, or (from a worker thread) the message already made from it. */
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    if (typeof cause === 'string') {
      super(cause);
      return;
    }
    const e = cause as NodeJS.ErrnoException;
    // Node's "ENOENT: no such file or directory, open 'x.csv'" → "no such file or directory (ENOENT)".
    const why = e.code === 'EISDIR' ? 'is a directory' : /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1];
    super(clean(`cannot read ${file}: ${why ? `${why}${e.code && e.code !== 'EISDIR' ? ` (${e.code})` : ''}` : e.message}`));
  }
}

/** The columns read (filled by the core's reader at the end; `rows` counts while it reads). */
export class Columns {
  rows = 0;
  labels: Float64Array = new Float64Array(0);
  scores: Float64Array = new Float64Array(0);
  groups: Uint32Array | undefined;
  /** Each group id's text when groups are numbered in order of appearance (see LogColumns). */
  groupNames: string[] | undefined;

  /** Takes the columns the core read (they become this object's; nothing is copied). */
  adopt(c: LogColumns) {
    this.labels = c.labels;
    this.scores = c.scores;
    this.groups = c.groups;
    this.groupNames = c.groupNames;
    this.rows = c.labels.length;
  }

  /** Views of the rows read. */
  view() {
    return { labels: this.labels.subarray(0, this.rows), scores: this.scores.subarray(0, this.rows), groups: this.groups?.subarray(0, this.rows) };
  }
}

export interface ReadOptions {
  format: InputFormat;
  names: ColumnNames;
  /** Called as the file is consumed, with the bytes read so far (for a progress bar). */
  progress?: (bytes: number, rows: number) => void;
}

export function formatOf(file: string): InputFormat {
  if (/\.tsv$/i.test(file)) return 'tsv';
  if (/\.(jsonl|ndjson)$/i.test(file)) return 'jsonl';
  return 'csv';
}

/** An input file, open. */
export interface Input {
  file: string;
  handle: FileHandle;
  /** Its size in bytes when it is a regular file (a pipe or a device has none). */
  size: number | undefined;
}

/** Opens `file` for {@link read}; a CannotRead when it is missing, a directory or not readable. */
export async function openInput(file: string): Promise<Input> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw new CannotRead(file, e);
  }
  try {
    // Linux opens a directory for reading; its first read fails with EISDIR. Say so now.
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return { file, handle, size: stat.isFile() ? stat.size : undefined };
  } catch (e) {
    await handle.close();
    throw new CannotRead(file, e);
  }
}

/**
 * Reads `input` into `out`, and closes it. Throws an InputError when the file is not text (see
 * {@link sniff}) or at the first malformed row (the rows before it are in `out`), a CannotRead
 * on an I/O error. Labels must be numbers ≥ 0 (relevance; the binary metrics check for 0/1),
 * scores finite numbers, both in decimal notation when they are text; a CSV row must have as
 * many fields as the header, whose columns in use must be there once.
 */
export async function read(input: Input, out: Columns, o: ReadOptions): Promise<void> {
  const chunks = bytes(input, o.progress && ((n) => o.progress!(n, out.rows)));
  try {
    const first = await chunks.next();
    const head = first.done ? Buffer.alloc(0) : first.value;
    const binary = sniff(head);
    if (binary !== undefined) throw new InputError(input.file, undefined, undefined, `${binary} (reckit reads CSV, TSV, JSON Lines, Parquet and Arrow IPC)`);
    const all = (async function* () {
      if (head.length) yield head;
      yield* chunks;
    })();
    await readLog(input.file, all, out, o);
  } finally {
    await chunks.return(undefined);
    await input.handle.close();
  }
}

/** The file's bytes, a chunk at a time; `progress` gets the bytes read so far. */
async function* bytes(input: Input, progress?: (bytes: number) => void): AsyncGenerator<Buffer, void, undefined> {
  let total = 0;
  let buffer = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    let n: number;
    try {
      n = (await input.handle.read(buffer, 0, CHUNK, null)).bytesRead;
    } catch (e) {
      throw new CannotRead(input.file, e);
    }
    if (n === 0) return;
    total += n;
    progress?.(total);
    if (n >= CHUNK >> 2) {
      yield buffer.subarray(0, n);
      buffer = Buffer.allocUnsafe(CHUNK); // the consumer may keep the chunk
    } else yield Buffer.from(buffer.subarray(0, n)); // a short read (a pipe): a copy, the buffer reused
  }
}

/**
 * Signatures of files that are not CSV, TSV or JSON Lines (matched against the first bytes as
 * Latin-1): what they are, what to do. Those that could start a line of text (BZh, PAR1, ARROW1)
 * count only with binary bytes in the first KiB.
 */
const SIGNATURES: [RegExp, string, string][] = [
  [/^\x1f\x8b/, 'gzip-compressed data', 'decompress it first'],
  [/^BZh[1-9]1AY&SY/, 'bzip2-compressed data', 'decompress it first'],
  [/^\xfd7zXZ\x00/, 'xz-compressed data', 'decompress it first'],
  [/^\x28\xb5\x2f\xfd/, 'zstd-compressed data', 'decompress it first'],
  [/^PK\x03\x04/, 'a zip archive (an .xlsx workbook is one too)', 'extract or export the CSV first'],
  [/^PK\x05\x06/, 'an empty zip archive', 'extract or export the CSV first'],
  [/^7z\xbc\xaf\x27\x1c/, 'a 7-Zip archive', 'extract it first'],
  [/^PAR1/, 'a Parquet file', 'without --input, reckit reads it as Parquet'],
  [/^ARROW1/, 'an Arrow IPC file', 'without --input, reckit reads it as Arrow IPC'],
  [/^Obj\x01/, 'an Avro file', 'export it to CSV or JSON Lines first'],
  [/^\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1/, 'an Excel .xls workbook', 'save it as CSV first'],
  [/^SQLite format 3\x00/, 'an SQLite database', 'export a table to CSV first'],
  [/^(?:\xff\xfe\x00\x00|\x00\x00\xfe\xff)/, 'UTF-32 text', 'convert it to UTF-8 first, e.g. with iconv -f UTF-32 -t UTF-8'],
  [/^(?:\xff\xfe|\xfe\xff)/, 'UTF-16 text', 'convert it to UTF-8 first, e.g. with iconv -f UTF-16 -t UTF-8'],
];

/** Bytes that text does not hold: C0 controls other than tab, line breaks, form feed and ESC. */
const BINARY = /[\x00-\x08\x0e-\x1a\x1c-\x1f]/;

/**
 * What the file looks like when it is not text reckit reads, from its first bytes: a compressed
 * file, an archive, a columnar or database file (by signature), UTF-16 or UTF-32 text (a byte
 * order mark, or NUL bytes at every other position in the first KiB), other binary data (NUL
 * bytes in the first KiB). Undefined for text.
 */
export function sniff(head: Buffer): string | undefined {
  const start = head.subarray(0, 1024);
  const latin1 = start.toString('latin1');
  for (const [signature, what, todo] of SIGNATURES) {
    if (!signature.test(latin1)) continue;
    if (/^[A-Z]/.test(latin1) && !BINARY.test(latin1)) continue; // text that starts like one
    return `looks like ${what}; ${todo}`;
  }
  const nul = [0, 0];
  start.forEach((b, i) => b === 0 && nul[i & 1]++);
  if (nul[0] + nul[1] === 0) return undefined;
  // ASCII in UTF-16 has a NUL in every other byte (odd positions little-endian, even big-endian).
  const utf16 = Math.max(...nul) >= start.length / 4 && Math.min(...nul) === 0;
  return utf16 ? 'looks like UTF-16 text; convert it to UTF-8 first, e.g. with iconv -f UTF-16 -t UTF-8' : 'looks like binary data: it has NUL bytes';
}

/** CSV, TSV or JSON Lines, parsed in the core as the chunks come; the rows before an error stay in `out`. */
async function readLog(file: string, chunks: AsyncIterable<Buffer>, out: Columns, o: ReadOptions): Promise<void> {
  const { names } = o;
  const reader = new LogReader({ format: o.format, label: names.label, score: names.score, group: names.group, groupRequired: names.groupRequired });
  let failure: LogError | undefined;
  try {
    for await (const chunk of chunks) {
      reader.feed(chunk);
      out.rows = reader.rows; // for the progress bar; the columns come at the end
    }
  } catch (e) {
    if (!(e instanceof LogError)) {
      reader.dispose();
      throw e;
    }
    failure = e;
  }
  const read = reader.finish();
  out.adopt(read);
  failure ??= read.error;
  if (failure) throw new InputError(file, failure.line, failure.column, failure.problem);
}
