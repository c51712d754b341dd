//! Group AUC: the AUC of each user (or query), averaged with per-group weights.

use crate::metrics::auc::ratio;
use crate::metrics::pairs::count_pairs;
use crate::metrics::groups::Grouped;
use crate::util::scratch::Plain;
use crate::util::{check, Score};
use crate::metrics::groups;
use crate::{Error, Result};

/// How GAUC weighs each group's AUC.
#[derive(Clone, Copy, Debug)]
pub enum GroupWeighting<'a> {
    /// Rows in the group (the DIN paper, XDL, FuxiCTR). The default.
    Impressions,
    /// Positive rows in the group (RecBole).
    Clicks,
    /// Every group alike (EasyRec's default).
    Uniform,
    /// A weight per group id: `weights[i]` belongs to group `groups[i]`.
    Explicit { groups: &'a [u32], weights: &'a [f64] },
}

impl<'a> GroupWeighting<'a> {
    /// The weighting named `name` as the JavaScript API spells it; `explicit` is the
    /// (group ids, weights) table that `"explicit"` needs.
    pub fn parse(name: &str, explicit: Option<(&'a [u32], &'a [f64])>) -> Result<Self> {
        match (name, explicit) {
            ("impressions", _) => Ok(Self::Impressions),
            ("clicks", _) => Ok(Self::Clicks),
            ("uniform", _) => Ok(Self::Uniform),
            ("explicit", Some((groups, weights))) => Ok(Self::Explicit { groups, weights }),
            ("explicit", None) => Err(Error::new("groupWeights", "is required by the explicit weighting")),
            (other, _) => Err(Error::new(
                "weighting",
                format!("unknown weighting {other:?}; expected 'impressions', 'clicks' or 'uniform'"),
            )),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GaucReport {
    /// Σ_g w_g·AUC_g / Σ_g w_g over groups with both classes; NaN when there is none.
    pub value: f64,
    /// Groups that had both classes and were averaged.
    pub groups: usize,
    /// Groups with a single class, skipped (their AUC is undefined).
    pub skipped_groups: usize,
}

/// One row, carried through the sort by group.
#[derive(Clone, Copy, Default)]
struct Row {
    key: u64,
    group: u32,
    label: u8,
}
// SAFETY: integers only (and padding).
unsafe impl Plain for Row {}

impl Grouped for Row {
    fn group(&self) -> u32 {
        self.group
    }
}

/// Group AUC.
///
/// **Definition.** `GAUC = Σ_g w_g·AUC_g / Σ_g w_g` over the groups `g` that contain both a
/// positive and a negative; `AUC_g` is [`crate::metrics::auc`] on the group's rows (ties count ½) and
/// `w_g` follows `weighting`. Groups with one class only are skipped and counted.
///
/// **Groups** are arbitrary `u32` ids; rows of a group need not be contiguous or sorted (XDL
/// requires both; reckit does not). The facade maps strings and wide ids onto `u32` first.
///
/// **Edge cases.** No group with both classes, or zero total weight: NaN. An explicit weighting
/// without a weight for some averaged group is an error naming that group.
///
/// References: Zhou et al. (2018), "Deep Interest Network for Click-Through Rate Prediction",
/// eq. (6); RecBole `GAUC`; EasyRec `gauc`.
pub fn gauc<S: Score>(labels: &[u8], scores: &[S], groups: &[u32], weighting: GroupWeighting) -> Result<GaucReport> {
    check::same_length("scores", scores.len(), labels.len())?;
    check::same_length("groups", groups.len(), labels.len())?;
    check::labels(labels)?;
    check::scores(scores)?; // (its key range is not needed here)
    let explicit = match weighting {
        GroupWeighting::Explicit { groups: ids, weights } => {
            check::same_length("groupWeights", weights.len(), ids.len())?;
            check::weights("groupWeights", weights)?;
            let mut table: Vec<(u32, f64)> = ids.iter().copied().zip(weights.iter().copied()).collect();
            table.sort_unstable_by_key(|e| e.0);
            Some(table)
        }
        _ => None,
    };

    let rows = groups::sort_by_group(groups, |i| Row { key: scores[i].key(), group: groups[i], label: labels[i] });
    let runs = groups::runs(&rows);
    let per_group: Vec<Option<GroupAuc>> = map_groups(&rows, &runs);

    let (mut num, mut den, mut used) = (0.0, 0.0, 0usize);
    for g in per_group.iter().flatten() {
        let w = match (&weighting, &explicit) {
            (GroupWeighting::Impressions, _) => (g.positives + g.negatives) as f64,
            (GroupWeighting::Clicks, _) => g.positives as f64,
            (GroupWeighting::Uniform, _) => 1.0,
            (GroupWeighting::Explicit { .. }, Some(table)) => match table.binary_search_by_key(&g.group, |e| e.0) {
                Ok(i) => table[i].1,
                Err(_) => return Err(Error::new("groupWeights", format!("has no weight for group {}", g.group))),
            },
            (GroupWeighting::Explicit { .. }, None) => unreachable!("explicit weighting builds its table"),
        };
        num += w * g.auc;
        den += w;
        used += 1;
    }
    let value = if used == 0 || den <= 0.0 { f64::NAN } else { num / den };
    Ok(GaucReport { value, groups: used, skipped_groups: runs.len() - used })
}

/// Each group's AUC, in ascending group id order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PerGroup {
    pub groups: Vec<u32>,
    /// NaN for a group with one class only (GAUC skips it).
    pub auc: Vec<f64>,
    pub positives: Vec<u32>,
    pub negatives: Vec<u32>,
}

/// [`gauc`] group by group: the AUCs it averages (same definition, ties and checks), and each
/// group's class counts, for paired tests and the cluster bootstrap.
pub fn gauc_per_group<S: Score>(labels: &[u8], scores: &[S], groups: &[u32]) -> Result<PerGroup> {
    check::same_length("scores", scores.len(), labels.len())?;
    check::same_length("groups", groups.len(), labels.len())?;
    check::labels(labels)?;
    check::scores(scores)?;
    let rows = groups::sort_by_group(groups, |i| Row { key: scores[i].key(), group: groups[i], label: labels[i] });
    let runs = groups::runs(&rows);
    let mut out = PerGroup::default();
    for (&(a, b), g) in runs.iter().zip(map_groups(&rows, &runs)) {
        let positives = rows[a..b].iter().filter(|r| r.label == 1).count() as u32;
        out.groups.push(rows[a].group);
        out.auc.push(g.map_or(f64::NAN, |g| g.auc));
        out.positives.push(positives);
        out.negatives.push((b - a) as u32 - positives);
    }
    Ok(out)
}

struct GroupAuc {
    group: u32,
    auc: f64,
    positives: usize,
    negatives: usize,
}

/// AUC of every group with both classes (None for single-class groups), in group order.
fn map_groups(rows: &[Row], runs: &[(usize, usize)]) -> Vec<Option<GroupAuc>> {
    // Per group: its keys, negatives first, then count_pairs (scratch reused across groups).
    let one = |scratch: &mut (Vec<u64>, Vec<u64>), &(a, b): &(usize, usize)| {
        let (items, spare) = scratch;
        let group = &rows[a..b];
        items.clear();
        items.extend(group.iter().filter(|r| r.label == 0).map(|r| r.key));
        let q = items.len();
        items.extend(group.iter().filter(|r| r.label == 1).map(|r| r.key));
        let p = items.len() - q;
        if p == 0 || q == 0 {
            return None;
        }
        spare.resize(items.len(), 0);
        let counts = count_pairs(items, q, spare);
        Some(GroupAuc { group: group[0].group, auc: ratio(counts, p as u128 * q as u128), positives: p, negatives: q })
    };
    #[cfg(feature = "parallel")]
    if crate::util::par::parallel(rows.len()) {
        use rayon::prelude::*;
        return runs.par_iter().with_min_len(64).map_init(Default::default, one).collect();
    }
    let mut scratch = Default::default();
    runs.iter().map(|r| one(&mut scratch, r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_gauc_example_uniform() {
        // The worked GAUC example (docs/conventions.md#test-oracles), weights {0:1, 1:1, 2:1}.
        let y = [1, 0, 0, 0, 1, 0, 1, 0, 0, 1];
        let p = [0.9, 0.4, 0.3, 0.1, 0.35, 0.6, 0.65, 0.32, 0.8, 0.7];
        let g = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
        // group 0: 1 pos above 2 neg → 1; group 1: pos 0.35 vs 0.1, 0.6 → ½;
        // group 2: pos 0.65, 0.7 vs 0.32, 0.8 → (1 + 1) / 4 = ½.
        let r = gauc(&y, &p, &g, GroupWeighting::Uniform).unwrap();
        assert!((r.value - 2.0 / 3.0).abs() < 1e-15);
        let e = gauc(&y, &p, &g, GroupWeighting::Explicit { groups: &[2, 0, 1], weights: &[1.0, 1.0, 1.0] }).unwrap();
        assert_eq!(e.value, r.value);
        let imp = gauc(&y, &p, &g, GroupWeighting::Impressions).unwrap();
        assert!((imp.value - (3.0 * 1.0 + 3.0 * 0.5 + 4.0 * 0.5) / 10.0).abs() < 1e-15);
    }

    #[test]
    fn skips_single_class_groups_and_sorts_wide_ids() {
        let y = [1, 0, 1, 1, 0, 1];
        let s = [0.9f32, 0.1, 0.5, 0.6, 0.7, 0.2];
        let g = [u32::MAX, u32::MAX, 7, 7, 1 << 20, 1 << 20];
        let r = gauc(&y, &s, &g, GroupWeighting::Clicks).unwrap();
        assert_eq!((r.groups, r.skipped_groups), (2, 1));
        assert_eq!(r.value, 0.5); // group MAX: 1, group 2^20: 0, one click each
        let missing = gauc(&y, &s, &g, GroupWeighting::Explicit { groups: &[7], weights: &[1.0] });
        assert_eq!(missing.unwrap_err().arg, "groupWeights");
        assert!(gauc(&[1, 1], &[0.1, 0.2], &[0, 1], GroupWeighting::Uniform).unwrap().value.is_nan());
    }
}
