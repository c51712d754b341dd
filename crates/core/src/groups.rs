//! Rows ordered by group (user, query) id, for the per-group metrics (GAUC, ranking @K).

use crate::par;
use crate::scratch::{scratch, Plain, Scratch};

/// A row that knows its group.
pub(crate) trait Grouped: Plain {
    fn group(&self) -> u32;
}

/// Rows `make(0..n)` ordered by group id: an LSD radix sort on the id's bytes, skipping bytes
/// that are the same in every id (a 256-way scatter per varying byte; ids below 2¹⁶ take two
/// passes). The sort is stable, so rows of a group keep their input order — the ranking
/// metrics rely on that to break score ties by input position.
pub(crate) fn sort_by_group<T: Grouped>(groups: &[u32], make: impl Fn(usize) -> T + Sync + Send) -> Scratch<T> {
    let n = groups.len();
    let (and, or) = par::map_reduce(
        n,
        |a, b| groups[a..b].iter().fold((u32::MAX, 0), |(x, y), &g| (x & g, y | g)),
        |p, q| (p.0 & q.0, p.1 | q.1),
    );
    let varying = and ^ or;
    let digits: Vec<u32> = (0..4).filter(|d| (varying >> (8 * d)) & 0xFF != 0).collect();
    let mut rows = scratch::<T>(n);
    let Some((&first, rest)) = digits.split_first() else {
        rows.iter_mut().enumerate().for_each(|(i, r)| *r = make(i));
        return rows;
    };
    par::scatter_with(&mut rows, 256, |i| ((groups[i] >> (8 * first)) & 0xFF) as usize, make);
    let mut other = scratch::<T>(n);
    for &d in rest {
        par::scatter(&rows, &mut other, 256, |r| ((r.group() >> (8 * d)) & 0xFF) as usize);
        std::mem::swap(&mut rows, &mut other);
    }
    rows
}

/// `(start, end)` of each run of equal groups in rows sorted by group.
pub(crate) fn runs<T: Grouped>(rows: &[T]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || rows[i].group() != rows[start].group() {
            runs.push((start, i));
            start = i;
        }
    }
    runs
}
