//! Area under the ROC curve.

use crate::metrics::pairs::{count_rows, PairCounts, Weighted};
use crate::util::{check, Score};
use crate::Result;

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative, ties counting one half.
///
/// **Definition.** `AUC = Σ_{i∈P, j∈N} w_i·w_j·([s_i > s_j] + ½·[s_i = s_j]) / (W_P · W_N)`,
/// with `w = 1` when no weights are given. This equals scikit-learn's `roc_auc_score` (the
/// trapezoid over tied blocks of the ROC curve), with and without `sample_weight`.
///
/// **Ties** count ½, whether between two items or a whole block of equal scores. Scores are
/// compared at their own precision: f32 scores as f32, f64 scores as f64; −0.0 equals +0.0.
///
/// **Edge cases.** Only one class present (or zero total weight of a class): NaN, as
/// scikit-learn returns after its warning. Empty input: NaN. Labels other than 0/1, non-finite
/// scores, negative or non-finite weights, and length mismatches are errors naming the argument.
///
/// **Cost.** O(n) passes plus a bucket recursion of depth ≤ 6 (see `pairs`): no comparison
/// sort. Unweighted counts are exact integers at any n.
///
/// Reference: Hanley & McNeil (1982), "The meaning and use of the area under a ROC curve";
/// scikit-learn `metrics/_ranking.py::roc_auc_score`.
pub fn auc<S: Score>(labels: &[u8], scores: &[S], weights: Option<&[f64]>) -> Result<f64> {
    check::same_length("scores", scores.len(), labels.len())?;
    check::labels(labels)?;
    let range = check::scores(scores)?;
    match weights {
        None => {
            let (counts, p, n) = count_rows(labels.len(), range, |i| labels[i] == 1, |i| scores[i].key());
            Ok(ratio(counts, p as u128 * n as u128))
        }
        Some(w) => {
            check::same_length("weights", w.len(), labels.len())?;
            check::weights("weights", w)?;
            let scale = check::weight_scale(w);
            let (c, wp, wn) = count_rows(labels.len(), range, |i| labels[i] == 1, |i| Weighted { key: scores[i].key(), weight: w[i] * scale });
            Ok(ratio_f64(c, wp * wn))
        }
    }
}

/// `(greater + equal / 2) / pairs`, NaN when there are no pairs.
pub(crate) fn ratio(c: PairCounts<u128>, pairs: u128) -> f64 {
    if pairs == 0 {
        return f64::NAN;
    }
    // 2·greater + equal is exact in u128; one rounding each to f64.
    (2 * c.greater + c.equal) as f64 / (2 * pairs) as f64
}

fn ratio_f64(c: PairCounts<f64>, pairs: f64) -> f64 {
    if pairs <= 0.0 {
        return f64::NAN;
    }
    (c.greater + 0.5 * c.equal) / pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_and_subnormal_weights_give_the_unweighted_value() {
        let (y, s) = ([1, 0, 1, 0, 1], [0.9, 0.8, 0.7, 0.1, 0.8]);
        let plain = auc(&y, &s, None).unwrap();
        for w in [1e308, 1e-320, 3.0] {
            assert_eq!(auc(&y, &s, Some(&[w; 5])).unwrap(), plain, "weights {w}");
        }
    }

    /// The definition, O(n²).
    fn pairwise(labels: &[u8], scores: &[f64], w: Option<&[f64]>) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..labels.len() {
            for j in 0..labels.len() {
                if labels[i] == 1 && labels[j] == 0 {
                    let ww = w.map_or(1.0, |w| w[i] * w[j]);
                    den += ww;
                    num += ww * if scores[i] > scores[j] { 1.0 } else if scores[i] == scores[j] { 0.5 } else { 0.0 };
                }
            }
        }
        num / den
    }

    #[test]
    fn small_cases_with_ties() {
        assert_eq!(auc(&[0, 0, 1, 1], &[0.1, 0.4, 0.35, 0.8], None).unwrap(), 0.75);
        assert_eq!(auc(&[0, 1], &[0.5f32, 0.5], None).unwrap(), 0.5);
        assert_eq!(auc(&[1, 0, 1, 0], &[1.0, 1.0, 0.0, 0.0], None).unwrap(), 0.5);
        assert!(auc(&[1, 1], &[0.1, 0.2], None).unwrap().is_nan());
        assert!(auc::<f64>(&[], &[], None).unwrap().is_nan());
    }

    #[test]
    fn matches_definition_random() {
        let mut s = 12345u64;
        let mut r = || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [3usize, 10, 100, 1000] {
            let labels: Vec<u8> = (0..n).map(|_| (r() < 0.3) as u8).collect();
            let scores: Vec<f64> = (0..n).map(|_| (r() * 20.0).round() / 20.0 - 0.5).collect();
            let weights: Vec<f64> = (0..n).map(|_| r() * 3.0).collect();
            let expect = pairwise(&labels, &scores, None);
            let got = auc(&labels, &scores, None).unwrap();
            assert!((got - expect).abs() < 1e-12 || (got.is_nan() && expect.is_nan()), "{n}: {got} vs {expect}");
            let expect = pairwise(&labels, &scores, Some(&weights));
            let got = auc(&labels, &scores, Some(&weights)).unwrap();
            assert!((got - expect).abs() < 1e-12 || (got.is_nan() && expect.is_nan()), "{n}w: {got} vs {expect}");
        }
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(auc(&[0, 2], &[0.1, 0.2], None).unwrap_err().arg, "labels");
        assert_eq!(auc(&[0, 1], &[0.1, f64::NAN], None).unwrap_err().arg, "scores");
        assert_eq!(auc(&[0, 1], &[0.1], None).unwrap_err().arg, "scores");
        assert_eq!(auc(&[0, 1], &[0.1, 0.2], Some(&[1.0, -1.0])).unwrap_err().arg, "weights");
    }
}
