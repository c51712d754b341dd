//! Beyond-accuracy metrics of recommendation lists: what the top-K lists recommend, not whether
//! they hit. Catalog coverage, novelty, average recommendation popularity (ARP), intra-list
//! diversity (ILD) and the Gini coefficient of item exposure, in one pass over the lists.
//! Items are u32 keys; the item tables (catalog, popularity counts, categories, embeddings) are
//! joined to the lists by key. Definitions on [`beyond_accuracy`] and in docs/conventions.md.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::util::{check, par, Score};
use crate::{Error, Result};

/// Lists per chunk of the per-list sums: fixed, so the sums (folded in chunk order) do not
/// depend on the thread count.
const CHUNK: usize = 1024;

/// Top-K lists in CSR form: list `u` is `items[offsets[u]..offsets[u + 1]]` (a [users, K]
/// matrix has offsets 0, K, 2K, …). Lists may differ in length, and may be empty.
#[derive(Clone, Copy)]
pub struct Lists<'a> {
    pub items: &'a [u32],
    pub offsets: &'a [u32],
}

/// The item universe coverage and the Gini coefficient are measured against.
#[derive(Clone, Copy)]
pub enum Catalog<'a> {
    /// None given: the popularity table's items if there is one, else unknown.
    Unknown,
    /// Its number of items.
    Size(usize),
    /// Its items (repeats count once); every recommended item must be one of them.
    Items(&'a [u32]),
}

/// Training popularity: `counts[r]` users interacted with item `items[r]`, out of `users`
/// training users (NaN when not given: no novelty).
#[derive(Clone, Copy)]
pub struct Popularity<'a> {
    pub items: &'a [u32],
    pub counts: &'a [f64],
    pub users: f64,
}

/// Distance between two items' category sets A and B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryDistance {
    /// 1 − |A ∩ B| / |A ∪ B|.
    Jaccard,
    /// 1 − |A ∩ B| / √(|A|·|B|): the cosine distance of the sets' 0/1 (one-hot) vectors.
    Cosine,
}

impl CategoryDistance {
    pub fn parse(s: &str) -> Result<CategoryDistance> {
        match s {
            "jaccard" => Ok(CategoryDistance::Jaccard),
            "cosine" => Ok(CategoryDistance::Cosine),
            _ => Err(Error::new("categoryDistance", format!("is {s:?}; expected 'jaccard' or 'cosine'"))),
        }
    }
}

/// What ILD measures distances between items with.
#[derive(Clone, Copy)]
pub enum Features<'a, S> {
    None,
    /// Item `items[r]` has categories `categories[offsets[r]..offsets[r + 1]]` (at least one;
    /// repeats count once).
    Categories { items: &'a [u32], offsets: &'a [u32], categories: &'a [u32], distance: CategoryDistance },
    /// Item `items[r]` has the vector `vectors[r·width..(r + 1)·width]`; distance 1 − cos.
    Embeddings { items: &'a [u32], vectors: &'a [S], width: usize },
}

/// The metrics of a set of lists; NaN where an input is missing or nothing is averaged.
#[derive(Debug, Clone, PartialEq)]
pub struct BeyondReport {
    pub lists: usize,
    /// Items in all lists (the total exposure).
    pub recommendations: usize,
    /// Distinct recommended items.
    pub distinct_items: usize,
    /// The catalog's size, if known.
    pub catalog_size: Option<usize>,
    pub coverage: f64,
    pub gini: f64,
    pub novelty: f64,
    pub arp: f64,
    pub ild: f64,
    /// Lists without items: left out of novelty and ARP.
    pub empty_lists: usize,
    /// Lists with fewer than two items: left out of ILD.
    pub short_lists: usize,
}

/// Catalog coverage, novelty, ARP, ILD and the exposure Gini of top-K recommendation lists.
///
/// With U the lists (users), L_u list u, I the catalog, and the means over lists taken over the
/// lists each metric can score (each list weighs the same, however long):
///
/// - **Catalog coverage** `|∪_u L_u| / |I|`: the share of the catalog recommended to anyone
///   (Ge, Delgado-Battenfeld & Jannach 2010, "prediction coverage"; Adomavicius & Kwon 2012 call
///   the numerator aggregate diversity; RecBole's `ItemCoverage`). |I| is `catalog`'s size, its
///   distinct items, or else the popularity table's items; without any of them, NaN.
/// - **Novelty** `mean_u (1/|L_u|)·Σ_{i∈L_u} −log2(k_i / M)`: the mean self-information of the
///   recommended items (Zhou et al. 2010, PNAS), k_i the training users who interacted with i
///   and M = `users` the training users, so k_i/M is the share of users who know i. Higher:
///   less popular items. `recmetrics.novelty` computes the same for lists of equal length. A
///   recommended item with k_i = 0 (infinite self-information) is an error.
/// - **ARP** `mean_u (1/|L_u|)·Σ_{i∈L_u} k_i`: average recommendation popularity, in raw counts
///   (Abdollahpouri, Burke & Mobasher 2019; RecBole's `AveragePopularity`).
/// - **ILD** `mean_u (2/(|L_u|(|L_u| − 1)))·Σ_{a<b} d(L_u[a], L_u[b])`: the mean pairwise
///   distance within a list (Ziegler et al. 2005 sum the similarities, Smyth & McClave 2001 and
///   Vargas & Castells 2011 average the distances as here). d is [`CategoryDistance`] between
///   category sets (one category each: 0 if the same, else 1), or 1 − cos(e_a, e_b) between
///   embeddings (`1 − recmetrics.intra_list_similarity`). Lists shorter than 2 have no pairs:
///   they are left out and counted (`short_lists`).
/// - **Exposure Gini** `Σ_{j=1..n} (2j − n − 1)·x_(j) / (n·Σ_j x_j)`, x_(1) ≤ … ≤ x_(n) the
///   times each of the n catalog items is recommended, never-recommended items counting 0: the
///   Gini coefficient of the Lorenz curve of exposure (Fleder & Hosanagar 2009; Adomavicius &
///   Kwon 2012; RecBole's `GiniIndex`, which this equals). 0: every item equally exposed; near
///   1: a few items take all exposure. Without a catalog, n is the distinct recommended items.
///   Computed in exact integer arithmetic, then divided once.
///
/// **Ties** do not arise: no metric depends on the order within a list. An item repeated in a
/// list counts each time (its exposure, its self-information, its pairs, at distance 0).
///
/// **Edge cases.** Empty lists are left out of novelty and ARP and counted (`empty_lists`); no
/// list scored gives NaN, and no recommendation at all gives a Gini of NaN. Errors name the
/// argument and, for an item, the list and position where it first occurs: a recommended item
/// missing from `catalog`, from the popularity table, or from the categories or embeddings;
/// `catalog` given as a size smaller than the distinct recommended items; a table listing an
/// item twice; counts negative, not finite, or (with `users`) above `users`; an item with no
/// category; a zero or non-finite embedding of a recommended item.
///
/// References: Zhou et al. (2010), "Solving the apparent diversity–accuracy dilemma of
/// recommender systems", PNAS 107(10); Ziegler, McNee, Konstan & Lausen (2005), "Improving
/// recommendation lists through topic diversification", WWW; Smyth & McClave (2001),
/// "Similarity vs. diversity", ICCBR; Vargas & Castells (2011), "Rank and relevance in novelty
/// and diversity metrics for recommender systems", RecSys; Ge, Delgado-Battenfeld & Jannach
/// (2010), "Beyond accuracy: evaluating recommender systems by coverage and serendipity",
/// RecSys; Fleder & Hosanagar (2009), "Blockbuster culture's next rise or fall", Management
/// Science; Adomavicius & Kwon (2012), "Improving aggregate recommendation diversity using
/// ranking-based techniques", TKDE; Abdollahpouri, Burke & Mobasher (2019), "Managing
/// popularity bias in recommender systems with personalized re-ranking", FLAIRS. Code: RecBole
/// 1.2.1 `recbole/evaluator/metrics.py`; recmetrics 0.1.5 `recmetrics/metrics.py`.
pub fn beyond_accuracy<S: Score>(lists: Lists, catalog: Catalog, popularity: Option<Popularity>, features: Features<S>) -> Result<BeyondReport> {
    check_lists(lists)?;
    let pop = popularity.map(PopularityTable::new).transpose()?;
    let table = FeatureTable::new(&features)?;
    let (keys, exposure) = exposure(lists.items);
    let catalog_size = match catalog {
        Catalog::Size(n) if n < keys.len() => {
            return Err(Error::new("catalogSize", format!("is {n}, fewer than the {} distinct recommended items", keys.len())));
        }
        Catalog::Size(n) => Some(n),
        Catalog::Items(items) => {
            let known: KeyMap = items.iter().map(|&k| (k, 0)).collect();
            if let Some(&k) = keys.iter().find(|k| !known.contains_key(k)) {
                return Err(Error::new("catalog", format!("{} is item {k}, which is not in catalog", position(lists, k))));
            }
            Some(known.len())
        }
        Catalog::Unknown => pop.as_ref().map(|p| p.rows.len()),
    };

    let mut bounds: Vec<(usize, usize)> = (0..(lists.offsets.len() - 1).div_ceil(CHUNK)).map(|c| (c * CHUNK, ((c + 1) * CHUNK).min(lists.offsets.len() - 1))).collect();
    let vectors = match features {
        Features::Embeddings { vectors, .. } => vectors,
        _ => &[],
    };
    let parts = par::map_each(&mut bounds, lists.items.len(), |&mut (a, b)| sums(lists, a, b, pop.as_ref(), &table, vectors));
    let mut s = Sums::default();
    for part in parts {
        s.add(&part?);
    }

    let n_lists = lists.offsets.len() - 1;
    let mean = |sum: f64, n: usize| if n > 0 { sum / n as f64 } else { f64::NAN };
    let scored = n_lists - s.empty;
    let with_popularity = |x: f64| if pop.is_some() { mean(x, scored) } else { f64::NAN };
    Ok(BeyondReport {
        lists: n_lists,
        recommendations: lists.items.len(),
        distinct_items: keys.len(),
        catalog_size,
        coverage: catalog_size.map_or(f64::NAN, |n| keys.len() as f64 / n as f64),
        gini: gini(&exposure, catalog_size.unwrap_or(keys.len())),
        novelty: if pop.as_ref().is_some_and(|p| p.information.is_some()) { mean(s.novelty, scored) } else { f64::NAN },
        arp: with_popularity(s.arp),
        ild: if matches!(table, FeatureTable::None) { f64::NAN } else { mean(s.ild, n_lists - s.short) },
        empty_lists: s.empty,
        short_lists: s.short,
    })
}

/// `Σ_j (2j − n − 1)·x_(j) / (n·Σx)` over the recommended items' exposures `x` and n − |x|
/// zeros. The numerator is exact (i128): the zeros take ranks 1…n − |x|.
fn gini(exposure: &[u64], n: usize) -> f64 {
    let total: u64 = exposure.iter().sum();
    if total == 0 {
        return f64::NAN;
    }
    let mut x = exposure.to_vec();
    x.sort_unstable();
    let zeros = (n - x.len()) as i128;
    let numerator: i128 = x.iter().enumerate().map(|(t, &x)| (2 * (zeros + t as i128 + 1) - n as i128 - 1) * x as i128).sum();
    numerator as f64 / (n as f64 * total as f64)
}

/// The distinct items in order of first appearance, and how often each is recommended.
fn exposure(items: &[u32]) -> (Vec<u32>, Vec<u64>) {
    let mut index = KeyMap::default();
    let (mut keys, mut counts) = (Vec::new(), Vec::<u64>::new());
    for &k in items {
        let at = *index.entry(k).or_insert_with(|| {
            keys.push(k);
            counts.push(0);
            keys.len() as u32 - 1
        });
        counts[at as usize] += 1;
    }
    (keys, counts)
}

fn check_lists(lists: Lists) -> Result<()> {
    let o = lists.offsets;
    if o.first() != Some(&0) || o.windows(2).any(|w| w[0] > w[1]) || *o.last().unwrap() as usize != lists.items.len() {
        return Err(Error::new("lists", "offsets must rise from 0 to the number of items"));
    }
    Ok(())
}

/// `lists[u][j]`, where item `key` first occurs.
fn position(lists: Lists, key: u32) -> String {
    let p = lists.items.iter().position(|&k| k == key).expect("a recommended item");
    let u = lists.offsets.partition_point(|&o| o as usize <= p) - 1;
    format!("lists[{u}][{}]", p - lists.offsets[u] as usize)
}

/// The per-list sums of one chunk of lists.
#[derive(Default)]
struct Sums {
    novelty: f64,
    arp: f64,
    ild: f64,
    empty: usize,
    short: usize,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.novelty += o.novelty;
        self.arp += o.arp;
        self.ild += o.ild;
        self.empty += o.empty;
        self.short += o.short;
    }
}

/// Lists `a..b`: each list's mean self-information, mean count and ILD, summed.
fn sums<S: Score>(lists: Lists, a: usize, b: usize, pop: Option<&PopularityTable>, table: &FeatureTable, vectors: &[S]) -> Result<Sums> {
    let mut s = Sums::default();
    let mut rows: Vec<u32> = Vec::new();
    let mut scratch: Vec<f64> = Vec::new();
    for u in a..b {
        let list = &lists.items[lists.offsets[u] as usize..lists.offsets[u + 1] as usize];
        let at = |j: usize| format!("lists[{u}][{j}]");
        if list.is_empty() {
            s.empty += 1;
        } else if let Some(p) = pop {
            let (mut information, mut count) = (0.0, 0.0);
            for (j, &k) in list.iter().enumerate() {
                let r = *p.rows.get(&k).ok_or_else(|| Error::new("popularity", format!("{} is item {k}, which has no count", at(j))))? as usize;
                if let Some(info) = &p.information {
                    if p.counts[r] == 0.0 {
                        return Err(Error::new("popularity", format!("{} is item {k}, whose count is 0: its self-information −log2(0 / users) is infinite (smooth the counts, e.g. add 1, to score it)", at(j))));
                    }
                    information += info[r];
                }
                count += p.counts[r];
            }
            s.novelty += information / list.len() as f64;
            s.arp += count / list.len() as f64;
        }
        if let Some(rows_of) = table.rows() {
            let what = if matches!(table, FeatureTable::Embeddings { .. }) { "embeddings" } else { "categories" };
            rows.clear();
            for (j, &k) in list.iter().enumerate() {
                rows.push(*rows_of.get(&k).ok_or_else(|| Error::new(what, format!("{} is item {k}, which is not in {what}", at(j))))?);
                if let FeatureTable::Embeddings { inv_norms, .. } = table {
                    if inv_norms[rows[j] as usize] == 0.0 {
                        return Err(Error::new("embeddings", format!("{} is item {k}, whose embedding is all zeros: its cosine distance is undefined", at(j))));
                    }
                }
            }
            if list.len() < 2 {
                s.short += 1;
            } else {
                s.ild += table.diversity(&rows, vectors, &mut scratch);
            }
        } else if list.len() < 2 {
            s.short += 1;
        }
    }
    Ok(s)
}

/// A hasher for u32 keys (Fibonacci hashing, high bits folded down): no random state, no SipHash.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(b as u32 ^ (self.0 as u32).rotate_left(8));
        }
    }
    fn write_u32(&mut self, k: u32) {
        let h = (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Item key → row of its table.
type KeyMap = HashMap<u32, u32, BuildHasherDefault<KeyHasher>>;

/// The rows of a table by item; an item listed twice is an error naming the table.
fn index(arg: &'static str, items: &[u32]) -> Result<KeyMap> {
    let mut map = KeyMap::with_capacity_and_hasher(items.len(), Default::default());
    for (r, &k) in items.iter().enumerate() {
        if map.insert(k, r as u32).is_some() {
            return Err(Error::new(arg, format!("item {k} is listed twice")));
        }
    }
    Ok(map)
}

struct PopularityTable<'a> {
    rows: KeyMap,
    counts: &'a [f64],
    /// −log2(k / users) per row, when `users` is given.
    information: Option<Vec<f64>>,
}

impl<'a> PopularityTable<'a> {
    fn new(p: Popularity<'a>) -> Result<Self> {
        check::same_length_as("popularity", p.counts.len(), p.items.len(), "one count per item")?;
        let rows = index("popularity", p.items)?;
        if let Some(r) = p.counts.iter().position(|c| !(c.is_finite() && *c >= 0.0)) {
            return Err(Error::new("popularity", format!("item {} has count {}; counts must be finite and >= 0", p.items[r], p.counts[r])));
        }
        let information = if p.users.is_nan() {
            None
        } else {
            check::positive_param("users", p.users)?;
            if let Some(r) = p.counts.iter().position(|&c| c > p.users) {
                return Err(Error::new("popularity", format!("item {} has count {}, more than users ({}): counts are the users who interacted with the item", p.items[r], p.counts[r], p.users)));
            }
            // libm's log2, not the platform's: the same bits on native and wasm.
            Some(p.counts.iter().map(|&c| -libm::log2(c / p.users)).collect())
        };
        Ok(PopularityTable { rows, counts: p.counts, information })
    }
}

enum FeatureTable {
    None,
    /// Each row's categories sorted, repeats removed: row r is `sets[starts[r]..starts[r + 1]]`.
    Categories { rows: KeyMap, starts: Vec<usize>, sets: Vec<u32>, one_each: bool, distance: CategoryDistance },
    /// 1/‖e‖ per row (0 for a zero vector).
    Embeddings { rows: KeyMap, inv_norms: Vec<f64>, width: usize },
}

impl FeatureTable {
    fn new<S: Score>(features: &Features<S>) -> Result<Self> {
        Ok(match *features {
            Features::None => FeatureTable::None,
            Features::Categories { items, offsets, categories, distance } => {
                if offsets.len() != items.len() + 1 || offsets[0] != 0 || offsets.windows(2).any(|w| w[0] > w[1]) || offsets[items.len()] as usize != categories.len() {
                    return Err(Error::new("categories", "offsets must rise from 0 to the number of categories, one per item and one more"));
                }
                let (mut starts, mut sets) = (vec![0], Vec::with_capacity(categories.len()));
                for (r, w) in offsets.windows(2).enumerate() {
                    let mut set = categories[w[0] as usize..w[1] as usize].to_vec();
                    set.sort_unstable();
                    set.dedup();
                    if set.is_empty() {
                        return Err(Error::new("categories", format!("item {} has no category", items[r])));
                    }
                    sets.extend(set);
                    starts.push(sets.len());
                }
                let one_each = sets.len() == items.len();
                FeatureTable::Categories { rows: index("categories", items)?, starts, sets, one_each, distance }
            }
            Features::Embeddings { items, vectors, width } => {
                if width == 0 || vectors.len() != items.len() * width {
                    return Err(Error::new("embeddings", format!("has {} values, expected {} items × {width}", vectors.len(), items.len())));
                }
                check::finite("embeddings", vectors)?;
                let inv_norms = vectors.chunks_exact(width).map(inv_norm).collect();
                FeatureTable::Embeddings { rows: index("embeddings", items)?, inv_norms, width }
            }
        })
    }

    fn rows(&self) -> Option<&KeyMap> {
        match self {
            FeatureTable::None => None,
            FeatureTable::Categories { rows, .. } | FeatureTable::Embeddings { rows, .. } => Some(rows),
        }
    }

    /// The mean pairwise distance between the items at table rows `rows` (two or more).
    fn diversity<S: Score>(&self, rows: &[u32], vectors: &[S], scratch: &mut Vec<f64>) -> f64 {
        let l = rows.len() as f64;
        let pairs = l * (l - 1.0) / 2.0;
        match self {
            FeatureTable::None => f64::NAN,
            FeatureTable::Categories { one_each: true, sets, .. } => {
                // One category each: the distance is 1 unless equal, so count equal pairs.
                let mut c: Vec<u32> = rows.iter().map(|&r| sets[r as usize]).collect();
                c.sort_unstable();
                let same: usize = c.chunk_by(|a, b| a == b).map(|run| run.len() * (run.len() - 1) / 2).sum();
                1.0 - same as f64 / pairs
            }
            FeatureTable::Categories { starts, sets, distance, .. } => {
                let set = |r: u32| &sets[starts[r as usize]..starts[r as usize + 1]];
                let mut total = 0.0;
                for (a, &ra) in rows.iter().enumerate() {
                    for &rb in &rows[a + 1..] {
                        let (x, y) = (set(ra), set(rb));
                        let common = intersection(x, y) as f64;
                        total += match distance {
                            CategoryDistance::Jaccard => 1.0 - common / ((x.len() + y.len()) as f64 - common),
                            CategoryDistance::Cosine => 1.0 - common / ((x.len() * y.len()) as f64).sqrt(),
                        };
                    }
                }
                total / pairs
            }
            FeatureTable::Embeddings { inv_norms, width, .. } => {
                // Σ_{a≠b} cos(e_a, e_b) = ‖Σ_a ê_a‖² − Σ_a ‖ê_a‖², ê = e/‖e‖: O(L·width), not O(L²·width).
                scratch.clear();
                scratch.resize(*width, 0.0);
                let mut own = 0.0;
                for &r in rows {
                    let (v, k) = (&vectors[r as usize * width..(r as usize + 1) * width], inv_norms[r as usize]);
                    for (s, x) in scratch.iter_mut().zip(v) {
                        let e = x.to_f64() * k;
                        *s += e;
                        own += e * e;
                    }
                }
                let sum: f64 = scratch.iter().map(|s| s * s).sum();
                1.0 - (sum - own) / (2.0 * pairs)
            }
        }
    }
}

/// |A ∩ B| of two sorted sets.
fn intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j, n) = (i + 1, j + 1, n + 1),
        }
    }
    n
}

/// 1/‖v‖ in f64, scaled by the largest |v_i| so that neither overflows nor underflows; 0 for a
/// zero vector.
fn inv_norm<S: Score>(v: &[S]) -> f64 {
    let m = v.iter().fold(0.0f64, |m, x| m.max(x.to_f64().abs()));
    if m == 0.0 {
        return 0.0;
    }
    let s: f64 = v.iter().map(|x| (x.to_f64() / m) * (x.to_f64() / m)).sum();
    1.0 / (m * s.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Features<'static, f64> = Features::None;
    type Cats<'a> = Features<'a, f64>;

    fn lists<'a>(items: &'a [u32], offsets: &'a [u32]) -> Lists<'a> {
        Lists { items, offsets }
    }

    #[test]
    fn coverage_and_gini_by_hand() {
        // Lists [1, 2], [1, 3]: exposure 1 → 2, 2 → 1, 3 → 1; catalog of 5 adds two zeros.
        // Sorted x = 0, 0, 1, 1, 2: Σ (2j − 6)·x_j = 0·1 + 2·1 + 4·2 = 10, over 5·4: 0.5.
        let l = lists(&[1, 2, 1, 3], &[0, 2, 4]);
        let r = beyond_accuracy(l, Catalog::Size(5), None, NONE).unwrap();
        assert_eq!((r.distinct_items, r.recommendations, r.coverage, r.gini), (3, 4, 0.6, 0.5));
        // Without a catalog, over the 3 recommended items: x = 1, 1, 2: (−2 + 0 + 2·2) / (3·4).
        let r = beyond_accuracy(l, Catalog::Unknown, None, NONE).unwrap();
        assert!(r.coverage.is_nan() && r.novelty.is_nan() && r.ild.is_nan());
        assert_eq!(r.gini, 2.0 / 12.0);
        // A catalog given as items, repeats counting once.
        let r = beyond_accuracy(l, Catalog::Items(&[3, 1, 2, 9, 9, 7]), None, NONE).unwrap();
        assert_eq!((r.catalog_size, r.coverage), (Some(5), 0.6));
        // Equal exposure: 0.
        assert_eq!(beyond_accuracy(lists(&[4, 5, 5, 4], &[0, 2, 4]), Catalog::Size(2), None, NONE).unwrap().gini, 0.0);
    }

    #[test]
    fn novelty_and_arp_by_hand() {
        // 8 training users; counts 1 → 8, 2 → 2, 3 → 1: self-information 0, 2, 3 bits.
        // Lists [1, 2] (1 bit mean, ARP 5), [3] (3 bits, ARP 1), [] (skipped).
        let pop = Popularity { items: &[3, 1, 2], counts: &[1.0, 8.0, 2.0], users: 8.0 };
        let r = beyond_accuracy(lists(&[1, 2, 3], &[0, 2, 3, 3]), Catalog::Unknown, Some(pop), NONE).unwrap();
        assert_eq!((r.novelty, r.arp, r.empty_lists, r.catalog_size), (2.0, 3.0, 1, Some(3)));
        // Without users: ARP only.
        let r = beyond_accuracy(lists(&[1, 2, 3], &[0, 2, 3, 3]), Catalog::Unknown, Some(Popularity { users: f64::NAN, ..pop }), NONE).unwrap();
        assert!(r.novelty.is_nan());
        assert_eq!(r.arp, 3.0);
    }

    #[test]
    fn ild_of_categories_by_hand() {
        // Items 1, 2 in category 7, item 3 in 8. [1, 2, 3]: pairs (1,2) 0, (1,3) 1, (2,3) 1 → 2/3.
        // [1, 3] → 1. [2] is too short: left out and counted.
        let f = Cats::Categories { items: &[1, 2, 3], offsets: &[0, 1, 2, 3], categories: &[7, 7, 8], distance: CategoryDistance::Jaccard };
        let r = beyond_accuracy(lists(&[1, 2, 3, 1, 3, 2], &[0, 3, 5, 6]), Catalog::Unknown, None, f).unwrap();
        assert_eq!(r.short_lists, 1);
        assert!((r.ild - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-15);
        // Sets {a, b}, {b}, {c}: Jaccard 1 − 1/2, 1, 1 → 5/6; cosine 1 − 1/√2, 1, 1.
        for (distance, expected) in [(CategoryDistance::Jaccard, 2.5 / 3.0), (CategoryDistance::Cosine, (3.0 - 0.5f64.sqrt()) / 3.0)] {
            let f = Cats::Categories { items: &[1, 2, 3], offsets: &[0, 3, 4, 5], categories: &[11, 10, 10, 11, 12], distance };
            let r = beyond_accuracy(lists(&[1, 2, 3], &[0, 3]), Catalog::Unknown, None, f).unwrap();
            assert!((r.ild - expected).abs() < 1e-15, "{distance:?}: {}", r.ild);
        }
    }

    #[test]
    fn ild_of_embeddings_equals_the_pairwise_definition() {
        // e1 = (1, 0), e2 = (0, 2), e3 = (1, 1): cos 0, 1/√2, 1/√2 → distances 1, 1 − 1/√2, 1 − 1/√2.
        let v = [1.0f32, 0.0, 0.0, 2.0, 1.0, 1.0];
        let f = Features::Embeddings { items: &[1, 2, 3], vectors: &v, width: 2 };
        let r = beyond_accuracy(lists(&[1, 2, 3], &[0, 3]), Catalog::Unknown, None, f).unwrap();
        assert!((r.ild - (3.0 - 2.0 / 2f64.sqrt()) / 3.0).abs() < 1e-15);
        // Huge and tiny vectors normalise without overflow.
        let v = [1e300, 0.0, 1e-300, 1e-300];
        let f = Features::Embeddings { items: &[1, 2], vectors: &v, width: 2 };
        let r = beyond_accuracy(lists(&[1, 2], &[0, 2]), Catalog::Unknown, None, f).unwrap();
        assert!((r.ild - (1.0 - 1.0 / 2f64.sqrt())).abs() < 1e-15);
    }

    #[test]
    fn many_lists_split_in_chunks_give_the_sequential_sums() {
        // 5000 lists (five chunks) of lengths 0..6 over 50 items, one category per item mod 4.
        let (mut items, mut offsets) = (Vec::new(), vec![0u32]);
        for u in 0..5000u32 {
            for j in 0..u % 6 {
                items.push((u * 7 + j * 13) % 50);
            }
            offsets.push(items.len() as u32);
        }
        let keys: Vec<u32> = (0..50).collect();
        let cats: Vec<u32> = keys.iter().map(|k| k % 4).collect();
        let offs: Vec<u32> = (0..=50).collect();
        let f = Cats::Categories { items: &keys, offsets: &offs, categories: &cats, distance: CategoryDistance::Jaccard };
        let r = beyond_accuracy(lists(&items, &offsets), Catalog::Size(60), None, f).unwrap();
        let (mut sum, mut n) = (0.0, 0);
        for u in 0..5000 {
            let l = &items[offsets[u] as usize..offsets[u + 1] as usize];
            if l.len() >= 2 {
                let (mut d, mut p) = (0.0, 0.0);
                for a in 0..l.len() {
                    for b in a + 1..l.len() {
                        d += (l[a] % 4 != l[b] % 4) as u8 as f64;
                        p += 1.0;
                    }
                }
                sum += d / p;
                n += 1;
            }
        }
        assert_eq!(r.short_lists, 5000 - n);
        assert!((r.ild - sum / n as f64).abs() < 1e-12);
        assert_eq!(r.distinct_items, 50);
    }

    #[test]
    fn errors_name_the_argument_and_the_item() {
        let l = lists(&[1, 2, 1, 3], &[0, 2, 4]);
        let msg = |r: Result<BeyondReport>| r.unwrap_err().to_string();
        assert_eq!(msg(beyond_accuracy(l, Catalog::Size(2), None, NONE)), "catalogSize: is 2, fewer than the 3 distinct recommended items");
        assert_eq!(msg(beyond_accuracy(l, Catalog::Items(&[1, 2]), None, NONE)), "catalog: lists[1][1] is item 3, which is not in catalog");
        let pop = Popularity { items: &[1, 2], counts: &[3.0, 1.0], users: 4.0 };
        assert_eq!(msg(beyond_accuracy(l, Catalog::Unknown, Some(pop), NONE)), "popularity: lists[1][1] is item 3, which has no count");
        let pop = Popularity { items: &[1, 2, 3], counts: &[3.0, 0.0, 1.0], users: 4.0 };
        assert!(msg(beyond_accuracy(l, Catalog::Unknown, Some(pop), NONE)).starts_with("popularity: lists[0][1] is item 2, whose count is 0"));
        // Count 0 is fine for ARP alone.
        assert_eq!(beyond_accuracy(l, Catalog::Unknown, Some(Popularity { users: f64::NAN, ..pop }), NONE).unwrap().arp, 1.75);
        let pop = Popularity { items: &[1, 2, 3], counts: &[5.0, 1.0, 1.0], users: 4.0 };
        assert!(msg(beyond_accuracy(l, Catalog::Unknown, Some(pop), NONE)).starts_with("popularity: item 1 has count 5, more than users (4)"));
        let pop = Popularity { items: &[1, 2, 1], counts: &[1.0, 1.0, 1.0], users: 4.0 };
        assert_eq!(msg(beyond_accuracy(l, Catalog::Unknown, Some(pop), NONE)), "popularity: item 1 is listed twice");
        let f = Features::Embeddings { items: &[1, 2, 3], vectors: &[1.0, 0.0, 0.0, 0.0, 1.0, 1.0], width: 2 };
        assert_eq!(msg(beyond_accuracy(l, Catalog::Unknown, None, f)), "embeddings: lists[0][1] is item 2, whose embedding is all zeros: its cosine distance is undefined");
        let f = Features::Embeddings { items: &[1, 2, 3], vectors: &[1.0, 0.0, 0.0], width: 2 };
        assert_eq!(msg(beyond_accuracy(l, Catalog::Unknown, None, f)), "embeddings: has 3 values, expected 3 items × 2");
        let f = Cats::Categories { items: &[1, 2], offsets: &[0, 1, 2], categories: &[0, 0], distance: CategoryDistance::Jaccard };
        assert_eq!(msg(beyond_accuracy(l, Catalog::Unknown, None, f)), "categories: lists[1][1] is item 3, which is not in categories");
        assert_eq!(msg(beyond_accuracy(lists(&[1], &[0, 2]), Catalog::Unknown, None, NONE)), "lists: offsets must rise from 0 to the number of items");
    }
}
