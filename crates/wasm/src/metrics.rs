//! The metrics. Each returns a number or its numbers as one Float64Array (the facade names them). Scores arrive as a Float32Array or a Float64Array and
//! are copied into wasm memory at their own precision.

use crate::js;
use js_sys::{Float32Array, Float64Array};
use reckit_core as core;
use wasm_bindgen::prelude::*;

enum Scores {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

fn scores(arg: &str, v: &JsValue) -> Result<Scores, JsError> {
    if let Some(a) = v.dyn_ref::<Float32Array>() {
        Ok(Scores::F32(a.to_vec()))
    } else if let Some(a) = v.dyn_ref::<Float64Array>() {
        Ok(Scores::F64(a.to_vec()))
    } else {
        Err(JsError::new(&format!("{arg} must be a Float32Array or a Float64Array")))
    }
}

/// Calls `$body` with the scores as `&[f32]` or `&[f64]`.
macro_rules! with_scores {
    ($scores:expr, |$s:ident| $body:expr) => {
        match &$scores {
            Scores::F32($s) => $body,
            Scores::F64($s) => $body,
        }
    };
}

#[wasm_bindgen]
pub fn auc(labels: &[u8], scores_: JsValue, weights: Option<Box<[f64]>>) -> Result<f64, JsError> {
    with_scores!(scores("scores", &scores_)?, |s| core::auc(labels, s, weights.as_deref())).map_err(js)
}

/// `[value, groups, skippedGroups]`.
#[wasm_bindgen]
pub fn gauc(
    labels: &[u8],
    scores_: JsValue,
    groups: &[u32],
    weighting: &str,
    weight_groups: Option<Box<[u32]>>,
    weight_values: Option<Box<[f64]>>,
) -> Result<Vec<f64>, JsError> {
    let explicit = weight_groups.as_deref().zip(weight_values.as_deref());
    let weighting = core::GroupWeighting::parse(weighting, explicit).map_err(js)?;
    let r = with_scores!(scores("scores", &scores_)?, |s| core::gauc(labels, s, groups, weighting)).map_err(js)?;
    Ok(vec![r.value, r.groups as f64, r.skipped_groups as f64])
}

/// `[fpr…, tpr…, thresholds…]`, three equal thirds.
#[wasm_bindgen(js_name = rocCurve)]
pub fn roc_curve(labels: &[u8], scores_: JsValue, weights: Option<Box<[f64]>>, drop_intermediate: bool) -> Result<Vec<f64>, JsError> {
    let c = with_scores!(scores("scores", &scores_)?, |s| core::roc_curve(labels, s, weights.as_deref(), drop_intermediate)).map_err(js)?;
    Ok(c.into_flat())
}

/// `[precision…, recall…, thresholds…]`: m + 1, m + 1 and m numbers.
#[wasm_bindgen(js_name = prCurve)]
pub fn pr_curve(labels: &[u8], scores_: JsValue, weights: Option<Box<[f64]>>) -> Result<Vec<f64>, JsError> {
    let c = with_scores!(scores("scores", &scores_)?, |s| core::pr_curve(labels, s, weights.as_deref())).map_err(js)?;
    Ok(c.into_flat())
}

#[wasm_bindgen(js_name = averagePrecision)]
pub fn average_precision(labels: &[u8], scores_: JsValue, weights: Option<Box<[f64]>>) -> Result<Vec<f64>, JsError> {
    let v = with_scores!(scores("scores", &scores_)?, |s| core::average_precision(labels, s, weights.as_deref())).map_err(js)?;
    Ok(vec![v])
}

#[wasm_bindgen]
pub fn ks(labels: &[u8], scores_: JsValue, weights: Option<Box<[f64]>>) -> Result<Vec<f64>, JsError> {
    let v = with_scores!(scores("scores", &scores_)?, |s| core::ks(labels, s, weights.as_deref())).map_err(js)?;
    Ok(vec![v])
}

#[wasm_bindgen(js_name = logLoss)]
pub fn log_loss(labels: &[u8], probs: JsValue, weights: Option<Box<[f64]>>, eps: f64) -> Result<Vec<f64>, JsError> {
    let v = with_scores!(scores("probs", &probs)?, |p| core::log_loss(labels, p, weights.as_deref(), eps)).map_err(js)?;
    Ok(vec![v])
}

/// `[tp, fp, tn, fn, accuracy, precision, recall, f1]`.
#[wasm_bindgen(js_name = binaryStats)]
pub fn binary_stats(labels: &[u8], scores_: JsValue, weights: Option<Box<[f64]>>, threshold: f64) -> Result<Vec<f64>, JsError> {
    let s = with_scores!(scores("scores", &scores_)?, |s| core::binary_stats(labels, s, weights.as_deref(), threshold)).map_err(js)?;
    Ok(vec![s.tp, s.fp, s.tn, s.fn_, s.accuracy, s.precision, s.recall, s.f1])
}

/// `[queries, emptyQueries, then per k: precision, recall, ndcg, hitRate, f1, map, mrr]`.
#[wasm_bindgen(js_name = rankingMetrics)]
pub fn ranking_metrics(
    relevance: &[f64],
    scores_: JsValue,
    groups: Option<Box<[u32]>>,
    ks: &[u32],
    gain: &str,
    empty_queries: &str,
) -> Result<Vec<f64>, JsError> {
    let ks: Vec<usize> = ks.iter().map(|&k| k as usize).collect();
    let (gain, empty) = (core::Gain::parse(gain).map_err(js)?, core::EmptyQueries::parse(empty_queries).map_err(js)?);
    let r = with_scores!(scores("scores", &scores_)?, |s| core::ranking_metrics(relevance, s, groups.as_deref(), &ks, gain, empty)).map_err(js)?;
    Ok(r.to_vec())
}

/// `bins` positive weights, then `bins` negative weights.
#[wasm_bindgen(js_name = aucHistogram)]
pub fn auc_histogram(labels: &[u8], scores_: JsValue, weights: Option<Box<[f64]>>, lo: f64, hi: f64, bins: u32) -> Result<Vec<f64>, JsError> {
    with_scores!(scores("scores", &scores_)?, |s| core::auc_histogram(labels, s, weights.as_deref(), lo, hi, bins as usize)).map_err(js)
}

/// `[value, errorBound]`.
#[wasm_bindgen(js_name = aucFromHistogram)]
pub fn auc_from_histogram(positives: &[f64], negatives: &[f64]) -> Result<Vec<f64>, JsError> {
    let b = core::auc_from_histogram(positives, negatives).map_err(js)?;
    Ok(vec![b.value, b.error_bound])
}

#[wasm_bindgen(js_name = boxIou)]
pub fn box_iou(boxes_a: &[f64], boxes_b: &[f64], offset: f64) -> Result<Vec<f64>, JsError> {
    core::box_iou(boxes_a, boxes_b, offset).map_err(js)
}
