// npm run bench: AUC and GAUC at n = 1e5, 1e6, 1e7 on every backend this process can load
// (and, in headless Chromium, on wasm-simd and wasm-threads: bench/browser.mjs),
// against the hand-written JS baseline and (when Python has scikit-learn) sklearn, all on the
// same data in the same run. Prints a table of medians and ratios; writes
// bench/results/<date>.json and bench/results/<date>.svg (log-scale chart).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import * as reckit from '../dist/index.js';
import { jsAuc, jsGauc } from './baseline.mjs';
import { chart } from './chart.mjs';
import { data, median, time } from './workload.mjs';
import { browserRows } from './browser.mjs';

const sizes = (process.env.BENCH_SIZES ?? '1e5,1e6,1e7').split(',').map(Number);
const reps = Number(process.env.BENCH_REPS ?? 7);
const timed = (fn) => time(fn, reps);

await reckit.init();
const backends = reckit.availableBackends();
const rows = [];
const peerDir = mkdtempSync(join(tmpdir(), 'reckit-bench-'));

for (const n of sizes) {
  const d = data(n);
  writeFileSync(join(peerDir, `labels-${n}.u8`), d.labels);
  writeFileSync(join(peerDir, `scores-${n}.f64`), new Uint8Array(d.scores.buffer));
  const js = timed(() => jsAuc(d.labels, d.scores));
  rows.push({ workload: 'auc', n, impl: 'js baseline', ...js });
  const jsg = timed(() => jsGauc(d.labels, d.scores, d.groups));
  rows.push({ workload: `gauc (${d.nGroups} groups)`, n, impl: 'js baseline', ...jsg });
  for (const b of backends) {
    reckit.setBackend(b);
    const info = reckit.backendInfo();
    const impl = `reckit ${b} (${info.simd}, ${info.threads}T)`;
    rows.push({ workload: 'auc', n, impl, ...timed(() => reckit.auc(d.labels, d.scores)) });
    rows.push({ workload: `gauc (${d.nGroups} groups)`, n, impl, ...timed(() => reckit.gauc(d.labels, d.scores, d.groups)) });
  }
  console.error(`n=${n} done`);
}

// The browser backends, in Chromium (skipped with the reason when it cannot start).
try {
  rows.push(...(await browserRows(sizes, reps)));
} catch (e) {
  console.log(`(browser leg skipped: ${e.message.split('\n')[0]})`);
}

// scikit-learn, when present.
const py = spawnSync('python3', [new URL('./peers/sklearn_auc.py', import.meta.url).pathname, peerDir, String(Math.min(reps, 3))], { encoding: 'utf8' });
if (py.status === 0) {
  for (const [n, r] of Object.entries(JSON.parse(py.stdout))) {
    rows.push({ workload: 'auc', n: Number(n), impl: 'sklearn roc_auc_score', ms: median(r.ms), runs: r.ms.length, value: r.value });
  }
} else {
  console.log(`(sklearn peer skipped: ${py.stderr.trim().split('\n').pop() || 'python3 not available'})`);
}
rmSync(peerDir, { recursive: true });

// Table: ratio = baseline median / this median (×faster than the JS baseline), and vs sklearn.
const key = (r) => `${r.workload}|${r.n}`;
const base = new Map(rows.filter((r) => r.impl === 'js baseline').map((r) => [key(r), r.ms]));
const sk = new Map(rows.filter((r) => r.impl.startsWith('sklearn')).map((r) => [key(r), r.ms]));
rows.sort((a, b) => a.workload.localeCompare(b.workload) || a.n - b.n || b.ms - a.ms);
console.log(`\n${'workload'.padEnd(22)}${'n'.padStart(10)}  ${'implementation'.padEnd(38)}${'median ms'.padStart(11)}${'runs'.padStart(6)}${'vs JS'.padStart(9)}${'vs sklearn'.padStart(12)}  value`);
for (const r of rows) {
  const vsJs = (base.get(key(r)) / r.ms).toFixed(1) + '×';
  const vsSk = sk.has(key(r)) ? (sk.get(key(r)) / r.ms).toFixed(1) + '×' : '';
  console.log(`${r.workload.padEnd(22)}${r.n.toExponential(0).padStart(10)}  ${r.impl.padEnd(38)}${r.ms.toFixed(2).padStart(11)}${String(r.runs).padStart(6)}${vsJs.padStart(9)}${vsSk.padStart(12)}  ${r.value.toFixed(6)}`);
}

const date = new Date().toISOString().slice(0, 10);
const machine = { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version };
const out = new URL(`./results/${date}`, import.meta.url).pathname;
writeFileSync(`${out}.json`, JSON.stringify({ date, machine, rows }, null, 2));
writeFileSync(`${out}.svg`, chart(rows, `reckit bench ${date}: ${machine.cpu}, ${machine.cores} cores`));
console.log(`\nwrote ${out}.json and ${out}.svg`);
