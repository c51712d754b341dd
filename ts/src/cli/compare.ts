/**
 * `reckit compare <a> <b>` (two prediction logs of the same rows) or `reckit compare <file>
 * --score-b <column>` (one log with two score columns): each metric for model A and model B,
 * the difference B − A with its 95% confidence interval and p-value.
 * - AUC: DeLong's test of two correlated AUCs (the library's `delongTest`).
 * - GAUC (uniform): the mean AUC of the groups that have both classes, and a paired test of
 *   their AUCs over those groups (the paired tests weigh every group alike, so this GAUC does).
 * - The ranking metrics @K: a paired test over queries (`rankingMetrics(…, { perQuery })`).
 * Paired tests are Student's t (default; its interval is the t interval of the mean
 * difference), or `--test wilcoxon` / `randomization` (their p-values; the interval stays t's).
 *
 * Exit codes as `reckit eval`: 0 ok; 2 usage; 65 malformed input, or logs whose rows differ
 * (labels or groups); 66 a file cannot be read.
 */
import { parseArgs } from 'node:util';
import { delongTest, gaucReport, init, pairedTest, rankingMetrics, type MetricsAtK, type PairedTestName } from '../index.js';
import { listParts, readPart, readParts, type Part } from './parts.js';
import { CannotRead, InputError, clean, show, type InputFormat } from './read.js';
import { UsageError, parseCommand } from './usage.js';

const RANKING: Record<string, keyof MetricsAtK> = { ndcg: 'ndcg', recall: 'recall', precision: 'precision', hitrate: 'hitRate', f1: 'f1', map: 'map', mrr: 'mrr' };
const METRICS = ['auc', 'gauc', ...Object.keys(RANKING)];

export const usage = `reckit compare: is model B better than model A on the same rows?

usage: reckit compare <a.csv> <b.csv> [options]        two logs of the same rows, in the same order
       reckit compare <file> --score-b <column> [options]   one log with two score columns

options:
  --label <column>       0/1 label (default: label)
  --score <column>       model A's score (and model B's in <b>) (default: score)
  --score-b <column>     model B's score column, when one file holds both
  --group <column>       user or query id (default: user_id if the file has it)
  --k <list>             ranking cut-offs (default: 10)
  --metrics <list>       any of ${METRICS.join(',')} (default: auc,gauc,ndcg,recall,mrr)
  --test <name>          paired test of the per-query metrics: t, wilcoxon or randomization (default: t)
  --format <format>      table or json (default: table)

AUC is compared with DeLong's test; GAUC and the ranking metrics with the paired test over the
groups (queries). Differences are B − A, with 95% intervals.`;

const OPTIONS = {
  label: { type: 'string', default: 'label' },
  score: { type: 'string', default: 'score' },
  'score-b': { type: 'string' },
  group: { type: 'string' },
  k: { type: 'string', default: '10' },
  metrics: { type: 'string', default: 'auc,gauc,ndcg,recall,mrr' },
  test: { type: 'string', default: 't' },
  format: { type: 'string', default: 'table' },
  help: { type: 'boolean', short: 'h' },
} as const;

function options(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (!err.code?.startsWith('ERR_PARSE_ARGS_')) throw e;
    throw new UsageError(`${clean(err.message.split('\n')[0])} (see reckit compare --help)`);
  }
  const { values: v, positionals: files } = parsed;
  if (v.help) return 'help' as const;
  const scoreB = v['score-b'];
  if (files.length === 0) throw new UsageError('compare needs two logs, or one log and --score-b, e.g. reckit compare a.csv b.csv');
  if (files.length > 2) throw new UsageError(`unexpected argument ${show(files[2])}: compare takes two logs (see reckit compare --help)`);
  if (files.length === 1 && scoreB === undefined) throw new UsageError('compare needs a second log, or --score-b naming model B\'s score column');
  if (files.length === 2 && scoreB !== undefined) throw new UsageError('--score-b is for one log with two score columns; with two logs, both use --score');
  const k = v.k.split(',').map((s) => s.trim());
  if (k.some((s) => !/^\d{1,10}$/.test(s) || +s < 1 || +s > 0xffffffff)) throw new UsageError(`--k must be positive integers, e.g. 5,10; got ${show(v.k)}`);
  const metrics = v.metrics.split(',').map((m) => m.trim().toLowerCase());
  const unknown = metrics.find((m) => !METRICS.includes(m));
  if (unknown !== undefined) throw new UsageError(`--metrics must be among ${METRICS.join(', ')}; got ${show(unknown)}`);
  if (!['t', 'wilcoxon', 'randomization'].includes(v.test)) throw new UsageError(`--test must be t, wilcoxon or randomization; got ${show(v.test)}`);
  if (!['table', 'json'].includes(v.format)) throw new UsageError(`--format must be table or json; got ${show(v.format)}`);
  return {
    files,
    label: v.label,
    score: v.score,
    scoreB,
    group: v.group ?? 'user_id',
    groupRequired: v.group !== undefined,
    k: [...new Set(k.map(Number))].sort((a, b) => a - b),
    metrics,
    test: v.test as PairedTestName,
    format: v.format,
  };
}

type Options = Exclude<ReturnType<typeof options>, 'help'>;

/** A log: its parts read and joined (cli/parts.ts); a malformed row is an InputError here. */
async function load(file: string, score: string, o: Options, input?: InputFormat): Promise<Part> {
  const names = { label: o.label, score, group: o.group, groupRequired: o.groupRequired };
  const files = await listParts([file]);
  const part = files.length === 1 ? await readPart(files[0], { names, input }) : await readParts(files, { names, input });
  if (part.failure) throw new InputError(part.failure.file, part.failure.line, part.failure.column, part.failure.problem);
  if (part.rows === 0) throw new InputError(file, undefined, undefined, 'no rows');
  return part;
}

/** B's log must hold A's rows: same count, labels and groups, row by row. */
function sameRows(a: Part, b: Part, fileA: string, fileB: string): void {
  if (a.rows !== b.rows) throw new InputError(fileB, undefined, undefined, `has ${b.rows} rows, ${fileA} has ${a.rows}; compare needs the same rows in the same order`);
  for (let i = 0; i < a.rows; i++) {
    if (a.labels[i] !== b.labels[i]) throw new InputError(fileB, undefined, undefined, `row ${i + 1}'s label is ${b.labels[i]}, ${fileA}'s is ${a.labels[i]}; compare needs the same rows in the same order`);
  }
  const ga = a.groups && (a.groupNames ? Array.from(a.groups, (g) => a.groupNames![g]) : a.groups);
  const gb = b.groups && (b.groupNames ? Array.from(b.groups, (g) => b.groupNames![g]) : b.groups);
  if (!ga !== !gb) throw new InputError(fileB, undefined, undefined, `${ga ? 'has no' : 'has a'} group column and ${fileA} ${ga ? 'has one' : 'has none'}`);
  if (ga && gb) {
    for (let i = 0; i < a.rows; i++) {
      if (ga[i] !== gb[i]) throw new InputError(fileB, undefined, undefined, `row ${i + 1}'s group differs from ${fileA}'s; compare needs the same rows in the same order`);
    }
  }
}

interface Comparison {
  metric: string;
  a: number;
  b: number;
  /** B − A. */
  difference: number;
  ci: [number, number];
  pValue: number;
  test: string;
  /** What the paired test paired (groups, queries), or rows for DeLong. */
  n: number;
}

function compareLogs(a: Part, scoresB: Float64Array, o: Options, group: string | undefined): Comparison[] {
  const out: Comparison[] = [];
  const binary = a.labels.every((l) => l === 0 || l === 1);
  const labels = Uint8Array.from(a.labels);
  // The difference is the mean per-query difference, the center of its t interval.
  const paired = (metric: string, x: Float64Array, y: Float64Array, mean: [number, number], unit: string) => {
    const t = pairedTest(y, x, { test: 't' });
    const p = o.test === 't' ? t : pairedTest(y, x, { test: o.test });
    out.push({ metric, a: mean[0], b: mean[1], difference: t.meanDifference, ci: t.confidenceInterval!, pValue: p.pValue, test: `${o.test === 't' ? 'paired t' : o.test} over ${x.length} ${unit}`, n: x.length });
  };
  if (binary && o.metrics.includes('auc')) {
    const d = delongTest(labels, a.scores, scoresB);
    out.push({ metric: 'AUC', a: d.aucA, b: d.aucB, difference: d.difference, ci: [d.lower, d.upper], pValue: d.pValue, test: 'DeLong', n: a.rows });
  }
  if (binary && a.groups && o.metrics.includes('gauc')) {
    const ra = gaucReport(labels, a.scores, a.groups, { perGroup: true, weighting: 'uniform' });
    const rb = gaucReport(labels, scoresB, a.groups, { perGroup: true, weighting: 'uniform' });
    const both = Array.from(ra.perGroup!.auc.keys()).filter((i) => !Number.isNaN(ra.perGroup!.auc[i]));
    const pick = (v: Float64Array) => Float64Array.from(both, (i) => v[i]);
    if (both.length >= 2) paired('GAUC', pick(ra.perGroup!.auc), pick(rb.perGroup!.auc), [ra.value, rb.value], `${group} values (GAUC uniform)`);
  }
  const ranking = o.metrics.filter((m) => m in RANKING);
  if (ranking.length) {
    const options = { k: o.k, perQuery: true, ...(a.groups && { groups: a.groups }) };
    const ra = rankingMetrics(a.labels, a.scores, options);
    const rb = rankingMetrics(a.labels, scoresB, options);
    if (ra.queries >= 2) {
      for (const k of o.k) {
        for (const m of ranking) {
          const f = RANKING[m];
          paired(`${f}@${k}`, ra.perQuery!.at[k][f], rb.perQuery!.at[k][f], [ra.at[k][f], rb.at[k][f]], group ? `${group} values` : 'queries');
        }
      }
    }
  }
  return out;
}

const f6 = (x: number) => (Number.isNaN(x) ? 'NaN' : x.toFixed(6));
const signed = (x: number) => (Number.isNaN(x) ? 'NaN' : `${x >= 0 ? '+' : ''}${x.toFixed(6)}`);
const pv = (p: number) => (Number.isNaN(p) ? 'NaN' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

export async function compare(argv: string[]): Promise<number> {
  const o = parseCommand(() => options(argv), usage);
  if (typeof o === 'number') return o;
  await init();
  let a: Part;
  let b: Part;
  try {
    a = await load(o.files[0], o.score, o);
    b = o.scoreB !== undefined ? await load(o.files[0], o.scoreB, o) : await load(o.files[1], o.score, o);
    sameRows(a, b, o.files[0], o.files[1] ?? o.files[0]);
  } catch (e) {
    if (e instanceof CannotRead) {
      console.error(`reckit: ${e.message}`);
      return 66;
    }
    if (e instanceof InputError) {
      console.error(`reckit: ${e.message}`);
      return 65;
    }
    throw e;
  }
  const group = a.groups ? o.group : undefined;
  const results = compareLogs(a, b.scores, o, group);
  const names = o.scoreB !== undefined ? [`${o.files[0]} (${o.score})`, `${o.files[0]} (${o.scoreB})`] : o.files;
  if (o.format === 'json') {
    console.log(JSON.stringify({ a: names[0], b: names[1], rows: a.rows, group: group ?? null, level: 0.95, comparisons: results }, null, 2));
    return 0;
  }
  console.log(
    [
      `reckit compare  A: ${clean(names[0])}  B: ${clean(names[1])}  (${a.rows} rows)`,
      `  ${'metric'.padEnd(12)}${'A'.padStart(10)}${'B'.padStart(10)}${'B − A'.padStart(11)}   ${'95% CI of B − A'.padEnd(24)}${'p'.padStart(9)}  test`,
      ...results.map(
        (r) =>
          `  ${r.metric.padEnd(12)}${f6(r.a).padStart(10)}${f6(r.b).padStart(10)}${signed(r.difference).padStart(11)}   ${`[${signed(r.ci[0])}, ${signed(r.ci[1])}]`.padEnd(24)}${pv(r.pValue).padStart(9)}  ${clean(r.test)}`,
      ),
    ].join('\n'),
  );
  return 0;
}
