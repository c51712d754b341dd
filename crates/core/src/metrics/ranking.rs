//! Ranking metrics @K over many queries at once: precision, recall, NDCG, hit rate, F1, MAP
//! and MRR at every requested K, from one selection of each query's top items.

use crate::metrics::groups::{self, Grouped};
use crate::util::scratch::Plain;
use crate::util::{check, Score};
use crate::{Error, Result};

/// How a relevance grade becomes a gain in (I)DCG.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Gain {
    /// `rel` (scikit-learn `ndcg_score`, trec_eval). The default.
    Linear,
    /// `2^rel − 1` (Burges et al. 2005; FuxiCTR).
    Exponential,
}

/// What a query without any relevant item contributes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EmptyQueries {
    /// 0 to every metric, and it counts in the mean (torchmetrics' default,
    /// `empty_target_action='neg'`).
    Zero,
    /// Nothing: it is left out of the mean.
    Skip,
}

/// The mean over queries of each metric at one K.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct AtK {
    pub k: usize,
    pub precision: f64,
    pub recall: f64,
    pub ndcg: f64,
    pub hit_rate: f64,
    pub f1: f64,
    pub map: f64,
    pub mrr: f64,
}

const METRICS: usize = 7;

impl Gain {
    /// `"linear"` or `"exponential"`, as the JavaScript API spells them.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "linear" => Ok(Gain::Linear),
            "exponential" => Ok(Gain::Exponential),
            other => Err(Error::new("gain", format!("unknown gain {other:?}; expected 'linear' or 'exponential'"))),
        }
    }
}

impl EmptyQueries {
    /// `"zero"` or `"skip"`, as the JavaScript API spells them.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "zero" => Ok(EmptyQueries::Zero),
            "skip" => Ok(EmptyQueries::Skip),
            other => Err(Error::new("emptyQueries", format!("unknown option {other:?}; expected 'zero' or 'skip'"))),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RankingReport {
    /// Queries in the input.
    pub queries: usize,
    /// Queries without a relevant item (counted as 0 or skipped, per `EmptyQueries`).
    pub empty_queries: usize,
    /// One entry per requested K, in the order requested.
    pub at: Vec<AtK>,
}

impl RankingReport {
    /// `[queries, empty_queries, then per K: precision, recall, ndcg, hit_rate, f1, map, mrr]`.
    pub fn to_vec(&self) -> Vec<f64> {
        let mut v = vec![self.queries as f64, self.empty_queries as f64];
        for m in &self.at {
            v.extend([m.precision, m.recall, m.ndcg, m.hit_rate, m.f1, m.map, m.mrr]);
        }
        v
    }
}

#[derive(Clone, Copy, Default)]
struct Row {
    key: u64,
    rel: f64,
    group: u32,
}
// SAFETY: integers and a float (padding allowed).
unsafe impl Plain for Row {}
impl Grouped for Row {
    fn group(&self) -> u32 {
        self.group
    }
}

/// Ranking metrics @K of every query, averaged over queries.
///
/// **Definition.** Items of a query (rows sharing a `groups` id; no groups: one query) are
/// ranked by score, descending. With `rel_i` the relevance of the item at rank `i`, an item
/// relevant when `rel > 0`, `R` the query's relevant items and `hits@K` those in the top K:
/// - `precision@K = hits@K / K` (K even when the query has fewer items: trec_eval);
/// - `recall@K = hits@K / R`; `hitRate@K = [hits@K > 0]`; `F1@K` the harmonic mean of the
///   query's precision and recall (0 when both are 0);
/// - `NDCG@K = DCG@K / IDCG@K`, `DCG@K = Σ_{i≤K} gain(rel_i) / log2(i + 1)`, IDCG the DCG of
///   the query's relevances sorted descending; gain `rel` or `2^rel − 1` (graded relevance);
/// - `AP@K = Σ_{i≤K} precision@i·[rel_i > 0] / min(K, R)` and `MAP@K` its mean;
/// - `RR@K = 1 / rank` of the first relevant item if that rank is ≤ K, else 0; `MRR@K` the mean.
///
/// **Ties** in score are broken by input position, earlier first (rows of a query need not be
/// contiguous: their relative input order is what counts). This is deterministic and equals
/// the untied definitions (scikit-learn's `ndcg_score` on untied data).
///
/// **Edge cases.** A query with `R = 0` is empty: it scores 0 on every metric and counts in
/// the mean (`EmptyQueries::Zero`, default) or is left out (`Skip`); either way it is counted
/// in `empty_queries`. No query averaged: NaN. K larger than a query is fine (its whole list
/// is ranked). Relevance must be finite and ≥ 0; every K ≥ 1.
///
/// **Cost.** A stable radix sort by group, then per query one selection of its top `max K`
/// items and of its top `max K` relevances: O(n + Σ_q K·log K). Queries are scored in
/// parallel in fixed chunks, and the chunk sums folded in order, so the result is the same
/// on every backend and thread count.
///
/// Reference: Järvelin & Kekäläinen (2002), "Cumulated gain-based evaluation of IR
/// techniques"; Manning et al. (2008), *Introduction to Information Retrieval*, ch. 8;
/// torchmetrics `retrieval` (the `indexes` convention).
pub fn ranking_metrics<S: Score>(
    relevance: &[f64],
    scores: &[S],
    groups: Option<&[u32]>,
    ks: &[usize],
    gain: Gain,
    empty: EmptyQueries,
) -> Result<RankingReport> {
    check_arguments(relevance, scores, ks, gain)?;
    let mut sorted_ks = ks.to_vec();
    sorted_ks.sort_unstable();
    sorted_ks.dedup();
    Ok(score_queries(relevance, scores, groups, &sorted_ks, gain, false)?.report(ks, &sorted_ks, empty))
}

/// Every query's metrics, one row per query (in ascending group id order).
#[derive(Clone, Debug, PartialEq)]
pub struct PerQuery {
    /// The query's group id (0 for the one query of ungrouped input).
    pub groups: Vec<u32>,
    /// Per query, per K in the order requested, `[precision, recall, ndcg, hitRate, f1, ap, rr]`
    /// (AP@K and RR@K: the terms MAP and MRR average).
    pub values: Vec<f64>,
    /// Whether the query has no relevant item (its values are 0).
    pub empty: Vec<bool>,
}

/// [`ranking_metrics`] query by query: the values each query contributes to the means (the
/// same definitions, ties and checks), for paired tests and the cluster bootstrap.
pub fn ranking_per_query<S: Score>(relevance: &[f64], scores: &[S], groups: Option<&[u32]>, ks: &[usize], gain: Gain) -> Result<PerQuery> {
    check_arguments(relevance, scores, ks, gain)?;
    let mut sorted_ks = ks.to_vec();
    sorted_ks.sort_unstable();
    sorted_ks.dedup();
    let sums = score_queries(relevance, scores, groups, &sorted_ks, gain, true)?;
    let kept = sums.kept.expect("kept when asked");
    let width = sorted_ks.len() * METRICS;
    let order: Vec<usize> = ks.iter().map(|k| sorted_ks.binary_search(k).expect("k is among the sorted ks")).collect();
    let mut values = Vec::with_capacity(kept.values.len() / width * ks.len() * METRICS);
    for row in kept.values.chunks_exact(width) {
        for &j in &order {
            values.extend_from_slice(&row[j * METRICS..(j + 1) * METRICS]);
        }
    }
    Ok(PerQuery { groups: kept.groups, values, empty: kept.empty })
}

fn score_queries<S: Score>(relevance: &[f64], scores: &[S], groups: Option<&[u32]>, sorted_ks: &[usize], gain: Gain, keep: bool) -> Result<Sums> {
    let longest = *sorted_ks.last().expect("ks is not empty");
    let discounts: Vec<f64> = (0..longest.min(relevance.len())).map(|i| 1.0 / ((i + 2) as f64).log2()).collect();
    let query = Query { ks: sorted_ks, discounts: &discounts, gain, keep };
    Ok(match groups {
        None => {
            let mut sums = Sums::new(sorted_ks.len(), keep);
            query.score(relevance.len(), |i| scores[i].key(), |i| relevance[i], 0, &mut sums, &mut Default::default());
            sums
        }
        Some(g) => {
            check::same_length("groups", g.len(), relevance.len())?;
            if g.windows(2).all(|w| w[0] <= w[1]) {
                // Already grouped (logs sorted by query): score the input in place.
                let runs = groups::runs(g);
                query.score_runs(&runs, g.len(), |i| scores[i].key(), |i| relevance[i], |i| g[i])
            } else {
                let rows = groups::sort_by_group(g, |i| Row { key: scores[i].key(), rel: relevance[i], group: g[i] });
                query.score_runs(&groups::runs(&rows), rows.len(), |i| rows[i].key, |i| rows[i].rel, |i| rows[i].group)
            }
        }
    })
}

/// The argument rules of the ranking metrics.
fn check_arguments<S: Score>(relevance: &[f64], scores: &[S], ks: &[usize], gain: Gain) -> Result<()> {
    check::same_length("scores", scores.len(), relevance.len())?;
    check::scores(scores)?;
    check::relevance(relevance)?;
    if relevance.is_empty() {
        return Err(Error::new("labels", "is empty; ranking metrics average over queries, and there is none"));
    }
    if gain == Gain::Exponential {
        // 2^rel − 1 overflows f64 above 1023, and NDCG would be inf / inf = NaN.
        if let Some(i) = relevance.iter().position(|&r| r > 1023.0) {
            return Err(Error::new("labels", format!("labels[{i}] is {}; exponential gain (2^rel − 1) takes relevance ≤ 1023", relevance[i])));
        }
    }
    if ks.is_empty() {
        return Err(Error::new("k", "is empty; give at least one K"));
    }
    if let Some(&k) = ks.iter().find(|&&k| k == 0) {
        return Err(Error::new("k", format!("is {k}; K must be an integer >= 1")));
    }
    Ok(())
}

/// Per-metric sums over queries, `METRICS` per K.
#[derive(Clone)]
struct Sums {
    values: Vec<f64>,
    queries: usize,
    empty: usize,
    /// Each query's own values, when asked for ([`ranking_per_query`]).
    kept: Option<Kept>,
}

#[derive(Clone, Default)]
struct Kept {
    groups: Vec<u32>,
    values: Vec<f64>,
    empty: Vec<bool>,
}

impl Sums {
    fn new(ks: usize, keep: bool) -> Self {
        Sums { values: vec![0.0; ks * METRICS], queries: 0, empty: 0, kept: keep.then(Kept::default) }
    }

    /// One query's values (all zero for an empty query).
    fn add_query(&mut self, group: u32, values: &[f64], empty: bool) {
        self.queries += 1;
        self.empty += empty as usize;
        self.values.iter_mut().zip(values).for_each(|(a, b)| *a += b);
        if let Some(k) = &mut self.kept {
            k.groups.push(group);
            k.values.extend_from_slice(values);
            k.empty.push(empty);
        }
    }

    fn add(&mut self, other: &Sums) {
        self.values.iter_mut().zip(&other.values).for_each(|(a, b)| *a += b);
        self.queries += other.queries;
        self.empty += other.empty;
        if let (Some(k), Some(o)) = (&mut self.kept, &other.kept) {
            k.groups.extend_from_slice(&o.groups);
            k.values.extend_from_slice(&o.values);
            k.empty.extend_from_slice(&o.empty);
        }
    }

    fn report(&self, ks: &[usize], sorted_ks: &[usize], empty: EmptyQueries) -> RankingReport {
        let averaged = match empty {
            EmptyQueries::Zero => self.queries,
            EmptyQueries::Skip => self.queries - self.empty,
        };
        let mean = |v: f64| if averaged > 0 { v / averaged as f64 } else { f64::NAN };
        let at = ks
            .iter()
            .map(|&k| {
                let j = sorted_ks.binary_search(&k).expect("k is among the sorted ks");
                let v = &self.values[j * METRICS..(j + 1) * METRICS];
                AtK { k, precision: mean(v[0]), recall: mean(v[1]), ndcg: mean(v[2]), hit_rate: mean(v[3]), f1: mean(v[4]), map: mean(v[5]), mrr: mean(v[6]) }
            })
            .collect();
        RankingReport { queries: self.queries, empty_queries: self.empty, at }
    }
}

/// Buffers reused across the queries of a chunk: (¬key, position) pairs, relevant grades and
/// the query's values.
#[derive(Default)]
struct Buffers {
    order: Vec<(u64, usize)>,
    ideal: Vec<f64>,
    values: Vec<f64>,
}

struct Query<'a> {
    /// Ascending, distinct.
    ks: &'a [usize],
    discounts: &'a [f64],
    gain: Gain,
    /// Whether each query's values are kept.
    keep: bool,
}

/// Rows per chunk of queries scored together (chunks are fixed by the data, not the threads).
const CHUNK_ROWS: usize = 1 << 14;

impl Query<'_> {
    fn gain(&self, rel: f64) -> f64 {
        match self.gain {
            Gain::Linear => rel,
            Gain::Exponential => rel.exp2() - 1.0,
        }
    }

    /// Scores the queries `runs` (row ranges) in parallel over chunks of queries; row `i` has
    /// score key `key(i)` and relevance `rel(i)`.
    fn score_runs(
        &self,
        runs: &[(usize, usize)],
        rows: usize,
        key: impl Fn(usize) -> u64 + Sync,
        rel: impl Fn(usize) -> f64 + Sync,
        group: impl Fn(usize) -> u32 + Sync,
    ) -> Sums {
        let mut chunks = Vec::new();
        let mut start = 0;
        for (i, &(_, end)) in runs.iter().enumerate() {
            if end - runs[start].0 >= CHUNK_ROWS || i + 1 == runs.len() {
                chunks.push((start, i + 1));
                start = i + 1;
            }
        }
        // Buffers per chunk of ~16k rows: cheap, and no per-thread state to carry.
        let parts = crate::util::par::map_each(&mut chunks, rows, |&mut (first, last)| {
            let buffers = &mut Buffers::default();
            let mut sums = Sums::new(self.ks.len(), self.keep);
            for &(a, b) in &runs[first..last] {
                self.score(b - a, |i| key(a + i), |i| rel(a + i), group(a), &mut sums, buffers);
            }
            sums
        });
        let mut total = Sums::new(self.ks.len(), self.keep);
        parts.iter().for_each(|p| total.add(p));
        total
    }

    /// Adds one query (items `0..len`, in input order; its group id `group`) to `sums`.
    fn score(&self, len: usize, key: impl Fn(usize) -> u64, rel: impl Fn(usize) -> f64, group: u32, sums: &mut Sums, b: &mut Buffers) {
        b.values.clear();
        b.values.resize(self.ks.len() * METRICS, 0.0);
        // The ideal ranking needs only the relevant items' grades (zeros add no gain).
        b.ideal.clear();
        b.ideal.extend((0..len).map(&rel).filter(|&r| r > 0.0));
        let relevant = b.ideal.len();
        if relevant == 0 {
            sums.add_query(group, &b.values, true);
            return;
        }
        let top = self.ks[self.ks.len() - 1].min(len);
        // Top `top` by score descending, then position ascending: ascending (¬key, position).
        b.order.clear();
        b.order.extend((0..len).map(|i| (!key(i), i)));
        if top < len {
            b.order.select_nth_unstable(top - 1);
            b.order.truncate(top);
        }
        b.order.sort_unstable();
        if top < relevant {
            b.ideal.select_nth_unstable_by(top - 1, |x, y| y.total_cmp(x));
            b.ideal.truncate(top);
        }
        b.ideal.sort_unstable_by(|x, y| y.total_cmp(x));

        let r = relevant as f64;
        let (mut hits, mut dcg, mut idcg, mut ap, mut first) = (0usize, 0.0, 0.0, 0.0, 0usize);
        let mut at = 0; // next K to record
        let values = &mut b.values;
        let mut record = |k: usize, hits: usize, dcg: f64, idcg: f64, ap: f64, first: usize, at: usize| {
            let precision = hits as f64 / k as f64;
            let recall = hits as f64 / r;
            let v = &mut values[at * METRICS..(at + 1) * METRICS];
            v[0] = precision;
            v[1] = recall;
            v[2] = if idcg > 0.0 { dcg / idcg } else { 0.0 };
            v[3] = (hits > 0) as u8 as f64;
            v[4] = if hits > 0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
            v[5] = ap / (k.min(relevant) as f64);
            v[6] = if first > 0 && first <= k { 1.0 / first as f64 } else { 0.0 };
        };
        for i in 0..top {
            let g = rel(b.order[i].1);
            if g > 0.0 {
                hits += 1;
                ap += hits as f64 / (i + 1) as f64;
                if first == 0 {
                    first = i + 1;
                }
            }
            dcg += self.gain(g) * self.discounts[i];
            idcg += self.gain(b.ideal.get(i).copied().unwrap_or(0.0)) * self.discounts[i];
            while at < self.ks.len() && self.ks[at] == i + 1 {
                record(self.ks[at], hits, dcg, idcg, ap, first, at);
                at += 1;
            }
        }
        // K beyond the query's length: its whole list is ranked.
        while at < self.ks.len() {
            record(self.ks[at], hits, dcg, idcg, ap, first, at);
            at += 1;
        }
        sums.add_query(group, &b.values, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_ranking_example() {
        // The worked ranking example, K = 10 over 10 items: 3 relevant at ranks 1, 2, 3.
        let y = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let p = [0.9, 0.2, 0.3, 0.8, 0.1, 0.4, 0.5, 0.7, 0.6, 0.1];
        let r = ranking_metrics(&y, &p, None, &[10], Gain::Linear, EmptyQueries::Zero).unwrap();
        let m = r.at[0];
        assert_eq!((m.recall, m.precision, m.hit_rate, m.map, m.mrr), (1.0, 0.3, 1.0, 1.0, 1.0));
        assert!((m.ndcg - 1.0).abs() < 1e-15);
        assert!((m.f1 - 2.0 * 0.3 / 1.3).abs() < 1e-15);
    }

    #[test]
    fn ties_by_position_groups_and_empty_queries() {
        // Query 7: all tied → input order; relevant item at position 2 → rank 3.
        // Query 3: no relevant item.
        let y = [0.0, 0.0, 0.0, 0.0, 1.0];
        let s = [0.5f32, 0.5, 0.1, 0.5, 0.5];
        let g = [7, 7, 3, 3, 7];
        let z = ranking_metrics(&y, &s, Some(&g), &[2, 3], Gain::Linear, EmptyQueries::Zero).unwrap();
        assert_eq!((z.queries, z.empty_queries), (2, 1));
        assert_eq!(z.at[0].hit_rate, 0.0);
        assert_eq!(z.at[1].hit_rate, 0.5);
        assert_eq!(z.at[1].mrr, 0.5 / 3.0);
        let skip = ranking_metrics(&y, &s, Some(&g), &[3], Gain::Linear, EmptyQueries::Skip).unwrap();
        assert_eq!(skip.at[0].precision, 1.0 / 3.0);
        assert!(ranking_metrics(&[0.0], &[0.1], None, &[1], Gain::Linear, EmptyQueries::Skip).unwrap().at[0].ndcg.is_nan());
        assert_eq!(ranking_metrics(&[1.0], &[0.1], None, &[0], Gain::Linear, EmptyQueries::Skip).unwrap_err().arg, "k");
        assert_eq!(ranking_metrics(&[-1.0], &[0.1], None, &[1], Gain::Linear, EmptyQueries::Skip).unwrap_err().arg, "labels");
    }
}
