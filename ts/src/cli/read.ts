/**
 * The CLI's reader: streams a CSV, TSV or JSON Lines prediction log and keeps only the columns
 * it needs, in growable typed arrays (labels f64, scores f64, group ids u32 with a Map from the
 * group's text to its id), so memory grows with rows × 20 bytes (plus distinct groups when they
 * are not numbers), not with the file. CSV/TSV go through Papa Parse (RFC 4180: quotes, doubled quotes, quoted line breaks,
 * CRLF, a BOM); JSON Lines through node:readline and JSON.parse.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import Papa from 'papaparse';

export type InputFormat = 'csv' | 'tsv' | 'jsonl';

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
    super(`${file}${line === undefined ? '' : `:${line}`}${column === undefined ? '' : `: column "${column}"`}: ${problem}`);
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
  /** Called as the file is consumed, with the characters read so far (for a progress bar). */
  progress?: (chars: number, rows: number) => void;
}

export function formatOf(file: string): InputFormat {
  if (/\.tsv$/i.test(file)) return 'tsv';
  if (/\.(jsonl|ndjson)$/i.test(file)) return 'jsonl';
  return 'csv';
}

/**
 * Reads `file` into `out`. Throws an InputError at the first malformed row (the rows before it
 * are in `out`). Labels must be numbers ≥ 0 (relevance; the binary metrics check for 0/1),
 * scores finite numbers; a CSV row must have as many fields as the header.
 */
export async function read(file: string, out: Columns, o: ReadOptions): Promise<void> {
  statSync(file); // ENOENT before anything else
  if (o.format === 'jsonl') return readJsonLines(file, out, o);
  return readDelimited(file, out, o);
}

function parseValues(file: string, line: number, names: ColumnNames, label: unknown, score: unknown): [number, number] {
  const l = typeof label === 'number' ? label : typeof label === 'string' && label.trim() !== '' ? Number(label) : NaN;
  if (!(l >= 0) || !Number.isFinite(l)) throw new InputError(file, line, names.label, `label ${JSON.stringify(label)} is not a number >= 0`);
  const s = typeof score === 'number' ? score : typeof score === 'string' && score.trim() !== '' ? Number(score) : NaN;
  if (!Number.isFinite(s)) throw new InputError(file, line, names.score, `score ${JSON.stringify(score)} is not a finite number`);
  return [l, s];
}

async function readDelimited(file: string, out: Columns, o: ReadOptions): Promise<void> {
  const { names } = o;
  let header: string[] | undefined;
  let at: { label: number; score: number; group: number } | undefined;
  // Physical line of the next record: 1 + the line breaks consumed so far (quoted fields may hold some).
  let line = 1;
  let failure: unknown;
  // Decoded here (a multi-byte character may straddle two chunks); progress counts characters.
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let read = 0;
  stream.on('data', (chunk) => {
    read += chunk.length;
    o.progress?.(read, out.rows);
  });
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
                const i = header!.indexOf(name);
                if (i < 0) throw new InputError(file, 1, undefined, `no column "${name}" (columns: ${header!.join(', ')})`);
                return i;
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
        } catch (e) {
          failure = e;
          parser.abort();
        }
      },
      complete: () => (failure ? reject(failure) : resolve()),
      error: (e: Error) => reject(new InputError(file, undefined, undefined, e.message)),
    });
  });
  if (!header) throw new InputError(file, undefined, undefined, 'is empty (no header, no rows)');
}

async function readJsonLines(file: string, out: Columns, o: ReadOptions): Promise<void> {
  const { names } = o;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let read = 0;
  stream.on('data', (chunk) => {
    read += chunk.length;
    o.progress?.(read, out.rows);
  });
  let line = 0;
  let group = names.group;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    const trimmed = (line === 1 ? text.replace(/^\ufeff/, '') : text).trim();
    if (trimmed === '') continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(trimmed);
    } catch (e) {
      throw new InputError(file, line, undefined, `is not JSON (${(e as Error).message})`);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new InputError(file, line, undefined, 'is not a JSON object');
    // The group field is optional unless named with --group: the first record decides.
    if (group !== undefined && out.rows === 0 && !names.groupRequired && !(group in record)) group = undefined;
    for (const name of [names.label, names.score, group]) {
      if (name !== undefined && !(name in record)) throw new InputError(file, line, name, `is missing (fields: ${Object.keys(record).join(', ')})`);
    }
    const [l, s] = parseValues(file, line, names, record[names.label], record[names.score]);
    out.push(l, s, group === undefined ? undefined : String(record[group]));
  }
}
