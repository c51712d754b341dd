import { expect } from 'vitest';

/** `f` throws a `type` whose message matches. */
export function err(f: () => unknown, type: typeof Error, message: RegExp) {
  let e: unknown;
  try {
    f();
  } catch (x) {
    e = x;
  }
  expect(e).toBeInstanceOf(type);
  expect((e as Error).message).toMatch(message);
}
