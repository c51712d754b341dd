/**
 * `reckit trec <qrels> <run> [-q] [-m measure]…`: trec_eval's measures of a TREC run, printed
 * as trec_eval prints them (the library's {@link trecEval} computes; this file reads the files
 * and formats). Without `-m` it prints trec_eval's default set (`official`); with `-q` each
 * query's lines first, then the summary (`all`).
 *
 * The files are read as bytes, one character per byte (latin1), so queries and documents
 * compare byte by byte (trec_eval's strcmp) whatever their encoding, and print back as the
 * same bytes.
 *
 * Exit codes as `reckit eval`: 0 ok; 2 usage (checked before any file is read); 65 malformed
 * input (`file:line: problem`, or a file that is not text); 66 a file cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { init } from '../index.js';
import { TrecInputError, cFixed, trecEval, trecMeasures, type TrecReport, type TrecValue } from '../metrics/trec.js';
import { CannotRead, clean, show, sniff } from './read.js';
import { UsageError, parseCommand } from './usage.js';

/** The longest file: V8's longest string (2^29 − 24 characters), one character per byte. */
const MAX_BYTES = 2 ** 29 - 24;

/** A file that is not usable text (exit 65), named. */
class BadFile extends Error {}

const OPTIONS = {
  query_eval_wanted: { type: 'boolean', short: 'q' },
  measure: { type: 'string', short: 'm', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

function options(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (!err.code?.startsWith('ERR_PARSE_ARGS_')) throw e;
    const option = /'([^']*)'/.exec(err.message)?.[1]?.replace(/ <value>$/, '').split(', ').pop() ?? '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${clean(option)}; reckit trec takes -q and -m of trec_eval's options (see reckit trec --help)`);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /-m|--measure/.test(option)) {
      throw new UsageError('-m needs a measure, e.g. -m map or -m P.5,10');
    }
    throw new UsageError(`${clean(err.message.split('\n')[0])} (see reckit trec --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help' as const;
  if (positionals.length < 2) throw new UsageError('trec needs a qrels file and a run file, e.g. reckit trec qrels.txt run.txt');
  if (positionals.length > 2) throw new UsageError(`unexpected argument ${show(positionals[2])}: trec takes a qrels file and a run file (see reckit trec --help)`);
  let measures: TrecValue[];
  try {
    measures = trecMeasures(values.measure ?? ['official']);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new UsageError(clean(e.message.replace(/^measures: /, '-m ')));
  }
  return { qrels: positionals[0], run: positionals[1], perQuery: values.query_eval_wanted === true, specs: values.measure ?? ['official'], measures };
}

/** A file's bytes as a string of one character per byte. */
async function text(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new CannotRead(file, e);
  }
  const binary = sniff(bytes.subarray(0, 1024));
  if (binary !== undefined) throw new BadFile(`${file}: ${binary} (reckit trec reads TREC qrels and run text files)`);
  if (bytes.length > MAX_BYTES) throw new BadFile(`${file}: is ${bytes.length} bytes; reckit trec reads files up to ${MAX_BYTES} bytes`);
  return bytes.toString('latin1');
}

/** trec_eval's lines: "%-22s\t%s\t%6.4f", or "%ld" for the counts (meas_print_single.c, meas_print_final.c). */
export function format(report: TrecReport, measures: TrecValue[], perQuery: boolean): string {
  const line = (v: TrecValue, query: string, value: number) =>
    `${v.name.padEnd(22)}\t${query}\t${v.count ? String(Math.trunc(value)) : cFixed(value, 4).padStart(6)}`;
  const out: string[] = [];
  if (perQuery) {
    for (const q of report.queries) {
      for (const v of measures) if (!v.summaryOnly) out.push(line(v, q, report.perQuery[q][v.name]));
    }
  }
  for (const v of measures) out.push(v.measure === 'runid' ? `${'runid'.padEnd(22)}\tall\t${report.runid ?? ''}` : line(v, 'all', report.all[v.name]));
  return out.join('\n') + '\n';
}

/** Runs `reckit trec` with the arguments after `trec`; `usage` is the CLI's help text. */
export async function trec(argv: string[], usage: string): Promise<number> {
  const o = parseCommand(() => options(argv), usage);
  if (typeof o === 'number') return o;
  let files: [string, string];
  try {
    files = [await text(o.qrels), await text(o.run)];
  } catch (e) {
    if (e instanceof CannotRead) {
      console.error(`reckit: ${e.message}`);
      return 66;
    }
    if (!(e instanceof BadFile)) throw e;
    console.error(`reckit: ${clean(e.message)}`);
    return 65;
  }
  await init();
  let report: TrecReport;
  try {
    report = trecEval(files[0], files[1], { measures: o.specs });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // A line's fault: file:line; the files together (no query in both): both names.
    // (Values quoted from the files are bytes as characters: shown decoded as UTF-8.)
    const where = (input: 'qrels' | 'run') => (input === 'qrels' ? o.qrels : o.run);
    const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');
    const message =
      e instanceof TrecInputError
        ? /^no query of the run/.test(e.problem)
          ? `${o.run}: no query of the run has judgements in ${o.qrels}; trec_eval evaluates the queries that are in both`
          : `${where(e.input)}${e.line === undefined ? '' : `:${e.line}`}: ${utf8(e.problem)}`
        : e.message.replace(/^(qrels|run)\b/, (m) => where(m as 'qrels' | 'run'));
    console.error(`reckit: ${clean(message)}`);
    return 65;
  }
  process.stdout.write(Buffer.from(format(report, o.measures, o.perQuery), 'latin1'));
  return 0;
}
