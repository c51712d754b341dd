//! Evaluation metrics: exact AUC and group AUC, ROC/PR curves, average precision, KS, log loss,
//! threshold statistics, binned (mergeable) AUC, ranking metrics @K, trec_eval's measures and
//! box IoU. Definitions, ties and edge cases are in each kernel's doc comment and in
//! docs/conventions.md.
//! `pairs`, `tally` and `groups` are the private machinery the kernels share.

pub mod auc;
pub mod binary;
pub mod binned;
pub mod boxes;
pub mod curves;
pub mod gauc;
mod groups;
mod pairs;
pub mod ranking;
mod tally;
pub mod trec;

pub use auc::auc;
pub use binary::{binary_stats, log_loss, BinaryStats};
pub use binned::{auc_from_histogram, auc_histogram, BinnedAuc};
pub use boxes::box_iou;
pub use curves::{average_precision, ks, pr_curve, roc_curve, PrCurve, RocCurve};
pub use gauc::{gauc, GaucReport, GroupWeighting};
pub use ranking::{ranking_metrics, AtK, EmptyQueries, Gain, RankingReport};
pub use trec::{trec_eval, Measure as TrecMeasure, Qrels, Run, TrecReport};
