// The browser demo: evaluate a prediction log entirely in the page, in reckit's wasm (threaded
// when the page is cross-origin isolated, as vite.config.js makes it), and score the sample with
// the DIN that python/train_demo.py trained in PyTorch. The results also go to
// document.body.dataset.results (JSON) for the test that drives this page.
import Papa from 'papaparse';
import * as reckit from 'reckit';
import sampleUrl from '../../data/sample.csv?url';
import dinUrl from '../../data/models/din.safetensors?url';
import holdout from '../../data/models/holdout.json';
import { ctrBatch, heldOut } from '../ctr-features.mjs';
import { curve, histogram } from './charts.js';

const $ = (id) => document.getElementById(id);
const f6 = (x) => (Number.isFinite(x) ? x.toFixed(6) : String(x));
const ms = (t) => `${t.toFixed(1)} ms`;

await reckit.init();
const info = reckit.backendInfo();
const workers = await reckit.asyncThreads();
$('backend').textContent = `backend: ${info.name} (${info.simd}); async calls on ${workers} thread${workers === 1 ? '' : 's'}; crossOriginIsolated: ${self.crossOriginIsolated}`;

/**
 * label/score/user_id columns of a CSV file, parsed by reckit's core (in wasm) as the file's
 * chunks arrive: only the three columns are kept, as typed arrays.
 */
async function columns(blob) {
  const reader = new reckit.LogReader({ group: 'user_id' });
  const chunks = blob.stream().getReader();
  for (let c = await chunks.read(); !c.done; c = await chunks.read()) reader.feed(c.value);
  const { labels, scores, groups, error } = reader.finish();
  if (error) throw error;
  return { labels, scores, users: groups };
}

/** AUC of every user having both classes. */
function perUserAuc(labels, scores, users) {
  const rows = new Map();
  users.forEach((u, i) => (rows.get(u) ?? rows.set(u, []).get(u)).push(i));
  const out = [];
  for (const idx of rows.values()) {
    const l = Uint8Array.from(idx, (i) => labels[i]);
    if (l.includes(0) && l.includes(1)) out.push(reckit.auc(l, Float64Array.from(idx, (i) => scores[i])));
  }
  return out;
}

async function evaluate(blob, name) {
  $('status').textContent = `evaluating ${name}…`;
  const t0 = performance.now();
  const { labels, scores, users } = await columns(blob);
  const t1 = performance.now();
  const [auc, g, logLoss, ap, roc, pr, ranking] = await Promise.all([
    reckit.aucAsync(labels, scores),
    reckit.gaucReportAsync(labels, scores, users),
    reckit.logLossAsync(labels, scores),
    reckit.averagePrecisionAsync(labels, scores),
    reckit.rocCurveAsync(labels, scores),
    reckit.prCurveAsync(labels, scores),
    reckit.rankingMetricsAsync(labels, scores, { groups: users, k: 10 }),
  ]);
  const perUser = perUserAuc(labels, scores, users);
  const t2 = performance.now();
  const results = {
    file: name, rows: labels.length, auc, gauc: g.value, gaucGroups: g.groups, skippedGroups: g.skippedGroups, logLoss,
    averagePrecision: ap, ranking: ranking.at[10], perUserAuc: perUser.length, rocPoints: roc.fpr.length,
    backend: info.name, asyncThreads: workers, ms: { parse: t1 - t0, metrics: t2 - t1 },
  };
  $('metrics').innerHTML = `<table>
    <tr><th>${name}</th><td>${results.rows} rows</td></tr>
    <tr><th>AUC</th><td>${f6(auc)}</td></tr>
    <tr><th>GAUC</th><td>${f6(g.value)} (${g.groups} users, ${g.skippedGroups} single-class skipped)</td></tr>
    <tr><th>log loss</th><td>${f6(logLoss)}</td></tr>
    <tr><th>average precision</th><td>${f6(ap)}</td></tr>
    <tr><th>NDCG@10 / recall@10 by user</th><td>${f6(ranking.at[10].ndcg)} / ${f6(ranking.at[10].recall)}</td></tr>
    <tr><th>time</th><td>read ${ms(t1 - t0)} (reckit's CSV reader), metrics ${ms(t2 - t1)} (reckit ${info.name})</td></tr></table>`;
  $('charts').innerHTML = curve('ROC', 'false positive rate', 'true positive rate', roc.fpr, roc.tpr, true) +
    curve('precision-recall', 'recall', 'precision', pr.recall, pr.precision, false) +
    histogram(`AUC per user (${perUser.length} users)`, 'AUC', perUser);
  $('status').textContent = '';
  return results;
}

/** Scores the sample's held-out rows with the shipped DIN, against PyTorch's AUC/GAUC. */
async function scoreDin(rows) {
  const t0 = performance.now();
  const model = reckit.DIN.fromSafetensors(new Uint8Array(await (await fetch(dinUrl)).arrayBuffer()));
  const users = rows.map((r) => Number(r.user_id)), items = rows.map((r) => Number(r.item_id)), labels = Uint8Array.from(rows, (r) => Number(r.label));
  const [from, to] = heldOut(rows.length);
  const { probabilities } = await model.forwardAsync(ctrBatch(users, items, labels, from, to));
  model.dispose();
  const test = labels.subarray(from, to);
  const din = { rows: to - from, auc: reckit.auc(test, probabilities), gauc: reckit.gauc(test, probabilities, users.slice(from, to)), ms: performance.now() - t0, torch: holdout.din };
  $('model').innerHTML = `<h3>DIN trained in PyTorch, scored here</h3><table>
    <tr><th>held-out rows</th><td>${din.rows}</td></tr>
    <tr><th>AUC</th><td>${f6(din.auc)} (PyTorch ${f6(din.torch.auc)})</td></tr>
    <tr><th>GAUC</th><td>${f6(din.gauc)} (PyTorch ${f6(din.torch.gauc)})</td></tr>
    <tr><th>time</th><td>${ms(din.ms)} (load, features, forward)</td></tr></table>`;
  return din;
}

async function run(blob, name, withModel) {
  try {
    const results = await evaluate(blob, name);
    // The DIN's features (user, item and history ids) come from the sample's rows.
    if (withModel) results.din = await scoreDin(Papa.parse(await blob.text(), { header: true, skipEmptyLines: true }).data);
    document.body.dataset.results = JSON.stringify(results);
    document.body.dataset.ready = '1';
  } catch (e) {
    $('status').innerHTML = `<span class="error">${name}: ${e.message}</span>`;
  }
}

const open = (file) => run(file, file.name, false);
$('file').addEventListener('change', (e) => e.target.files[0] && open(e.target.files[0]));
const drop = $('drop');
drop.addEventListener('dragover', (e) => (e.preventDefault(), drop.classList.add('over')));
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer.files[0]) open(e.dataTransfer.files[0]);
});

await run(await (await fetch(sampleUrl)).blob(), 'data/sample.csv', true);
