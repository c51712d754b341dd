// npm run bench -- dense (also part of the full `npm run bench`): reckit's dense kernels against
// their peers on the same inputs in the same run. Workloads: sgemm at 256³, 1024³ and the skinny
// 12800×64×192 (B·T × E × 3E, MHA's input projection); nn.MultiheadAttention self-attention
// at B=256 T=50 E=64 H=4 and nn.GRU at B=256 T=50 I=H=64, with the weights of
// bench/models/*.safetensors (python/export_bench_models.py; the ONNX peers run the same
// modules' ONNX export). Implementations: reckit on each backend this machine loads (native
// also with RAYON_NUM_THREADS=1), onnxruntime-node at 1 and 2 intra-op threads,
// onnxruntime-web (wasm, in Node) at 1 and 2 threads, tfjs-backend-wasm (sgemm only), and
// numpy + OpenBLAS / torch at 1 and 2 threads (bench/peers/torch_dense.py, when a python3
// with torch is found; else skipped with the reason).
//
// Every implementation runs in its own child process (`node bench/dense.mjs --impl SPEC DIR`):
// ORT-web's thread count and rayon's pool are fixed per process, and no implementation's
// lingering threads run beside another's timing. This process writes the inputs (fixed-seed
// uniform [-1, 1] f32) and a float64 reference computed here in plain JS to a temp dir; each
// child checks its first call's output against that reference before timing (sgemm: max abs
// diff ≤ 1e-4 · max |reference|; MHA and GRU output and hN: max abs diff ≤ 1e-4) and times
// only if it agrees. Every timed call takes Float32Arrays in and gives a Float32Array out
// (input upload and output download are part of the time for every implementation).
// Medians of up to BENCH_REPS (7) calls, fewer once 6 s are spent (workload.mjs's `time`).
// BENCH_DENSE=sgemm-256,mha (ids or kinds) runs a subset.
//
// Prints a table of medians (GFLOP/s for sgemm) and the issue's targets; writes
// bench/results/<date>-dense.json and bench/results/<date>-dense.svg.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chart } from './chart.mjs';
import { initAll, lcg, median, time, timeAsync } from './workload.mjs';
import { bytes, child, findPython, readArray, reckitSpecs, runChildren } from './children.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const models = join(here, 'models');
const reps = Number(process.env.BENCH_REPS ?? 7);
const B = 256, T = 50, E = 64, HEADS = 4;

const allWorkloads = [
  ...[[256, 256, 256], [1024, 1024, 1024], [B * T, E, 3 * E]].map(([m, k, n], i) => ({
    id: ['sgemm-256', 'sgemm-1024', 'sgemm-skinny'][i], kind: 'sgemm', m, k, n, tol: 1e-4, relative: true, seed: 10 + i,
    name: `sgemm (${m}×${k}×${n})`, size: m * k * n,
  })),
  {
    id: 'mha', kind: 'mha', shape: [B, T, E], embedDim: E, numHeads: HEADS, tol: 1e-4, seed: 20, size: B * T,
    weights: join(models, 'mha.safetensors'), onnx: join(models, 'mha.onnx'),
    name: `MultiheadAttention (B=${B} T=${T} E=${E} H=${HEADS})`,
  },
  {
    id: 'gru', kind: 'gru', shape: [B, T, E], inputSize: E, hiddenSize: E, tol: 1e-4, seed: 30, size: B * T,
    weights: join(models, 'gru.safetensors'), onnx: join(models, 'gru.onnx'),
    name: `GRU (B=${B} T=${T} I=H=${E})`,
  },
];
/** Output names per kind, in the order ONNX, torch and reckit return them. */
const outputNames = { sgemm: ['c'], mha: ['output'], gru: ['output', 'hN'] };
const inputNames = { sgemm: ['a', 'b'], mha: ['x'], gru: ['x'] };
const matmulOnnx = join(models, 'matmul.onnx');

// --- Inputs, weights, the f64 reference. ---

function uniform(n, seed) {
  const random = lcg(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * random() - 1;
  return out;
}

function inputs(w) {
  if (w.kind === 'sgemm') return { a: uniform(w.m * w.k, w.seed), b: uniform(w.k * w.n, w.seed + 100) };
  return { x: uniform(w.shape.reduce((p, q) => p * q), w.seed) };
}

/** name → { shape, data: Float32Array } (u64 LE header length, JSON header, F32 data). */
function readSafetensors(path) {
  const raw = readFileSync(path);
  const size = Number(raw.readBigUInt64LE(0));
  const header = JSON.parse(raw.subarray(8, 8 + size).toString('utf8'));
  const out = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (t.dtype !== 'F32') throw new Error(`${path}: ${name} is ${t.dtype}, expected F32`);
    const [a, b] = t.data_offsets;
    const bytes = raw.subarray(8 + size + a, 8 + size + b);
    out[name] = { shape: t.shape, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) };
  }
  return out;
}

/** y[r, o] = Σ_i x[r, i] · W[o, i] + bias[o], in f64 (W is [out, in], row-major). */
function linear(x, rows, inDim, W, bias, outDim) {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    const xo = r * inDim;
    for (let o = 0; o < outDim; o++) {
      let s = bias ? bias[o] : 0;
      const wo = o * inDim;
      for (let i = 0; i < inDim; i++) s += x[xo + i] * W[wo + i];
      y[r * outDim + o] = s;
    }
  }
  return y;
}

function refSgemm({ m, k, n }, { a, b }) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p], bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += v * b[bp + j];
    }
  }
  return { c };
}

/** PyTorch's nn.MultiheadAttention(E, H, batch_first=True)(x, x, x). */
function refMha({ shape: [b, t, e], numHeads: h, weights }, { x }) {
  const w = readSafetensors(weights);
  const d = e / h, scale = 1 / Math.sqrt(d);
  const qkv = linear(x, b * t, e, w.in_proj_weight.data, w.in_proj_bias.data, 3 * e);
  const ctx = new Float64Array(b * t * e);
  const p = new Float64Array(t);
  for (let bi = 0; bi < b; bi++) {
    for (let hi = 0; hi < h; hi++) {
      for (let ti = 0; ti < t; ti++) {
        const q = (bi * t + ti) * 3 * e + hi * d;
        let max = -Infinity;
        for (let s = 0; s < t; s++) {
          const k = (bi * t + s) * 3 * e + e + hi * d;
          let dot = 0;
          for (let j = 0; j < d; j++) dot += qkv[q + j] * qkv[k + j];
          p[s] = dot * scale;
          max = Math.max(max, p[s]);
        }
        let sum = 0;
        for (let s = 0; s < t; s++) sum += p[s] = Math.exp(p[s] - max);
        const o = (bi * t + ti) * e + hi * d;
        for (let s = 0; s < t; s++) {
          const v = (bi * t + s) * 3 * e + 2 * e + hi * d, ps = p[s] / sum;
          for (let j = 0; j < d; j++) ctx[o + j] += ps * qkv[v + j];
        }
      }
    }
  }
  return { output: linear(ctx, b * t, e, w['out_proj.weight'].data, w['out_proj.bias'].data, e) };
}

/** PyTorch's nn.GRU(I, H, batch_first=True)(x) from zeros: gates r, z, n. */
function refGru({ shape: [b, t, inDim], hiddenSize: hd, weights }, { x }) {
  const w = readSafetensors(weights);
  const gi = linear(x, b * t, inDim, w.weight_ih_l0.data, w.bias_ih_l0.data, 3 * hd);
  const output = new Float64Array(b * t * hd);
  let h = new Float64Array(b * hd);
  const sigmoid = (v) => 1 / (1 + Math.exp(-v));
  for (let ti = 0; ti < t; ti++) {
    const gh = linear(h, b, hd, w.weight_hh_l0.data, w.bias_hh_l0.data, 3 * hd);
    const next = new Float64Array(b * hd);
    for (let bi = 0; bi < b; bi++) {
      const g = (bi * t + ti) * 3 * hd, r0 = bi * 3 * hd;
      for (let j = 0; j < hd; j++) {
        const r = sigmoid(gi[g + j] + gh[r0 + j]);
        const z = sigmoid(gi[g + hd + j] + gh[r0 + hd + j]);
        const n = Math.tanh(gi[g + 2 * hd + j] + r * gh[r0 + 2 * hd + j]);
        next[bi * hd + j] = output[(bi * t + ti) * hd + j] = (1 - z) * n + z * h[bi * hd + j];
      }
    }
    h = next;
  }
  return { output, hN: h };
}

const reference = { sgemm: refSgemm, mha: refMha, gru: refGru };

/** Max abs diff of each output against the reference; a mismatch message when over tolerance. */
function check(w, got, ref) {
  const err = {}, problems = [];
  for (const name of outputNames[w.kind]) {
    const a = ref[name], b = got?.[name];
    if (!(b instanceof Float32Array) || b.length !== a.length) {
      problems.push(`${name}: ${b?.constructor?.name} of length ${b?.length}, reference ${a.length} values`);
      continue;
    }
    let diff = 0, scale = 0, at = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      if (!(d <= diff) && !Number.isNaN(diff)) [diff, at] = [d, i]; // the first NaN sticks
      scale = Math.max(scale, Math.abs(a[i]));
    }
    const tol = w.tol * (w.relative ? scale : 1);
    err[name] = diff;
    if (!(diff <= tol)) problems.push(`${name}[${at}]: ${b[at]}, reference ${a[at]} (max abs diff ${diff.toExponential(2)} > ${tol.toExponential(2)})`);
  }
  return { err, ...(problems.length && { mismatch: problems.join('; ') }) };
}

const f32 = (dir, file) => readArray(dir, file, Float32Array);

// --- Implementations (each runs in a child: `--impl SPEC DIR`). ---
// setup(workloads) → { impl, tag, info?, prepare(w, data) → { call, async } | { skip: reason } }
// or { skip: reason } for the whole implementation.

// (onnxruntime-web's exports map hides its package.json from require.)
const packageDir = (name) => join(here, '..', 'node_modules', name);
const packageVersion = (name) => JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;

const implementations = {
  async reckit(backend) {
    const reckit = await import('../dist/index.js');
    await initAll(reckit);
    if (!reckit.availableBackends().includes(backend)) return { skip: `backend ${backend} is not available here` };
    reckit.setBackend(backend);
    const info = reckit.backendInfo();
    const base = { impl: `reckit ${backend} (${info.simd}, ${info.threads}T)`, tag: `reckit-${backend}-${info.threads}T`, info };
    if (typeof reckit.matmul !== 'function') return { ...base, skip: 'reckit.matmul is not in dist/ (issue 5 not built yet)' };
    const tensor = typeof reckit.tensor === 'function' ? reckit.tensor : (data, shape) => ({ data, shape });
    return {
      ...base,
      prepare(w, d) {
        if (w.kind === 'sgemm') {
          return { call: () => ({ c: reckit.matmul(tensor(d.a, [w.m, w.k]), tensor(d.b, [w.k, w.n])).data }) };
        }
        const cls = { mha: 'MultiHeadAttention', gru: 'GRU' }[w.kind];
        if (typeof reckit[cls] !== 'function' || typeof reckit.loadSafetensors !== 'function') return { skip: `reckit.${cls} or reckit.loadSafetensors is not in dist/` };
        const weights = reckit.loadSafetensors(readFileSync(w.weights));
        if (w.kind === 'mha') {
          const mha = reckit.MultiHeadAttention.fromWeights(weights, { embedDim: w.embedDim, numHeads: w.numHeads });
          return { call: () => ({ output: mha.forward(tensor(d.x, w.shape)).output.data }), dispose: () => mha.dispose?.() };
        }
        const gru = reckit.GRU.fromWeights(weights, { inputSize: w.inputSize, hiddenSize: w.hiddenSize });
        return {
          call: () => {
            const r = gru.forward(tensor(d.x, w.shape));
            return { output: r.output.data, hN: r.hN.data };
          },
          dispose: () => gru.dispose?.(),
        };
      },
    };
  },

  async 'ort-node'(threads) {
    const mod = await import('onnxruntime-node');
    const ort = mod.default ?? mod;
    const options = { intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
    return { impl: `onnxruntime-node (${threads}T)`, tag: `ort-node-${threads}T`, prepare: (w, d) => ortPrepare(ort, w, d, options) };
  },

  async 'ort-web'(threads) {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = Number(threads); // fixed by the first session, for the process
    const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
    return { impl: `onnxruntime-web (wasm, ${threads}T)`, tag: `ort-web-${threads}T`, prepare: (w, d) => ortPrepare(ort, w, d, options) };
  },

  async 'tfjs-wasm'() {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + '/');
    if (!(await tf.setBackend('wasm'))) return { skip: 'tf.setBackend("wasm") failed' };
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'simd' : 'no simd';
    const threads = wasm.getThreadsCount();
    return {
      impl: `tfjs-backend-wasm (${simd}, ${threads}T)`, tag: 'tfjs-wasm',
      prepare(w, d) {
        if (w.kind !== 'sgemm') return { skip: 'sgemm only' };
        return {
          call: () => {
            const c = tf.tidy(() => tf.matMul(tf.tensor2d(d.a, [w.m, w.k]), tf.tensor2d(d.b, [w.k, w.n])));
            const data = c.dataSync();
            c.dispose();
            return { c: data };
          },
        };
      },
    };
  },
};

/** An ONNX session for the workload (matmul.onnx for sgemm); run() takes and gives Float32Arrays. */
async function ortPrepare(ort, w, d, options) {
  const session = await ort.InferenceSession.create(w.kind === 'sgemm' ? matmulOnnx : w.onnx, options);
  const feeds = w.kind === 'sgemm'
    ? () => ({ a: new ort.Tensor('float32', d.a, [w.m, w.k]), b: new ort.Tensor('float32', d.b, [w.k, w.n]) })
    : () => ({ x: new ort.Tensor('float32', d.x, w.shape) });
  return {
    async: true,
    call: async () => {
      const r = await session.run(feeds());
      // In the model's output order: c | y | output, h_n.
      return Object.fromEntries(outputNames[w.kind].map((name, i) => [name, r[session.outputNames[i]].data]));
    },
    dispose: () => session.release(),
  };
}

/** The child: checks each workload's first output against the reference, then times it. */
function denseChild(spec, dir) {
  const inputs = (w) => Object.fromEntries(inputNames[w.kind].map((k) => [k, f32(dir, `${w.id}-${k}.f32`)]));
  return child(spec, dir, implementations, inputs, async (p, w) => {
    const ref = Object.fromEntries(outputNames[w.kind].map((name) => [name, f32(dir, `${w.id}-ref-${name}.f32`)]));
    const first = p.async ? await p.call() : p.call(); // checked before it is timed
    const row = check(w, first, ref);
    return row.mismatch ? row : { ...row, ...(p.async ? await timeAsync(p.call, reps) : time(p.call, reps)), value: undefined };
  });
}

async function main() {
  const only = process.env.BENCH_DENSE?.split(',');
  const workloads = allWorkloads.filter((w) => !only || only.includes(w.id) || only.includes(w.kind));
  for (const w of workloads) if (w.weights && !existsSync(w.weights)) throw new Error(`${w.weights} missing: run /usr/bin/python3 python/export_bench_models.py`);
  const dir = mkdtempSync(join(tmpdir(), 'reckit-dense-'));
  console.error(`dense bench: ${workloads.map((w) => w.id).join(', ')}; up to ${reps} runs each; inputs in ${dir}`);
  for (const w of workloads) {
    const d = inputs(w);
    for (const [k, a] of Object.entries(d)) writeFileSync(join(dir, `${w.id}-${k}.f32`), bytes(a));
    const t = performance.now();
    const ref = reference[w.kind](w, d);
    for (const [name, a] of Object.entries(ref)) writeFileSync(join(dir, `${w.id}-ref-${name}.f32`), bytes(Float32Array.from(a)));
    console.error(`  f64 reference ${w.id}: ${(performance.now() - t).toFixed(0)} ms`);
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ workloads }));

  const { specs, envs } = await reckitSpecs();
  specs.push('ort-node:1', 'ort-node:2', 'ort-web:1', 'ort-web:2', 'tfjs-wasm');
  const results = runChildren(fileURLToPath(import.meta.url), specs, envs, dir);

  // numpy + OpenBLAS and torch, at 2 threads (OpenBLAS's default here) and 1.
  const python = findPython();
  const versions = {
    node: process.version,
    ...Object.fromEntries(['onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'].map((p) => {
      try {
        return [p, packageVersion(p)];
      } catch {
        return [p, null];
      }
    })),
  };
  if (python.py) {
    for (const threads of [cpus().length, 1].filter((t, i, a) => a.indexOf(t) === i)) {
      const peer = join(here, 'peers', 'torch_dense.py');
      const r = spawnSync(python.py, [peer, dir, String(reps), String(threads)], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 15 * 60e3 });
      if (r.status !== 0) {
        results.push({ spec: `python:${threads}`, impl: `numpy/torch (${threads}T)`, skip: r.stderr.trim().split('\n').pop() || `exit ${r.status}`, rows: [] });
        continue;
      }
      const out = JSON.parse(r.stdout);
      Object.assign(versions, Object.fromEntries(Object.entries(out.versions).map(([k, v]) => [k === 'python' ? 'python' : `python ${k}`, v])), { blas: out.blas });
      // One result per impl label (numpy + OpenBLAS, torch); recheck the outputs it wrote here.
      for (const pr of out.rows) {
        const w = workloads.find((x) => x.id === pr.id);
        let res = results.find((x) => x.impl === pr.impl);
        if (!res) results.push((res = { spec: `python:${threads}`, impl: pr.impl, tag: pr.impl.startsWith('numpy') ? `numpy-${threads}T` : `torch-${threads}T`, rows: [] }));
        const row = { id: pr.id, err: pr.err, ...(pr.mismatch && { mismatch: pr.mismatch }) };
        if (!pr.mismatch) {
          const got = Object.fromEntries(Object.entries(pr.outputs).map(([name, file]) => [name, f32(dir, file)]));
          const ref = Object.fromEntries(outputNames[w.kind].map((name) => [name, f32(dir, `${w.id}-ref-${name}.f32`)]));
          Object.assign(row, check(w, got, ref), { ms: median(pr.ms), runs: pr.ms.length });
        }
        res.rows.push(row);
      }
    }
  } else {
    results.push({ spec: 'python', impl: 'numpy/torch', skip: python.reason, rows: [] });
  }
  rmSync(dir, { recursive: true });

  // Rows: one per (workload, implementation) that ran.
  const rows = [];
  for (const res of results) {
    for (const r of res.rows) {
      const w = workloads.find((x) => x.id === r.id);
      const row = { workload: w.name, id: w.id, n: w.size, impl: res.impl, tag: res.tag, err: r.err };
      if (r.skip) continue;
      if (r.mismatch) rows.push({ ...row, ms: NaN, mismatch: r.mismatch });
      else rows.push({ ...row, ms: r.ms, runs: r.runs, ...(w.kind === 'sgemm' && { gflops: (2 * w.m * w.k * w.n) / (r.ms * 1e6) }) });
    }
  }
  const skipped = results.flatMap((res) => (res.skip ? [{ impl: res.impl, reason: res.skip }] : res.rows.filter((r) => r.skip).map((r) => ({ impl: res.impl, workload: r.id, reason: r.skip }))));

  // Table.
  const wW = Math.max(...rows.map((r) => r.workload.length)) + 2;
  const wI = Math.max(...rows.map((r) => r.impl.length)) + 2;
  console.log(`\n${'workload'.padEnd(wW)}${'implementation'.padEnd(wI)}${'median ms'.padStart(11)}${'runs'.padStart(6)}${'GFLOP/s'.padStart(9)}${'max |Δ|'.padStart(10)}  check`);
  for (const w of workloads) {
    for (const r of rows.filter((x) => x.id === w.id).sort((a, b) => (a.ms || Infinity) - (b.ms || Infinity))) {
      const err = Math.max(...Object.values(r.err ?? {}));
      console.log(`${r.workload.padEnd(wW)}${r.impl.padEnd(wI)}${(r.mismatch ? '—' : r.ms.toFixed(2)).padStart(11)}${String(r.runs ?? '').padStart(6)}${(r.gflops ? r.gflops.toFixed(1) : '').padStart(9)}${(Number.isFinite(err) ? err.toExponential(1) : '').padStart(10)}  ${r.mismatch ? '≠ reference' : 'ok'}`);
    }
  }
  for (const s of skipped) console.log(`(skipped ${s.impl}${s.workload ? ` ${s.workload}` : ''}: ${s.reason})`);

  const targets = evaluateTargets(rows);
  if (targets.length) {
    console.log('\ntargets (issue 5)');
    for (const t of targets) console.log(`  ${t.ok === null ? '  ?  ' : t.ok ? ' pass' : ' MISS'}  ${t.target}: ${t.measured}`);
  }

  const date = new Date().toISOString().slice(0, 10);
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version };
  const out = join(here, 'results', `${date}-dense`);
  const plain = workloads.map(({ seed, ...w }) => ({ ...w, weights: w.weights && `bench/models/${w.id}.safetensors`, onnx: w.onnx && `bench/models/${w.id}.onnx` }));
  writeFileSync(`${out}.json`, JSON.stringify({ date, machine, versions, reference: 'plain JS, float64, from the f32 inputs', workloads: plain, rows, targets, skipped }, null, 2));
  writeFileSync(`${out}.svg`, chart(rows.filter((r) => !r.mismatch), `reckit dense kernels ${date}: ${machine.cpu}, ${machine.cores} cores`, { baseline: 'onnxruntime-node (1T)', label: 'ORT 1T' }));
  console.log(`\nwrote ${out}.json and ${out}.svg`);

  const bad = rows.filter((r) => r.mismatch);
  for (const r of bad) console.log(`MISMATCH ${r.id} ${r.impl}: ${r.mismatch}`);
  if (bad.length) process.exitCode = 1;
}

/**
 * The issue's targets, from the rows present: native sgemm 1024² ≥ 0.9× OpenBLAS's speed (both at
 * their default threads); native MHA and GRU ≤ 0.8× onnxruntime-node's time at the same thread
 * count; wasm-simd sgemm ≥ 1.3× tfjs-backend-wasm's speed; wasm-simd MHA and GRU ≤ 0.6×
 * onnxruntime-web's (1 thread) time. ok is null when a side is missing.
 */
function evaluateTargets(rows) {
  const ms = (id, pred) => rows.find((r) => r.id === id && !r.mismatch && pred(r.tag ?? ''))?.ms;
  const out = [];
  const add = (target, mine, peer, goal, kind) => {
    if (mine === undefined && peer === undefined) return;
    // speed: peer time / mine (≥ goal); time: mine / peer (≤ goal)
    const ratio = mine && peer ? (kind === 'speed' ? peer / mine : mine / peer) : undefined;
    out.push({
      target, goal, ratio,
      ok: ratio === undefined ? null : kind === 'speed' ? ratio >= goal : ratio <= goal,
      measured: ratio === undefined ? 'a side is missing' : `${ratio.toFixed(2)}× (${mine.toFixed(2)} ms vs ${peer.toFixed(2)} ms)`,
    });
  };
  const nativeTags = [...new Set(rows.map((r) => r.tag).filter((t) => t?.startsWith('reckit-native-')))];
  const maxThreads = Math.max(0, ...nativeTags.map((t) => Number(t.match(/(\d+)T$/)[1])));
  const blasThreads = Math.max(0, ...rows.filter((r) => r.tag?.startsWith('numpy-')).map((r) => Number(r.tag.match(/(\d+)T$/)[1])));
  add(`native sgemm 1024² (${maxThreads || '?'}T) ≥ 0.9× OpenBLAS speed (${blasThreads || '?'}T)`, ms('sgemm-1024', (t) => t === `reckit-native-${maxThreads}T`), ms('sgemm-1024', (t) => t === `numpy-${blasThreads}T`), 0.9, 'speed');
  for (const id of ['mha', 'gru']) {
    for (const tag of nativeTags) {
      const threads = tag.match(/(\d+)T$/)[1];
      add(`native ${id} (${threads}T) ≤ 0.8× onnxruntime-node time (${threads}T)`, ms(id, (t) => t === tag), ms(id, (t) => t === `ort-node-${threads}T`), 0.8, 'time');
    }
  }
  for (const id of ['sgemm-256', 'sgemm-1024', 'sgemm-skinny']) {
    add(`wasm-simd ${id} ≥ 1.3× tfjs-backend-wasm speed`, ms(id, (t) => t.startsWith('reckit-wasm-simd-')), ms(id, (t) => t === 'tfjs-wasm'), 1.3, 'speed');
  }
  for (const id of ['mha', 'gru']) {
    add(`wasm-simd ${id} ≤ 0.6× onnxruntime-web time (1T)`, ms(id, (t) => t.startsWith('reckit-wasm-simd-')), ms(id, (t) => t === 'ort-web-1T'), 0.6, 'time');
  }
  return out;
}

if (process.argv[2] === '--impl') {
  await denseChild(process.argv[3], process.argv[4]);
  process.exit(0); // ORT-web's and tfjs's workers would keep the process alive
} else {
  await main();
}
