//! Losses (with gradients), ops and optimizer steps: one entry point each, dispatching by name
//! in the core. Losses return `[value, ...grads]`: the value(s) as a Float64Array, the
//! gradients in the predictions' precision.

use crate::metrics::{IntoJs, Job};
use crate::run;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use reckit_core::losses::{self, Loss, Reduction};
use reckit_core::{ops, optim::Optimizer};

type Arrays = Vec<Either<Float32Array, Float64Array>>;

pub enum LossOut {
    F32(Loss<f32>),
    F64(Loss<f64>),
}

impl IntoJs for LossOut {
    type Js = Vec<Either<Float64Array, Float32Array>>;
    fn into_js(self) -> Self::Js {
        match self {
            LossOut::F32(l) => std::iter::once(Either::A(Float64Array::new(l.value)))
                .chain(l.grads.into_iter().map(|g| Either::B(Float32Array::new(g))))
                .collect(),
            LossOut::F64(l) => std::iter::once(l.value).chain(l.grads).map(|v| Either::A(Float64Array::new(v))).collect(),
        }
    }
}

/// All inputs share one precision (the facade converts them to the predictions').
fn compute(name: &str, inputs: &Arrays, ids: Option<&[u32]>, params: &[f64], reduction: &str, grad: bool) -> reckit_core::Result<LossOut> {
    let r = Reduction::parse(reduction)?;
    if let Some(f32s) = inputs.iter().map(|a| if let Either::A(a) = a { Some(&a[..]) } else { None }).collect::<Option<Vec<_>>>() {
        return losses::loss(name, &f32s, ids, params, r, grad).map(LossOut::F32);
    }
    if let Some(f64s) = inputs.iter().map(|a| if let Either::B(a) = a { Some(&a[..]) } else { None }).collect::<Option<Vec<_>>>() {
        return losses::loss(name, &f64s, ids, params, r, grad).map(LossOut::F64);
    }
    Err(reckit_core::Error::new("inputs", "mix Float32Array and Float64Array; pass one precision"))
}

#[napi]
pub fn loss(name: String, inputs: Arrays, ids: Option<Uint32Array>, params: Float64Array, reduction: String, grad: bool) -> Result<Vec<Either<Float64Array, Float32Array>>> {
    run(|| compute(&name, &inputs, ids.as_deref(), &params, &reduction, grad)).map(IntoJs::into_js)
}

#[napi(ts_return_type = "Promise<Array<Float64Array | Float32Array>>")]
pub fn loss_async(name: String, inputs: Arrays, ids: Option<Uint32Array>, params: Float64Array, reduction: String, grad: bool) -> AsyncTask<Job<LossOut>> {
    AsyncTask::new(Job::new(move || compute(&name, &inputs, ids.as_deref(), &params, &reduction, grad)))
}

fn op_of(name: &str, x: &[f32], size: u32, inner: u32, tensors: &[Float32Array], params: &[f32]) -> reckit_core::Result<Vec<f32>> {
    let tensors: Vec<&[f32]> = tensors.iter().map(|t| &t[..]).collect();
    ops::op(name, x, size as usize, inner as usize, &tensors, params)
}

#[napi]
pub fn op(name: String, x: Float32Array, size: u32, inner: u32, tensors: Vec<Float32Array>, params: Float32Array) -> Result<Float32Array> {
    run(|| op_of(&name, &x, size, inner, &tensors, &params)).map(Float32Array::new)
}

#[napi(ts_return_type = "Promise<Float32Array>")]
pub fn op_async(name: String, x: Float32Array, size: u32, inner: u32, tensors: Vec<Float32Array>, params: Float32Array) -> AsyncTask<Job<Vec<f32>>> {
    AsyncTask::new(Job::new(move || op_of(&name, &x, size, inner, &tensors, &params)))
}

/// One optimizer step on one parameter array, in place (sync only: it writes the caller's
/// arrays, which must not change under it).
#[napi]
pub fn optimizer_step(name: String, hyper: Float64Array, step: u32, mut params: Float32Array, grads: Float32Array, mut state: Float32Array) -> Result<()> {
    // SAFETY: the call is synchronous, so JavaScript cannot touch the arrays while we write.
    let (p, s) = unsafe { (params.as_mut(), state.as_mut()) };
    run(|| Optimizer::parse(&name, &hyper)?.step(step as u64, p, &grads, s))
}

/// State values per parameter of optimizer `name` with these hyper-parameters (and their check).
#[napi]
pub fn optimizer_state_slots(name: String, hyper: Float64Array) -> Result<u32> {
    run(|| Optimizer::parse(&name, &hyper).map(|o| o.state_slots() as u32))
}
