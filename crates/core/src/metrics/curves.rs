//! ROC and precision–recall curves, average precision and the KS statistic: cumulative sums
//! over the score tally (one point per distinct score, highest score first).

use crate::metrics::tally::{tally, Tally};
use crate::Result;
use crate::util::{Score, Scores};

/// Positives' and negatives' total weight: the last cumulative sums, summed in the same order.
fn totals(t: &Tally) -> (f64, f64) {
    (t.pos.iter().sum(), t.neg.iter().sum())
}

/// A receiver operating characteristic curve, from the highest threshold down, stored as one
/// buffer `[fpr…, tpr…, thresholds…]` that the bindings hand to JavaScript without a copy.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    flat: Vec<f64>,
    points: usize,
}

impl RocCurve {
    pub fn fpr(&self) -> &[f64] {
        &self.flat[..self.points]
    }
    pub fn tpr(&self) -> &[f64] {
        &self.flat[self.points..2 * self.points]
    }
    pub fn thresholds(&self) -> &[f64] {
        &self.flat[2 * self.points..]
    }
    /// `[fpr…, tpr…, thresholds…]`, three equal thirds.
    pub fn into_flat(self) -> Vec<f64> {
        self.flat
    }
}

/// ROC curve, as scikit-learn's `roc_curve`.
///
/// **Definition.** At each distinct score `t` (descending) an item is predicted positive when
/// `score ≥ t`; `tpr = TP(t) / P`, `fpr = FP(t) / N`, with sample weights summed when given. The
/// curve starts at `(0, 0)` with threshold `+∞`, and ends at `(1, 1)` at the lowest score.
///
/// **Ties.** Equal scores form one point (a tied block moves the curve diagonally).
/// `drop_intermediate` keeps only the first, last and corner points — those where the curve
/// changes direction (`fps` or `tps` has a non-zero second difference), exactly sklearn's rule.
///
/// **Edge cases.** No negatives: `fpr` is all NaN; no positives: `tpr` is all NaN (sklearn
/// warns and does the same). Empty input: the single point `(NaN, NaN)` at `+∞`.
///
/// Reference: Fawcett (2006), "An introduction to ROC analysis"; scikit-learn
/// `metrics/_ranking.py::roc_curve`.
pub fn roc_curve<S: Score>(labels: &[u8], scores: &[S], weights: Option<&[f64]>, drop_intermediate: bool) -> Result<RocCurve> {
    let t = tally(labels, scores, weights)?;
    let m = t.keys.len();
    let pts = m + 1;
    let mut flat = vec![0.0; 3 * pts];
    let (fps, rest) = flat.split_at_mut(pts);
    let (tps, thresholds) = rest.split_at_mut(pts);
    thresholds[0] = f64::INFINITY;
    let (mut tp, mut fp) = (0.0, 0.0);
    for i in 0..m {
        tp += t.pos[i];
        fp += t.neg[i];
        (fps[i + 1], tps[i + 1], thresholds[i + 1]) = (fp, tp, S::from_key(t.keys[i]));
    }
    let mut len = pts;
    if drop_intermediate && m > 2 {
        // sklearn keeps the first and last points and those where fps or tps has a non-zero
        // second difference, np.diff(x, 2) = (x[i+1] − x[i]) − (x[i] − x[i−1]): same operations.
        // Compacted in place: writes trail reads, and the point before is kept in locals.
        let mut kept = 2;
        let (mut fp_before, mut tp_before) = (fps[1], tps[1]);
        for i in 2..m {
            let (f, t) = (fps[i], tps[i]);
            if (fps[i + 1] - f) - (f - fp_before) != 0.0 || (tps[i + 1] - t) - (t - tp_before) != 0.0 {
                (fps[kept], tps[kept], thresholds[kept]) = (f, t, thresholds[i]);
                kept += 1;
            }
            (fp_before, tp_before) = (f, t);
        }
        (fps[kept], tps[kept], thresholds[kept]) = (fps[m], tps[m], thresholds[m]);
        len = kept + 1;
    }
    let rate = |xs: &mut [f64], total: f64| xs.iter_mut().for_each(|x| *x = if total > 0.0 { *x / total } else { f64::NAN });
    let (p, n) = (tps[len - 1], fps[len - 1]);
    rate(&mut fps[..len], n);
    rate(&mut tps[..len], p);
    flat.copy_within(pts..pts + len, len);
    flat.copy_within(2 * pts..2 * pts + len, 2 * len);
    flat.truncate(3 * len);
    Ok(RocCurve { flat, points: len })
}

/// A precision–recall curve, from the lowest threshold up (scikit-learn's order), stored as
/// one buffer `[precision…, recall…, thresholds…]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrCurve {
    flat: Vec<f64>,
    points: usize,
}

impl PrCurve {
    pub fn precision(&self) -> &[f64] {
        &self.flat[..self.points]
    }
    pub fn recall(&self) -> &[f64] {
        &self.flat[self.points..2 * self.points]
    }
    /// One fewer than the points: the last point (precision 1, recall 0) has no threshold.
    pub fn thresholds(&self) -> &[f64] {
        &self.flat[2 * self.points..]
    }
    /// `[precision…, recall…, thresholds…]`: m + 1, m + 1 and m numbers.
    pub fn into_flat(self) -> Vec<f64> {
        self.flat
    }
}

/// Precision–recall curve, as scikit-learn's `precision_recall_curve`.
///
/// **Definition.** At each distinct score `t` an item is predicted positive when `score ≥ t`;
/// `precision = TP / (TP + FP)`, `recall = TP / P` (weights summed when given). Points run from
/// the lowest threshold (recall 1) up, one per distinct score, then a final point
/// `precision = 1, recall = 0` with no threshold, so `thresholds` has one fewer element.
///
/// **Ties.** Equal scores form one point.
///
/// **Edge cases.** No positives: recall is 1 at every threshold (sklearn's convention, with
/// its warning) and precision 0. Empty input: just the final point.
///
/// Reference: Davis & Goadrich (2006), "The relationship between precision-recall and ROC
/// curves"; scikit-learn `metrics/_ranking.py::precision_recall_curve`.
pub fn pr_curve<S: Score>(labels: &[u8], scores: &[S], weights: Option<&[f64]>) -> Result<PrCurve> {
    let t = tally(labels, scores, weights)?;
    let m = t.keys.len();
    let mut flat = vec![0.0; 3 * m + 2];
    let (precision, rest) = flat.split_at_mut(m + 1);
    let (recall, thresholds) = rest.split_at_mut(m + 1);
    let mut at = m;
    for_each_point(&t, |p, r, key| {
        at -= 1;
        (precision[at], recall[at], thresholds[at]) = (p, r, S::from_key(key));
    });
    (precision[m], recall[m]) = (1.0, 0.0);
    Ok(PrCurve { flat, points: m + 1 })
}

/// Calls `f(precision, recall, key)` at each threshold, highest first.
fn for_each_point(t: &Tally, mut f: impl FnMut(f64, f64, u64)) {
    let (p, _) = totals(t);
    let (mut tp, mut fp) = (0.0, 0.0);
    for i in 0..t.keys.len() {
        tp += t.pos[i];
        fp += t.neg[i];
        let precision = if tp + fp != 0.0 { tp / (tp + fp) } else { 0.0 };
        f(precision, if p > 0.0 { tp / p } else { 1.0 }, t.keys[i]);
    }
}

/// Average precision, as scikit-learn's `average_precision_score`.
///
/// **Definition.** `AP = Σ_t (R_t − R_{t−1}) · P_t` over the distinct thresholds from the
/// highest down (`R` recall, `P` precision at threshold `t`, `R` before the first is 0): the
/// step-wise area under the PR curve, without interpolation.
///
/// **Ties.** A tied block is one step: its items enter the prediction together.
///
/// **Edge cases.** No positives: 0 (sklearn's recall-is-1 convention gives `P` at the first
/// threshold, which is 0). Empty input: 0.
///
/// Reference: Manning, Raghavan & Schütze (2008), *Introduction to Information Retrieval*,
/// §8.4; scikit-learn `metrics/_ranking.py::average_precision_score`.
pub fn average_precision<S: Score>(labels: &[u8], scores: &[S], weights: Option<&[f64]>) -> Result<f64> {
    let t = tally(labels, scores, weights)?;
    let (mut ap, mut before) = (0.0, 0.0);
    for_each_point(&t, |p, r, _| {
        ap += (r - before) * p;
        before = r;
    });
    Ok(ap)
}

/// Kolmogorov–Smirnov statistic of the two classes' score distributions.
///
/// **Definition.** `KS = max_t (TPR(t) − FPR(t))` over the ROC curve's points, the origin
/// included (so KS ≥ 0): the largest gap between the positives' and the negatives' empirical
/// score distributions. Weighted when weights are given.
///
/// **Ties.** Equal scores are one threshold, as on the ROC curve.
///
/// **Edge cases.** One class only (or a class of zero weight), or empty input: NaN.
///
/// Reference: the two-sample Kolmogorov–Smirnov statistic as used in credit scoring
/// (Siddiqi 2006, *Credit Risk Scorecards*), one-sided as in
/// docs/conventions.md#binary-metrics.
#[inline] // a kernel-table function: see crates/core/src/kernels/mod.rs
pub fn ks(labels: &[u8], scores: Scores, weights: Option<&[f64]>) -> Result<f64> {
    let t = crate::with_scores!(scores, |s| tally(labels, s, weights))?;
    let (p, n) = totals(&t);
    if p <= 0.0 || n <= 0.0 {
        return Ok(f64::NAN);
    }
    let (mut tp, mut fp, mut best) = (0.0, 0.0, 0.0f64);
    for i in 0..t.keys.len() {
        tp += t.pos[i];
        fp += t.neg[i];
        best = best.max(tp / p - fp / n);
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_of_a_small_case_with_ties() {
        // Scores desc: 0.8(+) 0.5(+,−) 0.1(−).
        let r = roc_curve(&[1, 1, 0, 0], &[0.8, 0.5, 0.5, 0.1], None, false).unwrap();
        assert_eq!(r.thresholds(), [f64::INFINITY, 0.8, 0.5, 0.1]);
        assert_eq!(r.tpr(), [0.0, 0.5, 1.0, 1.0]);
        assert_eq!(r.fpr(), [0.0, 0.0, 0.5, 1.0]);
        let one_class = roc_curve(&[1, 1], &[0.2, 0.3], None, false).unwrap();
        assert!(one_class.fpr().iter().all(|x| x.is_nan()));
        assert_eq!(roc_curve::<f64>(&[], &[], None, true).unwrap().thresholds(), [f64::INFINITY]);
    }

    #[test]
    fn drop_intermediate_keeps_corners() {
        // tpr rises over 3 thresholds in a straight line, then fpr: the middle points go.
        let r = roc_curve(&[1, 1, 1, 0, 0], &[0.9, 0.8, 0.7, 0.6, 0.5], None, true).unwrap();
        assert_eq!(r.thresholds(), [f64::INFINITY, 0.9, 0.7, 0.5]);
        assert_eq!(r.tpr(), [0.0, 1.0 / 3.0, 1.0, 1.0]);
        assert_eq!(r.fpr(), [0.0, 0.0, 0.0, 1.0]);
    }

    #[test]
    fn pr_ap_and_ks() {
        let (y, s) = ([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]);
        let pr = pr_curve(&y, &s, None).unwrap();
        assert_eq!(pr.thresholds(), [0.1, 0.7, 0.8, 0.9]);
        assert_eq!(pr.recall(), [1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(pr.precision(), [0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
        assert_eq!(average_precision(&y, &s, None).unwrap(), 0.5 * 1.0 + 0.5 * (2.0 / 3.0));
        assert_eq!(ks(&y, Scores::F64(&s), None).unwrap(), 0.5);
        assert_eq!(average_precision(&[0, 0], &s[..2], None).unwrap(), 0.0);
    }
}
