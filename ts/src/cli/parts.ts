/**
 * Partitioned input for `reckit eval`: a directory (walked recursively, as Spark and pyarrow
 * write datasets: `dir/date=…/part-0.parquet`), a glob (`'logs/*.csv'`, expanded by tinyglobby
 * when the shell did not), or several files. The parts are read in parallel worker threads
 * (cli/part-worker.ts), each part by the same reader as a single file, and joined in part
 * order, so the metrics equal those of the parts concatenated into one file, bit for bit.
 *
 * The join is the exact accumulators' merge (metrics/accumulators.ts): a part's state is its
 * kept columns, and merging is concatenation in part order. Group ids need one more step:
 * every part numbers the groups it reads the way a single file does (the numbers themselves
 * while every id is a canonical u32, else 0, 1, … in order of first appearance), so when any
 * part numbered them, every part's ids are renumbered by their text in order of first
 * appearance across the parts: the numbering one file would have made. docs/guide.md states
 * the contract.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { glob, isDynamicPattern } from 'tinyglobby';
import { ColumnarColumns, columnarFormat, readColumnar } from './columnar.js';
import { CannotRead, Columns, InputError, formatOf, openInput, read, type ColumnNames, type Input, type InputFormat } from './read.js';

/** The extensions a directory's parts may have; other files (and names starting with `.` or `_`, such as Spark's `_SUCCESS`) are skipped. */
const PART = /\.(csv|tsv|jsonl|ndjson|parquet|pq|arrow|arrows|feather|ipc)$/i;

/**
 * The files `args` name: a file as it is, a directory's parts (recursively, sorted by path), a
 * glob's matches (sorted). Throws a CannotRead for a name that is none of these, or a directory
 * or glob without parts.
 */
export async function listParts(args: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    let kind: 'file' | 'dir' | 'glob';
    try {
      kind = (await stat(arg)).isDirectory() ? 'dir' : 'file';
    } catch (e) {
      if (!isDynamicPattern(arg)) throw new CannotRead(arg, e);
      kind = 'glob';
    }
    if (kind === 'file') {
      files.push(arg);
      continue;
    }
    const found = (
      kind === 'dir'
        ? await glob('**/*', { cwd: arg, onlyFiles: true, ignore: ['**/_*', '**/_*/**'] }).then((names) => names.filter((n) => PART.test(n)).map((n) => `${arg.replace(/\/+$/, '')}/${n}`))
        : await glob(arg, { onlyFiles: true, expandDirectories: false })
    ).sort();
    if (found.length === 0) {
      const what = kind === 'dir' ? 'has no .csv, .tsv, .jsonl, .parquet or .arrow files' : 'matches no files';
      throw new CannotRead(arg, new Error(what));
    }
    files.push(...found);
  }
  return files;
}

export interface PartOptions {
  names: ColumnNames;
  /** The text format given with --input; without it, each part's from its extension (or its bytes). */
  input?: InputFormat;
}

/** One part as read: its columns, its format, and the error that stopped it, if any. */
export interface Part {
  file: string;
  format: string;
  rows: number;
  labels: Float64Array;
  scores: Float64Array;
  groups?: Uint32Array;
  groupNames?: string[];
  /** The malformed row that ended the read (in `file`): the rows before it are kept. */
  failure?: { file: string; line?: number; column?: string; problem: string };
}

/**
 * Reads one file (CSV, TSV, JSON Lines, Parquet or Arrow IPC). `opened` gets the open input
 * first and may return a progress callback. A malformed row ends the part with `failure` set
 * (the rows before it kept); a CannotRead is thrown.
 */
export async function readPart(file: string, o: PartOptions, opened?: (input: Input) => ((bytes: number, rows: number) => void) | undefined): Promise<Part> {
  const input = await openInput(file);
  const progress = opened?.(input);
  const columnar = o.input ? undefined : await columnarFormat(input);
  const format = columnar ?? o.input ?? formatOf(file);
  const columns = columnar ? new ColumnarColumns() : new Columns();
  let failure: InputError | undefined;
  try {
    if (columnar) await readColumnar(input, columnar, columns as ColumnarColumns, { names: o.names, progress });
    else await read(input, columns as Columns, { format: o.input ?? formatOf(file), names: o.names, progress });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    failure = e;
  }
  const { labels, scores, groups } = columns.view();
  const groupNames = columns.groupNames;
  return { file, format, rows: columns.rows, labels, scores, ...(groups && { groups }), ...(groupNames && { groupNames }), ...(failure && { failure: { file, line: failure.line, column: failure.column, problem: failure.problem } }) };
}

/** What a worker sends back for a part. */
export type PartMessage = { part: Part } | { cannotRead: { file: string; message: string } } | { error: string };

/**
 * Reads `files` in up to `threads` worker threads (default: the machine's parallelism), part
 * by part, and joins them in order ({@link join}). Parts after a malformed one are not read.
 * `done` is called as each part is read, with its size in rows.
 */
export async function readParts(files: string[], o: PartOptions, threads = availableParallelism(), done?: (file: string, rows: number) => void): Promise<Part> {
  const results: (Part | undefined)[] = new Array(files.length);
  let next = 0;
  let stopAt = files.length; // the first malformed part: no part after it is started
  const worker = async () => {
    const w = new Worker(new URL('./part-worker.js', import.meta.url));
    try {
      while (next < stopAt) {
        const i = next++;
        const reply = await new Promise<PartMessage>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.postMessage({ file: files[i], options: o });
        });
        w.removeAllListeners('error');
        if ('cannotRead' in reply) throw new CannotRead(reply.cannotRead.file, reply.cannotRead.message);
        if ('error' in reply) throw new Error(reply.error);
        results[i] = reply.part;
        done?.(files[i], reply.part.rows);
        if (reply.part.failure) stopAt = Math.min(stopAt, i + 1);
      }
    } finally {
      await w.terminate();
    }
  };
  const pool = Array.from({ length: Math.max(1, Math.min(threads, files.length)) }, worker);
  const settled = await Promise.allSettled(pool);
  const rejected = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
  if (rejected) throw rejected.reason;
  return join(results.slice(0, stopAt) as Part[]);
}

/**
 * The parts as one: columns concatenated in order, group ids renumbered when any part numbered
 * them (see the file's doc), the first failure kept. The parts' arrays are not used afterwards.
 */
export function join(parts: Part[]): Part {
  const grouped = parts.filter((p) => p.groups).length;
  if (grouped !== 0 && grouped !== parts.length) {
    const [has, lacks] = [parts.find((p) => p.groups)!, parts.find((p) => !p.groups)!];
    const problem = `has no group column, but ${has.file} has one (every part must have the same columns)`;
    return { ...join(parts.slice(0, parts.indexOf(lacks))), failure: { file: lacks.file, problem } };
  }
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const concat = <T extends Float64Array | Uint32Array>(Ctor: new (n: number) => T, get: (p: Part) => T): T => {
    if (parts.length === 1) return get(parts[0]);
    const out = new Ctor(rows);
    let at = 0;
    for (const p of parts) {
      out.set(get(p), at);
      at += p.rows;
    }
    return out;
  };
  const labels = concat(Float64Array, (p) => p.labels);
  const scores = concat(Float64Array, (p) => p.scores);
  let groups: Uint32Array | undefined;
  let groupNames: string[] | undefined;
  if (grouped) {
    if (parts.some((p) => p.groupNames)) [groups, groupNames] = renumber(parts, rows);
    else groups = concat(Uint32Array, (p) => p.groups!);
  }
  const failed = parts.find((p) => p.failure);
  const format = [...new Set(parts.map((p) => p.format))].join('+');
  return {
    file: parts.length === 1 ? parts[0].file : '',
    format,
    rows,
    labels,
    scores,
    ...(groups && { groups }),
    ...(groupNames && { groupNames }),
    ...(failed && { failure: failed.failure }),
  };
}

/** Group ids numbered by text in order of first appearance across the parts, and each id's text. */
function renumber(parts: Part[], rows: number): [Uint32Array, string[]] {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const idOf = (text: string) => {
    let id = ids.get(text);
    if (id === undefined) {
      ids.set(text, (id = names.length));
      names.push(text);
    }
    return id;
  };
  const out = new Uint32Array(rows);
  let at = 0;
  for (const p of parts) {
    const g = p.groups!;
    if (p.groupNames) {
      // The part's ids are in order of first appearance within it: map each once, in that order.
      const global = Uint32Array.from(p.groupNames, idOf);
      for (let i = 0; i < p.rows; i++) out[at + i] = global[g[i]];
    } else {
      // The part kept its numbers: number them by their text as rows come.
      for (let i = 0; i < p.rows; i++) out[at + i] = idOf(String(g[i]));
    }
    at += p.rows;
  }
  return [out, names];
}
