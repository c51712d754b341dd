//! The Wilcoxon signed-rank test.

use super::dist::normal_two_sided;
use super::{differences, Test};
use crate::Result;

/// How the p-value of a [`wilcoxon`] test was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WilcoxonMethod {
    /// The exact null distribution of R+ (no ties, no zeros, n ≤ 50).
    Exact,
    /// Every one of the 2ⁿ sign patterns, with the tied ranks (ties or zeros, n ≤ 13).
    Permutation,
    /// The normal approximation with the tie correction (n > 50, or ties or zeros and n > 13).
    Normal,
}

impl WilcoxonMethod {
    /// `"exact"`, `"permutation"` or `"normal"`.
    pub fn name(self) -> &'static str {
        match self {
            WilcoxonMethod::Exact => "exact",
            WilcoxonMethod::Permutation => "permutation",
            WilcoxonMethod::Normal => "normal",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WilcoxonTest {
    /// [`Test::Wilcoxon`].
    pub test: Test,
    /// Pairs, zeros included.
    pub n: usize,
    /// Pairs with a non-zero difference: the ones ranked.
    pub nonzero: usize,
    /// `min(R+, R−)`, scipy's two-sided statistic.
    pub statistic: f64,
    /// Sum of the ranks of |d| over positive differences (a > b).
    pub r_plus: f64,
    /// Sum of the ranks over negative differences.
    pub r_minus: f64,
    /// `(R+ − n'(n' + 1)/4)/σ` when `method` is `Normal` (positive when a > b dominates), else NaN.
    pub z: f64,
    pub method: WilcoxonMethod,
    /// Two-sided.
    pub p_value: f64,
    /// The matched-pairs rank-biserial correlation `(R+ − R−)/(R+ + R−)` in [−1, 1] (Kerby 2014,
    /// "The simple difference formula"): the share of the rank sum favouring a minus the share
    /// favouring b. NaN when every difference is 0.
    pub effect_size: f64,
}

/// Wilcoxon signed-rank test of `a` against `b` (two-sided), exactly as scipy 1.17.1's
/// `scipy.stats.wilcoxon(a, b)` with its defaults (`zero_method='wilcox'`, `correction=False`,
/// `method='auto'`).
///
/// **Statistic.** `dᵢ = aᵢ − bᵢ`; zero differences are dropped (`'wilcox'`), leaving n'. The
/// |dᵢ| are ranked 1…n', ties (equal |dᵢ|, compared exactly) sharing their average rank. R+ is
/// the rank sum of positive differences, R− of negative ones; the statistic is `min(R+, R−)`.
///
/// **Which null distribution** (scipy's `method='auto'`; n counts zeros):
/// - n > 50: the normal approximation, whatever the ties.
/// - n ≤ 50, no tied |d| and no zero: **exact**. The distribution of R+ under random signs is
///   counted by dynamic programming over rank sums (`counts[s]` = sign patterns with R+ = s, one
///   rank added at a time), in integers: `p = min(1, 2·min(#{R+ ≤ r}, #{R+ ≥ r}) / 2ⁿ)`. Exact
///   to the last bit, as scipy's (its probabilities are dyadic and its sums exact too).
/// - n ≤ 13 with ties or zeros: scipy runs `permutation_test` on all 2ⁿ sign flips of d (exact
///   enumeration, 2¹³ < its 9999 resamples). The same dynamic programming over the doubled
///   average ranks (integers) counts them; zeros flip to themselves, so they only scale both
///   counts by 2^zeros. `p = min(1, 2·min(#{R+ ≤ r}, #{R+ ≥ r}) / 2^{n'})`.
/// - 13 < n ≤ 50 with ties or zeros: the normal approximation.
///
/// **Normal approximation** (no continuity correction): `z = (R+ − μ)/σ`, `μ = n'(n' + 1)/4`,
/// `σ² = (n'(n' + 1)(2n' + 1) − Σ(t³ − t)/2)/24` with t the size of each group of tied |d|
/// (zeros are not in it), `p = 2·Φ(−|z|)`, in scipy's order of operations: z to the last bit or
/// two, p within 1e-13 relative (erfc's conditioning, ~z²·ε, in the far tail).
///
/// **Edge cases.** All differences 0: `p = 1` when n ≤ 13 (every pattern ties), NaN when
/// n > 13 (σ = 0), as scipy; the statistic is 0 and the effect size NaN.
pub fn wilcoxon(a: &[f64], b: &[f64]) -> Result<WilcoxonTest> {
    let d = differences(a, b)?;
    let n = d.len();
    let mut nonzero: Vec<(f64, bool)> = d.iter().filter(|&&x| x != 0.0).map(|&x| (x.abs(), x > 0.0)).collect();
    nonzero.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
    let m = nonzero.len();

    // Doubled average ranks (integers): a tie group at sorted positions start..end (0-based)
    // has rank (start + 1 + end)/2.
    let mut doubled = vec![0usize; m];
    let (mut ties, mut tie_sum) = (false, 0u128);
    let mut start = 0;
    while start < m {
        let end = start + nonzero[start..].iter().take_while(|v| v.0 == nonzero[start].0).count();
        doubled[start..end].fill(start + 1 + end);
        let t = (end - start) as u128;
        ties |= t > 1;
        tie_sum += t * t * t - t;
        start = end;
    }
    let plus2: u64 = nonzero.iter().zip(&doubled).filter(|(v, _)| v.1).map(|(_, &r)| r as u64).sum();
    let all2 = m as u64 * (m as u64 + 1); // in u64: m(m + 1) overflows wasm32's usize past 65535
    let (r_plus, r_minus) = (plus2 as f64 / 2.0, (all2 - plus2) as f64 / 2.0);

    let method = if n > 50 {
        WilcoxonMethod::Normal
    } else if !ties && m == n {
        WilcoxonMethod::Exact
    } else if n <= 13 {
        WilcoxonMethod::Permutation
    } else {
        WilcoxonMethod::Normal
    };
    let (z, p_value) = match method {
        WilcoxonMethod::Normal => {
            let count = m as f64;
            let mean = count * (count + 1.0) * 0.25;
            let var = count * (count + 1.0) * (2.0 * count + 1.0);
            let z = (r_plus - mean) / ((var - tie_sum as f64 / 2.0) / 24.0).sqrt();
            (z, normal_two_sided(z))
        }
        _ => (f64::NAN, sign_flip_p(&doubled, plus2 as usize)),
    };
    Ok(WilcoxonTest {
        test: Test::Wilcoxon,
        n,
        nonzero: m,
        statistic: r_plus.min(r_minus),
        r_plus,
        r_minus,
        z,
        method,
        p_value,
        effect_size: (r_plus - r_minus) / (r_plus + r_minus),
    })
}

/// Two-sided p of R+ under the 2^m equally likely sign patterns of ranks `weights` (doubled
/// ranks, m ≤ 50): counts of every attainable sum, in u64 (at most 2⁵⁰ patterns).
fn sign_flip_p(weights: &[usize], observed: usize) -> f64 {
    let total: usize = weights.iter().sum();
    let mut counts = vec![0u64; total + 1];
    counts[0] = 1;
    let mut reach = 0;
    for &w in weights {
        reach += w;
        for s in (w..=reach).rev() {
            counts[s] += counts[s - w];
        }
    }
    let below: u64 = counts[..=observed].iter().sum();
    let above: u64 = counts[observed..].iter().sum();
    // 2·min ≤ 2^51 and 2^m are exact in f64, so p is the exact ratio, rounded once.
    ((2 * below.min(above)) as f64 / 2f64.powi(weights.len() as i32)).min(1.0)
}
