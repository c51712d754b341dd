/**
 * The boundary under abuse, on every backend: inputs changed or detached while an async call
 * runs, outputs too large to allocate, a layer disposed with calls in flight, and a flood of
 * async calls beside I/O. Where a failure could crash the process (Node), each case runs in a
 * child process with a timeout, so a crash or a hang fails the test instead of the run; in
 * browsers the same cases run in the page.
 */
import { describe, expect, inject, test } from 'vitest';
import * as reckit from 'reckit';

const backend = inject('backend');
const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** Runs `body` (an async function's source, given `reckit`) in a fresh Node process on this backend. */
async function inChild(body: string, timeoutMs = 60_000): Promise<any> {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { pathToFileURL } = await import('node:url');
  const entry = pathToFileURL(`${process.cwd()}/dist/index.js`).href;
  // A file, not `node -e`: workers inherit the parent's flags, and `--input-type` breaks them.
  // No `await init()`: in Node the backend is ready at import, wasm-simd included.
  const file = `${mkdtempSync(`${tmpdir()}/reckit-chaos-`)}/case.mjs`;
  writeFileSync(file, `import * as reckit from ${JSON.stringify(entry)}; const out = await (async () => { ${body} })(); console.log(JSON.stringify(out));`);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, RECKIT_BACKEND: backend } });
  if (r.status !== 0) throw new Error(`child exited with ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** Runs `body` in a child process under Node, in this page in a browser. */
async function isolated(body: string): Promise<any> {
  if (isNode) return inChild(body);
  return new Function('reckit', `return (async () => { ${body} })()`)(reckit);
}

const data = `
  const n = 200000;
  const labels = new Uint8Array(n), scores = new Float64Array(n);
  for (let i = 0; i < n; i++) { scores[i] = ((i * 2654435761) % 1000003) / 1000003; labels[i] = (i * 7) % 3 === 0 ? 1 : 0; }
`;

describe('async calls own their inputs', () => {
  test('transferring or overwriting the arrays during aucAsync leaves its result unchanged', async () => {
    const out = await isolated(`${data}
      const expected = reckit.auc(labels, scores);
      const pending = reckit.aucAsync(labels, scores);
      structuredClone(scores.buffer, { transfer: [scores.buffer] }); // detaches the caller's scores
      labels.fill(7);
      const got = await pending;
      const second = await reckit.aucAsync(new Uint8Array([1, 0]), new Float64Array([0.9, 0.1]));
      return { expected, got, detached: scores.length, second };
    `);
    expect(out.detached).toBe(0);
    expect(out.got).toBe(out.expected);
    expect(out.second).toBe(1);
  });

  test('the same for a layer: the batch is copied at call time', async () => {
    const out = await isolated(`
      const E = 4, w = new Map([['in_proj_weight', { data: Float32Array.from({ length: 3 * E * E }, (_, i) => Math.sin(i)), shape: [3 * E, E] }]]);
      const m = reckit.MultiHeadAttention.fromWeights(w, { embedDim: E, numHeads: 2 });
      const x = { data: Float32Array.from({ length: 2 * 3 * E }, (_, i) => Math.cos(i)), shape: [2, 3, E] };
      const expected = Array.from(m.forward(x).output.data);
      const pending = m.forwardAsync(x);
      x.data.fill(NaN);
      const got = Array.from((await pending).output.data);
      m.dispose();
      return { expected, got };
    `);
    expect(out.expected).toHaveLength(2 * 3 * 4);
    expect(out.got).toEqual(out.expected);
  });
});

describe('async calls may share instead of copy', () => {
  // SharedArrayBuffer exists in Node and on cross-origin-isolated pages only.
  test.runIf(typeof SharedArrayBuffer !== 'undefined')('where SharedArrayBuffer exists: arrays over one give the same values, async and sync', async () => {
    const n = 50_000;
    const labels = new Uint8Array(new SharedArrayBuffer(n));
    const scores = new Float64Array(new SharedArrayBuffer(8 * n));
    for (let i = 0; i < n; i++) {
      scores[i] = ((i * 2654435761) % 1000003) / 1000003;
      labels[i] = (i * 7) % 3 === 0 ? 1 : 0;
    }
    expect(await reckit.aucAsync(labels, scores)).toBe(reckit.auc(labels.slice(), scores.slice()));
  });
});

describe('no input aborts the process', () => {
  test('matmul whose output cannot be allocated is a RangeError naming the argument; the next call works', async () => {
    const out = await isolated(`
      const errors = [];
      for (const [m, n] of [[2 ** 20, 2 ** 20], [2 ** 31, 2 ** 31]]) {
        try { reckit.matmul({ data: new Float32Array(0), shape: [m, 0] }, { data: new Float32Array(0), shape: [0, n] }); errors.push('no error'); }
        catch (e) { errors.push(e.constructor.name + ': ' + e.message); }
      }
      try { await reckit.matmulAsync({ data: new Float32Array(0), shape: [2 ** 20, 0] }, { data: new Float32Array(0), shape: [0, 2 ** 20] }); errors.push('no error'); }
      catch (e) { errors.push(e.constructor.name + ': ' + e.message); }
      try { reckit.matmul({ data: new Float32Array(0), shape: [2 ** 33, 0] }, { data: new Float32Array(0), shape: [0, 1] }); errors.push('no error'); }
      catch (e) { errors.push(e.constructor.name + ': ' + e.message); }
      const next = Array.from(reckit.matmul({ data: [1, 2], shape: [1, 2] }, { data: [3, 4], shape: [2, 1] }).data);
      return { errors, next };
    `);
    expect(out.errors.slice(0, 3)).toEqual(out.errors.slice(0, 3).map(() => expect.stringMatching(/^RangeError: dims: /)));
    expect(out.errors[3]).toMatch(/^RangeError: a: has a dimension of 8589934592; matmul takes dimensions below 2\^32/);
    expect(out.next).toEqual([11]);
  });
});

describe('dispose() with calls in flight', () => {
  test('the pending forwardAsync completes with the right values, then the weights are freed', async () => {
    const E = 4;
    const w = new Map([['in_proj_weight', { data: Float32Array.from({ length: 3 * E * E }, (_, i) => Math.sin(i)), shape: [3 * E, E] }]]);
    const m = reckit.MultiHeadAttention.fromWeights(w, { embedDim: E, numHeads: 2 });
    const x = { data: Float32Array.from({ length: 2 * 3 * E }, (_, i) => Math.cos(i)), shape: [2, 3, E] };
    const expected = m.forward(x).output.data;
    expect(expected.length).toBe(2 * 3 * E);
    const before = reckit.layerCount();
    const pending = [m.forwardAsync(x), m.forwardAsync(x)];
    m.dispose();
    expect(() => m.forward(x)).toThrow(/disposed/);
    for (const out of await Promise.all(pending)) expect(out.output.data).toEqual(expected);
    expect(reckit.layerCount()).toBe(before - 1);
    await expect(m.forwardAsync(x)).rejects.toThrow(/disposed/);
  });
});

describe('async kernels do not starve I/O', () => {
  // Node: an fs read needs libuv's pool, which native kernels once filled; browsers: a timer on
  // the page's thread, which the worker's kernels must not hold up.
  test('200 queued aucAsync calls delay an fs read (Node) or a timer (browser) by < 500 ms', async () => {
    const io = isNode
      ? `await (await import('node:fs/promises')).readFile(${JSON.stringify(isNode ? `${process.cwd()}/package.json` : '')});`
      : 'await new Promise((r) => setTimeout(r, 0));';
    const out = await isolated(`${data}
      const calls = Array.from({ length: 200 }, () => reckit.aucAsync(labels, scores));
      const t0 = performance.now();
      ${io}
      const ioMs = performance.now() - t0;
      const results = await Promise.all(calls);
      return { ioMs, same: results.every((r) => r === results[0]) };
    `);
    console.log(`chaos: ${isNode ? 'fs read' : 'timer'} beside 200 queued aucAsync calls: ${out.ioMs.toFixed(1)} ms on ${backend}`);
    expect(out.same).toBe(true);
    expect(out.ioMs).toBeLessThan(500);
  });
});

describe('values that were silently wrong are right, or errors', () => {
  const labels = [1, 0, 1, 0, 1, 0];
  const scores = [0.9, 0.8, 0.7, 0.1, 0.8, 0.3];

  test('finite weights of 1e308 or 1e-320 give the unweighted AUC, AP, curves and log loss', () => {
    const probs = [0.9, 0.2, 0.7, 0.1, 0.6, 0.3];
    for (const w of [1e308, 1e-320]) {
      const weights = labels.map(() => w);
      expect(reckit.auc(labels, scores, { weights })).toBe(reckit.auc(labels, scores));
      expect(reckit.averagePrecision(labels, scores, { weights })).toBe(reckit.averagePrecision(labels, scores));
      expect(reckit.ks(labels, scores, { weights })).toBe(reckit.ks(labels, scores));
      expect(reckit.rocCurve(labels, scores, { weights }).tpr).toEqual(reckit.rocCurve(labels, scores).tpr);
      expect(reckit.logLoss(labels, probs, { weights })).toBeCloseTo(reckit.logLoss(labels, probs), 14);
    }
  });

  test('exponential gain with relevance above 1023 is a RangeError, not NaN', () => {
    expect(() => reckit.rankingMetrics([1024, 0], [0.5, 0.4], { k: 1, gain: 'exponential' })).toThrow(
      new RangeError('labels: labels[0] is 1024; exponential gain (2^rel − 1) takes relevance ≤ 1023'),
    );
    expect(reckit.rankingMetrics([1023, 0], [0.5, 0.4], { k: 1, gain: 'exponential' }).at[1].ndcg).toBe(1);
  });

  test('rankingMetrics of no rows is a RangeError, as the README says', async () => {
    expect(() => reckit.rankingMetrics([], [], { k: 2 })).toThrow(RangeError);
    await expect(reckit.rankingMetricsAsync([], [], { k: 2 })).rejects.toThrow(/^labels: is empty/);
  });

  test('group ids of mixed types (1, "1", 1n) are a TypeError, not three groups', () => {
    expect(() => reckit.gauc([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2], [1, 1, '1', '1'] as never)).toThrow(
      new TypeError("groups: groups[2] is a string (\"1\") but groups[0] is a number; use one type for every group id"),
    );
  });

  test('a model batch with no rows is a clear RangeError', () => {
    const tables = { item: [3, 2] as [number, number] };
    const w = new Map([
      ['embeddings.item.weight', { data: new Float32Array(6), shape: [3, 2] }],
      ['linear.item.weight', { data: new Float32Array(3), shape: [3, 1] }],
      ['bias', { data: new Float32Array(1), shape: [1] }],
    ]);
    const fm = reckit.FM.fromWeights(w, { tables, sparse: ['item'] });
    expect(() => fm.forward({ sparse: [] })).toThrow(new RangeError('batch: has no rows (sparse is empty); give at least one row to score'));
    expect(fm.forward({ sparse: [2] }).logits.length).toBe(1);
    fm.dispose();
  });
});

describe('a dead async worker never leaves a promise pending', () => {
  // Native async calls run on rayon's pool in the process itself: there is no worker to kill.
  test.runIf(backend !== 'native')('wasm only (native has no worker): terminating the async worker rejects its calls; the next call works, with the right weights', async () => {
    const out = await isolated(`
      // Capture the worker reckit sends its calls to (messages with an fn), new or already running.
      const captured = new Set();
      const Worker = typeof process !== 'undefined' && process.versions?.node
        ? (await import('node:worker_threads')).Worker
        : globalThis.Worker;
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (m, ...rest) { if (m && m.fn) captured.add(this); return post.call(this, m, ...rest); };
      const E = 4, x = { data: Float32Array.from({ length: 2 * 3 * E }, (_, i) => Math.cos(i)), shape: [2, 3, E] };
      const layer = (seed) => reckit.MultiHeadAttention.fromWeights(
        new Map([['in_proj_weight', { data: Float32Array.from({ length: 3 * E * E }, (_, i) => Math.sin(i * seed)), shape: [3 * E, E] }]]),
        { embedDim: E, numHeads: 2 });
      const a = layer(1), b = layer(2);
      const expectedA = Array.from(a.forward(x).output.data), expectedB = Array.from(b.forward(x).output.data);
      await a.forwardAsync(x); // a now lives in the worker too
      const pending = [a.forwardAsync(x), reckit.aucAsync(new Uint8Array([1, 0]), new Float64Array([0.9, 0.1]))];
      [...captured].at(-1).terminate();
      // Each pending call rejects, or (a layer call not yet sent when the worker died) runs in the new worker.
      const settled = (await Promise.allSettled(pending)).map((r) =>
        r.status === 'rejected' ? r.reason.message : r.value.output ? (JSON.stringify(Array.from(r.value.output.data)) === JSON.stringify(expectedA) ? 'right values' : 'WRONG values') : 'resolved');
      const gotB = Array.from((await b.forwardAsync(x)).output.data); // b is the new worker's first layer
      const gotA = Array.from((await a.forwardAsync(x)).output.data);
      const next = await reckit.aucAsync(new Uint8Array([1, 0]), new Float64Array([0.9, 0.1]));
      a.dispose(); b.dispose();
      Worker.prototype.postMessage = post;
      return { settled, workers: captured.size, distinct: expectedA.length > 0 && JSON.stringify(expectedA) !== JSON.stringify(expectedB), same: { a: JSON.stringify(gotA) === JSON.stringify(expectedA), b: JSON.stringify(gotB) === JSON.stringify(expectedB) }, next };
    `);
    expect(out.settled[0]).toMatch(/worker stopped|^right values$/);
    expect(out.settled[1]).toMatch(/worker stopped/);
    expect(out.workers).toBe(2);
    expect(out.distinct).toBe(true);
    expect(out.same).toEqual({ a: true, b: true });
    expect(out.next).toBe(1);
  });
});

describe('memory is bounded in synchronous loops', () => {
  // Browsers expose no process memory to measure; the wasm heap is covered by the leak test.
  test.runIf(isNode)('Node only (browsers expose no process memory): 2e4 DIN load + forward + dispose cycles, and 1e4 rocCurve/softmax/matmul calls, stay within 400 MB of RSS (Node)', async () => {
    const out = await inChild(`
      const { readFileSync } = await import('node:fs');
      const bytes = new Uint8Array(readFileSync(${JSON.stringify(isNode ? `${process.cwd()}/data/models/din.safetensors` : '')}));
      const B = 64, T = 20, sparse = new Int32Array(B * 2), history = new Int32Array(B * T);
      for (let b = 0; b < B; b++) { sparse[2 * b] = b % 2000; sparse[2 * b + 1] = (b * 7) % 5000; for (let j = 0; j < T; j++) history[b * T + j] = 1 + ((b + j) % 4999); }
      const rss = () => process.memoryUsage.rss() / 2 ** 20;
      const start = rss();
      let peak = start;
      for (let i = 0; i < 20000; i++) {
        const m = reckit.DIN.fromSafetensors(bytes);
        m.forward({ sparse, history });
        m.dispose();
        if (i % 1000 === 0) peak = Math.max(peak, rss());
      }
      const labels = new Uint8Array(1e5).map((_, i) => i % 2), scores = new Float64Array(1e5).map((_, i) => (i * 37 % 1000) / 1000);
      const x = new Float32Array(1e5).map((_, i) => Math.sin(i));
      for (let i = 0; i < 10000; i++) {
        reckit.rocCurve(labels, scores);
        reckit.softmax(x, { size: 100 });
        reckit.matmul({ data: x.subarray(0, 100 * 100), shape: [100, 100] }, { data: x.subarray(0, 100 * 100), shape: [100, 100] });
        if (i % 1000 === 0) peak = Math.max(peak, rss());
      }
      return { start, peak: Math.max(peak, rss()) };
    `, 300_000);
    console.log(`chaos: RSS ${out.start.toFixed(0)} MB → peak ${out.peak.toFixed(0)} MB over the synchronous loops on ${backend}`);
    expect(out.peak - out.start).toBeLessThan(400);
  }, 320_000);
});

describe('wasm recovers from a trap', () => {
  // The trigger: attention over 5e4 × 5e4 scores needs 10 GB, past wasm's 4 GB, and its
  // allocation aborts inside Rust. Native has the memory (and no trap to recover from).
  test.runIf(backend !== 'native')('wasm only (native does not trap here): the trapping call fails clearly, sync and async; the next calls work, layers included', async () => {
    const out = await isolated(`
      const E = 4, x = { data: Float32Array.from({ length: 2 * 3 * E }, (_, i) => Math.cos(i)), shape: [2, 3, E] };
      const m = reckit.MultiHeadAttention.fromWeights(
        new Map([['in_proj_weight', { data: Float32Array.from({ length: 3 * E * E }, (_, i) => Math.sin(i)), shape: [3 * E, E] }]]),
        { embedDim: E, numHeads: 2 });
      const expected = Array.from(m.forward(x).output.data);
      await m.forwardAsync(x);
      const T = 50000, q = { data: new Float32Array(T), shape: [1, T, 1] };
      const errors = [];
      try { reckit.scaledDotProductAttention(q, q, q); errors.push('no error'); } catch (e) { errors.push(e.message); }
      try { await reckit.scaledDotProductAttentionAsync(q, q, q); errors.push('no error'); } catch (e) { errors.push(e.message); }
      const after = {
        auc: reckit.auc([1, 0], [0.9, 0.1]),
        aucAsync: await reckit.aucAsync([1, 0], [0.9, 0.1]),
        layer: JSON.stringify(Array.from(m.forward(x).output.data)) === JSON.stringify(expected),
        layerAsync: JSON.stringify(Array.from((await m.forwardAsync(x)).output.data)) === JSON.stringify(expected),
      };
      m.dispose();
      return { errors, after };
    `);
    expect(out.errors).toEqual([expect.stringMatching(/wasm instance stopped on this call/), expect.stringMatching(/wasm instance stopped on this call|worker stopped/)]);
    expect(out.after).toEqual({ auc: 1, aucAsync: 1, layer: true, layerAsync: true });
  });
});
