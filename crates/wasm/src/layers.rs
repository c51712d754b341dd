//! Dense kernels (matmul, attention) and layers. A layer's weights are copied once into wasm
//! memory by `layerCreate`, which returns an id. Tensors travel as (Float32Array data,
//! Uint32Array shape) pairs; an absent optional input has a null shape.

use crate::js;
use js_sys::{Array, Float32Array, Int32Array, Uint32Array};
use reckit_core::layers::{registry, scaled_dot_product_attention, In, Weights};
use reckit_core::matmul::{self, Activation, Dims};
use wasm_bindgen::prelude::*;

fn floats(v: &JsValue, arg: &str) -> Result<Vec<f32>, JsError> {
    v.dyn_ref::<Float32Array>().map(|a| a.to_vec()).ok_or_else(|| JsError::new(&format!("{arg}: must be Float32Arrays")))
}

/// Each element as a shape, or None where it is null/undefined.
fn shapes(a: &Array) -> Vec<Option<Vec<usize>>> {
    a.iter().map(|v| v.dyn_ref::<Uint32Array>().map(|s| s.to_vec().into_iter().map(|d| d as usize).collect())).collect()
}

#[wasm_bindgen(js_name = layerCreate)]
pub fn layer_create(kind: &str, config: &str, names: Vec<String>, shape_list: Array, data: Array) -> Result<u32, JsError> {
    let shapes = shapes(&shape_list);
    let mut entries = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let shape = shapes.get(i).cloned().flatten().ok_or_else(|| JsError::new("weights: every tensor needs a shape"))?;
        entries.push((name, shape, floats(&data.get(i as u32), "weights")?));
    }
    registry::create(kind, config, Weights::new(entries).map_err(js)?).map_err(js)
}

/// Outputs as `[data0, shape0, data1, shape1, …]`.
#[wasm_bindgen(js_name = layerForward)]
pub fn layer_forward(id: u32, data: Array, shape_list: Array, ints: Array) -> Result<Array, JsError> {
    let dims = shapes(&shape_list);
    let bufs: Vec<Vec<f32>> = data.iter().map(|d| floats(&d, "inputs")).collect::<Result<_, _>>()?;
    let t: Vec<Option<In>> = bufs.iter().zip(&dims).map(|(d, s)| s.as_deref().map(|shape| In { data: d, shape })).collect();
    let ints: Vec<Option<Vec<i32>>> = ints.iter().map(|v| v.dyn_ref::<Int32Array>().map(|a| a.to_vec())).collect();
    let ints: Vec<Option<&[i32]>> = ints.iter().map(|i| i.as_deref()).collect();
    let outs = registry::forward(id, &t, &ints).map_err(js)?;
    let shape = |s: &[usize]| Uint32Array::from(&s.iter().map(|&d| d as u32).collect::<Vec<_>>()[..]);
    Ok(outs.iter().flat_map(|o| [JsValue::from(Float32Array::from(&o.data[..])), shape(&o.shape).into()]).collect())
}

#[wasm_bindgen(js_name = layerDispose)]
pub fn layer_dispose(id: u32) {
    registry::dispose(id)
}

#[wasm_bindgen(js_name = layerCount)]
pub fn layer_count() -> u32 {
    registry::live() as u32
}

/// `dims` = [m, k, n, transA, transB].
#[wasm_bindgen]
pub fn matmul(a: &[f32], b: &[f32], dims: &[u32], bias: Option<Box<[f32]>>, activation: &str) -> Result<Vec<f32>, JsError> {
    let [m, k, n, ta, tb] = dims[..] else { return Err(JsError::new("dims: expected [m, k, n, transA, transB]")) };
    let d = Dims { m: m as usize, k: k as usize, n: n as usize, trans_a: ta == 1, trans_b: tb == 1 };
    matmul::matmul(d, a, b, bias.as_deref(), Activation::parse(activation).map_err(js)?).map_err(js)
}

/// `data` = [q, k, v, mask?]; `scale` NaN means 1/√d.
#[wasm_bindgen]
pub fn attention(data: Array, shape_list: Array, causal: bool, scale: f64) -> Result<Vec<f32>, JsError> {
    let bufs: Vec<Vec<f32>> = data.iter().map(|d| floats(&d, "inputs")).collect::<Result<_, _>>()?;
    let dims: Vec<Vec<usize>> = shapes(&shape_list).into_iter().map(Option::unwrap_or_default).collect();
    if bufs.len() < 3 || dims.len() != bufs.len() {
        return Err(JsError::new("inputs: expected q, k, v (and a mask) with their shapes"));
    }
    let t: Vec<In> = bufs.iter().zip(&dims).map(|(d, s)| In { data: d, shape: s }).collect();
    let scale = (!scale.is_nan()).then_some(scale as f32);
    scaled_dot_product_attention(t[0], t[1], t[2], t.get(3).copied(), causal, scale).map(|o| o.data).map_err(js)
}
