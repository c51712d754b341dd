/**
 * trec_eval's measures over TREC relevance judgements (qrels) and a run: {@link trecEval}. The
 * Rust core computes them (crates/core/src/metrics/trec.rs, where each definition is); this
 * module reads the two text formats, numbers queries and documents in the byte order of their
 * text (the core ranks ties and orders queries by those numbers, as trec_eval does with
 * `strcmp`), and expands trec_eval's `-m` arguments into the values to compute.
 */
import { run as runKernel, runAsync } from '../backends/call.js';
import { describe, isArrayLike } from '../arguments.js';

/** One judgement: `rel` is an integer; ≥ 1 is relevant, 0 not, negative "in the pool, unjudged". */
export interface TrecJudgement {
  query: string;
  doc: string;
  rel: number;
}

/** One retrieved document of a run, with its score (the rank comes from the scores). */
export interface TrecRunEntry {
  query: string;
  doc: string;
  score: number;
  /** The run's name (trec_eval's `runid` is the last entry's). */
  tag?: string;
}

export interface TrecOptions {
  /**
   * trec_eval's `-m` arguments: a measure (`map`, `P`), a measure with its cutoffs (`P.5,10`,
   * `iprec_at_recall.0.5`), the nickname `official` (trec_eval's default), or a value name
   * (`ndcg_cut_10`, the same as `ndcg_cut.10`). Default: `['official']`.
   */
  measures?: string | string[];
}

export interface TrecReport {
  /** The queries evaluated (in the run and judged in the qrels), in trec_eval's order (by their bytes). */
  queries: string[];
  /** The value names in trec_eval's print order: `runid`, `num_q`, …, `P_5`, `iprec_at_recall_0.10`, … */
  measures: string[];
  /** Per query, each value trec_eval prints per query (all but `runid`, `num_q` and `gm_map`). */
  perQuery: Record<string, Record<string, number>>;
  /**
   * The summary (trec_eval's `all`): the mean over the queries, except the sums of `num_ret`,
   * `num_rel` and `num_rel_ret`, the count `num_q` and the geometric mean `gm_map`.
   */
  all: Record<string, number>;
  /** The run's tag: the last line's sixth field (or the last entry's `tag`), as trec_eval prints it. */
  runid: string | undefined;
}

/** A malformed qrels or run text, at a line (1-based) when it is one line's fault. */
export class TrecInputError extends RangeError {
  constructor(
    readonly input: 'qrels' | 'run',
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(`${input}: ${line === undefined ? '' : `line ${line}: `}${problem}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Measures

type Param = 'cutoffs' | 'levels' | undefined;

/** The measures computed, in trec_eval's print order (measures.c, `te_trec_measures`). */
const MEASURES: { name: string; param?: Param; defaults?: number[]; count?: boolean; summaryOnly?: boolean }[] = [
  { name: 'runid', summaryOnly: true },
  { name: 'num_q', count: true, summaryOnly: true },
  { name: 'num_ret', count: true },
  { name: 'num_rel', count: true },
  { name: 'num_rel_ret', count: true },
  { name: 'map' },
  { name: 'gm_map', summaryOnly: true },
  { name: 'Rprec' },
  { name: 'bpref' },
  { name: 'recip_rank' },
  { name: 'iprec_at_recall', param: 'levels', defaults: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] },
  { name: 'P', param: 'cutoffs', defaults: [5, 10, 15, 20, 30, 100, 200, 500, 1000] },
  { name: 'recall', param: 'cutoffs', defaults: [5, 10, 15, 20, 30, 100, 200, 500, 1000] },
  { name: 'ndcg' },
  { name: 'ndcg_cut', param: 'cutoffs', defaults: [5, 10, 15, 20, 30, 100, 200, 500, 1000] },
  { name: 'map_cut', param: 'cutoffs', defaults: [5, 10, 15, 20, 30, 100, 200, 500, 1000] },
  { name: 'success', param: 'cutoffs', defaults: [1, 5, 10] },
];

/** trec_eval's `official` nickname (measures.c): its default when no `-m` is given. */
const OFFICIAL = ['runid', 'num_q', 'num_ret', 'num_rel', 'num_rel_ret', 'map', 'gm_map', 'Rprec', 'bpref', 'recip_rank', 'iprec_at_recall', 'P'];

/** trec_eval's other nicknames and measures, which reckit does not compute. */
const NOT_COMPUTED = [
  'all_trec', 'set', 'all_prefs', 'prefs', 'qrels_jg', 'relstring', 'infAP', 'gm_bpref', 'Rprec_mult', 'utility', '11pt_avg',
  'binG', 'G', 'ndcg_rel', 'Rndcg', 'relative_P', 'set_P', 'set_relative_P', 'set_recall', 'set_map', 'set_F',
  'num_nonrel_judged_ret', 'map_avgjg', 'P_avgjg', 'Rprec_mult_avgjg', 'yaap',
];

/** One value to compute and print. */
export interface TrecValue {
  /** trec_eval's measure name (`P`). */
  measure: string;
  /** Its cutoff or recall level; NaN for a measure without one. */
  param: number;
  /** The printed name (`P_10`). */
  name: string;
  /** Printed as an integer (`%ld`): num_q, num_ret, num_rel, num_rel_ret. */
  count: boolean;
  /** Printed in the summary only: runid, num_q, gm_map. */
  summaryOnly: boolean;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The values trec_eval's `-m` arguments select, in its print order. Several arguments naming
 * one measure add up their cutoffs (trec_eval keeps only the first argument's list); a measure
 * named without cutoffs gets trec_eval's defaults.
 * @throws {RangeError} naming the argument: an unknown measure, one reckit does not compute,
 *   a bad or repeated cutoff.
 */
export function trecMeasures(measures: string | string[] = ['official']): TrecValue[] {
  const specs = typeof measures === 'string' ? [measures] : measures;
  if (!Array.isArray(specs)) throw new TypeError(`measures must be a string or an array of strings, got ${describe(measures)}`);
  if (specs.length === 0) throw new RangeError("measures: is empty; give at least one, e.g. 'official' (trec_eval's default)");
  const chosen = new Map<string, { defaults: boolean; params: Set<number> }>();
  const mark = (name: string) => {
    if (!chosen.has(name)) chosen.set(name, { defaults: false, params: new Set() });
    return chosen.get(name)!;
  };
  for (const spec of specs) {
    if (typeof spec !== 'string') throw new TypeError(`measures must be strings, got ${describe(spec)}`);
    // trec_eval's form: the name, then a dot and the parameters. Or reckit's shorthand, a value
    // name (P_10 for P.10, iprec_at_recall_0.50 for iprec_at_recall.0.50).
    const value = /^(.+)_([^_]+)$/.exec(spec);
    const shorthand = value !== null && MEASURES.some((m) => m.name === value[1] && m.param);
    const dot = spec.indexOf('.');
    const name = shorthand ? value[1] : dot < 0 ? spec : spec.slice(0, dot);
    const params = shorthand ? value[2] : dot < 0 ? undefined : spec.slice(dot + 1);
    if (name === 'official') {
      if (params !== undefined) throw new RangeError(`measures: ${quote(spec)}: official takes no parameters`);
      for (const m of OFFICIAL) mark(m).defaults = true;
      continue;
    }
    const def = MEASURES.find((m) => m.name === name);
    if (!def) {
      if (NOT_COMPUTED.includes(name)) {
        throw new RangeError(`measures: ${quote(spec)}: reckit does not compute trec_eval's ${name}; it computes official, ${MEASURES.slice(1).map((m) => m.name).join(', ')}`);
      }
      throw new RangeError(`measures: ${quote(spec)} is not a trec_eval measure reckit computes: official, ${MEASURES.map((m) => m.name).join(', ')}`);
    }
    const entry = mark(name);
    if (params === undefined) {
      entry.defaults = true;
      continue;
    }
    if (!def.param) throw new RangeError(`measures: ${quote(spec)}: ${name} takes no parameters`);
    const seen = new Set<number>();
    for (const text of params.split(',')) {
      const v = def.param === 'cutoffs' ? (/^\d+$/.test(text) ? Number(text) : NaN) : DECIMAL.test(text) ? Number(text) : NaN;
      const ok = def.param === 'cutoffs' ? Number.isSafeInteger(v) && v >= 1 : Number.isFinite(v);
      if (!ok) {
        const what = def.param === 'cutoffs' ? 'cutoffs are integers >= 1' : 'recall levels are decimal numbers';
        throw new RangeError(`measures: ${quote(spec)}: ${quote(text)} is not allowed; ${name}'s ${what}, e.g. ${name}.${def.defaults!.slice(0, 2).join(',')}`);
      }
      if (seen.has(v)) throw new RangeError(`measures: ${quote(spec)}: ${text} is given twice (trec_eval: duplicate cutoffs)`);
      seen.add(v);
      entry.params.add(v);
    }
  }
  const out: TrecValue[] = [];
  for (const def of MEASURES) {
    const entry = chosen.get(def.name);
    if (!entry) continue;
    const common = { measure: def.name, count: def.count === true, summaryOnly: def.summaryOnly === true };
    if (!def.param) {
      out.push({ ...common, param: NaN, name: def.name });
      continue;
    }
    const params = [...new Set([...(entry.defaults ? def.defaults! : []), ...entry.params])].sort((a, b) => a - b);
    const names = new Map<string, number>();
    for (const p of params) {
      // meas_init.c: append_long ("%s_%ld") and append_float ("%s_%3.2f").
      const name = `${def.name}_${def.param === 'levels' ? cFixed(p, 2).padStart(3) : String(p)}`;
      if (names.has(name)) throw new RangeError(`measures: recall levels ${names.get(name)} and ${p} both print as ${name}`);
      names.set(name, p);
      out.push({ ...common, param: p, name });
    }
  }
  return out;
}

/**
 * `x` with `digits` decimals as C's printf `%.<digits>f` writes it: rounded from the exact
 * value of the double, halves to even (glibc; 0.03125 → "0.0312"). JavaScript's toFixed
 * rounds halves up ("0.0313"); an exact half of the last digit is a double whose product with
 * 2^(digits + 1) is an odd integer, so only those need care.
 */
export function cFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  const twice = a * 2 ** (digits + 1);
  if (!(Number.isInteger(twice) && twice % 2 === 1 && twice <= Number.MAX_SAFE_INTEGER)) return sign + a.toFixed(digits);
  // a·10^d = twice·5^d / 2 exactly, a half: round to the even neighbour.
  const half = BigInt(twice) * 5n ** BigInt(digits);
  let n = (half - 1n) / 2n;
  if (n % 2n === 1n) n += 1n;
  const text = n.toString().padStart(digits + 1, '0');
  return `${sign}${text.slice(0, text.length - digits)}${digits > 0 ? `.${text.slice(text.length - digits)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** A value in a message: quoted, escaped, cut after 40 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Code point order (= UTF-8 byte order, strcmp's), where UTF-16 puts U+10000… below U+E000…U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Numbers strings in the byte order of their UTF-8 text (equal strings, equal numbers): sorting
 * once is faster than a Map over millions of distinct docnos. `keys[id]` is the string of `id`.
 */
function numberInByteOrder(texts: string[]): { ids: Uint32Array; keys: string[] } {
  const order = Array.from(texts.keys());
  // Without surrogates, UTF-16 order (JavaScript's <) is code point order, which is UTF-8's byte order.
  if (texts.some((t) => SURROGATE.test(t))) order.sort((a, b) => compareCodePoints(texts[a], texts[b]));
  else order.sort((a, b) => (texts[a] < texts[b] ? -1 : texts[a] > texts[b] ? 1 : 0));
  const ids = new Uint32Array(texts.length);
  const keys: string[] = [];
  for (const i of order) {
    if (keys.length === 0 || keys[keys.length - 1] !== texts[i]) keys.push(texts[i]);
    ids[i] = keys.length - 1;
  }
  return { ids, keys };
}

const SURROGATE = /[\ud800-\udfff]/;

/** Rows of (query, document, value) as read, with where each came from. */
class Rows {
  query: string[] = [];
  doc: string[] = [];
  value: number[] = [];
  /** Line numbers (text input). */
  lines: number[] = [];
  text = false;

  push(query: string, doc: string, value: number, line?: number) {
    // Consecutive lines mostly share their query: keep one string for it.
    const last = this.query.length - 1;
    this.query.push(last >= 0 && this.query[last] === query ? this.query[last] : query);
    this.doc.push(doc);
    this.value.push(value);
    if (line !== undefined) this.lines.push(line);
  }
}

/** The bounds of a line's fields: field k is text[FIELDS[2k], FIELDS[2k + 1]). */
const FIELDS = new Int32Array(16);

/**
 * Finds the fields of text[start, end), separated by C's isspace characters (trec_eval's
 * separators), keeping the bounds of the first `max` in FIELDS. Returns how many fields there are.
 */
function fields(text: string, start: number, end: number, max: number): number {
  let n = 0;
  let i = start;
  while (i < end) {
    let c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
      continue;
    }
    const from = i;
    while (i < end && !((c = text.charCodeAt(i)) === 32 || (c >= 9 && c <= 13))) i++;
    if (n < max) {
      FIELDS[2 * n] = from;
      FIELDS[2 * n + 1] = i;
    }
    n++;
  }
  return n;
}

/**
 * Calls `each` for every line of `text` but blank ones and comments (a first field starting
 * with `#`, as trec_eval 10), with its number of fields (the first `max` have their bounds in
 * FIELDS) and its line number.
 */
function eachLine(text: string, max: number, each: (n: number, line: number) => void) {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const n = fields(text, start, end, max);
    if (n > 0 && text.charCodeAt(FIELDS[0]) !== 35) each(n, line);
    start = end + 1;
  }
}

const field = (text: string, k: number) => text.slice(FIELDS[2 * k], FIELDS[2 * k + 1]);

function parseQrels(qrels: string | readonly TrecJudgement[], out: Rows) {
  if (typeof qrels === 'string') {
    out.text = true;
    eachLine(qrels, 4, (n, line) => {
      if (n !== 4) throw new TrecInputError('qrels', line, `expected 4 fields (query, iteration, document, relevance), got ${n}`);
      const text = field(qrels, 3);
      const rel = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(rel)) throw new TrecInputError('qrels', line, `relevance ${quote(text)} is not an integer`);
      out.push(field(qrels, 0), field(qrels, 2), rel, line);
    });
    if (out.query.length === 0) throw new TrecInputError('qrels', undefined, 'has no judgements');
    return;
  }
  if (!isArrayLike(qrels)) throw new TypeError(`qrels must be the text of a qrels file or an array of { query, doc, rel }, got ${describe(qrels)}`);
  for (let i = 0; i < qrels.length; i++) {
    const { query, doc, value: rel } = entry(`qrels[${i}]`, qrels[i], 'rel');
    if (!Number.isSafeInteger(rel)) throw new RangeError(`qrels[${i}].rel: ${rel} is not an integer`);
    out.push(query, doc, rel);
  }
  if (out.query.length === 0) throw new RangeError('qrels: is empty');
}

/** Reads the run into `out`; returns its tag (runid). */
function parseRun(run: string | readonly TrecRunEntry[], out: Rows): string | undefined {
  let runid: string | undefined;
  if (typeof run === 'string') {
    out.text = true;
    let [tagFrom, tagTo] = [0, 0];
    eachLine(run, 6, (n, line) => {
      if (n < 6) throw new TrecInputError('run', line, `expected 6 fields (query, Q0, document, rank, score, run tag), got ${n}`);
      const text = field(run, 4);
      const score = DECIMAL.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(score)) throw new TrecInputError('run', line, `score ${quote(text)} is not a finite number (decimal notation, e.g. 0.5, -3, 1e-3)`);
      out.push(field(run, 0), field(run, 2), score, line);
      [tagFrom, tagTo] = [FIELDS[10], FIELDS[11]];
    });
    if (out.query.length === 0) throw new TrecInputError('run', undefined, 'has no results');
    // trec_eval prints the last line's tag.
    runid = run.slice(tagFrom, tagTo);
    return runid;
  }
  if (!isArrayLike(run)) throw new TypeError(`run must be the text of a run file or an array of { query, doc, score }, got ${describe(run)}`);
  for (let i = 0; i < run.length; i++) {
    const { query, doc, value: score } = entry(`run[${i}]`, run[i], 'score');
    if (!Number.isFinite(score)) throw new RangeError(`run[${i}].score: ${score} is not finite`);
    const tag = (run[i] as TrecRunEntry).tag;
    if (tag !== undefined && typeof tag !== 'string') throw new TypeError(`run[${i}].tag must be a string, got ${describe(tag)}`);
    if (tag !== undefined) runid = tag;
    out.push(query, doc, score);
  }
  if (out.query.length === 0) throw new RangeError('run: is empty');
  return runid;
}

/** A row's query and doc (strings) and its number field, checked. */
function entry(where: string, row: unknown, field: 'rel' | 'score'): { query: string; doc: string; value: number } {
  if (row === null || typeof row !== 'object') throw new TypeError(`${where} must be an object, got ${describe(row)}`);
  const r = row as Record<string, unknown>;
  for (const k of ['query', 'doc'] as const) {
    if (typeof r[k] !== 'string') throw new TypeError(`${where}.${k} must be a string, got ${describe(r[k])}`);
  }
  if (typeof r[field] !== 'number') throw new TypeError(`${where}.${field} must be a number, got ${describe(r[field])}`);
  return { query: r.query as string, doc: r.doc as string, value: r[field] as number };
}

/** Everything the kernel takes, and what turns its result back into names. */
function prepare(qrels: string | readonly TrecJudgement[], run: string | readonly TrecRunEntry[], options: TrecOptions) {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  const values = trecMeasures(options.measures);
  const judged = new Rows();
  const retrieved = new Rows();
  parseQrels(qrels, judged);
  const runid = parseRun(run, retrieved);
  // One numbering for both inputs: qrels rows first, then the run's.
  const split = (ids: Uint32Array) => ({ qrels: ids.subarray(0, judged.query.length), run: ids.subarray(judged.query.length) });
  const queries = numberInByteOrder([...judged.query, ...retrieved.query]);
  const docs = numberInByteOrder([...judged.doc, ...retrieved.doc]);
  const [q, d] = [split(queries.ids), split(docs.ids)];
  const isJudged = new Uint8Array(queries.keys.length);
  q.qrels.forEach((id) => (isJudged[id] = 1));
  if (!q.run.some((id) => isJudged[id] === 1)) {
    throw new TrecInputError('run', undefined, 'no query of the run has judgements in the qrels; trec_eval evaluates the queries that are in both');
  }
  const computed = values.filter((v) => v.measure !== 'runid');
  const args = [
    q.qrels, d.qrels, Float64Array.from(judged.value), q.run, d.run, Float64Array.from(retrieved.value),
    computed.map((v) => v.measure).join(','), Float64Array.from(computed, (v) => v.param),
  ] as [Uint32Array, Uint32Array, Float64Array, Uint32Array, Uint32Array, Float64Array, string, Float64Array];

  /** The kernel's "rows i and j have the same query and document" in the caller's terms. */
  const rename = (e: unknown): never => {
    const m = e instanceof RangeError ? /^(qrels|run): rows (\d+) and (\d+) have the same query and document/.exec(e.message) : null;
    if (!m) throw e;
    const input = m[1] as 'qrels' | 'run';
    const rows = input === 'qrels' ? judged : retrieved;
    const [a, b] = [Number(m[2]), Number(m[3])];
    const what = `query ${quote(rows.query[b])} ${input === 'qrels' ? 'judges' : 'retrieves'} document ${quote(rows.doc[b])} again`;
    if (rows.text) throw new TrecInputError(input, rows.lines[b], `${what} (first on line ${rows.lines[a]}); trec_eval stops on duplicate documents`);
    throw new RangeError(`${input}[${b}]: ${what} (first at ${input}[${a}]); trec_eval stops on duplicate documents`);
  };

  const report = (v: Float64Array): TrecReport => {
    const n = v[0];
    const m = computed.length;
    const qids = Array.from(v.subarray(1, 1 + n), (id) => queries.keys[id]);
    const perQuery = Object.fromEntries(
      qids.map((qid, i) => [qid, Object.fromEntries(computed.flatMap((c, k) => (c.summaryOnly ? [] : [[c.name, v[1 + n + i * m + k]]])))]),
    );
    const all = Object.fromEntries(computed.map((c, k) => [c.name, v[1 + n + n * m + k]]));
    return { queries: qids, measures: values.map((x) => x.name), perQuery, all, runid };
  };
  return { args, rename, report };
}

// ---------------------------------------------------------------------------------------------
// The function

/**
 * trec_eval's measures of a run against relevance judgements, computed as trec_eval 9.0 does
 * (its definitions and defaults: the queries in both, relevant means a judgement ≥ 1, ties in
 * score ranked by docno descending). `reckit trec` prints this report in trec_eval's format.
 *
 * `qrels` is the text of a qrels file (`query iteration document relevance` per line) or an
 * array of `{ query, doc, rel }`; `run` the text of a run file (`query Q0 document rank score
 * tag`; the rank column is not used: trec_eval ranks by score) or an array of `{ query, doc,
 * score, tag? }`. Fields are separated by blanks; blank lines and lines starting with `#` are
 * skipped. Queries and documents compare by the bytes of their UTF-8 text, as trec_eval's
 * `strcmp` (code point order for JavaScript strings).
 *
 * Measures (trec_eval's names; `options.measures` as its `-m`): `runid`, `num_q`, `num_ret`,
 * `num_rel`, `num_rel_ret`, `map`, `gm_map`, `Rprec`, `bpref`, `recip_rank`,
 * `iprec_at_recall`, `P`, `recall`, `ndcg`, `ndcg_cut`, `map_cut`, `success`, and the nickname
 * `official` (the default). Where they differ from {@link rankingMetrics}: `map_cut_k` divides
 * by all relevant documents R (`mapAtK` by min(K, R)), ties go by docno descending (not input
 * position), NDCG's ideal ranking includes judged documents the run did not retrieve, and a
 * query with no relevant document is evaluated (0) only when it has judgements.
 *
 * @throws {RangeError} for a malformed line (a {@link TrecInputError} naming the input and
 *   line), a judgement that is not an integer, a score that is not finite, a document twice for
 *   one query in either input, no query of the run in the qrels, or an unknown measure.
 */
export function trecEval(qrels: string | readonly TrecJudgement[], run: string | readonly TrecRunEntry[], options: TrecOptions = {}): TrecReport {
  const { args, rename, report } = prepare(qrels, run, options);
  let v: Float64Array;
  try {
    v = runKernel('trecEval', args);
  } catch (e) {
    rename(e);
  }
  return report(v!);
}

/** {@link trecEval} off the calling thread (the text is parsed on it). */
export async function trecEvalAsync(qrels: string | readonly TrecJudgement[], run: string | readonly TrecRunEntry[], options: TrecOptions = {}): Promise<TrecReport> {
  const { args, rename, report } = prepare(qrels, run, options);
  return report(await runAsync('trecEval', args).catch(rename));
}
