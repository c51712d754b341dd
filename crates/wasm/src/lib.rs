//! wasm-bindgen bindings of reckit-core: convert arguments and errors, nothing else.
//!
//! Slices are copied into wasm memory by wasm-bindgen. Built twice: single-threaded with
//! simd128, and with the `threads` feature (rayon over Web Workers via wasm-bindgen-rayon).

use reckit_core::{GroupWeighting, Score};
use wasm_bindgen::prelude::*;

mod metrics;
mod training;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

pub(crate) fn js(e: reckit_core::Error) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen(js_name = aucF32)]
pub fn auc_f32(labels: &[u8], scores: &[f32], weights: Option<Box<[f64]>>) -> Result<f64, JsError> {
    reckit_core::auc(labels, scores, weights.as_deref()).map_err(js)
}

#[wasm_bindgen(js_name = aucF64)]
pub fn auc_f64(labels: &[u8], scores: &[f64], weights: Option<Box<[f64]>>) -> Result<f64, JsError> {
    reckit_core::auc(labels, scores, weights.as_deref()).map_err(js)
}

fn gauc<S: Score>(
    labels: &[u8],
    scores: &[S],
    groups: &[u32],
    weighting: &str,
    weight_groups: Option<Box<[u32]>>,
    weight_values: Option<Box<[f64]>>,
) -> Result<Vec<f64>, JsError> {
    let explicit = weight_groups.as_deref().zip(weight_values.as_deref());
    let r = reckit_core::gauc(labels, scores, groups, GroupWeighting::parse(weighting, explicit).map_err(js)?).map_err(js)?;
    Ok(vec![r.value, r.groups as f64, r.skipped_groups as f64])
}

/// `[value, groups, skippedGroups]`.
#[wasm_bindgen(js_name = gaucF32)]
pub fn gauc_f32(
    labels: &[u8],
    scores: &[f32],
    groups: &[u32],
    weighting: &str,
    weight_groups: Option<Box<[u32]>>,
    weight_values: Option<Box<[f64]>>,
) -> Result<Vec<f64>, JsError> {
    gauc(labels, scores, groups, weighting, weight_groups, weight_values)
}

#[wasm_bindgen(js_name = gaucF64)]
pub fn gauc_f64(
    labels: &[u8],
    scores: &[f64],
    groups: &[u32],
    weighting: &str,
    weight_groups: Option<Box<[u32]>>,
    weight_values: Option<Box<[f64]>>,
) -> Result<Vec<f64>, JsError> {
    gauc(labels, scores, groups, weighting, weight_groups, weight_values)
}

#[wasm_bindgen(js_name = simdLevel)]
pub fn simd_level() -> String {
    reckit_core::simd::level().into()
}

#[wasm_bindgen]
pub fn threads() -> u32 {
    reckit_core::threads() as u32
}

/// Lets the kernels use rayon's pool (threaded build); off on a browser's main thread.
#[wasm_bindgen(js_name = setParallel)]
pub fn set_parallel(enabled: bool) {
    reckit_core::set_parallel(enabled)
}

#[wasm_bindgen(js_name = releaseMemory)]
pub fn release_memory() {
    reckit_core::release_scratch()
}
