//! Random streams for resampling that are the same on every platform, thread count and
//! release: xoshiro256++ (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
//! generators"; the `rand_xoshiro` crate), seeded from the caller's seed by SplitMix64 (as
//! `seed_from_u64` defines it). Stream `b` (resample `b`) starts `b` jumps of 2^128 steps after
//! stream 0, so streams never overlap and each is fixed by (seed, b) alone: resamples can run
//! on any thread in any order.
//!
//! The integer → distribution maps are written here, not taken from `rand`, whose documentation
//! allows its samplers' outputs to change between versions.

use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

#[derive(Clone)]
pub(crate) struct Stream {
    rng: Xoshiro256PlusPlus,
    /// The low half of the last output, when `poisson1` has used only its high half.
    spare: Option<u32>,
}

/// The starting states of streams `0..count` for `seed`.
pub(crate) fn streams(seed: u64, count: usize) -> Vec<Stream> {
    let mut state = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let rng = state.clone();
            state.jump();
            Stream { rng, spare: None }
        })
        .collect()
}

impl Stream {
    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Uniform in `0..range` (`range ≥ 1`), exactly: Lemire (2019), "Fast random integer
    /// generation in an interval", with its rejection step.
    #[inline]
    pub(crate) fn below(&mut self, range: u64) -> u64 {
        let mut m = self.next_u64() as u128 * range as u128;
        if (m as u64) < range {
            let threshold = range.wrapping_neg() % range;
            while (m as u64) < threshold {
                m = self.next_u64() as u128 * range as u128;
            }
        }
        (m >> 64) as u64
    }

    /// A Poisson(1) count by inversion: the number of cumulative probabilities `P(X ≤ k)`,
    /// k = 0, 1, …, at or below a uniform 32-bit draw (as a fraction of 2^32; each output gives
    /// two draws, high half first). The probabilities are those of Poisson(1) cut to 32 bits.
    #[inline]
    pub(crate) fn poisson1(&mut self) -> u32 {
        let u = match self.spare.take() {
            Some(low) => low,
            None => {
                let x = self.next_u64();
                self.spare = Some(x as u32);
                (x >> 32) as u32
            }
        };
        // Branch-free over the first 8 entries (P(X ≥ 8) ≈ 1e-5), then the rare tail.
        let mut k: u32 = POISSON1[..8].iter().map(|&t| (u >= t) as u32).sum();
        if k == 8 {
            while (k as usize) < POISSON1.len() && u >= POISSON1[k as usize] {
                k += 1;
            }
        }
        k
    }
}

/// `⌊P(X ≤ k)·2^32⌋` for X ~ Poisson(1), k = 0..12 (from k = 12 on the cut value is 2^32 − 1:
/// a draw of 2^32 − 1 counts 13).
const POISSON1: [u32; 13] = poisson1_table();

const fn poisson1_table() -> [u32; 13] {
    // e^-1 / k!, summed in u128 fixed point with 120 fractional bits, then cut to 64 (the
    // tests check the table against f64 sums).
    const E_INV: u128 = 488_995_652_278_791_141_083_010_649_602_151_673; // e^-1 · 2^120, rounded
    let mut table = [0u32; 13];
    let mut term = E_INV;
    let mut sum = 0u128;
    let mut k = 0;
    while k < 13 {
        sum += term;
        let v = sum >> 88;
        table[k] = if v >= (1u128 << 32) { u32::MAX } else { v as u32 };
        term /= (k as u128) + 1;
        k += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_fixed_by_seed_and_index() {
        let a: Vec<u64> = streams(42, 3).iter_mut().map(|s| s.next_u64()).collect();
        let b: Vec<u64> = streams(42, 3).iter_mut().map(|s| s.next_u64()).collect();
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
        // The first output of seed_from_u64(0), from the xoshiro256++ reference with SplitMix64 seeding.
        let mut s = streams(0, 1).remove(0);
        let first = s.next_u64();
        assert_eq!(first, Xoshiro256PlusPlus::seed_from_u64(0).next_u64());
    }

    #[test]
    fn bounded_and_poisson_draws_have_their_distributions() {
        let mut s = streams(7, 1).remove(0);
        let n = 200_000;
        let mut counts = [0u32; 7];
        for _ in 0..n {
            counts[s.below(7) as usize] += 1;
        }
        for c in counts {
            assert!((c as f64 / n as f64 - 1.0 / 7.0).abs() < 0.004, "{counts:?}");
        }
        let draws: Vec<u32> = (0..n).map(|_| s.poisson1()).collect();
        let mean = draws.iter().map(|&k| k as f64).sum::<f64>() / n as f64;
        let var = draws.iter().map(|&k| (k as f64 - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.01 && (var - 1.0).abs() < 0.02, "{mean} {var}");
        let zeros = draws.iter().filter(|&&k| k == 0).count() as f64 / n as f64;
        assert!((zeros - (-1.0f64).exp()).abs() < 0.005);
        // The table against f64 sums of e^-1/k!.
        let (mut term, mut sum) = ((-1.0f64).exp(), 0.0);
        for k in 0..13 {
            sum += term;
            term /= (k + 1) as f64;
            assert!(((POISSON1[k] as f64) / 2f64.powi(32) - sum.min(1.0)).abs() < 3e-10, "k = {k}");
        }
    }
}
