// Score the held-out part of data/sample.csv with the DIN and DIEN that python/train_demo.py
// trained in PyTorch (data/models/*.safetensors, config stored in the files), and check that
// reckit's AUC and GAUC equal PyTorch's scoring of the same rows (data/models/holdout.json).
//
//   node examples/din-dien.mjs [--json]      (after `npm run build`; in your project: from 'reckit')
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { DIEN, DIN, auc, backend, gauc } from '../dist/index.js';
import { ctrBatch, heldOut } from './ctr-features.mjs';

const file = (name) => new URL(`../data/${name}`, import.meta.url);
const rows = Papa.parse(readFileSync(file('sample.csv'), 'utf8'), { header: true, dynamicTyping: true, skipEmptyLines: true }).data;
const users = rows.map((r) => r.user_id), items = rows.map((r) => r.item_id);
const labels = Uint8Array.from(rows, (r) => r.label);
const [from, to] = heldOut(rows.length);
const batch = ctrBatch(users, items, labels, from, to);
const test = { labels: labels.subarray(from, to), users: users.slice(from, to) };
const torch = JSON.parse(readFileSync(file('models/holdout.json'), 'utf8'));

const results = {};
for (const [name, Model] of [['din', DIN], ['dien', DIEN]]) {
  const model = Model.fromSafetensors(new URL(file(`models/${name}.safetensors`)).pathname);
  const t = performance.now();
  const { probabilities } = model.forward(batch);
  const ms = performance.now() - t;
  model.dispose();
  results[name] = { auc: auc(test.labels, probabilities), gauc: gauc(test.labels, probabilities, test.users), ms, torch: torch[name] };
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ backend: backend(), rows: to - from, ...results }));
} else {
  console.log(`${to - from} held-out rows of data/sample.csv, scored by reckit (${backend()}) with weights trained in PyTorch:`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`  ${name.toUpperCase().padEnd(5)} AUC ${r.auc.toFixed(6)} (PyTorch ${r.torch.auc.toFixed(6)})  GAUC ${r.gauc.toFixed(6)} (PyTorch ${r.torch.gauc.toFixed(6)})  ${r.ms.toFixed(0)} ms`);
  }
}
