//! Binned AUC: per-class score histograms, for data too large to keep (streaming, shards).

use crate::util::{check, par, Score};

use crate::{Error, Result};

/// Most bins a histogram may have.
pub const MAX_BINS: usize = 1 << 24;

/// Histograms of the positives' and the negatives' scores over `bins` equal bins of
/// `[lo, hi]`, as one vector: `bins` positive weights, then `bins` negative weights.
///
/// **Definition.** A score `s` falls in bin `⌊(s − lo) / (hi − lo) · bins⌋`, clamped to
/// `[0, bins − 1]`: scores below `lo` count in the first bin, scores at or above `hi` in the
/// last. Histograms of the same `(lo, hi, bins)` add up, so shards merge by addition.
///
/// **Edge cases.** `lo < hi` finite and `1 ≤ bins ≤ 2²⁴`; scores finite; labels 0/1;
/// weights finite and ≥ 0.
pub fn auc_histogram<S: Score>(labels: &[u8], scores: &[S], weights: Option<&[f64]>, lo: f64, hi: f64, bins: usize) -> Result<Vec<f64>> {
    check::same_length("scores", scores.len(), labels.len())?;
    check::labels(labels)?;
    check::scores(scores)?;
    if let Some(w) = weights {
        check::same_length("weights", w.len(), labels.len())?;
        check::weights("weights", w)?;
    }
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(Error::new("range", format!("is [{lo}, {hi}]; it must be finite with min < max")));
    }
    if !(1..=MAX_BINS).contains(&bins) {
        return Err(Error::new("bins", format!("is {bins}; it must be an integer in [1, {MAX_BINS}]")));
    }
    let scale = bins as f64 / (hi - lo);
    let bin = |s: f64| (((s - lo) * scale).floor().max(0.0) as usize).min(bins - 1);
    Ok(par::map_reduce(
        labels.len(),
        |a, b| {
            let mut h = vec![0.0; 2 * bins];
            for i in a..b {
                let at = bin(scores[i].to_f64()) + bins * (labels[i] == 0) as usize;
                h[at] += weights.map_or(1.0, |w| w[i]);
            }
            h
        },
        |mut x, y| {
            x.iter_mut().zip(&y).for_each(|(a, b)| *a += b);
            x
        },
    ))
}

/// The AUC of two score histograms and its error bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinnedAuc {
    pub value: f64,
    /// `|value − exact AUC| ≤ error_bound`, for the exact AUC of the binned data.
    pub error_bound: f64,
}

/// AUC from per-class histograms (as [`auc_histogram`] makes), ties within a bin counting ½.
///
/// **Definition.** `Σ_b P_b·(N_{<b} + ½·N_b) / (P·N)`: pairs in different bins are ordered by
/// their bins, exactly as by their scores, since bins are monotone in score; pairs in the same
/// bin count ½.
///
/// **Error bound.** Only same-bin pairs can differ from the exact AUC, each by at most ½, so
/// `|binned − exact| ≤ ½·Σ_b P_b·N_b / (P·N)` — returned with the value. It shrinks with more
/// bins, and is 0 when no bin holds both classes.
///
/// **Edge cases.** One class only: NaN (value and bound). Histograms of different lengths,
/// negative or non-finite counts: errors.
pub fn auc_from_histogram(pos: &[f64], neg: &[f64]) -> Result<BinnedAuc> {
    if pos.len() != neg.len() {
        return Err(Error::new("histogram", format!("has {} positive bins and {} negative bins", pos.len(), neg.len())));
    }
    check::weights("histogram", pos)?;
    check::weights("histogram", neg)?;
    let (mut pairs, mut tied, mut below, mut p, mut n) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&a, &b) in pos.iter().zip(neg) {
        pairs += a * below;
        tied += a * b;
        below += b;
        p += a;
        n += b;
    }
    if p <= 0.0 || n <= 0.0 {
        return Ok(BinnedAuc { value: f64::NAN, error_bound: f64::NAN });
    }
    Ok(BinnedAuc { value: (pairs + 0.5 * tied) / (p * n), error_bound: 0.5 * tied / (p * n) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binned_auc_is_within_its_bound() {
        let labels = [1, 0, 1, 0, 1, 0, 0, 1];
        let scores = [0.91, 0.12, 0.55, 0.52, 0.3, 0.95, 0.5, 1.7];
        let exact = crate::metrics::auc(&labels, &scores, None).unwrap();
        for bins in [1, 2, 10, 1000] {
            let h = auc_histogram(&labels, &scores, None, 0.0, 1.0, bins).unwrap();
            let b = auc_from_histogram(&h[..bins], &h[bins..]).unwrap();
            assert!((b.value - exact).abs() <= b.error_bound + 1e-15, "{bins}: {b:?} vs {exact}");
        }
        let h = auc_histogram(&labels, &scores, None, 0.0, 1.0, 1000).unwrap();
        assert_eq!(auc_from_histogram(&h[..1000], &h[1000..]).unwrap(), BinnedAuc { value: exact, error_bound: 0.0 });
        assert_eq!(auc_histogram(&labels, &scores, None, 1.0, 1.0, 4).unwrap_err().arg, "range");
        assert_eq!(auc_histogram(&labels, &scores, None, 0.0, 1.0, 0).unwrap_err().arg, "bins");
    }
}
