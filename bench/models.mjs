// npm run bench -- models (also part of the full `npm run bench`): DIN and DIEN forward passes
// (scoring a batch of candidates) against PyTorch CPU and onnxruntime-node, on the same weights
// and inputs in the same run. Sizes: the DIEN paper's (B=1024, T=100, two behaviour fields of
// 18 = 36, GRU hidden 36) and B=256, T=50, 2×32 = 64. Attention MLP [80, 40], MLP [200, 80],
// Dice, BatchNorm; DIEN with AUGRU (paper form). Weights: bench/models/{din,dien}-e{18,64}
// .safetensors, written by python/export_bench_models.py with python/reckit_models.py (config in
// the file's metadata); DIN's ONNX export beside them (DIEN's export is reported there too).
//
// Implementations: reckit on each backend this machine loads (native also at 1 thread),
// onnxruntime-node at 1 and 2 threads (DIN), and torch at 2 and 1 threads
// (bench/peers/torch_models.py, running python/reckit_models.py's modules, when a python3 with
// torch is found). Each runs in its own child process. Inputs: fixed-seed ids, ragged history
// lengths uniform in 1..T. Every implementation's probabilities are checked against torch's
// (max abs diff ≤ 1e-4; against reckit native's when torch is absent) before its times count.
// Prints medians, items scored per second and the ratio to torch at the same thread count;
// writes bench/results/<date>-models.json and .svg. BENCH_MODELS=din-1024,dien (ids or models)
// runs a subset.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chart } from './chart.mjs';
import { initAll, lcg, time, timeAsync } from './workload.mjs';
import { bytes, child, findPython, readArray, reckitSpecs, runChildren } from './children.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const models = join(here, 'models');
const reps = Number(process.env.BENCH_REPS ?? 7);
const TOL = 1e-4;

const allWorkloads = [
  { id: 'din-1024', model: 'DIN', b: 1024, t: 100, file: 'din-e18', onnx: true },
  { id: 'dien-1024', model: 'DIEN', b: 1024, t: 100, file: 'dien-e18' },
  { id: 'din-256', model: 'DIN', b: 256, t: 50, file: 'din-e32', onnx: true },
  { id: 'dien-256', model: 'DIEN', b: 256, t: 50, file: 'dien-e32' },
].map((w) => ({ ...w, weights: join(models, `${w.file}.safetensors`), name: `${w.model} (B=${w.b} T=${w.t} ${w.file.slice(w.file.indexOf('-') + 1)})` }));

/** The config stored in a model file's metadata. */
function storedConfig(path) {
  const raw = readFileSync(path);
  const size = Number(raw.readBigUInt64LE(0));
  return JSON.parse(JSON.parse(raw.subarray(8, 8 + size).toString('utf8')).__metadata__['reckit.config']);
}

/** Fixed-seed batch: sparse [B, F] ids in 1..vocab−1, lengths in 1..T, history [B, T, H] right-padded. */
function batch(w, config) {
  const random = lcg(w.b * 7 + w.t);
  const id = (table) => 1 + Math.floor(random() * (config.tables[table][0] - 1));
  const f = config.sparse.length, h = config.history.length;
  const sparse = new Int32Array(w.b * f).map((_, i) => id(config.sparse[i % f]));
  const lengths = new Int32Array(w.b).map(() => 1 + Math.floor(random() * w.t));
  const history = new Int32Array(w.b * w.t * h);
  const tableOf = (k) => (typeof k === 'string' ? k : k.table);
  for (let r = 0; r < w.b; r++) {
    for (let s = 0; s < lengths[r]; s++) for (let k = 0; k < h; k++) history[(r * w.t + s) * h + k] = id(tableOf(config.history[k]));
  }
  return { sparse, history, lengths };
}

const i32 = (dir, file) => readArray(dir, file, Int32Array);
const f32 = (dir, file) => readArray(dir, file, Float32Array);
const inputsOf = (dir, w) => ({ sparse: i32(dir, `${w.id}-sparse.i32`), history: i32(dir, `${w.id}-history.i32`), lengths: i32(dir, `${w.id}-lengths.i32`) });

// --- Implementations (each in a child: `--impl SPEC DIR`); prepare(w, inputs) → { call, async? } | { skip }.

const implementations = {
  async reckit(backend) {
    const reckit = await import('../dist/index.js');
    await initAll(reckit);
    if (!reckit.availableBackends().includes(backend)) return { skip: `backend ${backend} is not available here` };
    reckit.setBackend(backend);
    const info = reckit.backendInfo();
    return {
      impl: `reckit ${backend} (${info.simd}, ${info.threads}T)`, tag: `reckit-${backend}-${info.threads}T`, threads: info.threads,
      prepare(w, x) {
        const model = reckit[w.model].fromSafetensors(w.weights);
        return { call: () => model.forward(x).probabilities, dispose: () => model.dispose() };
      },
    };
  },

  async 'ort-node'(threads) {
    const mod = await import('onnxruntime-node');
    const ort = mod.default ?? mod;
    const options = { intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
    return {
      impl: `onnxruntime-node (${threads}T)`, tag: `ort-node-${threads}T`, threads: Number(threads),
      async prepare(w, x) {
        const onnx = join(models, `${w.file}.onnx`);
        if (!w.onnx || !existsSync(onnx)) return { skip: `no ONNX export of ${w.model} (bench/models/export-report.json says why)` };
        const session = await ort.InferenceSession.create(onnx, options);
        const big = (a) => BigInt64Array.from(a, BigInt);
        const [sparse, history, lengths] = [big(x.sparse), big(x.history), big(x.lengths)];
        const f = x.sparse.length / w.b, h = x.history.length / (w.b * w.t);
        return {
          async: true,
          call: async () => {
            const r = await session.run({
              sparse: new ort.Tensor('int64', sparse, [w.b, f]),
              history: new ort.Tensor('int64', history, [w.b, w.t, h]),
              lengths: new ort.Tensor('int64', lengths, [w.b]),
            });
            return r[session.outputNames[0]].data;
          },
          dispose: () => session.release(),
        };
      },
    };
  },
};

/** The child: writes each workload's first output (main() checks it against torch's), then times it. */
function modelsChild(spec, dir) {
  return child(spec, dir, implementations, (w) => inputsOf(dir, w), async (p, w, result) => {
    const output = `${w.id}-out-${result.tag}.f32`;
    writeFileSync(join(dir, output), bytes(Float32Array.from(p.async ? await p.call() : p.call())));
    return { ...(p.async ? await timeAsync(p.call, reps) : time(p.call, reps)), value: undefined, output };
  });
}

/** Max abs diff of `got` against `ref`; a message when over tolerance. */
function check(got, ref) {
  if (got.length !== ref.length) return { mismatch: `${got.length} outputs, reference ${ref.length}` };
  let diff = 0, at = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    if (!(d <= diff)) [diff, at] = [d, i];
  }
  return diff <= TOL ? { err: diff } : { err: diff, mismatch: `[${at}]: ${got[at]}, reference ${ref[at]} (max abs diff ${diff.toExponential(2)})` };
}

async function main() {
  const only = process.env.BENCH_MODELS?.split(',');
  const workloads = allWorkloads.filter((w) => !only || only.includes(w.id) || only.includes(w.model.toLowerCase()));
  for (const w of workloads) if (!existsSync(w.weights)) throw new Error(`${w.weights} missing: run /usr/bin/python3 python/export_bench_models.py`);
  const dir = mkdtempSync(join(tmpdir(), 'reckit-models-'));
  console.error(`models bench: ${workloads.map((w) => w.id).join(', ')}; up to ${reps} runs each; inputs in ${dir}`);
  for (const w of workloads) {
    const x = batch(w, storedConfig(w.weights));
    for (const [k, a] of Object.entries(x)) writeFileSync(join(dir, `${w.id}-${k}.i32`), bytes(a));
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ workloads }));

  const { specs, envs } = await reckitSpecs();
  specs.push('ort-node:1', 'ort-node:2');
  const results = runChildren(fileURLToPath(import.meta.url), specs, envs, dir);

  const python = findPython();
  const versions = { node: process.version };
  if (python.py) {
    for (const threads of [cpus().length, 1].filter((t, i, a) => a.indexOf(t) === i)) {
      const r = spawnSync(python.py, [join(here, 'peers', 'torch_models.py'), dir, String(reps), String(threads)], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 15 * 60e3 });
      if (r.status !== 0) {
        results.push({ spec: `torch:${threads}`, impl: `torch (${threads}T)`, skip: r.stderr.trim().split('\n').pop() || `exit ${r.status}`, rows: [] });
        continue;
      }
      const out = JSON.parse(r.stdout);
      versions.torch = out.versions.torch;
      results.push({ spec: `torch:${threads}`, impl: `torch (${threads}T)`, tag: `torch-${threads}T`, threads, rows: out.rows });
    }
  } else {
    results.push({ spec: 'torch', impl: 'torch', skip: python.reason, rows: [] });
  }

  // Check every output against torch's (the most threads), else reckit native's.
  const rows = [];
  for (const w of workloads) {
    const refRes = results.find((r) => r.tag?.startsWith('torch-') && r.rows.some((x) => x.id === w.id && x.output)) ?? results.find((r) => r.tag?.startsWith('reckit-native'));
    const refRow = refRes?.rows.find((x) => x.id === w.id && x.output);
    const ref = refRow && f32(dir, refRow.output);
    for (const res of results) {
      const r = res.rows.find((x) => x.id === w.id);
      if (!r || r.skip) continue;
      const row = { workload: w.name, id: w.id, n: w.b, impl: res.impl, tag: res.tag, threads: res.threads, reference: refRes?.impl };
      if (r.mismatch) rows.push({ ...row, ms: NaN, mismatch: r.mismatch });
      else {
        const c = ref ? check(f32(dir, r.output), ref) : { mismatch: 'no reference output' };
        rows.push({ ...row, ...c, ms: c.mismatch ? NaN : r.ms, runs: r.runs, itemsPerSecond: c.mismatch ? undefined : w.b / (r.ms / 1000) });
      }
    }
  }
  rmSync(dir, { recursive: true });
  const skipped = results.flatMap((res) => (res.skip ? [{ impl: res.impl, reason: res.skip }] : res.rows.filter((r) => r.skip).map((r) => ({ impl: res.impl, workload: r.id, reason: r.skip }))));

  const wW = Math.max(...rows.map((r) => r.workload.length)) + 2;
  const wI = Math.max(...rows.map((r) => r.impl.length)) + 2;
  console.log(`\n${'workload'.padEnd(wW)}${'implementation'.padEnd(wI)}${'median ms'.padStart(11)}${'items/s'.padStart(11)}${'vs torch'.padStart(10)}${'max |Δ|'.padStart(10)}  check`);
  for (const w of workloads) {
    for (const r of rows.filter((x) => x.id === w.id).sort((a, b) => (a.ms || Infinity) - (b.ms || Infinity))) {
      const torch = rows.find((x) => x.id === w.id && x.tag === `torch-${r.threads}T` && !x.mismatch)?.ms;
      const vs = torch && !r.mismatch && !r.tag.startsWith('torch') ? `${(torch / r.ms).toFixed(2)}×` : '';
      console.log(`${r.workload.padEnd(wW)}${r.impl.padEnd(wI)}${(r.mismatch ? '—' : r.ms.toFixed(2)).padStart(11)}${(r.itemsPerSecond ? Math.round(r.itemsPerSecond).toLocaleString('en') : '').padStart(11)}${vs.padStart(10)}${(r.err !== undefined ? r.err.toExponential(1) : '').padStart(10)}  ${r.mismatch ? `≠ ${r.reference}` : 'ok'}`);
    }
  }
  for (const s of skipped) console.log(`(skipped ${s.impl}${s.workload ? ` ${s.workload}` : ''}: ${s.reason})`);

  // Target (issue 6): native at least 2× faster than torch CPU at the same thread count.
  const targets = [];
  for (const w of workloads) {
    for (const r of rows.filter((x) => x.id === w.id && x.tag?.startsWith('reckit-native') && !x.mismatch)) {
      const torch = rows.find((x) => x.id === w.id && x.tag === `torch-${r.threads}T` && !x.mismatch);
      if (!torch) continue;
      const speedup = torch.ms / r.ms;
      targets.push({ target: `${w.name}: native (${r.threads}T) ≥ 2× torch (${r.threads}T)`, speedup, ok: speedup >= 2 });
    }
  }
  if (targets.length) {
    console.log('\ntargets (issue 6)');
    for (const t of targets) console.log(`  ${t.ok ? ' pass' : ' MISS'}  ${t.target}: ${t.speedup.toFixed(2)}×`);
  }
  const report = join(models, 'export-report.json');
  if (existsSync(report)) console.log(`\nONNX export: ${Object.entries(JSON.parse(readFileSync(report, 'utf8'))).map(([k, v]) => `${k}: ${v}`).join('; ')}`);

  const date = new Date().toISOString().slice(0, 10);
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version };
  const out = join(here, 'results', `${date}-models`);
  writeFileSync(`${out}.json`, JSON.stringify({ date, machine, versions, workloads: workloads.map(({ weights, ...w }) => w), rows, targets, skipped }, null, 2));
  writeFileSync(`${out}.svg`, chart(rows.filter((r) => !r.mismatch), `reckit models ${date}: ${machine.cpu}, ${machine.cores} cores`, { baseline: 'torch (1T)', label: 'torch 1T' }));
  console.log(`\nwrote ${out}.json and ${out}.svg`);
  if (rows.some((r) => r.mismatch)) process.exitCode = 1;
}

if (process.argv[2] === '--impl') {
  await modelsChild(process.argv[3], process.argv[4]);
  process.exit(0);
} else {
  await main();
}
