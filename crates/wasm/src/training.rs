//! Losses (with gradients), ops and optimizer steps: one entry point each, dispatching by name
//! in the core. Losses return `[value, ...grads]`: the value(s) as a Float64Array, the
//! gradients in the predictions' precision.

use crate::js;
use js_sys::{Array, Float32Array, Float64Array};
use reckit_core::losses::{self, Loss, Reduction};
use reckit_core::{ops, optim::Optimizer};
use wasm_bindgen::prelude::*;

/// Copies every input into wasm memory as `T` (all must be `T`'s typed array).
fn copy_all<T>(inputs: &Array, cast: impl Fn(&JsValue) -> Option<Vec<T>>) -> Option<Vec<Vec<T>>> {
    inputs.iter().map(|v| cast(&v)).collect()
}

fn to_js<T>(l: Loss<T>, grad: impl Fn(Vec<T>) -> JsValue) -> Array {
    std::iter::once(JsValue::from(Float64Array::from(&l.value[..]))).chain(l.grads.into_iter().map(grad)).collect()
}

/// All inputs share one precision (the facade converts them to the predictions').
#[wasm_bindgen]
pub fn loss(name: &str, inputs: Array, ids: Option<Box<[u32]>>, params: &[f64], reduction: &str, grad: bool) -> Result<Array, JsError> {
    let r = Reduction::parse(reduction).map_err(js)?;
    if let Some(xs) = copy_all(&inputs, |v| v.dyn_ref::<Float32Array>().map(|a| a.to_vec())) {
        let slices: Vec<&[f32]> = xs.iter().map(|x| &x[..]).collect();
        let l = losses::loss(name, &slices, ids.as_deref(), params, r, grad).map_err(js)?;
        return Ok(to_js(l, |g| Float32Array::from(&g[..]).into()));
    }
    if let Some(xs) = copy_all(&inputs, |v| v.dyn_ref::<Float64Array>().map(|a| a.to_vec())) {
        let slices: Vec<&[f64]> = xs.iter().map(|x| &x[..]).collect();
        let l = losses::loss(name, &slices, ids.as_deref(), params, r, grad).map_err(js)?;
        return Ok(to_js(l, |g| Float64Array::from(&g[..]).into()));
    }
    Err(JsError::new("inputs: mix Float32Array and Float64Array; pass one precision"))
}

#[wasm_bindgen]
pub fn op(name: &str, x: &[f32], size: u32, inner: u32, tensors: Array, params: &[f32]) -> Result<Vec<f32>, JsError> {
    let tensors: Vec<Vec<f32>> = tensors
        .iter()
        .map(|t| t.dyn_ref::<Float32Array>().map(|a| a.to_vec()).ok_or_else(|| JsError::new("tensors: must be Float32Arrays")))
        .collect::<Result<_, _>>()?;
    let tensors: Vec<&[f32]> = tensors.iter().map(|t| &t[..]).collect();
    ops::op(name, x, size as usize, inner as usize, &tensors, params).map_err(js)
}

/// One optimizer step on one parameter array; wasm-bindgen copies `params` and `state` back
/// into the caller's arrays.
#[wasm_bindgen(js_name = optimizerStep)]
pub fn optimizer_step(name: &str, hyper: &[f64], step: u32, params: &mut [f32], grads: &[f32], state: &mut [f32]) -> Result<(), JsError> {
    Optimizer::parse(name, hyper).map_err(js)?.step(step as u64, params, grads, state).map_err(js)
}

/// State values per parameter of optimizer `name` with these hyper-parameters (and their check).
#[wasm_bindgen(js_name = optimizerStateSlots)]
pub fn optimizer_state_slots(name: &str, hyper: &[f64]) -> Result<u32, JsError> {
    Optimizer::parse(name, hyper).map(|o| o.state_slots() as u32).map_err(js)
}
