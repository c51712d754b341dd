//! Dense kernels (matmul, attention) and layers. A layer's weights are copied once into Rust
//! memory by `layerCreate`, which returns an id; `layerForward` borrows its inputs from JS.
//! Tensors travel as (Float32Array data, Uint32Array shape) pairs; an absent optional input
//! is a null shape.

use crate::metrics::{IntoJs, Job};
use crate::run;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use reckit_core::layers::{registry, scaled_dot_product_attention, In, Out, Weights};
use reckit_core::matmul::{self, Activation, Dims};

fn dims_of(shape: &[u32]) -> Vec<usize> {
    shape.iter().map(|&d| d as usize).collect()
}

/// Outputs as `[data0, shape0, data1, shape1, …]`.
pub struct Outs(Vec<Out>);

impl IntoJs for Outs {
    type Js = Vec<Either<Float32Array, Uint32Array>>;
    fn into_js(self) -> Self::Js {
        self.0
            .into_iter()
            .flat_map(|o| [Either::A(Float32Array::new(o.data)), Either::B(Uint32Array::new(o.shape.iter().map(|&d| d as u32).collect()))])
            .collect()
    }
}

type Data = Vec<Float32Array>;
type Shapes = Vec<Option<Uint32Array>>;

fn forward(id: u32, data: &Data, shapes: &Shapes, ints: &[Option<Int32Array>]) -> reckit_core::Result<Outs> {
    let dims: Vec<Option<Vec<usize>>> = shapes.iter().map(|s| s.as_deref().map(dims_of)).collect();
    let t: Vec<Option<In>> = data.iter().zip(&dims).map(|(d, s)| s.as_deref().map(|shape| In { data: d, shape })).collect();
    let ints: Vec<Option<&[i32]>> = ints.iter().map(|i| i.as_deref()).collect();
    registry::forward(id, &t, &ints).map(Outs)
}

#[napi]
pub fn layer_create(kind: String, config: String, names: Vec<String>, shapes: Vec<Uint32Array>, data: Vec<Float32Array>) -> Result<u32> {
    run(|| {
        let entries = names.into_iter().zip(shapes).zip(data).map(|((n, s), d)| (n, dims_of(&s), d.to_vec()));
        registry::create(&kind, &config, Weights::new(entries)?)
    })
}

#[napi]
pub fn layer_forward(id: u32, data: Data, shapes: Shapes, ints: Vec<Option<Int32Array>>) -> Result<Vec<Either<Float32Array, Uint32Array>>> {
    run(|| forward(id, &data, &shapes, &ints)).map(IntoJs::into_js)
}

#[napi(ts_return_type = "Promise<Array<Float32Array | Uint32Array>>")]
pub fn layer_forward_async(id: u32, data: Data, shapes: Shapes, ints: Vec<Option<Int32Array>>) -> AsyncTask<Job<Outs>> {
    AsyncTask::new(Job::new(move || forward(id, &data, &shapes, &ints)))
}

#[napi]
pub fn layer_dispose(id: u32) {
    registry::dispose(id)
}

/// Layers alive (the leak test's probe).
#[napi]
pub fn layer_count() -> u32 {
    registry::live() as u32
}

fn product(a: &[f32], b: &[f32], dims: &[u32], bias: Option<&[f32]>, activation: &str) -> reckit_core::Result<Vec<f32>> {
    let [m, k, n, ta, tb] = dims[..] else { return Err(reckit_core::Error::new("dims", "expected [m, k, n, transA, transB]")) };
    let d = Dims { m: m as usize, k: k as usize, n: n as usize, trans_a: ta == 1, trans_b: tb == 1 };
    matmul::matmul(d, a, b, bias, Activation::parse(activation)?)
}

/// `dims` = [m, k, n, transA, transB].
#[napi]
pub fn matmul(a: Float32Array, b: Float32Array, dims: Uint32Array, bias: Option<Float32Array>, activation: String) -> Result<Float32Array> {
    run(|| product(&a, &b, &dims, bias.as_deref(), &activation)).map(Float32Array::new)
}

#[napi(ts_return_type = "Promise<Float32Array>")]
pub fn matmul_async(a: Float32Array, b: Float32Array, dims: Uint32Array, bias: Option<Float32Array>, activation: String) -> AsyncTask<Job<Vec<f32>>> {
    AsyncTask::new(Job::new(move || product(&a, &b, &dims, bias.as_deref(), &activation)))
}

fn attend(data: &Data, shapes: &[Uint32Array], causal: bool, scale: f64) -> reckit_core::Result<Vec<f32>> {
    let dims: Vec<Vec<usize>> = shapes.iter().map(|s| dims_of(s)).collect();
    if data.len() < 3 || dims.len() != data.len() {
        return Err(reckit_core::Error::new("inputs", "expected q, k, v (and a mask) with their shapes"));
    }
    let t: Vec<In> = data.iter().zip(&dims).map(|(d, s)| In { data: d, shape: s }).collect();
    let scale = (!scale.is_nan()).then_some(scale as f32);
    scaled_dot_product_attention(t[0], t[1], t[2], t.get(3).copied(), causal, scale).map(|o| o.data)
}

/// `data` = [q, k, v, mask?]; `scale` NaN means 1/√d.
#[napi]
pub fn attention(data: Data, shapes: Vec<Uint32Array>, causal: bool, scale: f64) -> Result<Float32Array> {
    run(|| attend(&data, &shapes, causal, scale)).map(Float32Array::new)
}

#[napi(ts_return_type = "Promise<Float32Array>")]
pub fn attention_async(data: Data, shapes: Vec<Uint32Array>, causal: bool, scale: f64) -> AsyncTask<Job<Vec<f32>>> {
    AsyncTask::new(Job::new(move || attend(&data, &shapes, causal, scale)))
}
