//! What the tests' p-values are made of, each evaluated the way scipy 1.17.1 evaluates it:
//! NumPy's summation order (for means and variances that round as scipy's), the normal and
//! Student-t two-sided tails.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// Σx in NumPy's order (`np.sum` / `np.mean` of a contiguous f64 array): blocks of 8192
/// elements (the ufunc buffer) added in turn, each summed pairwise as NumPy's `pairwise_sum`
/// does (below 8 elements a plain loop; up to 128, eight accumulators; above, two halves split
/// at a multiple of 8). Checked bit for bit against `np.sum`; with it scipy's `ttest_rel`
/// statistic is reproduced to the last bit, degenerate inputs included.
pub(super) fn numpy_sum(x: &[f64]) -> f64 {
    x.chunks(8192).fold(0.0, |acc, block| acc + pairwise(block))
}

fn pairwise(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 8 {
        return x.iter().fold(0.0, |r, &v| r + v);
    }
    if n > 128 {
        let half = n / 2 - (n / 2) % 8;
        return pairwise(&x[..half]) + pairwise(&x[half..]);
    }
    let full = n - n % 8;
    let mut r = [0.0; 8];
    r.copy_from_slice(&x[..8]);
    for eight in x[8..full].chunks_exact(8) {
        for (acc, &v) in r.iter_mut().zip(eight) {
            *acc += v;
        }
    }
    let head = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    x[full..].iter().fold(head, |s, &v| s + v)
}

/// `P(|Z| ≥ |z|)` for a standard normal Z, as scipy's `2·ndtr(−|z|)`: with `x = −|z|/√2`,
/// `½ + ½·erf(x)` when |x| < 1/√2, else `½·erfc(|x|)` (the branch of Cephes' `ndtr`, which scipy
/// uses). erf and erfc are musl's (the `libm` crate), within an ulp. NaN gives NaN.
pub(super) fn normal_two_sided(z: f64) -> f64 {
    let x = -z.abs() * FRAC_1_SQRT_2;
    let half = if x.abs() < FRAC_1_SQRT_2 { 0.5 + 0.5 * libm::erf(x) } else { 0.5 * libm::erfc(-x) };
    2.0 * half
}

/// `P(|T| ≥ |t|)` for Student's t with `df > 0` degrees of freedom: scipy's `2·stdtr(df, −|t|)`.
///
/// It is the regularized incomplete beta function `I_x(a, ½)` with `a = df/2`, `x = df/(df + t²)`,
/// evaluated by its continued fraction (Numerical Recipes, 3rd ed., §6.4; modified Lentz) on
/// whichever side, `I_x(a, ½)` or `1 − I_y(½, a)`, converges fast, or for df ≥ 30 and x ≥ 0.7 by
/// BGRAT (below). Against mpmath it is within 2e-14 relative, 1e-13 in the far tails (p < 1e-60,
/// where rounding of the exponent ~ln p dominates). What keeps it there, where a textbook
/// version loses digits:
/// - `y = 1 − x = t²/(df + t²)` is computed from t directly, never by subtraction, and `ln x =
///   −ln(1 + t²/df)` with `log1p` (for t² ≪ df a subtracted `1 − x` has no correct digits left);
/// - `ln B(a, ½)` comes from `Γ(a + ½)/Γ(a)` by its asymptotic series, not as a difference of
///   three log-gammas of order `a·ln a` (at df = 10⁴ that difference alone costs ~1e-11);
/// - past `t² > df` everything is written in `r = df/t²`, so huge t does not overflow.
pub(super) fn student_t_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() || !(df > 0.0) {
        return f64::NAN;
    }
    let t = t.abs();
    if t == f64::INFINITY {
        return 0.0;
    }
    let t2 = t * t;
    if t2 == 0.0 {
        return 1.0; // t below 1e-154: 1 − O(t) rounds to 1
    }
    let (x, y, ln_x, ln_y) = if t2 <= df {
        let s = df + t2;
        (df / s, t2 / s, -libm::log1p(t2 / df), (t2 / s).ln())
    } else {
        let q = df.sqrt() / t;
        let r = q * q;
        let l = libm::log1p(r);
        (r / (1.0 + r), 1.0 / (1.0 + r), 2.0 * q.ln() - l, -l)
    };
    let a = 0.5 * df;
    let ln_ratio = ln_gamma_ratio_half(a);
    // ln(x^a · y^½ / B(a, ½)), B(a, ½) = √π·Γ(a)/Γ(a + ½).
    let ln_front = a * ln_x + 0.5 * ln_y - 0.5 * PI.ln() + ln_ratio;
    let p = if a >= 15.0 && x >= 0.7 {
        ibeta_half_large_a(a, ln_x, ln_ratio)
    } else if x < (a + 1.0) / (a + 2.5) {
        ln_front.exp() * beta_cf(a, 0.5, x) / a
    } else {
        1.0 - ln_front.exp() * beta_cf(0.5, a, y) / 0.5
    };
    p.clamp(0.0, 1.0)
}

/// The t with `P(|T| ≥ t) = alpha` for Student's t with `df` degrees of freedom: the critical
/// value of a two-sided interval of level `1 − alpha`. Bisection on [`student_t_two_sided`]
/// (decreasing in t) to the last bit: slow next to a closed form, but called once per interval.
pub(super) fn student_t_critical(alpha: f64, df: f64) -> f64 {
    if !(alpha > 0.0 && alpha < 1.0) || !(df > 0.0) {
        return f64::NAN;
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while student_t_two_sided(hi, df) > alpha {
        hi *= 2.0;
        if hi > 1e300 {
            return f64::INFINITY;
        }
    }
    for _ in 0..2000 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if student_t_two_sided(mid, df) > alpha { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// `I_x(a, ½)` for large a and x near 1 by DiDonato & Morris's BGRAT (1992, "Algorithm 708",
/// eq. 9–9.6; Boost's `beta_small_b_large_a_series`): an expansion in `u = −(a − ¼)·ln x` whose
/// terms are incomplete gamma functions of order ½, i.e. `erfc`. The continued fraction is
/// ill-conditioned there: its partial numerators approach −1 and each step cancels to
/// `1 − x` (at df = 10⁵, t = 3.8, it loses 1e-12); this series has no such cancellation.
/// `h` and `J_n` of the paper are carried as `K_n = h·J_n` so that nothing overflows where
/// `h = u^½·e^{−u}/√π` underflows.
fn ibeta_half_large_a(a: f64, ln_x: f64, ln_ratio: f64) -> f64 {
    const B: f64 = 0.5;
    let t = a + (B - 1.0) / 2.0;
    let u = -t * ln_x;
    let h = (B * u.ln() - u - 0.5 * PI.ln()).exp();
    let mut k = libm::erfc(u.sqrt()); // Q(½, u) = h·J_0
    let mut sum = k;
    let mut fact = [1.0f64; 62];
    for i in 1..62 {
        fact[i] = fact[i - 1] * i as f64;
    }
    let (mut p, lx2) = ([0.0f64; 30], (0.5 * ln_x) * (0.5 * ln_x));
    p[0] = 1.0;
    let (mut lxp, mut b2n, t4) = (1.0, B, 4.0 * t * t);
    for n in 1..30 {
        let mut pn = 0.0;
        for m in 1..n {
            pn += (m as f64 * B - n as f64) * p[n - m] / fact[2 * m + 1];
        }
        p[n] = pn / n as f64 + (B - 1.0) / fact[2 * n + 1];
        k = (b2n * (b2n + 1.0) * k + (u + b2n + 1.0) * lxp * h) / t4;
        lxp *= lx2;
        b2n += 2.0;
        let term = p[n] * k;
        sum += term;
        if term.abs() <= f64::EPSILON * sum.abs() {
            break;
        }
    }
    // prefix/h = Γ(a + ½)/Γ(a)/t^½.
    sum * (ln_ratio - B * t.ln()).exp()
}

/// `ln(Γ(a + ½)/Γ(a))` for a > 0. For a ≥ 10, `½·ln a + Σ c_k/a^k` with `c_{n−1} =
/// (2^{1−n} − 2)·B_n/(n(n−1))` over even n (B_n Bernoulli numbers; from the Stirling series of
/// ln Γ(a + h) − ln Γ(a) at h = ½, where the odd terms vanish); seven terms leave < 1e-16 at
/// a = 10. Below 10, `Γ(a + ½)/Γ(a) = Γ(a + k + ½)/Γ(a + k) · Π_j (a + j)/(a + j + ½)`.
fn ln_gamma_ratio_half(a: f64) -> f64 {
    const C: [f64; 7] =
        [-1.0 / 8.0, 1.0 / 192.0, -1.0 / 640.0, 17.0 / 14336.0, -31.0 / 18432.0, 691.0 / 180224.0, -5461.0 / 425984.0];
    let (mut a, mut shift) = (a, 1.0);
    while a < 10.0 {
        shift *= a / (a + 0.5);
        a += 1.0;
    }
    let (inv, inv2) = (1.0 / a, 1.0 / (a * a));
    let series = C.iter().rev().fold(0.0, |acc, &c| acc * inv2 + c) * inv;
    0.5 * a.ln() + series + shift.ln()
}

/// The continued fraction of `I_x(a, b)·a·B(a, b)/(x^a·(1 − x)^b)`, Numerical Recipes' `betacf`
/// (modified Lentz), iterated until a step changes it by at most one ulp.
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - qab * x / qap);
    let mut h = d;
    // Converges in O(√max(a, b)) steps on this side of the mean; the cap only stops a NaN loop.
    for m in 1..=1_000_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() <= f64::EPSILON || step.is_nan() {
            break;
        }
    }
    h
}
