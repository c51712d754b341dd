/** tensor() and loadSafetensors(): files written here, every dtype, every rejection of a malformed file. */
import { describe, expect, test } from 'vitest';
import * as reckit from 'reckit';
import { err } from './errors.js';

const utf8 = new TextEncoder();

/** A file: the 8-byte little-endian header length (default: the header's), the header, the data. */
function withHeader(header: string, data: Uint8Array | number = 0, length?: number): Uint8Array {
  const h = utf8.encode(header);
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

interface Spec {
  name: string;
  dtype: string;
  shape: number[];
  raw: Uint8Array;
}

/** A valid file, written as Python's safetensors does: contiguous data, header padded to 8 bytes with spaces. */
function file(tensors: Spec[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  let at = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + t.raw.length] };
    at += t.raw.length;
  }
  if (metadata) header.__metadata__ = metadata;
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (utf8.encode(text).length % 8)) % 8);
  const data = new Uint8Array(at);
  let o = 0;
  for (const t of tensors) {
    data.set(t.raw, o);
    o += t.raw.length;
  }
  return withHeader(text, data);
}

/** Little-endian bytes of `xs`, `size` bytes each, written by `put`. */
function le<T>(xs: T[], size: number, put: (v: DataView, at: number, x: T) => void): Uint8Array {
  const out = new Uint8Array(xs.length * size);
  const view = new DataView(out.buffer);
  xs.forEach((x, i) => put(view, i * size, x));
  return out;
}
const f32 = (xs: number[]) => le(xs, 4, (v, at, x) => v.setFloat32(at, x, true));
const f64 = (xs: number[]) => le(xs, 8, (v, at, x) => v.setFloat64(at, x, true));
const u16 = (xs: number[]) => le(xs, 2, (v, at, x) => v.setUint16(at, x, true));

/** Element-wise Object.is (so −0 ≠ 0 and NaN = NaN). */
function same(got: Float32Array, want: number[]) {
  expect(got).toBeInstanceOf(Float32Array);
  expect(got.length).toBe(want.length);
  const bad = want.findIndex((w, i) => !Object.is(got[i], w));
  if (bad >= 0) expect.fail(`element ${bad}: got ${Object.is(got[bad], -0) ? '-0' : got[bad]}, want ${Object.is(want[bad], -0) ? '-0' : want[bad]}`);
}

function one(dtype: string, shape: number[], raw: Uint8Array): Float32Array {
  const tensors = reckit.loadSafetensors(file([{ name: 't', dtype, shape, raw }]));
  expect([...tensors.keys()]).toEqual(['t']);
  expect(tensors.get('t')!.shape).toEqual(shape);
  return tensors.get('t')!.data;
}

describe('loadSafetensors: every dtype becomes f32', () => {
  test('F32 and F64', () => {
    const xs = [0, -0, 1.5, -2.25, Infinity, -Infinity, 2 ** -126, 2 ** -149, 3.4028234663852886e38, NaN];
    same(one('F32', [2, 5], f32(xs)), xs);
    same(one('F64', [5], f64([0.1, -1e300, 1e-300, 3, -0])), [Math.fround(0.1), -Infinity, 0, 3, -0]);
  });

  test('F16: normals, subnormals, ±0, ±inf, NaN', () => {
    const bits = [0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x03ff, 0x8001, 0x7c00, 0xfc00, 0x3555, 0x7e00];
    const want = [0, -0, 1, -2, 65504, 2 ** -14, 2 ** -24, 1023 * 2 ** -24, -(2 ** -24), Infinity, -Infinity, 0.333251953125, NaN];
    same(one('F16', [13], u16(bits)), want);
  });

  test('BF16: the top half of an f32, subnormals and −0 included', () => {
    const bits = [0x3f80, 0x8000, 0xc049, 0x0001, 0x0080, 0x7f80, 0xff80, 0x7f7f, 0x7fc0];
    const want = [1, -0, -3.140625, 2 ** -133, 2 ** -126, Infinity, -Infinity, 255 * 2 ** 120, NaN];
    same(one('BF16', [3, 3], u16(bits)), want);
  });

  test('integers and BOOL', () => {
    same(one('I64', [5], le([0n, -1n, 7n, -(2n ** 63n), 16777217n], 8, (v, at, x) => v.setBigInt64(at, x, true))), [0, -1, 7, -(2 ** 63), 16777216]);
    same(one('I32', [3], le([-5, 2147483647, 0], 4, (v, at, x) => v.setInt32(at, x, true))), [-5, 2147483648, 0]);
    same(one('I16', [2], le([-32768, 300], 2, (v, at, x) => v.setInt16(at, x, true))), [-32768, 300]);
    same(one('I8', [3], Uint8Array.of(0x80, 0x7f, 0xff)), [-128, 127, -1]);
    same(one('U64', [2], le([2n ** 64n - 1n, 3n], 8, (v, at, x) => v.setBigUint64(at, x, true))), [2 ** 64, 3]);
    same(one('U32', [2], le([4294967295, 3], 4, (v, at, x) => v.setUint32(at, x, true))), [4294967296, 3]);
    same(one('U16', [2], u16([65535, 3])), [65535, 3]);
    same(one('U8', [3], Uint8Array.of(0, 200, 255)), [0, 200, 255]);
    same(one('BOOL', [2, 2], Uint8Array.of(0, 1, 1, 0)), [0, 1, 1, 0]);
  });

  test('scalars and empty tensors', () => {
    same(one('F32', [], f32([2.5])), [2.5]);
    same(one('F16', [0, 3], new Uint8Array(0)), []);
    expect(reckit.loadSafetensors(withHeader('{}')).size).toBe(0);
  });
});

describe('loadSafetensors: layout', () => {
  test('data order, unaligned offsets, metadata, views of one buffer', () => {
    // Header order differs from data order; the I8 tensor leaves the F32 one unaligned.
    const header = JSON.stringify({
      'b.weight': { dtype: 'F32', shape: [2], data_offsets: [3, 11] },
      __metadata__: { format: 'pt' },
      'a.bias': { dtype: 'I8', shape: [3], data_offsets: [0, 3] },
    });
    const data = new Uint8Array(11);
    data.set([1, 2, 0xfe]);
    data.set(f32([0.5, -4]), 3);
    const tensors = reckit.loadSafetensors(withHeader(header, data));
    expect([...tensors.keys()]).toEqual(['a.bias', 'b.weight']);
    same(tensors.get('a.bias')!.data, [1, 2, -2]);
    same(tensors.get('b.weight')!.data, [0.5, -4]);
    expect(tensors.get('a.bias')!.data.buffer).toBe(tensors.get('b.weight')!.data.buffer);
  });

  test('ArrayBuffer, a Uint8Array view into a larger buffer, odd names', () => {
    const bytes = file([
      { name: 'émbed "x"\n', dtype: 'F32', shape: [1, 2], raw: f32([1, 2]) },
      { name: 'w', dtype: 'F16', shape: [1], raw: u16([0x3c00]) },
    ]);
    const check = (m: Map<string, reckit.Tensor>) => {
      same(m.get('émbed "x"\n')!.data, [1, 2]);
      same(m.get('w')!.data, [1]);
    };
    check(reckit.loadSafetensors(bytes.slice().buffer));
    const bigger = new Uint8Array(bytes.length + 16);
    bigger.set(bytes, 5);
    check(reckit.loadSafetensors(bigger.subarray(5, 5 + bytes.length)));
  });

  test('a larger file (100k F16 and BF16 values)', () => {
    const n = 100_000;
    const h = Array.from({ length: n }, (_, i) => (i * 7919) & 0x7bff); // finite F16s
    const tensors = reckit.loadSafetensors(file([
      { name: 'h', dtype: 'F16', shape: [n / 100, 100], raw: u16(h) },
      { name: 'b', dtype: 'BF16', shape: [n], raw: u16(h) },
    ]));
    const view = new DataView(new ArrayBuffer(4));
    const half = (x: number) => {
      const e = (x >> 10) & 0x1f;
      const m = x & 0x3ff;
      return (x & 0x8000 ? -1 : 1) * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
    };
    const bf = (x: number) => (view.setUint32(0, x << 16), view.getFloat32(0));
    const hd = tensors.get('h')!.data;
    const bd = tensors.get('b')!.data;
    for (let i = 0; i < n; i += 997) {
      expect(hd[i]).toBe(half(h[i]));
      expect(bd[i]).toBe(bf(h[i]));
    }
  });
});

describe('loadSafetensors: malformed files are RangeErrors `bytes: …`', () => {
  const load = (b: Uint8Array | ArrayBuffer) => () => reckit.loadSafetensors(b);
  const t = (dtype: string, shape: string, offsets: string) => `{"t":{"dtype":${dtype},"shape":${shape},"data_offsets":${offsets}}}`;
  const two = (a: string, b: string, data: number) =>
    withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":${a}},"b":{"dtype":"F32","shape":[1],"data_offsets":${b}}}`, data);

  test('truncated files and header lengths', () => {
    err(load(new Uint8Array(0)), RangeError, /^bytes: has 0 bytes; a safetensors file starts with an 8-byte header length/);
    err(load(Uint8Array.of(1, 0, 0)), RangeError, /^bytes: has 3 bytes/);
    err(load(withHeader('{}', 0, 100)), RangeError, /^bytes: the header length is 100 bytes, but the file has only 2 bytes after it/);
    err(load(withHeader('{}', 0, 2 ** 40)), RangeError, /^bytes: the header length is 1099511627776 bytes, above the limit of 100000000/);
    const good = file([{ name: 'a', dtype: 'F32', shape: [2], raw: f32([1, 2]) }]);
    err(load(good.subarray(0, good.length - 1)), RangeError, /^bytes: tensor 'a' has data_offsets \[0, 8\], beyond the data buffer's 7 bytes/);
    err(load(good.subarray(0, 20)), RangeError, /^bytes: the header length is \d+ bytes, but the file has only 12 bytes after it/);
  });

  test('header text: UTF-8, JSON, an object', () => {
    const notUtf8 = withHeader('{"a?":{}}');
    notUtf8[11] = 0xc3;
    err(load(notUtf8), RangeError, /^bytes: the header is not UTF-8 \(invalid byte at header offset 3\)/);
    err(load(withHeader('{"a":')), RangeError, /^bytes: the header is not valid JSON: EOF/);
    err(load(withHeader('')), RangeError, /^bytes: the header is not valid JSON/);
    err(load(withHeader('{} x')), RangeError, /^bytes: the header is not valid JSON: trailing characters/);
    err(load(withHeader("{'a': 1}")), RangeError, /^bytes: the header is not valid JSON: key must be a string/);
    err(load(withHeader('[]')), RangeError, /^bytes: the header is an array, not a JSON object/);
    err(load(withHeader('['.repeat(5000))), RangeError, /^bytes: the header is not valid JSON: recursion limit exceeded/);
  });

  test('keys given twice', () => {
    err(load(withHeader(`{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8)),
      RangeError, /^bytes: the header has key 't' twice/);
    err(load(withHeader(`{"t":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 4)), RangeError, /^bytes: tensor 't' has field dtype twice/);
    err(load(withHeader(`{"__metadata__":{"k":"1","k":"2"}}`)), RangeError, /^bytes: __metadata__ has key 'k' twice/);
  });

  test('fields: dtype, shape, data_offsets, metadata', () => {
    err(load(withHeader(t('"F8_E4M3"', '[1]', '[0,1]'), 1)), RangeError, /^bytes: tensor 't' has dtype 'F8_E4M3'; reckit reads F64, F32, F16, BF16, I64/);
    err(load(withHeader(t('4', '[1]', '[0,4]'), 4)), RangeError, /^bytes: tensor 't' has dtype 4; expected a string/);
    err(load(withHeader(t('"F32"', '[2,-1]', '[0,4]'), 4)), RangeError, /^bytes: tensor 't' has shape \[2, -1\]; expected an array of non-negative integers/);
    err(load(withHeader(t('"F32"', '[1.5]', '[0,4]'), 4)), RangeError, /^bytes: tensor 't' has shape \[1\.5\]; expected an array of non-negative integers/);
    err(load(withHeader(t('"F32"', '[1]', '[0,4.0]'), 4)), RangeError, /^bytes: tensor 't' has data_offsets \[0, 4\.0\]; expected \[begin, end\], two non-negative integers/);
    err(load(withHeader(t('"F32"', '[1]', '[-4,0]'), 4)), RangeError, /^bytes: tensor 't' has data_offsets \[-4, 0\]/);
    err(load(withHeader(t('"F32"', '[1]', '[0,4,8]'), 8)), RangeError, /^bytes: tensor 't' has data_offsets \[0, 4, 8\]/);
    err(load(withHeader('{"t":{"dtype":"F32","shape":[0]}}')), RangeError, /^bytes: tensor 't' has no data_offsets/);
    err(load(withHeader('{"t":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":1}}')), RangeError, /^bytes: tensor 't' has an unknown field 'x'/);
    err(load(withHeader('{"t":"F32"}')), RangeError, /^bytes: tensor 't' is a string; expected an object/);
    err(load(withHeader('{"__metadata__":{"k":1}}')), RangeError, /^bytes: __metadata__\['k'\] is a number; metadata values must be strings/);
    err(load(withHeader('{"__metadata__":[]}')), RangeError, /^bytes: __metadata__ is an array/);
  });

  test('shape × dtype size must equal the byte range', () => {
    err(load(withHeader(t('"F32"', '[2,3]', '[0,20]'), 20)), RangeError,
      /^bytes: tensor 't' has shape \[2, 3\] of F32: 24 bytes, but its data_offsets \[0, 20\] hold 20 bytes/);
    err(load(withHeader(t('"F16"', '[4294967296,4294967296]', '[0,4]'), 4)), RangeError, /^bytes: tensor 't' has shape .* of F16: more than 2\^64 bytes/);
  });

  test('offsets: order, range, overlaps, holes', () => {
    err(load(withHeader(t('"F32"', '[1]', '[8,4]'), 8)), RangeError, /^bytes: tensor 't' has data_offsets \[8, 4\]: begin is after end/);
    err(load(withHeader(t('"F32"', '[2]', '[0,8]'), 4)), RangeError, /^bytes: tensor 't' has data_offsets \[0, 8\], beyond the data buffer's 4 bytes/);
    err(load(two('[0,4]', '[2,6]', 6)), RangeError, /^bytes: tensors 'a' \(data_offsets \[0, 4\]\) and 'b' \(\[2, 6\]\) overlap/);
    err(load(two('[0,4]', '[0,4]', 4)), RangeError, /^bytes: tensors 'a' .* and 'b' .* overlap/);
    err(load(two('[0,4]', '[8,12]', 12)), RangeError, /^bytes: bytes \[4, 8\) of the data buffer, between 'a' and 'b', belong to no tensor/);
    err(load(two('[4,8]', '[8,12]', 12)), RangeError, /^bytes: bytes \[0, 4\) of the data buffer, between the start of the buffer and 'a'/);
    err(load(two('[0,4]', '[4,8]', 9)), RangeError, /^bytes: bytes \[8, 9\) of the data buffer, after 'b', belong to no tensor/);
  });

  test('BOOL bytes are 0 or 1', () => {
    err(load(file([{ name: 'm', dtype: 'BOOL', shape: [3], raw: Uint8Array.of(1, 0, 2) }])), RangeError,
      /^bytes: tensor 'm' is BOOL but its element 2 is byte 2; BOOL bytes must be 0 or 1/);
  });

  test('not bytes', () => {
    err(() => reckit.loadSafetensors([1, 2, 3] as unknown as Uint8Array), TypeError, /^bytes must be a Uint8Array or an ArrayBuffer, got an array/);
    err(() => reckit.loadSafetensors('x' as unknown as Uint8Array), TypeError, /^bytes must be a Uint8Array or an ArrayBuffer, got string/);
  });
});

describe('tensor()', () => {
  test('converts and checks', () => {
    const t = reckit.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    same(t.data, [1, 2, 3, 4, 5, 6]);
    const f = Float32Array.of(1, NaN);
    expect(reckit.tensor(f, [2]).data).toBe(f); // not copied; any float allowed
    same(reckit.tensor(Float64Array.of(0.1, 1e40), [1, 2]).data, [Math.fround(0.1), Infinity]);
    same(reckit.tensor(Int8Array.of(-3), []).data, [-3]);
    same(reckit.tensor([], [0, 3]).data, []);
    const shape = [3];
    const copy = reckit.tensor([1, 2, 3], shape);
    shape[0] = 5;
    expect(copy.shape).toEqual([3]);
  });

  test('bad shapes and data', () => {
    err(() => reckit.tensor([1, 2, 3], [2, 2]), RangeError, /^data: has length 3, expected 4 \(the product of shape \[2, 2\]\)/);
    err(() => reckit.tensor([1], [1.5]), RangeError, /^shape: shape\[0\] is 1\.5; dimensions must be non-negative integers/);
    err(() => reckit.tensor([1], [1, -1]), RangeError, /^shape: shape\[1\] is -1/);
    err(() => reckit.tensor([1], [NaN]), RangeError, /^shape: shape\[0\] is NaN/);
    err(() => reckit.tensor([1], 1 as unknown as number[]), TypeError, /^shape must be an array of non-negative integers, got number/);
    err(() => reckit.tensor(['a'] as unknown as number[], [1]), TypeError, /^data\[0\] is string, not a number/);
    err(() => reckit.tensor(5 as unknown as number[], [1]), TypeError, /^data must be an array or a typed array, got number/);
    err(() => reckit.tensor(BigInt64Array.of(1n) as unknown as number[], [1]), TypeError, /^data must hold numbers, not bigints/);
  });
});
