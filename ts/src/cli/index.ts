#!/usr/bin/env node
/**
 * `reckit eval <file>`: metrics of a CSV, TSV or JSON Lines prediction log (cli/read.ts streams
 * it, cli/metrics.ts computes), as a table or JSON, with the backend and the time split between
 * reading and metrics. A progress bar (cli-progress) shows on stderr for files over 16 MB when
 * stderr is a terminal. Arguments: node:util's parseArgs (Node's own, no dependency needed).
 *
 * Also `reckit help` (--help, -h; usage on stdout, exit 0) and `reckit --version` (-v). Usage
 * errors are one plain line (parseArgs' error codes mapped to sentences, a suggestion for a
 * misspelt command or option); no arguments at all print the usage on stderr, exit 2.
 *
 * Exit codes: 0 ok; 2 usage (every option is checked before the file is opened); 65 malformed
 * input (the message, naming file, line and column, comes first on stderr; then the metrics of
 * the rows before it on stdout, marked partial: a header line, or JSON's "partial" field), or a file that is not CSV, TSV or JSON Lines text (gzip, zip,
 * Parquet, UTF-16, …); 66 the file cannot be read (missing, a directory, no permission, an I/O
 * error); 1 anything else. Messages escape control characters from the input (cli/read.ts: show).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { backendInfo, init, type GroupWeighting } from '../index.js';
import { stat } from 'node:fs/promises';
import { CannotRead, InputError, clean, show, type InputFormat } from './read.js';
import { UsageError, parseCommand } from './usage.js';
import { BINARY, DEFAULT_METRICS, RANKING, compute, intervalTable, intervals, sliceTable, slices, table, type MetricName } from './metrics.js';
import { listParts, readPart, readParts, type Part } from './parts.js';
import { trec } from './trec.js';
import { compare, usage as compareUsage } from './compare.js';

const usage = `reckit: metrics of a prediction log (AUC, GAUC, log loss, ranking metrics)

usage: reckit eval <file.csv|.tsv|.jsonl|.parquet|.arrow> [options]
       reckit eval <directory|glob|file...> [options]   a partitioned log, parts read in parallel
       reckit trec <qrels> <run> [-q] [-m measure]...
       reckit compare <a.csv> <b.csv> [options]   model B against model A (reckit compare --help)
       reckit help | --help | -h      this text (also: reckit eval --help)
       reckit --version | -v          the version

commands:
  eval <file>            read a CSV, TSV, JSON Lines, Parquet or Arrow IPC log (one row per
                         prediction), print metrics; a directory (its parts, recursively, in
                         path order; names starting with . or _ skipped), a glob ('logs/*.csv')
                         or several files are read in parallel and evaluated as one log
  trec <qrels> <run>     trec_eval's measures of a TREC run, printed as trec_eval prints them
  compare <a> <b>        each metric for two models on the same rows, B − A with its 95% CI
                         and p-value (DeLong for AUC, paired tests over users for the rest)
  help                   print this text

options of eval (each one checked before the file is opened):
  --label <column>       0/1 label, or graded relevance >= 0 for ranking metrics (default: label)
  --score <column>       the model's score, a finite number (default: score)
  --group <column>       user or query id, for GAUC and per-query ranking
                         (default: user_id if the file has it, otherwise no groups)
  --k <list>             ranking cut-offs, integers 1 to 4294967295 (default: 10), e.g. --k 5,10,20
  --metrics <list>       any of ${[...BINARY, ...RANKING].join(',')}
                         (ne: normalized entropy, log loss ÷ entropy of the base rate; calibration:
                         Σ predicted ÷ Σ observed)
                         (default: ${DEFAULT_METRICS.join(',')})
  --weighting <mode>     GAUC's group weights: impressions, clicks or uniform (default: impressions)
  --ci                   add 95% bootstrap intervals (BCa) of every metric but AP and KS: rows
                         within each class for AUC, whole groups for GAUC and ranking metrics
  --resamples <n>        bootstrap resamples for --ci (default: 1000)
  --seed <n>             the bootstrap's seed, an integer (default: 0): same seed, same intervals
  --by <column>          also print the metrics per value of this column (country, device, …)
  --input <format>       csv, tsv or jsonl (default: from the extension: .tsv, .jsonl/.ndjson, else csv)
                         (Parquet and Arrow IPC files are recognised by their first bytes
                         or extension: .parquet, .pq, .arrow, .arrows, .feather, .ipc)
  --format <format>      table or json (default: table)
  --workers <n>          threads reading the parts of a partitioned log (default: the cores)
  -h, --help             print this text
  -v, --version          print the version

options of trec (as trec_eval's):
  -q                     also print each query's values, before the summary (all)
  -m <measure>           a measure, repeatable (default: official, trec_eval's default set):
                         official, runid, num_q, num_ret, num_rel, num_rel_ret, map, gm_map,
                         Rprec, bpref, recip_rank, iprec_at_recall, P, recall, ndcg, ndcg_cut,
                         map_cut, success; with cutoffs as P.5,10 or ndcg_cut.10 (or ndcg_cut_10)
                         trec exits 65 on a malformed line (file:line: …) and prints nothing

exit codes:
  0   ok
  1   an unexpected error
  2   a usage error (unknown command or option, a bad or missing value)
  65  malformed input: the error (file:line: column …) on stderr, then the metrics of the
      rows before it on stdout, marked partial; or a file that is not CSV, TSV or JSON Lines
  66  the file cannot be read (missing, a directory, no permission, an I/O error)

example:
  reckit eval data/sample.csv --k 5,10 --metrics auc,gauc,ndcg --format json
  reckit eval 'logs/date=*/part-*.parquet' --group user_id
  reckit trec qrels.txt run.txt -q -m map -m P.5,10 -m ndcg_cut.10`;

/** The package's version, from its package.json (dist/cli/index.js → ../../package.json). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The largest K: the core takes cut-offs as u32. */
const MAX_K = 0xffffffff;

const COMMANDS = ['eval', 'trec', 'compare', 'help'];

/** Each string option's example value, for "--k needs a value, e.g. --k 5,10". */
const EXAMPLES: Record<string, string> = {
  label: 'clicked',
  score: 'pred',
  group: 'user_id',
  k: '5,10',
  metrics: 'auc,gauc',
  weighting: 'clicks',
  input: 'jsonl',
  format: 'json',
  workers: '2',
  resamples: '200',
  seed: '7',
  by: 'country',
};

const OPTIONS = {
  label: { type: 'string', default: 'label' },
  score: { type: 'string', default: 'score' },
  group: { type: 'string' },
  k: { type: 'string', default: '10' },
  metrics: { type: 'string' },
  weighting: { type: 'string', default: 'impressions' },
  input: { type: 'string' },
  format: { type: 'string', default: 'table' },
  workers: { type: 'string' },
  ci: { type: 'boolean' },
  resamples: { type: 'string' },
  seed: { type: 'string' },
  by: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Levenshtein distance (names are short). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The closest of `names` to `given`, when it is a likely typo (at most 2 edits, fewer than its length). */
function closest(given: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = distance(given.toLowerCase(), name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= Math.min(2, given.length - 1) ? best : undefined;
}

/**
 * parseArgs' error as a plain sentence. Its codes: an unknown option, an option without its value
 * (or one whose value starts with a dash, "ambiguous"; or a flag given a value), a positional
 * argument where none is taken. The option is the quoted name in Node's message ('--k <value>',
 * '-h, --help'): its long form.
 */
function parseError(e: Error & { code?: string }): UsageError {
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
  const option = quoted.replace(/ <value>$/, '').split(', ').pop()!;
  const name = option.replace(/^--?/, '');
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const guess = option.startsWith('--') ? closest(name, Object.keys(OPTIONS)) : undefined;
      return new UsageError(`unknown option ${clean(option)}${guess ? `; did you mean --${guess}?` : ''} (see reckit eval --help)`);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(e.message)) return new UsageError(`${clean(option)} takes no value`);
      // "Ambiguous": the next argument starts with a dash (--k --format json, or --k -1).
      return new UsageError(
        `${clean(option)} needs a value, e.g. ${option} ${EXAMPLES[name] ?? '…'}${/ambiguous/.test(e.message) ? ` (a value that starts with a dash goes as ${option}=-…)` : ''}`,
      );
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${show(quoted)} (see reckit eval --help)`);
    default:
      return new UsageError(clean(e.message.split('\n')[0]));
  }
}

/** What to do: print the usage, the version, or evaluate a file with these options. */
function options(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_') ? parseError(e as Error) : e;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return 'help' as const;
  if (values.version) return 'version' as const;
  const command = positionals[0];
  if (command === undefined) throw new UsageError('no command given; expected reckit eval <file> (see reckit --help)');
  if (command !== 'eval') {
    const guess = closest(command, COMMANDS);
    throw new UsageError(`unknown command ${show(command)}${guess ? `; did you mean "${guess}"?` : ` (commands: ${COMMANDS.join(', ')}; see reckit --help)`}`);
  }
  if (positionals.length === 1) throw new UsageError('eval needs a file, e.g. reckit eval data/sample.csv');
  const oneOf = <T extends string>(name: string, v: string, allowed: readonly T[]): T => {
    if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be ${allowed.join(', ')}; got ${show(v)}`);
    return v as T;
  };
  // Decimal digits only (not 1e3, 0x10 or 10.0), each 1 ≤ k ≤ 2^32 − 1.
  const k = values.k.split(',').map((s) => s.trim());
  if (k.some((s) => !/^\d{1,10}$/.test(s) || Number(s) < 1 || Number(s) > MAX_K)) {
    throw new UsageError(`--k must be positive integers up to ${MAX_K}, e.g. 5,10,20; got ${show(values.k)}`);
  }
  const integer = (name: 'resamples' | 'seed', fallback: number, min: number, max: number) => {
    const v = values[name];
    if (v === undefined) return fallback;
    if (!/^\d{1,16}$/.test(v) || +v < min || +v > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}; got ${show(v)}`);
    return +v;
  };
  const resamples = integer('resamples', 1000, 1, 1_000_000);
  const seed = integer('seed', 0, 0, Number.MAX_SAFE_INTEGER);
  if ((values.resamples !== undefined || values.seed !== undefined) && !values.ci) throw new UsageError('--resamples and --seed set the bootstrap of --ci; add --ci');
  for (const name of ['label', 'score', 'group', 'by'] as const) {
    if (values[name] !== undefined && values[name]!.trim() === '') throw new UsageError(`--${name} must name a column; got ${show(values[name])}`);
  }
  const all = [...BINARY, ...RANKING] as MetricName[];
  const cores = availableParallelism();
  if (values.workers !== undefined && !(/^\d{1,4}$/.test(values.workers) && +values.workers >= 1 && +values.workers <= 1024)) {
    throw new UsageError(`--workers must be an integer from 1 to 1024; got ${show(values.workers)}`);
  }
  const metrics = values.metrics === undefined ? DEFAULT_METRICS : values.metrics.split(',').map((m) => oneOf('metrics', m.trim().toLowerCase(), all));
  return {
    files: positionals.slice(1),
    ci: values.ci ? { resamples, seed } : undefined,
    by: values.by,
    workers: values.workers === undefined ? cores : +values.workers,
    names: { label: values.label, score: values.score, group: values.group ?? 'user_id', groupRequired: values.group !== undefined },
    k: [...new Set(k.map(Number))].sort((a, b) => a - b),
    metrics,
    weighting: oneOf('weighting', values.weighting, ['impressions', 'clicks', 'uniform'] as GroupWeighting[]),
    input: values.input === undefined ? undefined : oneOf('input', values.input, ['csv', 'tsv', 'jsonl'] as InputFormat[]),
    format: oneOf('format', values.format, ['table', 'json']),
  };
}

/** A progress bar on stderr for long files read from a terminal session. */
function progressBar(size: number | undefined) {
  if (!process.stderr.isTTY || size === undefined || size < 16 << 20) return undefined;
  const bar = new SingleBar({ stream: process.stderr, format: 'reading {bar} {percentage}% | {rows} rows | ETA {eta_formatted}', hideCursor: true }, undefined);
  bar.start(size, 0, { rows: 0 });
  return {
    update: (chars: number, rows: number) => bar.update(Math.min(chars, size), { rows }),
    done: (rows: number) => bar.update(size, { rows }),
    stop: () => bar.stop(),
  };
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    console.error(usage);
    return 2;
  }
  if (argv[0] === 'trec') return trec(argv.slice(1), usage);
  if (argv[0] === 'compare') return compare(argv.slice(1));
  const o = parseCommand(() => options(argv), usage);
  if (typeof o === 'number') return o;
  if (o === 'version') {
    console.log(version());
    return 0;
  }
  await init();
  const t0 = performance.now();
  let bar: ReturnType<typeof progressBar>;
  let data: Part | undefined;
  let parts = 1;
  try {
    const files = await listParts(o.files);
    parts = files.length;
    const options = { names: o.names, input: o.input };
    if (files.length === 1) {
      data = await readPart(files[0], options, (input) => (bar = progressBar(input.size))?.update);
    } else {
      // Progress by parts read: their bytes, from their sizes.
      const sizes = new Map(await Promise.all(files.map(async (f) => [f, (await stat(f).catch(() => undefined))?.size ?? 0] as const)));
      bar = progressBar([...sizes.values()].reduce((a, b) => a + b, 0));
      let bytes = 0;
      let rows = 0;
      data = await readParts(files, options, o.workers, (file, n) => bar?.update((bytes += sizes.get(file)!), (rows += n)));
    }
    bar?.done(data.rows);
  } catch (e) {
    if (!(e instanceof CannotRead)) throw e;
    console.error(`reckit: ${e.message}`);
    return 66;
  } finally {
    bar?.stop();
  }
  const t1 = performance.now();
  const failure = data.failure && new InputError(data.failure.file, data.failure.line, data.failure.column, data.failure.problem);
  const file = o.files.join(' ');
  if (data.rows === 0) {
    console.error(`reckit: ${failure?.message ?? `${file}: no rows`}`);
    return 65;
  }
  const format = parts > 1 ? `${data.format}, ${parts} parts` : data.format;
  const view = { labels: data.labels, scores: data.scores, groups: data.groups };
  const results = compute(view, o.metrics, o.k, o.weighting);
  const ci = o.ci && intervals(view, results, { ...o.ci, weighting: o.weighting });
  let sliced;
  if (o.by !== undefined && !failure) {
    // The slice column: the same input read again with it as the group column (each reader
    // keeps one id column; a second read costs its time, and only with --by).
    const options = { names: { label: o.names.label, score: o.names.score, group: o.by, groupRequired: true }, input: o.input };
    const files = await listParts(o.files);
    const by = files.length === 1 ? await readPart(files[0], options) : await readParts(files, options, o.workers);
    if (by.failure) {
      console.error(`reckit: ${new InputError(by.failure.file, by.failure.line, by.failure.column, by.failure.problem).message}`);
      return 65;
    }
    sliced = slices(view, results, { ids: by.groups!, names: by.groupNames }, o.weighting);
  }
  const t2 = performance.now();
  const info = backendInfo();
  const group = data.groups ? o.names.group : undefined;
  // Distinct groups, as the core counted them (GAUC's used + skipped, or the ranking's queries).
  const distinct = results.gaucGroups !== undefined ? results.gaucGroups + results.skippedGroups! : results.ranking?.queries;
  const ms = { read: +(t1 - t0).toFixed(1), metrics: +(t2 - t1).toFixed(2) };
  const partial = failure && { error: failure.message, line: failure.line, column: failure.column };
  // The error first (stderr), then the metrics of the rows before it, marked partial.
  if (failure) console.error(`reckit: ${failure.message}`);
  if (o.format === 'json') {
    const out = {
      file, format: data.format, ...(parts > 1 && { parts }), rows: data.rows, group: group ?? null, groups: group ? distinct ?? null : null, ...results,
      ...(ci && { ci }), ...(sliced && { by: o.by, slices: sliced }), backend: info, ms, ...(partial && { partial }),
    };
    console.log(JSON.stringify(out, null, 2));
  } else {
    console.log(
      [
        ...(failure ? [`partial results: rows 1–${data.rows} before the error${failure.line === undefined ? '' : ` (line ${failure.line})`}${parts > 1 ? ` in ${failure.file}` : ''}`] : []),
        `reckit eval ${file} (${format})`,
        `  rows       ${data.rows}${group && distinct !== undefined ? `  (${distinct} ${group} values)` : ''}`,
        ...table(results, group),
        ...(ci ? intervalTable(results, ci, group) : []),
        ...(sliced ? sliceTable(o.by!, sliced, results) : []),
        `  backend    ${info.name} (${info.simd}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`,
        `  time       read+parse ${ms.read} ms, metrics ${ms.metrics} ms`,
      ].join('\n'),
    );
  }
  return failure ? 65 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`reckit: ${clean(e instanceof Error ? e.message : String(e))}`);
    process.exitCode = 1;
  },
);
