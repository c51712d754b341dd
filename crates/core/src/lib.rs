//! reckit-core: every algorithm of reckit, in pure Rust.
//!
//! Folders by domain, dependencies pointing one way (checked by tests/layering.rs):
//! `util` ← `metrics`, `train`, `io`, `nn` (ops → matmul → layers → models → registry) ←
//! `kernels`, the one table of functions the bindings expose.
//!
//! No binding code and no JavaScript types live here: `crates/node` (napi-rs) and `crates/wasm`
//! (wasm-bindgen) expand [`kernels`]' table and only convert arguments and errors. With the
//! `parallel` feature the large kernels use rayon; without it they run on the calling thread.

mod error;
pub mod io;
pub mod kernels;
pub mod metrics;
pub mod nn;
pub mod train;
pub mod util;

pub use error::{Error, ErrorKind, Result};
