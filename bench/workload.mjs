// The bench's data, workloads and timer, shared by the Node run and the browser page.
import { jsAuc, jsGauc, jsRanking, jsRocCurve } from './baseline.mjs';

/** A full-period 32-bit LCG: uniform draws in [0, 1), the same sequence for a seed everywhere. */
export const lcg = (seed) => {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
};

/** n rows: 10% positives, f64 scores from a noisy logistic model, min(1e5, n/10) groups. */
export function data(n, seed = 1) {
  const random = lcg(seed);
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  const groups = new Uint32Array(n);
  const nGroups = Math.min(1e5, n / 10);
  for (let i = 0; i < n; i++) {
    labels[i] = random() < 0.1 ? 1 : 0;
    scores[i] = 1 / (1 + Math.exp(-(labels[i] + 3 * (random() - 0.5))));
    groups[i] = Math.floor(random() * nGroups);
  }
  return { labels, scores, groups, nGroups };
}

/**
 * A search log: n/100 queries of exactly 100 candidates, ~5% relevant (so a few queries have
 * none), rows shuffled so queries interleave as in real logs. The full-period LCG never repeats
 * a draw, so scores have no ties (sklearn's ndcg_score averages over ties; reckit does not).
 */
export function rankingData(n, seed = 2) {
  const random = lcg(seed);
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  const groups = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = random() < 0.05 ? 1 : 0;
    scores[i] = labels[i] + 3 * random();
    groups[i] = Math.floor(i / 100);
  }
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    swap(labels, i, j);
    swap(scores, i, j);
    swap(groups, i, j);
  }
  return { labels, scores, groups, nQueries: n / 100 };
}

function swap(a, i, j) {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

const ks = [5, 10, 20];

/**
 * The workloads on one size's data: the JS baseline, reckit's sync and async call, the number
 * the table shows for a result (`value`; the whole result is checked against the baseline's),
 * and the name of the row peers/sklearn_metrics.py times for it.
 */
export function workloads(reckit, d, q) {
  const { labels, scores, groups } = d;
  const opt = { groups: q.groups, k: ks };
  const same = (x) => x;
  return [
    {
      name: 'auc', value: same, peer: 'sklearn roc_auc_score',
      js: () => jsAuc(labels, scores), sync: () => reckit.auc(labels, scores), async: () => reckit.aucAsync(labels, scores),
    },
    {
      name: `gauc (${d.nGroups} groups)`, value: same,
      js: () => jsGauc(labels, scores, groups), sync: () => reckit.gauc(labels, scores, groups), async: () => reckit.gaucAsync(labels, scores, groups),
    },
    {
      name: 'roc curve', value: (c) => c.thresholds.length, peer: 'sklearn roc_curve',
      js: () => jsRocCurve(labels, scores), sync: () => reckit.rocCurve(labels, scores), async: () => reckit.rocCurveAsync(labels, scores),
    },
    {
      // sklearn has no multi-metric ranking call; its row is one metric at one K, and says so.
      name: `ranking @${ks} (${q.nQueries} queries × 100)`, value: (m) => m.at[10].ndcg, peer: 'sklearn ndcg_score@10 only',
      js: () => jsRanking(q.labels, q.scores, q.groups, ks),
      sync: () => reckit.rankingMetrics(q.labels, q.scores, opt), async: () => reckit.rankingMetricsAsync(q.labels, q.scores, opt),
    },
  ];
}

/** Where a and b (numbers, arrays, objects of them) first differ by more than tol; null if nowhere. */
export function disagreement(a, b, tol, where = '') {
  if (typeof a === 'number') return Math.abs(a - b) <= tol || a === b ? null : `${where}: ${b}, baseline ${a}`;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    if (a.length !== b?.length) return `${where}: length ${b?.length}, baseline ${a.length}`;
    for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tol || a[i] === b[i])) return `${where}[${i}]: ${b[i]}, baseline ${a[i]}`;
    return null;
  }
  for (const k of Object.keys(a)) {
    const d = disagreement(a[k], b?.[k], tol, `${where}.${k}`);
    if (d) return d;
  }
  return null;
}

/**
 * Loads every backend this environment runs (`init()` loads only the fastest), then goes back
 * to the fastest.
 */
export async function initAll(reckit) {
  for (const backend of ['native', 'wasm-simd', 'wasm-threads']) await reckit.init({ backend }).catch(() => {});
  await reckit.init();
}

/**
 * Times every workload: the JS baseline, then each backend's sync call (and, with `async`, its
 * async call). A result that differs from the baseline's by more than 1e-9 anywhere (every
 * curve point, all 21 ranking numbers) marks its row with `mismatch`; run.mjs reports those.
 */
export async function runWorkloads(reckit, list, n, reps, { async = false } = {}) {
  const rows = [];
  for (const w of list) {
    const js = time(w.js, reps);
    rows.push({ workload: w.name, n, impl: 'js baseline', ...js, value: w.value(js.value) });
    for (const b of reckit.availableBackends()) {
      reckit.setBackend(b);
      const info = reckit.backendInfo();
      const runs = [[`reckit ${b} (${info.simd}, ${info.threads}T)`, time(w.sync, reps)]];
      // Async: in a worker, where wasm-threads can block and so uses its whole pool.
      if (async) runs.push([`reckit ${b} async (worker, ${await reckit.asyncThreads()}T)`, await timeAsync(w.async, reps)]);
      for (const [impl, r] of runs) {
        const mismatch = disagreement(js.value, r.value, 1e-9, 'result');
        rows.push({ workload: w.name, n, impl, ...r, value: w.value(r.value), ...(mismatch && { mismatch }) });
      }
    }
  }
  return rows;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of up to `reps` runs (at least 3; fewer repetitions once 6 s have been spent). */
export function time(fn, reps) {
  const times = [];
  let value;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    value = fn();
    times.push(performance.now() - t);
    if (r >= 2 && times.reduce((a, b) => a + b) > 6000) break;
  }
  return { ms: median(times), runs: times.length, value };
}

/** `time` for a function returning a promise. */
export async function timeAsync(fn, reps) {
  const times = [];
  let value;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    value = await fn();
    times.push(performance.now() - t);
    if (r >= 2 && times.reduce((a, b) => a + b) > 6000) break;
  }
  return { ms: median(times), runs: times.length, value };
}
