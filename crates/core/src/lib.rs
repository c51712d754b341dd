//! reckit-core: every algorithm of reckit, in pure Rust.
//!
//! No binding code and no JavaScript types live here: `crates/node` (napi-rs) and `crates/wasm`
//! (wasm-bindgen) only convert arguments and errors. With the `parallel` feature the large
//! kernels use rayon; without it they run on the calling thread.

mod check;
mod error;
mod groups;
mod math;
mod par;
pub use par::{set_parallel, threads};
mod pairs;
mod scratch;
mod score;
mod tally;

pub mod auc;
pub mod binary;
pub mod binned;
pub mod boxes;
pub mod curves;
pub mod gauc;
pub mod layers;
pub mod losses;
pub mod matmul;
mod models;
pub mod ops;
pub mod optim;
pub mod ranking;
pub mod safetensors;
pub mod simd;

pub use auc::auc;
pub use error::{Error, Result};
pub use binary::{binary_stats, log_loss, BinaryStats};
pub use binned::{auc_from_histogram, auc_histogram, BinnedAuc};
pub use boxes::box_iou;
pub use curves::{average_precision, ks, pr_curve, roc_curve, PrCurve, RocCurve};
pub use gauc::{gauc, GaucReport, GroupWeighting};
pub use ranking::{ranking_metrics, AtK, EmptyQueries, Gain, RankingReport};
pub use score::Score;
pub use scratch::release as release_scratch;
