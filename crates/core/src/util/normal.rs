//! The standard normal distribution's two-sided tail and its quantile: the p-values and
//! confidence intervals of the normal approximations (DeLong's test).

use std::f64::consts::{PI, SQRT_2};

/// `P(|Z| ≥ |z|) = erfc(|z|/√2)` for a standard normal Z; NaN for NaN.
pub(crate) fn two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() / SQRT_2)
}

/// The z with `P(Z > z) = q`, for `q` in (0, 1) (the critical value of a two-sided interval of
/// level L is `upper_quantile((1 − L)/2)`).
///
/// Abramowitz & Stegun 26.2.23 (error < 4.5e-4) as the start, then Newton's method on
/// `ln Q(z) = ln q`, with `Q(z) = erfc(z/√2)/2` from libm (musl's erfc, within an ulp or so): in
/// logarithms the step stays well scaled deep in the tail. It stops when a step no longer
/// changes z beyond rounding.
pub(crate) fn upper_quantile(q: f64) -> f64 {
    debug_assert!(q > 0.0 && q < 1.0);
    if q > 0.5 {
        return -upper_quantile(1.0 - q);
    }
    let u = (-2.0 * q.ln()).sqrt();
    let mut z = u - (2.515517 + u * (0.802853 + u * 0.010328)) / (1.0 + u * (1.432788 + u * (0.189269 + u * 0.001308)));
    for _ in 0..50 {
        let tail = 0.5 * libm::erfc(z / SQRT_2);
        let density = (-0.5 * z * z).exp() / (2.0 * PI).sqrt();
        let step = (tail.ln() - q.ln()) * tail / density;
        z += step;
        if step.abs() <= 4.0 * f64::EPSILON * z.abs().max(1.0) {
            break;
        }
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_quantiles_and_tails() {
        // scipy.stats.norm.isf(q) for these q.
        for (q, z) in [(0.025, 1.9599639845400545), (0.005, 2.575829303548901), (0.05, 1.6448536269514729), (1e-10, 6.361340902404056), (0.5, 0.0)] {
            assert!((upper_quantile(q) - z).abs() <= 2e-15 * z.max(1.0), "q = {q}: {} vs {z}", upper_quantile(q));
        }
        assert!((upper_quantile(0.975) + 1.9599639845400545).abs() < 4e-15);
        // scipy.special.erfc(z / sqrt(2)).
        assert!((two_sided_p(1.9599639845400545) - 0.05).abs() < 1e-16);
        assert!((two_sided_p(-3.0) / 0.0026997960632601918 - 1.0).abs() < 1e-14);
        assert_eq!(two_sided_p(0.0), 1.0);
    }
}
