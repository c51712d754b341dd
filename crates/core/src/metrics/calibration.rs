//! Metrics of predicted probabilities as CTR systems report them: normalized entropy, the
//! calibration ratio, the Brier score, and the reliability diagram with its expected
//! calibration error. Each is a ratio of weighted sums, so shards merge by adding the sums.

use crate::util::{check, par, Score};
use crate::{Error, Result};

/// Rows per chunk of the sums (fixed, so results do not depend on the thread count; the same
/// chunks as `binary::log_loss`, whose value the log loss here equals bit for bit).
const CHUNK: usize = 1 << 16;

/// Most bins of a reliability diagram.
pub const MAX_BINS: usize = 1 << 16;

/// The weighted sums the CTR metrics are ratios of (w = 1 without weights).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ProbabilitySums {
    /// Σw.
    pub weight: f64,
    /// Σw·y.
    pub positives: f64,
    /// Σw·p.
    pub predicted: f64,
    /// Σw·ℓ, ℓ the log loss of the row with p clipped to [eps, 1 − eps].
    pub log_loss: f64,
    /// Σw·(y − p)², p unclipped.
    pub squared_error: f64,
}

/// The metrics of [`ProbabilitySums`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CtrMetrics {
    pub log_loss: f64,
    pub normalized_entropy: f64,
    pub calibration: f64,
    pub brier: f64,
    /// Σw·y / Σw.
    pub base_rate: f64,
    /// Σw·p / Σw.
    pub mean_prediction: f64,
}

/// Log loss, normalized entropy, calibration ratio and Brier score, in one pass.
///
/// **Definitions** (sums weighted by w, w = 1 without weights; y ∈ {0, 1}, p ∈ [0, 1]):
/// - log loss `L = −Σw·(y·ln p′ + (1 − y)·ln(1 − p′)) / Σw`, p′ = p clipped to [eps, 1 − eps]
///   (eps 1e-15 by default, as [`crate::metrics::log_loss`], whose value it equals);
/// - normalized entropy `NE = L / H(b)`, with b = Σw·y / Σw the base rate (empirical CTR) and
///   `H(b) = −(b·ln b + (1 − b)·ln(1 − b))` the log loss of always predicting b (He et al.
///   2014); below 1 the model beats the base rate;
/// - calibration `Σw·p / Σw·y`: predicted clicks over observed clicks (1 when calibrated);
/// - Brier score `Σw·(y − p)² / Σw` of the unclipped p (scikit-learn's `brier_score_loss`).
///
/// **Edge cases.** One class only (b = 0 or 1, so H(b) = 0): NE is NaN (TorchRec's `NEMetric`
/// clips b, and p, to [1e-12, 1 − 1e-12] instead, which gives a large finite number); no positives: calibration
/// NaN; zero total weight or empty input: every value NaN. Probabilities outside [0, 1] (or NaN)
/// are errors naming the index.
///
/// References: He et al. (2014), "Practical Lessons from Predicting Clicks on Ads at
/// Facebook", ADKDD; Brier (1950), "Verification of forecasts expressed in terms of
/// probability"; scikit-learn `metrics/_classification.py::brier_score_loss`.
pub fn ctr_metrics<S: Score>(labels: &[u8], probs: &[S], weights: Option<&[f64]>, eps: f64) -> Result<(CtrMetrics, ProbabilitySums)> {
    let scale = checked(labels, probs, weights)?;
    check::eps(eps)?;
    let parts = par::map_chunks(labels.len(), CHUNK, |a, b| {
        let mut s = ProbabilitySums::default();
        for i in a..b {
            let (p, y) = (probs[i].to_f64(), labels[i] as f64);
            let q = p.clamp(eps, 1.0 - eps);
            // As `binary::log_loss`, term for term.
            let l = if labels[i] == 1 { -q.ln() } else { -(1.0 - q).ln() };
            let w = weights.map_or(1.0, |w| w[i] * scale);
            s.log_loss += w * l;
            s.weight += w;
            s.positives += w * y;
            s.predicted += w * p;
            s.squared_error += w * (y - p) * (y - p);
        }
        s
    });
    let s = parts.iter().fold(ProbabilitySums::default(), |t, p| ProbabilitySums {
        weight: t.weight + p.weight,
        positives: t.positives + p.positives,
        predicted: t.predicted + p.predicted,
        log_loss: t.log_loss + p.log_loss,
        squared_error: t.squared_error + p.squared_error,
    });
    Ok((s.metrics(), s.scaled(1.0 / scale)))
}

impl ProbabilitySums {
    /// The metrics these sums give (see [`ctr_metrics`]).
    pub fn metrics(&self) -> CtrMetrics {
        let per_weight = |x: f64| if self.weight > 0.0 { x / self.weight } else { f64::NAN };
        let (log_loss, b) = (per_weight(self.log_loss), per_weight(self.positives));
        let entropy = -(b * b.ln() + (1.0 - b) * (1.0 - b).ln());
        CtrMetrics {
            log_loss,
            normalized_entropy: if b > 0.0 && b < 1.0 { log_loss / entropy } else { f64::NAN },
            calibration: if self.positives > 0.0 { self.predicted / self.positives } else { f64::NAN },
            brier: per_weight(self.squared_error),
            base_rate: b,
            mean_prediction: per_weight(self.predicted),
        }
    }

    fn scaled(self, k: f64) -> ProbabilitySums {
        ProbabilitySums {
            weight: self.weight * k,
            positives: self.positives * k,
            predicted: self.predicted * k,
            log_loss: self.log_loss * k,
            squared_error: self.squared_error * k,
        }
    }
}

/// How the reliability diagram's bins are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binning {
    /// Equal widths over [0, 1].
    Uniform,
    /// Equal counts: the predictions' quantiles.
    Quantile,
}

impl Binning {
    pub fn parse(s: &str) -> Result<Binning> {
        match s {
            "uniform" => Ok(Binning::Uniform),
            "quantile" => Ok(Binning::Quantile),
            _ => Err(Error::new("strategy", format!("is {s:?}; expected 'uniform' or 'quantile'"))),
        }
    }
}

/// A reliability diagram: per bin the rows, their weight and the weighted sums of p and y.
#[derive(Debug, Clone, PartialEq)]
pub struct Reliability {
    /// `bins + 1` edges, ascending; bin k holds the p with `edges[k] < p ≤ edges[k + 1]`, the
    /// first bin also `p = edges[0]` (and anything below the first inner edge).
    pub edges: Vec<f64>,
    pub count: Vec<f64>,
    pub weight: Vec<f64>,
    /// Σw·p per bin.
    pub predicted: Vec<f64>,
    /// Σw·y per bin.
    pub observed: Vec<f64>,
    /// `Σ_b (W_b / W)·|observed rate_b − mean prediction_b| = Σ_b |Σ_b w·(y − p)| / W`.
    pub ece: f64,
}

/// The reliability diagram and the expected calibration error.
///
/// **Bins.** `Uniform`: edges `k/bins` as NumPy's `linspace(0, 1, bins + 1)` computes them
/// (k·(1/bins), the last exactly 1). `Quantile`: edges at the predictions' quantiles k/bins,
/// NumPy's `percentile` with linear interpolation (the edges are those of unweighted rows even
/// when weights are given; weights only weigh rows within their bins). A prediction equal to
/// an inner edge falls in the bin below it (right-closed bins), as `numpy.searchsorted` puts it
/// in scikit-learn's `calibration_curve`. With many tied predictions quantile edges coincide
/// and the bins between them are empty.
///
/// **Per bin** (b): rows, W_b = Σw, mean prediction Σw·p / W_b and observed rate Σw·y / W_b;
/// these equal `calibration_curve(y, p, n_bins, strategy)`'s `prob_pred` and `prob_true` over
/// its non-empty bins (it drops the empty ones and takes no weights; here every bin is listed,
/// an empty one with rows 0).
///
/// **ECE** `= Σ_b (W_b / W)·|observed_b − mean prediction_b|` over the non-empty bins, W the total
/// weight (Naeini, Cooper & Hauskrecht 2015; Guo et al. 2017). NaN when W = 0.
///
/// **Mergeable.** With uniform bins the per-bin sums of shards add up. Quantile edges depend on
/// all rows, so shards cannot be merged without them.
///
/// References: Naeini, Cooper & Hauskrecht (2015), "Obtaining Well Calibrated Probabilities
/// Using Bayesian Binning", AAAI; Guo, Pleiss, Sun & Weinberger (2017), "On Calibration of
/// Modern Neural Networks", ICML; scikit-learn `calibration.py::calibration_curve`.
pub fn reliability<S: Score>(labels: &[u8], probs: &[S], weights: Option<&[f64]>, bins: usize, strategy: Binning) -> Result<Reliability> {
    checked(labels, probs, weights)?;
    if !(1..=MAX_BINS).contains(&bins) {
        return Err(Error::new("bins", format!("is {bins}; it must be an integer in [1, {MAX_BINS}]")));
    }
    let edges = match strategy {
        Binning::Uniform => (0..=bins).map(|k| if k == bins { 1.0 } else { k as f64 * (1.0 / bins as f64) }).collect(),
        Binning::Quantile => quantile_edges(probs, bins),
    };
    let inner = &edges[1..bins];
    let bin_of = |p: f64| match strategy {
        // k/bins from the product, then a step to the side the rounded edges put p on.
        Binning::Uniform => {
            let mut b = ((p * bins as f64) as usize).min(bins - 1);
            while b > 0 && p <= edges[b] {
                b -= 1;
            }
            while b + 1 < bins && p > edges[b + 1] {
                b += 1;
            }
            b
        }
        Binning::Quantile => inner.partition_point(|&e| e < p),
    };
    // Chunks of at least 64 rows per bin keep the per-chunk tables small.
    let parts = par::map_chunks(labels.len(), CHUNK.max(64 * bins), |a, b| {
        let mut t = vec![0.0; 4 * bins];
        for i in a..b {
            let p = probs[i].to_f64();
            let (k, w) = (4 * bin_of(p), weights.map_or(1.0, |w| w[i]));
            t[k] += 1.0;
            t[k + 1] += w;
            t[k + 2] += w * p;
            t[k + 3] += w * labels[i] as f64;
        }
        t
    });
    let mut t = vec![0.0; 4 * bins];
    for part in &parts {
        t.iter_mut().zip(part).for_each(|(x, y)| *x += y);
    }
    let column = |j: usize| -> Vec<f64> { t.chunks(4).map(|c| c[j]).collect() };
    let (weight, predicted, observed) = (column(1), column(2), column(3));
    Ok(Reliability { count: column(0), ece: ece(&weight, &predicted, &observed), edges, weight, predicted, observed })
}

/// ECE from per-bin sums (W_b, Σw·p, Σw·y): `Σ_b |Σw·y − Σw·p| / Σ_b W_b`, NaN when the total
/// weight is 0. Shards' sums of the same uniform bins add up before this.
pub fn ece(weight: &[f64], predicted: &[f64], observed: &[f64]) -> f64 {
    let total: f64 = weight.iter().sum();
    let gap: f64 = predicted.iter().zip(observed).map(|(p, o)| (o - p).abs()).sum();
    if total > 0.0 { gap / total } else { f64::NAN }
}

/// Validates labels, probabilities in [0, 1] and weights; the power of two the weights are
/// scaled by (`check::weight_scale`: 1 without weights).
fn checked<S: Score>(labels: &[u8], probs: &[S], weights: Option<&[f64]>) -> Result<f64> {
    check::same_length("probs", probs.len(), labels.len())?;
    check::labels(labels)?;
    check::in_unit("probs", probs, "probabilities")?;
    let Some(w) = weights else { return Ok(1.0) };
    check::same_length("weights", w.len(), labels.len())?;
    check::weights("weights", w)?;
    Ok(check::weight_scale(w))
}

/// `numpy.percentile(p, linspace(0, 1, bins + 1) * 100)` (linear interpolation), step for step:
/// quantile q_k = (k·(1/bins)·100)/100, virtual index v = (n − 1)·q_k, and between the order
/// statistics a = x₍⌊v⌋₎ and b = x₍⌊v⌋+1₎ with γ = v − ⌊v⌋: `a + (b − a)·γ` when γ < ½, else
/// `b − (b − a)·(1 − γ)` (NumPy's `_lerp`; b − a in the predictions' precision, as NumPy
/// subtracts in their dtype). Empty input: NaN edges.
fn quantile_edges<S: Score>(probs: &[S], bins: usize) -> Vec<f64> {
    let n = probs.len();
    if n == 0 {
        return vec![f64::NAN; bins + 1];
    }
    let spots: Vec<(usize, usize, f64)> = (0..=bins)
        .map(|k| {
            let q = (if k == bins { 1.0 } else { k as f64 * (1.0 / bins as f64) }) * 100.0 / 100.0;
            let v = (n - 1) as f64 * q;
            let below = v.floor();
            if v >= (n - 1) as f64 { (n - 1, n - 1, 0.0) } else { (below as usize, below as usize + 1, v - below) }
        })
        .collect();
    let mut wanted: Vec<usize> = spots.iter().flat_map(|s| [s.0, s.1]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut keys: Vec<u64> = probs.iter().map(|p| p.key()).collect();
    select(&mut keys, 0, &wanted);
    let x = |i: usize| S::from_key(keys[i]);
    spots
        .iter()
        .map(|&(i, j, gamma)| {
            let (a, b) = (x(i), x(j));
            let d = S::from_f64(b - a).to_f64();
            if gamma >= 0.5 { b - d * (1.0 - gamma) } else { a + d * gamma }
        })
        .collect()
}

/// Puts the order statistics `wanted` (ascending, positions in the whole array; `keys` starts
/// at position `offset`) in place, as NumPy's `partition` with several kth: O(n log k).
fn select(keys: &mut [u64], offset: usize, wanted: &[usize]) {
    if wanted.is_empty() {
        return;
    }
    let mid = wanted.len() / 2;
    let at = wanted[mid] - offset;
    keys.select_nth_unstable(at);
    let (left, right) = keys.split_at_mut(at + 1);
    select(left, offset, &wanted[..mid]);
    select(right, offset + at + 1, &wanted[mid + 1..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctr_metrics_by_hand() {
        let (y, p, w) = ([1, 0, 0, 1, 0], [0.9, 0.2, 0.4, 0.6, 0.1], [1.0, 2.0, 1.0, 1.0, 4.0]);
        let (m, s) = ctr_metrics(&y, &p, Some(&w), 1e-15).unwrap();
        assert_eq!((s.weight, s.positives), (9.0, 2.0));
        assert!((s.predicted - (0.9 + 0.4 + 0.4 + 0.6 + 0.4)).abs() < 1e-15);
        assert!((m.calibration - 2.7 / 2.0).abs() < 1e-15);
        let loss = -(0.9f64.ln() + 2.0 * 0.8f64.ln() + 0.6f64.ln() + 0.6f64.ln() + 4.0 * 0.9f64.ln()) / 9.0;
        assert!((m.log_loss - loss).abs() < 1e-15);
        let b: f64 = 2.0 / 9.0;
        assert!((m.normalized_entropy - loss / -(b * b.ln() + (1.0 - b) * (1.0 - b).ln())).abs() < 1e-15);
        assert!((m.brier - (0.01 + 2.0 * 0.04 + 0.16 + 0.16 + 4.0 * 0.01) / 9.0).abs() < 1e-15);
        assert_eq!(m.log_loss, crate::metrics::log_loss(&y, &p, Some(&w), 1e-15).unwrap());
        let (one, _) = ctr_metrics(&[0, 0], &[0.1f32, 0.2], None, 1e-15).unwrap();
        assert!(one.normalized_entropy.is_nan() && one.calibration.is_nan() && one.brier > 0.0);
        assert_eq!(ctr_metrics(&[1], &[1.5], None, 1e-15).unwrap_err().message, "probs[0] is 1.5; probabilities must be in [0, 1]");
    }

    #[test]
    fn uniform_bins_are_right_closed() {
        // 0.2 is the first bin's upper edge; 0.6 is above linspace's 0.6000000000000001.
        let (y, p) = ([1, 0, 1, 0, 1, 0], [0.0, 0.2, 0.2000001, 0.6, 0.61, 1.0]);
        let r = reliability(&y, &p, None, 5, Binning::Uniform).unwrap();
        assert_eq!(r.edges, [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(r.count, [2.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(r.observed, [1.0, 1.0, 0.0, 1.0, 0.0]);
        let gap = 0.8 + (1.0 - 0.2000001) + 0.6 + (1.0 - 0.61) + 1.0;
        assert!((r.ece - gap / 6.0).abs() < 1e-15);
    }

    #[test]
    fn quantile_edges_as_numpy() {
        // numpy.percentile([0.1, 0.4, 0.4, 0.35, 0.8], [0, 25, 50, 75, 100]).
        let p = [0.1, 0.4, 0.4, 0.35, 0.8];
        let r = reliability(&[0, 1, 1, 0, 1], &p, None, 4, Binning::Quantile).unwrap();
        assert_eq!(r.edges, [0.1, 0.35, 0.4, 0.4, 0.8]);
        assert_eq!(r.count, [2.0, 2.0, 0.0, 1.0]);
        assert_eq!(reliability(&[0], &[0.5], None, 0, Binning::Uniform).unwrap_err().arg, "bins");
        assert_eq!(Binning::parse("equal").unwrap_err().arg, "strategy");
    }
}
