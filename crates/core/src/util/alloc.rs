//! Allocations whose size comes from the caller's arguments. A failed allocation must be an
//! error naming the argument, not Rust's `handle_alloc_error` (which aborts the whole process,
//! uncatchable from JavaScript): e.g. `matmul` of `[2^20, 0]` by `[0, 2^20]` asks for 4 TB.

use crate::{Error, Result};

/// `rows · cols`, or an error naming `arg` when the product overflows.
pub(crate) fn product(arg: &'static str, dims: &[usize]) -> Result<usize> {
    dims.iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| Error::new(arg, format!("{dims:?} has more elements than this platform can address")))
}

/// An empty vector with room for `len` elements, or an error naming `arg` when it cannot be had.
pub(crate) fn with_capacity<T>(arg: &'static str, len: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        let bytes = (len as u128) * std::mem::size_of::<T>() as u128;
        Error::new(arg, format!("the result needs {bytes} bytes, more than this process can allocate"))
    })?;
    Ok(v)
}

/// A zero-filled vector of `len` elements, or an error naming `arg` when it cannot be had.
pub(crate) fn zeros<T: Copy + Default>(arg: &'static str, len: usize) -> Result<Vec<T>> {
    let mut v = with_capacity(arg, len)?;
    v.resize(len, T::default());
    Ok(v)
}
