//! Paired significance tests: is run A better than run B on the same queries? Each test takes
//! the two runs' per-query scores `a` and `b` (same queries, same order; any metric: NDCG@K,
//! per-user AUC, …) and works on the differences `dᵢ = aᵢ − bᵢ`:
//! - [`paired_t_test`]: Student's paired t-test, as `scipy.stats.ttest_rel`;
//! - [`wilcoxon`]: the Wilcoxon signed-rank test, as `scipy.stats.wilcoxon` with its defaults;
//! - [`randomization_test`]: Fisher's paired randomization (sign-flip) test, as ranx's `compare`
//!   with `stat_test="fisher"` (Smucker, Allan & Carterette 2007);
//! - [`adjust_p_values`]: Holm and Bonferroni corrections for several comparisons at once, as
//!   statsmodels' `multipletests`.
//!
//! Every test is two-sided and returns a struct naming the test, its statistic, p-value and an
//! effect size. Bad input is an error: `a` and `b` of different lengths, fewer than 2 pairs, a
//! non-finite score or a difference that overflows, zero permutations, a p-value outside [0, 1].

mod adjust;
mod dist;
mod randomization;
mod ttest;
mod wilcoxon;

pub use adjust::{adjust_p_values, PAdjust};
pub use randomization::{randomization_test, RandomizationTest};
pub use ttest::{paired_t_test, PairedTTest};
pub use wilcoxon::{wilcoxon, WilcoxonMethod, WilcoxonTest};

use crate::util::check;
use crate::{Error, Result};

/// Which test a result comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Test {
    PairedT,
    Wilcoxon,
    Randomization,
}

impl Test {
    /// `"paired-t"`, `"wilcoxon"` or `"randomization"`, as results name the test.
    pub fn name(self) -> &'static str {
        match self {
            Test::PairedT => "paired-t",
            Test::Wilcoxon => "wilcoxon",
            Test::Randomization => "randomization",
        }
    }
}

/// `a − b` after the checks every paired test shares.
fn differences(a: &[f64], b: &[f64]) -> Result<Vec<f64>> {
    check::same_length_as("b", b.len(), a.len(), "the length of a")?;
    if a.len() < 2 {
        return Err(Error::new("a", format!("has {} pairs; a paired test needs at least 2", a.len())));
    }
    check::finite("a", a)?;
    check::finite("b", b)?;
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    if let Some(i) = d.iter().position(|x| !x.is_finite()) {
        return Err(Error::new("b", format!("a[{i}] - b[{i}] overflows to {}; differences must be finite", d[i])));
    }
    Ok(d)
}

#[cfg(test)]
mod tests;
