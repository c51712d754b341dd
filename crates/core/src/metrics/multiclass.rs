//! Multiclass and multilabel AUC as scikit-learn's `roc_auc_score` defines them, from the exact
//! binary [`auc`] of each class (or pair of classes).

use crate::metrics::auc;
use crate::util::{check, Score};
use crate::{Error, Result};

/// How a multiclass problem is split into binary ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultiClass {
    /// Each class against all others.
    Ovr,
    /// Each pair of classes (Hand & Till 2001).
    Ovo,
}

impl MultiClass {
    pub fn parse(s: &str) -> Result<MultiClass> {
        match s {
            "ovr" => Ok(MultiClass::Ovr),
            "ovo" => Ok(MultiClass::Ovo),
            _ => Err(Error::new("multiClass", format!("is {s:?}; expected 'ovr' or 'ovo'"))),
        }
    }
}

/// How the binary AUCs are averaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    Macro,
    Weighted,
    Micro,
    /// No average: one AUC per class.
    None,
}

impl Average {
    pub fn parse(s: &str) -> Result<Average> {
        match s {
            "macro" => Ok(Average::Macro),
            "weighted" => Ok(Average::Weighted),
            "micro" => Ok(Average::Micro),
            "none" => Ok(Average::None),
            _ => Err(Error::new("average", format!("is {s:?}; expected 'macro', 'weighted', 'micro' or 'none'"))),
        }
    }
}

/// AUC of a multiclass problem: class ids `labels` (N, in `0..classes`) against the row-major
/// score matrix `scores` (N × classes, rows of class probabilities).
///
/// **Definitions** (scikit-learn 1.9.1's `roc_auc_score(y, scores, multi_class=…, average=…,
/// labels=range(classes))`), each AUC as [`auc`] (exact, ties ½):
/// - `Ovr`: AUC_c of "class c" against the rest with the scores of column c. `Macro`: their
///   mean; `Weighted`: weighted by the classes' (weighted) prevalence; `Micro`: one AUC over
///   the N·classes (one-hot label, score) cells; `None`: the AUC_c.
/// - `Ovo` (Hand & Till 2001): for each pair a < b of classes present, over the rows of a or b,
///   (AUC(a vs b, column a) + AUC(b vs a, column b)) / 2. `Macro`: their mean; `Weighted`:
///   weighted by the pair's share of all rows. scikit-learn refuses `Micro`, `None` and sample
///   weights with `Ovo`; so does this.
///
/// **Probabilities.** Each row must sum to 1 within NumPy's `allclose` tolerance, |1 − Σ| ≤
/// 1e-8 + 1e-5·|Σ| (scikit-learn's check; sums here in f64): otherwise an error naming the
/// row. Scores that are not probabilities can go through a softmax first.
///
/// **Edge cases.** A class without rows has AUC_c NaN under `Ovr`, so `Macro` is NaN (as
/// scikit-learn's mean), while `Weighted` gives it weight 0 (and, as scikit-learn, returns 0
/// when the classes' total weight is ≤ 1e-8); `Ovo` uses the pairs of classes present (none:
/// NaN). At least 2 classes (scikit-learn scores two classes as a binary problem, from the
/// positive class's column).
///
/// References: Hand & Till (2001), "A Simple Generalisation of the Area Under the ROC Curve
/// for Multiple Class Classification Problems", Machine Learning 45; Provost & Domingos
/// (2000) for the prevalence-weighted one-vs-rest; scikit-learn `metrics/_ranking.py`
/// (`_multiclass_roc_auc_score`), `metrics/_base.py` (`_average_multiclass_ovo_score`).
pub fn multiclass_auc<S: Score>(labels: &[u32], scores: &[S], classes: usize, multi_class: MultiClass, average: Average, weights: Option<&[f64]>) -> Result<Vec<f64>> {
    let n = labels.len();
    check_matrix(scores, n, classes, weights)?;
    if let Some(i) = labels.iter().position(|&y| y as usize >= classes) {
        return Err(Error::new("labels", format!("labels[{i}] is {}; class ids must be in [0, {classes}) (the columns of scores)", labels[i])));
    }
    if let Some(i) = (0..n).find(|&i| !sums_to_one(&scores[i * classes..(i + 1) * classes])) {
        let total: f64 = scores[i * classes..(i + 1) * classes].iter().map(|s| s.to_f64()).sum();
        return Err(Error::new("scores", format!("row {i} sums to {total}; multiclass AUC needs class probabilities, each row summing to 1")));
    }
    let positive = |i: usize, c: usize| labels[i] as usize == c;
    match multi_class {
        MultiClass::Ovr => binary_average(n, classes, scores, positive, weights, average),
        MultiClass::Ovo => {
            if weights.is_some() {
                return Err(Error::new("weights", "are not supported with multiClass 'ovo' (as scikit-learn)"));
            }
            if matches!(average, Average::Micro | Average::None) {
                return Err(Error::new("average", "must be 'macro' or 'weighted' with multiClass 'ovo' (as scikit-learn)"));
            }
            Ok(vec![one_vs_one(labels, scores, classes, average)?])
        }
    }
}

/// AUC of a multilabel problem: 0/1 labels and scores, both N × classes row-major.
///
/// **Definition** (scikit-learn's `roc_auc_score` on a label indicator matrix): AUC_c of each
/// column, as [`auc`] with the sample weights; `Macro`: their mean; `Weighted`: weighted by
/// Σ w·y of the column; `Micro`: one AUC over all N·classes cells; `None`: the AUC_c.
///
/// **Edge cases.** A column with one class only has AUC_c NaN, so `Macro` is NaN, while
/// `Weighted` gives a column without positives weight 0 (and returns 0 when no column has any,
/// as scikit-learn). scikit-learn's `average='samples'` is not offered.
pub fn multilabel_auc<S: Score>(labels: &[u8], scores: &[S], classes: usize, average: Average, weights: Option<&[f64]>) -> Result<Vec<f64>> {
    if classes == 0 || labels.len() % classes != 0 {
        return Err(Error::new("labels", format!("has {} values, not a multiple of the {classes} classes", labels.len())));
    }
    let n = labels.len() / classes;
    check_matrix(scores, n, classes, weights)?;
    check::labels(labels)?;
    binary_average(n, classes, scores, |i, c| labels[i * classes + c] == 1, weights, average)
}

/// Scores of n rows × classes, finite; weights of n rows.
fn check_matrix<S: Score>(scores: &[S], n: usize, classes: usize, weights: Option<&[f64]>) -> Result<()> {
    if classes < 2 {
        return Err(Error::new("scores", format!("has {classes} column(s); multiclass and multilabel AUC need at least 2")));
    }
    check::same_length_as("scores", scores.len(), n * classes, &format!("{n} rows × {classes} classes"))?;
    check::scores(scores)?;
    if let Some(w) = weights {
        check::same_length_as("weights", w.len(), n, "one per row")?;
        check::weights("weights", w)?;
    }
    Ok(())
}

/// NumPy's `allclose(1, total)`: |1 − total| ≤ 1e-8 + 1e-5·|total|.
fn sums_to_one<S: Score>(row: &[S]) -> bool {
    let total: f64 = row.iter().map(|s| s.to_f64()).sum();
    (1.0 - total).abs() <= 1e-8 + 1e-5 * total.abs()
}

/// scikit-learn's `_average_binary_score`: one AUC per column of the indicator `positive(i, c)`,
/// then the average.
fn binary_average<S: Score>(n: usize, classes: usize, scores: &[S], positive: impl Fn(usize, usize) -> bool, weights: Option<&[f64]>, average: Average) -> Result<Vec<f64>> {
    if average == Average::Micro {
        let cells = n * classes;
        let y: Vec<u8> = (0..cells).map(|k| positive(k / classes, k % classes) as u8).collect();
        let w = weights.map(|w| (0..cells).map(|k| w[k / classes]).collect::<Vec<f64>>());
        return Ok(vec![auc(&y, scores, w.as_deref())?]);
    }
    let mut per_class = Vec::with_capacity(classes);
    let mut class_weight = Vec::with_capacity(classes);
    for c in 0..classes {
        let y: Vec<u8> = (0..n).map(|i| positive(i, c) as u8).collect();
        let column: Vec<S> = (0..n).map(|i| scores[i * classes + c]).collect();
        per_class.push(auc(&y, &column, weights)?);
        class_weight.push((0..n).filter(|&i| y[i] == 1).map(|i| weights.map_or(1.0, |w| w[i])).sum::<f64>());
    }
    Ok(match average {
        Average::None => per_class,
        Average::Macro => vec![per_class.iter().sum::<f64>() / classes as f64],
        Average::Weighted => {
            let total: f64 = class_weight.iter().sum();
            // scikit-learn: `isclose(total, 0)` returns 0; a class of weight 0 scores 0 (its NaN
            // does not reach the average).
            if total <= 1e-8 {
                return Ok(vec![0.0]);
            }
            let sum: f64 = per_class.iter().zip(&class_weight).map(|(&a, &w)| if w == 0.0 { 0.0 } else { a * w }).sum();
            vec![sum / total]
        }
        Average::Micro => unreachable!("handled above"),
    })
}

/// Hand & Till's M: the mean (or prevalence-weighted mean) over pairs of present classes of
/// the two one-vs-one AUCs' mean.
fn one_vs_one<S: Score>(labels: &[u32], scores: &[S], classes: usize, average: Average) -> Result<f64> {
    let mut rows = vec![0usize; classes];
    labels.iter().for_each(|&y| rows[y as usize] += 1);
    let present: Vec<usize> = (0..classes).filter(|&c| rows[c] > 0).collect();
    let (mut sum, mut total) = (0.0, 0.0);
    for (k, &a) in present.iter().enumerate() {
        for &b in &present[k + 1..] {
            let pair: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] as usize == a || labels[i] as usize == b).collect();
            let is_a: Vec<u8> = pair.iter().map(|&i| (labels[i] as usize == a) as u8).collect();
            let is_b: Vec<u8> = is_a.iter().map(|&y| 1 - y).collect();
            let column = |c: usize| -> Vec<S> { pair.iter().map(|&i| scores[i * classes + c]).collect() };
            let score = (auc(&is_a, &column(a), None)? + auc(&is_b, &column(b), None)?) / 2.0;
            let weight = if average == Average::Weighted { pair.len() as f64 / labels.len() as f64 } else { 1.0 };
            sum += weight * score;
            total += weight;
        }
    }
    Ok(sum / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Three classes, five rows; rows of probabilities.
    const Y: [u32; 5] = [0, 1, 2, 2, 1];
    const S: [f64; 15] = [0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.2, 0.7, 0.3, 0.3, 0.4, 0.5, 0.2, 0.3];

    #[test]
    fn one_vs_rest_by_hand() {
        let per = multiclass_auc(&Y, &S, 3, MultiClass::Ovr, Average::None, None).unwrap();
        // Class 0: 0.6 against 0.2, 0.1, 0.3, 0.5 → 1. Class 1: {0.5, 0.2} against {0.3, 0.2,
        // 0.3}: 3 + (0 + ½ + 0) = 3.5 of 6. Class 2: {0.7, 0.4} against {0.1, 0.3, 0.3}: 6 of 6.
        assert_eq!(per, [1.0, 3.5 / 6.0, 1.0]);
        let macro_ = multiclass_auc(&Y, &S, 3, MultiClass::Ovr, Average::Macro, None).unwrap()[0];
        assert!((macro_ - (2.0 + 3.5 / 6.0) / 3.0).abs() < 1e-15);
        let weighted = multiclass_auc(&Y, &S, 3, MultiClass::Ovr, Average::Weighted, None).unwrap()[0];
        assert!((weighted - (1.0 + 2.0 * 3.5 / 6.0 + 2.0) / 5.0).abs() < 1e-15);
    }

    #[test]
    fn refusals_as_scikit_learn() {
        let bad = [0.6, 0.3, 0.2, 0.2, 0.5, 0.3, 0.1, 0.2, 0.7, 0.3, 0.3, 0.4, 0.5, 0.2, 0.3];
        let e = multiclass_auc(&Y, &bad, 3, MultiClass::Ovr, Average::Macro, None).unwrap_err();
        assert!(e.message.starts_with("row 0 sums to 1.0999"), "{}", e.message);
        assert_eq!(multiclass_auc(&Y, &S, 3, MultiClass::Ovo, Average::Micro, None).unwrap_err().arg, "average");
        assert_eq!(multiclass_auc(&Y, &S, 3, MultiClass::Ovo, Average::Macro, Some(&[1.0; 5])).unwrap_err().arg, "weights");
        assert_eq!(multiclass_auc(&[0, 1, 3, 2, 1], &S, 3, MultiClass::Ovr, Average::Macro, None).unwrap_err().arg, "labels");
        assert_eq!(multiclass_auc(&Y, &S[..14], 3, MultiClass::Ovr, Average::Macro, None).unwrap_err().arg, "scores");
        assert_eq!(multilabel_auc(&[1, 0, 1], &[0.1, 0.2, 0.3], 2, Average::Macro, None).unwrap_err().arg, "labels");
    }

    #[test]
    fn absent_class() {
        let (y, s) = ([0u32, 1, 0, 1], [0.7, 0.2, 0.1, 0.3, 0.5, 0.2, 0.6, 0.1, 0.3, 0.6, 0.2, 0.2]);
        let per = multiclass_auc(&y, &s, 3, MultiClass::Ovr, Average::None, None).unwrap();
        assert!(per[2].is_nan());
        assert!(multiclass_auc(&y, &s, 3, MultiClass::Ovr, Average::Macro, None).unwrap()[0].is_nan());
        let w = multiclass_auc(&y, &s, 3, MultiClass::Ovr, Average::Weighted, None).unwrap()[0];
        assert_eq!(w, (per[0] + per[1]) / 2.0);
        assert_eq!(&per[..2], [0.875, 0.875]);
        // One pair (0, 1), over all rows: class 0's column {0.7, 0.6} against {0.3, 0.6}, class
        // 1's {0.5, 0.2} against {0.2, 0.1}: 3.5/4 each.
        assert_eq!(multiclass_auc(&y, &s, 3, MultiClass::Ovo, Average::Macro, None).unwrap(), [0.875]);
    }
}
