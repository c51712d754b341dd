import { run } from '../backends/call.js';

/** What {@link LogReader} keeps: the label and score columns, and optionally a group column. */
export interface LogReaderOptions {
  /** `csv` (default), `tsv` or `jsonl` (JSON Lines: one object per line, the columns its fields). */
  format?: 'csv' | 'tsv' | 'jsonl';
  /** Column of labels (0/1, or graded relevance ≥ 0); default `label`. */
  label?: string;
  /** Column of scores; default `score`. */
  score?: string;
  /** Column of group ids (user, query); none by default. */
  group?: string;
  /** Whether a missing group column is an error (default) or means no groups. */
  groupRequired?: boolean;
}

/** The columns read: what the metric functions take. */
export interface LogColumns {
  labels: Float64Array;
  scores: Float64Array;
  /** Group ids: the numbers of the file while every group is a canonical u32, else 0, 1, … in order of appearance. */
  groups?: Uint32Array;
  /**
   * When the groups are numbered in order of appearance: each id's text (`groupNames[groups[i]]`
   * is row i's group as the file spells it; bytes that are not UTF-8 become U+FFFD).
   */
  groupNames?: string[];
}

/**
 * A malformed log: where (the physical line, counted through quoted line breaks; the column)
 * and what. The rows before it were read.
 */
export class LogError extends Error {
  constructor(
    readonly line: number | undefined,
    readonly column: string | undefined,
    /** The problem alone, e.g. `score "oops" is not a finite number`. */
    readonly problem: string,
  ) {
    super(clean(`${line === undefined ? '' : `line ${line}: `}${column === undefined ? '' : `column ${show(column)}: `}${problem}`));
  }
}

interface CoreError {
  line: number | null;
  column: string | null;
  problem: string;
  name: string | null;
  value: string | null;
  value_json: string | null;
  columns: string[] | null;
}

// Readers the caller dropped without finishing are freed in the core when collected.
const orphans = new FinalizationRegistry<number>((id) => {
  try {
    run('logReaderDispose', [id]);
  } catch {}
});

/**
 * A CSV, TSV or JSON Lines prediction log read as a stream by the Rust core
 * (crates/core/src/io/log/: csv-core's RFC 4180 state machine for quotes, quoted line breaks and
 * CRLF; serde_json for JSON Lines; a BOM): give it the bytes in chunks of any size with
 * {@link feed}, then {@link finish}. Only the label, score and group columns are kept, as typed
 * columns. Numbers written as text must be in decimal notation; labels ≥ 0; scores finite. In
 * JSON Lines a field in use given twice in one object is an error, and the first object decides
 * whether an optional group field is there. The first malformed record throws a {@link LogError}; the rows before it stay,
 * and {@link finish} still returns them with `error` set.
 *
 * ```js
 * const reader = new LogReader({ group: 'user_id' });
 * for await (const chunk of stream) reader.feed(chunk);
 * const { labels, scores, groups } = reader.finish();
 * ```
 */
export class LogReader {
  #id: number | undefined;
  #error: LogError | undefined;
  readonly #token = {};

  constructor(options: LogReaderOptions = {}) {
    const { format = 'csv', label = 'label', score = 'score', group, groupRequired = true } = options;
    if (group === '') throw new RangeError('group: is empty; leave it out for no group column');
    this.#id = run('logReaderCreate', [format, [label, score, group ?? ''], groupRequired]);
    orphans.register(this, this.#id, this.#token);
  }

  /** Reads the records `chunk` completes; throws the first malformed record's {@link LogError}. */
  feed(chunk: Uint8Array): void {
    this.#call(chunk, false);
  }

  /** Rows read so far. */
  get rows(): number {
    return this.#id === undefined ? 0 : run('logReaderRows', [this.#id]);
  }

  /**
   * Ends the input (the last record may lack a line break) and returns the columns read, with
   * the error that stopped the reader, if any. The reader is then closed.
   */
  finish(): LogColumns & { rows: number; error?: LogError } {
    if (this.#id === undefined) throw new Error('LogReader: already finished');
    try {
      this.#call(new Uint8Array(0), true);
    } catch (e) {
      if (!(e instanceof LogError)) throw e;
    }
    const [labels, scores, groups, names] = run('logReaderTake', [this.#id]);
    this.#close();
    const groupNames = names === undefined ? undefined : (JSON.parse(names) as string[]);
    return { labels, scores, ...(groups && { groups }), ...(groupNames && { groupNames }), rows: labels.length, ...(this.#error && { error: this.#error }) };
  }

  /** Frees the reader without reading on. */
  dispose(): void {
    if (this.#id !== undefined) run('logReaderDispose', [this.#id]);
    this.#close();
  }

  #close() {
    this.#id = undefined;
    orphans.unregister(this.#token);
  }

  #call(chunk: Uint8Array, end: boolean) {
    if (this.#id === undefined) throw new Error('LogReader: already finished');
    if (this.#error) throw this.#error;
    const json = run('logReaderFeed', [this.#id, chunk, end]);
    if (json === '') return;
    const e = JSON.parse(json) as CoreError;
    const problem = e.problem
      .replace('{value}', () => show(e.value_json === null ? e.value : JSON.parse(e.value_json)))
      .replace('{name}', () => show(e.name))
      .replace('{columns}', () => list(e.columns ?? []));
    throw (this.#error = new LogError(e.line ?? undefined, e.column ?? undefined, problem));
  }
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
export function list(names: string[]): string {
  const plain = /^[^\s",\p{C}](?:[^",\p{C}]{0,38}[^\s",\p{C}])?$/u;
  const shown = names.slice(0, 20).map((n) => (plain.test(n) ? n : show(n)));
  return names.length > 20 ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}
