//! The score tally: per distinct score, highest first, the weight of its positives and of its
//! negatives. ROC and PR curves, average precision and KS are cumulative sums over it.

use crate::pairs::{partition, Item, Weight, Weighted};
use crate::scratch::scratch;
use crate::{check, par, Result, Score};

/// Distinct score keys in descending order, with the positives' and negatives' total weight
/// (counts when unweighted: exact integers in f64 up to 2⁵³ rows) at each.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Tally {
    pub keys: Vec<u64>,
    pub pos: Vec<f64>,
    pub neg: Vec<f64>,
}

/// Validates the inputs of a binary metric and tallies them.
pub(crate) fn tally<S: Score>(labels: &[u8], scores: &[S], weights: Option<&[f64]>) -> Result<Tally> {
    check::same_length("scores", scores.len(), labels.len())?;
    check::labels(labels)?;
    let range = check::scores(scores)?;
    let positive = |i: usize| labels[i] == 1;
    Ok(match weights {
        None => tally_rows(labels.len(), range, positive, |i| scores[i].key()),
        Some(w) => {
            check::same_length("weights", w.len(), labels.len())?;
            check::weights("weights", w)?;
            tally_rows(labels.len(), range, positive, |i| Weighted { key: scores[i].key(), weight: w[i] })
        }
    })
}

/// One histogram partition on the keys' high bits (as the AUC kernel's first level), then a
/// sort inside each bucket — a bucket holds ~8 rows to a few thousand, cache-resident — and a
/// merge of its negatives and positives into runs of equal keys. Buckets run in parallel.
fn tally_rows<I: Item>(
    len: usize,
    (lo, hi): (u64, u64),
    positive: impl Fn(usize) -> bool + Sync + Send,
    make: impl Fn(usize) -> I + Sync + Send,
) -> Tally {
    if len == 0 {
        return Tally::default();
    }
    let mut rows = scratch::<I>(len);
    let starts = partition(len, positive, make, lo, hi, &mut rows);
    let mut halves = par::split_at_offsets(&mut rows, &starts);
    // Highest bucket first; each as a (negatives, positives) pair of slices.
    let mut buckets = Vec::with_capacity(halves.len() / 2);
    while let (Some(pos), Some(neg)) = (halves.pop(), halves.pop()) {
        buckets.push((neg, pos));
    }
    let runs = |(neg, pos): (&mut [I], &mut [I])| merge_runs(neg, pos);
    #[cfg(feature = "parallel")]
    let parts: Vec<Tally> = if par::parallel(len) {
        use rayon::prelude::*;
        buckets.into_par_iter().with_min_len(8).map(runs).collect()
    } else {
        buckets.into_iter().map(runs).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<Tally> = buckets.into_iter().map(runs).collect();

    let distinct = parts.iter().map(|t| t.keys.len()).sum();
    let mut out = Tally { keys: Vec::with_capacity(distinct), pos: Vec::with_capacity(distinct), neg: Vec::with_capacity(distinct) };
    for t in parts {
        out.keys.extend_from_slice(&t.keys);
        out.pos.extend_from_slice(&t.pos);
        out.neg.extend_from_slice(&t.neg);
    }
    out
}

/// Sorts both classes of one bucket by key, descending, and merges them into runs.
fn merge_runs<I: Item>(neg: &mut [I], pos: &mut [I]) -> Tally {
    neg.sort_unstable_by_key(|x| std::cmp::Reverse(x.key()));
    pos.sort_unstable_by_key(|x| std::cmp::Reverse(x.key()));
    let mut t = Tally::default();
    let (mut i, mut j) = (0, 0);
    while i < neg.len() || j < pos.len() {
        let key = match (neg.get(i), pos.get(j)) {
            (Some(a), Some(b)) => a.key().max(b.key()),
            (Some(a), None) => a.key(),
            (None, Some(b)) => b.key(),
            (None, None) => unreachable!(),
        };
        let (mut wn, mut wp) = (I::W::default(), I::W::default());
        while i < neg.len() && neg[i].key() == key {
            wn += neg[i].weight();
            i += 1;
        }
        while j < pos.len() && pos[j].key() == key {
            wp += pos[j].weight();
            j += 1;
        }
        // A score carried only by rows of weight 0 is no threshold (scikit-learn drops
        // zero-weight rows before building its curves).
        if wp.to_f64() + wn.to_f64() > 0.0 {
            t.keys.push(key);
            t.pos.push(wp.to_f64());
            t.neg.push(wn.to_f64());
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_distinct_scores_descending() {
        let labels = [1, 0, 1, 0, 0, 1];
        let scores = [0.5, 0.5, 0.9, -1.0, 0.2, 0.2];
        let t = tally(&labels, &scores, None).unwrap();
        let values: Vec<f64> = t.keys.iter().map(|&k| f64::from_key(k)).collect();
        assert_eq!(values, [0.9, 0.5, 0.2, -1.0]);
        assert_eq!(t.pos, [1.0, 1.0, 1.0, 0.0]);
        assert_eq!(t.neg, [0.0, 1.0, 1.0, 1.0]);
        let w = tally(&labels, &scores, Some(&[2.0, 3.0, 0.5, 1.0, 1.0, 4.0])).unwrap();
        assert_eq!(w.pos, [0.5, 2.0, 4.0, 0.0]);
        assert_eq!(w.neg, [0.0, 3.0, 1.0, 1.0]);
        let zero = tally(&labels, &scores, Some(&[1.0, 1.0, 0.0, 1.0, 1.0, 1.0])).unwrap();
        assert_eq!(zero.pos, [1.0, 1.0, 0.0]);
    }

    #[test]
    fn large_random_tally_matches_a_sort() {
        let mut s = 7u64;
        let n = 200_000;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let labels: Vec<u8> = (0..n).map(|_| (next() % 3 == 0) as u8).collect();
        let scores: Vec<f32> = (0..n).map(|_| (next() % 5000) as f32 / 7.0 - 300.0).collect();
        let t = tally(&labels, &scores, None).unwrap();
        let mut sorted: Vec<(f32, u8)> = scores.iter().copied().zip(labels.iter().copied()).collect();
        sorted.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
        let mut k = 0;
        let mut i = 0;
        while i < n {
            let (mut p, mut q) = (0.0, 0.0);
            let v = sorted[i].0;
            while i < n && sorted[i].0 == v {
                if sorted[i].1 == 1 { p += 1.0 } else { q += 1.0 }
                i += 1;
            }
            assert_eq!((f32::from_key(t.keys[k]), t.pos[k], t.neg[k]), (v as f64, p, q));
            k += 1;
        }
        assert_eq!(k, t.keys.len());
    }
}
