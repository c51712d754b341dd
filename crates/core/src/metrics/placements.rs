//! DeLong's structural components ("placements") of every row, without a comparison sort.
//!
//! With m positives and n negatives, positive i is placed at V10_i = c_i / (2n) and negative j
//! at V01_j = d_j / (2m), where
//!
//!   c_i = 2·#{negatives below s_i} + #{negatives tied with s_i},
//!   d_j = 2·#{positives above s_j} + #{positives tied with s_j}
//!
//! (DeLong, DeLong & Clarke-Pearson 1988; Sun & Xu 2014 read the same numbers off midranks:
//! V10_i = (T_Z(i) − T_X(i)) / n). Σc = Σd = 2·greater + equal, AUC's pair counts.
//!
//! The integers come from the recursion `pairs` counts AUC with: a level scatters a node's
//! items into buckets by their keys' high bits, so every item of a bucket is above the
//! negatives of the buckets below it and below the positives of the buckets above it. A node
//! hands those two counts to its buckets; at a leaf (one class only, all keys equal, or few
//! enough pairs to compare) each item gets its c or d and a visitor takes it. Cost: as AUC's.
//!
//! The paired test needs, per row, one model's component next to the other model's key. A first
//! walk over (key A, key B) items leaves (c_A or d_A, class, key B) in its buffer, in the order
//! of its leaves; the second walk reads them from there, in that order, which does not matter
//! to sums. (Writing each component to its row instead was a random write per row, the
//! slowest step of the test; putting them back in row order with a counting scatter cost 60%
//! of a walk.)

use crate::metrics::pairs::{key_range, partition, Item};
use crate::util::par;
use crate::util::scratch::Plain;
use std::ops::Add;

/// Rows a walk takes: below 2³², a component (≤ 2·rows) and the class fit a u64 together, and
/// every sum of [`Sums`], and m·Σc², fit a u128 (m·Σc² ≤ 16·rows⁴/27).
pub(crate) const MAX_ROWS: u64 = 1 << 32;

/// Sums over the rows' components, exact integers.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub(crate) struct Sums {
    /// Positives and negatives visited.
    pub m: u64,
    pub n: u64,
    /// Σc and Σc² over the positives; Σd and Σd² over the negatives.
    pub c: u128,
    pub c2: u128,
    pub d: u128,
    pub d2: u128,
    /// Σc·c′ and Σd·d′ with another model's components c′, d′ (the [`Cross`] visitor only).
    pub cc: u128,
    pub dd: u128,
}

impl Add for Sums {
    type Output = Sums;
    fn add(self, o: Sums) -> Sums {
        Sums {
            m: self.m + o.m,
            n: self.n + o.n,
            c: self.c + o.c,
            c2: self.c2 + o.c2,
            d: self.d + o.d,
            d2: self.d2 + o.d2,
            cc: self.cc + o.cc,
            dd: self.dd + o.dd,
        }
    }
}

impl Sums {
    fn positives(&mut self, count: usize, c: u64) {
        let (k, c) = (count as u128, c as u128);
        self.m += count as u64;
        self.c += k * c;
        self.c2 += k * c * c;
    }

    fn negatives(&mut self, count: usize, d: u64) {
        let (k, d) = (count as u128, d as u128);
        self.n += count as u64;
        self.d += k * d;
        self.d2 += k * d * d;
    }
}

/// Items of one class that share a component, as a visitor gets them: `items`, and `mirror`,
/// the same range of the walk's other buffer; `home` says whether `items` lie in the buffer
/// the walk started in (the levels alternate between the two).
pub(crate) struct Leaf<'a, I> {
    pub items: &'a mut [I],
    pub mirror: &'a mut [I],
    pub home: bool,
}

/// What a leaf does with its items' components.
pub(crate) trait Visit<I>: Sync {
    /// Whether it writes to the items: then leaves that compare pairs write to the mirror,
    /// keeping the keys they compare, and copy the results over after.
    const WRITES: bool = false;
    /// Every item is a positive with component `c`.
    fn positives(&self, leaf: Leaf<'_, I>, c: u64, sums: &mut Sums);
    /// Every item is a negative with component `d`.
    fn negatives(&self, leaf: Leaf<'_, I>, d: u64, sums: &mut Sums);
}

/// Sums only (one model's variance): items are bare keys, as in AUC.
pub(crate) struct Moments;

impl Visit<u64> for Moments {
    fn positives(&self, leaf: Leaf<'_, u64>, c: u64, sums: &mut Sums) {
        sums.positives(leaf.items.len(), c);
    }
    fn negatives(&self, leaf: Leaf<'_, u64>, d: u64, sums: &mut Sums) {
        sums.negatives(leaf.items.len(), d);
    }
}

/// A key with a payload: the other model's key ([`Placed`]) or component ([`Cross`]).
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct Carry {
    pub key: u64,
    pub value: u64,
}
// SAFETY: two plain 8-byte fields.
unsafe impl Plain for Carry {}

impl Item for Carry {
    type W = u64;
    #[inline(always)]
    fn key(&self) -> u64 {
        self.key
    }
    #[inline(always)]
    fn weight(&self) -> u64 {
        1
    }
    fn weight_sum(items: &[Carry]) -> u64 {
        items.len() as u64
    }
}

/// Sums, and each item's key replaced by its component and class (`2·c + 1` for a positive,
/// `2·d` for a negative), in the walk's first buffer: after the walk, that buffer holds every
/// row's component with the row's payload.
pub(crate) struct Placed;

impl Placed {
    fn place(leaf: Leaf<'_, Carry>, key: u64) {
        if leaf.home {
            leaf.items.iter_mut().for_each(|it| it.key = key);
        } else {
            leaf.mirror.iter_mut().zip(leaf.items.iter()).for_each(|(m, it)| *m = Carry { key, value: it.value });
        }
    }
}

impl Visit<Carry> for Placed {
    const WRITES: bool = true;
    fn positives(&self, leaf: Leaf<'_, Carry>, c: u64, sums: &mut Sums) {
        sums.positives(leaf.items.len(), c);
        Placed::place(leaf, 2 * c + 1);
    }
    fn negatives(&self, leaf: Leaf<'_, Carry>, d: u64, sums: &mut Sums) {
        sums.negatives(leaf.items.len(), d);
        Placed::place(leaf, 2 * d);
    }
}

/// Sums, and the cross sums with another model's components (`Carry::value`).
pub(crate) struct Cross;

impl Visit<Carry> for Cross {
    fn positives(&self, leaf: Leaf<'_, Carry>, c: u64, sums: &mut Sums) {
        sums.positives(leaf.items.len(), c);
        sums.cc += leaf.items.iter().map(|it| it.value as u128).sum::<u128>() * c as u128;
    }
    fn negatives(&self, leaf: Leaf<'_, Carry>, d: u64, sums: &mut Sums) {
        sums.negatives(leaf.items.len(), d);
        sums.dd += leaf.items.iter().map(|it| it.value as u128).sum::<u128>() * d as u128;
    }
}

/// Walks rows `0..rows.len()` (row `i` is `make(i)`, positive when `positive(i)`, keys within
/// `lo..=hi`; fewer than [`MAX_ROWS`]), using `rows` as its first buffer: the first level
/// scatters straight from the inputs into it, as `pairs::count_rows`, and its buckets recurse
/// with per-thread scratch.
pub(crate) fn walk_rows<I: Item<W = u64>, V: Visit<I>>(
    rows: &mut [I],
    (lo, hi): (u64, u64),
    positive: impl Fn(usize) -> bool + Sync + Send,
    make: impl Fn(usize) -> I + Sync + Send,
    visit: &V,
) -> Sums {
    debug_assert!((rows.len() as u64) < MAX_ROWS);
    if rows.is_empty() {
        return Sums::default();
    }
    let starts = partition(rows.len(), positive, make, lo, hi, rows);
    buckets(rows, None, &starts, (0, 0, true), visit)
}

/// Negatives below a node, positives above it, and whether its items are in the first buffer.
type Place = (u64, u64, bool);

/// One node: its items are negatives `items[..negatives]`, then positives.
fn walk<I: Item<W = u64>, V: Visit<I>>(items: &mut [I], negatives: usize, spare: &mut [I], (below, above, home): Place, visit: &V) -> Sums {
    let (n, p) = (negatives, items.len() - negatives);
    let mut sums = Sums::default();
    // As in `pairs::count_pairs`: below this, comparing every pair is cheaper than a level.
    if p == 0 || n == 0 || (p as u64) * (n as u64) <= 4 * (p + n) as u64 + 64 {
        leaf(items, n, spare, (below, above, home), visit, &mut sums);
        return sums;
    }
    let (lo, hi) = key_range(items);
    if lo == hi {
        let (neg, pos) = items.split_at_mut(n);
        let (neg_m, pos_m) = spare.split_at_mut(n);
        visit.positives(Leaf { items: pos, mirror: pos_m, home }, 2 * below + n as u64, &mut sums);
        visit.negatives(Leaf { items: neg, mirror: neg_m, home }, 2 * above + p as u64, &mut sums);
        return sums;
    }
    let starts = partition(items.len(), |i| i >= n, |i| items[i], lo, hi, spare);
    // This level's input becomes the next one's scratch.
    buckets(spare, Some(items), &starts, (below, above, !home), visit)
}

/// Walks every bucket of a partition (`starts` as `pairs::partition` returns them), each with
/// its own counts below and above. `spare` is the scratch for the buckets' levels; without it,
/// each thread keeps a buffer of its own.
fn buckets<I: Item<W = u64>, V: Visit<I>>(parts: &mut [I], spare: Option<&mut [I]>, starts: &[usize], (below, above, home): Place, visit: &V) -> Sums {
    let len = parts.len();
    let bounds: Vec<usize> = starts.iter().step_by(2).copied().collect();
    let spares: Vec<Option<&mut [I]>> = match spare {
        Some(s) => par::split_at_offsets(s, &bounds).into_iter().map(Some).collect(),
        None => (1..bounds.len()).map(|_| None).collect(),
    };
    // Bucket k has the negatives of buckets before it below, the positives after it above.
    let counts = starts.windows(3).step_by(2).map(|s| ((s[1] - s[0]) as u64, (s[2] - s[1]) as u64));
    let (mut neg_below, mut pos_above) = (below, above + counts.clone().map(|c| c.1).sum::<u64>());
    let mut tasks = Vec::with_capacity(spares.len());
    for ((part, spare), (negs, pos)) in par::split_at_offsets(parts, &bounds).into_iter().zip(spares).zip(counts) {
        pos_above -= pos;
        tasks.push((part, spare, negs as usize, (neg_below, pos_above, home)));
        neg_below += negs;
    }
    let run = |scratch: &mut Vec<I>, (part, spare, negs, place): (&mut [I], Option<&mut [I]>, usize, Place)| match spare {
        Some(spare) => walk(part, negs, spare, place, visit),
        None => {
            scratch.resize(part.len(), I::default());
            walk(part, negs, &mut scratch[..], place, visit)
        }
    };
    #[cfg(feature = "parallel")]
    if par::parallel(len) {
        use rayon::prelude::*;
        return tasks.into_par_iter().map_init(Vec::new, run).reduce(Sums::default, Add::add);
    }
    let _ = len;
    let mut scratch = Vec::new();
    tasks.into_iter().fold(Sums::default(), |acc, t| acc + run(&mut scratch, t))
}

/// Components by comparing every pair (few pairs, or one class only). `items` holds
/// `negatives` negatives, then positives; `mirror` is their range of the other buffer.
fn leaf<I: Item<W = u64>, V: Visit<I>>(items: &mut [I], negatives: usize, mirror: &mut [I], (below, above, home): Place, visit: &V, sums: &mut Sums) {
    let n = negatives;
    let (p, len) = (items.len() - n, items.len());
    let one = |items: &mut [I], mirror: &mut [I], k: usize, x: u64, sums: &mut Sums| {
        let leaf = Leaf { items: &mut items[k..k + 1], mirror: &mut mirror[k..k + 1], home: false };
        if k < n { visit.negatives(leaf, x, sums) } else { visit.positives(leaf, x, sums) }
    };
    if p == 0 || n == 0 {
        let (neg, pos) = items.split_at_mut(n);
        let (neg_m, pos_m) = mirror.split_at_mut(n);
        visit.positives(Leaf { items: pos, mirror: pos_m, home }, 2 * below, sums);
        visit.negatives(Leaf { items: neg, mirror: neg_m, home }, 2 * above, sums);
        return;
    }
    for k in n..len {
        let key = items[k].key();
        let (lower, tied) = items[..n].iter().fold((0, 0), |(l, t), b| (l + (b.key() < key) as u64, t + (b.key() == key) as u64));
        one(items, mirror, k, 2 * (below + lower) + tied, sums);
    }
    for k in 0..n {
        let key = items[k].key();
        let (higher, tied) = items[n..].iter().fold((0, 0), |(h, t), a| (h + (a.key() > key) as u64, t + (a.key() == key) as u64));
        one(items, mirror, k, 2 * (above + higher) + tied, sums);
    }
    if V::WRITES && home {
        items.copy_from_slice(mirror);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// c and d by their definition, O(n²).
    fn by_definition(keys: &[u64], labels: &[u8]) -> Vec<u64> {
        (0..keys.len())
            .map(|i| {
                let other = |j: usize| labels[j] != labels[i];
                let (mut strict, mut tied) = (0, 0);
                for j in (0..keys.len()).filter(|&j| other(j)) {
                    let beyond = if labels[i] == 1 { keys[j] < keys[i] } else { keys[j] > keys[i] };
                    strict += beyond as u64;
                    tied += (keys[j] == keys[i]) as u64;
                }
                2 * strict + tied
            })
            .collect()
    }

    /// Large enough for the parallel paths (with the `parallel` feature): against a sort.
    #[test]
    fn large_input_matches_a_sort() {
        let len = 300_000;
        let mut state = 0x853C49E6748FEA9Bu64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let keys: Vec<u64> = (0..len).map(|_| if next() % 1000 == 0 { u64::MAX - next() % 5 } else { next() % 70_000 }).collect();
        let labels: Vec<u8> = (0..len).map(|_| (next() % 3 == 0) as u8).collect();
        // Per distinct key: negatives and positives at it; c and d from cumulative counts.
        let mut sorted: Vec<(u64, u8)> = keys.iter().copied().zip(labels.iter().copied()).collect();
        sorted.sort_unstable();
        let (mut at, mut below) = (std::collections::HashMap::new(), 0u64);
        let positives = labels.iter().filter(|&&y| y == 1).count() as u64;
        let mut pos_below = 0u64;
        for run in sorted.chunk_by(|a, b| a.0 == b.0) {
            let p = run.iter().filter(|x| x.1 == 1).count() as u64;
            let n = run.len() as u64 - p;
            at.insert(run[0].0, (2 * below + n, 2 * (positives - pos_below - p) + p));
            below += n;
            pos_below += p;
        }
        let expect: Vec<u64> = (0..len).map(|i| if labels[i] == 1 { at[&keys[i]].0 } else { at[&keys[i]].1 }).collect();
        let range = (*keys.iter().min().unwrap(), *keys.iter().max().unwrap());
        let positive = |i: usize| labels[i] == 1;
        let mut rows = vec![Carry::default(); len];
        walk_rows(&mut rows, range, positive, |i| Carry { key: keys[i], value: i as u64 }, &Placed);
        let mut out = vec![u64::MAX; len];
        rows.iter().for_each(|it| out[it.value as usize] = it.key >> 1);
        assert_eq!(out, expect);
        let cross = walk_rows(&mut vec![Carry::default(); len], range, positive, |i| Carry { key: keys[i], value: expect[i] }, &Cross);
        let moments = walk_rows(&mut vec![0; len], range, positive, |i| keys[i], &Moments);
        assert_eq!((cross.cc, cross.dd, cross.c), (moments.c2, moments.d2, moments.c));
    }

    #[test]
    fn components_match_the_definition() {
        let mut state = 0x9E3779B97F4A7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..30 {
            let len = 1 + (next() % 3000) as usize;
            // Spread keys, a narrow cluster with ties, and a cluster with far outliers.
            let keys: Vec<u64> = (0..len)
                .map(|_| match case % 3 {
                    0 => next(),
                    1 => 77 + next() % 40,
                    _ => if next() % 50 == 0 { u64::MAX - next() % 2 } else { next() % 9000 },
                })
                .collect();
            let labels: Vec<u8> = (0..len).map(|_| (next() % 4 == 0) as u8).collect();
            let expect = by_definition(&keys, &labels);
            let range = (*keys.iter().min().unwrap(), *keys.iter().max().unwrap());
            let positive = |i: usize| labels[i] == 1;
            let mut rows = vec![Carry::default(); len];
            let s = walk_rows(&mut rows, range, positive, |i| Carry { key: keys[i], value: i as u64 }, &Placed);
            let mut out = vec![u64::MAX; len];
            for it in &rows {
                assert_eq!(it.key & 1, labels[it.value as usize] as u64, "the class");
                out[it.value as usize] = it.key >> 1;
            }
            assert_eq!(out, expect, "case {case}");
            let moments = walk_rows(&mut vec![0; len], range, positive, |i| keys[i], &Moments);
            let sum = |pos: u8, f: fn(u64) -> u128| (0..len).filter(|&i| labels[i] == pos).map(|i| f(expect[i])).sum::<u128>();
            assert_eq!((moments.c, moments.c2), (sum(1, |x| x as u128), sum(1, |x| (x as u128).pow(2))));
            assert_eq!((moments.d, moments.d2), (sum(0, |x| x as u128), sum(0, |x| (x as u128).pow(2))));
            assert_eq!(moments.c, moments.d, "Σc = Σd = 2·greater + equal");
            assert_eq!((s.m, s.n, s.c, s.d2), (moments.m, moments.n, moments.c, moments.d2));
            let cross = walk_rows(&mut vec![Carry::default(); len], range, positive, |i| Carry { key: keys[i], value: expect[i] }, &Cross);
            assert_eq!((cross.cc, cross.dd), (moments.c2, moments.d2), "a model crossed with itself");
        }
    }
}
