//! Reused scratch memory for the large kernels.
//!
//! First-touch page faults are expensive in this project's (sandboxed) VMs: a fresh 80 MB
//! buffer cost ~40 ms to fault in against ~5 ms to write once mapped, half of a 1e7-row AUC.
//! So the big buffers come from a small process-wide pool and go back to it when dropped, the
//! way BLAS libraries keep a workspace. The pool keeps at most `KEEP` buffers; `release()`
//! empties it.

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::Mutex;

const KEEP: usize = 4;
static POOL: Mutex<Vec<Vec<u64>>> = Mutex::new(Vec::new());

/// Plain data: every bit pattern is a valid value and the alignment is at most 8, so a reused
/// `u64` buffer may be viewed as a slice of it.
///
/// # Safety
/// Implement only for `Copy` types made of integers and floats (padding allowed).
pub(crate) unsafe trait Plain: Copy + Default + Send + Sync {}
unsafe impl Plain for u64 {}
unsafe impl Plain for f64 {}

/// `len` items of scratch whose contents are unspecified (old data or zeros): callers write
/// before they read.
pub(crate) struct Scratch<T: Plain> {
    words: Vec<u64>,
    len: usize,
    _item: PhantomData<T>,
}

pub(crate) fn scratch<T: Plain>(len: usize) -> Scratch<T> {
    assert!(std::mem::align_of::<T>() <= 8);
    let need = (len * std::mem::size_of::<T>()).div_ceil(8);
    let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    let best = (0..pool.len()).filter(|&i| pool[i].len() >= need).min_by_key(|&i| pool[i].len());
    let words = match best {
        Some(i) => pool.swap_remove(i),
        None => {
            drop(pool);
            vec![0u64; need]
        }
    };
    Scratch { words, len, _item: PhantomData }
}

/// Frees the pooled buffers.
pub fn release() {
    POOL.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

impl<T: Plain> Deref for Scratch<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: `words` holds at least len·size_of::<T>() bytes, aligned to 8 ≥ align_of::<T>(),
        // and T is Plain, so any bytes there are valid values of T.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast(), self.len) }
    }
}

impl<T: Plain> DerefMut for Scratch<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, and `self` is borrowed mutably.
        unsafe { std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast(), self.len) }
    }
}

impl<T: Plain> Drop for Scratch<T> {
    fn drop(&mut self) {
        let words = std::mem::take(&mut self.words);
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        pool.push(words);
        if pool.len() > KEEP {
            let smallest = (0..pool.len()).min_by_key(|&i| pool[i].len()).expect("non-empty");
            pool.swap_remove(smallest);
        }
    }
}
