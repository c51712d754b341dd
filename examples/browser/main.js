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

/**
 * A 95% band around the ROC curve: the curve of 60 bootstrap resamples (Poisson(1) row weights,
 * through reckit's weighted rocCurve), each read at 101 false positive rates (the highest TPR at
 * or below each: Fawcett 2006's vertical averaging), and the 2.5% and 97.5% of them at each.
 */
async function rocBand(labels, scores, resamples = 60) {
  const grid = Float64Array.from({ length: 101 }, (_, i) => i / 100);
  let state = 12345; // a fixed LCG stream: the band is the same on every load
  const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const poisson = () => {
    let k = 0, p = Math.exp(-1), cdf = p;
    for (const u = uniform(); u > cdf; k++) cdf += (p /= k + 1);
    return k;
  };
  const curves = [];
  for (let b = 0; b < resamples; b++) {
    const weights = Float64Array.from(labels, poisson);
    const { fpr, tpr } = await reckit.rocCurveAsync(labels, scores, { weights });
    const at = new Float64Array(grid.length);
    for (let i = 0, j = 0; i < grid.length; i++) {
      while (j + 1 < fpr.length && fpr[j + 1] <= grid[i]) j++;
      at[i] = tpr[j];
    }
    curves.push(at);
  }
  const quantile = (xs, q) => xs.sort((a, b) => a - b)[Math.round(q * (xs.length - 1))];
  return {
    fpr: grid,
    lower: grid.map((_, i) => quantile(curves.map((c) => c[i]), 0.025)),
    upper: grid.map((_, i) => quantile(curves.map((c) => c[i]), 0.975)),
  };
}

async function evaluate(blob, name) {
  $('status').textContent = `evaluating ${name}…`;
  const t0 = performance.now();
  const { labels, scores, users } = await columns(blob);
  const t1 = performance.now();
  const [auc, ci, g, ctr, reliability, ap, roc, pr, ranking] = await Promise.all([
    reckit.aucAsync(labels, scores),
    reckit.aucIntervalAsync(labels, scores),
    reckit.gaucReportAsync(labels, scores, users, { perGroup: true }),
    reckit.ctrMetricsAsync(labels, scores),
    reckit.reliabilityDiagramAsync(labels, scores, { bins: 10 }),
    reckit.averagePrecisionAsync(labels, scores),
    reckit.rocCurveAsync(labels, scores),
    reckit.prCurveAsync(labels, scores),
    reckit.rankingMetricsAsync(labels, scores, { groups: users, k: 10 }),
  ]);
  const logLoss = ctr.logLoss;
  const perUser = g.perGroup.auc.filter((x) => !Number.isNaN(x)); // users with both classes
  const t2 = performance.now();
  const results = {
    file: name, rows: labels.length, auc, gauc: g.value, gaucGroups: g.groups, skippedGroups: g.skippedGroups, logLoss,
    averagePrecision: ap, ranking: ranking.at[10], perUserAuc: perUser.length, rocPoints: roc.fpr.length,
    aucInterval: [ci.lower, ci.upper], normalizedEntropy: ctr.normalizedEntropy, calibration: ctr.calibration, ece: reliability.ece,
    backend: info.name, asyncThreads: workers, ms: { parse: t1 - t0, metrics: t2 - t1 },
  };
  $('metrics').innerHTML = `<table>
    <tr><th>${name}</th><td>${results.rows} rows</td></tr>
    <tr><th>AUC</th><td>${f6(auc)} (95% CI ${f6(ci.lower)} – ${f6(ci.upper)}, DeLong)</td></tr>
    <tr><th>GAUC</th><td>${f6(g.value)} (${g.groups} users, ${g.skippedGroups} single-class skipped)</td></tr>
    <tr><th>log loss</th><td>${f6(logLoss)}</td></tr>
    <tr><th>normalized entropy / calibration</th><td>${f6(ctr.normalizedEntropy)} / ${f6(ctr.calibration)} (Σ predicted ÷ Σ observed)</td></tr>
    <tr><th>expected calibration error</th><td>${f6(reliability.ece)} (10 equal-width bins)</td></tr>
    <tr><th>average precision</th><td>${f6(ap)}</td></tr>
    <tr><th>NDCG@10 / recall@10 by user</th><td>${f6(ranking.at[10].ndcg)} / ${f6(ranking.at[10].recall)}</td></tr>
    <tr><th>time</th><td>read ${ms(t1 - t0)} (reckit's CSV reader), metrics ${ms(t2 - t1)} (reckit ${info.name})</td></tr></table>`;
  const bins = Array.from(reliability.count.keys()).filter((b) => reliability.count[b] > 0);
  const charts = (band) => curve(band ? `ROC, 95% band (±${((band.upper[50] - band.lower[50]) / 2).toFixed(3)} at FPR 0.5)` : 'ROC', 'false positive rate', 'true positive rate', roc.fpr, roc.tpr, true, band) +
    curve('reliability (10 bins)', 'mean predicted', 'observed rate', bins.map((b) => reliability.meanPredicted[b]), bins.map((b) => reliability.observedRate[b]), true, undefined, true) +
    curve('precision-recall', 'recall', 'precision', pr.recall, pr.precision, false) +
    histogram(`AUC per user (${perUser.length} users)`, 'AUC', perUser);
  $('charts').innerHTML = charts();
  // The ROC band (60 resampled curves) comes after the numbers are on screen.
  $('status').textContent = 'resampling the ROC curve for its band…';
  const band = await rocBand(labels, scores);
  $('charts').innerHTML = charts(band);
  results.band = { lower: Array.from(band.lower), upper: Array.from(band.upper) };
  results.ms.band = performance.now() - t2;
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
