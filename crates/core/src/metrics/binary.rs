//! Pointwise binary metrics: log loss and the confusion matrix at a threshold.

use crate::util::{check, par, Score};

use crate::{Error, Result};

/// Rows per chunk of the parallel sums (fixed, so results do not depend on the thread count).
const CHUNK: usize = 1 << 16;

/// Binary log loss (cross-entropy) of predicted probabilities.
///
/// **Definition.** `−Σ_i w_i·(y_i·ln p_i + (1 − y_i)·ln(1 − p_i)) / Σ_i w_i` with each `p_i`
/// clipped to `[eps, 1 − eps]` (`eps = 1e-15` by default, as scikit-learn's `log_loss` default
/// before 1.2), `w = 1` without weights.
///
/// **Edge cases.** Probabilities must lie in `[0, 1]` (0 and 1 are clipped, so the loss stays
/// finite); outside, or NaN, is an error naming the index. `eps` must be in `[0, 0.5)`. Zero
/// total weight or empty input: NaN.
///
/// Reference: scikit-learn `metrics/_classification.py::log_loss`.
pub fn log_loss<S: Score>(labels: &[u8], probs: &[S], weights: Option<&[f64]>, eps: f64) -> Result<f64> {
    check::same_length("probs", probs.len(), labels.len())?;
    check::labels(labels)?;
    check::eps(eps)?;
    let mut scale = 1.0;
    if let Some(w) = weights {
        check::same_length("weights", w.len(), labels.len())?;
        check::weights("weights", w)?;
        scale = check::weight_scale(w);
    }
    let parts = par::map_chunks(labels.len(), CHUNK, |a, b| {
        let (mut loss, mut total, mut bad) = (0.0, 0.0, false);
        for i in a..b {
            let p = probs[i].to_f64();
            bad |= !(0.0..=1.0).contains(&p); // also NaN
            let p = p.clamp(eps, 1.0 - eps);
            let l = if labels[i] == 1 { -p.ln() } else { -(1.0 - p).ln() };
            let w = weights.map_or(1.0, |w| w[i] * scale);
            loss += w * l;
            total += w;
        }
        (loss, total, bad)
    });
    if parts.iter().any(|p| p.2) {
        let i = (0..probs.len()).find(|&i| !(0.0..=1.0).contains(&probs[i].to_f64())).expect("a bad probability");
        return Err(Error::new("probs", format!("probs[{i}] is {}; probabilities must be in [0, 1]", probs[i].to_f64())));
    }
    let (loss, total) = parts.iter().fold((0.0, 0.0), |(l, t), p| (l + p.0, t + p.1));
    Ok(if total > 0.0 { loss / total } else { f64::NAN })
}

/// The confusion matrix at a threshold and the metrics read off it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BinaryStats {
    pub tp: f64,
    pub fp: f64,
    pub tn: f64,
    pub fn_: f64,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Confusion matrix, accuracy, precision, recall and F1 of the prediction `score ≥ threshold`.
///
/// **Definition.** Predicted positive iff `score ≥ threshold` (compared in f64; f32 scores
/// widen exactly). `accuracy = (TP + TN) / total`, `precision = TP / (TP + FP)`,
/// `recall = TP / (TP + FN)`, `F1 = 2·TP / (2·TP + FP + FN)`; counts are sums of weights when
/// weights are given.
///
/// **Edge cases.** A ratio whose denominator is 0 is 0 (scikit-learn's `zero_division=0`);
/// empty input gives zero counts and NaN accuracy. A score equal to the threshold is positive.
///
/// Reference: scikit-learn `metrics/_classification.py` (`confusion_matrix`,
/// `precision_recall_fscore_support`).
pub fn binary_stats<S: Score>(labels: &[u8], scores: &[S], weights: Option<&[f64]>, threshold: f64) -> Result<BinaryStats> {
    check::same_length("scores", scores.len(), labels.len())?;
    check::labels(labels)?;
    check::scores(scores)?;
    if threshold.is_nan() {
        return Err(Error::new("threshold", "is NaN"));
    }
    if let Some(w) = weights {
        check::same_length("weights", w.len(), labels.len())?;
        check::weights("weights", w)?;
    }
    // Counts indexed by 2·label + predicted: [tn, fp, fn, tp].
    let parts = par::map_chunks(labels.len(), CHUNK, |a, b| {
        let mut c = [0.0f64; 4];
        for i in a..b {
            let predicted = scores[i].to_f64() >= threshold;
            c[2 * labels[i] as usize + predicted as usize] += weights.map_or(1.0, |w| w[i]);
        }
        c
    });
    let [tn, fp, fn_, tp] = parts.iter().fold([0.0; 4], |acc, c| std::array::from_fn(|k| acc[k] + c[k]));
    let ratio = |a: f64, b: f64| if b != 0.0 { a / b } else { 0.0 };
    let total = tp + fp + tn + fn_;
    Ok(BinaryStats {
        tp,
        fp,
        tn,
        fn_,
        accuracy: if total > 0.0 { (tp + tn) / total } else { f64::NAN },
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fn_),
        f1: ratio(2.0 * tp, 2.0 * tp + fp + fn_),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_loss_clips_and_weights() {
        let l = log_loss(&[1, 0], &[1.0, 0.0], None, 1e-15).unwrap();
        assert!((l - -(1.0f64 - 1e-15).ln()).abs() < 1e-20);
        let w = log_loss(&[1, 0], &[0.8f32, 0.4], Some(&[1.0, 3.0]), 1e-15).unwrap();
        let expect = -((0.8f32 as f64).ln() + 3.0 * (1.0 - 0.4f32 as f64).ln()) / 4.0;
        assert!((w - expect).abs() < 1e-15);
        assert_eq!(log_loss(&[1], &[1.5], None, 1e-15).unwrap_err().arg, "probs");
        assert_eq!(log_loss(&[1], &[f64::NAN], None, 1e-15).unwrap_err().arg, "probs");
    }

    #[test]
    fn confusion_at_threshold() {
        let s = binary_stats(&[1, 0, 1, 0, 1], &[0.9, 0.5, 0.5, 0.1, 0.2], None, 0.5).unwrap();
        assert_eq!((s.tp, s.fp, s.tn, s.fn_), (2.0, 1.0, 1.0, 1.0));
        assert_eq!((s.accuracy, s.precision, s.recall), (0.6, 2.0 / 3.0, 2.0 / 3.0));
        assert_eq!(s.f1, 4.0 / 6.0);
        let none = binary_stats(&[1, 0], &[0.1, 0.2], None, 0.9).unwrap();
        assert_eq!((none.precision, none.recall, none.f1), (0.0, 0.0, 0.0));
    }
}
