//! Elementwise and row ops in f32, as the layers use them: softmax, log-softmax, layer norm,
//! batch norm (inference), sigmoid, ReLU, PReLU, Dice, L2 normalisation.
//!
//! Each op has an in-place kernel over a mutable buffer (what layers call) and a function that
//! returns a new buffer (what the bindings call). The per-row loops are multiversioned
//! (AVX-512 / AVX2+FMA / simd128, picked at run time), use a polynomial `exp` that vectorises,
//! and allocate nothing per row; large inputs are split across rayon's pool by whole rows.
//! Definitions follow `torch.nn.functional` (reference outputs in `python/make_loss_fixtures.py`).

use crate::util::math::{exp_f32, lanes_max, lanes_sum, lanes_sum_by, sigmoid_f32, tanh_f32};
use crate::util::check::{self, finite};
use crate::util::par;
use crate::{Error, Result};
use multiversion::multiversion;

/// The row width of an op over the last axis: `size`, or the whole input when 0.
fn row_width(len: usize, size: usize) -> Result<usize> {
    if size == 0 {
        return Ok(len.max(1));
    }
    if len % size != 0 {
        return Err(Error::new("size", format!("is {size}; the input's length {len} is not a multiple of it")));
    }
    Ok(size)
}

fn eps_ok(eps: f32) -> Result<()> {
    check::non_negative_param("eps", eps as f64)
}

/// `x` copied, checked, and transformed in place by `f`.
fn mapped(x: &[f32], f: impl FnOnce(&mut [f32])) -> Result<Vec<f32>> {
    finite("x", x)?;
    let mut out = x.to_vec();
    f(&mut out);
    Ok(out)
}

/// `softmax(x)_j = e^(x_j − max) / Σ e^(x − max)` over each row of `size` (0: one row).
pub fn softmax(x: &[f32], size: usize) -> Result<Vec<f32>> {
    let size = row_width(x.len(), size)?;
    mapped(x, |out| softmax_rows(out, size))
}

/// In place over rows of `size`.
pub fn softmax_rows(x: &mut [f32], size: usize) {
    par::for_rows(x, size, |_, rows| rows.chunks_exact_mut(size).for_each(softmax_row));
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn softmax_row(row: &mut [f32]) {
    let m = lanes_max(row);
    row.iter_mut().for_each(|v| *v = exp_f32(*v - m));
    let k = 1.0 / lanes_sum(row, |v| v);
    row.iter_mut().for_each(|v| *v *= k);
}

/// `x_j − max − ln Σ e^(x − max)` over each row of `size` (0: one row); exact for ±1e4.
pub fn log_softmax(x: &[f32], size: usize) -> Result<Vec<f32>> {
    let size = row_width(x.len(), size)?;
    mapped(x, |out| par::for_rows(out, size, |_, rows| rows.chunks_exact_mut(size).for_each(log_softmax_row)))
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn log_softmax_row(row: &mut [f32]) {
    let m = lanes_max(row);
    // (x − max) − ln Σ: subtracting `max + ln Σ` instead would round it at max's magnitude.
    let ln_sum = lanes_sum(row, |v| exp_f32(v - m)).ln();
    row.iter_mut().for_each(|v| *v = (*v - m) - ln_sum);
}

/// `1 / (1 + e^−x)` elementwise.
pub fn sigmoid(x: &[f32]) -> Result<Vec<f32>> {
    mapped(x, sigmoid_in_place)
}

pub fn sigmoid_in_place(x: &mut [f32]) {
    par::for_rows(x, 1, |_, xs| sigmoid_slice(xs));
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn sigmoid_slice(xs: &mut [f32]) {
    xs.iter_mut().for_each(|v| *v = sigmoid_f32(*v));
}

pub fn tanh_in_place(x: &mut [f32]) {
    par::for_rows(x, 1, |_, xs| tanh_slice(xs));
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn tanh_slice(xs: &mut [f32]) {
    xs.iter_mut().for_each(|v| *v = tanh_f32(*v));
}

/// `max(x, 0)` elementwise.
pub fn relu(x: &[f32]) -> Result<Vec<f32>> {
    mapped(x, relu_in_place)
}

pub fn relu_in_place(x: &mut [f32]) {
    par::for_rows(x, 1, |_, xs| relu_slice(xs));
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn relu_slice(xs: &mut [f32]) {
    xs.iter_mut().for_each(|v| *v = if *v > 0.0 { *v } else { 0.0 });
}

/// An optional per-feature vector: absent, or exactly `len` values.
fn optional<'a>(arg: &'static str, v: Option<&'a [f32]>, len: usize) -> Result<Option<&'a [f32]>> {
    match v {
        Some(v) if v.len() != len => Err(Error::new(arg, format!("has length {}, expected {len}", v.len()))),
        Some(v) => finite(arg, v).map(|_| Some(v)),
        None => Ok(None),
    }
}

/// Layer normalisation over each row of `size` (PyTorch `nn.LayerNorm`): `(x − mean) /
/// √(var + eps)·weight + bias` with the biased variance (two passes, so large means do not
/// cancel); `weight`/`bias` absent mean 1/0.
pub fn layer_norm(x: &[f32], size: usize, weight: Option<&[f32]>, bias: Option<&[f32]>, eps: f32) -> Result<Vec<f32>> {
    let size = row_width(x.len(), size)?;
    let (w, b) = (optional("weight", weight, size)?, optional("bias", bias, size)?);
    eps_ok(eps)?;
    mapped(x, |out| par::for_rows(out, size, |_, rows| rows.chunks_exact_mut(size).for_each(|r| layer_norm_row(r, w, b, eps))))
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn layer_norm_row(row: &mut [f32], w: Option<&[f32]>, b: Option<&[f32]>, eps: f32) {
    // Mean and variance accumulate in f64: in f32 a row whose outputs nearly cancel against
    // the bias was off by 2e-7 absolute (bench/losses.mjs's check).
    let n = row.len() as f64;
    let mean = lanes_sum_by(row, |v| v as f64) / n;
    let var = lanes_sum_by(row, |v| (v as f64 - mean).powi(2)) / n;
    let rstd = 1.0 / (var + eps as f64).sqrt();
    row.iter_mut().for_each(|v| *v = ((*v as f64 - mean) * rstd) as f32);
    if let Some(w) = w {
        row.iter_mut().zip(w).for_each(|(v, w)| *v *= w);
    }
    if let Some(b) = b {
        row.iter_mut().zip(b).for_each(|(v, b)| *v += b);
    }
}

/// The layout of a channel op's input: `[N, C]` (`inner` 1) or `[N, C, L]` (`inner` L);
/// channel dim 1, as PyTorch's BatchNorm1d and PReLU.
#[derive(Debug, Clone, Copy)]
pub struct Channels {
    pub channels: usize,
    pub inner: usize,
}

impl Channels {
    fn check(&self, len: usize) -> Result<()> {
        let row = self.channels * self.inner;
        if row == 0 || len % row != 0 {
            return Err(Error::new("shape", format!("[N, {}, {}] does not fit an input of length {len}", self.channels, self.inner)));
        }
        Ok(())
    }
}

/// Inference-mode batch normalisation's statistics (PyTorch `BatchNorm1d` in `eval()`).
#[derive(Debug, Clone, Copy)]
pub struct BatchNorm<'a> {
    pub mean: &'a [f32],
    pub var: &'a [f32],
    pub weight: Option<&'a [f32]>,
    pub bias: Option<&'a [f32]>,
    pub eps: f32,
}

impl BatchNorm<'_> {
    /// Per channel `(mean, 1/√(var + eps)·weight, bias)`.
    pub(crate) fn affine(&self, c: usize) -> Result<Vec<[f32; 3]>> {
        let (m, v) = (optional("runningMean", Some(self.mean), c)?.unwrap(), optional("runningVar", Some(self.var), c)?.unwrap());
        if let Some(i) = v.iter().position(|&v| v < 0.0) {
            return Err(Error::new("runningVar", format!("runningVar[{i}] is {}; variances must be >= 0", v[i])));
        }
        let (w, b) = (optional("weight", self.weight, c)?, optional("bias", self.bias, c)?);
        eps_ok(self.eps)?;
        Ok((0..c).map(|j| [m[j], w.map_or(1.0, |w| w[j]) / (v[j] + self.eps).sqrt(), b.map_or(0.0, |b| b[j])]).collect())
    }
}

/// Batch normalisation at inference: `(x − running_mean)/√(running_var + eps)·weight + bias`
/// per channel (dim 1).
pub fn batch_norm(x: &[f32], layout: Channels, bn: BatchNorm) -> Result<Vec<f32>> {
    layout.check(x.len())?;
    let affine = bn.affine(layout.channels)?;
    mapped(x, |out| per_channel(out, layout, |xs, c| normalize(xs, affine[c])))
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn normalize(xs: &mut [f32], [m, k, b]: [f32; 3]) {
    xs.iter_mut().for_each(|v| *v = normalized(*v, m, k, b));
}

#[inline(always)]
fn normalized(v: f32, m: f32, k: f32, b: f32) -> f32 {
    (v - m) * k + b
}

/// A [`BatchNorm::affine`] split into per-channel vectors, for the row kernels below (layers
/// keep one per BatchNorm, built once at load).
#[derive(Debug, Clone)]
pub(crate) struct RowAffine {
    mean: Vec<f32>,
    scale: Vec<f32>,
    bias: Vec<f32>,
}

impl RowAffine {
    pub(crate) fn new(bn: BatchNorm, channels: usize) -> Result<Self> {
        let a = bn.affine(channels)?;
        Ok(RowAffine { mean: a.iter().map(|a| a[0]).collect(), scale: a.iter().map(|a| a[1]).collect(), bias: a.iter().map(|a| a[2]).collect() })
    }

    pub(crate) fn channels(&self) -> usize {
        self.mean.len()
    }
}

/// [`batch_norm`] in place on `[N, C]` rows (channels last, `inner` 1): the layers' layout, one
/// vectorised pass per row rather than one call per value.
pub(crate) fn batch_norm_rows(x: &mut [f32], a: &RowAffine) {
    par::for_rows(x, a.channels(), |_, rows| normalize_rows(rows, a));
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn normalize_rows(rows: &mut [f32], a: &RowAffine) {
    for row in rows.chunks_exact_mut(a.channels()) {
        for (((v, &m), &k), &b) in row.iter_mut().zip(&a.mean).zip(&a.scale).zip(&a.bias) {
            *v = normalized(*v, m, k, b);
        }
    }
}

/// `f(run, channel)` over each contiguous run of one channel's values.
fn per_channel(x: &mut [f32], l: Channels, f: impl Fn(&mut [f32], usize) + Sync + Send) {
    par::for_rows(x, l.channels * l.inner, |_, rows| {
        for (i, run) in rows.chunks_exact_mut(l.inner).enumerate() {
            f(run, i % l.channels);
        }
    });
}

/// Per-channel values: one shared, or one per channel.
fn per_channel_values<'a>(arg: &'static str, v: &'a [f32], channels: usize) -> Result<&'a [f32]> {
    if v.len() != 1 && v.len() != channels {
        return Err(Error::new(arg, format!("has {} values; expected 1 or {channels} (one per channel)", v.len())));
    }
    finite(arg, v).map(|_| v)
}

/// PReLU (`nn.PReLU`): `x` where `x > 0`, else `a·x`, with one `a` or one per channel.
pub fn prelu(x: &[f32], layout: Channels, alpha: &[f32]) -> Result<Vec<f32>> {
    layout.check(x.len())?;
    let alpha = per_channel_values("weight", alpha, layout.channels)?;
    mapped(x, |out| per_channel(out, layout, |xs, c| prelu_run(xs, alpha[c % alpha.len()])))
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn prelu_run(xs: &mut [f32], a: f32) {
    xs.iter_mut().for_each(|v| *v = prelu_value(*v, a));
}

#[inline(always)]
fn prelu_value(v: f32, a: f32) -> f32 {
    if v > 0.0 { v } else { a * v }
}

/// [`prelu`] in place on `[N, C]` rows with one `alpha` per channel (C of them).
pub(crate) fn prelu_rows(x: &mut [f32], alpha: &[f32]) {
    par::for_rows(x, alpha.len(), |_, rows| prelu_rows_kernel(rows, alpha));
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn prelu_rows_kernel(rows: &mut [f32], alpha: &[f32]) {
    for row in rows.chunks_exact_mut(alpha.len()) {
        row.iter_mut().zip(alpha).for_each(|(v, &a)| *v = prelu_value(*v, a));
    }
}

/// Dice (Zhou et al. 2018, DIN): `p = σ(BN(x))`, `out = α·(1 − p)·x + p·x`, with BN in
/// inference mode (eps 1e-8 in DeepCTR-Torch and the DIEN tutorial) and `α` shared or per
/// channel.
pub fn dice(x: &[f32], layout: Channels, alpha: &[f32], bn: BatchNorm) -> Result<Vec<f32>> {
    layout.check(x.len())?;
    let alpha = per_channel_values("alpha", alpha, layout.channels)?;
    let affine = bn.affine(layout.channels)?;
    mapped(x, |out| per_channel(out, layout, |xs, c| dice_run(xs, affine[c], alpha[c % alpha.len()])))
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn dice_run(xs: &mut [f32], [m, k, b]: [f32; 3], a: f32) {
    xs.iter_mut().for_each(|v| *v = dice_value(*v, m, k, b, a));
}

#[inline(always)]
fn dice_value(v: f32, m: f32, k: f32, b: f32, a: f32) -> f32 {
    let p = 1.0 / (1.0 + exp_f32(-normalized(v, m, k, b)));
    v * (a + (1.0 - a) * p)
}

/// [`dice`] in place on `[N, C]` rows with one `alpha` per channel (C of them).
pub(crate) fn dice_rows(x: &mut [f32], bn: &RowAffine, alpha: &[f32]) {
    par::for_rows(x, alpha.len(), |_, rows| dice_rows_kernel(rows, bn, alpha));
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn dice_rows_kernel(rows: &mut [f32], bn: &RowAffine, alpha: &[f32]) {
    for row in rows.chunks_exact_mut(alpha.len()) {
        for ((((v, &m), &k), &b), &a) in row.iter_mut().zip(&bn.mean).zip(&bn.scale).zip(&bn.bias).zip(alpha) {
            *v = dice_value(*v, m, k, b, a);
        }
    }
}

/// `x / max(‖x‖₂, eps)` over each row of `size` (`F.normalize(x, dim=-1)`, eps 1e-12): an
/// all-zero row stays zero.
pub fn l2_normalize(x: &[f32], size: usize, eps: f32) -> Result<Vec<f32>> {
    let size = row_width(x.len(), size)?;
    eps_ok(eps)?;
    mapped(x, |out| par::for_rows(out, size, |_, rows| rows.chunks_exact_mut(size).for_each(|r| l2_row(r, eps))))
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn l2_row(row: &mut [f32], eps: f32) {
    let norm = lanes_sum(row, |v| v * v).sqrt().max(eps);
    row.iter_mut().for_each(|v| *v /= norm);
}

/// The bindings' single entry point: `name` is the facade's function name; `size` the row
/// width (row ops) or channel count (channel ops), `inner` the channel ops' L; `tensors` the
/// op's parameter vectors in the order below (an empty one is absent); `params` its scalars.
pub fn op(name: &str, x: &[f32], size: usize, inner: usize, tensors: &[&[f32]], params: &[f32]) -> Result<Vec<f32>> {
    let t = |i: usize| tensors.get(i).copied().filter(|t| !t.is_empty());
    let p = |i: usize| params.get(i).copied().ok_or_else(|| Error::new("options", format!("{name} takes more parameters")));
    let layout = Channels { channels: size, inner: inner.max(1) };
    let bn = |first: usize, eps: f32| BatchNorm {
        mean: t(first).unwrap_or_default(),
        var: t(first + 1).unwrap_or_default(),
        weight: t(first + 2),
        bias: t(first + 3),
        eps,
    };
    match name {
        "softmax" => softmax(x, size),
        "logSoftmax" => log_softmax(x, size),
        "sigmoid" => sigmoid(x),
        "relu" => relu(x),
        "layerNorm" => layer_norm(x, size, t(0), t(1), p(0)?),
        "batchNorm" => batch_norm(x, layout, bn(0, p(0)?)),
        "prelu" => prelu(x, layout, t(0).unwrap_or_default()),
        "dice" => dice(x, layout, t(0).unwrap_or_default(), bn(1, p(0)?)),
        "l2Normalize" => l2_normalize(x, size, p(0)?),
        _ => Err(Error::new("op", format!("unknown op '{name}'"))),
    }
}
