/**
 * The CLI's reader: opens a CSV, TSV or JSON Lines prediction log, checks that it is text (not
 * gzip, zip, Parquet, UTF-16, …), and streams it, keeping only the columns it needs, in growable
 * typed arrays (labels f64, scores f64, group ids u32 with a Map from the group's text to its id),
 * so memory grows with rows × 20 bytes (plus distinct groups when they are not numbers), not with
 * the file. CSV/TSV go through Papa Parse (RFC 4180: quotes, doubled quotes, quoted line breaks,
 * CRLF, a BOM); JSON Lines through a line splitter over the raw bytes and JSON.parse.
 *
 * Nothing is buffered without bound: a JSON Lines line, or a CSV/TSV record, longer than
 * {@link MAX_RECORD} (64 MiB) is an error at its line. (node:readline, the previous splitter,
 * kept a line in one growing string until V8's string limit, 2^29 − 24 characters ≈ 512 MiB,
 * broke with "Invalid string length"; Papa Parse keeps the record in progress the same way.)
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';

export type InputFormat = 'csv' | 'tsv' | 'jsonl';

/** The longest JSON Lines line (bytes, without its line break) or CSV/TSV record (characters). */
export const MAX_RECORD = 64 << 20;

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

/**
 * Control characters (C0, DEL, C1), the invisible format characters (bidi overrides, zero
 * widths, line and paragraph separators, BOM) and lone surrogates: never printed raw.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with every unsafe character escaped as `\uXXXX` (JSON's spelling): safe on a terminal. */
export function clean(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Characters of a value that messages show; longer values end with "…". */
const SHOWN = 40;

/** A value from the input (or the command line) as messages show it: JSON-quoted, escaped, cut. */
export function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  let cut = text.length > SHOWN ? text.slice(0, SHOWN) : text;
  if (cut.length < text.length && /[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  const shown = clean(typeof value === 'string' ? JSON.stringify(cut) : cut);
  if (cut.length === text.length) return shown;
  return typeof value === 'string' ? `${shown.slice(0, -1)}…"` : `${shown}…`;
}

/** Column names as a list in a message: plain names as they are, others shown; the first 20. */
function list(names: string[]): string {
  const plain = /^[^\s",\p{C}](?:[^",\p{C}]{0,38}[^\s",\p{C}])?$/u;
  const shown = names.slice(0, 20).map((n) => (plain.test(n) ? n : show(n)));
  return names.length > 20 ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
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
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const e = cause as NodeJS.ErrnoException;
    // Node's "ENOENT: no such file or directory, open 'x.csv'" → "no such file or directory (ENOENT)".
    const why = e.code === 'EISDIR' ? 'is a directory' : /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1];
    super(clean(`cannot read ${file}: ${why ? `${why}${e.code && e.code !== 'EISDIR' ? ` (${e.code})` : ''}` : e.message}`));
  }
}

/** Group text that is a canonical u32 (no sign, no leading zero): kept as its number. */
const U32 = /^(0|[1-9]\d{0,9})$/;

/**
 * Growable columns. Groups are kept as their numbers while every group text is a canonical u32
 * (user ids, usually): the core groups those itself, which is much faster than a JS Map over
 * millions of rows. The first other text numbers every group in order of appearance instead.
 */
export class Columns {
  rows = 0;
  labels = new Float64Array(1 << 16);
  scores = new Float64Array(1 << 16);
  /** Allocated by the first row that has a group. */
  groups: Uint32Array | undefined;
  /** Group text → id, once some group is not a canonical u32. */
  groupIds: Map<string, number> | undefined;

  push(label: number, score: number, group: string | undefined) {
    if (group !== undefined && !this.groups) this.groups = new Uint32Array(this.labels.length);
    if (this.rows === this.labels.length) this.#grow();
    this.labels[this.rows] = label;
    this.scores[this.rows] = score;
    if (this.groups) this.groups[this.rows] = this.#groupId(group!);
    this.rows++;
  }

  #groupId(text: string): number {
    if (!this.groupIds) {
      const v = U32.test(text) ? Number(text) : -1;
      if (v >= 0 && v <= 0xffffffff) return v;
      // Switch to numbering: the numbers so far print back as their exact text.
      this.groupIds = new Map();
      for (let i = 0; i < this.rows; i++) this.groups![i] = this.#number(String(this.groups![i]));
    }
    return this.#number(text);
  }

  #number(text: string): number {
    let id = this.groupIds!.get(text);
    if (id === undefined) this.groupIds!.set(text, (id = this.groupIds!.size));
    return id;
  }

  #grow() {
    const grow = <T extends Float64Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.labels = grow(this.labels);
    this.scores = grow(this.scores);
    if (this.groups) this.groups = grow(this.groups);
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
    if (binary !== undefined) throw new InputError(input.file, undefined, undefined, `${binary} (reckit reads CSV, TSV or JSON Lines)`);
    const all = (async function* () {
      if (head.length) yield head;
      yield* chunks;
    })();
    await (o.format === 'jsonl' ? readJsonLines(input.file, all, out, o) : readDelimited(input.file, all, out, o));
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
  [/^PAR1/, 'a Parquet file', 'export it to CSV or JSON Lines first'],
  [/^ARROW1/, 'an Arrow IPC file', 'export it to CSV or JSON Lines first'],
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

/**
 * A decimal number as text: an optional sign, digits with an optional point (or a point and
 * digits), an optional exponent. Not the other texts Number() reads (0x10, 0b1, 0o7, Infinity,
 * "" or blanks as 0).
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A label or score as a number: JSON numbers as they are, text in decimal notation (blanks
 * around it allowed); NaN for anything else. Text that Number() would read but is not decimal
 * (hex, binary, octal, Infinity) is an error of its own, saying so.
 */
function toNumber(file: string, line: number, column: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  const text = value.trim();
  if (DECIMAL.test(text)) return Number(text);
  if (text !== '' && !Number.isNaN(Number(text))) {
    throw new InputError(file, line, column, `${show(value)} is not a number (decimal notation only, e.g. 0.5, -3, 1e-3)`);
  }
  return NaN;
}

function parseValues(file: string, line: number, names: ColumnNames, label: unknown, score: unknown): [number, number] {
  const l = toNumber(file, line, names.label, label);
  if (!(l >= 0) || !Number.isFinite(l)) throw new InputError(file, line, names.label, `label ${show(label)} is not a number >= 0`);
  const s = toNumber(file, line, names.score, score);
  if (!Number.isFinite(s)) throw new InputError(file, line, names.score, `score ${show(score)} is not a finite number`);
  return [l, s];
}

/** UTF-8 bytes as text (a character split between two chunks is joined). */
async function* utf8(chunks: AsyncIterable<Buffer>): AsyncGenerator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = decoder.write(chunk);
    if (text) yield text;
  }
  const text = decoder.end();
  if (text) yield text;
}

/** The texts joined into pieces of at least `want()` characters (the last may be shorter). */
async function* gather(texts: AsyncIterable<string>, want: () => number): AsyncGenerator<string, void, undefined> {
  let parts: string[] = [];
  let length = 0;
  for await (const text of texts) {
    parts.push(text);
    length += text.length;
    if (length < want()) continue;
    yield parts.length === 1 ? parts[0] : parts.join('');
    parts = [];
    length = 0;
  }
  if (length) yield parts.join('');
}

async function readDelimited(file: string, chunks: AsyncIterable<Buffer>, out: Columns, o: ReadOptions): Promise<void> {
  const { names } = o;
  let header: string[] | undefined;
  let at: { label: number; score: number; group: number } | undefined;
  // Physical line of the next record: 1 + the line breaks consumed so far (quoted fields may hold some).
  let line = 1;
  let failure: unknown;
  // Characters handed to Papa Parse (it parses each chunk as it comes, before the next), and
  // those of them it holds back: the record in progress, parsed again with each chunk.
  let fed = 0;
  let pending = 0;
  // While a record is long, each chunk is at least as long as what is pending, so the parses
  // of that record add up to a few times its length, not its length squared / the chunk size.
  const want = () => Math.max(1, Math.min(pending, MAX_RECORD + 1 - pending));
  const stream = Readable.from(gather(utf8(chunks), want));
  stream.on('data', (text: string) => (fed += text.length));
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(stream as unknown as File, {
      delimiter: o.format === 'tsv' ? '\t' : ',',
      skipEmptyLines: 'greedy',
      chunk(results, parser) {
        try {
          // Papa Parse's own findings (an unterminated quote, …), by row of this chunk.
          const problems = new Map(results.errors.map((e) => [e.row, e.message]));
          for (const [i, row] of results.data.entries()) {
            const lineOfRow = line;
            const problem = problems.get(i);
            if (problem !== undefined) throw new InputError(file, lineOfRow, undefined, problem);
            for (const f of row) if (f.includes('\n')) line += f.split('\n').length - 1;
            line++;
            if (!header) {
              header = row.map((h, i) => (i === 0 ? h.replace(/^\ufeff/, '') : h)).map((h) => h.trim());
              const index = (name: string) => {
                const where = header!.flatMap((h, i) => (h === name ? [i + 1] : []));
                if (where.length === 0) throw new InputError(file, lineOfRow, undefined, `no column ${show(name)} (columns: ${list(header!)})`);
                // Which one would be a guess: the columns in use must be unambiguous.
                if (where.length > 1) throw new InputError(file, lineOfRow, name, `is in the header ${where.length} times (columns ${where.join(', ')})`);
                return where[0] - 1;
              };
              const group = names.group === undefined || (!names.groupRequired && !header.includes(names.group)) ? -1 : index(names.group);
              at = { label: index(names.label), score: index(names.score), group };
              continue;
            }
            if (row.length !== header.length) {
              throw new InputError(file, lineOfRow, undefined, `has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${header.length}`);
            }
            const [l, s] = parseValues(file, lineOfRow, names, row[at!.label], row[at!.score]);
            out.push(l, s, at!.group >= 0 ? row[at!.group] : undefined);
          }
          pending = fed - results.meta.cursor;
          if (pending > MAX_RECORD) throw new InputError(file, line, undefined, `record is longer than ${MAX_RECORD} characters`);
        } catch (e) {
          failure = e;
          parser.abort();
          stream.destroy(); // read no further
        }
      },
      complete: () => (failure ? reject(failure) : resolve()),
      error: (e: Error) => reject(e instanceof CannotRead ? e : new InputError(file, undefined, undefined, e.message)),
    });
  });
  if (!header) throw new InputError(file, undefined, undefined, 'is empty (no header, no rows)');
}

/**
 * JSON Lines, split into lines at LF, CRLF or a lone CR (as node:readline did) over the raw
 * bytes, so a line is held only up to {@link MAX_RECORD} bytes.
 */
async function readJsonLines(file: string, chunks: AsyncIterable<Buffer>, out: Columns, o: ReadOptions): Promise<void> {
  const { names } = o;
  let line = 0;
  let group = names.group;
  // The fields in use (decided by the first record), and their quoted spellings.
  let used: string[] | undefined;
  let quoted: string[] = [];
  const take = (text: string) => {
    line++;
    const trimmed = (line === 1 ? text.replace(/^\ufeff/, '') : text).trim();
    if (trimmed === '') return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(trimmed);
    } catch (e) {
      throw new InputError(file, line, undefined, `is not JSON (${(e as Error).message})`);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new InputError(file, line, undefined, 'is not a JSON object');
    if (!used) {
      // The group field is optional unless named with --group: the first record decides.
      if (group !== undefined && !names.groupRequired && !(group in record)) group = undefined;
      used = group === undefined ? [names.label, names.score] : [names.label, names.score, group];
      quoted = used.map((n) => JSON.stringify(n));
    }
    for (const name of used) {
      if (!(name in record)) throw new InputError(file, line, name, `is missing (fields: ${list(Object.keys(record))})`);
    }
    // JSON.parse keeps the last of two equal keys; for the fields in use, that would be a guess.
    const twice = duplicateKey(trimmed, used, quoted);
    if (twice !== undefined) throw new InputError(file, line, twice, 'is in the object twice');
    const [l, s] = parseValues(file, line, names, record[names.label], record[names.score]);
    out.push(l, s, group === undefined ? undefined : String(record[group]));
  };
  const tooLong = () => new InputError(file, line + 1, undefined, `line is longer than ${MAX_RECORD} bytes`);
  // The start of the line in progress (after the last line break seen), and its length.
  let carry: Buffer[] = [];
  let carried = 0;
  // The last chunk ended with CR: an LF starting this one is the same line break.
  let afterCR = false;
  for await (const chunk of chunks) {
    let start = 0;
    if (afterCR && chunk[0] === 0x0a) start = 1;
    afterCR = false;
    const last = Math.max(chunk.lastIndexOf(0x0a), chunk.lastIndexOf(0x0d));
    if (last < start) {
      carried += chunk.length - start;
      if (carried > MAX_RECORD) throw tooLong();
      carry.push(chunk.subarray(start));
      continue;
    }
    const lf = chunk.indexOf(0x0a, start);
    const cr = chunk.indexOf(0x0d, start);
    const first = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    if (carried + first - start > MAX_RECORD) throw tooLong();
    // Every line up to the last break: whole, so UTF-8 decodes as one piece.
    const body = chunk.subarray(start, last);
    let text = (carried ? Buffer.concat([...carry, body]) : body).toString('utf8');
    if (chunk[last] === 0x0a && text.endsWith('\r')) text = text.slice(0, -1);
    afterCR = chunk[last] === 0x0d && last === chunk.length - 1;
    for (const l of text.split(/\r\n|\r|\n/)) take(l);
    carry = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    carried = chunk.length - last - 1;
  }
  if (carried) take(Buffer.concat(carry).toString('utf8'));
}

/**
 * The first of `names` that is a key of the top-level object in `json` (valid JSON) more than
 * once. Scans only lines where that can be: a name's quoted spelling (`quoted`) twice, or an
 * escape.
 */
function duplicateKey(json: string, names: string[], quoted: string[]): string | undefined {
  const twice = (q: string) => {
    const i = json.indexOf(q);
    return i >= 0 && json.indexOf(q, i + q.length) >= 0;
  };
  if (!json.includes('\\') && !quoted.some(twice)) return undefined;
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x22) {
      let j = i + 1;
      while (json.charCodeAt(j) !== 0x22) j += json.charCodeAt(j) === 0x5c ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (k < json.length && /\s/.test(json[k])) k++;
        if (json[k] === ':') {
          const key = json.slice(i, j + 1).includes('\\') ? (JSON.parse(json.slice(i, j + 1)) as string) : json.slice(i + 1, j);
          if (names.includes(key)) {
            if (seen.has(key)) return key;
            seen.add(key);
          }
        }
      }
      i = j;
    }
  }
  return undefined;
}
