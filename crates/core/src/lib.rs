//! reckit-core: every algorithm of reckit, in pure Rust.
//!
//! No binding code and no JavaScript types live here: `crates/node` (napi-rs) and `crates/wasm`
//! (wasm-bindgen) only convert arguments and errors. With the `parallel` feature the large
//! kernels use rayon; without it they run on the calling thread.

mod check;
mod error;
mod par;
pub use par::{set_parallel, threads};
mod pairs;
mod scratch;
mod score;

pub mod auc;
pub mod gauc;
pub mod simd;

pub use auc::auc;
pub use error::{Error, Result};
pub use gauc::{gauc, GaucReport, GroupWeighting};
pub use score::Score;
pub use scratch::release as release_scratch;
