//! The two data-parallel building blocks the kernels share: a map-reduce over chunks and a
//! stable counting scatter. With the `parallel` feature they split large inputs across rayon's
//! pool; below `PAR_MIN` items (or without the feature) they run inline, so small calls and the
//! single-threaded wasm build pay nothing for the parallel path.

use std::sync::atomic::{AtomicBool, Ordering};

/// Inputs shorter than this stay on the calling thread: below it, rayon's task hand-off costs
/// more than the work.
#[cfg_attr(not(feature = "parallel"), allow(dead_code))]
const PAR_MIN: usize = 1 << 16;

/// Whether the parallel kernels may use rayon. A browser's main thread must not: it cannot
/// block, so rayon spins there and the spinning thread competes with the pool for cores (the
/// threaded wasm build ran slower than the single-threaded one that way). The facade turns it
/// off there and on in workers.
static PARALLEL: AtomicBool = AtomicBool::new(true);

pub fn set_parallel(enabled: bool) {
    PARALLEL.store(enabled, Ordering::Relaxed);
}

/// Whether work on `len` items should be split across rayon's pool.
#[cfg_attr(not(feature = "parallel"), allow(dead_code))]
pub(crate) fn parallel(len: usize) -> bool {
    cfg!(feature = "parallel") && len >= PAR_MIN && PARALLEL.load(Ordering::Relaxed)
}

/// Number of chunks to split `len` items into.
fn chunks_for(len: usize) -> usize {
    #[cfg(feature = "parallel")]
    if parallel(len) {
        return rayon::current_num_threads().max(1);
    }
    let _ = len;
    1
}

fn chunk_bounds(len: usize, chunks: usize) -> impl Iterator<Item = (usize, usize)> {
    let step = len.div_ceil(chunks.max(1)).max(1);
    (0..chunks).map(move |c| ((c * step).min(len), ((c + 1) * step).min(len)))
}

/// `reduce(map(chunk_0), map(chunk_1), …)` over contiguous index ranges of `0..len`.
pub(crate) fn map_reduce<R: Send>(
    len: usize,
    map: impl Fn(usize, usize) -> R + Sync + Send,
    #[cfg_attr(not(feature = "parallel"), allow(unused_variables))] reduce: impl Fn(R, R) -> R + Sync + Send,
) -> R {
    let chunks = chunks_for(len);
    if chunks == 1 {
        return map(0, len);
    }
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let bounds: Vec<_> = chunk_bounds(len, chunks).collect();
        bounds.into_par_iter().map(|(a, b)| map(a, b)).reduce_with(&reduce).expect("chunks > 1")
    }
    #[cfg(not(feature = "parallel"))]
    unreachable!("one chunk without the parallel feature")
}

/// A raw pointer the scatter's chunks write through; each chunk owns disjoint destinations.
#[derive(Clone, Copy)]
struct SharedMut<T>(*mut T);
unsafe impl<T> Send for SharedMut<T> {}
unsafe impl<T> Sync for SharedMut<T> {}

/// Stable counting scatter: writes `src` into `dst` grouped by `bucket(item) < buckets`, items of
/// a bucket in their `src` order. Returns the `buckets + 1` start offsets of the buckets in `dst`.
pub(crate) fn scatter<T: Copy + Send + Sync>(
    src: &[T],
    dst: &mut [T],
    buckets: usize,
    bucket: impl Fn(&T) -> usize + Sync + Send,
) -> Vec<usize> {
    assert_eq!(src.len(), dst.len());
    scatter_with(dst, buckets, |i| bucket(&src[i]), |i| src[i])
}

/// The scatter of item `make(i)` for every `i < dst.len()` into bucket `bucket(i)`: building the
/// items while scattering them saves a pass over the data.
pub(crate) fn scatter_with<T: Copy + Send + Sync>(
    dst: &mut [T],
    buckets: usize,
    bucket: impl Fn(usize) -> usize + Sync + Send,
    make: impl Fn(usize) -> T + Sync + Send,
) -> Vec<usize> {
    let len = dst.len();
    let chunks = chunks_for(len);
    if chunks == 1 {
        return scatter_inline(dst, buckets, bucket, make);
    }
    let bounds: Vec<_> = chunk_bounds(len, chunks).collect();
    let histograms: Vec<Vec<usize>> = run(&bounds, |&(a, b)| {
        let mut counts = vec![0usize; buckets];
        for i in a..b {
            counts[bucket(i)] += 1;
        }
        counts
    });

    // Chunk c writes bucket k from start[k] + (items of bucket k in chunks before c).
    let mut starts = vec![0usize; buckets + 1];
    let mut cursors = vec![vec![0usize; buckets]; chunks];
    let mut at = 0;
    for k in 0..buckets {
        starts[k] = at;
        for c in 0..chunks {
            cursors[c][k] = at;
            at += histograms[c][k];
        }
    }
    starts[buckets] = at;

    let out = SharedMut(dst.as_mut_ptr());
    let work: Vec<_> = bounds.into_iter().zip(cursors).collect();
    run(&work, |((a, b), cursor)| {
        let out = out;
        let mut cursor = cursor.clone();
        for i in *a..*b {
            let k = bucket(i);
            // SAFETY: the cursors of different chunks and buckets cover disjoint index ranges
            // of `dst`, all below `len` (they are prefix sums of the histograms above).
            unsafe { out.0.add(cursor[k]).write(make(i)) };
            cursor[k] += 1;
        }
    });
    starts
}

/// `scatter_with` on the calling thread, with one histogram and no other allocation.
fn scatter_inline<T: Copy>(dst: &mut [T], buckets: usize, bucket: impl Fn(usize) -> usize, make: impl Fn(usize) -> T) -> Vec<usize> {
    let mut starts = vec![0usize; buckets + 1];
    for i in 0..dst.len() {
        starts[bucket(i) + 1] += 1;
    }
    for k in 0..buckets {
        starts[k + 1] += starts[k];
    }
    let mut cursor = starts.clone();
    for i in 0..dst.len() {
        let k = bucket(i);
        dst[cursor[k]] = make(i);
        cursor[k] += 1;
    }
    starts
}

/// `f(start, end)` over consecutive chunks of `chunk` rows, in parallel when the input is large;
/// results in chunk order. The chunking does not depend on the thread count, so float sums
/// folded in order come out bit-identical on every backend and thread count.
pub(crate) fn map_chunks<R: Send>(len: usize, chunk: usize, f: impl Fn(usize, usize) -> R + Sync + Send) -> Vec<R> {
    let bounds: Vec<(usize, usize)> = (0..len.div_ceil(chunk)).map(|c| (c * chunk, ((c + 1) * chunk).min(len))).collect();
    #[cfg(feature = "parallel")]
    if parallel(len) {
        use rayon::prelude::*;
        return bounds.into_par_iter().map(|(a, b)| f(a, b)).collect();
    }
    bounds.into_iter().map(|(a, b)| f(a, b)).collect()
}

/// `f` on every item (buckets, chunks of queries), in parallel when the input behind them has
/// `len` rows or more than `PAR_MIN`; results in item order.
pub(crate) fn map_each<B: Send, R: Send>(items: &mut [B], len: usize, f: impl Fn(&mut B) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    if parallel(len) {
        use rayon::prelude::*;
        return items.par_iter_mut().with_min_len(8).map(f).collect();
    }
    let _ = len;
    items.iter_mut().map(f).collect()
}

/// `f(first_row, rows)` over consecutive chunks of whole rows of `width` elements of `out`, in
/// parallel when `out` is large. The ops' loops: each row is independent, so chunking only
/// affects speed, never results.
pub(crate) fn for_rows<T: Send>(out: &mut [T], width: usize, f: impl Fn(usize, &mut [T]) + Sync + Send) {
    let rows_per_chunk = (16_384 / width.max(1)).max(1);
    for_chunks(out, rows_per_chunk * width.max(1), |c, rows| f(c * rows_per_chunk, rows));
}

/// `f(index, chunk)` over consecutive chunks of `chunk` elements of `out`, in parallel when
/// `out` is large: work whose natural unit is a block (a layer's batch rows).
pub(crate) fn for_chunks<T: Send>(out: &mut [T], chunk: usize, f: impl Fn(usize, &mut [T]) + Sync + Send) {
    let chunk = chunk.max(1);
    #[cfg(feature = "parallel")]
    if parallel(out.len()) {
        use rayon::prelude::*;
        out.par_chunks_mut(chunk).enumerate().for_each(|(c, xs)| f(c, xs));
        return;
    }
    out.chunks_mut(chunk).enumerate().for_each(|(c, xs)| f(c, xs));
}

/// Runs `f` on every element, in parallel when there is more than one.
fn run<A: Sync, R: Send>(items: &[A], f: impl Fn(&A) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    if items.len() > 1 {
        use rayon::prelude::*;
        return items.par_iter().map(f).collect();
    }
    items.iter().map(f).collect()
}

/// Splits `slice` into consecutive pieces at `offsets` (the scatter's bucket starts).
pub(crate) fn split_at_offsets<'a, T>(mut slice: &'a mut [T], offsets: &[usize]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(offsets.len().saturating_sub(1));
    for w in offsets.windows(2) {
        let (head, tail) = slice.split_at_mut(w[1] - w[0]);
        pieces.push(head);
        slice = tail;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scatter_is_stable_and_grouped() {
        let src: Vec<(u32, u32)> = (0..200_000u32).map(|i| (i.wrapping_mul(2654435761) % 97, i)).collect();
        let mut dst = vec![(0, 0); src.len()];
        let starts = scatter(&src, &mut dst, 97, |x| x.0 as usize);
        assert_eq!(starts[97], src.len());
        for k in 0..97 {
            let piece = &dst[starts[k]..starts[k + 1]];
            assert!(piece.iter().all(|x| x.0 as usize == k));
            assert!(piece.windows(2).all(|w| w[0].1 < w[1].1), "stable");
        }
    }
}


/// Threads the parallel kernels may use.
pub fn threads() -> usize {
    #[cfg(feature = "parallel")]
    if PARALLEL.load(Ordering::Relaxed) {
        return rayon::current_num_threads();
    }
    #[allow(unreachable_code)]
    1
}
