//! Tensor files: safetensors, parsed and converted to f32 in the core.

use crate::run;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use reckit_core::safetensors;

/// `[index, data]`: the index JSON (`Tensors::index_json`: names, dtypes, shapes, offsets into
/// `data`) and every tensor's elements as one Float32Array. Sync only: a linear-time parse.
#[napi(ts_return_type = "[string, Float32Array]")]
pub fn read_safetensors(bytes: Uint8Array) -> Result<(String, Float32Array)> {
    run(|| safetensors::read(&bytes)).map(|t| (t.index_json(), Float32Array::new(t.data)))
}
