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

/// `[estimate, lower, upper, stdError, used, value of each resample…]`. `config`:
/// `sampling,method,weighting,gain,emptyQueries`; `params`: `[resamples, level, seed, eps]`.
#[inline]
pub fn bootstrap(metric: &str, labels: &[f64], scores: Scores, groups: Option<&[u32]>, weights: Option<&[f64]>, config: &str, params: &[f64]) -> Result<Vec<f64>> {
    use crate::metrics::bootstrap::{self as b, Method, Sampling};
    let [sampling, method, weighting, gain, empty]: [&str; 5] = config.split(',').collect::<Vec<_>>().try_into().map_err(|_| crate::Error::new("config", "must be sampling,method,weighting,gain,emptyQueries"))?;
    let &[resamples, level, seed, eps] = params else { return Err(crate::Error::new("params", "must be [resamples, level, seed, eps]")) };
    let o = b::Options {
        resamples: resamples as usize,
        level,
        seed: seed as u64,
        sampling: if sampling == "poisson" { Sampling::Poisson } else { Sampling::Multinomial },
        method: if method == "percentile" { Method::Percentile } else { Method::Bca },
    };
    let m = b::MetricOptions { weighting, eps, gain: Gain::parse(gain)?, empty: EmptyQueries::parse(empty)? };
    let r = with_scores!(scores, |s| b::bootstrap(metric, labels, s, groups, weights, m, &o))?;
    let mut out = vec![r.estimate, r.lower, r.upper, r.std_error, r.used as f64];
    out.extend(r.values);
    Ok(out)
}

/// `[statistic, pValue, effectSize, n, …]` then per test: paired-t `[meanDifference, df,
/// ciLow, ciHigh]` (the mean difference's interval at `level`); wilcoxon `[rPlus, rMinus, z,
/// nonzero, method]` (method 0 exact, 1 permutation, 2 normal); randomization `[permutations,
/// extreme]`. `params`: `[permutations, seed, level]`.
#[inline]
pub fn paired_test(test: &str, a: &[f64], b: &[f64], params: &[f64]) -> Result<Vec<f64>> {
    use crate::metrics::{paired_t_test, randomization_test, wilcoxon, WilcoxonMethod};
    Ok(match test {
        "t" => {
            let r = paired_t_test(a, b)?;
            let level = params.get(2).copied().unwrap_or(0.95);
            if !(level > 0.0 && level < 1.0) {
                return Err(crate::Error::new("level", format!("is {level}; the confidence level must be in (0, 1), e.g. 0.95")));
            }
            let (lo, hi) = r.confidence_interval(level);
            vec![r.statistic, r.p_value, r.effect_size, r.n as f64, r.mean_difference, r.df, lo, hi]
        }
        "wilcoxon" => {
            let r = wilcoxon(a, b)?;
            let method = match r.method {
                WilcoxonMethod::Exact => 0.0,
                WilcoxonMethod::Permutation => 1.0,
                WilcoxonMethod::Normal => 2.0,
            };
            vec![r.statistic, r.p_value, r.effect_size, r.n as f64, r.r_plus, r.r_minus, r.z, r.nonzero as f64, method]
        }
        "randomization" => {
            let &[permutations, seed, _] = params else { return Err(crate::Error::new("params", "must be [permutations, seed, level]")) };
            let r = randomization_test(a, b, permutations as usize, seed as u64)?;
            vec![r.statistic, r.p_value, r.effect_size, r.n as f64, r.permutations as f64, r.extreme as f64]
        }
        other => return Err(crate::Error::new("test", format!("unknown test {other:?}; expected 't', 'wilcoxon' or 'randomization'"))),
    })
}

#[inline]
pub fn adjust_p_values(p_values: &[f64], method: &str) -> Result<Vec<f64>> {
    crate::metrics::adjust_p_values(p_values, crate::metrics::PAdjust::parse(method)?)
}

/// `[queries, group id of each query…, 1 if empty else 0 each…, then per query per K
/// precision, recall, ndcg, hitRate, f1, ap, rr]`.
#[inline]
pub fn ranking_per_query(relevance: &[f64], scores: Scores, groups: Option<&[u32]>, ks: &[u32], gain: &str) -> Result<Vec<f64>> {
    let ks: Vec<usize> = ks.iter().map(|&k| k as usize).collect();
    let r = with_scores!(scores, |s| m::ranking_per_query(relevance, s, groups, &ks, Gain::parse(gain)?))?;
    let mut out = vec![r.groups.len() as f64];
    out.extend(r.groups.iter().map(|&g| g as f64));
    out.extend(r.empty.iter().map(|&e| e as u8 as f64));
    out.extend(r.values);
    Ok(out)
}

/// `[groups, id of each group…, AUC of each…, positives of each…, negatives of each…]`.
#[inline]
pub fn gauc_per_group(labels: &[u8], scores: Scores, groups: &[u32]) -> Result<Vec<f64>> {
    let r = with_scores!(scores, |s| m::gauc_per_group(labels, s, groups))?;
    let mut out = vec![r.groups.len() as f64];
    out.extend(r.groups.iter().map(|&g| g as f64));
    out.extend(r.auc);
    out.extend(r.positives.iter().map(|&p| p as f64));
    out.extend(r.negatives.iter().map(|&p| p as f64));
    Ok(out)
}

/// `[slices, then per slice: id, rows, positives, each metric's value…]`. `metrics`: names
/// joined by commas (see `metrics::named`); `config`: `weighting,gain,emptyQueries`.
#[inline]
pub fn sliced(metrics: &str, labels: &[f64], scores: Scores, slices: &[u32], groups: Option<&[u32]>, weights: Option<&[f64]>, config: &str, eps: f64) -> Result<Vec<f64>> {
    use crate::metrics::named::{Metric, MetricOptions};
    let metrics = metrics.split(',').map(Metric::parse).collect::<Result<Vec<_>>>()?;
    let [weighting, gain, empty]: [&str; 3] = config.split(',').collect::<Vec<_>>().try_into().map_err(|_| crate::Error::new("config", "must be weighting,gain,emptyQueries"))?;
    let o = MetricOptions { weighting, eps, gain: Gain::parse(gain)?, empty: EmptyQueries::parse(empty)? };
    let r = with_scores!(scores, |s| crate::metrics::sliced::sliced(&metrics, labels, s, slices, groups, weights, o))?;
    let mut out = vec![r.len() as f64];
    for s in r {
        out.extend([s.slice as f64, s.rows as f64, s.positives as f64]);
        out.extend(s.values);
    }
    Ok(out)
}
