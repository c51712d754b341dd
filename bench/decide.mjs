// npm run bench -- decide (also part of the full `npm run bench`): the tools that decide between
// two models (issue 18's targets), native, against their Python peers in the same run when
// BENCH_PYTHON has them (npm run bench makes that virtualenv), else skipped with the reason:
// - DeLong on 1e7 rows: aucInterval ≤ 2× auc, delongTest ≤ 3× auc; peer MLstatkit's Delong_test
//   (the Sun & Xu midrank algorithm in NumPy) on the same rows;
// - 1000 bootstrap resamples: AUC on 1e6 rows ≤ 3 s, GAUC on 1e6 rows / 1e4 users ≤ 5 s; peer
//   scikit-learn's roc_auc_score with each resample's counts as sample_weight (timed on fewer
//   resamples, scaled to 1000);
// - paired tests over 1e5 queries ≤ 50 ms; peers scipy's ttest_rel and wilcoxon.
// Writes bench/results/<date>-decide.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as reckit from '../dist/index.js';
import { data, lcg, time } from './workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
await reckit.init({ backend: 'native' });
const python = process.env.BENCH_PYTHON ?? 'python3';
const dir = mkdtempSync(join(tmpdir(), 'reckit-decide-bench-'));
const s = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** Runs bench/peers/decide_peers.py on raw arrays written to files: its JSON, or why it could not. */
function peer(task, arrays, extra = []) {
  const files = Object.entries(arrays).map(([name, a]) => {
    const file = join(dir, `${name}.bin`);
    writeFileSync(file, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    return `${name}=${file}:${a.constructor.name}`;
  });
  const r = spawnSync(python, [join(here, 'peers', 'decide_peers.py'), task, ...files, ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return { skipped: `${python} cannot run the ${task} peer: ${(r.stderr || String(r.error)).trim().split('\n').pop()}` };
  return JSON.parse(r.stdout);
}

const results = {};
const rows = [];
const row = (what, ms, target, peerMs, peerName) => {
  rows.push({ what, ms, target, peerMs, peerName });
  console.log(`| ${what} | ${s(ms)} | ${target} | ${peerMs === undefined ? peerName : `${s(peerMs)} (${peerName})`} | ${peerMs === undefined ? '' : `${(ms / peerMs).toFixed(2)}×`} |`);
};
console.log(`reckit ${reckit.backendInfo().name} (${reckit.backendInfo().simd}, ${reckit.backendInfo().threads} threads), peers: ${python}`);
console.log('| workload | reckit | target | peer | reckit ÷ peer |\n|---|---|---|---|---|');

// DeLong on 1e7 rows.
{
  const d = data(1e7, 3);
  const b = Float64Array.from(d.scores, (x, i) => Math.min(1, x + 0.05 * ((i * 2654435761) % 7) / 7));
  const auc = time(() => reckit.auc(d.labels, d.scores), 5);
  const one = time(() => reckit.aucInterval(d.labels, d.scores), 5);
  const two = time(() => reckit.delongTest(d.labels, d.scores, b), 5);
  const p = peer('delong', { labels: d.labels, a: d.scores, b });
  if (p.skipped) console.log(`(MLstatkit: ${p.skipped})`);
  else if (Math.abs(p.p - two.value.pValue) > 1e-6 * Math.max(1e-300, p.p) && Math.abs(p.p - two.value.pValue) > 1e-12) throw new Error(`MLstatkit's p ${p.p} differs from reckit's ${two.value.pValue}`);
  row('auc, 1e7 rows', auc.ms, '', undefined, '');
  row(`aucInterval (DeLong), 1e7 rows: ${(one.ms / auc.ms).toFixed(2)}× auc`, one.ms, '≤ 2× auc', undefined, 'no single-AUC peer timed');
  row(`delongTest (paired), 1e7 rows: ${(two.ms / auc.ms).toFixed(2)}× auc`, two.ms, '≤ 3× auc', p.skipped ? undefined : p.seconds * 1000, p.skipped ? 'skipped' : 'MLstatkit Delong_test');
  results.delong = { rows: 1e7, aucMs: auc.ms, intervalMs: one.ms, testMs: two.ms, peer: p };
}

// 1000 bootstrap resamples.
{
  const d = data(1e6, 4);
  const users = Uint32Array.from(d.groups, (g) => g % 10000);
  for (const sampling of ['multinomial', 'poisson']) {
    const a = time(() => reckit.bootstrap('auc', d.labels, d.scores, { resamples: 1000, sampling }), 3);
    row(`bootstrap AUC, 1e6 rows, 1000 resamples (${sampling})`, a.ms, '≤ 3 s', undefined, '');
    results[`bootstrapAuc_${sampling}`] = { ms: a.ms, lower: a.value.lower, upper: a.value.upper };
  }
  const g = time(() => reckit.bootstrap('gauc', d.labels, d.scores, { resamples: 1000, groups: users }), 3);
  const p = peer('bootstrap', { labels: d.labels, scores: d.scores }, ['20']);
  row('bootstrap GAUC, 1e6 rows / 1e4 users, 1000 resamples', g.ms, '≤ 5 s', undefined, '');
  const auc = results.bootstrapAuc_multinomial;
  if (p.skipped) console.log(`(scikit-learn bootstrap: ${p.skipped})`);
  else row('  the AUC bootstrap again, against scikit-learn (scaled from 20 resamples)', auc.ms, '', p.seconds * 1000 * (1000 / 20), 'roc_auc_score with sample_weight');
  results.bootstrapGauc = { ms: g.ms, lower: g.value.lower, upper: g.value.upper };
  results.bootstrapPeer = p;
}

// Paired tests over 1e5 queries.
{
  const random = lcg(9);
  const a = Float64Array.from({ length: 1e5 }, () => Math.round(random() * 1000) / 1000);
  const b = Float64Array.from(a, (x) => Math.min(1, Math.max(0, x + Math.round((random() - 0.48) * 100) / 1000)));
  const p = peer('paired', { a, b });
  for (const test of ['t', 'wilcoxon', 'randomization']) {
    const r = time(() => reckit.pairedTest(a, b, { test }), 5);
    const peerMs = p.skipped || test === 'randomization' ? undefined : p[test].seconds * 1000;
    if (peerMs !== undefined && Math.abs(p[test].p - r.value.pValue) > 1e-10 * Math.max(p[test].p, 1e-300)) throw new Error(`scipy's ${test} p ${p[test].p} differs from reckit's ${r.value.pValue}`);
    row(`pairedTest ${test}${test === 'randomization' ? ' (10000 permutations)' : ''}, 1e5 queries`, r.ms, '≤ 50 ms', peerMs, test === 't' ? 'scipy ttest_rel' : test === 'wilcoxon' ? 'scipy wilcoxon' : 'no peer timed (ranx needs numba)');
    results[`paired_${test}`] = { ms: r.ms, p: r.value.pValue, peer: p.skipped ? p : p[test] };
  }
}

rmSync(dir, { recursive: true });
const date = new Date().toISOString().slice(0, 10);
const path = join(here, 'results', `${date}-decide.json`);
writeFileSync(path, JSON.stringify({ date, machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, rows, ...results }, null, 2));
console.log(`wrote ${path}`);
