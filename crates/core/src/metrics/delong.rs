//! DeLong's variance of AUC, its confidence interval, and the paired test of two correlated
//! AUCs (two models scored on the same rows).

use crate::metrics::placements::{walk_rows, Carry, Cross, Moments, Placed, Sums, MAX_ROWS};
use crate::util::normal::{two_sided_p, upper_quantile};
use crate::util::scratch::scratch;
use crate::util::{check, Score};
use crate::{Error, Result};

/// One AUC with DeLong's variance and a normal confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DelongAuc {
    pub auc: f64,
    pub variance: f64,
    pub std_error: f64,
    /// `auc ∓ z·std_error` clipped to [0, 1], with z the normal quantile of the level.
    pub lower: f64,
    pub upper: f64,
}

/// Two correlated AUCs and DeLong's test of their difference `B − A`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DelongPaired {
    pub auc_a: f64,
    pub auc_b: f64,
    pub variance_a: f64,
    pub variance_b: f64,
    pub covariance: f64,
    /// `auc_b − auc_a`.
    pub difference: f64,
    pub variance: f64,
    pub std_error: f64,
    /// `difference ∓ z·std_error`, not clipped (as pROC's `roc.test`).
    pub lower: f64,
    pub upper: f64,
    /// `difference / std_error`; 0 when both are 0 (as pROC).
    pub z: f64,
    /// Two-sided: `P(|Z| ≥ |z|)`.
    pub p_value: f64,
}

/// AUC, DeLong's variance of it, and a confidence interval.
///
/// **Definition.** With m positives, n negatives and ψ(x, y) = [x > y] + ½·[x = y], positive
/// i's placement is `V10_i = (1/n)·Σ_j ψ(s_i, s_j)` over the negatives j and negative j's is
/// `V01_j = (1/m)·Σ_i ψ(s_i, s_j)` over the positives; AUC is the mean of either, and
///
/// `Var(AUC) = S10/m + S01/n`, S10 and S01 the sample variances (divisor m − 1, n − 1) of the
/// V10 and V01 (DeLong, DeLong & Clarke-Pearson 1988). The interval is `AUC ∓ z·√Var` with
/// z the standard normal's `(1 + level)/2` quantile, clipped to [0, 1] (as pROC's `ci.auc`).
///
/// **Ties** count ½, as in [`crate::metrics::auc`], whose value `auc` equals bit for bit.
/// Unweighted: DeLong's variance is defined for counts.
///
/// **Edge cases.** One class only or empty input: every value NaN. One positive or one
/// negative: the AUC, but NaN variance and interval (its sample variance divides by m − 1 = 0;
/// pROC returns NA there too). A perfect separation has variance 0 and the interval [1, 1].
///
/// **Cost.** O(n) passes and the bucket recursion of AUC (`placements`), no comparison sort:
/// the sums of the placements and of their squares are exact integers (Sun & Xu 2014 reach the
/// placements by midranks after an O(n log n) sort; this is the same quantity).
///
/// References: DeLong, DeLong & Clarke-Pearson (1988), "Comparing the areas under two or more
/// correlated receiver operating characteristic curves: a nonparametric approach",
/// Biometrics 44(3); Sun & Xu (2014), "Fast implementation of DeLong's algorithm for comparing
/// the areas under correlated receiver operating characteristic curves", IEEE SPL 21(11);
/// pROC `ci.auc`, `var.roc` (method "delong").
pub fn delong_auc<S: Score>(labels: &[u8], scores: &[S], level: f64) -> Result<DelongAuc> {
    let range = checked("scores", labels, scores)?;
    let z = critical(level)?;
    let s = walk_rows(&mut scratch(labels.len()), range, |i| labels[i] == 1, |i| scores[i].key(), &Moments);
    let (auc, variance) = (auc_of(&s, s.c), variance(&s, spread(s.m, s.c, s.c2), spread(s.n, s.d, s.d2)));
    let se = variance.sqrt();
    Ok(DelongAuc { auc, variance, std_error: se, lower: (auc - z * se).clamp(0.0, 1.0), upper: (auc + z * se).clamp(0.0, 1.0) })
}

/// DeLong's test of two correlated AUCs: model A's and model B's scores of the same rows.
///
/// **Definition.** Each model's placements as in [`delong_auc`]; the covariance of the two
/// AUCs is `S10_AB/m + S01_AB/n`, S10_AB the sample covariance of the two models' V10 over
/// the positives and S01_AB of their V01 over the negatives. The difference is
/// `AUC_B − AUC_A` (positive when B ranks better; pROC's `roc.test` reports roc1 − roc2, so the
/// sign flips against it, while MLstatkit's `Delong_test` takes B − A as here), its variance
/// `Var A + Var B − 2·Cov`, `z = difference / √variance` and the two-sided p-value
/// `P(|Z| ≥ |z|) = erfc(|z|/√2)`. The interval is `difference ∓ z_level·√variance`, unclipped.
///
/// **Exactness.** The variance of the difference comes from the exact integer sums of the
/// placements' differences, so identical models give 0 (not a rounding residue), and then
/// z = 0 and p = 1 (pROC's rule for 0/0).
///
/// **Edge cases.** As [`delong_auc`]: one class: NaN; one positive or one negative: NaN
/// variances, z and p. The two score vectors may differ in precision (f32, f64).
///
/// **Cost.** Two passes of the recursion over (key, payload) items: model A's leaves each row's
/// placement next to its B score, model B's walks those and multiplies.
pub fn delong_paired<A: Score, B: Score>(labels: &[u8], scores_a: &[A], scores_b: &[B], level: f64) -> Result<DelongPaired> {
    let range_a = checked("scoresA", labels, scores_a)?;
    let range_b = checked("scoresB", labels, scores_b)?;
    let z_level = critical(level)?;
    let len = labels.len();
    // Model A's walk leaves (2·c_A + class, key B) per row; model B's walks those.
    let (mut first, mut second) = (scratch::<Carry>(len), scratch::<Carry>(len));
    let make_a = |i: usize| Carry { key: scores_a[i].key(), value: scores_b[i].key() };
    let a = walk_rows(&mut first, range_a, |i| labels[i] == 1, make_a, &Placed);
    let b = walk_rows(&mut second, range_b, |p| first[p].key & 1 == 1, |p| Carry { key: first[p].value, value: first[p].key >> 1 }, &Cross);
    // Σ(c_B − c_A)² = Σc_B² + Σc_A² − 2·Σc_A·c_B, exact.
    let diff_c = spread_of_difference(a.m, a.c, b.c, a.c2 + b.c2 - 2 * b.cc);
    let diff_d = spread_of_difference(a.n, a.d, b.d, a.d2 + b.d2 - 2 * b.dd);
    let cov = variance(&a, signed(a.m as u128 * b.cc, a.c * b.c), signed(a.n as u128 * b.dd, a.d * b.d));
    let (auc_a, auc_b) = (auc_of(&a, a.c), auc_of(&b, b.c));
    let difference = signed(b.c, a.c) / (2.0 * a.m as f64 * a.n as f64);
    let var = variance(&a, diff_c, diff_d);
    let se = var.sqrt();
    let z = if difference == 0.0 && se == 0.0 { 0.0 } else { difference / se };
    Ok(DelongPaired {
        auc_a,
        auc_b,
        variance_a: variance(&a, spread(a.m, a.c, a.c2), spread(a.n, a.d, a.d2)),
        variance_b: variance(&b, spread(b.m, b.c, b.c2), spread(b.n, b.d, b.d2)),
        covariance: cov,
        difference,
        variance: var,
        std_error: se,
        lower: difference - z_level * se,
        upper: difference + z_level * se,
        z,
        p_value: two_sided_p(z),
    })
}

/// Validates labels and one model's scores; the range of the score keys.
fn checked<S: Score>(arg: &'static str, labels: &[u8], scores: &[S]) -> Result<(u64, u64)> {
    check::same_length(arg, scores.len(), labels.len())?;
    check::labels(labels)?;
    if labels.len() as u64 >= MAX_ROWS {
        return Err(Error::new("labels", format!("has {} rows; DeLong's exact sums take fewer than 2^32", labels.len())));
    }
    check::scores(scores).map_err(|e| Error::new(arg, e.message.replacen("scores", arg, 1)))
}

/// The normal quantile of a two-sided interval of `level`.
fn critical(level: f64) -> Result<f64> {
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::new("level", format!("is {level}; it must be in (0, 1)")));
    }
    Ok(upper_quantile((1.0 - level) / 2.0))
}

/// AUC from a component sum Σc = 2·greater + equal (as `auc::ratio`, the same two roundings).
fn auc_of(s: &Sums, c: u128) -> f64 {
    if s.m == 0 || s.n == 0 {
        return f64::NAN;
    }
    c as f64 / (2 * s.m as u128 * s.n as u128) as f64
}

/// `k·Σx² − (Σx)²`: k(k − 1) times the sample variance of k values, exact before one rounding.
/// (Below 2³² rows k·Σx² < 2¹²⁸; Cauchy–Schwarz keeps it ≥ (Σx)².)
fn spread(k: u64, sum: u128, sum2: u128) -> f64 {
    (k as u128 * sum2 - sum * sum) as f64
}

/// [`spread`] of the differences x_B − x_A, from their sums and Σ(x_B − x_A)².
fn spread_of_difference(k: u64, sum_a: u128, sum_b: u128, sum2: u128) -> f64 {
    let d = sum_a.abs_diff(sum_b);
    (k as u128 * sum2 - d * d) as f64
}

/// `x − y` of two u128, as f64.
fn signed(x: u128, y: u128) -> f64 {
    if x >= y { (x - y) as f64 } else { -((y - x) as f64) }
}

/// `S10/m + S01/n` from the two spreads: S10 = spread10 / (m(m − 1)·(2n)²), since V10 = c/(2n),
/// and S01 = spread01 / (n(n − 1)·(2m)²).
fn variance(s: &Sums, spread10: f64, spread01: f64) -> f64 {
    if s.m < 2 || s.n < 2 {
        return f64::NAN;
    }
    let (m, n) = (s.m as f64, s.n as f64);
    (spread10 / (m - 1.0) + spread01 / (n - 1.0)) / (4.0 * m * m * n * n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DeLong's components by their definition, O(n²): the AUC, its variance, and per model
    /// the placements (V10 over positives, V01 over negatives).
    fn plain(labels: &[u8], s: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
        let psi = |x: f64, y: f64| if x > y { 1.0 } else if x == y { 0.5 } else { 0.0 };
        let pos: Vec<f64> = (0..s.len()).filter(|&i| labels[i] == 1).map(|i| s[i]).collect();
        let neg: Vec<f64> = (0..s.len()).filter(|&i| labels[i] == 0).map(|i| s[i]).collect();
        let v10: Vec<f64> = pos.iter().map(|&x| neg.iter().map(|&y| psi(x, y)).sum::<f64>() / neg.len() as f64).collect();
        let v01: Vec<f64> = neg.iter().map(|&y| pos.iter().map(|&x| psi(x, y)).sum::<f64>() / pos.len() as f64).collect();
        (v10.iter().sum::<f64>() / v10.len() as f64, v10, v01)
    }

    fn cov(x: &[f64], y: &[f64]) -> f64 {
        let (mx, my) = (x.iter().sum::<f64>() / x.len() as f64, y.iter().sum::<f64>() / y.len() as f64);
        x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / (x.len() - 1) as f64
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-13 * b.abs().max(1e-3), "{a} vs {b}");
    }

    fn data(n: usize, mut state: u64) -> (Vec<u8>, Vec<f64>, Vec<f64>) {
        let mut r = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        // At least two of each class.
        let labels: Vec<u8> = (0..n).map(|i| if i < 4 { (i % 2) as u8 } else { (r() < 0.35) as u8 }).collect();
        // Model A: coarse (ties); model B: correlated with A and with the label.
        let a: Vec<f64> = labels.iter().map(|&y| ((r() + 0.3 * y as f64) * 20.0).round() / 20.0).collect();
        let b: Vec<f64> = a.iter().zip(&labels).map(|(&x, &y)| 0.5 * x + 0.5 * r() + 0.2 * y as f64).collect();
        (labels, a, b)
    }

    #[test]
    fn matches_the_definition() {
        for (n, seed) in [(7, 1), (60, 2), (500, 3), (3000, 4)] {
            let (labels, a, b) = data(n, seed);
            let (auc_a, pa, na) = plain(&labels, &a);
            let (auc_b, pb, nb) = plain(&labels, &b);
            let (m, k) = (pa.len() as f64, na.len() as f64);
            let var_a = cov(&pa, &pa) / m + cov(&na, &na) / k;
            let var_b = cov(&pb, &pb) / m + cov(&nb, &nb) / k;
            let cov_ab = cov(&pa, &pb) / m + cov(&na, &nb) / k;
            let one = delong_auc(&labels, &a, 0.95).unwrap();
            assert_eq!(one.auc, crate::metrics::auc(&labels, &a, None).unwrap());
            close(one.auc, auc_a);
            close(one.variance, var_a);
            close(one.lower, (auc_a - 1.959963984540054 * var_a.sqrt()).clamp(0.0, 1.0));
            let t = delong_paired(&labels, &a, &b, 0.9).unwrap();
            close(t.auc_a, auc_a);
            close(t.auc_b, auc_b);
            close(t.variance_a, var_a);
            close(t.variance_b, var_b);
            close(t.covariance, cov_ab);
            close(t.difference, auc_b - auc_a);
            close(t.variance, var_a + var_b - 2.0 * cov_ab);
            close(t.z, (auc_b - auc_a) / (var_a + var_b - 2.0 * cov_ab).sqrt());
            close(t.upper, t.difference + 1.6448536269514729 * t.std_error);
        }
    }

    #[test]
    fn edge_cases() {
        let one_class = delong_auc(&[1, 1, 1], &[0.1, 0.2, 0.3], 0.95).unwrap();
        assert!(one_class.auc.is_nan() && one_class.variance.is_nan() && one_class.lower.is_nan());
        let single = delong_auc(&[1, 0, 0, 0], &[0.5, 0.1, 0.7, 0.2], 0.95).unwrap();
        assert_eq!(single.auc, 2.0 / 3.0);
        assert!(single.variance.is_nan() && single.upper.is_nan());
        let perfect = delong_auc(&[0, 0, 1, 1], &[0.1f32, 0.2, 0.3, 0.4], 0.95).unwrap();
        assert_eq!((perfect.auc, perfect.variance, perfect.lower, perfect.upper), (1.0, 0.0, 1.0, 1.0));
        let (labels, a, _) = data(200, 9);
        let same = delong_paired(&labels, &a, &a, 0.95).unwrap();
        assert_eq!((same.difference, same.variance, same.z, same.p_value), (0.0, 0.0, 0.0, 1.0));
        let f32s: Vec<f32> = a.iter().map(|&x| x as f32).collect();
        assert_eq!(delong_paired(&labels, &f32s, &a, 0.95).unwrap().auc_a, same.auc_a, "a twentieth is no tie apart in f32");
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(delong_auc(&[0, 1], &[0.1, 0.2], 1.0).unwrap_err().arg, "level");
        assert_eq!(delong_auc(&[0, 1], &[0.1, 0.2], f64::NAN).unwrap_err().arg, "level");
        let e = delong_paired(&[0, 1], &[0.1, 0.2], &[0.3], 0.95).unwrap_err();
        assert_eq!((e.arg, e.message.as_str()), ("scoresB", "has length 1, expected 2 (the length of labels)"));
        let e = delong_paired(&[0, 1], &[0.1, 0.2], &[0.3, f64::INFINITY], 0.95).unwrap_err();
        assert_eq!(e.message, "scoresB[1] is not finite; scores must be finite numbers");
        assert_eq!(delong_auc(&[0, 3], &[0.1, 0.2], 0.95).unwrap_err().arg, "labels");
    }
}
