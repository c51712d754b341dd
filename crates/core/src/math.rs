//! Scalar and vectorisable math shared by the losses and ops.

/// `ln(1 + eˣ)` without overflow or cancellation: `max(x, 0) + ln(1 + e^−|x|)`.
#[inline]
pub(crate) fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// `1 / (1 + e^−x)`, exact to the last bit at both tails (no `1 − tiny` cancellation).
#[inline]
pub(crate) fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
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
    let x = x.clamp(-87.336_54, 88.376_26);
    let n = (x * LOG2E + 0.5).floor();
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 1.666_666_5e-1) * r
        + 5.000_000_1e-1;
    let y = p * (r * r) + r + 1.0;
    // SAFETY: the clamp bounds n to [−126, 127], so the cast is in range and 2ⁿ is normal.
    let n: i32 = unsafe { n.to_int_unchecked() };
    y * f32::from_bits(((n + 127) as u32) << 23)
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
