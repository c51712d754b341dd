/**
 * Layers against PyTorch (python/make_layer_fixtures.py: float64 references on float32
 * weights and inputs, stored as safetensors and loaded here with loadSafetensors).
 */
import { describe, expect, test } from 'vitest';
import * as reckit from 'reckit';
import type { Tensor } from 'reckit';
import fixtures from './fixtures/layers/cases.json';
import { expectClose, inlineSafetensors } from './tensors.js';

const files = import.meta.glob('./fixtures/layers/*.safetensors', { query: '?inline', import: 'default', eager: true }) as Record<string, string>;
const fixture = (name: string) => inlineSafetensors(files, `./fixtures/layers/${name}`);

type Case = (typeof fixtures.cases)[number];

/** The stored 0/1 mask as booleans when the case is about boolean masks, else as floats. */
const mask = (c: Case, m: Tensor | undefined) => (m && /bool/i.test(c.name) ? booleans(m) : m);
const booleans = (m: Tensor | undefined) => m && { data: Uint8Array.from(m.data), shape: m.shape };

const ints = (t: Tensor | undefined) => (t ? Array.from(t.data) : undefined);

/** Runs case `c` sync (and async) and returns the named outputs. */
async function run(c: Case, io: Map<string, Tensor>, weights: Map<string, Tensor> | undefined) {
  const o = c.options as Record<string, unknown>;
  const cfg = c.config as never;
  const get = (n: string) => io.get(n);
  const twice = async <T>(layer: { forward(...a: any[]): T; forwardAsync(...a: any[]): Promise<T>; dispose(): void }, ...args: unknown[]) => {
    const sync = layer.forward(...args);
    expect(await layer.forwardAsync(...args)).toEqual(sync);
    layer.dispose();
    return sync as Record<string, Tensor>;
  };
  switch (c.layer) {
    case 'MultiHeadAttention': {
      const m = reckit.MultiHeadAttention.fromWeights(weights!, cfg);
      return twice(m, get('query'), get('key'), get('value'), {
        ...o,
        keyPaddingMask: booleans(get('keyPaddingMask')),
        attnMask: mask(c, get('attnMask')),
      });
    }
    case 'scaledDotProductAttention': {
      const args = [get('q'), get('k'), get('v'), { ...o, mask: mask(c, get('mask')) }] as const;
      const output = reckit.scaledDotProductAttention(...args);
      expect(await reckit.scaledDotProductAttentionAsync(...args)).toEqual(output);
      return { output };
    }
    case 'GRU':
      return twice(reckit.GRU.fromWeights(weights!, cfg), get('x'), { lengths: ints(get('lengths')), h0: get('h0') });
    case 'AUGRU':
    case 'AGRU':
    case 'AIGRU':
      return twice(reckit[c.layer].fromWeights(weights!, cfg), get('x'), get('attention'), { lengths: ints(get('lengths')), h0: get('h0') });
    case 'MLP':
      return twice(wrap(reckit.MLP.fromWeights(weights!, cfg)), get('x'));
    case 'DinAttention':
      return twice(reckit.DinAttention.fromWeights(weights!, cfg), get('query'), get('keys'), ints(get('lengths')));
    case 'Embedding': {
      const ids = get('ids')!;
      return twice(wrap(reckit.Embedding.fromWeights(weights!, cfg)), { data: Array.from(ids.data), shape: ids.shape }, { ...o, lengths: ints(get('lengths')) });
    }
  }
  throw new Error(`unknown layer ${c.layer}`);
}

/** A layer whose forward returns one tensor, as `{ output }`. */
function wrap(layer: { forward(...a: any[]): Tensor; forwardAsync(...a: any[]): Promise<Tensor>; dispose(): void }) {
  return {
    forward: (...a: unknown[]) => ({ output: layer.forward(...a) }),
    forwardAsync: async (...a: unknown[]) => ({ output: await layer.forwardAsync(...a) }),
    dispose: () => layer.dispose(),
  };
}

describe('layers = PyTorch (f32, 1e-5)', () => {
  test.each(fixtures.cases.map((c) => [`${c.layer}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const io = fixture(c.io);
    const got = await run(c, io, c.weights ? fixture(c.weights) : undefined);
    const expected = ['output', 'hN', 'weights', 'scores'].filter((n) => io.has(n));
    expect(expected.length).toBeGreaterThan(0);
    for (const name of expected) expectClose(got[name], io.get(name), name);
  });
});
