//! What every domain shares: argument checks, float math, the data-parallel helpers, pooled
//! scratch memory, run-time SIMD detection and scores as order-preserving keys. Depends on
//! nothing else in the crate.

pub(crate) mod alloc;
pub(crate) mod check;
pub(crate) mod math;
pub(crate) mod normal;
pub(crate) mod par;
pub(crate) mod rng;
pub(crate) mod scratch;
pub mod score;
pub mod simd;

pub use par::{set_parallel, threads};
pub use score::{Score, Scores};
pub use scratch::release as release_scratch;
