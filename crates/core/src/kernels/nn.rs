//! Dense kernels: ops, matmul, attention and layers (built and held by the registry).

use super::{Array, Shape};
use crate::nn::layers::{scaled_dot_product_attention, In, Weights};
use crate::nn::matmul::{self, Activation, Dims};
use crate::nn::{ops, registry};
use crate::{Error, Result};

/// Op `name` over rows of `size` (or C channels of length `inner`); crates/core/src/nn/ops.rs.
#[inline]
pub fn op(name: &str, x: &[f32], size: u32, inner: u32, tensors: Vec<&[f32]>, params: &[f32]) -> Result<Vec<f32>> {
    ops::op(name, x, super::index("size", size)?, super::index("size", inner)?, &tensors, params)
}

/// `op(a)·op(b) + bias` then `activation`; `dims` = [m, k, n, transA, transB].
#[inline]
pub fn matmul(a: &[f32], b: &[f32], dims: &[u32], bias: Option<&[f32]>, activation: &str) -> Result<Vec<f32>> {
    let [m, k, n, ta, tb] = dims[..] else { return Err(Error::new("dims", "expected [m, k, n, transA, transB]")) };
    let d = Dims { m: m as usize, k: k as usize, n: n as usize, trans_a: ta == 1, trans_b: tb == 1 };
    matmul::matmul(d, a, b, bias, Activation::parse(activation)?)
}

/// Scaled dot-product attention over `data` = [q, k, v, mask?]; `scale` NaN means 1/√d.
#[inline]
pub fn attention(data: Vec<&[f32]>, shapes: Vec<Shape>, causal: bool, scale: f64) -> Result<Vec<f32>> {
    if data.len() < 3 || shapes.len() != data.len() || shapes.iter().any(Option::is_none) {
        return Err(Error::new("inputs", "expected q, k, v (and a mask) with their shapes"));
    }
    let t: Vec<In> = data.iter().zip(&shapes).map(|(d, s)| In { data: d, shape: s.as_deref().unwrap_or_default() }).collect();
    let scale = (!scale.is_nan()).then_some(scale as f32);
    scaled_dot_product_attention(t[0], t[1], t[2], t.get(3).copied(), causal, scale).map(|o| o.data)
}

/// Builds layer or model `kind` (crates/core/src/nn/registry.rs) from named weights; its id.
#[inline]
pub fn layer_create(kind: &str, config: &str, names: Vec<String>, shapes: Vec<Shape>, data: Vec<&[f32]>) -> Result<u32> {
    if shapes.len() != names.len() || data.len() != names.len() {
        return Err(Error::new("weights", "every tensor needs a name, a shape and data"));
    }
    let mut entries = Vec::with_capacity(names.len());
    for ((name, shape), d) in names.into_iter().zip(shapes).zip(data) {
        let shape = shape.ok_or_else(|| Error::new("weights", format!("'{name}' has no shape")))?;
        entries.push((name, shape, d.to_vec()));
    }
    registry::create(kind, config, Weights::new(entries)?)
}

/// Positional inputs (absent: no shape) → `[data0, shape0, data1, shape1, …]`.
#[inline]
pub fn layer_forward(id: u32, data: Vec<&[f32]>, shapes: Vec<Shape>, ints: Vec<Option<&[i32]>>) -> Result<Vec<Array>> {
    let t: Vec<Option<In>> = data.iter().zip(&shapes).map(|(d, s)| s.as_deref().map(|shape| In { data: d, shape })).collect();
    registry::forward(id, &t, &ints).map(Array::tensors)
}

/// Frees layer `id`'s weights once in-flight calls end; disposing twice is a no-op.
#[inline]
pub fn layer_dispose(id: u32) -> Result<()> {
    registry::dispose(id);
    Ok(())
}

/// Layers alive in this instance (the leak test's probe).
#[inline]
pub fn layer_count() -> Result<u32> {
    Ok(registry::live() as u32)
}
