//! napi-rs bindings of reckit-core: convert arguments and errors, nothing else.
//!
//! Typed arrays arrive as napi handles that borrow the JS memory (no copy). Sync functions run
//! on the calling thread; `…Async` ones are `AsyncTask`s on libuv's pool, holding references
//! to the arrays until they resolve.

use napi::bindgen_prelude::*;
use napi_derive::napi;

mod layers;
mod metrics;
mod tensors;
mod training;

/// A core error becomes an `InvalidArg` error whose message starts with the argument's name;
/// a panic (a bug) becomes an error instead of unwinding into Node.
pub(crate) fn run<T>(f: impl FnOnce() -> reckit_core::Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Error::new(Status::InvalidArg, e.to_string())),
        Err(_) => Err(Error::new(Status::GenericFailure, "reckit internal error (a Rust panic); please report it")),
    }
}

/// The SIMD level the kernels run with and the size of the thread pool.
#[napi]
pub fn simd_level() -> &'static str {
    reckit_core::simd::level()
}

#[napi]
pub fn threads() -> u32 {
    reckit_core::threads() as u32
}

/// Frees the pooled scratch buffers of the large kernels.
#[napi]
pub fn release_memory() {
    reckit_core::release_scratch()
}
