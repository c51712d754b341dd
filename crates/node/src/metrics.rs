//! The metrics. Each kernel returns a number or its numbers as one Float64Array (the facade
//! names them), and has an `…Async` twin that runs on libuv's pool.

use crate::run;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use reckit_core as core;

type Scores = Either<Float32Array, Float64Array>;

/// Calls `$f(…, scores, …)` with the scores as `&[f32]` or `&[f64]`, whichever JS passed.
macro_rules! with_scores {
    ($scores:expr, |$s:ident| $body:expr) => {
        match $scores {
            Either::A($s) => $body,
            Either::B($s) => $body,
        }
    };
}

/// A kernel's result as the JavaScript value it resolves to.
pub trait IntoJs: Send + 'static {
    type Js: ToNapiValue + TypeName;
    fn into_js(self) -> Self::Js;
}

impl IntoJs for Vec<f64> {
    type Js = Float64Array;
    fn into_js(self) -> Float64Array {
        Float64Array::new(self)
    }
}

impl IntoJs for f64 {
    type Js = f64;
    fn into_js(self) -> f64 {
        self
    }
}

impl IntoJs for Vec<f32> {
    type Js = Float32Array;
    fn into_js(self) -> Float32Array {
        Float32Array::new(self)
    }
}

/// A kernel on libuv's thread pool; the typed arrays it captured stay referenced until it ends.
pub struct Job<O>(Option<Box<dyn FnOnce() -> core::Result<O> + Send>>);

impl<O> Job<O> {
    pub fn new(f: impl FnOnce() -> core::Result<O> + Send + 'static) -> Self {
        Job(Some(Box::new(f)))
    }
}

impl<O: IntoJs> Task for Job<O> {
    type Output = O;
    type JsValue = O::Js;
    fn compute(&mut self) -> Result<O> {
        run(self.0.take().expect("a job runs once"))
    }
    fn resolve(&mut self, _: Env, value: O) -> Result<O::Js> {
        Ok(value.into_js())
    }
}

/// Declares `$name` (sync) and `$name_async` (a `Job`) over the same body.
macro_rules! kernel {
    ($name:ident, $name_async:ident, ($($arg:ident: $ty:ty),*) => $body:expr) => {
        #[napi]
        pub fn $name($($arg: $ty),*) -> Result<Float64Array> {
            run(|| $body).map(Float64Array::new)
        }
        #[napi(ts_return_type = "Promise<Float64Array>")]
        pub fn $name_async($($arg: $ty),*) -> AsyncTask<Job<Vec<f64>>> {
            AsyncTask::new(Job::new(move || $body))
        }
    };
}

#[napi]
pub fn auc(labels: Uint8Array, scores: Scores, weights: Option<Float64Array>) -> Result<f64> {
    run(|| with_scores!(&scores, |s| core::auc(&labels, s, weights.as_deref())))
}

#[napi(ts_return_type = "Promise<number>")]
pub fn auc_async(labels: Uint8Array, scores: Scores, weights: Option<Float64Array>) -> AsyncTask<Job<f64>> {
    AsyncTask::new(Job::new(move || with_scores!(&scores, |s| core::auc(&labels, s, weights.as_deref()))))
}

/// `[value, groups, skippedGroups]`.
fn gauc_of(labels: &[u8], scores: &Scores, groups: &[u32], weighting: &str, explicit: Option<(&[u32], &[f64])>) -> core::Result<Vec<f64>> {
    let weighting = core::GroupWeighting::parse(weighting, explicit)?;
    let r = with_scores!(scores, |s| core::gauc(labels, s, groups, weighting))?;
    Ok(vec![r.value, r.groups as f64, r.skipped_groups as f64])
}

/// `[fpr…, tpr…, thresholds…]`, three equal thirds.
fn roc(labels: &[u8], scores: &Scores, weights: Option<&[f64]>, drop: bool) -> core::Result<Vec<f64>> {
    Ok(with_scores!(scores, |s| core::roc_curve(labels, s, weights, drop))?.into_flat())
}

/// `[precision…, recall…, thresholds…]`: m + 1, m + 1 and m numbers.
fn pr(labels: &[u8], scores: &Scores, weights: Option<&[f64]>) -> core::Result<Vec<f64>> {
    Ok(with_scores!(scores, |s| core::pr_curve(labels, s, weights))?.into_flat())
}

/// `[tp, fp, tn, fn, accuracy, precision, recall, f1]`.
fn stats(labels: &[u8], scores: &Scores, weights: Option<&[f64]>, threshold: f64) -> core::Result<Vec<f64>> {
    let s = with_scores!(scores, |s| core::binary_stats(labels, s, weights, threshold))?;
    Ok(vec![s.tp, s.fp, s.tn, s.fn_, s.accuracy, s.precision, s.recall, s.f1])
}

/// `[queries, emptyQueries, then per k: precision, recall, ndcg, hitRate, f1, map, mrr]`.
fn ranking(rel: &[f64], scores: &Scores, groups: Option<&[u32]>, ks: &[u32], gain: &str, empty: &str) -> core::Result<Vec<f64>> {
    let ks: Vec<usize> = ks.iter().map(|&k| k as usize).collect();
    let (gain, empty) = (core::Gain::parse(gain)?, core::EmptyQueries::parse(empty)?);
    let r = with_scores!(scores, |s| core::ranking_metrics(rel, s, groups, &ks, gain, empty))?;
    Ok(r.to_vec())
}

kernel!(gauc, gauc_async,
    (labels: Uint8Array, scores: Scores, groups: Uint32Array, weighting: String, weight_groups: Option<Uint32Array>, weight_values: Option<Float64Array>)
    => gauc_of(&labels, &scores, &groups, &weighting, weight_groups.as_deref().zip(weight_values.as_deref())));
kernel!(roc_curve, roc_curve_async, (labels: Uint8Array, scores: Scores, weights: Option<Float64Array>, drop_intermediate: bool)
    => roc(&labels, &scores, weights.as_deref(), drop_intermediate));
kernel!(pr_curve, pr_curve_async, (labels: Uint8Array, scores: Scores, weights: Option<Float64Array>)
    => pr(&labels, &scores, weights.as_deref()));
kernel!(average_precision, average_precision_async, (labels: Uint8Array, scores: Scores, weights: Option<Float64Array>)
    => with_scores!(&scores, |s| core::average_precision(&labels, s, weights.as_deref())).map(|v| vec![v]));
kernel!(ks, ks_async, (labels: Uint8Array, scores: Scores, weights: Option<Float64Array>)
    => with_scores!(&scores, |s| core::ks(&labels, s, weights.as_deref())).map(|v| vec![v]));
kernel!(log_loss, log_loss_async, (labels: Uint8Array, probs: Scores, weights: Option<Float64Array>, eps: f64)
    => with_scores!(&probs, |p| core::log_loss(&labels, p, weights.as_deref(), eps)).map(|v| vec![v]));
kernel!(binary_stats, binary_stats_async, (labels: Uint8Array, scores: Scores, weights: Option<Float64Array>, threshold: f64)
    => stats(&labels, &scores, weights.as_deref(), threshold));
kernel!(ranking_metrics, ranking_metrics_async,
    (relevance: Float64Array, scores: Scores, groups: Option<Uint32Array>, ks: Uint32Array, gain: String, empty_queries: String)
    => ranking(&relevance, &scores, groups.as_deref(), &ks, &gain, &empty_queries));
kernel!(auc_histogram, auc_histogram_async,
    (labels: Uint8Array, scores: Scores, weights: Option<Float64Array>, lo: f64, hi: f64, bins: u32)
    => with_scores!(&scores, |s| core::auc_histogram(&labels, s, weights.as_deref(), lo, hi, bins as usize)));
kernel!(auc_from_histogram, auc_from_histogram_async, (positives: Float64Array, negatives: Float64Array)
    => core::auc_from_histogram(&positives, &negatives).map(|b| vec![b.value, b.error_bound]));
kernel!(box_iou, box_iou_async, (boxes_a: Float64Array, boxes_b: Float64Array, offset: f64)
    => core::box_iou(&boxes_a, &boxes_b, offset));
