/**
 * trec_eval's measures (trecEval) against trec_eval itself: pytrec_eval's values on the
 * committed qrels/run pair (python/make_trec_fixtures.py), then the rules trec_eval follows
 * where reckit's rankingMetrics does not, and the errors.
 */
import { describe, expect, test } from 'vitest';
import { TrecInputError, mapAtK, rankingMetrics, trecEval, trecEvalAsync, trecMeasures, type TrecReport } from 'reckit';
import qrelsText from './fixtures/trec/qrels.txt?raw';
import runText from './fixtures/trec/run.txt?raw';
import expected from './fixtures/trec/expected.json';

const close = (got: number, want: number, where: string) => expect(Math.abs(got - want), `${where}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-12);

function expectTrecEval(r: TrecReport) {
  expect(r.queries).toEqual(expected.queries);
  expect(r.measures).toEqual(expected.names);
  expect(r.runid).toBe(expected.runid);
  const perQuery = expected.perQuery as Record<string, Record<string, number>>;
  for (const q of expected.queries) {
    expect(Object.keys(r.perQuery[q]), q).toEqual(Object.keys(perQuery[q]));
    for (const [name, v] of Object.entries(perQuery[q])) close(r.perQuery[q][name], v, `${q} ${name}`);
  }
  expect(Object.keys(r.all)).toEqual(Object.keys(expected.all));
  for (const [name, v] of Object.entries(expected.all)) close(r.all[name], v, `all ${name}`);
}

describe('trec_eval (pytrec_eval) on the committed qrels and run', () => {
  test('every measure, per query and summary, within 1e-12', async () => {
    expectTrecEval(trecEval(qrelsText, runText, { measures: expected.measures }));
    expectTrecEval(await trecEvalAsync(qrelsText, runText, { measures: expected.measures }));
  });

  test('the same from arrays of judgements and results', () => {
    const rows = (text: string) => text.trim().split('\n').map((l) => l.split(/\s+/));
    const qrels = rows(qrelsText).map(([query, , doc, rel]) => ({ query, doc, rel: Number(rel) }));
    const run = rows(runText).map(([query, , doc, , score, tag]) => ({ query, doc, score: Number(score), tag }));
    expectTrecEval(trecEval(qrels, run, { measures: expected.measures }));
  });

  test('queries evaluated: those of the run with judgements, in byte order ("99" after "108", "zé" last)', () => {
    const r = trecEval(qrelsText, runText);
    expect(r.queries).toEqual(['101', '102', '103', '106', '107', '108', '109', '99', 'z\u00e9']);
    expect(r.all.num_q).toBe(9);
    expect(r.measures.slice(0, 3)).toEqual(['runid', 'num_q', 'num_ret']); // official, trec_eval's default
  });
});

describe('trec_eval rules that differ from rankingMetrics', () => {
  test('equal scores rank by docno descending, compared byte-wise (U+1F600 after U+FF5E)', () => {
    // strcmp on UTF-8: "d\u{1F600}" (F0 …) > "d\uFF5E" (EF …) > "da"; JavaScript's < would say "d\u{1F600}" < "d\uFF5E".
    const qrels = [{ query: 'q', doc: 'd\uff5e', rel: 1 }];
    const run = ['da', 'd\uff5e', 'd\u{1F600}'].map((doc) => ({ query: 'q', doc, score: 1 }));
    expect(trecEval(qrels, run, { measures: 'recip_rank' }).all.recip_rank).toBe(0.5);
    // The input order does not matter; rankingMetrics ranks ties by it (the relevant row listed first ranks first).
    expect(trecEval(qrels, [run[1], run[0], run[2]], { measures: 'recip_rank' }).all.recip_rank).toBe(0.5);
    expect(rankingMetrics([1, 0, 0], [1, 1, 1], { k: 3 }).at[3].mrr).toBe(1);
  });

  test('map_cut_k divides by all relevant documents R; mapAtK by min(K, R)', () => {
    // R = 3, one relevant document retrieved first.
    const qrels = ['a', 'b', 'c'].map((doc) => ({ query: 'q', doc, rel: 1 }));
    const run = [{ query: 'q', doc: 'a', score: 3 }, { query: 'q', doc: 'x', score: 2 }];
    expect(trecEval(qrels, run, { measures: ['map_cut.1', 'map'] }).all).toEqual({ map_cut_1: 1 / 3, map: 1 / 3 });
    expect(mapAtK([1, 0], [3, 2], 1)).toBe(1);
  });

  test("NDCG's ideal ranking counts judged documents the run did not retrieve; P_k divides by k", () => {
    const qrels = [{ query: 'q', doc: 'a', rel: 1 }, { query: 'q', doc: 'b', rel: 2 }];
    const r = trecEval(qrels, [{ query: 'q', doc: 'a', score: 1 }], { measures: ['ndcg', 'P_5', 'recall_5'] });
    expect(r.all).toEqual({ ndcg: 1 / (2 + 1 / Math.log2(3)), P_5: 0.2, recall_5: 0.5 });
    // rankingMetrics sees only the rows given: its ideal is the one retrieved document.
    expect(rankingMetrics([1], [1], { k: 5 }).at[5].ndcg).toBe(1);
  });
});

describe('measures (trec_eval -m)', () => {
  test('official by default; cutoffs sorted, shorthand names, several arguments add up', () => {
    const names = (m?: string | string[]) => trecMeasures(m).map((v) => v.name);
    expect(names()).toEqual([
      'runid', 'num_q', 'num_ret', 'num_rel', 'num_rel_ret', 'map', 'gm_map', 'Rprec', 'bpref', 'recip_rank',
      ...['0.00', '0.10', '0.20', '0.30', '0.40', '0.50', '0.60', '0.70', '0.80', '0.90', '1.00'].map((p) => `iprec_at_recall_${p}`),
      ...[5, 10, 15, 20, 30, 100, 200, 500, 1000].map((k) => `P_${k}`),
    ]);
    expect(names(['ndcg_cut.20,5', 'map', 'P_10', 'P.3'])).toEqual(['map', 'P_3', 'P_10', 'ndcg_cut_5', 'ndcg_cut_20']);
    expect(names(['iprec_at_recall.0.125', 'success'])).toEqual(['iprec_at_recall_0.12', 'success_1', 'success_5', 'success_10']);
  });

  test.each([
    ['infAP', /reckit does not compute trec_eval's infAP/],
    ['all_trec', /reckit does not compute trec_eval's all_trec/],
    ['ndcgg', /"ndcgg" is not a trec_eval measure reckit computes/],
    ['P.0', /"0" is not allowed; P's cutoffs are integers >= 1/],
    ['P.5,5', /5 is given twice/],
    ['map.5', /map takes no parameters/],
    ['P.', /"" is not allowed/],
    [[], /measures: is empty/],
  ] as [string | string[], RegExp][])('%j is a RangeError', (m, message) => {
    expect(() => trecEval(qrelsText, runText, { measures: m })).toThrow(RangeError);
    expect(() => trecMeasures(m)).toThrow(message);
  });
});

describe('inputs', () => {
  test('blanks, tabs, CRLF, comment lines and extra run fields', () => {
    const qrels = '# judgements\r\nq1 0 a 1\r\n\r\n  q1\t0\tb   0  \r\n';
    const run = 'q1 Q0 a 1 0.5 tag extra fields\nq1 Q0 b 2 .75 last\n';
    const r = trecEval(qrels, run, { measures: ['num_ret', 'num_rel', 'recip_rank'] });
    expect([r.all, r.runid]).toEqual([{ num_ret: 2, num_rel: 1, recip_rank: 0.5 }, 'last']);
  });

  test.each([
    ['q 0 a', 'q Q0 a 1 1 t', 'qrels: line 1: expected 4 fields (query, iteration, document, relevance), got 3'],
    ['q 0 a 1\nq 0 b 1.5', 'q Q0 a 1 1 t', 'qrels: line 2: relevance "1.5" is not an integer'],
    ['q 0 a 1', 'q Q0 a 1 1', 'run: line 1: expected 6 fields (query, Q0, document, rank, score, run tag), got 5'],
    ['q 0 a 1', 'q Q0 a 1 0x1 t', 'run: line 1: score "0x1" is not a finite number'],
    ['q 0 a 1\nq 0 a 0', 'q Q0 a 1 1 t', 'qrels: line 2: query "q" judges document "a" again (first on line 1); trec_eval stops on duplicate documents'],
    ['q 0 a 1', 'q Q0 a 1 1 t\n\nq Q0 a 2 0 t', 'run: line 3: query "q" retrieves document "a" again (first on line 1)'],
    ['q 0 a 1', 'p Q0 a 1 1 t', 'run: no query of the run has judgements in the qrels'],
    ['# nothing\n', 'q Q0 a 1 1 t', 'qrels: has no judgements'],
  ])('%j with %j: %s', async (qrels, run, message) => {
    expect(() => trecEval(qrels, run)).toThrow(TrecInputError);
    expect(() => trecEval(qrels, run)).toThrow(message);
    await expect(trecEvalAsync(qrels, run)).rejects.toThrow(message);
  });

  test('arrays: duplicates name the entries, wrong types are TypeErrors', async () => {
    const qrels = [{ query: 'q', doc: 'a', rel: 1 }];
    const twice = [{ query: 'q', doc: 'a', score: 1 }, { query: 'q', doc: 'b', score: 2 }, { query: 'q', doc: 'a', score: 3 }];
    expect(() => trecEval(qrels, twice)).toThrow('run[2]: query "q" retrieves document "a" again (first at run[0])');
    await expect(trecEvalAsync(qrels, twice)).rejects.toThrow('run[2]: query "q" retrieves document "a" again');
    expect(() => trecEval([{ query: 'q', doc: 'a', rel: 0.5 }], twice)).toThrow('qrels[0].rel: 0.5 is not an integer');
    expect(() => trecEval(qrels, [{ query: 'q', doc: 'a', score: NaN }])).toThrow('run[0].score: NaN is not finite');
    expect(() => trecEval([{ query: 1, doc: 'a', rel: 1 }] as never, twice)).toThrow(TypeError);
    expect(() => trecEval(qrels, 42 as never)).toThrow(TypeError);
  });
});
