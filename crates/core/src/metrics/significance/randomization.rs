//! Fisher's paired randomization (sign-flip) test.

use super::ttest::moments;
use super::{differences, Test};
use crate::{Error, Result};
use multiversion::multiversion;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RandomizationTest {
    /// [`Test::Randomization`].
    pub test: Test,
    /// Pairs (queries).
    pub n: usize,
    /// `mean(a − b)`, the observed statistic (the test compares its absolute value).
    pub statistic: f64,
    /// Random sign patterns drawn.
    pub permutations: usize,
    /// The seed the sign patterns were drawn from.
    pub seed: u64,
    /// Patterns whose |mean| reached the observed one.
    pub extreme: usize,
    /// `extreme / permutations` (two-sided).
    pub p_value: f64,
    /// Cohen's `d_z = mean(d)/sd(d)`, as [`super::PairedTTest::effect_size`].
    pub effect_size: f64,
}

/// Paired randomization test of `a` against `b` (two-sided): Fisher's test as Smucker, Allan &
/// Carterette (2007, "A comparison of statistical significance tests for information retrieval
/// evaluation", CIKM) recommend for IR, and as ranx 0.3.21's `compare(…, stat_test="fisher")`
/// runs it (`fisher_randomization_test`).
///
/// **Definition.** Under the null hypothesis the two runs are exchangeable on every query, so
/// each difference `dᵢ = aᵢ − bᵢ` is as likely to have the opposite sign. Each of `permutations`
/// random patterns flips every dᵢ's sign with probability ½; it counts as extreme when
/// `|Σ ±dᵢ| ≥ |Σ dᵢ|` (the same as `|mean|`: ranx swaps each query's two scores and compares
/// `|mean(a) − mean(b)|`). **p = extreme / permutations**, ranx's convention (and Smucker et
/// al.'s): the observed pattern is not counted, so p can be 0; Phipson & Smyth (2010) argue for
/// `(extreme + 1)/(permutations + 1)`, which is `(p·N + 1)/(N + 1)` from these fields. The
/// Monte Carlo error of p is `√(p(1 − p)/permutations)`.
///
/// **Ties in exact arithmetic count as extreme.** Discrete metrics (precision@K in tenths,
/// hits) make many sign patterns tie with the observed sum, which rounding would split at
/// random. A pattern counts when `|S| ≥ |S_obs| − τ`, `τ = 2·n·ε·Σ|dᵢ|` (ε = 2⁻⁵²): twice the
/// worst-case rounding error of a sum of n terms (Higham 2002, "Accuracy and Stability of
/// Numerical Algorithms", §4.2), so a tie always counts; a pattern that is not a tie counts only if
/// its mean is within `τ/n = 2·n·ε·mean|d|` of the observed one (4e-11·mean|d| at n = 10⁵).
///
/// **Random signs, deterministic everywhere.** SplitMix64 (Steele, Lea & Flood 2014, "Fast
/// splittable pseudorandom number generators"; Vigna's `splitmix64.c`, the generator that
/// seeds xoshiro): output k (0-based) of the stream started at `seed` is
/// `mix(seed + (k + 1)·0x9E3779B97F4A7C15)` (mod 2⁶⁴). With `W = ⌈n/64⌉`, pattern j flips dᵢ
/// when bit `i mod 64` of output `j·W + ⌊i/64⌋` is 1. Each sum is taken in eight lanes (dᵢ goes
/// to lane `i mod 8`, each lane in index order from 0.0), combined as
/// `((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))`; `Σ dᵢ` and `Σ|dᵢ|` the same way, and
/// `τ = 2.0·n·ε·Σ|dᵢ|` left to right. Every output is addressed by (seed, k) alone, so patterns
/// can run on any thread in any order, and the count is identical on x86_64 and wasm32, with any
/// thread count and SIMD width. (SplitMix64 is written out here: it is ten lines, and random
/// access is what keeps the result independent of threads.)
///
/// **Edge cases.** Identical runs: every pattern ties, p = 1. `permutations` = 0 is an error.
pub fn randomization_test(a: &[f64], b: &[f64], permutations: usize, seed: u64) -> Result<RandomizationTest> {
    if permutations == 0 {
        return Err(Error::new("permutations", "is 0; it must be at least 1"));
    }
    let d = differences(a, b)?;
    let n = d.len();
    let observed = lane_sum(&d, |x| x);
    let tolerance = 2.0 * n as f64 * f64::EPSILON * lane_sum(&d, f64::abs);
    let threshold = observed.abs() - tolerance;
    let words = n.div_ceil(64);
    let batches = permutations.div_ceil(BATCH);
    let range = |c: usize| count_extreme(&d, words, seed, threshold, c * BATCH, ((c + 1) * BATCH).min(permutations));
    let extreme = count_batches(n.saturating_mul(permutations), batches, range);
    let (mean, var) = moments(&d);
    Ok(RandomizationTest {
        test: Test::Randomization,
        n,
        statistic: mean,
        permutations,
        seed,
        extreme,
        p_value: extreme as f64 / permutations as f64,
        effect_size: mean / var.sqrt(),
    })
}

/// Σ over batches of permutations, split across rayon's pool when the work is large. Counts are
/// integers, so the sum does not depend on the split.
fn count_batches(work: usize, batches: usize, range: impl Fn(usize) -> usize + Sync + Send) -> usize {
    #[cfg(feature = "parallel")]
    if crate::util::par::parallel(work) {
        use rayon::prelude::*;
        return (0..batches).into_par_iter().map(range).sum();
    }
    let _ = work;
    (0..batches).map(range).sum()
}

/// Patterns carried through a tile of d together, and the tile: 2048 differences (16 KiB) stay
/// in L1 while the batch's accumulators (32 × 8 f64) sweep them, instead of streaming all of d
/// once per pattern.
const BATCH: usize = 32;
const TILE: usize = 2048;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Output k (0-based) of SplitMix64 started at `seed`.
#[inline(always)]
fn splitmix64(seed: u64, k: u64) -> u64 {
    let mut z = seed.wrapping_add(GOLDEN.wrapping_mul(k.wrapping_add(1)));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Patterns `first..last` whose |signed sum| reaches `threshold`.
fn count_extreme(d: &[f64], words: usize, seed: u64, threshold: f64, first: usize, last: usize) -> usize {
    debug_assert!(last - first <= BATCH);
    let mut lanes = [[0.0f64; 8]; BATCH];
    for start in (0..d.len()).step_by(TILE) {
        let tile = &d[start..(start + TILE).min(d.len())];
        for (j, acc) in (first..last).zip(lanes.iter_mut()) {
            accumulate(tile, j as u64 * words as u64 + (start / 64) as u64, seed, acc);
        }
    }
    lanes[..last - first].iter().filter(|acc| combine(acc).abs() >= threshold).count()
}

/// Adds the tile's differences, signs flipped by the pattern's bits, into the eight lanes. The
/// tile starts at a multiple of 64, so lane `k` gets exactly the dᵢ with `i mod 8 = k`; the
/// lanes are the same arrays on every target, so SIMD width changes speed, not rounding.
#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn accumulate(tile: &[f64], first_word: u64, seed: u64, acc: &mut [f64; 8]) {
    for (w, block) in tile.chunks(64).enumerate() {
        let bits = splitmix64(seed, first_word + w as u64);
        let mut eights = block.chunks_exact(8);
        for (c, eight) in eights.by_ref().enumerate() {
            let byte = bits >> (8 * c);
            for k in 0..8 {
                acc[k] += f64::from_bits(eight[k].to_bits() ^ (((byte >> k) & 1) << 63));
            }
        }
        let rest = eights.remainder();
        let byte = bits.checked_shr(8 * (block.len() / 8) as u32).unwrap_or(0);
        for (k, &x) in rest.iter().enumerate() {
            acc[k] += f64::from_bits(x.to_bits() ^ (((byte >> k) & 1) << 63));
        }
    }
}

/// Σ f(dᵢ) in the lanes' order.
fn lane_sum(d: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0f64; 8];
    for (i, &x) in d.iter().enumerate() {
        acc[i % 8] += f(x);
    }
    combine(&acc)
}

fn combine(l: &[f64; 8]) -> f64 {
    ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
}
