#!/usr/bin/env node
/**
 * `reckit eval <file>`: metrics of a CSV, TSV or JSON Lines prediction log (cli/read.ts streams
 * it, cli/metrics.ts computes), as a table or JSON, with the backend and the time split between
 * reading and metrics. A progress bar (cli-progress) shows on stderr for files over 16 MB when
 * stderr is a terminal. Arguments: node:util's parseArgs (Node's own, no dependency needed).
 *
 * Exit codes: 0 ok; 2 usage (every option is checked before the file is opened); 65 malformed
 * input (the message names file, line and column; the metrics of the rows before it are still
 * printed, marked partial), or a file that is not CSV, TSV or JSON Lines text (gzip, zip,
 * Parquet, UTF-16, …); 66 the file cannot be read (missing, a directory, no permission, an I/O
 * error); 1 anything else. Messages escape control characters from the input (cli/read.ts: show).
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { backendInfo, init, type GroupWeighting } from '../index.js';
import { CannotRead, Columns, InputError, clean, formatOf, openInput, read, show, type InputFormat } from './read.js';
import { BINARY, DEFAULT_METRICS, RANKING, compute, table, type MetricName } from './metrics.js';

const usage = `usage: reckit eval <file.csv|.tsv|.jsonl> [options]
  --label <column>       0/1 label, or graded relevance for ranking metrics (default: label)
  --score <column>       the model's score (default: score)
  --group <column>       user or query id: GAUC and per-query ranking (default: user_id, if present)
  --k <list>             ranking cut-offs, integers 1 to 4294967295 (default: 10), e.g. --k 5,10,20
  --metrics <list>       any of ${[...BINARY, ...RANKING].join(',')}
                         (default: ${DEFAULT_METRICS.join(',')})
  --weighting <mode>     GAUC weights: impressions (default), clicks or uniform
  --input <format>       csv, tsv or jsonl (default: from the file's extension)
  --format <format>      table (default) or json`;

class UsageError extends Error {}

/** The largest K: the core takes cut-offs as u32. */
const MAX_K = 0xffffffff;

function options(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      label: { type: 'string', default: 'label' },
      score: { type: 'string', default: 'score' },
      group: { type: 'string' },
      k: { type: 'string', default: '10' },
      metrics: { type: 'string' },
      weighting: { type: 'string', default: 'impressions' },
      input: { type: 'string' },
      format: { type: 'string', default: 'table' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  if (positionals[0] !== 'eval' || positionals.length !== 2) throw new UsageError('expected: reckit eval <file>');
  const oneOf = <T extends string>(name: string, v: string, allowed: readonly T[]): T => {
    if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be ${allowed.join(', ')}; got ${show(v)}`);
    return v as T;
  };
  // Decimal digits only (not 1e3, 0x10 or 10.0), each 1 ≤ k ≤ 2^32 − 1.
  const k = values.k.split(',').map((s) => s.trim());
  if (k.some((s) => !/^\d{1,10}$/.test(s) || Number(s) < 1 || Number(s) > MAX_K)) {
    throw new UsageError(`--k must be positive integers up to ${MAX_K}, e.g. 5,10,20; got ${show(values.k)}`);
  }
  for (const name of ['label', 'score', 'group'] as const) {
    if (values[name] !== undefined && values[name]!.trim() === '') throw new UsageError(`--${name} must name a column; got ${show(values[name])}`);
  }
  const all = [...BINARY, ...RANKING] as MetricName[];
  const metrics = values.metrics === undefined ? DEFAULT_METRICS : values.metrics.split(',').map((m) => oneOf('metrics', m.trim().toLowerCase(), all));
  return {
    file: positionals[1],
    names: { label: values.label, score: values.score, group: values.group ?? 'user_id', groupRequired: values.group !== undefined },
    k: [...new Set(k.map(Number))].sort((a, b) => a - b),
    metrics,
    weighting: oneOf('weighting', values.weighting, ['impressions', 'clicks', 'uniform'] as GroupWeighting[]),
    input: values.input === undefined ? formatOf(positionals[1]) : oneOf('input', values.input, ['csv', 'tsv', 'jsonl'] as InputFormat[]),
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
  let o;
  try {
    o = options(argv);
  } catch (e) {
    // parseArgs' own messages have line breaks: kept, the rest escaped.
    console.error(`reckit: ${(e as Error).message.split('\n').map(clean).join('\n')}\n${usage}`);
    return 2;
  }
  if (!o) {
    console.log(usage);
    return 0;
  }
  await init();
  const columns = new Columns();
  const t0 = performance.now();
  let failure: InputError | undefined;
  let bar;
  try {
    const input = await openInput(o.file);
    bar = progressBar(input.size);
    await read(input, columns, { format: o.input, names: o.names, progress: bar?.update });
    bar?.done(columns.rows);
  } catch (e) {
    if (e instanceof CannotRead) {
      console.error(`reckit: ${e.message}`);
      return 66;
    }
    if (!(e instanceof InputError)) throw e;
    failure = e;
  } finally {
    bar?.stop();
  }
  const t1 = performance.now();
  if (columns.rows === 0) {
    console.error(`reckit: ${failure?.message ?? `${o.file}: no rows`}`);
    return 65;
  }
  const data = columns.view();
  const results = compute(data, o.metrics, o.k, o.weighting);
  const t2 = performance.now();
  const info = backendInfo();
  const group = data.groups ? o.names.group : undefined;
  // Distinct groups, as the core counted them (GAUC's used + skipped, or the ranking's queries).
  const distinct = results.gaucGroups !== undefined ? results.gaucGroups + results.skippedGroups! : results.ranking?.queries;
  const ms = { read: +(t1 - t0).toFixed(1), metrics: +(t2 - t1).toFixed(2) };
  const partial = failure && { error: failure.message, line: failure.line, column: failure.column };
  if (o.format === 'json') {
    const out = { file: o.file, rows: columns.rows, group: group ?? null, groups: group ? distinct ?? null : null, ...results, backend: info, ms, ...(partial && { partial }) };
    console.log(JSON.stringify(out, null, 2));
  } else {
    console.log(
      [
        `reckit eval ${o.file}${failure ? `  (partial: the ${columns.rows} row${columns.rows === 1 ? '' : 's'} before the error)` : ''}`,
        `  rows       ${columns.rows}${group && distinct !== undefined ? `  (${distinct} ${group} values)` : ''}`,
        ...table(results, group),
        `  backend    ${info.name} (${info.simd}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`,
        `  time       read+parse ${ms.read} ms, metrics ${ms.metrics} ms`,
      ].join('\n'),
    );
  }
  if (failure) {
    console.error(`reckit: ${failure.message}`);
    return 65;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`reckit: ${clean(e instanceof Error ? e.message : String(e))}`);
    process.exitCode = 1;
  },
);
