/** Ops in f32 against PyTorch (float64 on float32 inputs, python/make_loss_fixtures.py). */
import { describe, expect, test } from 'vitest';
import * as reckit from 'reckit';
import fixtures from './fixtures/ops.json';
import { err } from './errors.js';

const call = (fn: string, ...args: unknown[]) => (reckit as unknown as Record<string, (...a: unknown[]) => any>)[fn](...args);

describe('ops = torch.nn.functional (f32, 1e-5 relative)', () => {
  test.each(fixtures.cases.map((c) => [`${c.fn}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const got: Float32Array = call(c.fn, Float32Array.from(c.x), c.options);
    expect(got).toBeInstanceOf(Float32Array);
    expect(got.length).toBe(c.expected.length);
    const bad = c.expected.findIndex((w, i) => !(Math.abs(got[i] - w) <= 1e-7 + 1e-5 * Math.abs(w)));
    if (bad >= 0) expect.fail(`element ${bad}: got ${got[bad]}, want ${c.expected[bad]}`);
    expect(await call(`${c.fn}Async`, c.x, c.options)).toEqual(got); // number[] input, off the thread
  });
});

describe('ops on large inputs (SIMD tails, parallel chunks)', () => {
  const size = 37; // not a multiple of the vector width
  const x = Float32Array.from({ length: size * 5001 }, (_, i) => Math.sin(i * 0.37) * 20);
  test('softmax rows sum to 1 and logSoftmax = ln softmax', () => {
    const s = reckit.softmax(x, { size });
    const l = reckit.logSoftmax(x, { size });
    for (const r of [0, 1, 2500, 5000]) {
      const row = s.subarray(r * size, (r + 1) * size);
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
      for (let j = 0; j < size; j++) expect(Math.abs(Math.log(row[j]) - l[r * size + j])).toBeLessThan(2e-5 * Math.max(1, Math.abs(l[r * size + j])));
    }
  });
  test('sigmoid, relu and l2Normalize elementwise definitions', () => {
    const s = reckit.sigmoid(x);
    const r = reckit.relu(x);
    const n = reckit.l2Normalize(x, { size });
    for (const i of [0, 5, 36, 37, 1000, x.length - 1]) {
      expect(Math.abs(s[i] - 1 / (1 + Math.exp(-x[i])))).toBeLessThan(1e-6);
      expect(r[i]).toBe(Math.max(x[i], 0));
    }
    const row = x.subarray(37, 74);
    const norm = Math.hypot(...row);
    for (let j = 0; j < size; j++) expect(n[37 + j]).toBeCloseTo(row[j] / norm, 6);
  });
});

describe('ops: bad input', () => {
  test('shapes, NaN and missing statistics', () => {
    err(() => reckit.softmax([1, 2, 3], { size: 2 }), RangeError, /^size: is 2; the input's length 3 is not a multiple of it/);
    err(() => reckit.layerNorm([1, 2, 3, 4], { size: 2, weight: [1, 2, 3] }), RangeError, /^weight: has length 3, expected 2/);
    err(() => reckit.sigmoid([1, NaN]), RangeError, /^x: x\[1\] is NaN; values must be finite/);
    err(() => reckit.batchNorm([1, 2, 3], { runningMean: [0, 0], runningVar: [1, 1] }), RangeError, /^shape: \[N, 2, 1\] does not fit an input of length 3/);
    err(() => reckit.batchNorm([1, 2], { runningMean: [0, 0], runningVar: [1, -1] }), RangeError, /^runningVar: runningVar\[1\] is -1/);
    err(() => reckit.batchNorm([1, 2], { runningMean: [0, 0] } as reckit.BatchNormOptions), TypeError, /^runningMean and runningVar are required/);
    err(() => reckit.prelu([1, 2, 3, 4], { weight: [1, 2, 3] }), RangeError, /^shape: \[N, 3, 1\] does not fit/);
    err(() => reckit.prelu([1, 2, 3, 4], { weight: [1, 2, 3], shape: [1, 2, 2] }), RangeError, /^weight: has 3 values; expected 1 or 2/);
    err(() => reckit.dice([1, 2], { alpha: [1, 2, 3], runningMean: [0, 0], runningVar: [1, 1] }), RangeError, /^alpha: has 3 values; expected 1 or 2/);
    err(() => reckit.layerNorm([1, 2], { eps: -1 }), RangeError, /^eps: is -1/);
  });
});
