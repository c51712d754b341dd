//! The score tally: per distinct score, highest first, the weight of its positives and of its
//! negatives. ROC and PR curves, average precision and KS are cumulative sums over it.

use crate::metrics::pairs::{partition, Item, Weight, Weighted};
use crate::util::scratch::{scratch, Scratch};
use crate::util::{check, par, Score};
use crate::Result;

/// Distinct score keys in descending order, with the positives' and negatives' total weight
/// (counts when unweighted: exact integers in f64 up to 2⁵³ rows) at each. Pooled scratch:
/// at 1e7 distinct scores these are 240 MB, which fresh pages would make slow to write.
pub(crate) struct Tally {
    pub keys: Scratch<u64>,
    pub pos: Scratch<f64>,
    pub neg: Scratch<f64>,
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
            let scale = check::weight_scale(w);
            tally_rows(labels.len(), range, positive, |i| Weighted { key: scores[i].key(), weight: w[i] * scale })
        }
    })
}

/// One histogram partition on the keys' high bits (as the AUC kernel's first level), then, per
/// bucket and in parallel: sort its negatives and positives (cache-resident) and count its
/// distinct scores; then, once the output is allocated, merge each bucket into its own slice.
fn tally_rows<I: Item>(
    len: usize,
    (lo, hi): (u64, u64),
    positive: impl Fn(usize) -> bool + Sync + Send,
    make: impl Fn(usize) -> I + Sync + Send,
) -> Tally {
    if len == 0 {
        return Tally { keys: scratch(0), pos: scratch(0), neg: scratch(0) };
    }
    let mut rows = scratch::<I>(len);
    let starts = partition(len, positive, make, lo, hi, &mut rows);
    let mut halves = par::split_at_offsets(&mut rows, &starts);
    // Highest bucket first; each as a (negatives, positives) pair of slices.
    let mut buckets = Vec::with_capacity(halves.len() / 2);
    while let (Some(pos), Some(neg)) = (halves.pop(), halves.pop()) {
        buckets.push((neg, pos));
    }
    let counts = par::map_each(&mut buckets, len, |(neg, pos)| {
        neg.sort_unstable_by_key(|x| std::cmp::Reverse(x.key()));
        pos.sort_unstable_by_key(|x| std::cmp::Reverse(x.key()));
        let mut distinct = 0;
        merge_runs(neg, pos, |_, _, _| distinct += 1);
        distinct
    });
    let mut offsets = vec![0];
    counts.iter().for_each(|c| offsets.push(offsets[offsets.len() - 1] + c));
    let total = offsets[offsets.len() - 1];
    let mut t = Tally { keys: scratch(total), pos: scratch(total), neg: scratch(total) };
    let outputs = par::split_at_offsets(&mut t.keys, &offsets)
        .into_iter()
        .zip(par::split_at_offsets(&mut t.pos, &offsets))
        .zip(par::split_at_offsets(&mut t.neg, &offsets));
    let mut work: Vec<_> = buckets.into_iter().zip(outputs).collect();
    par::map_each(&mut work, len, |((neg, pos), ((keys, wp), wn))| {
        let mut at = 0;
        merge_runs(neg, pos, |key, p, n| {
            (keys[at], wp[at], wn[at]) = (key, p, n);
            at += 1;
        });
    });
    t
}

/// Walks the negatives and positives of one bucket (each sorted by key, descending) as runs of
/// equal keys, calling `emit(key, positive weight, negative weight)` per run.
fn merge_runs<I: Item>(neg: &[I], pos: &[I], mut emit: impl FnMut(u64, f64, f64)) {
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
            emit(key, wp.to_f64(), wn.to_f64());
        }
    }
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
        assert_eq!(*t.pos, [1.0, 1.0, 1.0, 0.0]);
        assert_eq!(*t.neg, [0.0, 1.0, 1.0, 1.0]);
        // Weighted sums come scaled by the power of two that brings the largest weight to [1, 2)
        // (check::weight_scale): here ¼.
        let w = tally(&labels, &scores, Some(&[2.0, 3.0, 0.5, 1.0, 1.0, 4.0])).unwrap();
        assert_eq!(*w.pos, [0.5 / 4.0, 2.0 / 4.0, 4.0 / 4.0, 0.0]);
        assert_eq!(*w.neg, [0.0, 3.0 / 4.0, 1.0 / 4.0, 1.0 / 4.0]);
        let zero = tally(&labels, &scores, Some(&[1.0, 1.0, 0.0, 1.0, 1.0, 1.0])).unwrap();
        assert_eq!(*zero.pos, [1.0, 1.0, 0.0]);
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
