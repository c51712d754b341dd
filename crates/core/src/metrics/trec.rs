//! trec_eval's measures over TREC relevance judgements (qrels) and a run, computed as trec_eval
//! 9.0 computes them (usnistgov/trec_eval: `form_res_rels.c` for the ranking and the relevance
//! of each retrieved document, `m_<measure>.c` for each measure, `meas_avg.c` for the summary).
//! `reckit trec` and `trecEval` print and return these values under trec_eval's names.
//!
//! The core sees no strings. Queries and documents arrive as `u32` ids that the caller numbers
//! in the byte-wise order of their text (trec_eval compares qids and docnos with `strcmp`), so
//! that comparing two ids compares the two strings: the tie rule (equal scores: docno
//! descending) and the order of the queries (qid ascending) both come from the ids.

use crate::{Error, Result};

/// trec_eval's relevance of a retrieved document that the query's qrels do not name
/// (`RELVALUE_NONPOOL`).
const NONPOOL: i64 = -1;
/// trec_eval's relevance of a retrieved document the qrels judge with a negative value: in the
/// pool but unjudged (`RELVALUE_UNJUDGED`).
const UNJUDGED: i64 = -2;
/// trec_eval's floor on AP before the logarithm of `gm_map` (`MIN_GEO_MEAN`).
const MIN_GEO_MEAN: f64 = 0.00001;

/// One value trec_eval prints: a measure, with its cutoff for the measures that take one.
/// Relevant means a judgement ≥ 1 (trec_eval's default `relevance_level`); R is the query's
/// relevant documents in the qrels (`num_rel`), and "top k" pads a shorter ranking with
/// non-relevant documents.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Measure {
    /// `num_q`: 1 per query; the summary is the number of queries evaluated.
    NumQ,
    /// `num_ret`: documents retrieved. Summary: the sum.
    NumRet,
    /// `num_rel`: R. Summary: the sum.
    NumRel,
    /// `num_rel_ret`: relevant documents retrieved. Summary: the sum.
    NumRelRet,
    /// `map`: Σ precision at each relevant retrieved document / R (0 when none is retrieved).
    Map,
    /// `gm_map`: per query ln(max(AP, 0.00001)); the summary is exp of their mean.
    GmMap,
    /// `Rprec`: relevant documents in the top min(R, num_ret) / R (0 when R = 0).
    Rprec,
    /// `bpref`: Σ over relevant retrieved docs of 1 − min(n, R) / min(N, R), n the judged
    /// non-relevant documents above it and N all judged non-relevant ones (1 when n = 0), / R.
    /// Documents the qrels do not judge are skipped.
    Bpref,
    /// `recip_rank`: 1 / rank of the first relevant document (0 if none).
    RecipRank,
    /// `iprec_at_recall_<p>`: the largest precision at any rank at or below the one where the
    /// ⌊p·R + 0.9⌋-th relevant document is retrieved (0 when fewer are retrieved).
    IprecAtRecall(f64),
    /// `P_<k>`: relevant documents in the top k / k.
    P(usize),
    /// `recall_<k>`: relevant documents in the top k / R (0 when R = 0).
    Recall(usize),
    /// `ndcg`: DCG / ideal DCG over the whole ranking; gain = the judgement, discount
    /// log2(rank + 1), the ideal from all the query's judgements (0 when the ideal is 0).
    Ndcg,
    /// `ndcg_cut_<k>`: DCG@k / ideal DCG@k, as `ndcg` cut at k.
    NdcgCut(usize),
    /// `map_cut_<k>`: Σ precision at each relevant document in the top k / R (not min(k, R)).
    MapCut(usize),
    /// `success_<k>`: 1 if a relevant document is in the top k, else 0.
    Success(usize),
}

impl Measure {
    /// A measure by trec_eval's name (`P`, `ndcg_cut`, `iprec_at_recall`, …) and its parameter:
    /// the cutoff k (an integer ≥ 1) of the measures that take one, the recall level p (any
    /// finite number) of `iprec_at_recall`, NaN for the others.
    pub fn parse(name: &str, param: f64) -> Result<Self> {
        let cutoff = || {
            if param.is_finite() && param >= 1.0 && param.fract() == 0.0 && param <= 9_007_199_254_740_992.0 {
                Ok(param as usize)
            } else {
                Err(Error::new("measures", format!("{name} needs a cutoff that is an integer >= 1, got {param}")))
            }
        };
        let none = |m: Measure| {
            if param.is_nan() {
                Ok(m)
            } else {
                Err(Error::new("measures", format!("{name} takes no parameter, got {param}")))
            }
        };
        match name {
            "num_q" => none(Measure::NumQ),
            "num_ret" => none(Measure::NumRet),
            "num_rel" => none(Measure::NumRel),
            "num_rel_ret" => none(Measure::NumRelRet),
            "map" => none(Measure::Map),
            "gm_map" => none(Measure::GmMap),
            "Rprec" => none(Measure::Rprec),
            "bpref" => none(Measure::Bpref),
            "recip_rank" => none(Measure::RecipRank),
            "ndcg" => none(Measure::Ndcg),
            "iprec_at_recall" if param.is_finite() => Ok(Measure::IprecAtRecall(param)),
            "iprec_at_recall" => Err(Error::new("measures", format!("iprec_at_recall needs a finite recall level, got {param}"))),
            "P" => cutoff().map(Measure::P),
            "recall" => cutoff().map(Measure::Recall),
            "ndcg_cut" => cutoff().map(Measure::NdcgCut),
            "map_cut" => cutoff().map(Measure::MapCut),
            "success" => cutoff().map(Measure::Success),
            other => Err(Error::new(
                "measures",
                format!(
                    "unknown measure {other:?}; expected one of num_q, num_ret, num_rel, num_rel_ret, map, gm_map, Rprec, bpref, \
                     recip_rank, iprec_at_recall, P, recall, ndcg, ndcg_cut, map_cut, success"
                ),
            )),
        }
    }
}

/// Relevance judgements: row i judges document `doc[i]` for query `query[i]` with `rel[i]`, an
/// integer (negative: in the pool but unjudged). A (query, document) pair appears once.
#[derive(Clone, Copy)]
pub struct Qrels<'a> {
    pub query: &'a [u32],
    pub doc: &'a [u32],
    pub rel: &'a [f64],
}

/// A run: row i retrieves document `doc[i]` for query `query[i]` with score `score[i]`
/// (finite). A (query, document) pair appears once. The run file's rank column is not used:
/// trec_eval ranks by score.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub query: &'a [u32],
    pub doc: &'a [u32],
    pub score: &'a [f64],
}

/// The values of each evaluated query and their summary (trec_eval's `all`).
#[derive(Clone, Debug, PartialEq)]
pub struct TrecReport {
    /// The evaluated queries: those of the run that have judgements, ascending.
    pub queries: Vec<u32>,
    /// Row-major, one row per query of `queries`, one value per requested measure.
    pub per_query: Vec<f64>,
    /// The summary of each requested measure.
    pub all: Vec<f64>,
}

impl TrecReport {
    /// `[queries, query ids…, per-query rows…, summary…]`: 1 + q + q·m + m numbers.
    pub fn into_flat(self) -> Vec<f64> {
        let mut v = Vec::with_capacity(1 + self.queries.len() + self.per_query.len() + self.all.len());
        v.push(self.queries.len() as f64);
        v.extend(self.queries.iter().map(|&q| q as f64));
        v.extend(self.per_query);
        v.extend(self.all);
        v
    }
}

/// trec_eval's measures of `run` against `qrels`, per query and summarised.
///
/// **As trec_eval 9.0** (its defaults: no `-c`, `-J`, `-M`, `-l`):
/// - The queries evaluated are those of the run that have at least one judgement in the qrels,
///   in ascending id order. A run query without judgements is skipped; a judged query missing
///   from the run is not evaluated.
/// - A query's documents are ranked by score, descending; equal scores by document id,
///   **descending** (`comp_sim_docno` in `form_res_rels.c`: `strcmp(docno2, docno1)`). Scores
///   compare as doubles (−0 equals 0).
/// - A retrieved document's relevance is its judgement; a document the qrels do not name is not
///   relevant (and bpref skips it), as is one judged with a negative value.
/// - Relevant means a judgement ≥ 1; R counts the query's judgements ≥ 1, retrieved or not.
///   NDCG's gain is the judgement itself (0, 1, 2, …), its ideal ranking all of the query's
///   judgements sorted descending.
/// - Every sum runs in rank order and the summary in query order, as trec_eval's loops do.
///   Summary: the mean over the evaluated queries, except the sums of `num_ret`, `num_rel`
///   and `num_rel_ret`, the count `num_q` and the geometric mean `gm_map`.
///
/// Each value's definition is on its [`Measure`]. Where reckit's own `ranking_metrics`
/// differs: `map_cut_k` divides by R (reckit's AP@K by min(K, R)), ties go by document id
/// descending (reckit's: input position), and a query's ideal DCG counts its unretrieved
/// judgements too.
///
/// **Errors** (trec_eval stops on the first two as well): a (query, document) pair twice in
/// the qrels or in the run; no query of the run judged in the qrels; arrays of unequal lengths;
/// a judgement that is not an integer; a score that is not finite.
pub fn trec_eval(qrels: Qrels<'_>, run: Run<'_>, measures: &[Measure]) -> Result<TrecReport> {
    check_lengths("qrels", qrels.query.len(), qrels.doc.len(), qrels.rel.len())?;
    check_lengths("run", run.query.len(), run.doc.len(), run.score.len())?;
    if let Some(i) = qrels.rel.iter().position(|r| !r.is_finite() || r.fract() != 0.0) {
        return Err(Error::new("qrels", format!("rel[{i}] is {}; a judgement is an integer", qrels.rel[i])));
    }
    if let Some(i) = run.score.iter().position(|s| !s.is_finite()) {
        return Err(Error::new("run", format!("score[{i}] is {}; scores must be finite", run.score[i])));
    }
    let judged = by_query_then_doc("qrels", qrels.query, qrels.doc)?;
    let retrieved = by_query_then_doc("run", run.query, run.doc)?;

    let mut report = TrecReport { queries: Vec::new(), per_query: Vec::new(), all: vec![0.0; measures.len()] };
    let mut j = 0; // start of the current query's judgements in `judged`
    for rows in groups(&retrieved, run.query) {
        let q = run.query[rows[0]];
        while j < judged.len() && qrels.query[judged[j]] < q {
            j += 1;
        }
        let end = j + judged[j..].iter().take_while(|&&i| qrels.query[i] == q).count();
        if end == j {
            continue; // no judgement: trec_eval skips the query
        }
        let ranked = Ranked::new(rows, &run, &judged[j..end], &qrels);
        report.queries.push(q);
        for (m, sum) in measures.iter().zip(&mut report.all) {
            let v = ranked.value(*m);
            report.per_query.push(v);
            *sum += v;
        }
        j = end;
    }
    let n = report.queries.len();
    if n == 0 {
        return Err(Error::new("run", "no query of the run has judgements in the qrels; trec_eval evaluates the queries that are in both"));
    }
    for (m, sum) in measures.iter().zip(&mut report.all) {
        match m {
            Measure::NumRet | Measure::NumRel | Measure::NumRelRet | Measure::NumQ => {}
            Measure::GmMap => *sum = (*sum / n as f64).exp(),
            _ => *sum /= n as f64,
        }
    }
    Ok(report)
}

fn check_lengths(arg: &'static str, query: usize, doc: usize, values: usize) -> Result<()> {
    if query != doc || query != values {
        return Err(Error::new(arg, format!("its arrays have different lengths: {query} queries, {doc} documents, {values} values")));
    }
    Ok(())
}

/// Row indices sorted by (query, document); a pair twice is an error naming both rows.
fn by_query_then_doc(arg: &'static str, query: &[u32], doc: &[u32]) -> Result<Vec<usize>> {
    let key = |i: usize| (u64::from(query[i]) << 32) | u64::from(doc[i]);
    let mut rows: Vec<usize> = (0..query.len()).collect();
    rows.sort_unstable_by_key(|&i| (key(i), i));
    if let Some(w) = rows.windows(2).find(|w| key(w[0]) == key(w[1])) {
        return Err(Error::new(arg, format!("rows {} and {} have the same query and document (trec_eval stops on duplicate docs)", w[0], w[1])));
    }
    Ok(rows)
}

/// The runs of equal query in rows sorted by query.
fn groups<'a>(rows: &'a [usize], query: &'a [u32]) -> impl Iterator<Item = &'a [usize]> + 'a {
    rows.chunk_by(move |&a, &b| query[a] == query[b])
}

/// One query as trec_eval's `RES_RELS`: the relevance of each retrieved document in rank order
/// and the count of judgements at each level ≥ 0.
struct Ranked {
    /// Judgement of the document at each rank; `NONPOOL` or `UNJUDGED` as in trec_eval.
    rels: Vec<i64>,
    /// (level, count) for each judgement level ≥ 0 the qrels use, ascending.
    levels: Vec<(i64, usize)>,
    /// R: judgements ≥ 1.
    num_rel: usize,
    num_rel_ret: usize,
}

impl Ranked {
    /// `rows`: the query's run rows; `judged`: its qrels rows, sorted by document.
    fn new(rows: &[usize], run: &Run<'_>, judged: &[usize], qrels: &Qrels<'_>) -> Self {
        let mut order = rows.to_vec();
        // Score descending, then document descending (the scores are finite: no NaN).
        order.sort_unstable_by(|&a, &b| {
            run.score[b].partial_cmp(&run.score[a]).unwrap_or(std::cmp::Ordering::Equal).then(run.doc[b].cmp(&run.doc[a]))
        });
        let rels: Vec<i64> = order
            .iter()
            .map(|&i| match judged.binary_search_by_key(&run.doc[i], |&r| qrels.doc[r]) {
                Ok(r) if qrels.rel[judged[r]] >= 0.0 => qrels.rel[judged[r]] as i64,
                Ok(_) => UNJUDGED,
                Err(_) => NONPOOL,
            })
            .collect();
        let mut judgements: Vec<i64> = judged.iter().map(|&r| qrels.rel[r] as i64).filter(|&r| r >= 0).collect();
        judgements.sort_unstable();
        let levels: Vec<(i64, usize)> = judgements.chunk_by(|a, b| a == b).map(|c| (c[0], c.len())).collect();
        let num_rel = levels.iter().filter(|&&(l, _)| l >= 1).map(|&(_, c)| c).sum();
        let num_rel_ret = rels.iter().filter(|&&r| r >= 1).count();
        Ranked { rels, levels, num_rel, num_rel_ret }
    }

    fn num_ret(&self) -> usize {
        self.rels.len()
    }

    /// Relevant documents in the top k (k may exceed the ranking).
    fn relevant_in_top(&self, k: usize) -> usize {
        self.rels.iter().take(k).filter(|&&r| r >= 1).count()
    }

    /// Σ precision at each relevant document in the top k (`m_map.c`, `m_map_cut.c`).
    fn precision_sum(&self, k: usize) -> f64 {
        let (mut sum, mut so_far) = (0.0, 0usize);
        for (i, _) in self.rels.iter().enumerate().take(k).filter(|(_, &r)| r >= 1) {
            so_far += 1;
            sum += so_far as f64 / (i + 1) as f64;
        }
        sum
    }

    /// DCG of the top k in rank order: gain = the judgement where it is > 0 (`m_ndcg_cut.c`).
    fn dcg(&self, k: usize) -> f64 {
        let mut sum = 0.0;
        for (i, &r) in self.rels.iter().enumerate().take(k) {
            if r > 0 {
                sum += r as f64 / ((i + 2) as f64).log2();
            }
        }
        sum
    }

    /// DCG of the ideal top k: the judgements > 0 sorted descending.
    fn ideal_dcg(&self, k: usize) -> f64 {
        let gains = self.levels.iter().rev().filter(|&&(l, _)| l > 0).flat_map(|&(l, c)| std::iter::repeat_n(l, c));
        let mut sum = 0.0;
        for (i, g) in gains.take(k).enumerate() {
            sum += g as f64 / ((i + 2) as f64).log2();
        }
        sum
    }

    fn average_precision(&self) -> f64 {
        if self.num_rel_ret == 0 {
            return 0.0;
        }
        self.precision_sum(usize::MAX) / self.num_rel as f64
    }

    fn value(&self, m: Measure) -> f64 {
        let (n, r) = (self.num_ret(), self.num_rel);
        match m {
            Measure::NumQ => 1.0,
            Measure::NumRet => n as f64,
            Measure::NumRel => r as f64,
            Measure::NumRelRet => self.num_rel_ret as f64,
            Measure::Map => self.average_precision(),
            Measure::GmMap => self.average_precision().max(MIN_GEO_MEAN).ln(),
            Measure::Rprec => {
                let look = n.min(r);
                if look == 0 {
                    return 0.0;
                }
                self.relevant_in_top(look) as f64 / r as f64
            }
            Measure::Bpref => self.bpref(),
            Measure::RecipRank => match self.rels.iter().position(|&x| x >= 1) {
                Some(i) => 1.0 / (i + 1) as f64,
                None => 0.0,
            },
            Measure::IprecAtRecall(p) => self.iprec_at_recall(p),
            Measure::P(k) => self.relevant_in_top(k) as f64 / k as f64,
            Measure::Recall(k) => {
                if r == 0 {
                    return 0.0;
                }
                self.relevant_in_top(k) as f64 / r as f64
            }
            Measure::Ndcg => {
                let ideal = self.ideal_dcg(usize::MAX);
                if ideal > 0.0 { self.dcg(usize::MAX) / ideal } else { 0.0 }
            }
            Measure::NdcgCut(k) => {
                // m_ndcg_cut.c leaves the DCG undivided when the ideal is 0 (then it is 0 too).
                let (dcg, ideal) = (self.dcg(k), self.ideal_dcg(k));
                if ideal > 0.0 { dcg / ideal } else { dcg }
            }
            Measure::MapCut(k) => {
                if r == 0 {
                    return 0.0;
                }
                self.precision_sum(k) / r as f64
            }
            Measure::Success(k) => {
                if self.relevant_in_top(k) > 0 { 1.0 } else { 0.0 }
            }
        }
    }

    /// `m_bpref.c` with relevance level 1: non-relevant = judged 0.
    fn bpref(&self) -> f64 {
        let r = self.num_rel;
        let num_nonrel: usize = self.levels.iter().filter(|&&(l, _)| l == 0).map(|&(_, c)| c).sum();
        let (mut nonrel_so_far, mut bpref) = (0usize, 0.0);
        for &rel in &self.rels {
            if rel == NONPOOL || rel == UNJUDGED {
                continue;
            }
            if rel == 0 {
                nonrel_so_far += 1;
            } else if nonrel_so_far > 0 {
                bpref += 1.0 - nonrel_so_far.min(r) as f64 / num_nonrel.min(r) as f64;
            } else {
                bpref += 1.0;
            }
        }
        if r > 0 { bpref / r as f64 } else { bpref }
    }

    /// `m_iprec_at_recall.c` for one recall level, its reverse scan kept as it is.
    fn iprec_at_recall(&self, p: f64) -> f64 {
        let n = self.num_ret();
        // C's (long) conversion truncates toward zero, as `as` does.
        let cutoff = (p * self.num_rel as f64 + 0.9) as i64;
        if cutoff > self.num_rel_ret as i64 || n == 0 {
            return 0.0;
        }
        let mut int_precis = self.num_rel_ret as f64 / n as f64;
        let mut rel_so_far = self.num_rel_ret as i64;
        let mut i = n;
        while i > 0 && rel_so_far > 0 {
            let precis = rel_so_far as f64 / i as f64;
            if int_precis < precis {
                int_precis = precis;
            }
            if self.rels[i - 1] >= 1 {
                if rel_so_far == cutoff {
                    return int_precis;
                }
                rel_so_far -= 1;
            }
            i -= 1;
        }
        int_precis
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(qrels: &[(u32, u32, f64)], run: &[(u32, u32, f64)], measures: &[Measure]) -> Result<TrecReport> {
        let (qq, qd, qr): (Vec<u32>, Vec<u32>, Vec<f64>) = (qrels.iter().map(|r| r.0).collect(), qrels.iter().map(|r| r.1).collect(), qrels.iter().map(|r| r.2).collect());
        let (rq, rd, rs): (Vec<u32>, Vec<u32>, Vec<f64>) = (run.iter().map(|r| r.0).collect(), run.iter().map(|r| r.1).collect(), run.iter().map(|r| r.2).collect());
        trec_eval(Qrels { query: &qq, doc: &qd, rel: &qr }, Run { query: &rq, doc: &rd, score: &rs }, measures)
    }

    fn close(got: f64, want: f64) {
        assert!((got - want).abs() <= 1e-12, "got {got}, want {want}");
    }

    /// Query 7: judged d1 = 1, d2 = 0, d3 = 2, d4 = 1 (not retrieved). The run scores d1 0.9,
    /// d2 and d3 0.8 (a tie: d3, the larger id, ranks first) and d5 0.1 (not judged). Ranking:
    /// d1 (1), d3 (2), d2 (0), d5 (not in the pool). R = 3, two of them retrieved.
    fn one_query(measures: &[Measure]) -> Vec<f64> {
        let qrels = [(7, 1, 1.0), (7, 2, 0.0), (7, 3, 2.0), (7, 4, 1.0)];
        let run = [(7, 5, 0.1), (7, 2, 0.8), (7, 1, 0.9), (7, 3, 0.8)];
        let r = eval(&qrels, &run, measures).unwrap();
        assert_eq!(r.queries, vec![7]);
        // One query: the summary is its value (gm_map's is exp of its logarithm).
        for ((&v, &a), m) in r.per_query.iter().zip(&r.all).zip(measures) {
            close(if *m == Measure::GmMap { v.exp() } else { v }, a);
        }
        r.per_query
    }

    #[test]
    fn counts_and_set_measures_of_one_query() {
        use Measure::*;
        let v = one_query(&[NumQ, NumRet, NumRel, NumRelRet, P(1), P(2), P(3), P(5), Recall(2), Recall(5), Success(1), RecipRank, Rprec]);
        assert_eq!(v, vec![1.0, 4.0, 3.0, 2.0, 1.0, 1.0, 2.0 / 3.0, 2.0 / 5.0, 2.0 / 3.0, 2.0 / 3.0, 1.0, 1.0, 2.0 / 3.0]);
    }

    #[test]
    fn average_precision_divides_by_all_relevant() {
        use Measure::*;
        // AP: (1/1 + 2/2) / 3; map_cut_1: (1/1) / 3, not / min(1, R) = 1.
        let v = one_query(&[Map, MapCut(1), MapCut(2), MapCut(1000), GmMap]);
        close(v[0], 2.0 / 3.0);
        close(v[1], 1.0 / 3.0);
        close(v[2], 2.0 / 3.0);
        close(v[3], 2.0 / 3.0);
        close(v[4], (2.0f64 / 3.0).ln());
    }

    #[test]
    fn ndcg_gains_are_the_judgements_and_the_ideal_counts_unretrieved_ones() {
        use Measure::*;
        let l3 = 3f64.log2();
        let dcg = 1.0 + 2.0 / l3; // d1 (1) at rank 1, d3 (2) at rank 2
        let ideal = 2.0 + 1.0 / l3 + 1.0 / 2.0; // 2, 1, 1 (d4 unretrieved)
        let v = one_query(&[Ndcg, NdcgCut(1), NdcgCut(2), NdcgCut(10)]);
        close(v[0], dcg / ideal);
        close(v[1], 1.0 / 2.0);
        close(v[2], dcg / (2.0 + 1.0 / l3));
        close(v[3], dcg / ideal);
    }

    #[test]
    fn bpref_skips_unjudged_documents() {
        // d1, d3 relevant with no judged non-relevant above them: (1 + 1) / 3.
        close(one_query(&[Measure::Bpref])[0], 2.0 / 3.0);
        // Judged 0 above a relevant one: d9 (0) 0.95 first, then d1, d3; N = 2, R = 3.
        let qrels = [(1, 1, 1.0), (1, 2, 0.0), (1, 3, 2.0), (1, 4, 1.0), (1, 9, 0.0)];
        let run = [(1, 9, 0.95), (1, 1, 0.9), (1, 3, 0.8), (1, 8, 0.7)];
        let r = eval(&qrels, &run, &[Measure::Bpref]).unwrap();
        close(r.all[0], ((1.0 - 1.0 / 2.0) + (1.0 - 1.0 / 2.0)) / 3.0);
    }

    #[test]
    fn interpolated_precision_at_recall_levels() {
        use Measure::*;
        // R = 3: level 0 → ⌊0.9⌋ = 0 documents, 0.1 → ⌊1.2⌋ = 1, 0.5 → ⌊2.4⌋ = 2, 0.8 → ⌊3.3⌋ = 3
        // (more than the 2 retrieved: 0). 0.7 gives ⌊0.7·3 + 0.9⌋ = ⌊2.9999999999999996⌋ = 2 in
        // doubles, as in trec_eval.
        let v = one_query(&[IprecAtRecall(0.0), IprecAtRecall(0.1), IprecAtRecall(0.5), IprecAtRecall(0.7), IprecAtRecall(0.8), IprecAtRecall(1.0)]);
        assert_eq!(v, vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0]);
        // Relevant at ranks 2 and 4 of 4, R = 2: precision 1/2 at rank 2, 2/4 at rank 4.
        let qrels = [(1, 1, 1.0), (1, 2, 1.0)];
        let run = [(1, 9, 4.0), (1, 1, 3.0), (1, 8, 2.0), (1, 2, 1.0)];
        let r = eval(&qrels, &run, &[IprecAtRecall(0.0), IprecAtRecall(0.5), IprecAtRecall(1.0)]).unwrap();
        assert_eq!(r.all, vec![0.5, 0.5, 0.5]);
    }

    #[test]
    fn ties_rank_the_larger_document_id_first() {
        // All scores equal: the ranking is d3, d2, d1; only d1 is relevant.
        let qrels = [(1, 1, 1.0)];
        let run = [(1, 1, 0.5), (1, 2, 0.5), (1, 3, 0.5)];
        let r = eval(&qrels, &run, &[Measure::RecipRank, Measure::P(1)]).unwrap();
        assert_eq!(r.all, vec![1.0 / 3.0, 0.0]);
        // −0 ties with 0.
        let run = [(1, 1, 0.0), (1, 2, -0.0)];
        assert_eq!(eval(&qrels, &run, &[Measure::RecipRank]).unwrap().all, vec![0.5]);
    }

    #[test]
    fn queries_evaluated_and_the_summary() {
        use Measure::*;
        // Query 1: one relevant at rank 2. Query 2: judged, nothing relevant. Query 3: in the run
        // only (skipped). Query 4: judged only (not evaluated).
        let qrels = [(1, 1, 1.0), (1, 2, 0.0), (2, 5, 0.0), (4, 1, 3.0)];
        let run = [(3, 1, 1.0), (2, 5, 1.0), (2, 6, 0.5), (1, 2, 0.9), (1, 1, 0.8), (1, 3, 0.1)];
        let measures = [NumQ, NumRet, NumRel, NumRelRet, Map, GmMap, P(5), Ndcg, NdcgCut(5), Bpref, RecipRank];
        let r = eval(&qrels, &run, &measures).unwrap();
        assert_eq!(r.queries, vec![1, 2]);
        let l3 = 3f64.log2();
        let q1 = [1.0, 3.0, 1.0, 1.0, 0.5, 0.5f64.ln(), 0.2, 1.0 / l3, 1.0 / l3, 0.0, 0.5];
        let q2 = [1.0, 2.0, 0.0, 0.0, 0.0, MIN_GEO_MEAN.ln(), 0.0, 0.0, 0.0, 0.0, 0.0];
        for (i, (a, b)) in q1.iter().chain(&q2).zip(&r.per_query).enumerate() {
            assert!((a - b).abs() <= 1e-12, "value {i}: {b}, want {a}");
        }
        let all = [2.0, 5.0, 1.0, 1.0, 0.25, ((0.5f64.ln() + MIN_GEO_MEAN.ln()) / 2.0).exp(), 0.1, 0.5 / l3, 0.5 / l3, 0.0, 0.25];
        for (a, b) in all.iter().zip(&r.all) {
            close(*b, *a);
        }
    }

    #[test]
    fn negative_judgements_are_unjudged() {
        // d2 judged −1: not relevant, not in R, skipped by bpref; the query is still evaluated.
        let qrels = [(1, 1, 1.0), (1, 2, -1.0)];
        let run = [(1, 2, 0.9), (1, 1, 0.8)];
        let r = eval(&qrels, &run, &[Measure::NumRel, Measure::Bpref, Measure::RecipRank]).unwrap();
        assert_eq!(r.all, vec![1.0, 1.0, 0.5]);
        let r = eval(&[(1, 2, -1.0)], &run, &[Measure::NumRel, Measure::Map]).unwrap();
        assert_eq!((r.queries, r.all), (vec![1], vec![0.0, 0.0]));
    }

    #[test]
    fn precision_counts_missing_ranks_as_non_relevant() {
        let r = eval(&[(1, 1, 1.0)], &[(1, 1, 1.0)], &[Measure::P(1000), Measure::Recall(1000), Measure::Success(5)]).unwrap();
        assert_eq!(r.all, vec![0.001, 1.0, 1.0]);
    }

    #[test]
    fn rejected_inputs() {
        let m = [Measure::Map];
        let e = eval(&[(1, 1, 1.0), (1, 1, 0.0)], &[(1, 1, 1.0)], &m).unwrap_err();
        assert_eq!(e.to_string(), "qrels: rows 0 and 1 have the same query and document (trec_eval stops on duplicate docs)");
        assert!(eval(&[(1, 1, 1.0)], &[(1, 2, 1.0), (1, 3, 1.0), (1, 2, 0.0)], &m).unwrap_err().to_string().starts_with("run: rows 0 and 2"));
        assert!(eval(&[(1, 1, 1.0)], &[(2, 1, 1.0)], &m).unwrap_err().to_string().starts_with("run: no query of the run"));
        assert!(eval(&[(1, 1, 1.5)], &[(1, 1, 1.0)], &m).unwrap_err().to_string().contains("rel[0] is 1.5"));
        assert!(eval(&[(1, 1, 1.0)], &[(1, 1, f64::NAN)], &m).unwrap_err().to_string().contains("score[0] is NaN"));
        let bad = trec_eval(Qrels { query: &[1], doc: &[], rel: &[1.0] }, Run { query: &[1], doc: &[1], score: &[1.0] }, &m);
        assert!(bad.unwrap_err().to_string().starts_with("qrels: its arrays have different lengths"));
    }

    #[test]
    fn measure_names_and_parameters() {
        assert_eq!(Measure::parse("P", 10.0).unwrap(), Measure::P(10));
        assert_eq!(Measure::parse("iprec_at_recall", 0.25).unwrap(), Measure::IprecAtRecall(0.25));
        assert_eq!(Measure::parse("map", f64::NAN).unwrap(), Measure::Map);
        assert!(Measure::parse("P", 0.0).is_err());
        assert!(Measure::parse("ndcg_cut", 2.5).is_err());
        assert!(Measure::parse("map", 5.0).is_err());
        assert!(Measure::parse("infAP", f64::NAN).unwrap_err().to_string().contains("unknown measure \"infAP\""));
    }
}
