//! Rows ordered by group (user, query) id, for the per-group metrics (GAUC, ranking @K).

use crate::util::par;
use crate::util::scratch::{scratch, Plain, Scratch};

/// A row that knows its group.
pub(crate) trait Grouped: Copy {
    fn group(&self) -> u32;
}

/// A group id is its own group (input that is already grouped).
impl Grouped for u32 {
    fn group(&self) -> u32 {
        *self
    }
}

/// Rows `make(0..n)` ordered by group id: an LSD radix sort over the bits that vary between
/// ids, in as few passes of at most 11 bits as cover them (ids below 10⁵ vary in 17 bits: two
/// passes of 9 bits, where bytewise digits took three passes over the rows). The sort is
/// stable, so rows of a group keep their input order — the ranking metrics rely on that to
/// break score ties by input position.
pub(crate) fn sort_by_group<T: Grouped + Plain>(groups: &[u32], make: impl Fn(usize) -> T + Sync + Send) -> Scratch<T> {
    let n = groups.len();
    let (and, or) = par::map_reduce(
        n,
        |a, b| groups[a..b].iter().fold((u32::MAX, 0), |(x, y), &g| (x & g, y | g)),
        |p, q| (p.0 & q.0, p.1 | q.1),
    );
    let varying = and ^ or;
    let mut rows = scratch::<T>(n);
    if varying == 0 {
        rows.iter_mut().enumerate().for_each(|(i, r)| *r = make(i));
        return rows;
    }
    let (low, high) = (varying.trailing_zeros(), 32 - varying.leading_zeros());
    let passes = (high - low).div_ceil(11);
    let width = (high - low).div_ceil(passes);
    let mask = (1u32 << width) - 1;
    let digit = move |g: u32, pass: u32| ((g >> (low + pass * width)) & mask) as usize;
    par::scatter_with(&mut rows, 1 << width, |i| digit(groups[i], 0), make);
    let mut other = scratch::<T>(n);
    for pass in 1..passes {
        par::scatter(&rows, &mut other, 1 << width, |r| digit(r.group(), pass));
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

/// The groups (`ids`, ascending) in order of their first row, so that results do not depend on
/// how ids were numbered (the facade numbers plain-array ids by first appearance, and keeps
/// typed-array ids as they are).
pub(crate) fn first_appearance<'a>(groups: &[u32], ids: &'a [u32]) -> impl Iterator<Item = usize> + 'a {
    // Ids numbered 0, 1, … by first appearance: ascending already (each row's id ≤ 1 + the largest before it).
    let mut top = -1i64;
    let numbered = groups.iter().all(|&g| {
        let ok = g as i64 <= top + 1;
        top = top.max(g as i64);
        ok
    });
    let order: Vec<usize> = if numbered {
        (0..ids.len()).collect()
    } else {
        let mut first = vec![usize::MAX; ids.len()];
        for (row, g) in groups.iter().enumerate() {
            let u = ids.binary_search(g).expect("every row's group is a unit");
            first[u] = first[u].min(row);
        }
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_unstable_by_key(|&u| first[u]);
        order
    };
    order.into_iter()
}
