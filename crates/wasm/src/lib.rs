//! wasm-bindgen bindings of reckit-core: convert arguments and errors, nothing else.
//!
//! Slices are copied into wasm memory by wasm-bindgen. Built twice: single-threaded with
//! simd128, and with the `threads` feature (rayon over Web Workers via wasm-bindgen-rayon).

use wasm_bindgen::prelude::*;

mod layers;
mod metrics;
mod tensors;
mod training;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

pub(crate) fn js(e: reckit_core::Error) -> JsError {
    JsError::new(&e.to_string())
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
