//! The wasm32 sgemm: packed operands and a 4×8 simd128 micro-kernel (4 rows of A broadcast by
//! `v128.load32_splat`, 8 columns of B in two vectors, 8 accumulators).
//!
//! Why not the `gemm` crate here, as on native: its simd128 kernel keeps 12 accumulators plus
//! 4 operands live, more than the 15 vector registers V8 gives wasm on x86-64, so it spills;
//! measured 12 GFLOP/s at 1024³ against this kernel's figure in bench/dense.mjs.

use super::View;
use core::arch::wasm32::*;

const MR: usize = 4;
const NR: usize = 8;
/// Depth of one packed block: a 4×KC panel of A and a KC×8 panel of B stay in L1.
const KC: usize = 256;
/// Rows of A packed at once (L2).
const MC: usize = 128;

/// `out (+)= a·b` for `a` [m, k], `b` [k, n] (strided views) into `out` (row stride `out_rs`).
pub(crate) fn sgemm(m: usize, k: usize, n: usize, a: View, b: View, out: &mut [f32], out_rs: usize, accumulate: bool) {
    // Packing buffers are kept per thread: attention calls this for every head.
    thread_local!(static PACKED: std::cell::RefCell<(Vec<f32>, Vec<f32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) });
    PACKED.with_borrow_mut(|(ap, bp)| sgemm_packed(m, k, n, a, b, out, out_rs, accumulate, ap, bp));
}

#[allow(clippy::too_many_arguments)]
fn sgemm_packed(m: usize, k: usize, n: usize, a: View, b: View, out: &mut [f32], out_rs: usize, accumulate: bool, ap: &mut Vec<f32>, bp: &mut Vec<f32>) {
    let n_panels = n.div_ceil(NR);
    bp.resize(n_panels * NR * KC.min(k), 0.0);
    ap.resize(MC.div_ceil(MR) * MR * KC.min(k), 0.0);
    for p0 in (0..k).step_by(KC) {
        let kc = KC.min(k - p0);
        pack_b(b, p0, kc, n, bp);
        // The first depth block overwrites C unless accumulating; later ones add.
        let add = accumulate || p0 > 0;
        for i0 in (0..m).step_by(MC) {
            let mc = MC.min(m - i0);
            pack_a(a, i0, mc, p0, kc, ap);
            for jp in 0..n_panels {
                let j0 = jp * NR;
                let bpanel = &bp[jp * kc * NR..][..kc * NR];
                for ip in 0..mc.div_ceil(MR) {
                    let i = i0 + ip * MR;
                    let apanel = &ap[ip * kc * MR..][..kc * MR];
                    let tile = kernel(kc, apanel, bpanel);
                    store(tile, out, out_rs, i, j0, MR.min(m - i), NR.min(n - j0), add);
                }
            }
        }
    }
    if k == 0 && !accumulate {
        (0..m).for_each(|i| out[i * out_rs..][..n].fill(0.0));
    }
}

/// B's rows p0..p0+kc as panels of 8 columns: panel j holds `kc` rows of 8 (zero-padded).
fn pack_b(b: View, p0: usize, kc: usize, n: usize, bp: &mut [f32]) {
    for (jp, panel) in bp.chunks_exact_mut(kc * NR).take(n.div_ceil(NR)).enumerate() {
        for p in 0..kc {
            let row = &mut panel[p * NR..][..NR];
            for (c, v) in row.iter_mut().enumerate() {
                let j = jp * NR + c;
                *v = if j < n { b.data[(p0 + p) * b.row_stride + j * b.col_stride] } else { 0.0 };
            }
        }
    }
}

/// A's rows i0..i0+mc, columns p0..p0+kc, as panels of 4 rows interleaved by depth.
fn pack_a(a: View, i0: usize, mc: usize, p0: usize, kc: usize, ap: &mut [f32]) {
    for (ip, panel) in ap.chunks_exact_mut(kc * MR).take(mc.div_ceil(MR)).enumerate() {
        for r in 0..MR {
            let i = ip * MR + r;
            if i < mc {
                let base = (i0 + i) * a.row_stride + p0 * a.col_stride;
                for p in 0..kc {
                    panel[p * MR + r] = a.data[base + p * a.col_stride];
                }
            } else {
                (0..kc).for_each(|p| panel[p * MR + r] = 0.0);
            }
        }
    }
}

/// The 4×8 product of a packed A panel and B panel over `kc`.
#[inline(always)]
fn kernel(kc: usize, ap: &[f32], bp: &[f32]) -> [v128; 8] {
    assert!(ap.len() >= kc * MR && bp.len() >= kc * NR);
    let mut acc = [f32x4_splat(0.0); 8];
    let (a, b) = (ap.as_ptr(), bp.as_ptr());
    for p in 0..kc {
        // SAFETY: p < kc and the assertion above bound every read.
        unsafe {
            let b0 = v128_load(b.add(p * NR) as *const v128);
            let b1 = v128_load(b.add(p * NR + 4) as *const v128);
            for r in 0..MR {
                let x = v128_load32_splat(a.add(p * MR + r) as *const u32);
                acc[2 * r] = f32x4_add(acc[2 * r], f32x4_mul(x, b0));
                acc[2 * r + 1] = f32x4_add(acc[2 * r + 1], f32x4_mul(x, b1));
            }
        }
    }
    acc
}

/// Writes (or adds) the `rows`×`cols` corner of a tile at (i, j).
#[inline(always)]
fn store(tile: [v128; 8], out: &mut [f32], out_rs: usize, i: usize, j: usize, rows: usize, cols: usize, add: bool) {
    if rows == MR && cols == NR {
        for r in 0..MR {
            let dst = &mut out[(i + r) * out_rs + j..][..NR];
            let p = dst.as_mut_ptr() as *mut v128;
            // SAFETY: dst holds 8 floats: two unaligned vectors.
            unsafe {
                let (lo, hi) = if add {
                    (f32x4_add(v128_load(p), tile[2 * r]), f32x4_add(v128_load(p.add(1)), tile[2 * r + 1]))
                } else {
                    (tile[2 * r], tile[2 * r + 1])
                };
                v128_store(p, lo);
                v128_store(p.add(1), hi);
            }
        }
        return;
    }
    let mut buf = [0.0f32; MR * NR];
    for (r, v) in tile.iter().enumerate() {
        // SAFETY: buf holds 8 vectors of 4 floats.
        unsafe { v128_store(buf.as_mut_ptr().add(4 * r) as *mut v128, *v) };
    }
    for r in 0..rows {
        let dst = &mut out[(i + r) * out_rs + j..][..cols];
        let src = &buf[r * NR..][..cols];
        if add {
            dst.iter_mut().zip(src).for_each(|(d, s)| *d += s);
        } else {
            dst.copy_from_slice(src);
        }
    }
}
