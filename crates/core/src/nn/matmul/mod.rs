//! Single-precision matrix products: `out (+)= op(a)·op(b)`, row-major, with optional
//! transposes, a bias row and a fused activation.
//!
//! The kernel is the `gemm` crate (the one candle uses): packed operands, register-blocked
//! micro-kernels chosen at run time (AVX-512, AVX2+FMA, SSE; simd128 on wasm) and rayon over
//! blocks. Measured before deciding (2-core AMD EPYC, AVX2+FMA, no AVX-512): 1024³ at 71
//! GFLOP/s on one thread and 98 on two, the skinny 12800×64×192 at 44 and 86 (bench/dense.mjs
//! has the comparison with OpenBLAS and onnxruntime). Matching that by hand means a packed
//! kernel tuned per ISA and per shape class; a maintained crate that already does it wins.

use crate::error::{Error, Result};
use crate::util::par;
#[cfg(not(target_arch = "wasm32"))]
use gemm::Parallelism;

#[cfg(target_arch = "wasm32")]
mod simd128;

/// Below this many multiply-adds a product stays on the calling thread.
const PAR_MIN_FLOPS: usize = 1 << 18;

/// Shapes of `op(a)·op(b)`: a is stored `[m, k]` (or `[k, m]` when `trans_a`), b `[k, n]` (or
/// `[n, k]` when `trans_b`).
#[derive(Clone, Copy, Debug)]
pub struct Dims {
    pub m: usize,
    pub k: usize,
    pub n: usize,
    pub trans_a: bool,
    pub trans_b: bool,
}

/// `out = op(a)·op(b)`, or `out += …` when `accumulate`; splits across rayon's pool when large.
pub fn matmul_into(d: Dims, a: &[f32], b: &[f32], out: &mut [f32], accumulate: bool) {
    let threads = if par::parallel(d.m * d.n) || (d.m * d.n * d.k >= PAR_MIN_FLOPS && par::threads() > 1) {
        par::threads()
    } else {
        1
    };
    gemm_with(d, a, b, out, accumulate, threads);
}

/// [`matmul_into`] on the calling thread only: for code already running on a rayon chunk.
pub fn matmul_seq(d: Dims, a: &[f32], b: &[f32], out: &mut [f32], accumulate: bool) {
    gemm_with(d, a, b, out, accumulate, 1);
}

fn gemm_with(d: Dims, a: &[f32], b: &[f32], out: &mut [f32], accumulate: bool, threads: usize) {
    let Dims { m, k, n, trans_a, trans_b } = d;
    assert!(a.len() >= m * k && b.len() >= k * n && out.len() >= m * n, "matmul: operand shorter than its shape");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            out[..m * n].fill(0.0);
        }
        return;
    }
    // (column stride, row stride) of each operand as gemm reads it.
    let (a_cs, a_rs) = if trans_a { (m, 1) } else { (1, k) };
    let (b_cs, b_rs) = if trans_b { (k, 1) } else { (1, n) };
    #[cfg(target_arch = "wasm32")]
    {
        let a = View { data: a, row_stride: a_rs, col_stride: a_cs };
        let b = View { data: b, row_stride: b_rs, col_stride: b_cs };
        wasm_rows(m, k, n, a, b, out, accumulate, threads);
    }
    #[cfg(not(target_arch = "wasm32"))]
    gemm_call(m, k, n, (a, a_cs, a_rs), (b, b_cs, b_rs), out, accumulate, threads);
}

/// wasm: row blocks of `out` over rayon's workers (wasm-threads), each a simd128 sgemm.
#[cfg(target_arch = "wasm32")]
fn wasm_rows(m: usize, k: usize, n: usize, a: View, b: View, out: &mut [f32], accumulate: bool, threads: usize) {
    #[cfg(feature = "parallel")]
    if threads > 1 && m >= 2 * threads {
        use rayon::prelude::*;
        let rows = m.div_ceil(threads);
        out[..m * n].par_chunks_mut(rows * n).enumerate().for_each(|(c, o)| {
            let a = View { data: &a.data[c * rows * a.row_stride..], ..a };
            simd128::sgemm(o.len() / n, k, n, a, b, o, n, accumulate);
        });
        return;
    }
    let _ = threads;
    simd128::sgemm(m, k, n, a, b, out, n, accumulate);
}

#[cfg(not(target_arch = "wasm32"))]
fn gemm_call(m: usize, k: usize, n: usize, (a, a_cs, a_rs): (&[f32], usize, usize), (b, b_cs, b_rs): (&[f32], usize, usize), out: &mut [f32], accumulate: bool, threads: usize) {
    #[cfg(feature = "parallel")]
    let parallelism = if threads > 1 { Parallelism::Rayon(threads) } else { Parallelism::None };
    #[cfg(not(feature = "parallel"))]
    let parallelism = {
        let _ = threads;
        Parallelism::None
    };
    // SAFETY: the assertion above keeps every strided access inside the three slices, and
    // `out` is a unique borrow, so gemm's writes alias nothing it reads.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.as_ptr(),
            a_cs as isize,
            a_rs as isize,
            b.as_ptr(),
            b_cs as isize,
            b_rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// A strided operand: element (i, j) at `data[i·row_stride + j·col_stride]`.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub data: &'a [f32],
    pub row_stride: usize,
    pub col_stride: usize,
}

/// `out (+)= a·b` on the calling thread for strided `a` [m, k], `b` [k, n] and `out` [m, n] with
/// row stride `out_rs`: the attention heads' products, which read Q/K/V in place.
pub(crate) fn matmul_views(m: usize, k: usize, n: usize, a: View, b: View, out: &mut [f32], out_rs: usize, accumulate: bool) {
    let last = |rows: usize, cols: usize, rs: usize, cs: usize| (rows.max(1) - 1) * rs + (cols.max(1) - 1) * cs;
    assert!(m == 0 || n == 0 || k == 0 || (a.data.len() > last(m, k, a.row_stride, a.col_stride)
        && b.data.len() > last(k, n, b.row_stride, b.col_stride)
        && out.len() > last(m, n, out_rs, 1)), "matmul: view outside its slice");
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    #[cfg(target_arch = "wasm32")]
    simd128::sgemm(m, k, n, a, b, out, out_rs, accumulate);
    // SAFETY: the assertion keeps every access inside the slices; `out` is a unique borrow.
    #[cfg(not(target_arch = "wasm32"))]
    unsafe {
        gemm::gemm(
            m, n, k, out.as_mut_ptr(), 1, out_rs as isize, accumulate,
            a.data.as_ptr(), a.col_stride as isize, a.row_stride as isize,
            b.data.as_ptr(), b.col_stride as isize, b.row_stride as isize,
            1.0, 1.0, false, false, false, Parallelism::None,
        );
    }
}

/// `y = x·wᵀ + bias` over `rows` rows of x (PyTorch `F.linear`: w is `[out, in]`).
pub fn linear_into(x: &[f32], rows: usize, w: &[f32], bias: Option<&[f32]>, out_features: usize, y: &mut [f32], seq: bool) {
    let in_features = if out_features == 0 { 0 } else { w.len() / out_features };
    let d = Dims { m: rows, k: in_features, n: out_features, trans_a: false, trans_b: true };
    if let Some(b) = bias {
        y[..rows * out_features].chunks_exact_mut(out_features).for_each(|r| r.copy_from_slice(b));
    }
    if seq {
        matmul_seq(d, x, w, y, bias.is_some());
    } else {
        matmul_into(d, x, w, y, bias.is_some());
    }
}

/// An activation fused into a product's output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    None,
    Relu,
    Sigmoid,
    Tanh,
}

impl Activation {
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "none" => Activation::None,
            "relu" => Activation::Relu,
            "sigmoid" => Activation::Sigmoid,
            "tanh" => Activation::Tanh,
            _ => return Err(Error::new("activation", format!("must be 'none', 'relu', 'sigmoid' or 'tanh', got '{name}'"))),
        })
    }

    pub fn apply(self, y: &mut [f32]) {
        match self {
            Activation::None => {}
            Activation::Relu => crate::nn::ops::relu_in_place(y),
            Activation::Sigmoid => crate::nn::ops::sigmoid_in_place(y),
            Activation::Tanh => crate::nn::ops::tanh_in_place(y),
        }
    }
}

/// The facade's `matmul`: `op(a)·op(b) + bias` then `activation`, checking shapes and values.
pub fn matmul(d: Dims, a: &[f32], b: &[f32], bias: Option<&[f32]>, activation: Activation) -> Result<Vec<f32>> {
    let size = |rows: usize, cols: usize| crate::util::alloc::product("dims", &[rows, cols]);
    if a.len() != size(d.m, d.k)? {
        return Err(Error::new("a", format!("has {} values, expected {}·{}", a.len(), d.m, d.k)));
    }
    if b.len() != size(d.k, d.n)? {
        return Err(Error::new("b", format!("has {} values, expected {}·{}", b.len(), d.k, d.n)));
    }
    crate::util::check::finite("a", a)?;
    crate::util::check::finite("b", b)?;
    let mut out = crate::util::alloc::zeros("dims", size(d.m, d.n)?)?;
    if let Some(bias) = bias {
        if bias.len() != d.n {
            return Err(Error::new("bias", format!("has length {}, expected {}", bias.len(), d.n)));
        }
        crate::util::check::finite("bias", bias)?;
        if d.n > 0 {
            out.chunks_exact_mut(d.n).for_each(|r| r.copy_from_slice(bias));
        }
    }
    matmul_into(d, a, b, &mut out, bias.is_some());
    activation.apply(&mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_too_large_to_allocate_is_an_error() {
        let d = Dims { m: 1 << 20, k: 0, n: 1 << 20, trans_a: false, trans_b: false };
        let e = matmul(d, &[], &[], None, Activation::None).unwrap_err();
        assert_eq!(e.arg, "dims");
        let d = Dims { m: usize::MAX, k: 0, n: 2, trans_a: false, trans_b: false };
        assert_eq!(matmul(d, &[], &[], None, Activation::None).unwrap_err().arg, "dims");
    }

    fn naive(d: Dims, a: &[f32], b: &[f32]) -> Vec<f64> {
        let mut out = vec![0.0; d.m * d.n];
        for i in 0..d.m {
            for j in 0..d.n {
                out[i * d.n + j] = (0..d.k)
                    .map(|p| {
                        let x = if d.trans_a { a[p * d.m + i] } else { a[i * d.k + p] };
                        let y = if d.trans_b { b[j * d.k + p] } else { b[p * d.n + j] };
                        x as f64 * y as f64
                    })
                    .sum();
            }
        }
        out
    }

    #[test]
    fn matches_naive_on_odd_shapes() {
        for &(m, k, n) in &[(1, 1, 1), (7, 13, 5), (1, 300, 3), (33, 1, 17), (130, 70, 9)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let d = Dims { m, k, n, trans_a: ta, trans_b: tb };
                let a: Vec<f32> = (0..m * k).map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0).collect();
                let b: Vec<f32> = (0..k * n).map(|i| ((i * 53 % 97) as f32 - 48.0) / 24.0).collect();
                let got = matmul(d, &a, &b, None, Activation::None).unwrap();
                for (g, w) in got.iter().zip(naive(d, &a, &b)) {
                    assert!((*g as f64 - w).abs() <= 1e-5 * (1.0 + w.abs()), "{m}x{k}x{n} {ta} {tb}: {g} vs {w}");
                }
            }
        }
    }
}
