/** LogReader: CSV/TSV logs parsed in the core, fed in chunks of any size (every backend). */
import { describe, expect, test } from 'vitest';
import { LogError, LogReader, auc } from 'reckit';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Reads `data` split at `cuts`. */
function read(data: Uint8Array, cuts: number[], options = {}) {
  const reader = new LogReader(options);
  let last = 0;
  try {
    for (const c of [...cuts, data.length]) {
      reader.feed(data.subarray(last, c));
      last = c;
    }
  } catch (e) {
    if (!(e instanceof LogError)) throw e; // finish() returns it with the rows before it
  }
  return reader.finish();
}

const log = '\ufeffuser,label,score\r\n7,1,0.5\r\n\r\n"u,2",0,"1e-3"\n"x""y",1,-2.5\n"multi\nline",0,3\n9,0,.25';

describe('LogReader', () => {
  test('any split of the byte stream gives the same columns', () => {
    const data = bytes(log);
    const whole = read(data, [], { group: 'user' });
    expect(Array.from(whole.labels)).toEqual([1, 0, 1, 0, 0]);
    expect(Array.from(whole.scores)).toEqual([0.5, 1e-3, -2.5, 3, 0.25]);
    // "7" is a number until "u,2" arrives; then every group is numbered in order of appearance.
    expect(Array.from(whole.groups!)).toEqual([0, 1, 2, 3, 4]);
    // Each numbered id's text, as the file spells it (for joining logs, or naming users).
    expect(whole.groupNames).toEqual(['7', 'u,2', 'x"y', 'multi\nline', '9']);
    expect(whole.rows).toBe(5);
    expect(whole.error).toBeUndefined();
    let state = 12345;
    const random = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
    for (let trial = 0; trial < 200; trial++) {
      const cuts = Array.from({ length: random(6) }, () => random(data.length + 1)).sort((a, b) => a - b);
      const got = read(data, cuts, { group: 'user' });
      expect([got.labels, got.scores, got.groups], `cuts ${cuts}`).toEqual([whole.labels, whole.scores, whole.groups]);
    }
  });

  test('numeric group ids stay numbers; TSV; the values feed the metrics as they are', () => {
    const r = read(bytes('q\tlabel\tscore\n10\t1\t0.9\n10\t0\t0.1\n4294967295\t0\t0.8\n'), [5], { format: 'tsv', group: 'q' });
    expect(Array.from(r.groups!)).toEqual([10, 10, 4294967295]);
    expect(r.groupNames).toBeUndefined(); // not numbered: the ids are the file's
    expect(auc(r.labels, r.scores)).toBe(1);
  });

  test('a malformed record throws a LogError with its physical line; the rows before it stay', () => {
    const reader = new LogReader();
    expect(() => reader.feed(bytes('label,score\n1,0.5\n0,"two\nlines"\n1,0.2\n'))).toThrow(LogError);
    const r = reader.finish();
    expect(r.rows).toBe(1);
    expect(r.error).toBeInstanceOf(LogError);
    expect([r.error!.line, r.error!.column, r.error!.problem]).toEqual([3, 'score', 'score "two\\nlines" is not a finite number']);
    expect(r.error!.message).toBe('line 3: column "score": score "two\\nlines" is not a finite number');
  });

  test.each([
    ['label,score\n0x1,0.5\n', 2, 'label', '"0x1" is not a number (decimal notation only, e.g. 0.5, -3, 1e-3)'],
    ['label,score\n-1,0.5\n', 2, 'label', 'label "-1" is not a number >= 0'],
    ['label,score\n1,Infinity\n', 2, 'score', '"Infinity" is not a number (decimal notation only, e.g. 0.5, -3, 1e-3)'],
    ['label,score\n1,0.5,2\n', 2, undefined, 'has 3 fields, the header has 2'],
    ['user,label\n1,0\n', 1, undefined, 'no column "score" (columns: user, label)'],
    ['label,score,score\n', 1, 'score', 'is in the header 2 times (columns 2, 3)'],
    ['label,score\n1,"0.5\n', 2, undefined, 'Quoted field unterminated'],
    ['', undefined, undefined, 'is empty (no header, no rows)'],
  ])('%j → line %s, column %s: %s', (text, line, column, problem) => {
    const r = read(bytes(text), []);
    expect([r.error?.line, r.error?.column, r.error?.problem]).toEqual([line, column, problem]);
  });

  test('JSON Lines: lines at LF, CRLF or CR, any split, fields in use only; a bad value shown as JSON', () => {
    const data = bytes('{"user": 7, "label": 1, "score": 0.5, "x": [1, {}]}\r\n{"user": "u", "label": "0", "score": 1e-3}\r\r\n{"score":-2,"label":1,"user":7}');
    const whole = read(data, [], { format: 'jsonl', group: 'user' });
    expect([Array.from(whole.labels), Array.from(whole.scores), Array.from(whole.groups!)]).toEqual([[1, 0, 1], [0.5, 1e-3, -2], [0, 1, 0]]);
    expect(whole.groupNames).toEqual(['7', 'u']);
    for (let cut = 0; cut <= data.length; cut += 7) {
      const got = read(data, [cut], { format: 'jsonl', group: 'user' });
      expect([got.labels, got.scores, got.groups], `cut ${cut}`).toEqual([whole.labels, whole.scores, whole.groups]);
    }
    const bad = read(bytes('{"label": 1, "score": 0.5}\n{"label": [true], "score": 0.5}\n'), [], { format: 'jsonl' });
    expect([bad.rows, bad.error?.line, bad.error?.column, bad.error?.problem]).toEqual([1, 2, 'label', 'label [true] is not a number >= 0']);
  });

  test('a missing group column: an error when required, no groups when not; bad options are errors', () => {
    expect(read(bytes('label,score\n1,0\n'), [], { group: 'user' }).error?.problem).toBe('no column "user" (columns: label, score)');
    expect(read(bytes('label,score\n1,0\n'), [], { group: 'user', groupRequired: false }).groups).toBeUndefined();
    expect(() => new LogReader({ format: 'xlsx' as 'csv' })).toThrow(/format: 'xlsx' is not csv, tsv or jsonl/);
    const reader = new LogReader();
    reader.finish();
    expect(() => reader.feed(bytes('x'))).toThrow(/already finished/);
  });
});
