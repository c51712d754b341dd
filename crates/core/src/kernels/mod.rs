//! The functions the bindings expose, one per line of the [`kernel_table!`](crate::kernel_table):
//! each takes the table's argument views (slices, strings, numbers), calls the domain's
//! algorithm and packs its result the way JavaScript receives it (one number, one typed array,
//! or a list of typed arrays). Bindings add nothing but conversions.
//!
//! Every kernel function is `#[inline]`, so each binding crate compiles it into its own export
//! (as when the bindings held these bodies). Compiled inside this crate instead, AUC on 1e6 rows
//! ran 40% slower on one thread: LLVM spilled the bucket scatter's loop registers to the stack.

mod beyond;
mod io;
mod metrics;
mod nn;
mod stats;
mod table;
mod train;
pub mod values;

pub use beyond::*;
pub use io::*;
pub use metrics::*;
pub use nn::*;
pub use stats::*;
pub use train::*;
pub use values::{Array, Owned, Scores, ScoresBuf, Shape};

use crate::{Error, Result};

/// A tensor file: `[index JSON, data]` (crates/core/src/io/safetensors.rs, `Tensors::index_json`).
#[inline]
pub fn read_safetensors(bytes: &[u8]) -> Result<Vec<Array>> {
    let t = crate::io::safetensors::read(bytes)?;
    Ok(vec![Array::Text(t.index_json()), Array::F32(t.data)])
}

/// The SIMD level the kernels run with: `avx512`, `avx2`, `portable` or `simd128`.
#[inline]
pub fn simd_level() -> Result<String> {
    Ok(crate::util::simd::level().to_string())
}

/// Threads in the pool the parallel kernels use.
#[inline]
pub fn threads() -> Result<u32> {
    Ok(crate::util::threads() as u32)
}

/// Frees the pooled scratch buffers of the large kernels.
#[inline]
pub fn release_memory() -> Result<()> {
    crate::util::release_scratch();
    Ok(())
}

/// `v` as an index, or an error naming `arg`.
fn index(arg: &'static str, v: u32) -> Result<usize> {
    usize::try_from(v).map_err(|_| Error::new(arg, format!("{v} does not fit this platform's indices")))
}
