"""TREC fixtures: a qrels/run pair and what trec_eval computes and prints for it.

    pip install -r python/requirements.txt && python3 python/make_trec_fixtures.py

Writes ts/test/fixtures/trec/:
- qrels.txt (`qid iter docno rel`) and run.txt (`qid Q0 docno rank score tag`), UTF-8;
- expected.json: every value of the measures `reckit trec` computes (EVERY below), per query
  and in the summary, for ts/test/trec.test.ts;
- one <case>.txt per command line of CASES, what `trec_eval <args> qrels.txt run.txt` prints,
  and cases.json listing them, for ts/test/cli/trec.test.ts.

The per-query values come from trec_eval itself: pytrec_eval (pytrec_eval-terrier, which
compiles trec_eval 9.0's C sources, usnistgov/trec_eval, and calls its measures on the
parsed files). pytrec_eval returns no summary and prints nothing, so two parts of trec_eval's
main program (trec_eval.c) are written out here, from its sources:
- the summary ("all"): meas_avg.c, te_calc_avg_meas_s (the sum over queries, in query order,
  divided by their number), except num_ret, num_rel and num_rel_ret (summed, no average),
  num_q (the number of queries, m_num_q.c) and gm_map (exp of the mean of the per-query
  ln(max(AP, 0.00001)) that pytrec_eval returns, te_calc_avg_meas_s_gm);
- the printing: queries in strcmp order of their qids (get_trec_results.c sorts them), the
  measures in the order of te_trec_measures (measures.c), a measure's cutoffs ascending
  (meas_init.c), lines "%-22s\\t%s\\t%6.4f" or "%-22s\\t%s\\t%ld" for the counts
  (meas_print_single.c, meas_print_final.c), per-query lines only with -q and never for runid,
  num_q and gm_map; runid prints the tag of the run's last line (get_trec_results.c keeps the
  last one it parsed). Python's % formatting is C's printf (0.03125 prints as 0.0312).

The data is written by formulas (no random numbers), and covers: graded judgements 0..3,
heavy ties in score (broken by docno, descending), scores that are equal numbers written
differently (2.5, 2.50, 25e-1; 0 and -0), docnos whose UTF-8 byte order differs from
JavaScript's UTF-16 order (U+FF5E and U+1F600), relevant documents that were not retrieved, a
query judged with no relevant document, a judgement of -1 (unjudged), a run query without
judgements (skipped), a judged query missing from the run (not evaluated), qids whose strcmp
order is not numeric order ("99" after "108"), a non-ASCII qid, a ranking longer than 1000,
and a recall of exactly 1/32 (printed with round-half-even).
"""
import json
import math
from pathlib import Path

import pytrec_eval

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures" / "trec"

# The measures reckit trec computes, in trec_eval's print order (measures.c, te_trec_measures).
ORDER = ["runid", "num_q", "num_ret", "num_rel", "num_rel_ret", "map", "gm_map", "Rprec", "bpref", "recip_rank",
         "iprec_at_recall", "P", "recall", "ndcg", "ndcg_cut", "map_cut", "success"]
CUTS = [5, 10, 15, 20, 30, 100, 200, 500, 1000]
DEFAULTS = {"P": CUTS, "recall": CUTS, "ndcg_cut": CUTS, "map_cut": CUTS, "success": [1, 5, 10],
            "iprec_at_recall": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]}
OFFICIAL = ["runid", "num_q", "num_ret", "num_rel", "num_rel_ret", "map", "gm_map", "Rprec", "bpref", "recip_rank",
            "iprec_at_recall", "P"]
LONG = {"num_q", "num_ret", "num_rel", "num_rel_ret"}
SUMMARY_ONLY = {"runid", "num_q", "gm_map"}
SUMMED = {"num_ret", "num_rel", "num_rel_ret"}
EVERY = OFFICIAL + ["recall", "ndcg", "ndcg_cut", "map_cut", "success"]

# Command lines: the trec_eval arguments, and the measures they select (name → cutoffs or None).
CASES = [
    ("default", [], {m: None for m in OFFICIAL}, False),
    ("default-q", ["-q"], {m: None for m in OFFICIAL}, True),
    ("every-q", ["-q", "-m", "official", "-m", "recall", "-m", "ndcg", "-m", "ndcg_cut", "-m", "map_cut", "-m", "success"],
     {m: None for m in EVERY}, True),
    ("selected", ["-m", "P.5,10", "-m", "ndcg_cut.10", "-m", "map"], {"P": [5, 10], "ndcg_cut": [10], "map": None}, False),
    ("cutoffs-q", ["-q", "-m", "recip_rank", "-m", "P.32,1,2", "-m", "recall.32", "-m", "map_cut.3"],
     {"recip_rank": None, "P": [1, 2, 32], "recall": [32], "map_cut": [3]}, True),
    ("iprec-q", ["-q", "-m", "iprec_at_recall.0.5,0.125,0.25"], {"iprec_at_recall": [0.125, 0.25, 0.5]}, True),
]


def data():
    """(qrels, run): qrels rows (qid, docno, rel); run rows (qid, docno, score text)."""
    qrels, run = [], []
    # 101: 60 documents, 45 retrieved; judged unless 5i mod 7 = 0, grades 0..3; scores k/4 for
    # k in 0..11 (heavy ties); the judged documents 45..59 were not retrieved.
    for i in range(60):
        d = f"FT-101-{i:03d}"
        if (i * 5) % 7 != 0:
            qrels.append(("101", d, (i * 13 + 5) % 4))
        if i < 45:
            run.append(("101", d, f"{((i * 17) % 12) / 4:.2f}"))
    # 102: one score for six docnos whose byte order (strcmp) is dZ < dz < d~ < dé < d～ < d😀.
    # JavaScript's < would put d😀 (a surrogate pair, 0xD83D…) before d～ (0xFF5E).
    for d, rel, score in [("top", 0, "3"), ("d\U0001F600", 0, "2.5"), ("d\uff5e", 3, "2.50"), ("d\u00e9", 1, "25e-1"),
                          ("d~", 0, "2.5"), ("dz", 2, "2.5"), ("dZ", 0, "2.5"), ("low", 1, "1")]:
        qrels.append(("102", d, rel))
        run.append(("102", d, score))
    qrels.append(("102", "unretrieved", 2))
    # 103: judged, nothing relevant.
    for i in range(5):
        qrels.append(("103", f"x{i}", 0))
    for d in ["x0", "x1", "x2", "y0", "y1"]:
        run.append(("103", d, f"{len(run) % 5}.5"))
    # 104: in the run only (skipped). 105: judged only (not evaluated).
    for i in range(4):
        run.append(("104", f"x{i}", str(4 - i)))
        qrels.append(("105", f"x{i}", 1))
    # 106: a judgement of -1 (in the pool, unjudged) retrieved first.
    qrels += [("106", "n1", 1), ("106", "n2", -1), ("106", "n3", 0)]
    run += [("106", "n2", "0.9"), ("106", "n1", "0.8"), ("106", "n3", "0.7"), ("106", "n4", "0.6")]
    # 107: 1200 retrieved (pairs of equal scores), relevant when i mod 9 = 4, judged up to 1499.
    for i in range(1500):
        d = f"LA{i:05d}"
        if i % 9 == 4:
            qrels.append(("107", d, 1 + i % 2))
        elif i % 5 == 0:
            qrels.append(("107", d, 0))
        if i < 1200:
            run.append(("107", d, repr((1200 - i) // 2 / 10)))
    # 108: 32 relevant, one retrieved (rank 3): recall = 1/32 = 0.03125, printed 0.0312.
    for i in range(32):
        qrels.append(("108", f"r{i:02d}", 1))
    for i, d in enumerate(["s0", "s1", "r05", "s3", "s4", "s5", "s6", "s7", "s8", "s9"]):
        run.append(("108", d, f"{10 - i}"))
    # 109: 0 and -0 tie (m2 ranks first); signs and exponents.
    qrels += [("109", "m1", 1), ("109", "m2", 0), ("109", "m4", 2)]
    run += [("109", "m1", "-0"), ("109", "m2", "0"), ("109", "m3", "-1.5"), ("109", "m4", "1e-3"), ("109", "m5", "+2")]
    # 99 sorts after 108; zé after both (UTF-8).
    qrels.append(("99", "a", 1))
    run.append(("99", "a", "1"))
    qrels += [("z\u00e9", "p", 2), ("z\u00e9", "q", 1)]
    run += [("z\u00e9", "q", "1"), ("z\u00e9", "p", "1")]
    return qrels, run


def write(qrels, run):
    OUT.mkdir(parents=True, exist_ok=True)
    # Separators vary: spaces, tabs, runs of blanks. The run's lines are interleaved across
    # queries and its rank column is the line number: trec_eval ranks by score only.
    with open(OUT / "qrels.txt", "w", encoding="utf-8", newline="\n") as f:
        for n, (q, d, rel) in enumerate(qrels):
            f.write(f"{q}\t0\t{d}\t{rel}\n" if n % 3 == 0 else f"{q} 0 {d}  {rel}\n")
    order = sorted(range(len(run)), key=lambda i: ((i * 7919) % len(run), i))
    lines = [run[i] for i in order]
    with open(OUT / "run.txt", "w", encoding="utf-8", newline="\n") as f:
        for n, (q, d, score) in enumerate(lines):
            f.write(f"{q} Q0 {d} {n + 1} {score} reckit-fixture\n")
    return lines


def evaluate(qrels, run, selected):
    """pytrec_eval's per-query values of the `selected` measures (name → cutoffs or None)."""
    judged, retrieved = {}, {}
    for q, d, rel in qrels:
        judged.setdefault(q, {})[d] = rel
    for q, d, score in run:
        retrieved.setdefault(q, {})[d] = float(score)
    specs = set()
    for m, cuts in selected.items():
        specs.add(m if cuts is None else f"{m}.{','.join(str(c) for c in cuts)}")
    return pytrec_eval.RelevanceEvaluator(judged, specs).evaluate(retrieved)


def names(m, cuts):
    """The value names of measure m, as trec_eval prints them (meas_init.c: append_long, append_float)."""
    if m not in DEFAULTS:
        return [m]
    cuts = sorted(DEFAULTS[m] if cuts is None else cuts)
    return [f"{m}_{c:3.2f}" if m == "iprec_at_recall" else f"{m}_{c}" for c in cuts]


def summary(name, m, values):
    """trec_eval's "all" value of one value name, from the per-query values in query order."""
    if m == "num_q":
        return float(len(values))
    total = 0.0
    for v in values:
        total += v
    if m in SUMMED:
        return total
    if m == "gm_map":
        return math.exp(total / len(values))
    return total / len(values)


def main():
    qrels, run = data()
    lines = write(qrels, run)
    runid = "reckit-fixture"
    cases = []
    for case, args, selected, per_query in CASES:
        result = evaluate(qrels, lines, selected)
        queries = sorted(result, key=lambda q: q.encode())
        measures = [(m, n) for m in ORDER if m in selected for n in names(m, selected[m])]
        out = []
        fmt = lambda n, q, v, m: f"{n:<22}\t{q}\t{int(v)}" if m in LONG else f"{n:<22}\t{q}\t{v:6.4f}"
        if per_query:
            for q in queries:
                out += [fmt(n, q, result[q][n], m) for m, n in measures if m not in SUMMARY_ONLY]
        for m, n in measures:
            if m == "runid":
                out.append(f"{'runid':<22}\tall\t{runid}")
            else:
                out.append(fmt(n, "all", summary(n, m, [result[q][n] for q in queries]), m))
        (OUT / f"{case}.txt").write_text("\n".join(out) + "\n", encoding="utf-8")
        cases.append({"name": case, "args": args, "expected": f"{case}.txt"})
        if case == "every-q":
            expected = {
                "measures": [a for a in args if a not in ("-q", "-m")],
                "names": [n for _, n in measures],
                "queries": queries,
                "runid": runid,
                "perQuery": {q: {n: result[q][n] for m, n in measures if m not in SUMMARY_ONLY} for q in queries},
                "all": {n: summary(n, m, [result[q][n] for q in queries]) for m, n in measures if m != "runid"},
            }
            (OUT / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (OUT / "cases.json").write_text(json.dumps(cases, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: qrels.txt ({len(qrels)} lines), run.txt ({len(run)} lines), expected.json, "
          f"{len(cases)} cases, queries evaluated {len(queries)}")


if __name__ == "__main__":
    main()
