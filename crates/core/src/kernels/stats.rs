//! Kernels of the uncertainty, calibration and multiclass metrics: results as one Float64Array
//! whose layout the facade names (ts/src/metrics/uncertainty.ts, calibration.ts, multiclass.ts).

use super::Scores;
use crate::metrics::{self as m, Average, Binning, MultiClass};
use crate::with_scores;
use crate::{Error, Result};

/// `[auc, variance, stdError, lower, upper]`.
#[inline]
pub fn delong_auc(labels: &[u8], scores: Scores, level: f64) -> Result<Vec<f64>> {
    let r = with_scores!(scores, |s| m::delong_auc(labels, s, level))?;
    Ok(vec![r.auc, r.variance, r.std_error, r.lower, r.upper])
}

/// `[aucA, aucB, varianceA, varianceB, covariance, difference, variance, stdError, lower, upper,
/// z, pValue]`.
#[inline]
pub fn delong_test(labels: &[u8], scores_a: Scores, scores_b: Scores, level: f64) -> Result<Vec<f64>> {
    let r = with_scores!(scores_a, |a| with_scores!(scores_b, |b| m::delong_paired(labels, a, b, level)))?;
    Ok(vec![r.auc_a, r.auc_b, r.variance_a, r.variance_b, r.covariance, r.difference, r.variance, r.std_error, r.lower, r.upper, r.z, r.p_value])
}

/// `[logLoss, normalizedEntropy, calibration, brier, baseRate, meanPrediction, Σw, Σw·y, Σw·p,
/// Σw·ℓ, Σw·(y − p)²]`.
#[inline]
pub fn ctr_metrics(labels: &[u8], probs: Scores, weights: Option<&[f64]>, eps: f64) -> Result<Vec<f64>> {
    let (r, s) = with_scores!(probs, |p| m::ctr_metrics(labels, p, weights, eps))?;
    Ok(vec![r.log_loss, r.normalized_entropy, r.calibration, r.brier, r.base_rate, r.mean_prediction, s.weight, s.positives, s.predicted, s.log_loss, s.squared_error])
}

/// `[ece, edges… (bins + 1), rows… (bins), weight… (bins), Σw·p… (bins), Σw·y… (bins)]`.
#[inline]
pub fn reliability(labels: &[u8], probs: Scores, weights: Option<&[f64]>, bins: u32, strategy: &str) -> Result<Vec<f64>> {
    let (bins, strategy) = (super::index("bins", bins)?, Binning::parse(strategy)?);
    let r = with_scores!(probs, |p| m::reliability(labels, p, weights, bins, strategy))?;
    Ok([vec![r.ece], r.edges, r.count, r.weight, r.predicted, r.observed].concat())
}

/// The metrics of merged sums: `[logLoss, normalizedEntropy, calibration, brier, baseRate,
/// meanPrediction, ece]`. `sums` as [`ctr_metrics`] returns them, `[Σw, Σw·y, Σw·p, Σw·ℓ,
/// Σw·(y − p)²]`; `bins`: per-bin weight, Σw·p and Σw·y, in thirds.
#[inline]
pub fn calibration_from_sums(sums: &[f64], bins: &[f64]) -> Result<Vec<f64>> {
    let &[weight, positives, predicted, log_loss, squared_error] = sums else {
        return Err(Error::new("sums", format!("has {} values, expected 5", sums.len())));
    };
    if bins.len() % 3 != 0 {
        return Err(Error::new("bins", format!("has {} values, not three columns", bins.len())));
    }
    let r = m::ProbabilitySums { weight, positives, predicted, log_loss, squared_error }.metrics();
    let k = bins.len() / 3;
    let ece = m::ece(&bins[..k], &bins[k..2 * k], &bins[2 * k..]);
    Ok(vec![r.log_loss, r.normalized_entropy, r.calibration, r.brier, r.base_rate, r.mean_prediction, ece])
}

/// `[value]`, or one AUC per class with average `none`.
#[inline]
pub fn multiclass_auc(labels: &[u32], scores: Scores, classes: u32, multi_class: &str, average: &str, weights: Option<&[f64]>) -> Result<Vec<f64>> {
    let (classes, multi_class, average) = (super::index("classes", classes)?, MultiClass::parse(multi_class)?, Average::parse(average)?);
    with_scores!(scores, |s| m::multiclass_auc(labels, s, classes, multi_class, average, weights))
}

/// `[value]`, or one AUC per class with average `none`.
#[inline]
pub fn multilabel_auc(labels: &[u8], scores: Scores, classes: u32, average: &str, weights: Option<&[f64]>) -> Result<Vec<f64>> {
    let (classes, average) = (super::index("classes", classes)?, Average::parse(average)?);
    with_scores!(scores, |s| m::multilabel_auc(labels, s, classes, average, weights))
}
