//! Evaluation metrics: exact AUC and group AUC, ROC/PR curves, average precision, KS, log loss,
//! threshold statistics, binned (mergeable) AUC, ranking metrics @K, trec_eval's measures and
//! box IoU; DeLong's AUC variance and paired test, the CTR calibration metrics, multiclass and
//! multilabel AUC; the beyond-accuracy metrics of recommendation lists (coverage, novelty,
//! diversity, exposure Gini). Definitions, ties and edge cases are in each kernel's doc comment and in
//! docs/conventions.md.
//! `pairs`, `placements`, `tally` and `groups` are the private machinery the kernels share.

pub mod auc;
pub mod binary;
pub mod beyond;
pub mod binned;
pub mod bootstrap;
pub mod boxes;
pub mod calibration;
pub mod curves;
pub mod delong;
pub mod gauc;
mod groups;
pub mod multiclass;
pub mod named;
mod pairs;
mod placements;
pub mod ranking;
pub mod significance;
pub mod sliced;
mod tally;
pub mod trec;

pub use auc::auc;
pub use binary::{binary_stats, log_loss, BinaryStats};
pub use beyond::{beyond_accuracy, BeyondReport, Catalog, CategoryDistance, Features, Lists, Popularity};
pub use binned::{auc_from_histogram, auc_histogram, BinnedAuc};
pub use boxes::box_iou;
pub use calibration::{ctr_metrics, ece, reliability, Binning, CtrMetrics, ProbabilitySums, Reliability};
pub use curves::{average_precision, ks, pr_curve, roc_curve, PrCurve, RocCurve};
pub use delong::{delong_auc, delong_paired, DelongAuc, DelongPaired};
pub use multiclass::{multiclass_auc, multilabel_auc, Average, MultiClass};
pub use gauc::{gauc, gauc_per_group, GaucReport, GroupWeighting, PerGroup};
pub use ranking::{ranking_metrics, ranking_per_query, AtK, EmptyQueries, Gain, PerQuery, RankingReport};
pub use significance::{
    adjust_p_values, paired_t_test, randomization_test, wilcoxon, PAdjust, PairedTTest, RandomizationTest, Test as SignificanceTest,
    WilcoxonMethod, WilcoxonTest,
};
pub use trec::{trec_eval, Measure as TrecMeasure, Qrels, Run, TrecReport};
