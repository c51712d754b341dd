/**
 * Losses and their gradients against PyTorch (float64 autograd on float32-representable inputs,
 * python/make_loss_fixtures.py), the NumPy reference snippets' printed values, and bad input.
 */
import { describe, expect, test } from 'vitest';
import * as reckit from 'reckit';
import fixtures from './fixtures/losses.json';
import { err } from './errors.js';

type Case = (typeof fixtures.cases)[number] & { tol?: number };
type Grad = number[] | Record<string, number[]>;
const call = (fn: string, ...args: unknown[]) => (reckit as unknown as Record<string, (...a: unknown[]) => any>)[fn](...args);

/** |got − want| ≤ atol + rtol·|want|, elementwise. */
function close(got: ArrayLike<number> | number, want: number[] | number, rtol: number, atol = 0) {
  const [g, w] = typeof want === 'number' ? [[got as number], [want]] : [Array.from(got as ArrayLike<number>), want];
  expect(g.length).toBe(w.length);
  const bad = w.findIndex((x, i) => !(Math.abs(g[i] - x) <= atol + rtol * Math.abs(x)));
  if (bad >= 0) expect.fail(`element ${bad}: got ${g[bad]}, want ${w[bad]} (rtol ${rtol}, atol ${atol})`);
}

/** The case's arrays as typed arrays of one precision (class ids stay integers). */
function inputs(c: Case, f32: boolean): unknown[] {
  const typed = (xs: number[]) => (f32 ? Float32Array.from(xs) : Float64Array.from(xs));
  return c.inputs.map((x, i) =>
    c.int_inputs.includes(i) ? x
    : Array.isArray(x) ? typed(x as number[])
    : Object.fromEntries(Object.entries(x as Record<string, number[]>).map(([k, v]) => [k, typed(v)])));
}

/**
 * Gradient tolerance. One row of the InfoNCE case at τ = 0.07 is ill-conditioned (loss ~3e-5 from
 * logits ~±14): torch's own float64 value is 2.8e-12 relative from the exact one (mpmath), so
 * that case is held to 1e-10.
 */
function checkGrad(got: unknown, want: Grad, f32: boolean, illConditioned: boolean) {
  const [rtol, atol] = f32 ? [1e-6, 1e-37] : [illConditioned ? 1e-10 : 1e-12, 1e-300];
  if (Array.isArray(want)) {
    expect(got).toBeInstanceOf(f32 ? Float32Array : Float64Array);
    close(got as Float64Array, want, rtol, atol);
  } else {
    expect(Object.keys(got as object).sort()).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) close((got as Record<string, Float64Array>)[k], v, rtol, atol);
  }
}

const torchCases = fixtures.cases.filter((c) => !c.name.startsWith('numpy reference')) as Case[];
const numpyCases = fixtures.cases.filter((c) => c.name.startsWith('numpy reference')) as Case[];

describe.each(['f64', 'f32'])('losses = PyTorch (float64 autograd), %s inputs', (dtype) => {
  const f32 = dtype === 'f32';
  test.each(torchCases.map((c) => [`${c.fn}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const args = inputs(c, f32);
    const r = call(c.fn, ...args, { ...c.options, grad: true });
    // Values are computed in f64 either way, so both precisions meet the f64 tolerance.
    close(r.value, c.expected.value as number | number[], 1e-12, 1e-14);
    checkGrad(r.grad, c.expected.grad as Grad, f32, c.fn === 'infoNce' && (c.options as { temperature?: number }).temperature === 0.07);
    // Without grad: the same value; off the thread: the same result.
    expect(call(c.fn, ...args, c.options)).toEqual(r.value);
    expect(await call(`${c.fn}Async`, ...args, { ...c.options, grad: true })).toEqual(r);
  });
});

describe('the NumPy reference snippets print these values', () => {
  test.each(numpyCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    close(call(c.fn, ...inputs(c, false), c.options), c.expected.value as number, c.tol ?? 1e-12);
  });
});

describe('reductions and precision', () => {
  const n = 100_003; // several chunks, and parallel on native
  const y = Float32Array.from({ length: n }, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 6);
  test('mean = sum / rows = Σ none / rows, on a large input', () => {
    const none = reckit.bceWithLogits(y, x, { reduction: 'none' });
    const sum = reckit.bceWithLogits(y, x, { reduction: 'sum' });
    expect(none).toBeInstanceOf(Float64Array);
    expect(none.length).toBe(n);
    expect(Math.abs(sum - none.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9 * sum);
    expect(reckit.bceWithLogits(y, x)).toBeCloseTo(sum / n, 14);
  });
  test('grad of mean = grad of sum / rows; f64 inputs give f64 gradients', () => {
    const mean = reckit.mse(y, x, { grad: true });
    const sum = reckit.mse(y, x, { reduction: 'sum', grad: true });
    expect(mean.grad).toBeInstanceOf(Float32Array);
    for (const i of [0, 1, 77, n - 1]) expect(mean.grad[i]).toBeCloseTo(sum.grad[i] / n, 9);
    const f64 = reckit.mse(Array.from(y), Float64Array.from(x), { grad: true });
    expect(f64.grad).toBeInstanceOf(Float64Array);
    expect(f64.value).toBe(mean.value);
  });
  test('number[] targets follow the predictions\' precision', () => {
    expect(reckit.mae([0.1, 0.2], Float32Array.of(0.1, 0.2))).toBe(0); // 0.1 rounded to f32 on both sides
    expect(reckit.mae([0.1, 0.2], [0.1, 0.2])).toBe(0);
  });
  test('empty input: mean NaN, sum 0 (as torch)', () => {
    expect(reckit.mse([], [])).toBeNaN();
    expect(reckit.mse([], [], { reduction: 'sum' })).toBe(0);
  });
});

describe('bad input is a clear error', () => {
  test('shape mismatches', () => {
    err(() => reckit.mse([1, 2, 3], [1, 2]), RangeError, /^preds: has length 2, expected 3/);
    err(() => reckit.softmaxCrossEntropy([0, 1], [1, 2, 3, 4, 5], { numClasses: 2 }), RangeError, /^logits: has length 5, not a multiple of numClasses \(2\)/);
    err(() => reckit.nce([1, 2], [1, 2, 3]), RangeError, /^neg: has length 3, not a multiple of the length of pos/);
    err(() => reckit.triplet({ anchor: [1, 2, 3, 4], positive: [1, 2], negative: [1, 2, 3, 4] }, { dim: 2 }), RangeError, /^positive: has length 2, expected 4/);
    err(() => reckit.contrastive([1], { x1: [1, 2], x2: [1, 2] }, {} as { dim: number }), TypeError, /^dim is required/);
    err(() => reckit.klDiv([0.5, 0.5, 0.5], [0.5, 0.5, 0.5], { size: 2 }), RangeError, /^p: has length 3, not a multiple of size \(2\)/);
  });
  test('class ids', () => {
    err(() => reckit.softmaxCrossEntropy([0, -1], [1, 2, 3, 4], { numClasses: 2 }), RangeError, /^targets: targets\[1\] is -1; class ids must be integers >= 0/);
    err(() => reckit.softmaxCrossEntropy([0, 2], [1, 2, 3, 4], { numClasses: 2 }), RangeError, /^targets: targets\[1\] is 2; class ids must be < numClasses \(2\)/);
    err(() => reckit.softmaxCrossEntropy([0, 1], [1, 2, 3, 4], {} as { numClasses: number }), TypeError, /^numClasses is required/);
  });
  test('probabilities and labels out of range', () => {
    err(() => reckit.bce([0, 1], [0.5, 1.5]), RangeError, /^probs: probs\[1\] is 1.5; probabilities must be in \[0, 1\]/);
    err(() => reckit.bce([0, 2], [0.5, 0.5]), RangeError, /^targets: targets\[1\] is 2; targets must be in \[0, 1\]/);
    err(() => reckit.focal([0, 1], [-0.5, 0.5]), RangeError, /^preds: preds\[0\] is -0.5; probabilities must be in \[0, 1\]/);
    err(() => reckit.hinge([0, 2], [0.5, 0.5]), RangeError, /^labels: labels\[1\] is 2; hinge labels must be -1, 0/);
    err(() => reckit.triplet([0.5, -1], [1, 1]), RangeError, /^pos: pos\[1\] is -1; distances must be finite and >= 0/);
  });
  test('NaN anywhere', () => {
    err(() => reckit.mse([1, NaN], [1, 2]), RangeError, /^targets: targets\[1\] is NaN; values must be finite/);
    err(() => reckit.bceWithLogits([1, 0], Float32Array.of(0, NaN)), RangeError, /^logits: logits\[1\] is NaN/);
    err(() => reckit.bce([1, 0], [NaN, 0.5]), RangeError, /^probs: probs\[0\] is NaN/);
    err(() => reckit.infoNce([1], [NaN, 1]), RangeError, /^neg: neg\[0\] is NaN/);
    err(() => reckit.huber([1], [1], { delta: NaN }), RangeError, /^delta: is NaN/);
  });
  test('options', () => {
    err(() => reckit.mse([1], [1], { reduction: 'avg' as 'mean' }), RangeError, /^reduction: is "avg"; expected 'mean' or 'sum' or 'none'/);
    err(() => reckit.huber([1], [1], { delta: 0 }), RangeError, /^delta: is 0; it must be a finite number > 0/);
    err(() => reckit.infoNce([1], [1], { temperature: -1 }), RangeError, /^temperature: is -1/);
    err(() => reckit.bce([1], [0.5], { eps: 0.7 }), RangeError, /^eps: is 0.7; it must be in \[0, 0.5\)/);
    err(() => reckit.mse([1], [1], { grad: 'yes' as unknown as boolean }), TypeError, /^grad must be a boolean/);
  });
  test('async twins reject the same way', async () => {
    await expect(reckit.bceAsync([0, 1], [0.5, 1.5])).rejects.toThrow(/^probs: probs\[1\] is 1.5/);
  });
});
