//! napi-rs bindings of reckit-core: convert arguments and errors, nothing else.
//!
//! Typed arrays arrive as napi handles that borrow the JS memory (no copy). Sync functions run
//! on the calling thread; `…Async` ones are `AsyncTask`s on libuv's pool, holding references
//! to the arrays until they resolve.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use reckit_core::{GroupWeighting, Score};

mod metrics;
mod training;

/// A core error becomes an `InvalidArg` error whose message starts with the argument's name;
/// a panic (a bug) becomes an error instead of unwinding into Node.
pub(crate) fn run<T>(f: impl FnOnce() -> reckit_core::Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Error::new(Status::InvalidArg, e.to_string())),
        Err(_) => Err(Error::new(Status::GenericFailure, "reckit internal error (a Rust panic); please report it")),
    }
}

fn auc_of(labels: &[u8], scores: &Either<Float32Array, Float64Array>, weights: Option<&[f64]>) -> reckit_core::Result<f64> {
    match scores {
        Either::A(s) => reckit_core::auc(labels, s, weights),
        Either::B(s) => reckit_core::auc(labels, s, weights),
    }
}

fn gauc_of(
    labels: &[u8],
    scores: &Either<Float32Array, Float64Array>,
    groups: &[u32],
    weighting: &str,
    explicit: Option<(&[u32], &[f64])>,
) -> reckit_core::Result<Vec<f64>> {
    let weighting = GroupWeighting::parse(weighting, explicit)?;
    fn go<S: Score>(l: &[u8], s: &[S], g: &[u32], w: GroupWeighting) -> reckit_core::Result<Vec<f64>> {
        let r = reckit_core::gauc(l, s, g, w)?;
        Ok(vec![r.value, r.groups as f64, r.skipped_groups as f64])
    }
    match scores {
        Either::A(s) => go(labels, s, groups, weighting),
        Either::B(s) => go(labels, s, groups, weighting),
    }
}

#[napi]
pub fn auc(labels: Uint8Array, scores: Either<Float32Array, Float64Array>, weights: Option<Float64Array>) -> Result<f64> {
    run(|| auc_of(&labels, &scores, weights.as_deref()))
}

/// `[value, groups, skippedGroups]`.
#[napi]
pub fn gauc(
    labels: Uint8Array,
    scores: Either<Float32Array, Float64Array>,
    groups: Uint32Array,
    weighting: String,
    weight_groups: Option<Uint32Array>,
    weight_values: Option<Float64Array>,
) -> Result<Vec<f64>> {
    let explicit = weight_groups.as_deref().zip(weight_values.as_deref());
    run(|| gauc_of(&labels, &scores, &groups, &weighting, explicit))
}

pub struct AucTask {
    labels: Uint8Array,
    scores: Either<Float32Array, Float64Array>,
    weights: Option<Float64Array>,
}

impl Task for AucTask {
    type Output = f64;
    type JsValue = f64;
    fn compute(&mut self) -> Result<f64> {
        run(|| auc_of(&self.labels, &self.scores, self.weights.as_deref()))
    }
    fn resolve(&mut self, _: Env, value: f64) -> Result<f64> {
        Ok(value)
    }
}

#[napi(ts_return_type = "Promise<number>")]
pub fn auc_async(labels: Uint8Array, scores: Either<Float32Array, Float64Array>, weights: Option<Float64Array>) -> AsyncTask<AucTask> {
    AsyncTask::new(AucTask { labels, scores, weights })
}

pub struct GaucTask {
    labels: Uint8Array,
    scores: Either<Float32Array, Float64Array>,
    groups: Uint32Array,
    weighting: String,
    weight_groups: Option<Uint32Array>,
    weight_values: Option<Float64Array>,
}

impl Task for GaucTask {
    type Output = Vec<f64>;
    type JsValue = Vec<f64>;
    fn compute(&mut self) -> Result<Vec<f64>> {
        let explicit = self.weight_groups.as_deref().zip(self.weight_values.as_deref());
        run(|| gauc_of(&self.labels, &self.scores, &self.groups, &self.weighting, explicit))
    }
    fn resolve(&mut self, _: Env, value: Vec<f64>) -> Result<Vec<f64>> {
        Ok(value)
    }
}

#[napi(ts_return_type = "Promise<number[]>")]
pub fn gauc_async(
    labels: Uint8Array,
    scores: Either<Float32Array, Float64Array>,
    groups: Uint32Array,
    weighting: String,
    weight_groups: Option<Uint32Array>,
    weight_values: Option<Float64Array>,
) -> AsyncTask<GaucTask> {
    AsyncTask::new(GaucTask { labels, scores, groups, weighting, weight_groups, weight_values })
}

/// The SIMD level the kernels run with and the size of the thread pool.
#[napi]
pub fn simd_level() -> &'static str {
    reckit_core::simd::level()
}

#[napi]
pub fn threads() -> u32 {
    reckit_core::threads() as u32
}

/// Frees the pooled scratch buffers of the large kernels.
#[napi]
pub fn release_memory() {
    reckit_core::release_scratch()
}
