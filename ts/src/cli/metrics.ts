/** The CLI's metrics: what `--metrics` names, computed by the library, and printed as a table. */
import {
  auc, averagePrecision, bootstrap, ctrMetrics, gaucReport, ks, logLoss, rankingMetrics, releaseMemory, slicedMetrics,
  type BootstrapMetric, type GroupWeighting, type MetricsAtK, type RankingReport,
} from '../index.js';
import { clean } from '../io/log.js';

export const BINARY = ['auc', 'gauc', 'logloss', 'ne', 'calibration', 'brier', 'ap', 'ks'] as const;
export const RANKING = ['ndcg', 'recall', 'precision', 'hitrate', 'f1', 'map', 'mrr'] as const;
export type MetricName = (typeof BINARY)[number] | (typeof RANKING)[number];
export const DEFAULT_METRICS: MetricName[] = ['auc', 'gauc', 'logloss', 'ne', 'calibration', 'ndcg', 'recall', 'hitrate', 'mrr'];

/** The metrics of the probabilities (scores in [0, 1]): log loss and the CTR calibration metrics. */
const PROBABILITY: MetricName[] = ['logloss', 'ne', 'calibration', 'brier'];

const FIELD: Record<(typeof RANKING)[number], keyof MetricsAtK> = {
  ndcg: 'ndcg', recall: 'recall', precision: 'precision', hitrate: 'hitRate', f1: 'f1', map: 'map', mrr: 'mrr',
};

export interface Results {
  auc?: number;
  gauc?: number;
  gaucGroups?: number;
  skippedGroups?: number;
  weighting?: GroupWeighting;
  logLoss?: number;
  /** Normalized entropy: log loss ÷ the entropy of the base rate (He et al. 2014). */
  normalizedEntropy?: number;
  /** Σ predicted ÷ Σ observed. */
  calibration?: number;
  brier?: number;
  averagePrecision?: number;
  ks?: number;
  ranking?: { queries: number; emptyQueries: number; at: Record<number, Partial<MetricsAtK>> };
  /** Metrics left out, and why (e.g. log loss of scores outside [0, 1]). */
  skipped: Record<string, string>;
}

interface Data {
  labels: Float64Array;
  scores: Float64Array;
  groups: Uint32Array | undefined;
}

/** The requested metrics of the rows read; a metric that cannot apply is skipped with the reason. */
export function compute(d: Data, metrics: MetricName[], k: number[], weighting: GroupWeighting): Results {
  const r: Results = { skipped: {} };
  const want = new Set(metrics);
  const binary = d.labels.every((l) => l === 0 || l === 1);
  const labels = binary ? Uint8Array.from(d.labels) : undefined;
  const probabilities = d.scores.every((s) => s >= 0 && s <= 1);
  let ctr: ReturnType<typeof ctrMetrics> | undefined;
  for (const m of BINARY.filter((m) => want.has(m))) {
    if (!labels) {
      r.skipped[m] = 'labels are not all 0 or 1 (graded relevance: use the ranking metrics)';
      continue;
    }
    if (m === 'auc') r.auc = auc(labels, d.scores);
    if (m === 'ap') r.averagePrecision = averagePrecision(labels, d.scores);
    if (m === 'ks') r.ks = ks(labels, d.scores);
    if (PROBABILITY.includes(m)) {
      if (!probabilities) {
        r.skipped[m] = 'scores are not probabilities in [0, 1]';
        continue;
      }
      if (m === 'logloss') r.logLoss = logLoss(labels, d.scores);
      else {
        ctr ??= ctrMetrics(labels, d.scores);
        if (m === 'ne') r.normalizedEntropy = ctr.normalizedEntropy;
        if (m === 'calibration') r.calibration = ctr.calibration;
        if (m === 'brier') r.brier = ctr.brier;
      }
    }
    if (m === 'gauc') {
      if (!d.groups) {
        r.skipped.gauc = 'no group column (--group)';
        continue;
      }
      const g = gaucReport(labels, d.scores, d.groups, { weighting });
      Object.assign(r, { gauc: g.value, gaucGroups: g.groups, skippedGroups: g.skippedGroups, weighting });
      // The core keeps the big sorts' buffers for the next call (a library runs metrics again and
      // again); the CLI runs each once, so they go now: peak RSS of 1e7 rows 1.13 → 0.74 GB, same time.
      releaseMemory();
    }
  }
  const ranking = RANKING.filter((m) => want.has(m));
  if (ranking.length) {
    const report: RankingReport = rankingMetrics(d.labels, d.scores, { k, ...(d.groups && { groups: d.groups }) });
    const at: Record<number, Partial<MetricsAtK>> = {};
    for (const kk of k) at[kk] = Object.fromEntries(ranking.map((m) => [FIELD[m], report.at[kk][FIELD[m]]]));
    r.ranking = { queries: report.queries, emptyQueries: report.emptyQueries, at };
  }
  return r;
}

const f6 = (x: number) => (Number.isNaN(x) ? 'NaN' : x.toFixed(6));

/** The results as the table `reckit eval` prints. */
export function table(r: Results, group: string | undefined): string[] {
  const lines: string[] = [];
  if (r.auc !== undefined) lines.push(`  AUC        ${f6(r.auc)}`);
  if (r.gauc !== undefined) lines.push(`  GAUC       ${f6(r.gauc)}  (${r.weighting} by ${group}; ${r.gaucGroups} groups, ${r.skippedGroups} single-class skipped)`);
  if (r.logLoss !== undefined) lines.push(`  log loss   ${f6(r.logLoss)}`);
  if (r.normalizedEntropy !== undefined) lines.push(`  NE         ${f6(r.normalizedEntropy)}  (log loss ÷ entropy of the base rate)`);
  if (r.calibration !== undefined) lines.push(`  calibration ${f6(r.calibration)}  (Σ predicted ÷ Σ observed)`);
  if (r.brier !== undefined) lines.push(`  Brier      ${f6(r.brier)}`);
  if (r.averagePrecision !== undefined) lines.push(`  AP         ${f6(r.averagePrecision)}`);
  if (r.ks !== undefined) lines.push(`  KS         ${f6(r.ks)}`);
  if (r.ranking) {
    const ks = Object.keys(r.ranking.at).map(Number);
    const by = group ? `by ${group}: ${r.ranking.queries} queries` : 'one query (no --group)';
    lines.push(`  ranking    ${by}, ${r.ranking.emptyQueries} without a relevant row (scored 0)`);
    lines.push(`             ${ks.map((k) => `@${k}`.padStart(10)).join('')}`);
    for (const name of Object.keys(r.ranking.at[ks[0]]) as (keyof MetricsAtK)[]) {
      lines.push(`    ${name.padEnd(9)}${ks.map((k) => f6(r.ranking!.at[k][name]!).padStart(10)).join('')}`);
    }
  }
  for (const [m, why] of Object.entries(r.skipped)) lines.push(`  (${m} skipped: ${why})`);
  return lines;
}

/** The bootstrap's name of each metric the results hold (AP and KS have no interval). */
function bootstrapNames(r: Results): [string, BootstrapMetric][] {
  const names: [string, BootstrapMetric][] = [];
  if (r.auc !== undefined) names.push(['AUC', 'auc']);
  if (r.gauc !== undefined) names.push(['GAUC', 'gauc']);
  if (r.logLoss !== undefined) names.push(['log loss', 'logLoss']);
  if (r.normalizedEntropy !== undefined) names.push(['NE', 'normalizedEntropy']);
  if (r.calibration !== undefined) names.push(['calibration', 'calibration']);
  if (r.brier !== undefined) names.push(['Brier', 'brier']);
  for (const [k, at] of Object.entries(r.ranking?.at ?? {})) {
    for (const name of Object.keys(at)) names.push([`${name}@${k}`, `${name}@${k}` as BootstrapMetric]);
  }
  return names;
}

export interface Intervals {
  level: number;
  resamples: number;
  seed: number;
  method: 'bca';
  /** Metric (as the JSON names it: auc, gauc, logLoss, ndcg@10, …) → [lower, upper]. */
  bounds: Record<string, [number, number]>;
}

/**
 * Bootstrap intervals of every metric in `r` that has one: AUC resampling rows within each
 * class, GAUC and the ranking metrics resampling whole groups, the others rows (see the
 * library's `bootstrap`). One seed for all, so a run is reproducible.
 */
export function intervals(d: Data, r: Results, o: { resamples: number; seed: number; weighting: GroupWeighting }): Intervals {
  const bounds: Record<string, [number, number]> = {};
  for (const [, name] of bootstrapNames(r)) {
    const ranking = name.includes('@');
    const labels = ranking ? d.labels : Uint8Array.from(d.labels);
    const ci = bootstrap(name, labels, d.scores, { resamples: o.resamples, seed: o.seed, weighting: o.weighting, ...(d.groups && { groups: d.groups }) });
    bounds[name] = [ci.lower, ci.upper];
    releaseMemory();
  }
  return { level: 0.95, resamples: o.resamples, seed: o.seed, method: 'bca', bounds };
}

/** The intervals as table lines. */
export function intervalTable(r: Results, ci: Intervals, group: string | undefined): string[] {
  const units = `rows within each class for AUC${group ? `, ${group} values for GAUC and ranking` : ''}, rows for the rest`;
  const lines = [`  95% intervals (bootstrap BCa, ${ci.resamples} resamples, seed ${ci.seed}; resampling ${units})`];
  for (const [label, name] of bootstrapNames(r)) {
    const [lo, hi] = ci.bounds[name];
    lines.push(`    ${label.padEnd(12)}[${f6(lo)}, ${f6(hi)}]`);
  }
  return lines;
}

/** The metrics by slice (`--by`), as the library's slicedMetrics gives them. */
export function slices(d: Data, r: Results, by: { ids: Uint32Array; names: string[] | undefined }, weighting: GroupWeighting) {
  const names = bootstrapNames(r).map(([, n]) => n);
  const ranking = names.some((n) => n.includes('@'));
  const labels = ranking ? d.labels : Uint8Array.from(d.labels);
  const out = slicedMetrics(labels, d.scores, by.ids, { metrics: names, weighting, ...(d.groups && { groups: d.groups }) });
  releaseMemory();
  // Slice ids are the column's numbers, or (numbered) their texts.
  return out.map((s) => ({ ...s, slice: by.names ? by.names[s.slice as number] : s.slice }));
}

/** Slices the table shows, largest first. */
const SHOWN_SLICES = 30;

/** The slices as table lines: one row per slice, one column per metric. */
export function sliceTable(column: string, all: ReturnType<typeof slices>, r: Results): string[] {
  const names = bootstrapNames(r);
  // The largest slices first; a long tail is summarised (--format json lists every slice).
  const rows = [...all].sort((x, y) => y.rows - x.rows).slice(0, SHOWN_SLICES);
  const text = (slice: unknown) => clean(String(slice));
  const width = Math.min(24, Math.max(clean(column).length, 5, ...rows.map((s) => text(s.slice).length)));
  const head = `    ${clean(column).slice(0, width).padEnd(width)} ${'rows'.padStart(10)} ${'positives'.padStart(10)}${names.map(([label]) => label.padStart(12)).join('')}`;
  return [
    `  by ${clean(column)} (${all.length} values${all.length > rows.length ? `; the ${rows.length} largest shown, all in --format json` : ''})`,
    head,
    ...rows.map((s) => `    ${text(s.slice).slice(0, width).padEnd(width)} ${String(s.rows).padStart(10)} ${String(s.positives).padStart(10)}${names.map(([, n]) => f6(s.values[n]).padStart(12)).join('')}`),
  ];
}
