/** Tensor fixtures and comparisons shared by the layer and model tests. */
import { expect } from 'vitest';
import * as reckit from 'reckit';
import type { Tensor } from 'reckit';

/** The bytes of a file imported as a `?inline` data URL. */
export function inlineBytes(url: string): Uint8Array {
  return Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
}

/** A committed safetensors fixture (imported as a `?inline` data URL), read through the public loader. */
export function inlineSafetensors(files: Record<string, string>, path: string): Map<string, Tensor> {
  const url = files[path];
  if (!url) throw new Error(`no fixture ${path}`);
  return reckit.loadSafetensors(inlineBytes(url));
}

/** Within 1e-5 of the reference, relative to max(1, |want|): shape and Float32Array data. */
export function expectClose(got: Tensor | undefined, want: Tensor | undefined, what: string) {
  expect(got, what).toBeDefined();
  expect(got!.shape, `${what} shape`).toEqual(want!.shape);
  expect(got!.data).toBeInstanceOf(Float32Array);
  expectCloseValues(got!.data, want, what);
}

/** The values alone (any array of the reference's length), within 1e-5 as {@link expectClose}. */
export function expectCloseValues(got: ArrayLike<number> | undefined, want: Tensor | undefined, what: string) {
  expect(got, what).toBeDefined();
  expect(want, what).toBeDefined();
  expect(got!.length, `${what} length`).toBe(want!.data.length);
  const bad = Array.from(want!.data).findIndex((w, i) => !(Math.abs(got![i] - w) <= 1e-5 * Math.max(1, Math.abs(w))));
  if (bad >= 0) expect.fail(`${what}[${bad}]: got ${got![bad]}, want ${want!.data[bad]}`);
}
