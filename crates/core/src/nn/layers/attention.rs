//! Scaled dot-product attention and PyTorch's `nn.MultiheadAttention` (batch-first).
//!
//! `softmax(q·kᵀ·scale + mask)·v` per head (Vaswani et al. 2017, "Attention Is All You Need").
//! Masks are additive floats here (the facade turns boolean masks, True = masked, into −∞).
//! A query row whose keys are all masked has weights 0 and output 0 (PyTorch gives NaN or 0
//! depending on the path; docs/conventions.md#pytorch-layouts asks for one documented answer),
//! so through an output projection that row becomes `out_proj.bias`.

use super::{expect_rank, required, In, Layer, Out, Weights};
use crate::error::{Error, Result};
use crate::util::math::{exp_f32, lanes_max, lanes_sum};
use crate::nn::matmul::{linear_into, matmul_views, View};
use crate::util::par;
use multiversion::multiversion;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    embed_dim: usize,
    num_heads: usize,
    kdim: Option<usize>,
    vdim: Option<usize>,
    prefix: Option<String>,
}

/// `nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)` at inference.
///
/// Keys: `in_proj_weight` [3E, E] and `in_proj_bias` [3E]; or `q_proj_weight` [E, E],
/// `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim] (PyTorch's form when kdim/vdim ≠ E);
/// or the from-scratch Wq/Wk/Wv form's `Wq.weight`, `Wk.weight`, `Wv.weight` (bias-free, no
/// output projection). `out_proj.weight` [E, E] and `out_proj.bias` [E] are optional (the
/// from-scratch form has neither), as are the biases.
///
/// Inputs: query [B, T, E], key [B, S, kdim] (default: query), value [B, S, vdim] (default:
/// key), keyPaddingMask [B, S] and attnMask [T, S] or [B·H, T, S] (additive). ints[0] =
/// [causal, needWeights]. Outputs: [B, T, E], and with needWeights the weights averaged over
/// heads [B, T, S] (PyTorch's default `average_attn_weights=True`).
pub struct MultiHeadAttention {
    e: usize,
    heads: usize,
    kdim: usize,
    vdim: usize,
    /// [W_q; W_k; W_v] stacked when kdim = vdim = E, so self-attention is one product.
    w_q: Vec<f32>,
    w_k: Vec<f32>,
    w_v: Vec<f32>,
    w_qkv: Option<Vec<f32>>,
    b_qkv: Option<Vec<f32>>,
    out_w: Option<Vec<f32>>,
    out_b: Option<Vec<f32>>,
}

impl MultiHeadAttention {
    pub fn new(c: Config, mut w: Weights) -> Result<Self> {
        let (e, heads) = (c.embed_dim, c.num_heads);
        if e == 0 || heads == 0 || e % heads != 0 {
            return Err(Error::new("config", format!("embedDim ({e}) must be a positive multiple of numHeads ({heads})")));
        }
        w.set_prefix(c.prefix.as_deref().unwrap_or(""));
        let (kdim, vdim) = (c.kdim.unwrap_or(e), c.vdim.unwrap_or(e));
        let (w_q, w_k, w_v) = if w.has("in_proj_weight") {
            if kdim != e || vdim != e {
                return Err(Error::new("config", "kdim/vdim differ from embedDim, but the weights hold in_proj_weight"));
            }
            let all = w.take("in_proj_weight", &[3 * e, e])?;
            let ee = e * e;
            (all[..ee].to_vec(), all[ee..2 * ee].to_vec(), all[2 * ee..].to_vec())
        } else if w.has("q_proj_weight") {
            (w.take("q_proj_weight", &[e, e])?, w.take("k_proj_weight", &[e, kdim])?, w.take("v_proj_weight", &[e, vdim])?)
        } else if w.has("Wq.weight") {
            (w.take("Wq.weight", &[e, e])?, w.take("Wk.weight", &[e, kdim])?, w.take("Wv.weight", &[e, vdim])?)
        } else {
            let names = ["in_proj_weight", "q_proj_weight", "Wq.weight"].map(|k| format!("'{}'", w.key(k)));
            return Err(Error::new("weights", format!("missing tensor {} (or {}, or {})", names[0], names[1], names[2])));
        };
        let b_qkv = w.take_opt("in_proj_bias", &[3 * e])?;
        let out_w = w.take_opt("out_proj.weight", &[e, e])?;
        let out_b = if out_w.is_some() { w.take_opt("out_proj.bias", &[e])? } else { None };
        let w_qkv = (kdim == e && vdim == e).then(|| [&w_q[..], &w_k[..], &w_v[..]].concat());
        Ok(MultiHeadAttention { e, heads, kdim, vdim, w_q, w_k, w_v, w_qkv, b_qkv, out_w, out_b })
    }

    fn bias(&self, i: usize) -> Option<&[f32]> {
        self.b_qkv.as_deref().map(|b| &b[i * self.e..(i + 1) * self.e])
    }
}

impl Layer for MultiHeadAttention {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let query = required(t, 0, "query")?;
        let q_shape = expect_rank(query, 3, "query", "[B, T, E]")?;
        let (b, tq, e) = (q_shape[0], q_shape[1], self.e);
        if q_shape[2] != e {
            return Err(Error::new("query", format!("has {} features, expected embedDim {e}", q_shape[2])));
        }
        let key = t.get(1).copied().flatten();
        let value = t.get(2).copied().flatten().or(key);
        let self_attention = key.is_none() && value.is_none();
        let key = key.unwrap_or(query);
        let value = value.unwrap_or(key);
        let s = check_kv(key, "key", b, self.kdim)?;
        if check_kv(value, "value", b, self.vdim)? != s {
            return Err(Error::new("value", format!("has {:?} rows per batch, key has {s}", value.shape[1])));
        }
        let flags = ints.first().copied().flatten().unwrap_or(&[]);
        let (causal, need_weights) = (flags.first() == Some(&1), flags.get(1) == Some(&1));
        let masks = Masks::new(t.get(3).copied().flatten(), t.get(4).copied().flatten(), b, self.heads, tq, s, causal)?;

        // Chunks of whole batch rows, each projected, attended and projected out while its
        // Q/K/V (~400 rows × 3E) stay in cache; chunks run in parallel.
        let call = Call { query: query.data, key: key.data, value: value.data, fused: self_attention && self.w_qkv.is_some(), tq, s, masks };
        let nb = (384 / tq.max(1)).clamp(1, b.max(1));
        let mut output = vec![0.0f32; b * tq * e];
        let mut weights = if need_weights { crate::util::alloc::zeros("key", crate::util::alloc::product("key", &[b, tq, s])?)? } else { Vec::new() };
        let block = nb * tq * e;
        if need_weights {
            // Weights requested: sequential (a debugging output, not the hot path).
            for (c, (o, w)) in output.chunks_mut(block.max(1)).zip(weights.chunks_mut((nb * tq * s).max(1))).enumerate() {
                self.chunk(&call, c * nb, o, Some(w));
            }
        } else {
            par::for_chunks(&mut output, block, |c, o| self.chunk(&call, c * nb, o, None));
        }
        let mut outs = vec![Out { data: output, shape: vec![b, tq, e] }];
        if need_weights {
            let k = 1.0 / self.heads as f32;
            weights.iter_mut().for_each(|w| *w *= k);
            outs.push(Out { data: weights, shape: vec![b, tq, s] });
        }
        Ok(outs)
    }
}

/// One forward call's inputs, shared by its chunks.
struct Call<'a> {
    query: &'a [f32],
    key: &'a [f32],
    value: &'a [f32],
    /// Self-attention with stacked weights: one [rows, 3E] product.
    fused: bool,
    tq: usize,
    s: usize,
    masks: Masks<'a>,
}

impl MultiHeadAttention {
    /// Batch rows `b0..` of the call into `out` (their [nb, T, E] block), on this thread.
    fn chunk(&self, c: &Call, b0: usize, out: &mut [f32], weights: Option<&mut [f32]>) {
        let e = self.e;
        let nb = out.len() / (c.tq * e).max(1);
        let rq = nb * c.tq;
        // Rows of this chunk's batches (`per_batch` rows of `dim` each) through `x·wᵀ + bias`.
        let project = |x: &[f32], per_batch: usize, dim: usize, w: &[f32], bias: Option<&[f32]>, n: usize| {
            let rows = nb * per_batch;
            let mut y = vec![0.0; rows * n];
            let start = b0 * per_batch * dim;
            linear_into(&x[start..start + rows * dim], rows, w, bias, n, &mut y, true);
            y
        };
        let (bufs, strides) = if c.fused {
            let qkv = project(c.query, c.tq, e, self.w_qkv.as_ref().unwrap(), self.b_qkv.as_deref(), 3 * e);
            (vec![qkv], [(0, 0, 3 * e), (0, e, 3 * e), (0, 2 * e, 3 * e)])
        } else {
            let q = project(c.query, c.tq, e, &self.w_q, self.bias(0), e);
            let k = project(c.key, c.s, self.kdim, &self.w_k, self.bias(1), e);
            let v = project(c.value, c.s, self.vdim, &self.w_v, self.bias(2), e);
            (vec![q, k, v], [(0, 0, e), (1, 0, e), (2, 0, e)])
        };
        let view = |i: usize| {
            let (buf, offset, stride) = strides[i];
            (&bufs[buf][offset..], stride)
        };
        let d = e / self.heads;
        let heads = Heads { b0, t: c.tq, s: c.s, heads: self.heads, d, scale: 1.0 / (d as f32).sqrt() };
        match &self.out_w {
            Some(w) => {
                let mut attn = vec![0.0f32; rq * e];
                heads.run(view(0), view(1), view(2), &c.masks, &mut attn, e, weights, false);
                linear_into(&attn, rq, w, self.out_b.as_deref(), e, out, true);
            }
            None => heads.run(view(0), view(1), view(2), &c.masks, out, e, weights, false),
        }
    }
}

/// Checks key/value [B, S, dim] against the query's batch; returns S.
fn check_kv(x: In, arg: &'static str, b: usize, dim: usize) -> Result<usize> {
    let shape = expect_rank(x, 3, arg, "[B, S, dim]")?;
    if shape[0] != b || shape[2] != dim {
        return Err(Error::new(arg, format!("has shape {shape:?}, expected [{b}, S, {dim}]")));
    }
    Ok(shape[1])
}

/// The additive masks of one call, checked: values finite or −∞.
struct Masks<'a> {
    key_padding: Option<&'a [f32]>,
    /// [T, S] shared by every head, or [B·H, T, S].
    attn: Option<(&'a [f32], bool)>,
    causal: bool,
}

impl<'a> Masks<'a> {
    fn new(key_padding: Option<In<'a>>, attn: Option<In<'a>>, b: usize, h: usize, t: usize, s: usize, causal: bool) -> Result<Self> {
        let check = |m: In<'a>, arg: &'static str| -> Result<&'a [f32]> {
            super::filled(m, arg)?;
            if let Some(i) = m.data.iter().position(|v| v.is_nan() || *v == f32::INFINITY) {
                return Err(Error::new(arg, format!("has {} at index {i}; masks are booleans or finite/−∞ floats", m.data[i])));
            }
            Ok(m.data)
        };
        let key_padding = match key_padding {
            Some(m) if m.shape != [b, s] => return Err(Error::new("keyPaddingMask", format!("has shape {:?}, expected [{b}, {s}]", m.shape))),
            Some(m) => Some(check(m, "keyPaddingMask")?),
            None => None,
        };
        let attn = match attn {
            Some(m) if m.shape == [t, s] => Some((check(m, "attnMask")?, false)),
            Some(m) if m.shape == [b * h, t, s] => Some((check(m, "attnMask")?, true)),
            Some(m) => return Err(Error::new("attnMask", format!("has shape {:?}, expected [{t}, {s}] or [{}, {t}, {s}]", m.shape, b * h))),
            None => None,
        };
        Ok(Masks { key_padding, attn, causal })
    }

    /// Adds the masks of (batch `bi`, head `hi`) to its scores [T, S].
    fn apply(&self, scores: &mut [f32], bi: usize, hi: usize, heads: usize, t: usize, s: usize) {
        if let Some(kp) = self.key_padding {
            let row = &kp[bi * s..(bi + 1) * s];
            scores.chunks_exact_mut(s).for_each(|r| r.iter_mut().zip(row).for_each(|(x, m)| *x += m));
        }
        if let Some((m, per_head)) = self.attn {
            let m = if per_head { &m[(bi * heads + hi) * t * s..][..t * s] } else { m };
            scores.iter_mut().zip(m).for_each(|(x, m)| *x += m);
        }
        if self.causal {
            for (i, r) in scores.chunks_exact_mut(s).enumerate() {
                r.iter_mut().skip(i + 1).for_each(|x| *x = f32::NEG_INFINITY);
            }
        }
    }
}

/// The per-head attention of one call: `heads` heads per batch (as many batches as `out` holds),
/// T queries over S keys of `d` features.
struct Heads {
    /// The call's batch index of batch 0 here (masks are indexed by the call's batch).
    b0: usize,
    t: usize,
    s: usize,
    heads: usize,
    d: usize,
    scale: f32,
}

impl Heads {
    /// Writes head h's output into columns [h·d, (h+1)·d) of `out` (row stride `out_rs`);
    /// q/k/v are (slice, row stride) with head h at column h·d. `weights` accumulates the
    /// head-summed weights [B, T, S]. Parallel over batches when `parallel`.
    #[allow(clippy::too_many_arguments)]
    fn run(&self, q: (&[f32], usize), k: (&[f32], usize), v: (&[f32], usize), masks: &Masks, out: &mut [f32], out_rs: usize, weights: Option<&mut [f32]>, parallel: bool) {
        let Heads { t, s, heads, d, .. } = *self;
        let block = t * out_rs;
        let one_batch = |bi: usize, out: &mut [f32], mut w: Option<&mut [f32]>, scores: &mut Vec<f32>| {
            scores.resize(t * s, 0.0);
            for hi in 0..heads {
                let col = hi * d;
                let (qv, kv) = (head_view(q, bi * t, col), head_view(k, bi * s, col));
                // scores = q·kᵀ: k's view transposed (row stride 1, column stride rs).
                let kt = View { data: kv.data, row_stride: 1, col_stride: kv.row_stride };
                matmul_views(t, d, s, qv, kt, scores, s, false);
                scores.iter_mut().for_each(|x| *x *= self.scale);
                masks.apply(scores, self.b0 + bi, hi, heads, t, s);
                scores.chunks_exact_mut(s.max(1)).for_each(softmax_masked);
                if let Some(w) = w.as_deref_mut() {
                    w.iter_mut().zip(scores.iter()).for_each(|(a, p)| *a += p);
                }
                let p = View { data: scores, row_stride: s, col_stride: 1 };
                matmul_views(t, s, d, p, head_view(v, bi * s, col), &mut out[col..], out_rs, false);
            }
        };
        if parallel && weights.is_none() {
            par::for_rows(out, block, |first, rows| {
                let mut scores = Vec::new();
                for (i, o) in rows.chunks_exact_mut(block.max(1)).enumerate() {
                    one_batch(first + i, o, None, &mut scores);
                }
            });
            return;
        }
        let (mut weights, mut scores) = (weights, Vec::new());
        for (bi, o) in out.chunks_exact_mut(block.max(1)).enumerate() {
            one_batch(bi, o, weights.as_deref_mut().map(|w| &mut w[bi * t * s..(bi + 1) * t * s]), &mut scores);
        }
    }
}

/// The block of `x` (row stride `rs`) starting at row `row`, column `col`.
fn head_view((x, rs): (&[f32], usize), row: usize, col: usize) -> View<'_> {
    View { data: &x[row * rs + col..], row_stride: rs, col_stride: 1 }
}

/// Softmax of one row where −∞ entries get weight exactly 0 and an all-−∞ row is all 0.
#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn softmax_masked(row: &mut [f32]) {
    let m = lanes_max(row);
    if m == f32::NEG_INFINITY {
        row.fill(0.0);
        return;
    }
    row.iter_mut().for_each(|v| *v = if *v == f32::NEG_INFINITY { 0.0 } else { exp_f32(*v - m) });
    let k = 1.0 / lanes_sum(row, |v| v);
    row.iter_mut().for_each(|v| *v *= k);
}

/// `softmax(q·kᵀ·scale + mask)·v` over the last two dimensions: q [..., T, d], k [..., S, d],
/// v [..., S, dv] with equal leading dimensions; mask [T, S] or [..., T, S] (additive; the
/// facade maps booleans True = masked to −∞); `causal` masks keys after each query; `scale`
/// defaults to 1/√d. Fully masked rows give 0. Output [..., T, dv].
pub fn scaled_dot_product_attention(q: In, k: In, v: In, mask: Option<In>, causal: bool, scale: Option<f32>) -> Result<Out> {
    for (x, arg) in [(q, "q"), (k, "k"), (v, "v")] {
        super::filled(x, arg)?;
    }
    if let Some(m) = mask {
        super::filled(m, "mask")?;
    }
    let rank = q.shape.len();
    if rank < 2 {
        return Err(Error::new("q", format!("must have shape [..., T, d], got {:?}", q.shape)));
    }
    let lead = &q.shape[..rank - 2];
    let (t, d) = (q.shape[rank - 2], q.shape[rank - 1]);
    let same_lead = |x: In, arg: &'static str, cols: Option<usize>| -> Result<(usize, usize)> {
        let r = x.shape.len();
        if r != rank || &x.shape[..r - 2] != lead || cols.is_some_and(|c| x.shape[r - 1] != c) {
            return Err(Error::new(arg, format!("has shape {:?}, expected [{}S, {}]", x.shape, lead.iter().map(|n| format!("{n}, ")).collect::<String>(), cols.map_or("dv".into(), |c| c.to_string()))));
        }
        crate::util::check::finite(arg, x.data)?;
        Ok((x.shape[r - 2], x.shape[r - 1]))
    };
    crate::util::check::finite("q", q.data)?;
    let (s, _) = same_lead(k, "k", Some(d))?;
    let (sv, dv) = same_lead(v, "v", None)?;
    if sv != s {
        return Err(Error::new("v", format!("has {sv} keys, k has {s}")));
    }
    let b: usize = lead.iter().product();
    // The shared helpers index by (batch, head); here every leading position is one "batch"
    // with a single head, and a full-shape mask is the per-head form.
    let mask = match mask {
        Some(m) if m.shape == [t, s] => Some(In { data: m.data, shape: m.shape }),
        Some(m) if m.shape.len() == rank && &m.shape[..rank - 2] == lead && m.shape[rank - 2..] == [t, s] => Some(m),
        Some(m) => return Err(Error::new("mask", format!("has shape {:?}, expected [{t}, {s}] or [..., {t}, {s}]", m.shape))),
        None => None,
    };
    let flat = [b, t, s];
    let mask = mask.map(|m| In { data: m.data, shape: if m.shape.len() == 2 { m.shape } else { &flat } });
    let masks = Masks::new(None, mask, b, 1, t, s, causal).map_err(|e| Error::new("mask", e.message))?;
    let heads = Heads { b0: 0, t, s, heads: 1, d, scale: scale.unwrap_or(1.0 / (d as f32).sqrt()) };
    if dv != d {
        return Err(Error::new("v", format!("has {dv} features; this kernel needs dv = d ({d})")));
    }
    let mut out = vec![0.0f32; b * t * dv];
    heads.run((q.data, d), (k.data, d), (v.data, dv), &masks, &mut out, dv, None, true);
    let mut shape = lead.to_vec();
    shape.extend([t, dv]);
    Ok(Out { data: out, shape })
}
