/** Optimizers: 10 steps on a fixed quadratic, step by step against torch.optim (float32). */
import { describe, expect, test } from 'vitest';
import * as reckit from 'reckit';
import fixtures from './fixtures/optim.json';
import { err } from './errors.js';

type Ctor = new (params: Float32Array[], options?: object) => { step(g: Float32Array[]): void; lr: number; steps: number };
const optimizers = reckit as unknown as Record<string, Ctor>;

describe('optimizers = torch.optim, step by step', () => {
  test.each(fixtures.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const w = Float32Array.from(c.w0);
    const [a, target] = [Float32Array.from(c.a), Float32Array.from(c.c)];
    // Split the parameters in two arrays: per-parameter state must not leak between them.
    const [w1, w2] = [w.subarray(0, 5), w.subarray(5)];
    const opt = new optimizers[c.optimizer]([w1, w2], c.options);
    c.steps.forEach((want, k) => {
      // torch computes the gradient a·(w − c) in float32: Math.fround reproduces it exactly.
      const g = Float32Array.from(w, (x, i) => Math.fround(a[i] * Math.fround(x - target[i])));
      opt.step([g.subarray(0, 5), g.subarray(5)]);
      const bad = want.findIndex((x, i) => !(Math.abs(w[i] - x) <= 1e-6));
      if (bad >= 0) expect.fail(`step ${k + 1}, param ${bad}: got ${w[bad]}, torch ${want[bad]}`);
    });
    expect(opt.steps).toBe(10);
  });
});

describe('optimizers: options and bad input', () => {
  test('lr can be scheduled between steps', () => {
    const w = Float32Array.of(1);
    const opt = new reckit.SGD([w], { lr: 0.5 });
    opt.step([Float32Array.of(1)]);
    expect(w[0]).toBe(0.5);
    opt.lr = 0.25;
    opt.step([Float32Array.of(1)]);
    expect(w[0]).toBe(0.25);
  });
  test('clear errors', () => {
    err(() => new reckit.SGD([Float32Array.of(1)], {} as reckit.SGDOptions), TypeError, /^lr is required/);
    err(() => new reckit.Adam([[1, 2] as unknown as Float32Array]), TypeError, /^params\[0\] must be a Float32Array/);
    err(() => new reckit.Adam([Float32Array.of(1)], { lr: -1 }), RangeError, /^lr: is -1; it must be a finite number >= 0/);
    err(() => new reckit.Adam([Float32Array.of(1)], { betas: [1, 0.9] }), RangeError, /^betas: is 1; it must be in \[0, 1\)/);
    err(() => new reckit.SGD([Float32Array.of(1)], { lr: 0.1, nesterov: true }), RangeError, /^nesterov: requires momentum > 0 and dampening 0/);
    const opt = new reckit.Adam([Float32Array.of(1, 2)]);
    err(() => opt.step([Float32Array.of(1)]), RangeError, /^grads: grads\[0\] has length 1, expected 2/);
    err(() => opt.step([Float32Array.of(1, NaN)]), RangeError, /^grads: grads\[0\]\[1\] is NaN; gradients must be finite/);
    err(() => opt.step([]), RangeError, /^grads: has 0 arrays, expected 1/);
  });
});
