// Train a logistic-regression CTR model on data/sample.csv in plain JavaScript, with reckit for
// the loss and its gradient (bceWithLogits), the update (Adagrad) and the evaluation (AUC, GAUC,
// log loss). The model is the classic "ids only" recommender baseline:
//
//   logit = b + w_user[user_id] + w_item[item_id]      (one-hot ids: one weight per user, per item)
//
// We do NOT feed it the shipped `score` column: that column is another model's prediction, made
// (see python/make_sample.py) from the latent truth that generated the clicks. Adding its logit
// as a feature would mostly measure that model; without it, whatever the metrics show was
// learned from the clicks alone. Its AUC is printed as a reference for what is reachable.
//
//   node examples/logistic-regression.mjs [--json]      (after `npm run build`; in your project: from 'reckit')
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { Adagrad, auc, backend, bceWithLogits, gauc, logLoss, sigmoid } from '../dist/index.js';

// Chosen on this data: the held-out log loss stops improving after ~4 epochs (lr 0.1). In real
// work, pick them on a validation slice cut from the training rows, not on the test rows.
const EPOCHS = 4;
const BATCH = 1024;
const LR = 0.1;

// 1. Read the log into typed arrays (columns user_id,item_id,label,score; 100k rows).
const rows = Papa.parse(readFileSync(new URL('../data/sample.csv', import.meta.url), 'utf8'), { header: true, skipEmptyLines: true }).data;
const n = rows.length;
const users = new Uint32Array(n), items = new Uint32Array(n), labels = new Uint8Array(n), scores = new Float64Array(n);
rows.forEach((r, k) => {
  users[k] = +r.user_id;
  items[k] = +r.item_id;
  labels[k] = +r.label;
  scores[k] = +r.score;
});

// 2. Split by row order, the way a model is deployed: learn on the past (first 80%), evaluate on
//    the future (last 20%). Deterministic, and no row of the test set leaks into training.
const nTrain = Math.floor(0.8 * n);
const test = { users: users.subarray(nTrain), items: items.subarray(nTrain), labels: labels.subarray(nTrain) };

// 3. Parameters: Float32Arrays, updated in place by the optimizer. Ids index them directly (they are
//    small integers here; in production you would map ids to rows with a Map or a hash).
const nUsers = users.reduce((m, u) => Math.max(m, u), 0) + 1;
const nItems = items.reduce((m, i) => Math.max(m, i), 0) + 1;
const wUser = new Float32Array(nUsers), wItem = new Float32Array(nItems), bias = new Float32Array(1);
// The id weights start at 0; the bias starts at the log-odds of the training click rate, so the
// untrained model predicts the base rate (a constant: AUC exactly 0.5) and "before → after" shows
// what the ids add beyond counting clicks, rather than the easy win of learning the average.
let clicks = 0;
for (let k = 0; k < nTrain; k++) clicks += labels[k];
bias[0] = Math.log(clicks / (nTrain - clicks));

// Adagrad, not Adam: it is the usual choice for sparse logistic regression. Each weight gets its
// own step size (frequent users/items take small steps, rare ones larger), and a weight whose
// gradient is 0 in a batch does not move at all, whereas Adam's momentum keeps moving ids that
// were not in the batch. No weight decay: here it is dense (it shrinks all ids at every step,
// seen or not), which cost AUC in our runs; a few epochs are the regularizer.
const opt = new Adagrad([wUser, wItem, bias], { lr: LR });
const gUser = new Float32Array(nUsers), gItem = new Float32Array(nItems), gBias = new Float32Array(1);

const logitOf = (u, i) => bias[0] + wUser[u] + wItem[i];

/** AUC, GAUC by user and log loss on the held-out rows. */
function evaluate() {
  // Users and items never seen in training still have weight 0: their logit falls back to the bias.
  const z = new Float32Array(test.labels.length);
  for (let k = 0; k < z.length; k++) z[k] = logitOf(test.users[k], test.items[k]);
  // AUC and GAUC only need an ordering, so logits do; log loss needs probabilities: σ(logit).
  return { auc: auc(test.labels, z), gauc: gauc(test.labels, z, test.users), logLoss: logLoss(test.labels, sigmoid(z)) };
}

const before = evaluate();

// 4. Mini-batch training. A fixed-seed generator (an LCG) shuffles the rows each epoch, so every
//    run is the same.
let seed = 1;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
const order = Uint32Array.from({ length: nTrain }, (_, k) => k);
const y = new Float32Array(BATCH), z = new Float32Array(BATCH);
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  for (let k = nTrain - 1; k > 0; k--) { // Fisher–Yates
    const j = Math.floor(random() * (k + 1));
    [order[k], order[j]] = [order[j], order[k]];
  }
  for (let start = 0; start < nTrain; start += BATCH) {
    const m = Math.min(BATCH, nTrain - start);
    const rowsOf = order.subarray(start, start + m), yb = y.subarray(0, m), zb = z.subarray(0, m);
    // Forward: one logit per row (a Float32Array, so the loss computes its gradient in f32).
    for (let k = 0; k < m; k++) {
      yb[k] = labels[rowsOf[k]];
      zb[k] = logitOf(users[rowsOf[k]], items[rowsOf[k]]);
    }
    // Loss (mean over the batch) and its gradient w.r.t. each logit: (σ(z) − y) / m.
    const { grad } = bceWithLogits(yb, zb, { grad: true });
    // Backward: ∂logit/∂w_user[u] = 1 for the row's user and 0 for every other weight, so each
    // id's gradient is the sum of its rows' gradients: a scatter-add. Buffers are zeroed first.
    gUser.fill(0);
    gItem.fill(0);
    gBias[0] = 0;
    for (let k = 0; k < m; k++) {
      gUser[users[rowsOf[k]]] += grad[k];
      gItem[items[rowsOf[k]]] += grad[k];
      gBias[0] += grad[k];
    }
    opt.step([gUser, gItem, gBias]); // one gradient per parameter, in the constructor's order
  }
}

const after = evaluate();

// 5. Report: a readable summary, or one JSON object (--json) for scripts and tests.
const result = { before, after, epochs: EPOCHS, backend: backend() };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  const f = (m) => `AUC ${m.auc.toFixed(4)}  GAUC ${m.gauc.toFixed(4)}  log loss ${m.logLoss.toFixed(4)}`;
  const ts = scores.subarray(nTrain);
  console.log(`logistic regression on user and item ids: ${nTrain} training rows, ${n - nTrain} held out (${backend()})`);
  console.log(`before (base rate)   ${f(before)}`);
  console.log(`after ${EPOCHS} epochs       ${f(after)}`);
  console.log(`shipped score        AUC ${auc(test.labels, ts).toFixed(4)}  GAUC ${gauc(test.labels, ts, test.users).toFixed(4)}  (a model that saw the latent truth)`);
}
