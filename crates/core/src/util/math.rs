//! Scalar and vectorisable math shared by the losses and ops.

// The f64 functions below are straight-line arithmetic and selects, so loops over them
// vectorise (std's `exp`/`ln` are library calls that do not): 4 lanes with AVX2, 2 with
// simd128. Each is within a few ulp of the correctly rounded result (tested against std).

const LN2_HI: f64 = 6.931_471_803_691_238_2e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// 1.5·2⁵²: adding it leaves a small integer in a double's low mantissa bits.
const MAGIC: f64 = 6_755_399_441_055_744.0;

/// `eˣ`: Cody–Waite reduction to |r| ≤ ln2/2 and the Taylor series to r¹³ (truncation
/// < 1e-17 relative). 0 below −708 (where eˣ is subnormal), +∞ above 709.
#[inline(always)]
pub(crate) fn exp(x: f64) -> f64 {
    let xc = x.clamp(-708.0, 709.0);
    // n = round(x/ln2) without a rounding instruction: adding MAGIC rounds to an integer.
    let t = xc * std::f64::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    let r = xc - n * LN2_HI - n * LN2_LO;
    let p = estrin(r, &INV_FACTORIAL);
    // 2ⁿ from bits: t's low mantissa bits hold n (two's complement), so adding the bias and
    // shifting leaves exactly the exponent field n + 1023.
    let scale = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
    let y = p * scale;
    if x < -708.0 { 0.0 } else if x > 709.0 { f64::INFINITY } else { y }
}

const INV_FACTORIAL: [f64; 14] = [
    1.0, 1.0, 0.5, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 720.0, 1.0 / 5040.0, 1.0 / 40_320.0,
    1.0 / 362_880.0, 1.0 / 3_628_800.0, 1.0 / 39_916_800.0, 1.0 / 479_001_600.0, 1.0 / 6_227_020_800.0,
];

/// `Σ c_k·x^k` by Estrin's scheme: pairs, then powers x², x⁴, x⁸, so the dependency chain is
/// 5 steps instead of Horner's 13 (scalar loops were latency-bound on it, ~4× slower).
#[inline(always)]
fn estrin<const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let c = |k: usize| if k < N { c[k] } else { 0.0 };
    let (x2, pair) = (x * x, |k: usize| c(k) + c(k + 1) * x);
    let (x4, quad) = (x2 * x2, |k: usize| pair(k) + pair(k + 2) * x2);
    let oct = |k: usize| quad(k) + quad(k + 4) * x4;
    oct(0) + oct(8) * (x4 * x4)
}

/// 1/(2k + 1): constants, so no division is left in the loop when it is not unrolled.
const INV_ODD: [f64; 11] = [
    1.0, 1.0 / 3.0, 1.0 / 5.0, 1.0 / 7.0, 1.0 / 9.0, 1.0 / 11.0, 1.0 / 13.0, 1.0 / 15.0, 1.0 / 17.0, 1.0 / 19.0, 1.0 / 21.0,
];

/// `ln x` for x ≥ 0: x = m·2ᵉ with m ∈ [√½, √2), ln m = 2·atanh(s), s = (m − 1)/(m + 1),
/// |s| ≤ 0.172, by its series to s²¹ (truncation < 1e-17). Subnormals are scaled first;
/// `ln 0 = −∞`.
#[inline(always)]
pub(crate) fn ln(x: f64) -> f64 {
    let tiny = x < f64::MIN_POSITIVE;
    let xs = if tiny { x * 18_014_398_509_481_984.0 } else { x }; // 2⁵⁴
    let bits = xs.to_bits();
    let mut e = f64::from_bits((bits >> 52) | 0x4330_0000_0000_0000) - (4_503_599_627_370_496.0 + 1023.0);
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let big = m > std::f64::consts::SQRT_2;
    m = if big { m * 0.5 } else { m };
    e += if big { 1.0 } else { 0.0 } - if tiny { 54.0 } else { 0.0 };
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let p = estrin(s2, &INV_ODD);
    let y = e * LN2_HI + (2.0 * s * p + e * LN2_LO);
    if x == 0.0 { f64::NEG_INFINITY } else { y }
}

/// `ln(1 + x)` for x ≥ 0, accurate for tiny x: `ln(u)·x/(u − 1)` with `u = 1 + x` cancels the
/// rounding of `u` (Goldberg 1991, "What every computer scientist should know…", thm. 4).
#[inline(always)]
pub(crate) fn ln_1p(x: f64) -> f64 {
    let u = 1.0 + x;
    if u == 1.0 { x } else { ln(u) * (x / (u - 1.0)) }
}

/// `xʸ` for x ≥ 0 as `e^(y·ln x)` (vectorises; std's `powf` is a library call), with `0⁰ = 1`
/// and `0ʸ = 0` for y > 0.
#[inline(always)]
pub(crate) fn pow(x: f64, y: f64) -> f64 {
    if x == 0.0 { if y == 0.0 { 1.0 } else { 0.0 } } else { exp(y * ln(x)) }
}

/// `ln(1 + eˣ)` without overflow or cancellation: `max(x, 0) + ln(1 + e^−|x|)`.
#[inline(always)]
pub(crate) fn softplus(x: f64) -> f64 {
    x.max(0.0) + ln_1p(exp(-x.abs()))
}

/// `1 / (1 + e^−x)`, exact to the last bit at both tails (no `1 − tiny` cancellation).
#[inline(always)]
pub(crate) fn sigmoid(x: f64) -> f64 {
    let e = exp(-x.abs());
    if x >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) }
}

/// `Σ f(x)` over four interleaved lanes, folded at the end: vectorises where one running sum
/// cannot (the compiler may not reorder float additions), in an order fixed by the code.
/// Iterating chunks (not indices) leaves no bounds checks in the loop.
#[inline(always)]
pub(crate) fn lanes_sum_by<T: Copy>(xs: &[T], f: impl Fn(T) -> f64) -> f64 {
    lanes_sum_zip(xs, xs, |x, _| f(x))
}

/// `Σ f(a_j, b_j)` over the common length, as [`lanes_sum_by`]: `f` fills a stack block in a
/// plain map loop (which vectorises; mapping inside the four-lane sum did not, 2.5× slower),
/// then the block is summed in four lanes.
#[inline(always)]
pub(crate) fn lanes_sum_zip<A: Copy, B: Copy>(a: &[A], b: &[B], f: impl Fn(A, B) -> f64) -> f64 {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let (mut acc, mut block) = ([0.0f64; 4], [0.0f64; BLOCK]);
    for start in (0..n).step_by(BLOCK) {
        let m = BLOCK.min(n - start);
        for ((o, &x), &y) in block[..m].iter_mut().zip(&a[start..start + m]).zip(&b[start..start + m]) {
            *o = f(x, y);
        }
        let lanes = block[..m].chunks_exact(4);
        let rest: f64 = lanes.remainder().iter().sum();
        for c in lanes {
            for l in 0..4 {
                acc[l] += c[l];
            }
        }
        acc[0] += rest;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// `eˣ` in f32 as straight-line arithmetic (Cody–Waite reduction and Cephes' degree-5
/// polynomial, within 2 ulp), so loops over it vectorise: `std`'s `expf` is a library call
/// that does not. Inputs are clamped to the range whose result is a normal float: below
/// −87.3 it returns ~1.2e-38 instead of a denormal or 0.
#[inline(always)]
pub(crate) fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const MAGIC: f32 = 12_582_912.0; // 1.5·2²³: adding it rounds to an integer
    let x = x.clamp(-87.336_54, 88.376_26);
    let t = x * LOG2E + MAGIC;
    let n = t - MAGIC;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 1.666_666_5e-1) * r
        + 5.000_000_1e-1;
    let y = p * (r * r) + r + 1.0;
    // The clamp bounds n to [−126, 127]: t's low bits hold n, so this is the exponent n + 127.
    y * f32::from_bits(t.to_bits().wrapping_add(127) << 23)
}

/// `tanh x` in f32 from [`exp_f32`]: `sign(x)·(1 − e)/(1 + e)` with `e = e^(−2|x|)`, so it
/// vectorises and never overflows. Near 0 the subtraction loses relative (not absolute)
/// precision: within 1e-7 absolute everywhere, which is f32's resolution at tanh's scale.
#[inline(always)]
pub(crate) fn tanh_f32(x: f32) -> f32 {
    let e = exp_f32(-2.0 * x.abs());
    ((1.0 - e) / (1.0 + e)).copysign(x)
}

/// `1 / (1 + e^−x)` in f32.
#[inline(always)]
pub(crate) fn sigmoid_f32(x: f32) -> f32 {
    1.0 / (1.0 + exp_f32(-x))
}

/// Sums of eight interleaved lanes, folded at the end: the loop vectorises (a single running
/// f32 sum cannot be reordered by the compiler) and is more accurate than one running sum.
#[inline(always)]
pub(crate) fn lanes_sum(xs: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [0.0f32; 8];
    let chunks = xs.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for j in 0..8 {
            acc[j] += f(c[j]);
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for &x in tail {
        s += f(x);
    }
    s
}

/// Maximum over eight lanes (vectorises, unlike a fold over `f32::max`).
#[inline(always)]
pub(crate) fn lanes_max(xs: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; 8];
    let chunks = xs.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for j in 0..8 {
            acc[j] = if c[j] > acc[j] { c[j] } else { acc[j] };
        }
    }
    acc.iter().chain(tail).fold(f32::NEG_INFINITY, |m, &x| if x > m { x } else { m })
}

#[cfg(test)]
mod tests {
    /// Relative error of `got` against std's (correctly rounded or within 1 ulp) value.
    fn rel(got: f64, want: f64) -> f64 {
        if got == want { 0.0 } else { ((got - want) / want).abs() }
    }

    #[test]
    fn f64_functions_match_std() {
        let mut worst = [0.0f64; 3];
        let mut x = -707.9;
        while x < 709.0 {
            worst[0] = worst[0].max(rel(super::exp(x), x.exp()));
            x += 0.0173;
        }
        for k in -1074..1024 {
            for f in [1.0, 1.1, 1.37, 1.414, 1.42, 1.9] {
                let x = f * 2f64.powi(k);
                if x.is_finite() && x > 0.0 {
                    worst[1] = worst[1].max(rel(super::ln(x), x.ln()).min(if x.ln() == 0.0 { super::ln(x).abs() } else { 1.0 }));
                }
            }
        }
        for k in -60..1 {
            for f in [1.0, 1.3, 1.7] {
                let x = f * 2f64.powi(k);
                worst[2] = worst[2].max(rel(super::ln_1p(x), x.ln_1p()));
            }
        }
        assert!(worst.iter().all(|&w| w < 1e-15), "worst relative errors exp/ln/ln_1p: {worst:?}");
        assert_eq!(super::exp(-1e4), 0.0);
        assert_eq!(super::exp(0.0), 1.0);
        assert_eq!(super::ln(0.0), f64::NEG_INFINITY);
        assert_eq!(super::ln(1.0), 0.0);
        assert_eq!(super::softplus(-1e4), 0.0);
        assert_eq!(super::softplus(1e4), 1e4);
        assert_eq!((super::sigmoid(1e4), super::sigmoid(-1e4)), (1.0, 0.0));
        for (x, y) in [(0.3, 2.0), (0.999, 1.5), (1e-9, 0.5), (0.5, 0.0)] {
            assert!(rel(super::pow(x, y), f64::powf(x, y)) < 1e-14, "pow({x}, {y})");
        }
        assert_eq!((super::pow(0.0, 2.0), super::pow(0.0, 0.0)), (0.0, 1.0));
    }

    #[test]
    fn exp_f32_is_within_two_ulp() {
        let mut x = -87.0f32;
        while x < 88.0 {
            let (got, want) = (super::exp_f32(x) as f64, (x as f64).exp());
            assert!(((got - want) / want).abs() < 2.5e-7, "exp({x}) = {got}, want {want}");
            x += 0.0137;
        }
        assert!(super::exp_f32(-1e4) < 1.3e-38 && super::exp_f32(1e4).is_finite());
    }
}
