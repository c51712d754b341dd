//! Training kernels: losses with gradients and optimizer steps, dispatched by name in the core.

use super::{Array, Scores};
use crate::train::losses::{self, Reduction};
use crate::train::optim::Optimizer;
use crate::{Error, Result};

/// Loss `name` over `inputs` (one precision), class ids for softmax cross-entropy and numeric
/// options in the core's order: `[value(s), ...gradients]` (crates/core/src/train/losses/mod.rs).
#[inline]
pub fn loss(name: &str, inputs: Vec<Scores>, ids: Option<&[u32]>, params: &[f64], reduction: &str, grad: bool) -> Result<Vec<Array>> {
    let r = Reduction::parse(reduction)?;
    let f32s: Option<Vec<&[f32]>> = inputs.iter().map(|s| if let Scores::F32(x) = s { Some(*x) } else { None }).collect();
    if let Some(x) = f32s {
        return losses::loss(name, &x, ids, params, r, grad).map(Array::loss_f32);
    }
    let f64s: Option<Vec<&[f64]>> = inputs.iter().map(|s| if let Scores::F64(x) = s { Some(*x) } else { None }).collect();
    if let Some(x) = f64s {
        return losses::loss(name, &x, ids, params, r, grad).map(Array::loss_f64);
    }
    Err(Error::type_error("inputs", "mix Float32Array and Float64Array; pass one precision"))
}

/// State values per parameter of optimizer `name` with these hyper-parameters (and their check).
#[inline]
pub fn optimizer_state_slots(name: &str, hyper: &[f64]) -> Result<u32> {
    Optimizer::parse(name, hyper).map(|o| o.state_slots() as u32)
}

/// One optimizer step: `[params…, state…]` after the step (the facade writes them back into the
/// caller's arrays, so no binding writes JavaScript memory).
#[inline]
pub fn optimizer_step(name: &str, hyper: &[f64], step: u32, params: &[f32], grads: &[f32], state: &[f32]) -> Result<Vec<f32>> {
    let mut out = Vec::with_capacity(params.len() + state.len());
    out.extend_from_slice(params);
    out.extend_from_slice(state);
    let (p, s) = out.split_at_mut(params.len());
    Optimizer::parse(name, hyper)?.step(step as u64, p, grads, s)?;
    Ok(out)
}
