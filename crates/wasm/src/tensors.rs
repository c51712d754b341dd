//! Tensor files: safetensors, parsed and converted to f32 in the core.

use crate::js;
use js_sys::{Array, Float32Array};
use reckit_core::safetensors;
use wasm_bindgen::prelude::*;

/// `[index, data]`: the index JSON (`Tensors::index_json`: names, dtypes, shapes, offsets into
/// `data`) and every tensor's elements as one Float32Array (copied out of wasm memory).
#[wasm_bindgen(js_name = readSafetensors, unchecked_return_type = "[string, Float32Array]")]
pub fn read_safetensors(bytes: &[u8]) -> Result<Array, JsError> {
    let t = safetensors::read(bytes).map_err(js)?;
    let index = JsValue::from(t.index_json());
    let data = JsValue::from(Float32Array::from(&t.data[..]));
    Ok(Array::of2(&index, &data))
}
