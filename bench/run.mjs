// npm run bench: AUC, GAUC, the ROC curve and ranking metrics @5,10,20 at n = 1e5, 1e6, 1e7 on
// every backend this process can load (and, in headless Chromium, on wasm-simd and
// wasm-threads: bench/browser.mjs), against the hand-written JS baseline and (when Python has
// scikit-learn) sklearn, all on the same data in the same run. Every result is checked against
// the baseline's. Prints a table of medians and ratios; writes bench/results/<date>.json and
// bench/results/<date>.svg (log-scale chart).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import * as reckit from '../dist/index.js';
import { chart } from './chart.mjs';
import { data, initAll, median, rankingData, runWorkloads, workloads } from './workload.mjs';
import { browserRows } from './browser.mjs';

const sizes = (process.env.BENCH_SIZES ?? '1e5,1e6,1e7').split(',').map(Number);
const reps = Number(process.env.BENCH_REPS ?? 7);

await initAll(reckit);
const rows = [];
const peerDir = mkdtempSync(join(tmpdir(), 'reckit-bench-'));
const peerRows = []; // { n, workload, impl }: where each sklearn timing goes

for (const n of sizes) {
  const d = data(n);
  const q = rankingData(n);
  const bytes = (a) => new Uint8Array(a.buffer);
  writeFileSync(join(peerDir, `labels-${n}.u8`), d.labels);
  writeFileSync(join(peerDir, `scores-${n}.f64`), bytes(d.scores));
  writeFileSync(join(peerDir, `rank-labels-${n}.u8`), q.labels);
  writeFileSync(join(peerDir, `rank-scores-${n}.f64`), bytes(q.scores));
  writeFileSync(join(peerDir, `rank-groups-${n}.u32`), bytes(q.groups));
  const list = workloads(reckit, d, q);
  for (const w of list) if (w.peer) peerRows.push({ n, workload: w.name, impl: w.peer });
  rows.push(...(await runWorkloads(reckit, list, n, reps)));
  console.error(`n=${n} done`);
}

// The browser backends, in Chromium (skipped with the reason when it cannot start).
try {
  rows.push(...(await browserRows(sizes, reps)));
} catch (e) {
  console.log(`(browser leg skipped: ${e.message.split('\n')[0]})`);
}

// scikit-learn, when present.
const py = spawnSync('python3', [new URL('./peers/sklearn_metrics.py', import.meta.url).pathname, peerDir, String(Math.min(reps, 3))], { encoding: 'utf8' });
if (py.status === 0) {
  const out = JSON.parse(py.stdout);
  for (const p of peerRows) {
    const r = out[p.n]?.[p.impl];
    if (r) rows.push({ ...p, ms: median(r.ms), runs: r.ms.length, value: r.value });
  }
} else {
  console.log(`(sklearn peer skipped: ${py.stderr.trim().split('\n').pop() || 'python3 not available'})`);
}
rmSync(peerDir, { recursive: true });

// Every row's value must match its baseline's (reckit rows were also checked in full).
const key = (r) => `${r.workload}|${r.n}`;
const base = new Map(rows.filter((r) => r.impl === 'js baseline').map((r) => [key(r), r]));
for (const r of rows) {
  const b = base.get(key(r)).value;
  if (!r.mismatch && !(Math.abs(r.value - b) <= 1e-9)) r.mismatch = `value ${r.value}, baseline ${b}`;
}

// Table: ratio = baseline median / this median (×faster than the JS baseline), and vs sklearn.
const sk = new Map(rows.filter((r) => r.impl.startsWith('sklearn')).map((r) => [key(r), r.ms]));
rows.sort((a, b) => a.workload.localeCompare(b.workload) || a.n - b.n || b.ms - a.ms);
const wW = Math.max(...rows.map((r) => r.workload.length)) + 2;
const wI = Math.max(...rows.map((r) => r.impl.length)) + 2;
const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(6));
console.log(`\n${'workload'.padEnd(wW)}${'n'.padStart(6)}  ${'implementation'.padEnd(wI)}${'median ms'.padStart(11)}${'runs'.padStart(6)}${'vs JS'.padStart(9)}${'vs sklearn'.padStart(12)}  value`);
for (const r of rows) {
  const vsJs = (base.get(key(r)).ms / r.ms).toFixed(1) + '×';
  const vsSk = sk.has(key(r)) ? (sk.get(key(r)) / r.ms).toFixed(1) + '×' : '';
  console.log(`${r.workload.padEnd(wW)}${r.n.toExponential(0).padStart(6)}  ${r.impl.padEnd(wI)}${r.ms.toFixed(2).padStart(11)}${String(r.runs).padStart(6)}${vsJs.padStart(9)}${vsSk.padStart(12)}  ${fmt(r.value)}${r.mismatch ? '  ≠ baseline' : ''}`);
}

const date = new Date().toISOString().slice(0, 10);
const machine = { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version };
const out = new URL(`./results/${date}`, import.meta.url).pathname;
writeFileSync(`${out}.json`, JSON.stringify({ date, machine, rows }, null, 2));
writeFileSync(`${out}.svg`, chart(rows, `reckit bench ${date}: ${machine.cpu}, ${machine.cores} cores`));
console.log(`\nwrote ${out}.json and ${out}.svg`);

// Results are written either way; a disagreement fails the run.
const bad = rows.filter((r) => r.mismatch);
for (const r of bad) console.log(`MISMATCH ${r.workload} n=${r.n} ${r.impl}: ${r.mismatch}`);
if (bad.length) process.exitCode = 1;
