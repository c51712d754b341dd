//! Bootstrap confidence intervals of reckit's metrics, sorting once and evaluating each
//! resample in one pass (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*).
//!
//! **Units.** AUC resamples rows within each class (a stratified bootstrap: every resample has
//! the data's P positives and N negatives, so none is single-class). GAUC and the ranking
//! metrics resample whole groups (a cluster bootstrap over users or queries: Field & Welsh
//! 2007), since rows of one user are not independent. Log loss, Brier score, calibration and
//! normalized entropy resample rows.
//!
//! **Sampling.** `Multinomial` is the classic bootstrap: each resample draws as many units as
//! the data has, with replacement. `Poisson` gives every unit an independent Poisson(1) count
//! (Hanley & MacGibbon 2006; Chamandy et al. 2012, "Estimating uncertainty for massive data
//! streams"): resamples no longer have exactly n units, but counts need no global draw, so
//! shards can resample their own rows and merge. For AUC, Poisson counts are drawn per row.
//!
//! **One pass per resample.** Every metric here is a function of sums over units, except AUC:
//! the units' sums (a group's weighted AUC and weight, a query's metric, a row's loss and
//! weight) are computed once, and a resample is `f(Σ_u c_u·s_u)` with its counts `c`. AUC
//! sorts the rows once; a resample walks them in score order with its counts, adding
//! `c_pos · (negatives below + ½ tied)` per block of tied scores: O(n), exact in integers.
//!
//! **Intervals.** Percentile (the `(1−L)/2` and `(1+L)/2` quantiles of the resample values,
//! linearly interpolated as NumPy's default `percentile`) or BCa (Efron 1987; bias correction
//! `z0 = Φ⁻¹(#{θ*_b < θ̂}/B)` and acceleration from the jackknife, as `scipy.stats.bootstrap`
//! computes them; the jackknife leaves out one unit: one row for AUC (from its placement) and
//! the row metrics, one group for GAUC and the ranking metrics). Resample values that are NaN
//! (a cluster resample with no two-class group) are left out and counted.
//!
//! **Determinism.** Resample `b` draws from random stream `b` of the seed (util/rng.rs), so
//! the values, and the interval, are identical on every backend and thread count.

use crate::metrics::named::{binary, Metric};
pub use crate::metrics::named::MetricOptions;
use crate::metrics::groups::first_appearance;
use crate::metrics::{gauc_per_group, ranking_per_query, EmptyQueries, GroupWeighting};
use crate::util::normal::upper_quantile;
use crate::util::rng::{streams, Stream};
use crate::util::{check, par, Score};
use crate::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampling {
    Multinomial,
    Poisson,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    Percentile,
    Bca,
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub resamples: usize,
    /// Confidence level in (0, 1), e.g. 0.95.
    pub level: f64,
    pub seed: u64,
    pub sampling: Sampling,
    pub method: Method,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    /// The metric on the data (the one-shot function's value).
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
    /// The standard deviation of the resample values (ddof 1).
    pub std_error: f64,
    /// Resamples whose value is a number (the others are left out).
    pub used: usize,
    /// Every resample's value, in resample order (NaN for those left out).
    pub values: Vec<f64>,
}

/// A bootstrap confidence interval of `metric` (see the module doc for units, sampling and
/// intervals). `labels`: 0/1 for the binary metrics, relevance ≥ 0 for the ranking metrics;
/// `groups` for GAUC (required) and the ranking metrics (optional: one query without);
/// `weights` (sample weights) for the row metrics only.
pub fn bootstrap<S: Score>(
    metric: &str,
    labels: &[f64],
    scores: &[S],
    groups: Option<&[u32]>,
    weights: Option<&[f64]>,
    metric_options: MetricOptions,
    o: &Options,
) -> Result<Interval> {
    let metric = Metric::parse(metric)?;
    if o.resamples == 0 || o.resamples > 1_000_000 {
        return Err(Error::new("resamples", format!("is {}; give 1 to 1000000 resamples (1000 or more for a 95% interval)", o.resamples)));
    }
    if !(o.level > 0.0 && o.level < 1.0) {
        return Err(Error::new("level", format!("is {}; the confidence level must be in (0, 1), e.g. 0.95", o.level)));
    }
    check::same_length("scores", scores.len(), labels.len())?;
    if let Some(g) = groups {
        check::same_length("groups", g.len(), labels.len())?;
    }
    // The estimate is the one-shot function's value (and its argument checks come first).
    let estimate = metric.evaluate(labels, scores, groups, weights, metric_options)?;
    match metric {
        Metric::Auc => auc_interval(estimate, &binary(labels)?, scores, o),
        Metric::Gauc => {
            let g = groups.expect("gauc checked its groups");
            let weighting = GroupWeighting::parse(metric_options.weighting, None)?;
            let per = gauc_per_group(&binary(labels)?, scores, g)?;
            let units = Units::new("groups", 2, first_appearance(g, &per.groups).map(|i| {
                let a = per.auc[i];
                let w = match weighting {
                    GroupWeighting::Clicks => per.positives[i] as f64,
                    GroupWeighting::Uniform => 1.0,
                    _ => (per.positives[i] + per.negatives[i]) as f64,
                };
                if a.is_nan() { [0.0, 0.0] } else { [w * a, w] }
            }))?;
            Ok(units.interval(estimate, |t| t[0] / t[1], o))
        }
        Metric::Ranking { column, k } => {
            let per = ranking_per_query(labels, scores, groups, &[k], metric_options.gain)?;
            let skip = metric_options.empty == EmptyQueries::Skip;
            let order: Vec<usize> = match groups {
                Some(g) => first_appearance(g, &per.groups).collect(),
                None => vec![0],
            };
            let units = Units::new("groups", 2, order.into_iter().map(|q| if per.empty[q] && skip { [0.0, 0.0] } else { [per.values[q * 7 + column], 1.0] }))?;
            Ok(units.interval(estimate, |t| t[0] / t[1], o))
        }
        _ => row_interval(metric, estimate, &binary(labels)?, scores, weights, metric_options.eps, o),
    }
}

/// Log loss, Brier score, calibration (Σ predicted ÷ Σ observed) and normalized entropy (log
/// loss ÷ the entropy of the base rate; He et al. 2014) over rows, as metrics/calibration.rs
/// defines them (its `ctr_metrics` gives the estimate).
fn row_interval<S: Score>(metric: Metric, estimate: f64, labels: &[u8], scores: &[S], weights: Option<&[f64]>, eps: f64, o: &Options) -> Result<Interval> {
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let y = |i: usize| labels[i] as f64;
    let p = |i: usize| scores[i].to_f64();
    let loss = |i: usize| {
        let q = p(i).clamp(eps, 1.0 - eps);
        if labels[i] == 1 { -q.ln() } else { -(1.0 - q).ln() }
    };
    let n = labels.len();
    // H(b) of the base rate; 0 for one class only, where NE is NaN (as ctr_metrics).
    let entropy = |b: f64| if b <= 0.0 || b >= 1.0 { f64::NAN } else { -b * b.ln() - (1.0 - b) * (1.0 - b).ln() };
    let units = match metric {
        Metric::LogLoss => Units::new("labels", 2, (0..n).map(|i| [w(i) * loss(i), w(i), 0.0]))?,
        Metric::Brier => Units::new("labels", 2, (0..n).map(|i| [w(i) * (p(i) - y(i)).powi(2), w(i), 0.0]))?,
        Metric::Calibration => Units::new("labels", 2, (0..n).map(|i| [w(i) * p(i), w(i) * y(i), 0.0]))?,
        _ => Units::new("labels", 3, (0..n).map(|i| [w(i) * loss(i), w(i) * y(i), w(i)]))?,
    };
    Ok(match metric {
        Metric::NormalizedEntropy => units.interval(estimate, |t| t[0] / t[2] / entropy(t[1] / t[2]), o),
        _ => units.interval(estimate, |t| t[0] / t[1], o),
    })
}

/// Units (rows, groups, queries) as their sums `s_u` (up to 3 per unit): a resample's totals
/// are `Σ_u c_u·s_u`.
struct Units {
    width: usize,
    sums: Vec<f64>,
}

impl Units {
    /// `arg`: what the units come from (`groups` or `labels`), for the error when there are
    /// fewer than 2.
    fn new<const M: usize>(arg: &'static str, width: usize, sums: impl Iterator<Item = [f64; M]>) -> Result<Self> {
        let sums: Vec<f64> = sums.flat_map(|s| s.into_iter().take(width)).collect();
        let units = sums.len() / width;
        if units < 2 {
            let what = if arg == "groups" { "groups (users or queries)" } else { "rows" };
            return Err(Error::new(arg, format!("give at least 2 {what} to resample; got {units}")));
        }
        Ok(Units { width, sums })
    }

    fn count(&self) -> usize {
        self.sums.len() / self.width
    }

    fn totals(&self, counts: impl Fn(usize) -> f64) -> [f64; 3] {
        let mut t = [0.0; 3];
        for (u, s) in self.sums.chunks_exact(self.width).enumerate() {
            let c = counts(u);
            for (j, v) in s.iter().enumerate() {
                t[j] += c * v;
            }
        }
        t
    }

    fn interval(&self, estimate: f64, f: impl Fn(&[f64; 3]) -> f64 + Sync, o: &Options) -> Interval {
        let n = self.count();
        let values = resample(o, n, |stream, counts| {
            match o.sampling {
                Sampling::Multinomial => {
                    counts.draw(stream, &[n]);
                    f(&self.totals(|u| counts.get(u) as f64))
                }
                Sampling::Poisson => {
                    let mut t = [0.0; 3];
                    for s in self.sums.chunks_exact(self.width) {
                        let c = stream.poisson1() as f64;
                        for (j, v) in s.iter().enumerate() {
                            t[j] += c * v;
                        }
                    }
                    f(&t)
                }
            }
        });
        let jackknife = || {
            let all = self.totals(|_| 1.0);
            self.sums
                .chunks_exact(self.width)
                .map(|s| {
                    let mut t = all;
                    s.iter().enumerate().for_each(|(j, v)| t[j] -= v);
                    f(&t)
                })
                .collect()
        };
        finish(estimate, values, jackknife, o)
    }
}

/// A resample's counts per unit: a byte each (the array stays in cache while draws land at
/// random), or 4 bytes in the resample (never seen: a count over 255) that needs them.
#[derive(Default)]
struct Counts {
    bytes: Vec<u8>,
    words: Vec<u32>,
    wide: bool,
}

impl Counts {
    #[inline]
    fn get(&self, u: usize) -> u64 {
        if self.wide { self.words[u] as u64 } else { self.bytes[u] as u64 }
    }

    /// Multinomial counts over the units of consecutive classes of these sizes (units
    /// `0..sizes[0]` the first class, and so on): for each class, as many draws with
    /// replacement among its units as it has units.
    fn draw(&mut self, stream: &mut Stream, sizes: &[usize]) {
        self.draw_bytes_up_to(stream, sizes, u8::MAX)
    }

    /// [`Self::draw`], counting in bytes while every count is at most `limit` (tests lower it).
    fn draw_bytes_up_to(&mut self, stream: &mut Stream, sizes: &[usize], limit: u8) {
        let n = sizes.iter().sum();
        let start = stream.clone();
        self.wide = false;
        self.bytes.clear();
        self.bytes.resize(n, 0);
        let mut offset = 0;
        let mut fits = true;
        'classes: for &size in sizes {
            for _ in 0..size {
                let c = &mut self.bytes[offset + stream.below(size as u64) as usize];
                *c = c.wrapping_add(1);
                if *c == 0 || *c > limit {
                    fits = false;
                    break 'classes;
                }
            }
            offset += size;
        }
        if fits {
            return;
        }
        // The same draws again, counted in u32.
        *stream = start;
        self.wide = true;
        self.words.clear();
        self.words.resize(n, 0);
        let mut offset = 0;
        for &size in sizes {
            (0..size).for_each(|_| self.words[offset + stream.below(size as u64) as usize] += 1);
            offset += size;
        }
    }
}

/// Every resample's value: `one(stream, scratch)` for streams 0..B, in parallel over fixed
/// blocks of resamples when the work (B × units) is large.
fn resample(o: &Options, units: usize, one: impl Fn(&mut Stream, &mut Counts) -> f64 + Sync) -> Vec<f64> {
    let mut blocks: Vec<Vec<Stream>> = Vec::new();
    let mut all = streams(o.seed, o.resamples).into_iter();
    loop {
        let block: Vec<Stream> = all.by_ref().take(8).collect();
        if block.is_empty() {
            break;
        }
        blocks.push(block);
    }
    let work = o.resamples.saturating_mul(units);
    par::map_each(&mut blocks, work, |block| {
        let mut scratch = Counts::default();
        block.iter_mut().map(|s| one(s, &mut scratch)).collect::<Vec<f64>>()
    })
    .concat()
}

/// The interval from the resample values (and, for BCa, the jackknife values).
fn finish(estimate: f64, values: Vec<f64>, jackknife: impl FnOnce() -> Vec<f64>, o: &Options) -> Interval {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    sorted.sort_by(f64::total_cmp);
    let used = sorted.len();
    let alpha = (1.0 - o.level) / 2.0;
    let (q_lo, q_hi) = match o.method {
        Method::Percentile => (alpha, 1.0 - alpha),
        Method::Bca => {
            let below = sorted.iter().filter(|&&v| v < estimate).count() as f64 / used as f64;
            let z0 = -upper_quantile_or_inf(below);
            let theta = jackknife();
            let mean = theta.iter().sum::<f64>() / theta.len() as f64;
            let (num, den) = theta.iter().fold((0.0, 0.0), |(a, b), &t| (a + (mean - t).powi(3), b + (mean - t).powi(2)));
            let a = if den > 0.0 { num / (6.0 * den.powf(1.5)) } else { 0.0 };
            let adjust = |z: f64| normal_cdf(z0 + (z0 + z) / (1.0 - a * (z0 + z)));
            let z = upper_quantile(alpha);
            (adjust(-z), adjust(z))
        }
    };
    let mean = sorted.iter().sum::<f64>() / used as f64;
    let std_error = (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (used as f64 - 1.0)).sqrt();
    Interval { estimate, lower: percentile(&sorted, q_lo), upper: percentile(&sorted, q_hi), std_error, used, values }
}

/// Φ⁻¹(q), with ±∞ at 0 and 1 (every resample on one side: BCa then has no finite bound).
fn upper_quantile_or_inf(q: f64) -> f64 {
    if q <= 0.0 {
        f64::INFINITY
    } else if q >= 1.0 {
        f64::NEG_INFINITY
    } else {
        upper_quantile(q)
    }
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// NumPy's default (`linear`) percentile of sorted values; NaN when there is none or `q` is NaN.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (i, frac) = (h.floor() as usize, h - h.floor());
    if i + 1 >= sorted.len() {
        return sorted[sorted.len() - 1];
    }
    sorted[i] + frac * (sorted[i + 1] - sorted[i])
}

/// The AUC of rows in score order (bit 0 the label, bit 1 the end of a block of tied scores),
/// row i counted `count(i)` times: `Σ_blocks pos·(2·neg below + neg tied) / (2·P·N)`, the sums
/// exact in integers.
fn auc_pass(rows: &[u8], mut count: impl FnMut(usize) -> u64) -> f64 {
    let (mut below, mut twice, mut pw, mut nw) = (0u64, 0u128, 0u64, 0u64);
    let (mut block_p, mut block_n) = (0u64, 0u64);
    for (i, &r) in rows.iter().enumerate() {
        let c = count(i);
        // Branch-free: labels alternate unpredictably.
        let positive = (r & 1) as u64;
        block_p += c * positive;
        block_n += c * (1 - positive);
        if r & 2 != 0 {
            twice += block_p as u128 * (2 * below + block_n) as u128;
            below += block_n;
            pw += block_p;
            nw += block_n;
            block_p = 0;
            block_n = 0;
        }
    }
    twice as f64 / (2.0 * pw as f64 * nw as f64)
}

/// Each row's leave-one-out AUC, rows in score order (as [`auc_pass`] takes them). A positive
/// adds its placement (negatives below it plus half the tied ones) to the pair count, a negative
/// the positives above it plus half the tied ones: leaving it out removes exactly that.
fn auc_jackknife(rows: &[u8], p: u64, q: u64) -> Vec<f64> {
    let mut twice_pairs = 0u128;
    let mut blocks = Vec::new(); // (start, end, positives, negatives)
    let (mut start, mut below) = (0, 0u64);
    for i in 0..rows.len() {
        if rows[i] & 2 != 0 {
            let bp = rows[start..=i].iter().filter(|&&r| r & 1 == 1).count() as u64;
            let bn = (i + 1 - start) as u64 - bp;
            twice_pairs += bp as u128 * (2 * below + bn) as u128;
            blocks.push((start, i + 1, bp, bn));
            below += bn;
            start = i + 1;
        }
    }
    let mut theta = Vec::with_capacity(rows.len());
    let (mut neg_below, mut pos_above) = (0u64, p);
    for (a, b, bp, bn) in blocks {
        pos_above -= bp;
        for &r in &rows[a..b] {
            let (placement, pairs) = if r & 1 == 1 { (2 * neg_below + bn, (p - 1) * q) } else { (2 * pos_above + bp, p * (q - 1)) };
            theta.push((twice_pairs - placement as u128) as f64 / (2.0 * pairs as f64));
        }
        neg_below += bn;
    }
    theta
}

/// AUC: rows sorted by score once; each resample one pass over them (stratified multinomial or
/// Poisson counts per row); BCa's jackknife from each row's placement.
fn auc_interval<S: Score>(estimate: f64, labels: &[u8], scores: &[S], o: &Options) -> Result<Interval> {
    let n = labels.len();
    let mut order: Vec<(u64, u8)> = (0..n).map(|i| (scores[i].key(), labels[i])).collect();
    order.sort_unstable();
    // Per row in score order: bit 0 its label, bit 1 whether it ends a block of tied scores.
    let rows: Vec<u8> = (0..n).map(|i| order[i].1 | (((i + 1 == n || order[i + 1].0 != order[i].0) as u8) << 1)).collect();
    drop(order);
    let p = rows.iter().filter(|&&r| r & 1 == 1).count();
    let q = n - p;
    if p < 2 || q < 2 {
        return Err(Error::new("labels", format!("have {p} positives and {q} negatives; the AUC bootstrap resamples each class and needs at least 2 of each")));
    }
    let values = resample(o, n, |stream, counts| match o.sampling {
        Sampling::Multinomial => {
            // Units 0..P the positives, P..n the negatives, each class in score order.
            counts.draw(stream, &[p, q]);
            let (mut next_p, mut next_n) = (0, p);
            auc_pass(&rows, |i| {
                let positive = (rows[i] & 1) as usize;
                let c = counts.get(if positive == 1 { next_p } else { next_n });
                next_p += positive;
                next_n += 1 - positive;
                c
            })
        }
        Sampling::Poisson => auc_pass(&rows, |_| stream.poisson1() as u64),
    });
    let jackknife = || auc_jackknife(&rows, p as u64, q as u64);
    Ok(finish(estimate, values, jackknife, o))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{auc, gauc, Gain};

    fn options(resamples: usize, sampling: Sampling, method: Method) -> Options {
        Options { resamples, level: 0.95, seed: 20261201, sampling, method }
    }
    const M: MetricOptions = MetricOptions { weighting: "impressions", eps: 1e-15, gain: Gain::Linear, empty: EmptyQueries::Zero };

    /// A small log: labels, scores with ties.
    fn data(n: usize, shift: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut s = streams(seed, 1).remove(0);
        let u = |s: &mut Stream| (s.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let labels: Vec<f64> = (0..n).map(|_| (u(&mut s) < 0.4) as u8 as f64).collect();
        let scores = labels.iter().map(|&l| ((u(&mut s) + shift * l) * 20.0).round() / 20.0).collect();
        (labels, scores)
    }

    #[test]
    fn each_resample_equals_the_metric_on_its_rows() {
        // Multinomial resample b, materialised, through the one-shot functions.
        let (labels, scores) = data(300, 0.4, 1);
        let groups: Vec<u32> = (0..300).map(|i| (i % 23) as u32).collect();
        let o = options(5, Sampling::Multinomial, Method::Percentile);
        let auc_boot = bootstrap("auc", &labels, &scores, None, None, M, &o).unwrap();
        let y: Vec<u8> = labels.iter().map(|&l| l as u8).collect();
        assert_eq!(auc_boot.estimate, auc(&y, &scores, None).unwrap());
        // The same draws by hand: stream b, positives then negatives, in score order.
        let mut order: Vec<usize> = (0..300).collect();
        order.sort_by_key(|&i| (scores[i].key(), y[i]));
        let pos: Vec<usize> = order.iter().copied().filter(|&i| y[i] == 1).collect();
        let neg: Vec<usize> = order.iter().copied().filter(|&i| y[i] == 0).collect();
        for (b, mut s) in streams(o.seed, 5).into_iter().enumerate() {
            let mut w = vec![0.0; 300];
            for class in [&pos, &neg] {
                for _ in 0..class.len() {
                    w[class[s.below(class.len() as u64) as usize]] += 1.0;
                }
            }
            let want = auc(&y, &scores, Some(&w)).unwrap();
            assert!((auc_boot.values[b] - want).abs() < 1e-15, "resample {b}: {} vs {want}", auc_boot.values[b]);
        }
        // GAUC: group resample b through gauc with explicit group weights = counts × impressions.
        let g = bootstrap("gauc", &labels, &scores, Some(&groups), None, M, &o).unwrap();
        let per = gauc_per_group(&y, &scores, &groups).unwrap();
        for (b, mut s) in streams(o.seed, 5).into_iter().enumerate() {
            let mut counts = Counts::default();
            counts.draw(&mut s, &[per.groups.len()]);
            let weights: Vec<f64> = (0..per.groups.len()).map(|u| counts.get(u) as f64 * (per.positives[u] + per.negatives[u]) as f64).collect();
            let want = gauc(&y, &scores, &groups, GroupWeighting::Explicit { groups: &per.groups, weights: &weights }).unwrap().value;
            assert!((g.values[b] - want).abs() < 1e-14, "resample {b}: {} vs {want}", g.values[b]);
        }
    }

    #[test]
    fn counts_past_255_are_redrawn_wide_with_the_same_draws() {
        let mut c = Counts::default();
        // With bytes allowed up to 1, any unit drawn twice switches to u32 counts: the same
        // counts as bytes give when nothing passes the limit, and the stream moves on alike.
        let sizes = [40usize, 60];
        let (mut s, mut t) = (streams(1, 1).remove(0), streams(1, 1).remove(0));
        let mut bytes = Counts::default();
        c.draw_bytes_up_to(&mut s, &sizes, 1);
        bytes.draw(&mut t, &sizes);
        assert!(c.wide && !bytes.wide);
        assert!((0..100).all(|u| c.get(u) == bytes.get(u)));
        assert_eq!((0..40).map(|u| c.get(u)).sum::<u64>(), 40);
        assert_eq!(s.next_u64(), t.next_u64());
    }

    #[test]
    fn deterministic_bounded_and_percentile_as_numpy() {
        let (labels, scores) = data(500, 0.3, 2);
        for sampling in [Sampling::Multinomial, Sampling::Poisson] {
            for method in [Method::Percentile, Method::Bca] {
                let o = options(300, sampling, method);
                let a = bootstrap("auc", &labels, &scores, None, None, M, &o).unwrap();
                assert_eq!(a, bootstrap("auc", &labels, &scores, None, None, M, &o).unwrap());
                assert!(a.lower < a.estimate && a.estimate < a.upper, "{sampling:?} {method:?}: {a:?}");
                assert_eq!(a.used, 300);
            }
        }
        // np.percentile([1, 2, 3, 4], [2.5, 97.5]) = [1.075, 3.925].
        assert!((percentile(&[1.0, 2.0, 3.0, 4.0], 0.025) - 1.075).abs() < 1e-15);
        assert!((percentile(&[1.0, 2.0, 3.0, 4.0], 0.975) - 3.925).abs() < 1e-15);
    }

    #[test]
    fn jackknife_of_auc_equals_leaving_each_row_out() {
        let (labels, scores) = data(80, 0.3, 3);
        let y: Vec<u8> = labels.iter().map(|&l| l as u8).collect();
        let mut order: Vec<usize> = (0..80).collect();
        order.sort_by_key(|&i| (scores[i].key(), y[i]));
        let rows: Vec<u8> = (0..80).map(|r| y[order[r]] | (((r + 1 == 80 || scores[order[r + 1]] != scores[order[r]]) as u8) << 1)).collect();
        let p = y.iter().filter(|&&l| l == 1).count() as u64;
        let theta = auc_jackknife(&rows, p, 80 - p);
        for (r, &i) in order.iter().enumerate() {
            let mut w = vec![1.0; 80];
            w[i] = 0.0;
            let loo = auc(&y, &scores, Some(&w)).unwrap();
            assert!((theta[r] - loo).abs() < 1e-15, "row {i}: {} vs {loo}", theta[r]);
        }
        assert_eq!(auc_pass(&rows, |_| 1), auc(&y, &scores, None).unwrap());
    }

    #[test]
    fn coverage_of_the_true_auc_on_simulated_data() {
        // Scores N(0,1) for negatives and N(1,1) for positives: true AUC = Φ(1/√2).
        let truth = normal_cdf(1.0 / std::f64::consts::SQRT_2);
        let mut covered = 0;
        for d in 0..400u64 {
            let mut s = streams(1000 + d, 1).remove(0);
            let mut normal = || {
                let u1 = ((s.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
                let u2 = (s.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
            };
            let labels: Vec<f64> = (0..200).map(|i| (i % 2) as f64).collect();
            let scores: Vec<f64> = labels.iter().map(|&l| normal() + l).collect();
            let o = Options { resamples: 400, level: 0.95, seed: d, sampling: Sampling::Multinomial, method: Method::Percentile };
            let r = bootstrap("auc", &labels, &scores, None, None, M, &o).unwrap();
            covered += (r.lower <= truth && truth <= r.upper) as usize;
        }
        assert!((364..=392).contains(&covered), "covered {covered} of 400");
    }

    #[test]
    fn bad_input_is_an_error_naming_the_argument() {
        let (labels, scores) = data(50, 0.3, 4);
        let o = options(10, Sampling::Multinomial, Method::Percentile);
        let err = |m: &str, g: Option<&[u32]>, o: &Options| bootstrap(m, &labels, &scores, g, None, M, o).unwrap_err();
        assert_eq!(err("aucc", None, &o).arg, "metric");
        assert_eq!(err("ndcg@0", None, &o).arg, "metric");
        assert_eq!(err("gauc", None, &o).arg, "groups");
        assert_eq!(err("gauc", Some(&[3; 50]), &o).arg, "groups"); // one group: nothing to resample
        assert_eq!(err("auc", None, &Options { resamples: 0, ..o }).arg, "resamples");
        assert_eq!(err("auc", None, &Options { level: 1.0, ..o }).arg, "level");
        assert_eq!(bootstrap("auc", &labels[..10], &scores, None, None, M, &o).unwrap_err().arg, "scores");
    }
}

#[cfg(test)]
mod timing {
    use super::*;
    use crate::metrics::Gain;

    /// `cargo test --release -p reckit-core --lib bootstrap::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn thousand_resamples_of_a_million_rows() {
        let n = 1_000_000;
        let mut s = streams(9, 1).remove(0);
        let labels: Vec<f64> = (0..n).map(|_| (s.below(10) == 0) as u8 as f64).collect();
        let scores: Vec<f64> = labels.iter().map(|&l| s.below(1_000_000) as f64 / 1e6 * 0.7 + 0.3 * l).collect();
        let groups: Vec<u32> = (0..n).map(|_| s.below(10_000) as u32).collect();
        let m = MetricOptions { weighting: "impressions", eps: 1e-15, gain: Gain::Linear, empty: EmptyQueries::Zero };
        for (metric, g) in [("auc", None), ("gauc", Some(&groups[..])), ("ndcg@10", Some(&groups[..])), ("logLoss", None)] {
            for sampling in [Sampling::Multinomial, Sampling::Poisson] {
                let o = Options { resamples: 1000, level: 0.95, seed: 1, sampling, method: Method::Bca };
                let t = std::time::Instant::now();
                let r = bootstrap(metric, &labels, &scores, g, None, m, &o).unwrap();
                println!("{metric} {sampling:?}: {:.2} s  [{:.5}, {:.5}]", t.elapsed().as_secs_f64(), r.lower, r.upper);
            }
        }
    }
}

#[cfg(test)]
mod oracle {
    use super::*;
    use crate::metrics::Gain;
    use serde_json::Value;

    /// python/make_bootstrap_fixtures.py: the same streams in Python, each resample through
    /// scikit-learn, the intervals through NumPy and SciPy's BCa formulas.
    #[test]
    fn every_resample_and_interval_equals_the_python_oracle() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../../../ts/test/fixtures/bootstrap.json")).unwrap();
        let floats = |v: &Value| v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect::<Vec<f64>>();
        for c in &cases {
            let metric = c["metric"].as_str().unwrap();
            let labels = floats(&c["labels"]);
            let scores = floats(&c["scores"]);
            let groups: Option<Vec<u32>> = c.get("groups").map(|g| floats(g).iter().map(|&x| x as u32).collect());
            let weights = c.get("weights").map(floats);
            let sampling = if c["sampling"] == "poisson" { Sampling::Poisson } else { Sampling::Multinomial };
            let m = MetricOptions { weighting: "impressions", eps: 1e-15, gain: Gain::Linear, empty: EmptyQueries::Zero };
            for (method, key) in [(Method::Percentile, "percentile"), (Method::Bca, "bca")] {
                let o = Options { resamples: c["resamples"].as_u64().unwrap() as usize, level: 0.95, seed: c["seed"].as_u64().unwrap(), sampling, method };
                let r = bootstrap(metric, &labels, &scores, groups.as_deref(), weights.as_deref(), m, &o).unwrap();
                let close = |a: f64, b: f64, what: &str| assert!((a - b).abs() <= 1e-12, "{metric} {what}: {a} vs {b}");
                close(r.estimate, c["estimate"].as_f64().unwrap(), "estimate");
                for (b, (&got, want)) in r.values.iter().zip(floats(&c["values"])).enumerate() {
                    close(got, want, &format!("resample {b}"));
                }
                let bounds = floats(&c[key]);
                close(r.lower, bounds[0], key);
                close(r.upper, bounds[1], key);
                close(r.std_error, c["stdError"].as_f64().unwrap(), "stdError");
            }
        }
    }
}
