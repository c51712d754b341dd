/**
 * Models against their PyTorch reference modules (python/reckit_models.py; fixtures from
 * python/make_model_fixtures.py: float64 references on float32 weights and inputs).
 */
import { describe, expect, test } from 'vitest';
import * as reckit from 'reckit';
import type { Tensor } from 'reckit';
import fixtures from './fixtures/models/cases.json';
import dinFile from '../../data/models/din.safetensors?inline';
import dinJson from '../../data/models/din.json';
import { err } from './errors.js';
import { expectClose, inlineBytes, inlineSafetensors } from './tensors.js';

const files = import.meta.glob('./fixtures/models/*.safetensors', { query: '?inline', import: 'default', eager: true }) as Record<string, string>;
const fixture = (name: string) => inlineSafetensors(files, `./fixtures/models/${name}`);

type Case = (typeof fixtures.cases)[number];
type Model = { forward(b: unknown): any; forwardAsync(b: unknown): Promise<any>; dispose(): void };

const bytesOf = (name: string) => inlineBytes(files[`./fixtures/models/${name}`]);

/** A safetensors file of F32 tensors with no `__metadata__`. */
function withoutMetadata(tensors: Map<string, Tensor>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(Float32Array.from(t.data).buffer), at);
    at += 4 * t.data.length;
  }
  return out;
}

const ids = (t: Tensor | undefined) => (t ? Int32Array.from(t.data) : undefined);

/** The batch stored in a case's io file. */
function batchOf(io: Map<string, Tensor>) {
  const batch: Record<string, unknown> = {};
  for (const name of ['sparse', 'history', 'lengths', 'negHistory', 'items']) if (io.has(name)) batch[name] = ids(io.get(name));
  if (io.has('dense')) batch.dense = io.get('dense');
  return batch;
}

function build(c: Case, weights = fixture(c.weights)): Model {
  const cls = (reckit as unknown as Record<string, { fromWeights(w: unknown, c: unknown): Model }>)[c.model];
  return cls.fromWeights(weights, c.config);
}

/**
 * Outputs as tensors by name, shaped as the reference (models return flat row-major
 * Float32Arrays, a scalar as a number; layers return tensors).
 */
function named(out: Record<string, unknown>, io: Map<string, Tensor>): Record<string, Tensor> {
  const t: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(out)) {
    if (v instanceof Float32Array) t[k] = { data: v, shape: io.get(k)?.shape ?? [v.length] };
    else if (typeof v === 'number') t[k] = { data: Float32Array.of(v), shape: [] };
    else t[k] = v as Tensor;
  }
  return t;
}

const OUTPUTS = ['logits', 'probabilities', 'auxLoss', 'gates', 'userVectors', 'itemVectors', 'scores', 'output', 'weights'];

describe('models = PyTorch (f32, 1e-5)', () => {
  test.each(fixtures.cases.map((c) => [`${c.model}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const io = fixture(c.io);
    const model = build(c);
    const input = c.model === 'SENet' ? io.get('x') : batchOf(io);
    const out = model.forward(input);
    if (c.model !== 'SENet') {
      // Every model returns the same types: Float32Arrays, and numbers for scalars.
      for (const [k, v] of Object.entries(out)) expect(v instanceof Float32Array || typeof v === 'number', `${k} is a Float32Array or a number`).toBe(true);
    }
    const sync = named(out, io);
    expect(named(await model.forwardAsync(input), io)).toEqual(sync);
    model.dispose();
    const expected = OUTPUTS.filter((n) => io.has(n));
    expect(expected.length).toBeGreaterThan(0);
    for (const name of expected) expectClose(sync[name], io.get(name), name);
  });
});

const first = (model: string, pred: (c: Case) => boolean = () => true) => {
  const c = fixtures.cases.find((x) => x.model === model && pred(x));
  if (!c) throw new Error(`no ${model} fixture`);
  return c;
};

describe('model loading errors name the tensor', () => {
  const c = first('DIN');
  const weights = () => new Map(fixture(c.weights));

  test('a missing tensor', () => {
    const w = weights();
    w.delete('attention.fc.weight');
    err(() => build(c, w), RangeError, /weights: missing tensor 'attention\.fc\.weight'/);
  });

  test('a tensor of the wrong shape', () => {
    const w = weights();
    const t = w.get('final_layer.weight')!;
    w.set('final_layer.weight', { data: new Float32Array(t.data.length + 1), shape: [1, t.shape[1] + 1] });
    err(() => build(c, w), RangeError, /'final_layer\.weight' has shape \[1, \d+\], expected \[1, \d+\]/);
  });

  test('a tensor the config does not use', () => {
    const w = weights();
    w.set('mlp.mlp.dense9.weight', { data: new Float32Array(4), shape: [2, 2] });
    err(() => build(c, w), RangeError, /'mlp\.mlp\.dense9\.weight' is not used by this config/);
  });

  test('a config whose table sizes do not match the weights', () => {
    const [name, [vocab, dim]] = Object.entries(c.config.tables)[0] as [string, [number, number]];
    const config = { ...c.config, tables: { ...c.config.tables, [name]: [vocab + 1, dim] } };
    err(() => reckit.DIN.fromWeights(weights(), config as never), RangeError, new RegExp(`'embeddings\\.${name}\\.weight' has shape \\[${vocab}, ${dim}\\], expected \\[${vocab + 1}, ${dim}\\]`));
  });

  test('a config with an unknown field or table', () => {
    err(() => reckit.DIN.fromWeights(weights(), { ...c.config, heads: 2 } as never), RangeError, /config: unknown field `heads`/);
    err(() => reckit.DIN.fromWeights(weights(), { ...c.config, sparse: [...c.config.sparse, 'nope'] } as never), RangeError, /sparse names table 'nope'/);
  });

  test('a DIEN config whose cell does not match the weights', () => {
    const d = first('DIEN', (x) => x.config.gru === 'AUGRU');
    err(() => reckit.DIEN.fromWeights(fixture(d.weights), { ...d.config, gru: 'AIGRU', augruForm: undefined, gateOrder: undefined } as never), RangeError, /weights: missing tensor 'interest\.interest_evolution\.weight_ih_l0'/);
  });

  test('fromSafetensors takes the config stored in the file, or one given', () => {
    const raw = bytesOf(c.weights);
    const io = fixture(c.io);
    const stored = reckit.DIN.fromSafetensors(raw);
    const given = reckit.DIN.fromSafetensors(raw, c.config as never);
    expect(stored.forward(batchOf(io))).toEqual(given.forward(batchOf(io)));
    stored.dispose();
    given.dispose();
    err(() => reckit.DIEN.fromSafetensors(raw), TypeError, /DIEN\.fromSafetensors: the file holds a DIN model/);
    err(() => reckit.DIN.fromSafetensors(withoutMetadata(fixture(c.weights))), TypeError, /no reckit\.config metadata; pass the config/);
  });
});

describe('model inputs are checked', () => {
  const c = first('DIN', (x) => !x.config.dense);
  const io = fixture(c.io);
  const good = batchOf(io) as { sparse: Int32Array; history: Int32Array };
  const model = build(c);
  const f = c.config.sparse.length;

  test.each([
    ['sparse not a whole number of rows', { sparse: good.sparse.subarray(1) }, /sparse: has \d+ ids; expected \[B, F\] = B rows × \d+ sparse columns/],
    ['an id outside its table', { sparse: Int32Array.from(good.sparse, (v, i) => (i === 1 ? 1e6 : v)) }, /sparse: \[0, 1\] is 1000000, outside table '\w+' \(ids 0\.\.\d+\)/],
    ['a negative id', { sparse: Int32Array.from(good.sparse, (v, i) => (i === 0 ? -1 : v)) }, /sparse: \[0, 0\] is -1/],
    ['a history of the wrong length', { history: good.history.subarray(1) }, /history: has \d+ ids; expected \[B, T, H\] = \d+ rows \(from sparse\) × T steps/],
    ['lengths past the steps', { lengths: new Int32Array(good.sparse.length / f).fill(99) }, /lengths: \[0\] is 99, expected 0\.\.=\d+/],
    ['lengths of the wrong count', { lengths: Int32Array.of(1) }, /lengths: has 1 entries, expected one per batch row/],
    ['a fractional id', { sparse: Array.from(good.sparse, (v, i) => (i === 0 ? 1.5 : v)) }, /sparse: \[0\] is 1\.5, expected an integer/],
    ['dense features the model does not have', { dense: { data: new Float32Array(good.sparse.length / f), shape: [good.sparse.length / f, 1] } }, /dense: has shape \[\d+, 1\], expected \[\d+, 0\]/],
  ])('%s', async (_, change, message) => {
    const batch = { ...good, ...change };
    err(() => model.forward(batch), RangeError, message);
    await expect(model.forwardAsync(batch)).rejects.toThrow(message);
  });

  test('a missing history', () => {
    err(() => model.forward({ sparse: good.sparse }), TypeError, /history: is required/);
  });

  test('NaN or missing dense features', () => {
    const d = first('DIN', (x) => (x.config.dense ?? 0) > 0);
    const m = build(d);
    const batch = batchOf(fixture(d.io)) as { dense: Tensor };
    const nan = Float32Array.from(batch.dense.data, (v, i) => (i === 0 ? NaN : v));
    err(() => m.forward({ ...batch, dense: { data: nan, shape: batch.dense.shape } }), RangeError, /dense: .*NaN/i);
    err(() => m.forward({ ...batch, dense: undefined }), RangeError, /dense: is required: the model has \d+ dense features/);
    m.dispose();
  });

  test('negHistory needs an auxiliary network', () => {
    const d = first('DIEN', (x) => !x.config.auxiliary);
    const m = build(d);
    const batch = batchOf(fixture(d.io)) as { history: Int32Array };
    err(() => m.forward({ ...batch, negHistory: batch.history }), RangeError, /negHistory: given, but the model has no auxiliary network/);
    m.dispose();
  });

  test('a disposed model', () => {
    const m = build(c);
    m.dispose();
    err(() => m.forward(good), Error, /DIN: this layer has been disposed/);
  });
});

describe('a model says what its config expects', () => {
  // The demo DIN shipped in data/models: sparse [user, item], history [item].
  const bytes = inlineBytes(dinFile);
  const stored = JSON.parse(reckit.readSafetensors(bytes).metadata['reckit.config']);

  test('config is the file\'s reckit.config metadata when loaded from it, else the one given; frozen', () => {
    const din = reckit.DIN.fromSafetensors(bytes);
    expect(din.config).toEqual(stored);
    expect(din.config).toEqual(dinJson.config);
    expect(Object.isFrozen(din.config) && Object.isFrozen(din.config.mlp.hidden)).toBe(true);
    const given = { ...stored, attention: { ...stored.attention, scale: true } };
    const scaled = reckit.DIN.fromSafetensors(bytes, given);
    expect(scaled.config).toEqual(given);
    given.attention.scale = false; // a copy: the caller's object may change afterwards
    expect(scaled.config.attention.scale).toBe(true);
    din.dispose();
    scaled.dispose();
    const c = first('YouTubeDNN');
    const m = build(c) as Model & { config: unknown };
    expect(m.config).toEqual(JSON.parse(JSON.stringify(c.config)));
    m.dispose();
  });

  test('a batch that does not fit names the field, what the config expects and what was given', async () => {
    const din = reckit.DIN.fromSafetensors(bytes);
    const sparse = Int32Array.of(1, 10, 2, 20, 3, 30); // 3 rows of (user, item)
    const history = new Int32Array(16); // not 3 rows × T steps × 1 field
    const message = /^history: has 16 ids; expected \[B, T, H\] = 3 rows \(from sparse\) × T steps × 1 history field \(config\.history: item\), a multiple of 3$/;
    err(() => din.forward({ sparse, history }), RangeError, message);
    await expect(din.forwardAsync({ sparse, history })).rejects.toThrow(message);
    err(() => din.forward({ sparse: sparse.subarray(1), history }), RangeError, /^sparse: has 5 ids; expected \[B, F\] = B rows × 2 sparse columns \(config\.sparse: user, item\), a multiple of 2$/);
    err(() => din.forward({ sparse, history: history.subarray(1), items: [1] } as never), RangeError, /^items: given, but the model has no item columns/);
    expect(din.forward({ sparse, history: history.subarray(1) }).probabilities).toHaveLength(3); // T = 5
    din.dispose();
  });
});
