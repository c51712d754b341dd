/**
 * DeepCTR-Torch DIN / DIEN checkpoints through fromDeepCTR, against DeepCTR-Torch's own forward
 * (python/make_deepctr_fixtures.py: deepctr-torch 0.3.0, float64 references on float32 weights
 * and inputs, stored as safetensors).
 */
import { describe, expect, test } from 'vitest';
import * as reckit from 'reckit';
import type { DeepCTRSpec, Tensor } from 'reckit';
import fixtures from './fixtures/deepctr/cases.json';
import { err } from './errors.js';
import { expectCloseValues, inlineSafetensors } from './tensors.js';

const files = import.meta.glob('./fixtures/deepctr/*.safetensors', { query: '?inline', import: 'default', eager: true }) as Record<string, string>;

const fixture = (name: string) => inlineSafetensors(files, `./fixtures/deepctr/${name}`);

type Case = (typeof fixtures.cases)[number];
const spec = (c: Case) => c.spec as unknown as DeepCTRSpec;
const byName = (name: string) => fixtures.cases.find((c) => c.name === name)!;

/** reckit's batch from the DeepCTR inputs (`input.<feature>`), in the order `columns` gives. */
function batch(io: Map<string, Tensor>, columns: ReturnType<typeof reckit.fromDeepCTR>['columns']) {
  const input = (name: string) => {
    const t = io.get(`input.${name}`);
    if (!t) throw new Error(`no input ${name}`);
    return t;
  };
  const b = input(columns.lengths).shape[0];
  const interleave = (names: string[]) => {
    // [B, per-feature width] blocks side by side: row-major [B, Σ widths] (for [B, T] histories:
    // [B, T, H] with the fields innermost).
    const ts = names.map(input);
    const steps = ts.length ? ts[0].data.length / b : 0;
    const out: number[] = [];
    for (let r = 0; r < b; r++) for (let t = 0; t < steps; t++) for (const x of ts) out.push(x.data[r * steps + t]);
    return out;
  };
  const denseTs = columns.dense.map(input);
  const d = denseTs.reduce((a, t) => a + t.shape[1], 0);
  const dense = new Float32Array(b * d);
  for (let r = 0, at = 0; r < b; r++) for (const t of denseTs) for (let k = 0; k < t.shape[1]; k++) dense[at++] = t.data[r * t.shape[1] + k];
  return {
    sparse: Int32Array.from(interleave(columns.sparse)),
    dense: d > 0 ? { data: dense, shape: [b, d] } : undefined,
    history: Int32Array.from(interleave(columns.history)),
    lengths: Int32Array.from(input(columns.lengths).data),
    negHistory: columns.negHistory ? Int32Array.from(interleave(columns.negHistory)) : undefined,
  };
}

/** Imports `state`, runs the case's inputs (sync and async) and compares with DeepCTR's outputs. */
async function check(c: Case, state: Map<string, Tensor>) {
  const io = fixture(c.io);
  const { model, weights, config, columns } = reckit.fromDeepCTR(state, spec(c));
  expect(model).toBe(c.spec.model);
  const m = model === 'DIN' ? reckit.DIN.fromWeights(weights, config as reckit.DINConfig) : reckit.DIEN.fromWeights(weights, config as reckit.DIENConfig);
  try {
    const x = batch(io, columns);
    const out = m.forward(x) as reckit.DIENOutput;
    expect(await m.forwardAsync(x)).toEqual(out);
    expectCloseValues(out.probabilities, io.get('probabilities'), 'probabilities');
    expectCloseValues(out.logits, io.get('logits'), 'logits');
    if (io.has('auxLoss')) expectCloseValues([out.auxLoss!], io.get('auxLoss'), 'auxLoss');
    else expect(out.auxLoss).toBeUndefined();
  } finally {
    m.dispose();
  }
}

describe('DeepCTR-Torch checkpoints = DeepCTR-Torch forward (f32, 1e-5)', () => {
  test.each(fixtures.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await check(c, fixture(c.weights));
  });

  test('the AUGRU shared bias stored once (only bias_ih, or only bias_hh) gives the same outputs', async () => {
    const c = byName('dien_augru');
    const once = fixture(c.weightsStoredOnce!);
    expect(once.has('interest_evolution.interest_evolution.rnn.bias_ih')).toBe(true);
    expect(once.has('interest_evolution.interest_evolution.rnn.bias_hh')).toBe(false);
    await check(c, once);
    const onlyHh = fixture(c.weights);
    onlyHh.delete('interest_evolution.interest_evolution.rnn.bias_ih');
    await check(c, onlyHh);
  });

  test('mapping: config, columns and the unchanged input', () => {
    const c = byName('din_softmax_groups');
    const state = fixture(c.weights);
    const keys = [...state.keys()];
    const { config, columns, weights } = reckit.fromDeepCTR(state, spec(c));
    expect([...state.keys()]).toEqual(keys);
    expect(state.get('dnn.linears.0.weight')!.shape).toEqual([8, 23]);
    expect(weights.has('dnn.linears.0.weight')).toBe(false);
    expect(weights.get('mlp.mlp.dense0.weight')!.shape).toEqual([8, 23]);
    expect(config).toMatchObject({
      sparse: ['user', 'gender', 'item_id', 'cate_id'],
      dense: 3,
      history: ['item_id', 'cate_id'],
      attention: { hidden: [6], activation: 'prelu', batchnorm: false, softmax: true, scale: false },
      mlp: { hidden: [8], activation: 'sigmoid', batchnorm: false },
    });
    expect(columns).toEqual({ sparse: ['user', 'gender', 'item_id', 'cate_id'], dense: ['price', 'ctx'], history: ['hist_item_id', 'hist_cate_id'], lengths: 'seq_length' });
    const dien = reckit.fromDeepCTR(fixture(byName('dien_augru').weights), spec(byName('dien_augru')));
    expect(dien.config).toMatchObject({ gru: 'AUGRU', augruForm: 'paper', gateOrder: 'rzn', auxiliary: { hidden: [100, 50], activation: 'sigmoid' } });
    expect(dien.columns.negHistory).toEqual(['neg_hist_item_id', 'neg_hist_cate_id']);
  });
});

describe('fromDeepCTR errors name the key', () => {
  const din = byName('din');
  const dien = byName('dien_augru');
  const without = (c: Case, key: string) => {
    const s = fixture(c.weights);
    expect(s.delete(key)).toBe(true);
    return s;
  };

  test('a missing key', () => {
    err(() => reckit.fromDeepCTR(without(din, 'attention.local_att.dense.weight'), spec(din)), TypeError, /'attention\.local_att\.dense\.weight' is missing/);
    err(() => reckit.fromDeepCTR(without(din, 'dnn.bn.1.running_var'), spec(din)), TypeError, /'dnn\.bn\.1\.running_var' is missing/);
    err(() => reckit.fromDeepCTR(without(dien, 'interest_extractor.auxiliary_net.linears.1.bias'), spec(dien)), TypeError, /'interest_extractor\.auxiliary_net\.linears\.1\.bias' is missing/);
    const noBias = without(dien, 'interest_evolution.interest_evolution.rnn.bias_ih');
    noBias.delete('interest_evolution.interest_evolution.rnn.bias_hh');
    err(() => reckit.fromDeepCTR(noBias, spec(dien)), TypeError, /'interest_evolution\.interest_evolution\.rnn\.bias_hh' is missing/);
  });

  test('a wrong shape', () => {
    const s = fixture(din.weights);
    s.set('dnn.linears.0.weight', { data: new Float32Array(16 * 22), shape: [16, 22] });
    err(() => reckit.fromDeepCTR(s, spec(din)), RangeError, /'dnn\.linears\.0\.weight' has shape \[16, 22\], expected \[16, 23\]/);
    const t = fixture(din.weights);
    t.set('embedding_dict.item_id.weight', { data: new Float32Array(29 * 4), shape: [29, 4] });
    err(() => reckit.fromDeepCTR(t, spec(din)), RangeError, /'embedding_dict\.item_id\.weight' has shape \[29, 4\], expected \[30, 4\]/);
    const wide = { ...spec(din), dnnHiddenUnits: [16, 9] };
    err(() => reckit.fromDeepCTR(fixture(din.weights), wide), RangeError, /'dnn\.linears\.1\.weight' has shape \[8, 16\], expected \[9, 16\]/);
  });

  test('a spec naming a feature that is not in the state dict', () => {
    const s = spec(din);
    const extra = { ...s, features: [...s.features, { type: 'SparseFeat' as const, name: 'age', vocabularySize: 10, embeddingDim: 4 }] };
    err(() => reckit.fromDeepCTR(fixture(din.weights), extra), TypeError, /'embedding_dict\.age\.weight' is missing \(embedding table of age/);
    const badHistory = { ...s, historyFeatureList: ['item_id', 'brand'] };
    err(() => reckit.fromDeepCTR(fixture(din.weights), badHistory), RangeError, /historyFeatureList\[1\]: 'brand' is not a SparseFeat/);
  });

  test('an unexpected key, differing AUGRU biases, unsupported settings', () => {
    const s = fixture(din.weights);
    s.set('linear_model.weight', { data: new Float32Array(3), shape: [3, 1] });
    err(() => reckit.fromDeepCTR(s, spec(din)), TypeError, /unexpected key 'linear_model\.weight'/);
    const d = fixture(dien.weights);
    const key = 'interest_evolution.interest_evolution.rnn.bias_hh';
    const b = d.get(key)!;
    d.set(key, { data: b.data.map((v) => v + 1), shape: b.shape });
    err(() => reckit.fromDeepCTR(d, spec(dien)), RangeError, /'interest_evolution\.interest_evolution\.rnn\.bias_ih' and '.*bias_hh' differ/);
    err(() => reckit.fromDeepCTR(fixture(dien.weights), { ...spec(dien), gruType: 'GRU' }), RangeError, /gruType: "GRU" is not supported/);
    // A DIEN state dict read as a DIN: the first DIEN-only key is unexpected.
    const asDin = { ...spec(dien), model: 'DIN' as const, features: spec(dien).features.filter((f) => !f.name.startsWith('neg_')) };
    err(() => reckit.fromDeepCTR(fixture(dien.weights), asDin), TypeError, /'attention\.local_att\.dnn\.linears\.0\.weight' is missing/);
    const pooled = { ...spec(din), features: [...spec(din).features, { type: 'VarLenSparseFeat' as const, name: 'tags', vocabularySize: 5, embeddingDim: 2, maxlen: 3 }] };
    err(() => reckit.fromDeepCTR(fixture(din.weights), pooled), RangeError, /VarLenSparseFeat 'tags' is not a history/);
  });
});
