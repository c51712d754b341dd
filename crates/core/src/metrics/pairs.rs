//! Counting ordered (positive, negative) pairs — the heart of AUC.
//!
//! `count_pairs` returns, over all pairs of a positive and a negative item, the total weight
//! (w⁺·w⁻, or 1 per pair unweighted) of pairs where the positive's key is greater and where the
//! keys are equal. It never sorts: one histogram of the keys' high bits puts every pair whose
//! items fall in different buckets on the right side at once (prefix sums), and only pairs within
//! a bucket recurse, on fewer bits. Each level's span is at most 2⁻ᵇ of the one above, so the depth
//! is at most 64 / b, and a level of equal keys ends at once (all its pairs are ties).
//! Unweighted counts are exact integers (u64 per bucket, u128 in total), so results stay exact
//! far past 2²⁴ rows, where f32 counters break (scikit-learn #6842).

use crate::util::par;
use crate::util::scratch::{scratch, Plain};
use std::ops::{Add, AddAssign};

pub(crate) trait Weight: Copy + Send + Sync + Default + AddAssign {
    type Total: Copy + Send + Sync + Default + AddAssign + Add<Output = Self::Total>;
    fn times(self, other: Self) -> Self::Total;
    fn to_f64(self) -> f64;
}

impl Weight for u64 {
    type Total = u128;
    #[inline(always)]
    fn times(self, other: u64) -> u128 {
        self as u128 * other as u128
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Weight for f64 {
    type Total = f64;
    #[inline(always)]
    fn times(self, other: f64) -> f64 {
        self * other
    }
    fn to_f64(self) -> f64 {
        self
    }
}

pub(crate) trait Item: Plain {
    type W: Weight;
    fn key(&self) -> u64;
    fn weight(&self) -> Self::W;
    fn weight_sum(items: &[Self]) -> Self::W;
}

/// An unweighted item is its key.
impl Item for u64 {
    type W = u64;
    #[inline(always)]
    fn key(&self) -> u64 {
        *self
    }
    #[inline(always)]
    fn weight(&self) -> u64 {
        1
    }
    fn weight_sum(items: &[u64]) -> u64 {
        items.len() as u64
    }
}

#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct Weighted {
    pub key: u64,
    pub weight: f64,
}
// SAFETY: two plain 8-byte fields.
unsafe impl Plain for Weighted {}

impl Item for Weighted {
    type W = f64;
    #[inline(always)]
    fn key(&self) -> u64 {
        self.key
    }
    #[inline(always)]
    fn weight(&self) -> f64 {
        self.weight
    }
    fn weight_sum(items: &[Weighted]) -> f64 {
        items.iter().map(|x| x.weight).sum()
    }
}

#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub(crate) struct PairCounts<T> {
    pub greater: T,
    pub equal: T,
}

impl<T: Add<Output = T>> Add for PairCounts<T> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        PairCounts { greater: self.greater + o.greater, equal: self.equal + o.equal }
    }
}

type Counts<I> = PairCounts<<<I as Item>::W as Weight>::Total>;

/// Counts the pairs among `items`: negatives `items[..negatives]`, then positives. `spare` is
/// scratch of the same length; both are left with unspecified contents.
pub(crate) fn count_pairs<I: Item>(items: &mut [I], negatives: usize, spare: &mut [I]) -> Counts<I> {
    let (n, p) = (negatives, items.len() - negatives);
    if p == 0 || n == 0 {
        return Counts::<I>::default();
    }
    // Below this, comparing every pair is cheaper than a histogram. (u64: on wasm32 usize
    // products of class sizes overflow.)
    if (p as u64) * (n as u64) <= 4 * (p + n) as u64 + 64 {
        return brute_force(&items[n..], &items[..n]);
    }
    let (lo, hi) = key_range(items);
    if lo == hi {
        let equal = I::weight_sum(&items[n..]).times(I::weight_sum(&items[..n]));
        return Counts::<I> { greater: Default::default(), equal };
    }
    let starts = partition(items.len(), |i| i >= n, |i| items[i], lo, hi, spare);
    let (mut total, _, _) = across_buckets(spare, &starts);
    // Pairs inside one bucket: recurse, this level's input becoming the next one's scratch.
    #[cfg(feature = "parallel")]
    if par::parallel(items.len()) {
        use rayon::prelude::*;
        let bounds: Vec<usize> = starts.iter().step_by(2).copied().collect();
        let parts = par::split_at_offsets(spare, &bounds).into_iter().zip(par::split_at_offsets(items, &bounds));
        let tasks: Vec<_> = parts.zip(starts.chunks(2)).map(|((a, b), s)| (a, b, s[1] - s[0])).collect();
        // Collected, then summed in bucket order: weighted sums come out the same on every run.
        let parts: Vec<Counts<I>> = tasks.into_par_iter().map(|(a, b, negs)| count_pairs(a, negs, b)).collect();
        return parts.into_iter().fold(total, |x, y| x + y);
    }
    for k in 0..starts.len() / 2 {
        let (a, m, c) = (starts[2 * k], starts[2 * k + 1], starts[2 * k + 2]);
        total = total + count_pairs(&mut spare[a..c], m - a, &mut items[a..c]);
    }
    total
}

/// Counts the pairs among rows `0..len` of the caller's arrays (row `i` is `make(i)`, positive
/// when `positive(i)`, keys within `lo..=hi`): the first level partitions straight from the
/// inputs, so no copy of them is made before it, and its buckets recurse with per-thread scratch.
/// Returns the counts and the total weights of the positives and of the negatives.
pub(crate) fn count_rows<I: Item>(
    len: usize,
    (lo, hi): (u64, u64),
    positive: impl Fn(usize) -> bool + Sync + Send,
    make: impl Fn(usize) -> I + Sync + Send,
) -> (Counts<I>, I::W, I::W) {
    if len == 0 {
        return Default::default();
    }
    let mut rows = scratch::<I>(len);
    let starts = partition(len, positive, make, lo, hi, &mut rows);
    let (total, positives, negatives) = across_buckets(&rows, &starts);
    let bucket = |scratch: &mut Vec<I>, (part, negs): (&mut [I], usize)| {
        scratch.resize(part.len(), I::default());
        count_pairs(part, negs, &mut scratch[..])
    };
    let bounds: Vec<usize> = starts.iter().step_by(2).copied().collect();
    let tasks = par::split_at_offsets(&mut rows, &bounds).into_iter().zip(starts.chunks(2).map(|s| s[1] - s[0]));
    #[cfg(feature = "parallel")]
    if par::parallel(len) {
        use rayon::prelude::*;
        let tasks: Vec<_> = tasks.collect();
        let parts: Vec<Counts<I>> = tasks.into_par_iter().map_init(Vec::new, bucket).collect();
        return (parts.into_iter().fold(total, |x, y| x + y), positives, negatives);
    }
    let mut scratch = Vec::new();
    (tasks.fold(total, |acc, t| acc + bucket(&mut scratch, t)), positives, negatives)
}

/// Scatters rows into `out` by bucket of their key's high bits, negatives before positives
/// within each bucket. Returns the offsets: bucket `k` holds negatives `[s[2k], s[2k+1])` and
/// positives `[s[2k+1], s[2k+2])`.
pub(crate) fn partition<I: Item>(
    len: usize,
    positive: impl Fn(usize) -> bool + Sync + Send,
    make: impl Fn(usize) -> I + Sync + Send,
    lo: u64,
    hi: u64,
    out: &mut [I],
) -> Vec<usize> {
    let span_bits = 64 - (hi - lo).leading_zeros();
    let shift = span_bits.saturating_sub(bucket_bits(len));
    let buckets = ((hi - lo) >> shift) as usize + 1;
    let slot = |i: usize| (((make(i).key() - lo) >> shift) as usize) * 2 + positive(i) as usize;
    par::scatter_with(out, 2 * buckets, slot, &make)
}

/// Pairs whose items fall in different buckets: each positive is above every negative of the
/// buckets below its own. Also returns the total weights of the positives and the negatives.
fn across_buckets<I: Item>(parts: &[I], starts: &[usize]) -> (Counts<I>, I::W, I::W) {
    let mut total = Counts::<I>::default();
    let (mut pos_total, mut neg_below) = (I::W::default(), I::W::default());
    for s in starts.windows(3).step_by(2) {
        let pos = I::weight_sum(&parts[s[1]..s[2]]);
        total.greater += pos.times(neg_below);
        pos_total += pos;
        neg_below += I::weight_sum(&parts[s[0]..s[1]]);
    }
    (total, pos_total, neg_below)
}

/// Buckets per level: enough to leave a few items per bucket, at most 1024 (×2 classes): more
/// streams made the first-level scatter slower on this machine kind (measured at 4096: +30%).
fn bucket_bits(len: usize) -> u32 {
    (usize::BITS - len.leading_zeros()).saturating_sub(3).clamp(2, 10)
}

pub(crate) fn key_range<I: Item>(xs: &[I]) -> (u64, u64) {
    par::map_reduce(
        xs.len(),
        |s, e| xs[s..e].iter().fold((u64::MAX, 0), |(lo, hi), x| (lo.min(x.key()), hi.max(x.key()))),
        |x, y| (x.0.min(y.0), x.1.max(y.1)),
    )
}

fn brute_force<I: Item>(pos: &[I], neg: &[I]) -> Counts<I> {
    let mut total = Counts::<I>::default();
    for a in pos {
        let (mut below, mut tied) = (I::W::default(), I::W::default());
        for b in neg {
            if a.key() > b.key() {
                below += b.weight();
            } else if a.key() == b.key() {
                tied += b.weight();
            }
        }
        total.greater += a.weight().times(below);
        total.equal += a.weight().times(tied);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(pos: &[u64], neg: &[u64]) -> PairCounts<u128> {
        let mut items: Vec<u64> = neg.iter().chain(pos).copied().collect();
        let mut spare = vec![0; items.len()];
        let range = key_range(&items);
        let inner = count_pairs(&mut items, neg.len(), &mut spare);
        let (rows, p, n) = count_rows(pos.len() + neg.len(), range, |i| i >= neg.len(), |i| if i < neg.len() { neg[i] } else { pos[i - neg.len()] });
        assert_eq!(inner, rows);
        assert_eq!((p, n), (pos.len() as u64, neg.len() as u64));
        inner
    }

    #[test]
    fn matches_brute_force_on_spread_and_clustered_keys() {
        let mut state = 0x2545F4914F6CDD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..40 {
            let (p, n) = (1 + (next() % 700) as usize, 1 + (next() % 900) as usize);
            // Alternate between keys over the whole range, a narrow cluster with ties, and a
            // cluster plus a far outlier (forces several levels).
            let key = |r: u64| match case % 3 {
                0 => r,
                1 => 1_000_000 + r % 50,
                _ => if r % 97 == 0 { u64::MAX - r % 3 } else { r % 5000 },
            };
            let pos: Vec<u64> = (0..p).map(|_| key(next())).collect();
            let neg: Vec<u64> = (0..n).map(|_| key(next())).collect();
            assert_eq!(count(&pos, &neg), brute_force(&pos, &neg), "case {case}");
        }
    }

    #[test]
    fn all_equal_keys_are_ties() {
        let c = count(&vec![7; 3000], &vec![7; 5000]);
        assert_eq!(c, PairCounts { greater: 0, equal: 15_000_000 });
    }
}
