//! Student's paired t-test.

use super::dist::{numpy_sum, student_t_critical, student_t_two_sided};
use super::{differences, Test};
use crate::Result;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairedTTest {
    /// [`Test::PairedT`].
    pub test: Test,
    /// Pairs (queries).
    pub n: usize,
    /// `mean(a − b)`.
    pub mean_difference: f64,
    /// t.
    pub statistic: f64,
    /// Degrees of freedom, `n − 1`.
    pub df: f64,
    /// Two-sided.
    pub p_value: f64,
    /// `√(s²/n)`, the standard error of the mean difference.
    pub std_error: f64,
    /// Cohen's `d_z = mean(d)/sd(d)` (sd with n − 1), the mean difference in units of the
    /// differences' spread (Cohen 1988; Lakens 2013, "Calculating and reporting effect sizes").
    pub effect_size: f64,
}

/// Paired t-test of `a` against `b` (two-sided), as `scipy.stats.ttest_rel(a, b)` computes it
/// (scipy 1.17.1).
///
/// **Definition.** With `dᵢ = aᵢ − bᵢ`, `d̄` their mean and `s² = Σ(dᵢ − d̄)²/(n − 1)`:
/// `t = d̄ / √(s²/n)` on `n − 1` degrees of freedom, `p = P(|T| ≥ |t|)` for Student's T. The
/// arithmetic is scipy's to the operation: the mean and the mean square in NumPy's summation
/// order, `s² = mean((d − d̄)²)·(n/(n − 1))`, so t is bit-identical to scipy's and p agrees to
/// 1e-12 relative (tested down to 1e-300).
///
/// **Edge cases** (as scipy): all differences 0 (identical runs): t, p and `d_z` are NaN (0/0).
/// All differences equal to c ≠ 0: s = 0 when their computed mean is exactly c, so t = ±∞ and
/// p = 0; when rounding makes the mean differ from c by an ulp (c = 0.1, n = 3), s is tiny and t
/// huge (~1e16) instead, with p ≈ 0. n = 2 is allowed (df = 1).
pub fn paired_t_test(a: &[f64], b: &[f64]) -> Result<PairedTTest> {
    let d = differences(a, b)?;
    let (mean, var) = moments(&d);
    let n = d.len() as f64;
    let t = mean / (var / n).sqrt();
    let df = n - 1.0;
    Ok(PairedTTest {
        test: Test::PairedT,
        n: d.len(),
        mean_difference: mean,
        statistic: t,
        df,
        p_value: student_t_two_sided(t, df),
        std_error: (var / n).sqrt(),
        effect_size: mean / var.sqrt(),
    })
}

impl PairedTTest {
    /// The confidence interval of the mean difference at `level` (e.g. 0.95):
    /// `d̄ ∓ t_{(1−level)/2, n−1}·√(s²/n)`, as scipy's `TtestResult.confidence_interval`.
    pub fn confidence_interval(&self, level: f64) -> (f64, f64) {
        let t = student_t_critical(1.0 - level, self.df);
        (self.mean_difference - t * self.std_error, self.mean_difference + t * self.std_error)
    }
}

/// The mean and the unbiased variance (n − 1) of `d`, as scipy's `ttest_1samp` computes them.
pub(super) fn moments(d: &[f64]) -> (f64, f64) {
    let n = d.len() as f64;
    let mean = numpy_sum(d) / n;
    let squares: Vec<f64> = d.iter().map(|&x| (x - mean) * (x - mean)).collect();
    (mean, numpy_sum(&squares) / n * (n / (n - 1.0)))
}
