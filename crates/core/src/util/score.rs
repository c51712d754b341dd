//! Scores as order-preserving integer keys.
//!
//! The kernels never compare floats: a score becomes an unsigned key whose integer order is the
//! score's numeric order, so partitions and ties are exact bit-level decisions. f32 scores keep
//! their own precision (rounding f64 scores to f32 would create ties that are not in the data).

/// Scores of either precision, as the bindings pass them: kernels keep f32 inputs in f32.
#[derive(Clone, Copy)]
pub enum Scores<'a> {
    F32(&'a [f32]),
    F64(&'a [f64]),
}

/// Calls `$body` with `$s` bound to [`Scores`] as `&[f32]` or `&[f64]`.
#[macro_export]
macro_rules! with_scores {
    ($scores:expr, |$s:ident| $body:expr) => {
        match $scores {
            $crate::util::Scores::F32($s) => $body,
            $crate::util::Scores::F64($s) => $body,
        }
    };
}

pub trait Score: Copy + Send + Sync + 'static {
    /// Integer key with `a < b ⇔ key(a) < key(b)` and `a == b ⇔ key(a) == key(b)` for finite
    /// scores; −0.0 and +0.0 get the same key because they are equal scores.
    fn key(self) -> u64;
    fn is_finite(self) -> bool;
    /// The score widened to f64 (exact for f32).
    fn to_f64(self) -> f64;
    /// The score whose key is `key`, widened to f64 (exact for f32).
    fn from_key(key: u64) -> f64;
    /// `x` rounded to this precision (gradients go back in the predictions' precision).
    fn from_f64(x: f64) -> Self;
    const ZERO: Self;
}

impl Score for f32 {
    #[inline(always)]
    fn key(self) -> u64 {
        let bits = (self + 0.0).to_bits(); // −0.0 + 0.0 = +0.0
        (if bits >> 31 == 1 { !bits } else { bits | 1 << 31 }) as u64
    }
    #[inline(always)]
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
    const ZERO: f32 = 0.0;
    fn from_key(key: u64) -> f64 {
        let k = key as u32;
        f32::from_bits(if k >> 31 == 1 { k & !(1 << 31) } else { !k }) as f64
    }
}

impl Score for f64 {
    #[inline(always)]
    fn key(self) -> u64 {
        let bits = (self + 0.0).to_bits();
        if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        }
    }
    #[inline(always)]
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_f64(x: f64) -> f64 {
        x
    }
    const ZERO: f64 = 0.0;
    fn from_key(key: u64) -> f64 {
        f64::from_bits(if key >> 63 == 1 { key & !(1 << 63) } else { !key })
    }
}

#[cfg(test)]
mod tests {
    use super::Score;

    #[test]
    fn keys_preserve_order_and_equality() {
        let xs = [-1e300, -2.5, -1e-300, -0.0, 0.0, 1e-300, 0.5, 1.0, 3e200];
        for w in xs.windows(2) {
            if w[0] == w[1] {
                assert_eq!(w[0].key(), w[1].key());
            } else {
                assert!(w[0].key() < w[1].key(), "{} {}", w[0], w[1]);
            }
        }
        let ys: [f32; 6] = [-3.0, -1e-30, -0.0, 0.0, 1e-30, 7.0];
        for w in ys.windows(2) {
            assert!(w[0].key() <= w[1].key());
            assert_eq!(w[0] == w[1], w[0].key() == w[1].key());
        }
        for x in xs {
            assert_eq!(f64::from_key(x.key()), x + 0.0);
        }
        for y in ys {
            assert_eq!(f32::from_key(y.key()), (y + 0.0) as f64);
        }
    }
}
