//! Metric kernels: results as one number or one Float64Array whose layout the facade names.

use super::Scores;
use crate::with_scores;
use crate::metrics::{self as m, EmptyQueries, Gain, GroupWeighting, Qrels, Run, TrecMeasure};
use crate::Result;

#[inline]
pub fn auc(labels: &[u8], scores: Scores, weights: Option<&[f64]>) -> Result<f64> {
    with_scores!(scores, |s| m::auc(labels, s, weights))
}

/// `[value, groups, skippedGroups]`.
#[inline]
pub fn gauc(labels: &[u8], scores: Scores, groups: &[u32], weighting: &str, weight_groups: Option<&[u32]>, weight_values: Option<&[f64]>) -> Result<Vec<f64>> {
    let weighting = GroupWeighting::parse(weighting, weight_groups.zip(weight_values))?;
    let r = with_scores!(scores, |s| m::gauc(labels, s, groups, weighting))?;
    Ok(vec![r.value, r.groups as f64, r.skipped_groups as f64])
}

/// `[fpr…, tpr…, thresholds…]`, three equal thirds.
#[inline]
pub fn roc_curve(labels: &[u8], scores: Scores, weights: Option<&[f64]>, drop_intermediate: bool) -> Result<Vec<f64>> {
    Ok(with_scores!(scores, |s| m::roc_curve(labels, s, weights, drop_intermediate))?.into_flat())
}

/// `[precision…, recall…, thresholds…]`: m + 1, m + 1 and m numbers.
#[inline]
pub fn pr_curve(labels: &[u8], scores: Scores, weights: Option<&[f64]>) -> Result<Vec<f64>> {
    Ok(with_scores!(scores, |s| m::pr_curve(labels, s, weights))?.into_flat())
}

/// `[ap]`.
#[inline]
pub fn average_precision(labels: &[u8], scores: Scores, weights: Option<&[f64]>) -> Result<Vec<f64>> {
    with_scores!(scores, |s| m::average_precision(labels, s, weights)).map(|v| vec![v])
}

/// `[logLoss]`.
#[inline]
pub fn log_loss(labels: &[u8], probs: Scores, weights: Option<&[f64]>, eps: f64) -> Result<Vec<f64>> {
    with_scores!(probs, |p| m::log_loss(labels, p, weights, eps)).map(|v| vec![v])
}

/// `[tp, fp, tn, fn, accuracy, precision, recall, f1]`.
#[inline]
pub fn binary_stats(labels: &[u8], scores: Scores, weights: Option<&[f64]>, threshold: f64) -> Result<Vec<f64>> {
    let s = with_scores!(scores, |s| m::binary_stats(labels, s, weights, threshold))?;
    Ok(vec![s.tp, s.fp, s.tn, s.fn_, s.accuracy, s.precision, s.recall, s.f1])
}

/// `[queries, emptyQueries, then per k: precision, recall, ndcg, hitRate, f1, map, mrr]`.
#[inline]
pub fn ranking_metrics(relevance: &[f64], scores: Scores, groups: Option<&[u32]>, ks: &[u32], gain: &str, empty_queries: &str) -> Result<Vec<f64>> {
    let ks = ks.iter().map(|&k| super::index("k", k)).collect::<Result<Vec<_>>>()?;
    let (gain, empty) = (Gain::parse(gain)?, EmptyQueries::parse(empty_queries)?);
    Ok(with_scores!(scores, |s| m::ranking_metrics(relevance, s, groups, &ks, gain, empty))?.to_vec())
}

/// trec_eval's measures (crates/core/src/metrics/trec.rs). Queries and documents are ids
/// numbered in the byte-wise order of their strings; `measures` is trec_eval's measure names
/// separated by commas, one per value (`"num_ret,P,P,ndcg_cut"`), and `params` their cutoffs
/// (NaN for a measure without one). Result: `[q, query ids…, q × m values (row per query),
/// m summary values]`.
#[inline]
pub fn trec_eval(qrels_query: &[u32], qrels_doc: &[u32], qrels_rel: &[f64], run_query: &[u32], run_doc: &[u32], run_score: &[f64], measures: &str, params: &[f64]) -> Result<Vec<f64>> {
    let names: Vec<&str> = if measures.is_empty() { Vec::new() } else { measures.split(',').collect() };
    if names.len() != params.len() {
        return Err(crate::Error::new("params", format!("has length {}, expected one per measure ({})", params.len(), names.len())));
    }
    let measures = names.iter().zip(params).map(|(name, &p)| TrecMeasure::parse(name, p)).collect::<Result<Vec<_>>>()?;
    let qrels = Qrels { query: qrels_query, doc: qrels_doc, rel: qrels_rel };
    let run = Run { query: run_query, doc: run_doc, score: run_score };
    Ok(m::trec_eval(qrels, run, &measures)?.into_flat())
}

/// `bins` positive weights, then `bins` negative weights.
#[inline]
pub fn auc_histogram(labels: &[u8], scores: Scores, weights: Option<&[f64]>, lo: f64, hi: f64, bins: u32) -> Result<Vec<f64>> {
    let bins = super::index("bins", bins)?;
    with_scores!(scores, |s| m::auc_histogram(labels, s, weights, lo, hi, bins))
}

/// `[value, errorBound]`.
#[inline]
pub fn auc_from_histogram(positives: &[f64], negatives: &[f64]) -> Result<Vec<f64>> {
    m::auc_from_histogram(positives, negatives).map(|b| vec![b.value, b.error_bound])
}

/// Row-major N × M.
#[inline]
pub fn box_iou(boxes_a: &[f64], boxes_b: &[f64], offset: f64) -> Result<Vec<f64>> {
    m::box_iou(boxes_a, boxes_b, offset)
}
