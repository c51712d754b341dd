/** matmul against a naive f64 product; layer loading errors, bad input, dispose and leaks. */
import { describe, expect, test } from 'vitest';
import * as reckit from 'reckit';
import { err } from './errors.js';

/** Deterministic values in [-1, 1) (a LCG), exactly representable in f32. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 2 ** 23 - 1;
  }
  return out;
}

/** op(a)·op(b) in f64, with the stored layouts of reckit.matmul. */
function naive(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = s;
    }
  }
  return out;
}

/** f32 accumulation over k terms of |x| < 1: error grows like √k·ε·Σ|aᵢbᵢ|, well inside k·1e-6. */
function expectProduct(got: Float32Array, want: Float64Array, k: number) {
  expect(got.length).toBe(want.length);
  const bad = want.findIndex((w, i) => !(Math.abs(got[i] - w) <= 1e-6 * Math.max(1, k)));
  if (bad >= 0) expect.fail(`[${bad}]: got ${got[bad]}, want ${want[bad]}`);
}

describe('matmul = naive f64 product', () => {
  const shapes = [[1, 1, 1], [7, 13, 5], [1023, 257, 65], [64, 1, 33], [3, 700, 2]];
  for (const [m, k, n] of shapes) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      test(`${m}×${k}×${n}${ta ? ' transA' : ''}${tb ? ' transB' : ''}`, async () => {
        const a = values(m * k, m + k);
        const b = values(k * n, k + n);
        const aT = { data: a, shape: ta ? [k, m] : [m, k] };
        const bT = { data: b, shape: tb ? [n, k] : [k, n] };
        const got = reckit.matmul(aT, bT, { transA: ta, transB: tb });
        expect(got.shape).toEqual([m, n]);
        expectProduct(got.data, naive(a, b, m, k, n, ta, tb), k);
        expect(await reckit.matmulAsync(aT, bT, { transA: ta, transB: tb })).toEqual(got);
      });
    }
  }

  test('bias, activations and [..., k] inputs', () => {
    const x = { data: values(2 * 3 * 4, 1), shape: [2, 3, 4] };
    const w = { data: values(4 * 5, 2), shape: [5, 4] }; // Linear weight layout
    const bias = values(5, 3);
    const plain = naive(x.data, w.data, 6, 4, 5, false, true).map((v, i) => v + bias[i % 5]);
    const lin = reckit.matmul(x, w, { transB: true, bias });
    expect(lin.shape).toEqual([2, 3, 5]);
    expectProduct(lin.data, plain, 4);
    const relu = reckit.matmul(x, w, { transB: true, bias, activation: 'relu' });
    expectProduct(relu.data, plain.map((v) => Math.max(v, 0)), 4);
    const sig = reckit.matmul(x, w, { transB: true, bias, activation: 'sigmoid' });
    expectProduct(sig.data, plain.map((v) => 1 / (1 + Math.exp(-v))), 4);
    const tanh = reckit.matmul(x, w, { transB: true, bias, activation: 'tanh' });
    expectProduct(tanh.data, plain.map(Math.tanh), 4);
  });

  test('bad input', () => {
    const a = { data: new Float32Array(6), shape: [2, 3] };
    err(() => reckit.matmul(a, { data: new Float32Array(8), shape: [4, 2] }), RangeError, /^b: has 4 rows .*expected k = 3/);
    err(() => reckit.matmul({ data: new Float32Array(5), shape: [2, 3] }, a), RangeError, /^a: shape \[2,3\] needs 6 values, data has 5/);
    err(() => reckit.matmul(a, { data: new Float32Array(6), shape: [3, 2] }, { bias: [1] }), RangeError, /^bias: has length 1, expected 2/);
    err(() => reckit.matmul({ data: Float32Array.of(1, NaN, 0, 0, 0, 0), shape: [2, 3] }, { data: new Float32Array(6), shape: [3, 2] }), RangeError, /^a: .*NaN/);
    err(() => reckit.matmul(a, a, { transB: true, activation: 'gelu' as never }), RangeError, /^activation: /);
    err(() => reckit.matmul(a, { data: new Float32Array(6), shape: [3, 2, 1] }), RangeError, /^b: must be 2-D/);
    err(() => reckit.matmul([1, 2] as never, a), TypeError, /^a: expected a tensor/);
  });
});

const E = 4;
const mhaWeights = () =>
  new Map([
    ['in_proj_weight', { data: values(3 * E * E, 1), shape: [3 * E, E] }],
    ['in_proj_bias', { data: values(3 * E, 2), shape: [3 * E] }],
    ['out_proj.weight', { data: values(E * E, 3), shape: [E, E] }],
    ['out_proj.bias', { data: values(E, 4), shape: [E] }],
  ]);

describe('layer loading and bad input', () => {
  test('missing tensors, wrong shapes and bad configs name the problem', () => {
    const w = mhaWeights();
    w.delete('in_proj_weight');
    err(() => reckit.MultiHeadAttention.fromWeights(w, { embedDim: E, numHeads: 2 }), RangeError, /^weights: missing tensor 'in_proj_weight'/);
    err(() => reckit.MultiHeadAttention.fromWeights(mhaWeights(), { embedDim: E, numHeads: 2, prefix: 'enc.' }), RangeError, /^weights: missing tensor 'enc.in_proj_weight'/);
    const bad = mhaWeights();
    bad.set('out_proj.weight', { data: values(E * 2, 3), shape: [E, 2] });
    err(() => reckit.MultiHeadAttention.fromWeights(bad, { embedDim: E, numHeads: 2 }), RangeError, /^weights: 'out_proj.weight' has shape \[4, 2\], expected \[4, 4\]/);
    err(() => reckit.MultiHeadAttention.fromWeights(mhaWeights(), { embedDim: E, numHeads: 3 }), RangeError, /^config: embedDim \(4\) must be a positive multiple of numHeads \(3\)/);
    err(() => reckit.MultiHeadAttention.fromWeights(mhaWeights(), { embedDim: E, numHeads: 2, heads: 2 } as never), RangeError, /^config: unknown field `heads`/);
    err(() => reckit.GRU.fromWeights(new Map(), { inputSize: 3 } as never), RangeError, /^config: missing field `hiddenSize`/);
    const nan = mhaWeights();
    nan.get('in_proj_bias')!.data[5] = NaN;
    err(() => reckit.MultiHeadAttention.fromWeights(nan, { embedDim: E, numHeads: 2 }), RangeError, /^weights: 'in_proj_bias' has a non-finite value at index 5/);
  });

  test('forward checks shapes, masks and values; a disposed layer refuses calls', async () => {
    const m = reckit.MultiHeadAttention.fromWeights(mhaWeights(), { embedDim: E, numHeads: 2 });
    const x = { data: values(2 * 3 * E, 5), shape: [2, 3, E] };
    err(() => m.forward({ data: values(2 * 3 * 5, 5), shape: [2, 3, 5] }), RangeError, /^query: has 5 features, expected embedDim 4/);
    err(() => m.forward({ data: x.data, shape: [6, E] }), RangeError, /^query: must have shape \[B, T, E\]/);
    err(() => m.forward(x, undefined, undefined, { keyPaddingMask: { data: new Uint8Array(5), shape: [5] } }), RangeError, /^keyPaddingMask: has shape \[5\], expected \[2, 3\]/);
    err(() => m.forward(x, undefined, undefined, { attnMask: { data: Float32Array.of(NaN, 0, 0, 0, 0, 0, 0, 0, 0), shape: [3, 3] } }), RangeError, /^attnMask: has NaN/);
    const nan = { data: x.data.slice(), shape: x.shape };
    nan.data[7] = NaN;
    err(() => m.forward(nan), RangeError, /^query: /);
    await expect(m.forwardAsync(nan)).rejects.toThrow(/^query: /);
    m.dispose();
    m.dispose(); // twice is a no-op
    err(() => m.forward(x), Error, /MultiHeadAttention: this layer has been disposed/);
    await expect(m.forwardAsync(x)).rejects.toThrow(/disposed/);
  });

  test('lengths are checked', () => {
    const H = 2;
    const w = new Map([
      ['weight_ih_l0', { data: values(3 * H * 3, 1), shape: [3 * H, 3] }],
      ['weight_hh_l0', { data: values(3 * H * H, 2), shape: [3 * H, H] }],
    ]);
    const gru = reckit.GRU.fromWeights(w, { inputSize: 3, hiddenSize: H });
    const x = { data: values(2 * 4 * 3, 3), shape: [2, 4, 3] };
    err(() => gru.forward(x, { lengths: [4] }), RangeError, /^lengths: has 1 entries, expected one per batch row \(2\)/);
    err(() => gru.forward(x, { lengths: [4, 5] }), RangeError, /^lengths: \[1\] is 5, expected 0..=4/);
    err(() => gru.forward(x, { lengths: [4, 1.5] }), RangeError, /^lengths: \[1\] is 1.5, expected an integer/);
    gru.dispose();
  });
});

describe('no leak', () => {
  test('1e4 create/forward/dispose cycles keep layers and memory flat', { timeout: 120_000 }, async () => {
    const D = 32; // 16 KB of weights per layer: a leak would add 160 MB
    const w = new Map([
      ['in_proj_weight', { data: values(3 * D * D, 1), shape: [3 * D, D] }],
      ['out_proj.weight', { data: values(D * D, 3), shape: [D, D] }],
    ]);
    const x = { data: values(2 * 3 * D, 5), shape: [2, 3, D] };
    const cycle = () => {
      const m = reckit.MultiHeadAttention.fromWeights(w, { embedDim: D, numHeads: 2 });
      m.forward(x);
      m.dispose();
    };
    const base = reckit.layerCount();
    // A first round lets allocators and the JS heap (outputs await GC) reach their steady size.
    // Node runs with --expose-gc (vitest.config.ts); browsers measure wasm memory, which JS GC does not move.
    // napi frees a collected output on the next tick, hence the pause between collections.
    const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
    const settle = async () => {
      gc();
      await new Promise((r) => setTimeout(r, 50));
      gc();
    };
    for (let i = 0; i < 10_000; i++) cycle();
    await settle();
    const before = reckit.memoryBytes();
    for (let i = 0; i < 10_000; i++) cycle();
    await settle();
    const grown = reckit.memoryBytes() - before;
    expect(reckit.layerCount()).toBe(base);
    // wasm: linear memory size; native: process RSS. Leaking the weights would add 160 MB.
    expect(grown).toBeLessThan(16 * 2 ** 20);
  });
});
