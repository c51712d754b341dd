//! The beyond-accuracy kernel (crates/core/src/metrics/beyond.rs): one call scores every metric
//! whose inputs are given.

use super::Scores;
use crate::metrics::{beyond_accuracy as beyond, Catalog, CategoryDistance, Features, Lists, Popularity};
use crate::{with_scores, Error, Result};

/// `[lists, recommendations, distinctItems, catalogSize, coverage, gini, novelty, arp, ild,
/// emptyLists, shortLists]`, NaN where an input is missing. The lists are CSR (`items`,
/// `offsets`); `catalog` the catalog's items; `popularItems` and `counts` the popularity table.
/// Features are keyed by `featureItems`: categories in CSR (`categoryOffsets`, `categories`) with
/// `distance`, or else `embeddings` (row-major, `width` columns; empty without embeddings).
/// `params`: `[catalogSize, users, width]`, NaN for none.
#[inline]
#[allow(clippy::too_many_arguments)] // the kernel table's arguments, one per array
pub fn beyond_accuracy(
    items: &[u32], offsets: &[u32], catalog: Option<&[u32]>, popular_items: Option<&[u32]>, counts: Option<&[f64]>, feature_items: Option<&[u32]>,
    category_offsets: Option<&[u32]>, categories: Option<&[u32]>, embeddings: Scores, distance: &str, params: &[f64],
) -> Result<Vec<f64>> {
    let &[catalog_size, users, width] = params else { return Err(Error::new("params", "must be [catalogSize, users, width]")) };
    let lists = Lists { items, offsets };
    let catalog = match catalog {
        Some(items) => Catalog::Items(items),
        None if catalog_size.is_nan() => Catalog::Unknown,
        None if catalog_size >= 1.0 && catalog_size.fract() == 0.0 && catalog_size <= usize::MAX as f64 => Catalog::Size(catalog_size as usize),
        None => return Err(Error::new("catalogSize", format!("is {catalog_size}; it must be an integer >= 1"))),
    };
    let popularity = match (popular_items, counts) {
        (Some(items), Some(counts)) => Some(Popularity { items, counts, users }),
        (None, None) => None,
        _ => return Err(Error::new("popularity", "needs both its items and their counts")),
    };
    let r = with_scores!(embeddings, |vectors| {
        let features = match (feature_items, category_offsets, categories) {
            (None, _, _) => Features::None,
            (Some(items), Some(offsets), Some(categories)) => Features::Categories { items, offsets, categories, distance: CategoryDistance::parse(distance)? },
            (Some(items), None, None) => Features::Embeddings { items, vectors, width: width as usize },
            _ => return Err(Error::new("categories", "needs both its offsets and its categories")),
        };
        beyond(lists, catalog, popularity, features)
    })?;
    let count = |n: usize| n as f64;
    Ok(vec![
        count(r.lists), count(r.recommendations), count(r.distinct_items), r.catalog_size.map_or(f64::NAN, count),
        r.coverage, r.gini, r.novelty, r.arp, r.ild, count(r.empty_lists), count(r.short_lists),
    ])
}
