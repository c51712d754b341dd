//! Input checks shared by the kernels. Each runs as one branch-free, vectorised pass (compiled
//! for AVX-512 / AVX2 / simd128 and picked at run time); only when it finds a problem does a
//! second, scalar pass locate the first offending index for the error message.

use crate::util::{par, Score};

use crate::{Error, Result};
use multiversion::multiversion;

pub(crate) fn same_length(arg: &'static str, len: usize, expected: usize) -> Result<()> {
    same_length_as(arg, len, expected, "the length of labels")
}

/// `len == expected`, else an error saying what `expected` is.
pub(crate) fn same_length_as(arg: &'static str, len: usize, expected: usize, of: &str) -> Result<()> {
    if len != expected {
        return Err(Error::new(arg, format!("has length {len}, expected {expected} ({of})")));
    }
    Ok(())
}

/// Labels are 0 or 1.
pub(crate) fn labels(labels: &[u8]) -> Result<()> {
    let any = par::map_reduce(labels.len(), |a, b| or_all(&labels[a..b]), |x, y| x | y);
    if any > 1 {
        let i = labels.iter().position(|&l| l > 1).expect("a label above 1");
        return Err(Error::new("labels", format!("labels[{i}] is {}; labels must be 0 or 1", labels[i])));
    }
    Ok(())
}

/// Scores are finite (NaN and ±Inf have no place in a ranking). Returns the range of their
/// keys, computed in the same pass because the AUC kernel needs it next.
pub(crate) fn scores<S: Score>(scores: &[S]) -> Result<(u64, u64)> {
    let (bad, lo, hi) = par::map_reduce(
        scores.len(),
        |a, b| scan_scores(&scores[a..b]),
        |x, y| (x.0 + y.0, x.1.min(y.1), x.2.max(y.2)),
    );
    if bad > 0 {
        let i = scores.iter().position(|s| !s.is_finite()).expect("a non-finite score");
        return Err(Error::new("scores", format!("scores[{i}] is not finite; scores must be finite numbers")));
    }
    Ok((lo, hi))
}

/// Weights are finite and non-negative.
pub(crate) fn weights(arg: &'static str, weights: &[f64]) -> Result<()> {
    finite_non_negative(arg, weights, "weights")
}

/// A power of two that brings the largest weight to [1, 2). Metrics that are ratios of weighted
/// sums (AUC, the curves, log loss) multiply every weight by it, exactly (a power of two), so
/// finite weights such as 1e308 (whose products and sums overflow) or 1e-320 (whose products
/// underflow to 0) give the same value as weights near 1 instead of NaN.
pub(crate) fn weight_scale(weights: &[f64]) -> f64 {
    let max = par::map_reduce(weights.len(), |a, b| weights[a..b].iter().fold(0.0f64, |m, &w| m.max(w)), f64::max);
    if max == 0.0 || !max.is_finite() {
        return 1.0;
    }
    // Clamped so the factor itself is a normal number; 2^±1000 is enough for any finite max.
    2f64.powi(-(max.log2().floor() as i32).clamp(-1000, 1000))
}

/// Relevance grades (the ranking metrics' labels) are finite and non-negative.
pub(crate) fn relevance(rel: &[f64]) -> Result<()> {
    finite_non_negative("labels", rel, "relevance")
}

fn finite_non_negative(arg: &'static str, xs: &[f64], what: &str) -> Result<()> {
    all(arg, xs, &format!("{what} must be finite and >= 0"), |w| w.is_finite() && w >= 0.0)
}

/// Every element passes `ok`; otherwise an error `"<arg>[i] is <value>; <rule>"` naming the
/// first that does not.
pub(crate) fn all<T: Score>(arg: &'static str, xs: &[T], rule: &str, ok: impl Fn(f64) -> bool + Sync + Send) -> Result<()> {
    let bad = par::map_reduce(xs.len(), |a, b| count_failing(&xs[a..b], &ok), |x, y| x + y);
    if bad > 0 {
        let i = xs.iter().position(|x| !ok(x.to_f64())).expect("a failing element");
        return Err(Error::new(arg, format!("{arg}[{i}] is {}; {rule}", xs[i].to_f64())));
    }
    Ok(())
}

/// Every element is finite (inputs of losses and ops: a NaN would poison every result).
pub(crate) fn finite<T: Score>(arg: &'static str, xs: &[T]) -> Result<()> {
    all(arg, xs, "values must be finite numbers", f64::is_finite)
}

/// Every element is in [0, 1] (probabilities, soft targets).
pub(crate) fn in_unit<T: Score>(arg: &'static str, xs: &[T], what: &str) -> Result<()> {
    all(arg, xs, &format!("{what} must be in [0, 1]"), |x| (0.0..=1.0).contains(&x))
}

/// A scalar option that must be finite.
pub(crate) fn finite_param(arg: &'static str, x: f64) -> Result<()> {
    if !x.is_finite() {
        return Err(Error::new(arg, format!("is {x}; it must be finite")));
    }
    Ok(())
}

/// A scalar option that must be finite and ≥ 0.
pub(crate) fn non_negative_param(arg: &'static str, x: f64) -> Result<()> {
    if !(x.is_finite() && x >= 0.0) {
        return Err(Error::new(arg, format!("is {x}; it must be a finite number >= 0")));
    }
    Ok(())
}

/// A scalar option that must be finite and > 0.
pub(crate) fn positive_param(arg: &'static str, x: f64) -> Result<()> {
    if !(x.is_finite() && x > 0.0) {
        return Err(Error::new(arg, format!("is {x}; it must be a finite number > 0")));
    }
    Ok(())
}

/// A probability clip `eps` in [0, 0.5), so that [eps, 1 − eps] is not empty.
pub(crate) fn eps(x: f64) -> Result<()> {
    if !(0.0..0.5).contains(&x) {
        return Err(Error::new("eps", format!("is {x}; it must be in [0, 0.5)")));
    }
    Ok(())
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn or_all(xs: &[u8]) -> u8 {
    xs.iter().fold(0, |acc, &x| acc | x)
}

/// (non-finite count, min key, max key).
#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn scan_scores<S: Score>(xs: &[S]) -> (usize, u64, u64) {
    xs.iter().fold((0, u64::MAX, 0), |(bad, lo, hi), x| {
        let k = x.key();
        (bad + !x.is_finite() as usize, lo.min(k), hi.max(k))
    })
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn count_failing<T: Score, F: Fn(f64) -> bool>(xs: &[T], ok: F) -> usize {
    xs.iter().map(|x| !ok(x.to_f64()) as usize).sum()
}
