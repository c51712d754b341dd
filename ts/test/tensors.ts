/** Tensor fixtures and comparisons shared by the layer and model tests. */
import { expect } from 'vitest';
import * as reckit from 'reckit';
import type { Tensor } from 'reckit';

/** A committed safetensors fixture (imported as a `?inline` data URL), read through the public loader. */
export function inlineSafetensors(files: Record<string, string>, path: string): Map<string, Tensor> {
  const url = files[path];
  if (!url) throw new Error(`no fixture ${path}`);
  const bytes = Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
  return reckit.loadSafetensors(bytes);
}

/** Within 1e-5 of the reference, relative to max(1, |want|). */
export function expectClose(got: Tensor | undefined, want: Tensor | undefined, what: string) {
  expect(got, what).toBeDefined();
  expect(got!.shape, `${what} shape`).toEqual(want!.shape);
  expect(got!.data).toBeInstanceOf(Float32Array);
  const bad = want!.data.findIndex((w, i) => !(Math.abs(got!.data[i] - w) <= 1e-5 * Math.max(1, Math.abs(w))));
  if (bad >= 0) expect.fail(`${what}[${bad}]: got ${got!.data[bad]}, want ${want!.data[bad]}`);
}
