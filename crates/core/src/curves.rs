//! ROC and precision–recall curves, average precision and the KS statistic: cumulative sums
//! over the score tally (one point per distinct score, highest score first).

use crate::tally::{tally, Tally};
use crate::{Result, Score};

/// Cumulative true and false positives (weights) at each distinct threshold, descending.
struct Cumulative {
    tps: Vec<f64>,
    fps: Vec<f64>,
    thresholds: Vec<f64>,
}

fn cumulative<S: Score>(t: Tally) -> Cumulative {
    let (mut tp, mut fp) = (0.0, 0.0);
    let tps = t.pos.iter().map(|&w| { tp += w; tp }).collect();
    let fps = t.neg.iter().map(|&w| { fp += w; fp }).collect();
    Cumulative { tps, fps, thresholds: t.keys.iter().map(|&k| S::from_key(k)).collect() }
}

/// A receiver operating characteristic curve, from the highest threshold down.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    pub fpr: Vec<f64>,
    pub tpr: Vec<f64>,
    pub thresholds: Vec<f64>,
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
    let mut c = cumulative::<S>(tally(labels, scores, weights)?);
    if drop_intermediate && c.tps.len() > 2 {
        let last = c.tps.len() - 1;
        // sklearn: np.diff(x, 2) != 0, i.e. (x[i+1] − x[i]) − (x[i] − x[i−1]), same operation order.
        let corner = |x: &[f64], i: usize| (x[i + 1] - x[i]) - (x[i] - x[i - 1]) != 0.0;
        let keep: Vec<usize> = (0..=last).filter(|&i| i == 0 || i == last || corner(&c.fps, i) || corner(&c.tps, i)).collect();
        let pick = |x: &[f64]| keep.iter().map(|&i| x[i]).collect::<Vec<f64>>();
        c = Cumulative { tps: pick(&c.tps), fps: pick(&c.fps), thresholds: pick(&c.thresholds) };
    }
    let (p, n) = (c.tps.last().copied().unwrap_or(0.0), c.fps.last().copied().unwrap_or(0.0));
    let rate = |x: &[f64], total: f64| std::iter::once(0.0).chain(x.iter().copied()).map(|v| if total > 0.0 { v / total } else { f64::NAN }).collect();
    Ok(RocCurve {
        fpr: rate(&c.fps, n),
        tpr: rate(&c.tps, p),
        thresholds: std::iter::once(f64::INFINITY).chain(c.thresholds).collect(),
    })
}

/// A precision–recall curve, from the lowest threshold up (scikit-learn's order).
#[derive(Debug, Clone, PartialEq)]
pub struct PrCurve {
    pub precision: Vec<f64>,
    pub recall: Vec<f64>,
    pub thresholds: Vec<f64>,
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
    let c = cumulative::<S>(tally(labels, scores, weights)?);
    let (precision, recall) = precision_recall(&c);
    Ok(PrCurve {
        precision: precision.into_iter().rev().chain([1.0]).collect(),
        recall: recall.into_iter().rev().chain([0.0]).collect(),
        thresholds: c.thresholds.into_iter().rev().collect(),
    })
}

/// Precision and recall at each threshold, highest threshold first.
fn precision_recall(c: &Cumulative) -> (Vec<f64>, Vec<f64>) {
    let p = c.tps.last().copied().unwrap_or(0.0);
    let precision = c.tps.iter().zip(&c.fps).map(|(&tp, &fp)| if tp + fp != 0.0 { tp / (tp + fp) } else { 0.0 }).collect();
    let recall = c.tps.iter().map(|&tp| if p > 0.0 { tp / p } else { 1.0 }).collect();
    (precision, recall)
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
    let c = cumulative::<S>(tally(labels, scores, weights)?);
    let (precision, recall) = precision_recall(&c);
    let mut before = 0.0;
    Ok(precision.iter().zip(&recall).map(|(&p, &r)| {
        let step = (r - before) * p;
        before = r;
        step
    }).sum())
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
/// (Siddiqi 2006, *Credit Risk Scorecards*), one-sided as in REFERENCE.md.
pub fn ks<S: Score>(labels: &[u8], scores: &[S], weights: Option<&[f64]>) -> Result<f64> {
    let c = cumulative::<S>(tally(labels, scores, weights)?);
    let (p, n) = (c.tps.last().copied().unwrap_or(0.0), c.fps.last().copied().unwrap_or(0.0));
    if p <= 0.0 || n <= 0.0 {
        return Ok(f64::NAN);
    }
    Ok(c.tps.iter().zip(&c.fps).map(|(&tp, &fp)| tp / p - fp / n).fold(0.0, f64::max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_of_a_small_case_with_ties() {
        // Scores desc: 0.8(+) 0.5(+,−) 0.1(−).
        let r = roc_curve(&[1, 1, 0, 0], &[0.8, 0.5, 0.5, 0.1], None, false).unwrap();
        assert_eq!(r.thresholds, [f64::INFINITY, 0.8, 0.5, 0.1]);
        assert_eq!(r.tpr, [0.0, 0.5, 1.0, 1.0]);
        assert_eq!(r.fpr, [0.0, 0.0, 0.5, 1.0]);
        let one_class = roc_curve(&[1, 1], &[0.2, 0.3], None, false).unwrap();
        assert!(one_class.fpr.iter().all(|x| x.is_nan()));
    }

    #[test]
    fn drop_intermediate_keeps_corners() {
        // tpr rises over 3 thresholds in a straight line, then fpr: the middle points go.
        let r = roc_curve(&[1, 1, 1, 0, 0], &[0.9, 0.8, 0.7, 0.6, 0.5], None, true).unwrap();
        assert_eq!(r.thresholds, [f64::INFINITY, 0.9, 0.7, 0.5]);
    }

    #[test]
    fn pr_ap_and_ks() {
        let (y, s) = ([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]);
        let pr = pr_curve(&y, &s, None).unwrap();
        assert_eq!(pr.thresholds, [0.1, 0.7, 0.8, 0.9]);
        assert_eq!(pr.recall, [1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(pr.precision, [0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
        assert_eq!(average_precision(&y, &s, None).unwrap(), 0.5 * 1.0 + 0.5 * (2.0 / 3.0));
        assert_eq!(ks(&y, &s, None).unwrap(), 0.5);
        assert_eq!(average_precision(&[0, 0], &s[..2], None).unwrap(), 0.0);
    }
}
