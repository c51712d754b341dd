// npm run bench (after bench/run.mjs), or alone with `npm run bench -- losses`: every loss with
// its gradient ({ grad: true }, reduction 'mean') and the row ops, on every backend this
// process can load, against the plain-JS loops of bench/baseline-losses.mjs, on the same
// Float32Array data in the same run. Sizes scale with BENCH_N (default 1e6; R = N/10 rows):
// pointwise losses on N elements; softmax cross-entropy on R × 100 logits (class ids); NCE and
// InfoNCE (τ 1) on R rows × 10 negatives; contrastive and triplet from N distances and from R × 10
// embeddings; KL on R rows × 10; softmax, log-softmax, layer norm and L2 normalisation on
// R × 100, sigmoid on N. Every reckit result is checked against the JS loop's: the value within
// 1e-6 relative, each gradient (op output) element within 1e-5 relative + 1e-7 absolute.
// Prints a table of medians (up to BENCH_REPS = 7 runs) and ratios; writes
// bench/results/<date>-losses.json and bench/results/<date>-losses.svg.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as reckit from '../dist/index.js';
import { chart } from './chart.mjs';
import { initAll, lcg, time } from './workload.mjs';
import * as js from './baseline-losses.mjs';

const N = Number(process.env.BENCH_N ?? 1e6);
const reps = Number(process.env.BENCH_REPS ?? 7);
if (!(Number.isInteger(N) && N >= 10 && N % 10 === 0)) throw new RangeError(`BENCH_N=${process.env.BENCH_N}: expected a multiple of 10 (e.g. 1e4, 1e6)`);
const R = N / 10; // rows of the row losses and row ops
const C = 100; // classes, and the row ops' width
const K = 10; // negatives per row (NCE, InfoNCE)
const D = 10; // embedding width; also the KL rows' width
const JS = 'js loop';

// --- Fixed-seed Float32Array data (class ids: Uint32Array). ---
function uniform(n, lo, hi, seed) {
  const random = lcg(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}
function bernoulli(n, p, seed) {
  const random = lcg(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = random() < p ? 1 : 0;
  return out;
}
/** Rows of `size` positive values summing to 1 (up to f32 rounding). */
function distributions(rows, size, seed) {
  const x = uniform(rows * size, 0.01, 1, seed);
  for (let o = 0; o < x.length; o += size) {
    let s = 0;
    for (let j = o; j < o + size; j++) s += x[j];
    for (let j = o; j < o + size; j++) x[j] /= s;
  }
  return x;
}
/** `base` plus uniform noise in [−scale, scale]. */
function near(base, scale, seed) {
  const noise = uniform(base.length, -scale, scale, seed);
  return noise.map((v, i) => base[i] + v);
}

const sci = (x) => (Number.isInteger(Math.log10(x)) ? `1e${Math.log10(x)}` : String(x));
const [sN, sR] = [sci(N), sci(R)];
const opt = { grad: true, reduction: 'mean' };

/**
 * The workloads. Each builds its data when it runs (`make`): the JS loop, reckit's call, and
 * `inputs`: name → [array, elements per row], with `widths`: gradient (or output) name →
 * elements per row, to show the input row behind a mismatching element.
 */
const workloads = [
  {
    name: `softmaxCrossEntropy (${sR} × ${C}, class ids)`,
    make() {
      const logits = uniform(R * C, -4, 4, 11);
      const random = lcg(12);
      const ids = Uint32Array.from({ length: R }, () => Math.floor(random() * C));
      return {
        js: () => js.jsSoftmaxCrossEntropy(ids, logits, C),
        reckit: () => reckit.softmaxCrossEntropy(ids, logits, { ...opt, numClasses: C }),
        inputs: { ids: [ids, 1], logits: [logits, C] }, widths: { grad: C },
      };
    },
  },
  {
    name: `nce (${sR} × ${K} negatives)`,
    make() {
      const pos = uniform(R, -2, 4, 21), neg = uniform(R * K, -4, 2, 22);
      return { js: () => js.jsNce(pos, neg), reckit: () => reckit.nce(pos, neg, opt), inputs: { pos: [pos, 1], neg: [neg, K] }, widths: { pos: 1, neg: K } };
    },
  },
  {
    name: `infoNce (${sR} × ${K} negatives)`,
    make() {
      const pos = uniform(R, -2, 4, 31), neg = uniform(R * K, -4, 2, 32);
      return { js: () => js.jsInfoNce(pos, neg), reckit: () => reckit.infoNce(pos, neg, opt), inputs: { pos: [pos, 1], neg: [neg, K] }, widths: { pos: 1, neg: K } };
    },
  },
  {
    name: `contrastive from distances (${sN})`,
    make() {
      const labels = bernoulli(N, 0.5, 41), d = uniform(N, 0, 2, 42);
      return { js: () => js.jsContrastive(labels, d), reckit: () => reckit.contrastive(labels, d, opt), inputs: { labels: [labels, 1], distances: [d, 1] }, widths: { grad: 1 } };
    },
  },
  {
    name: `triplet from distances (${sN})`,
    make() {
      const dPos = uniform(N, 0, 2, 51), dNeg = uniform(N, 0, 2, 52);
      return { js: () => js.jsTriplet(dPos, dNeg), reckit: () => reckit.triplet(dPos, dNeg, opt), inputs: { dPos: [dPos, 1], dNeg: [dNeg, 1] }, widths: { pos: 1, neg: 1 } };
    },
  },
  {
    name: `triplet from embeddings (${sR} × ${D} dims)`,
    make() {
      // Positives near the anchor, negatives anywhere: about half the triplets are active.
      const anchor = uniform(R * D, -1, 1, 61), positive = near(anchor, 1, 62), negative = uniform(R * D, -1, 1, 63);
      return {
        js: () => js.jsTripletEmbeddings(anchor, positive, negative, D),
        reckit: () => reckit.triplet({ anchor, positive, negative }, { ...opt, dim: D }),
        inputs: { anchor: [anchor, D], positive: [positive, D], negative: [negative, D] }, widths: { anchor: D, positive: D, negative: D },
      };
    },
  },
  {
    name: `klDiv (${sR} rows × ${D})`,
    make() {
      const p = distributions(R, D, 71), q = distributions(R, D, 72);
      return { js: () => js.jsKlDiv(p, q, D), reckit: () => reckit.klDiv(p, q, { ...opt, size: D }), inputs: { p: [p, D], q: [q, D] }, widths: { grad: D } };
    },
  },
  // The other losses, all with their defaults.
  ...[
    ['mae', 'mae', js.jsMae, () => uniform(N, -2, 2, 81)],
    ['mse', 'mse', js.jsMse, () => uniform(N, -2, 2, 81)],
    ['huber', 'huber', js.jsHuber, () => uniform(N, -2, 2, 81)],
    ['bce', 'bce', js.jsBce, () => uniform(N, 0, 1, 82), 'probs'],
    ['bceWithLogits', 'bceWithLogits', js.jsBceWithLogits, () => uniform(N, -6, 6, 83), 'logits'],
    ['focal from probabilities', 'focal', js.jsFocal, () => uniform(N, 0, 1, 82), 'probs'],
  ].map(([name, fn, jsFn, preds, what]) => ({
    name: `${name} (${sN}${what ? ` ${what}` : ''})`,
    make() {
      const y = fn === 'bce' || fn === 'focal' || fn === 'bceWithLogits' ? bernoulli(N, 0.3, 84) : uniform(N, -2, 2, 85);
      const p = preds();
      return { js: () => jsFn(y, p), reckit: () => reckit[fn](y, p, opt), inputs: { targets: [y, 1], preds: [p, 1] }, widths: { grad: 1 } };
    },
  })),
  {
    name: `focal from logits (${sN})`,
    make() {
      const y = bernoulli(N, 0.3, 84), x = uniform(N, -6, 6, 83);
      return { js: () => js.jsFocal(y, x, { logits: true }), reckit: () => reckit.focal(y, x, { ...opt, logits: true }), inputs: { targets: [y, 1], logits: [x, 1] }, widths: { grad: 1 } };
    },
  },
  {
    name: `hinge (${sN}, labels ±1)`,
    make() {
      const labels = bernoulli(N, 0.5, 91).map((v) => 2 * v - 1), s = uniform(N, -2, 2, 92);
      return { js: () => js.jsHinge(labels, s), reckit: () => reckit.hinge(labels, s, opt), inputs: { labels: [labels, 1], scores: [s, 1] }, widths: { grad: 1 } };
    },
  },
  {
    name: `bpr (${sN} pairs)`,
    make() {
      const pos = uniform(N, -2, 4, 101), neg = uniform(N, -4, 2, 102);
      return { js: () => js.jsBpr(pos, neg), reckit: () => reckit.bpr(pos, neg, opt), inputs: { pos: [pos, 1], neg: [neg, 1] }, widths: { pos: 1, neg: 1 } };
    },
  },
  {
    name: `contrastive from embeddings (${sR} × ${D} dims)`,
    make() {
      const labels = bernoulli(R, 0.5, 111), x1 = uniform(R * D, -1, 1, 112), x2 = near(x1, 0.3, 113);
      return {
        js: () => js.jsContrastiveEmbeddings(labels, x1, x2, D),
        reckit: () => reckit.contrastive(labels, { x1, x2 }, { ...opt, dim: D }),
        inputs: { labels: [labels, 1], x1: [x1, D], x2: [x2, D] }, widths: { x1: D, x2: D },
      };
    },
  },
  // Ops: output arrays, checked as gradients are.
  ...[
    ['softmax', (x) => js.jsSoftmax(x, C), (x) => reckit.softmax(x, { size: C })],
    ['logSoftmax', (x) => js.jsLogSoftmax(x, C), (x) => reckit.logSoftmax(x, { size: C })],
  ].map(([op, jsFn, rkFn]) => ({
    name: `op ${op} (${sR} × ${C})`,
    make() {
      const x = uniform(R * C, -4, 4, 121);
      return { js: () => jsFn(x), reckit: () => rkFn(x), inputs: { x: [x, C] }, widths: { out: C } };
    },
  })),
  {
    name: `op layerNorm (${sR} × ${C}, weight, bias)`,
    make() {
      // Trained-looking affine parameters: weight near 1, bias near 0.
      const x = uniform(R * C, -3, 5, 131), weight = uniform(C, 0.8, 1.2, 132), bias = uniform(C, -0.1, 0.1, 133);
      return {
        js: () => js.jsLayerNorm(x, C, weight, bias),
        reckit: () => reckit.layerNorm(x, { size: C, weight, bias }),
        inputs: { x: [x, C], weight: [weight, 0], bias: [bias, 0] }, widths: { out: C },
      };
    },
  },
  {
    name: `op sigmoid (${sN})`,
    make() {
      const x = uniform(N, -8, 8, 141);
      return { js: () => js.jsSigmoid(x), reckit: () => reckit.sigmoid(x), inputs: { x: [x, 1] }, widths: { out: 1 } };
    },
  },
  {
    name: `op l2Normalize (${sR} × ${C})`,
    make() {
      const x = uniform(R * C, -1, 1, 151);
      return { js: () => js.jsL2Normalize(x, C), reckit: () => reckit.l2Normalize(x, { size: C }), inputs: { x: [x, C] }, widths: { out: C } };
    },
  },
];

// --- Checking a reckit result against the JS loop's. ---

/** [name, array] of each gradient (or an op's output). */
function arrays(result) {
  if (ArrayBuffer.isView(result)) return [['out', result]];
  return ArrayBuffer.isView(result.grad) ? [['grad', result.grad]] : Object.entries(result.grad);
}

/** Row `row` of every input, exactly (f32 values print as the f64 they are). */
function inputRow(w, row) {
  return Object.entries(w.inputs)
    .map(([name, [xs, width]]) => (width === 0 ? `${name}=[${[...xs]}]` : `${name}=[${[...xs.subarray(row * width, (row + 1) * width)].join(', ')}]`))
    .join(' ');
}

/**
 * Null when `got` agrees with `want`, else what differs and the input row behind the first
 * disagreement. Also the largest relative errors seen (for the record).
 */
function compare(w, want, got) {
  const err = { value: null, grad: 0 };
  const problems = [];
  if (!ArrayBuffer.isView(want)) {
    const diff = Math.abs(got?.value - want.value);
    err.value = diff / Math.abs(want.value);
    if (!(diff <= 1e-6 * Math.abs(want.value))) problems.push(`value ${got?.value}, js ${want.value} (relative error ${err.value.toExponential(2)})`);
  }
  const byName = new Map(got && (ArrayBuffer.isView(got) || got.grad) ? arrays(got) : []);
  for (const [name, a] of arrays(want)) {
    const b = byName.get(name);
    if (!(b instanceof Float32Array) || b.length !== a.length) {
      problems.push(`${name}: ${b?.constructor?.name} of length ${b?.length}, js Float32Array of length ${a.length}`);
      continue;
    }
    let bad = 0, first = -1;
    for (let i = 0; i < a.length; i++) {
      const diff = Math.abs(a[i] - b[i]);
      if (a[i] !== 0) err.grad = Math.max(err.grad, diff / Math.abs(a[i]));
      else if (diff > 0) err.grad = Infinity;
      if (!(diff <= 1e-5 * Math.abs(a[i]) + 1e-7)) {
        if (first < 0) first = i;
        bad++;
      }
    }
    if (bad) {
      const row = Math.floor(first / w.widths[name]);
      problems.push(`${name}[${first}]: ${b[first]}, js ${a[first]} (${bad} of ${a.length} elements differ; first in row ${row}: ${inputRow(w, row)})`);
    }
  }
  return { mismatch: problems.length ? problems.join('; ') : null, err };
}

// --- The run. ---

await initAll(reckit);
const backends = reckit.availableBackends();
console.error(`losses bench: N = ${sN} (R = ${sR} rows), up to ${reps} runs each, backends ${backends.join(', ')}`);
const rows = [];
for (const spec of workloads) {
  const w = { ...spec, ...spec.make() };
  const base = time(w.js, reps);
  const value = (r) => (ArrayBuffer.isView(r) ? null : r.value);
  rows.push({ workload: w.name, n: N, impl: JS, ms: base.ms, runs: base.runs, value: value(base.value) });
  for (const b of backends) {
    reckit.setBackend(b);
    const info = reckit.backendInfo();
    const r = time(w.reckit, reps);
    const { mismatch, err } = compare(w, base.value, r.value);
    rows.push({ workload: w.name, n: N, impl: `reckit ${b} (${info.simd}, ${info.threads}T)`, ms: r.ms, runs: r.runs, value: value(r.value), err, ...(mismatch && { mismatch }) });
  }
  console.error(`  ${w.name} done`);
}

// Table: × vs JS = the JS loop's median / this median.
const jsMs = new Map(rows.filter((r) => r.impl === JS).map((r) => [r.workload, r.ms]));
const wW = Math.max(...rows.map((r) => r.workload.length)) + 2;
const wI = Math.max(...rows.map((r) => r.impl.length)) + 2;
console.log(`\n${'workload'.padEnd(wW)}${'implementation'.padEnd(wI)}${'median ms'.padStart(11)}${'runs'.padStart(6)}${'× vs JS'.padStart(9)}  check`);
for (const r of rows) {
  const check = r.impl === JS ? '' : r.mismatch ? '≠ js loop' : 'ok';
  console.log(`${r.workload.padEnd(wW)}${r.impl.padEnd(wI)}${r.ms.toFixed(2).padStart(11)}${String(r.runs).padStart(6)}${((jsMs.get(r.workload) / r.ms).toFixed(1) + '×').padStart(9)}  ${check}`);
}

const date = new Date().toISOString().slice(0, 10);
const machine = { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version };
const out = new URL(`./results/${date}-losses`, import.meta.url).pathname;
writeFileSync(`${out}.json`, JSON.stringify({ date, machine, n: N, rows }, null, 2));
writeFileSync(`${out}.svg`, chart(rows, `reckit losses and ops ${date} (grad: true, mean): ${machine.cpu}, ${machine.cores} cores`, { baseline: JS }));
console.log(`\nwrote ${out}.json and ${out}.svg`);

// Results are written either way; a disagreement fails the run.
const bad = rows.filter((r) => r.mismatch);
for (const r of bad) console.log(`MISMATCH ${r.workload} ${r.impl}: ${r.mismatch}`);
if (bad.length) process.exitCode = 1;
