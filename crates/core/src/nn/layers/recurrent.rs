//! Recurrent layers: PyTorch's `nn.GRU` and DIEN's attention-gated GRUs (AUGRU, AGRU, AIGRU).
//!
//! One engine runs all four. Per layer, the batch is split into chunks of rows, processed in
//! parallel with no synchronisation between them. A chunk walks the steps; each step is two
//! products over the chunk's still-active rows, `x_t·W_ihᵀ` (read in place through a strided
//! view) and `h·W_hhᵀ`, then one vectorised pass of gate math. Projecting every step's input
//! up front in one [B·T, 3H] product was tried first: the product itself costs about the same
//! (B 256, T 50, I = H 64, one thread: 5.6 ms against 5.2 ms for the 50 per-step ones), but
//! its 10 MB result goes to memory and comes back row by row, strided, for the gate pass
//! (which took ~50% longer reading it than reading a step's [rows, 3H] block from cache).
//! The weights are kept transposed ([in, 3H]), which gemm packs faster (~10%).
//!
//! Rows are visited longest first, so the rows still running at step t are a prefix and a
//! finished row costs nothing (`pack_padded_sequence`'s trick, done per chunk; the chunk's
//! inputs are reordered once when the lengths are not already in order).
//!
//! Weights are stored in one canonical gate order (r, z, n; AGRU r, n), and the hidden biases
//! of r and z are folded into the input bias at load (they are plain sums); `b_hn` stays apart
//! because the reset gate multiplies it.

use super::{expect_rank, lengths, required, In, Layer, Out, Weights};
use crate::error::{Error, Result};
use crate::util::math::{sigmoid_f32, tanh_f32};
use crate::nn::matmul::{matmul_views, View};
use crate::util::par;
use multiversion::multiversion;
use serde::Deserialize;

/// Below this many multiply-adds per layer the chunks run on the calling thread.
const PAR_MIN_WORK: usize = 1 << 20;
/// Rows per chunk: at least this many, so each step's product stays efficient…
const CHUNK_MIN: usize = 16;
/// …and at most this many, so a chunk's state and gate buffers stay in cache.
const CHUNK_MAX: usize = 128;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    pub(crate) input_size: usize,
    pub(crate) hidden_size: usize,
    pub(crate) num_layers: Option<usize>,
    pub(crate) prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AttentionConfig {
    pub(crate) input_size: usize,
    pub(crate) hidden_size: usize,
    pub(crate) prefix: Option<String>,
    pub(crate) form: Option<String>,
    pub(crate) gate_order: Option<String>,
}

/// PyTorch `nn.GRU(inputSize, hiddenSize, numLayers, batch_first=True)` at inference.
///
/// Config: `inputSize` (I), `hiddenSize` (H), `numLayers` (L, default 1), `prefix`.
/// Keys, for each layer n: `weight_ih_l{n}` [3H, I] (layers after the first: [3H, H]),
/// `weight_hh_l{n}` [3H, H], `bias_ih_l{n}` and `bias_hh_l{n}` [3H] (optional, as with
/// `bias=False`); gate rows in PyTorch's order r, z, n.
///
/// Per step: `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
/// `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`; layer n + 1
/// reads layer n's outputs.
///
/// Inputs: x [B, T, I], h0 [B, H] or [L, B, H] (optional: zeros); ints[0] = lengths [B]
/// (optional: all T). Outputs: output [B, T, H] (last layer; steps t ≥ lengths[b] are 0, as
/// `pad_packed_sequence` gives), hN [B, H] for L = 1, else [L, B, H]: each row's state after its
/// last valid step (length 0: h0, or zeros).
///
/// Reference: PyTorch `torch.nn.GRU`; Cho et al. 2014, "Learning Phrase Representations using
/// RNN Encoder–Decoder for Statistical Machine Translation".
pub struct Gru {
    layers: Vec<Cells>,
}

/// DIEN's attention-gated GRUs (Zhou et al. 2019, "Deep Interest Evolution Network for
/// Click-Through Rate Prediction"), one attention score `a_bt` per step.
///
/// - AUGRU, `form: 'paper'` (default; DeepCTR-Torch, RecBole, FuxiCTR, the DIEN tutorial): r,
///   z, n as in [`Gru`]; `u = a·z`; `h' = (1 − u) ⊙ h + u ⊙ n`.
/// - AUGRU, `form: 'xdl'` (Alibaba XDL, OpenVINO's AUGRUCell): r, z as in [`Gru`];
///   `n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)` (reset before the product);
///   `u' = (1 − a)·z`; `h' = u' ⊙ h + (1 − u') ⊙ n`.
/// - AGRU: r, n as in [`Gru`]; `h' = (1 − a)·h + a·n`. Its weights have 2H rows (r, n: the
///   tutorial's `AttentionGRUCell`) or 3H (r, z, n with z unused: DeepCTR-Torch), told apart
///   by shape.
/// - AIGRU: a [`Gru`] over `a·x`.
///
/// Config: `inputSize` (I), `hiddenSize` (H), `prefix`, `form` (AUGRU only), `gateOrder`:
/// `'rzn'` (default; PyTorch's order, the tutorial's introductory `AttentionUpdateGateGRUCell`
/// (r, u, n), DeepCTR-Torch) or `'zrn'` (the `AttentionUpdateGateGRUCell` of the tutorial's
/// DIEN model (u, r, n; also FuxiCTR)).
/// Keys: `weight_ih` [3H, I], `weight_hh` [3H, H], `bias_ih`, `bias_hh` [3H] (biases optional;
/// AGRU may have 2H rows).
///
/// Inputs: x [B, T, I], attention [B, T] (any finite values; padded steps are not read), h0
/// [B, H] (optional: zeros); ints[0] = lengths [B] (optional). Outputs: output [B, T, H] (0 at
/// padded steps), hN [B, H] (state after each row's last valid step; length 0: h0 or zeros).
pub struct AttentionGru {
    cells: Cells,
}

/// How a step turns gates into the new state (see [`AttentionGru`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cell {
    Gru,
    Paper,
    Xdl,
    Agru,
}

/// One layer's weights, in the canonical gate order r, z, n (AGRU: r, n).
struct Cells {
    cell: Cell,
    /// AIGRU: the attention scales the inputs.
    scale_input: bool,
    input: usize,
    hs: usize,
    gates: usize,
    /// W_ihᵀ, [I, gates·H] (the products read it row by row: faster to pack than W_ih).
    w_ih: Vec<f32>,
    /// b_ih plus b_hh's r and z parts (and for XDL its n part: there it is outside r).
    bias_x: Vec<f32>,
    /// W_hhᵀ, [H, gates·H].
    w_hh: Vec<f32>,
    /// b_hh's n part (zeros for XDL).
    b_hn: Vec<f32>,
}

impl Cells {
    /// Loads `weight_ih{suffix}` etc. `order[g]` is the source block of canonical gate g.
    fn load(w: &mut Weights, suffix: &str, input: usize, hs: usize, cell: Cell, src_gates: usize, order: &[usize]) -> Result<Self> {
        let rows = src_gates * hs;
        let w_ih = w.take(&format!("weight_ih{suffix}"), &[rows, input])?;
        let w_hh = w.take(&format!("weight_hh{suffix}"), &[rows, hs])?;
        let b_ih = w.take_opt(&format!("bias_ih{suffix}"), &[rows])?.unwrap_or_else(|| vec![0.0; rows]);
        let b_hh = w.take_opt(&format!("bias_hh{suffix}"), &[rows])?.unwrap_or_else(|| vec![0.0; rows]);
        let block = |g: usize, cols: usize| g * hs * cols..(g + 1) * hs * cols;
        let pick = |data: &[f32], cols: usize| -> Vec<f32> { order.iter().flat_map(|&g| &data[block(g, cols)]).copied().collect() };
        let gates = order.len();
        let (w_ih, w_hh, b_ih, b_hh) = (transpose(&pick(&w_ih, input), input), transpose(&pick(&w_hh, hs), hs), pick(&b_ih, 1), pick(&b_hh, 1));
        let n = (gates - 1) * hs;
        let mut bias_x = b_ih;
        let folded = if cell == Cell::Xdl { gates * hs } else { n };
        bias_x[..folded].iter_mut().zip(&b_hh).for_each(|(b, h)| *b += h);
        let b_hn = if cell == Cell::Xdl { vec![0.0; hs] } else { b_hh[n..].to_vec() };
        Ok(Cells { cell, scale_input: false, input, hs, gates, w_ih, bias_x, w_hh, b_hn })
    }

    /// Runs this layer over `x` [B, T, I]: `out` [B, T, H] (zero-filled by the caller) and `hn`
    /// [B, H]. `att` [B, T] for the attention cells.
    #[allow(clippy::too_many_arguments)]
    fn run(&self, x: &[f32], steps: usize, att: Option<&[f32]>, lens: &[usize], h0: Option<&[f32]>, out: &mut [f32], hn: &mut [f32]) {
        let (b, hs) = (lens.len(), self.hs);
        if steps == 0 || b == 0 {
            match h0 {
                Some(h0) => hn.copy_from_slice(h0),
                None => hn.fill(0.0),
            }
            return;
        }
        let work = b * steps * self.gates * hs * (self.input + hs);
        let threads = if work >= PAR_MIN_WORK { par::threads() } else { 1 };
        let chunk = if threads > 1 { b.div_ceil(threads).clamp(CHUNK_MIN, CHUNK_MAX) } else { b.min(CHUNK_MAX) };
        let run = |c: usize, out: &mut [f32], hn: &mut [f32]| {
            let (a, n) = (c * chunk, hn.len() / hs);
            let rows = a..a + n;
            self.run_chunk(
                &x[rows.start * steps * self.input..rows.end * steps * self.input],
                steps,
                att.map(|att| &att[rows.start * steps..rows.end * steps]),
                &lens[rows.clone()],
                h0.map(|h0| &h0[rows.start * hs..rows.end * hs]),
                out,
                hn,
            )
        };
        let (out_rows, hn_rows) = (out.chunks_mut(chunk * steps * hs), hn.chunks_mut(chunk * hs));
        #[cfg(feature = "parallel")]
        if threads > 1 && b > chunk {
            use rayon::prelude::*;
            let work: Vec<_> = out_rows.zip(hn_rows).enumerate().collect();
            work.into_par_iter().with_max_len(1).for_each(|(c, (o, h))| run(c, o, h));
            return;
        }
        out_rows.zip(hn_rows).enumerate().for_each(|(c, (o, h))| run(c, o, h));
    }

    /// One chunk of rows, every step, on the calling thread.
    #[allow(clippy::too_many_arguments)]
    fn run_chunk(&self, x: &[f32], steps: usize, att: Option<&[f32]>, lens: &[usize], h0: Option<&[f32]>, out: &mut [f32], hn: &mut [f32]) {
        let (n, hs, gw, input) = (lens.len(), self.hs, self.gates * self.hs, self.input);
        // Longest rows first: the rows active at step t are then a prefix of `order`, and
        // each step's products run over that prefix only. Inputs are reordered to match
        // (a copy only when the lengths are not already in order).
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&p, &q| lens[q].cmp(&lens[p]));
        let sorted: Vec<f32>;
        let x = if order.iter().enumerate().all(|(i, &r)| i == r) {
            x
        } else {
            let row = steps * input;
            sorted = order.iter().flat_map(|&r| &x[r * row..(r + 1) * row]).copied().collect();
            &sorted
        };
        let mut h = vec![0.0f32; n * hs];
        if let Some(h0) = h0 {
            for (i, &r) in order.iter().enumerate() {
                h[i * hs..(i + 1) * hs].copy_from_slice(&h0[r * hs..(r + 1) * hs]);
            }
        }
        let xdl = self.cell == Cell::Xdl;
        // Per step: input projections [active, gw]; hidden products [active, gw], or for XDL
        // [active, 2H] and then [active, H] from r ⊙ h.
        let mut gi = vec![0.0f32; n * gw];
        let mut gh = vec![0.0f32; n * gw];
        let mut rh = if xdl { vec![0.0f32; 2 * n * hs] } else { Vec::new() };
        let w_ih = View { data: &self.w_ih, row_stride: gw, col_stride: 1 };
        let w_hh = |from: usize| View { data: &self.w_hh[from..], row_stride: gw, col_stride: 1 };
        let mut active = n;
        let max_len = order.first().map_or(0, |&r| lens[r]);
        for t in 0..max_len {
            while active > 0 && lens[order[active - 1]] <= t {
                active -= 1;
            }
            // x at step t of each sorted row: a strided view, row stride T·I.
            let xt = View { data: &x[t * input..], row_stride: steps * input, col_stride: 1 };
            matmul_views(active, input, gw, xt, w_ih, &mut gi, gw, false);
            let s = Step {
                gi: &gi,
                bias: &self.bias_x,
                att,
                scale_input: self.scale_input,
                order: &order,
                steps,
                hs,
                gw,
                b_hn: &self.b_hn,
                t,
            };
            let hv = View { data: &h, row_stride: hs, col_stride: 1 };
            if xdl {
                matmul_views(active, hs, 2 * hs, hv, w_hh(0), &mut gh, 2 * hs, false);
                let (rhv, ghn) = rh.split_at_mut(n * hs);
                xdl_reset(&s, active, &h, &mut gh, rhv);
                let rv = View { data: rhv, row_stride: hs, col_stride: 1 };
                matmul_views(active, hs, hs, rv, w_hh(2 * hs), ghn, hs, false);
                xdl_update(&s, active, &mut h, &gh, ghn, out);
            } else {
                matmul_views(active, hs, gw, hv, w_hh(0), &mut gh, gw, false);
                update(self.cell, &s, active, &mut h, &gh, out);
            }
        }
        for (i, &r) in order.iter().enumerate() {
            hn[r * hs..(r + 1) * hs].copy_from_slice(&h[i * hs..(i + 1) * hs]);
        }
    }
}

/// `w` [rows, cols] transposed to [cols, rows].
fn transpose(w: &[f32], cols: usize) -> Vec<f32> {
    let rows = w.len() / cols;
    (0..cols * rows).map(|i| w[(i % rows) * cols + i / rows]).collect()
}

/// A chunk's view of one step.
#[derive(Clone, Copy)]
struct Step<'a> {
    /// Input projections without bias, [active, gw], in sorted order.
    gi: &'a [f32],
    /// [gw]: added to the projections (after the attention scale for AIGRU).
    bias: &'a [f32],
    /// Attention [rows·T] in the chunk's row order.
    att: Option<&'a [f32]>,
    /// AIGRU: projections are scaled by the attention.
    scale_input: bool,
    /// Position in the state buffer → row of the chunk.
    order: &'a [usize],
    steps: usize,
    hs: usize,
    gw: usize,
    b_hn: &'a [f32],
    t: usize,
}

impl Step<'_> {
    /// Sorted position `i`'s (offset of its output row, attention, input scale).
    #[inline(always)]
    fn at(&self, i: usize) -> (usize, f32, f32) {
        let r = self.order[i];
        let g = r * self.steps + self.t;
        let a = self.att.map_or(1.0, |att| att[g]);
        (g * self.hs, a, if self.scale_input { a } else { 1.0 })
    }
}

/// The gate math of one step over the `active` rows: new state into `h` and `out`. The input
/// projections get their bias here (after AIGRU's attention scale).
#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn update(cell: Cell, s: &Step<'_>, active: usize, h: &mut [f32], gh: &[f32], out: &mut [f32]) {
    let (hs, gw) = (s.hs, s.gw);
    let b_hn = &s.b_hn[..hs];
    for i in 0..active {
        let (o, a, k) = s.at(i);
        let gi = &s.gi[i * gw..][..gw];
        let ghr = &gh[i * gw..][..gw];
        let hv = &mut h[i * hs..][..hs];
        let o = &mut out[o..][..hs];
        match cell {
            Cell::Agru => {
                let (gi_r, gi_n) = (&gi[..hs], &gi[hs..][..hs]);
                let (b_r, b_n) = (&s.bias[..hs], &s.bias[hs..][..hs]);
                let (gh_r, gh_n) = (&ghr[..hs], &ghr[hs..][..hs]);
                for j in 0..hs {
                    let rg = sigmoid_f32(k * gi_r[j] + b_r[j] + gh_r[j]);
                    let n = tanh_f32(k * gi_n[j] + b_n[j] + rg * (gh_n[j] + b_hn[j]));
                    let v = hv[j] + a * (n - hv[j]);
                    hv[j] = v;
                    o[j] = v;
                }
            }
            _ => {
                let (gi_r, gi_z, gi_n) = (&gi[..hs], &gi[hs..][..hs], &gi[2 * hs..][..hs]);
                let (b_r, b_z, b_n) = (&s.bias[..hs], &s.bias[hs..][..hs], &s.bias[2 * hs..][..hs]);
                let (gh_r, gh_z, gh_n) = (&ghr[..hs], &ghr[hs..][..hs], &ghr[2 * hs..][..hs]);
                // GRU: h' = (1 − z)·n + z·h = n + z·(h − n); AUGRU: h' = h + a·z·(n − h).
                let paper = cell == Cell::Paper;
                for j in 0..hs {
                    let rg = sigmoid_f32(k * gi_r[j] + b_r[j] + gh_r[j]);
                    let z = sigmoid_f32(k * gi_z[j] + b_z[j] + gh_z[j]);
                    let n = tanh_f32(k * gi_n[j] + b_n[j] + rg * (gh_n[j] + b_hn[j]));
                    let v = if paper { hv[j] + (a * z) * (n - hv[j]) } else { n + z * (hv[j] - n) };
                    hv[j] = v;
                    o[j] = v;
                }
            }
        }
    }
}

/// XDL's first half: r and z from `gh` [active, 2H]; z is kept in place of its
/// pre-activation, `r ⊙ h` goes to `rh` for the candidate's product.
#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn xdl_reset(s: &Step<'_>, active: usize, h: &[f32], gh: &mut [f32], rh: &mut [f32]) {
    let hs = s.hs;
    let (b_r, b_z) = (&s.bias[..hs], &s.bias[hs..][..hs]);
    for i in 0..active {
        let gi = &s.gi[i * s.gw..][..2 * hs];
        let ghr = &mut gh[i * 2 * hs..][..2 * hs];
        let hv = &h[i * hs..][..hs];
        let rv = &mut rh[i * hs..][..hs];
        let (gi_r, gi_z) = (&gi[..hs], &gi[hs..][..hs]);
        let (gh_r, gh_z) = ghr.split_at_mut(hs);
        let (gh_r, gh_z) = (&gh_r[..hs], &mut gh_z[..hs]);
        for j in 0..hs {
            rv[j] = sigmoid_f32(gi_r[j] + b_r[j] + gh_r[j]) * hv[j];
            gh_z[j] = sigmoid_f32(gi_z[j] + b_z[j] + gh_z[j]);
        }
    }
}

/// XDL's second half: `n = tanh(gi_n + (r ⊙ h)·W_hnᵀ)` (b_hn is in the bias), `u' = (1 − a)·z`,
/// `h' = u'·h + (1 − u')·n`.
#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn xdl_update(s: &Step<'_>, active: usize, h: &mut [f32], gh: &[f32], ghn: &[f32], out: &mut [f32]) {
    let hs = s.hs;
    let b_n = &s.bias[2 * hs..][..hs];
    for i in 0..active {
        let (o, a, _) = s.at(i);
        let gi_n = &s.gi[i * s.gw + 2 * hs..][..hs];
        let z = &gh[i * 2 * hs + hs..][..hs];
        let ghn = &ghn[i * hs..][..hs];
        let hv = &mut h[i * hs..][..hs];
        let o = &mut out[o..][..hs];
        let na = 1.0 - a;
        for j in 0..hs {
            let n = tanh_f32(gi_n[j] + b_n[j] + ghn[j]);
            let v = n + (na * z[j]) * (hv[j] - n);
            hv[j] = v;
            o[j] = v;
        }
    }
}

/// `x` [B, T, input] and its lengths.
fn sequence<'a>(t: &[Option<In<'a>>], ints: &[Option<&[i32]>], input: usize) -> Result<(In<'a>, usize, usize, Vec<usize>)> {
    let x = required(t, 0, "x")?;
    let s = expect_rank(x, 3, "x", "[B, T, inputSize]")?;
    if s[2] != input {
        return Err(Error::new("x", format!("has shape {s:?}, expected [B, T, {input}] (inputSize)")));
    }
    let (b, steps) = (s[0], s[1]);
    let lens = lengths(ints, 0, b, steps)?;
    Ok((x, b, steps, lens))
}

/// Optional h0 at input `i`: [B, H], or [L, B, H] (also accepted for L = 1, PyTorch's shape).
fn initial<'a>(t: &[Option<In<'a>>], i: usize, layers: usize, b: usize, hs: usize) -> Result<Option<&'a [f32]>> {
    let Some(h0) = t.get(i).copied().flatten() else { return Ok(None) };
    super::filled(h0, "h0")?;
    let ok = h0.shape == [layers, b, hs] || (layers == 1 && h0.shape == [b, hs]);
    if !ok {
        let want = if layers == 1 { format!("[{b}, {hs}]") } else { format!("[{layers}, {b}, {hs}]") };
        return Err(Error::new("h0", format!("has shape {:?}, expected {want} (batch, hiddenSize)", h0.shape)));
    }
    crate::util::check::finite("h0", h0.data)?;
    Ok(Some(h0.data))
}

fn sizes(input: usize, hidden: usize) -> Result<()> {
    if input == 0 || hidden == 0 {
        return Err(Error::new("config", format!("inputSize ({input}) and hiddenSize ({hidden}) must be > 0")));
    }
    Ok(())
}

impl Gru {
    pub fn new(c: Config, mut w: Weights) -> Result<Self> {
        Gru::load(c, &mut w)
    }

    /// Loads from `w`, which may hold other tensors too (a whole model's).
    pub(crate) fn load(c: Config, w: &mut Weights) -> Result<Self> {
        sizes(c.input_size, c.hidden_size)?;
        let layers = c.num_layers.unwrap_or(1);
        if layers == 0 {
            return Err(Error::new("config", "numLayers must be >= 1"));
        }
        w.set_prefix(c.prefix.as_deref().unwrap_or(""));
        let hs = c.hidden_size;
        let layers = (0..layers)
            .map(|l| Cells::load(w, &format!("_l{l}"), if l == 0 { c.input_size } else { hs }, hs, Cell::Gru, 3, &[0, 1, 2]))
            .collect::<Result<_>>()?;
        Ok(Gru { layers })
    }
}

impl Layer for Gru {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let (x, b, steps, lens) = sequence(t, ints, self.layers[0].input)?;
        let (nl, hs) = (self.layers.len(), self.layers[0].hs);
        let h0 = initial(t, 1, nl, b, hs)?;
        let mut hn = vec![0.0f32; nl * b * hs];
        let mut input: Option<Vec<f32>> = None;
        for (l, cells) in self.layers.iter().enumerate() {
            let mut out = vec![0.0f32; b * steps * hs];
            let h0 = h0.map(|h| &h[l * b * hs..(l + 1) * b * hs]);
            cells.run(input.as_deref().unwrap_or(x.data), steps, None, &lens, h0, &mut out, &mut hn[l * b * hs..(l + 1) * b * hs]);
            input = Some(out);
        }
        let hn_shape = if nl == 1 { vec![b, hs] } else { vec![nl, b, hs] };
        Ok(vec![Out { data: input.expect("numLayers >= 1"), shape: vec![b, steps, hs] }, Out { data: hn, shape: hn_shape }])
    }
}

impl AttentionGru {
    pub fn new(kind: &str, c: AttentionConfig, mut w: Weights) -> Result<Self> {
        AttentionGru::load(kind, c, &mut w)
    }

    /// Loads from `w`, which may hold other tensors too (a whole model's).
    pub(crate) fn load(kind: &str, c: AttentionConfig, w: &mut Weights) -> Result<Self> {
        sizes(c.input_size, c.hidden_size)?;
        let hs = c.hidden_size;
        w.set_prefix(c.prefix.as_deref().unwrap_or(""));
        let zrn = match c.gate_order.as_deref() {
            None | Some("rzn") => false,
            Some("zrn") => true,
            Some(o) => return Err(Error::new("config", format!("gateOrder must be 'rzn' or 'zrn', got '{o}'"))),
        };
        let rzn = if zrn { [1, 0, 2] } else { [0, 1, 2] };
        let cell = match (kind, c.form.as_deref()) {
            ("AUGRU", None | Some("paper")) => Cell::Paper,
            ("AUGRU", Some("xdl")) => Cell::Xdl,
            ("AUGRU", Some(f)) => return Err(Error::new("config", format!("form must be 'paper' or 'xdl', got '{f}'"))),
            (_, Some(_)) => return Err(Error::new("config", format!("form applies to AUGRU only, not {kind}"))),
            ("AGRU", None) => Cell::Agru,
            ("AIGRU", None) => Cell::Gru,
            _ => return Err(Error::new("kind", format!("unknown attention GRU '{kind}'"))),
        };
        let mut cells = if cell == Cell::Agru {
            // 2H rows (r, n) or 3H (r, z, n: z is dropped).
            let rows = w.shape_of("weight_ih").map_or(3 * hs, |s| s[0]);
            if rows == 2 * hs {
                if c.gate_order.is_some() {
                    return Err(Error::new("config", "gateOrder applies to 3H-row weights; these AGRU weights have 2H rows (r, n)"));
                }
                Cells::load(w, "", c.input_size, hs, cell, 2, &[0, 1])?
            } else {
                Cells::load(w, "", c.input_size, hs, cell, 3, &[rzn[0], 2])?
            }
        } else {
            Cells::load(w, "", c.input_size, hs, cell, 3, &rzn)?
        };
        cells.scale_input = kind == "AIGRU";
        Ok(AttentionGru { cells })
    }
}

impl Layer for AttentionGru {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let c = &self.cells;
        let (x, b, steps, lens) = sequence(t, ints, c.input)?;
        let att = required(t, 1, "attention")?;
        super::filled(att, "attention")?;
        if att.shape != [b, steps] {
            return Err(Error::new("attention", format!("has shape {:?}, expected [{b}, {steps}] (x's batch and steps)", att.shape)));
        }
        crate::util::check::finite("attention", att.data)?;
        let h0 = initial(t, 2, 1, b, c.hs)?;
        let mut out = vec![0.0f32; b * steps * c.hs];
        let mut hn = vec![0.0f32; b * c.hs];
        c.run(x.data, steps, Some(att.data), &lens, h0, &mut out, &mut hn);
        Ok(vec![Out { data: out, shape: vec![b, steps, c.hs] }, Out { data: hn, shape: vec![b, c.hs] }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::layers::mlp::tests::weights;

    fn sig(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }

    fn close(got: &[f32], want: &[f64], tol: f64, what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: lengths");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((*g as f64 - w).abs() <= tol, "{what}[{i}]: {g} vs {w}\n{got:?}\n{want:?}");
        }
    }

    fn cfg(i: usize, h: usize, layers: Option<usize>) -> Config {
        Config { input_size: i, hidden_size: h, num_layers: layers, prefix: None }
    }

    fn acfg(i: usize, h: usize, form: Option<&str>, order: Option<&str>) -> AttentionConfig {
        AttentionConfig { input_size: i, hidden_size: h, prefix: Some("g.".into()), form: form.map(Into::into), gate_order: order.map(Into::into) }
    }

    /// (output, hN) of a forward with x [B, T, I].
    fn fwd(l: &dyn Layer, x: &[f32], xs: [usize; 3], att: Option<&[f32]>, h0: Option<(&[f32], &[usize])>, lens: Option<&[i32]>) -> Result<(Out, Out)> {
        let a_shape = [xs[0], xs[1]];
        let x = Some(In { data: x, shape: &xs });
        let h0 = h0.map(|(data, shape)| In { data, shape });
        let t: Vec<Option<In>> = match att {
            Some(a) => vec![x, Some(In { data: a, shape: &a_shape }), h0],
            None => vec![x, h0],
        };
        let mut o = l.forward(&t, &[lens])?;
        let hn = o.pop().unwrap();
        Ok((o.pop().unwrap(), hn))
    }

    #[test]
    fn gru_one_unit_by_hand() {
        // I = H = 1; rows r, z, n. W_ih = [1, 2, 3], W_hh = [0.5, −1, 1], b_ih = [0, 0, 0.5],
        // b_hh = [0.25, 0, −0.5]; x = [1, −2], h0 = 0.3.
        let w = weights(&[
            ("weight_ih_l0", &[3, 1], &[1.0, 2.0, 3.0]),
            ("weight_hh_l0", &[3, 1], &[0.5, -1.0, 1.0]),
            ("bias_ih_l0", &[3], &[0.0, 0.0, 0.5]),
            ("bias_hh_l0", &[3], &[0.25, 0.0, -0.5]),
        ]);
        let g = Gru::new(cfg(1, 1, None), w).unwrap();
        let mut h = 0.3f64;
        let mut want = vec![];
        for x in [1.0, -2.0] {
            let r = sig(x + 0.5 * h + 0.25);
            let z = sig(2.0 * x - h);
            let n = (3.0 * x + 0.5 + r * (h - 0.5)).tanh();
            h = (1.0 - z) * n + z * h;
            want.push(h);
        }
        let (out, hn) = fwd(&g, &[1.0, -2.0], [1, 2, 1], None, Some((&[0.3], &[1, 1])), None).unwrap();
        close(&out.data, &want, 1e-6, "output");
        close(&hn.data, &want[1..], 1e-6, "hN");
        assert_eq!((out.shape, hn.shape), (vec![1, 2, 1], vec![1, 1]));
        // Length 1: the second step is padding (0) and hN is the first state; length 0: h0.
        let (out, hn) = fwd(&g, &[1.0, -2.0, 1.0, -2.0], [2, 2, 1], None, Some((&[0.3, 0.3], &[1, 2, 1])), Some(&[1, 0])).unwrap();
        close(&out.data, &[want[0], 0.0, 0.0, 0.0], 1e-6, "masked output");
        close(&hn.data, &[want[0], 0.3], 1e-6, "masked hN");
    }

    /// torch 1.13 `nn.GRU(2, 3, num_layers=2, batch_first=True)` on a packed batch with
    /// lengths [3, 2] and an h0 (python: see the values below, rounded weights).
    #[test]
    fn gru_two_layers_matches_torch() {
        let w = weights(&[
            ("rnn.weight_ih_l0", &[9, 2], &[-0.43, 0.46, -0.56, 0.65, 0.07, -0.64, -0.19, -0.06, -0.13, 0.39, 0.40, 0.22, 0.03, 0.35, -0.01, 0.40, -0.31, 0.13]),
            ("rnn.weight_hh_l0", &[9, 3], &[-0.08, 0.77, 0.28, -0.93, -0.48, 0.08, -0.47, -0.03, 0.44, -0.56, 0.19, 0.07, 0.35, -0.11, 0.41, -0.20, -0.69, -0.20, -0.19, 0.26, -0.48, 0.24, -0.22, -0.44, -0.29, 0.0, 0.14]),
            ("rnn.bias_ih_l0", &[9], &[-1.07, -0.01, 0.20, -0.21, -0.10, -0.42, -0.22, -0.05, -0.07]),
            ("rnn.bias_hh_l0", &[9], &[-0.10, -0.44, 0.0, 0.09, -0.33, -0.27, 0.57, 0.79, 0.31]),
            ("rnn.weight_ih_l1", &[9, 3], &[0.48, -0.06, -0.02, 0.26, 0.21, 0.09, 0.03, 0.26, 0.01, -0.41, 0.29, 0.11, -0.82, 0.21, -0.21, -0.35, -0.36, -0.24, 0.06, -0.08, -0.46, -0.13, 0.38, -0.46, 0.32, 0.03, 0.17]),
            ("rnn.weight_hh_l1", &[9, 3], &[-0.29, -0.03, -0.39, 0.02, -0.20, -0.63, 0.14, -0.54, 0.52, 0.59, -0.25, 0.17, -0.45, -0.05, -0.02, 0.16, 0.45, 0.77, 0.40, -0.60, -0.20, -0.50, 0.51, 0.10, 0.21, -0.01, -0.89]),
            ("rnn.bias_ih_l1", &[9], &[0.01, 0.08, -0.17, 0.0, -0.11, 0.52, 0.43, -0.19, -0.27]),
            ("rnn.bias_hh_l1", &[9], &[-0.19, -0.14, -0.55, 0.09, 0.32, 0.06, -0.23, 0.09, 0.30]),
        ]);
        let g = Gru::new(Config { prefix: Some("rnn.".into()), ..cfg(2, 3, Some(2)) }, w).unwrap();
        let x = [-2.23, 1.57, 0.54, 0.62, 0.83, -0.97, 0.06, -0.88, 1.21, 0.61, -1.60, 0.41];
        let h0 = [1.70, -0.91, -0.51, -1.17, 1.09, 0.92, 0.59, -1.10, -0.14, -0.99, 1.05, 1.95];
        let (out, hn) = fwd(&g, &x, [2, 3, 2], None, Some((&h0, &[2, 2, 3])), Some(&[3, 2])).unwrap();
        let want_out = [
            0.60338807, -0.88293469, 0.06546523, 0.59081078, -0.69590592, 0.03934501, 0.59026158, -0.56766021, -0.04082942,
            -0.62305248, 0.78144026, 1.75704336, -0.37685448, 0.53537846, 1.50464606, 0.0, 0.0, 0.0,
        ];
        let want_hn = [
            -0.15179059, -0.22184029, -0.15472400, -0.41734040, 0.21654795, 0.27614373, 0.59026158, -0.56766021, -0.04082942,
            -0.37685448, 0.53537846, 1.50464606,
        ];
        close(&out.data, &want_out, 2e-6, "output");
        close(&hn.data, &want_hn, 2e-6, "hN");
        assert_eq!(hn.shape, vec![2, 2, 3]);
    }

    /// The `AttentionUpdateGateGRUCell` of the DIEN tutorial's DIEN model (gates u, r, n)
    /// stepped in torch 1.13, lengths [3, 1].
    #[test]
    fn augru_zrn_matches_tutorial_cell() {
        let w = weights(&[
            ("g.weight_ih", &[6, 2], &[0.33, 0.13, 0.03, 0.31, -0.23, -0.08, -0.76, 0.19, -0.51, -0.28, -0.45, -0.03]),
            ("g.weight_hh", &[6, 2], &[-0.10, -0.48, 0.21, 0.13, -0.21, -0.26, -0.79, -0.06, 1.79, -0.92, 0.80, -0.64]),
            ("g.bias_ih", &[6], &[0.16, -0.24, 0.69, 1.26, 0.21, -0.49]),
            ("g.bias_hh", &[6], &[-0.45, 0.27, 0.06, -1.13, 0.30, -0.07]),
        ]);
        let g = AttentionGru::new("AUGRU", acfg(2, 2, None, Some("zrn")), w).unwrap();
        let x = [0.83, -0.25, -0.80, 0.24, 0.29, 0.69, -0.63, 0.88, -0.68, 0.45, 0.29, -0.83];
        let a = [0.67, 0.59, 0.29, 0.35, 0.96, 0.41];
        let (out, hn) = fwd(&g, &x, [2, 3, 2], Some(&a), None, Some(&[3, 1])).unwrap();
        let want = [0.01598972, -0.23424797, 0.18567136, -0.18553276, 0.21265388, -0.23693708, 0.06481879, -0.05464721, 0.0, 0.0, 0.0, 0.0];
        close(&out.data, &want, 2e-6, "output");
        close(&hn.data, &[0.21265388, -0.23693708, 0.06481879, -0.05464721], 2e-6, "hN");
    }

    /// The DIEN tutorial's `AttentionGRUCell` (2H rows: r, n) stepped in torch 1.13, lengths
    /// [3, 1].
    #[test]
    fn agru_two_gates_matches_tutorial_cell() {
        let w = weights(&[
            ("g.weight_ih", &[4, 2], &[-0.02, 0.52, 0.44, -0.70, -0.20, 0.86, -1.07, 0.0]),
            ("g.weight_hh", &[4, 2], &[0.52, 0.40, 0.26, -0.02, 0.03, 0.43, -0.55, -0.05]),
            ("g.bias_ih", &[4], &[-0.61, 0.03, -0.03, 0.30]),
            ("g.bias_hh", &[4], &[-0.35, -0.11, -0.53, -0.13]),
        ]);
        let g = AttentionGru::new("AGRU", acfg(2, 2, None, None), w).unwrap();
        let x = [-0.76, -0.98, 0.24, 1.46, 0.08, -0.12, -0.44, 2.26, -1.76, -0.50, 0.25, -1.60];
        let a = [1.0, 0.99, 0.84, 0.52, 0.15, 0.89];
        let (out, hn) = fwd(&g, &x, [2, 3, 2], Some(&a), None, Some(&[3, 1])).unwrap();
        let want = [-0.67569119, 0.77766168, 0.77956003, 0.09720486, -0.13226330, -0.06904708, 0.48686758, 0.33127487, 0.0, 0.0, 0.0, 0.0];
        close(&out.data, &want, 2e-6, "output");
        close(&hn.data, &[-0.13226330, -0.06904708, 0.48686758, 0.33127487], 2e-6, "hN");
    }

    /// One-unit 3H weights shared by the attention edge cases: W_ih = [1, 2, 3], W_hh =
    /// [0.5, −1, 1], b_ih = [0, 0, 0.5], b_hh = [0.25, 0, −0.5] (rows r, z, n).
    fn unit(kind: &str, form: Option<&str>) -> AttentionGru {
        let w = weights(&[
            ("g.weight_ih", &[3, 1], &[1.0, 2.0, 3.0]),
            ("g.weight_hh", &[3, 1], &[0.5, -1.0, 1.0]),
            ("g.bias_ih", &[3], &[0.0, 0.0, 0.5]),
            ("g.bias_hh", &[3], &[0.25, 0.0, -0.5]),
        ]);
        AttentionGru::new(kind, acfg(1, 1, form, None), w).unwrap()
    }

    #[test]
    fn attention_gates_at_their_limits() {
        let x = [1.0, -2.0, 0.5];
        let h0 = [0.3f32];
        let h0 = Some((&h0[..], &[1usize, 1][..]));
        // AUGRU with a = 0 keeps h (u = a·z = 0).
        let (out, hn) = fwd(&unit("AUGRU", None), &x, [1, 3, 1], Some(&[0.0; 3]), h0, None).unwrap();
        close(&out.data, &[0.3; 3], 1e-7, "AUGRU a=0");
        close(&hn.data, &[0.3], 1e-7, "AUGRU a=0 hN");
        // AGRU with a = 1 is the candidate n = tanh(W_in x + b_in + r·(W_hn h + b_hn)).
        let (out, _) = fwd(&unit("AGRU", None), &x[..1], [1, 1, 1], Some(&[1.0]), h0, None).unwrap();
        let r = sig(1.0 + 0.5 * 0.3 + 0.25);
        close(&out.data, &[(3.0 + 0.5 + r * (0.3 - 0.5)).tanh()], 1e-6, "AGRU a=1");
        // XDL: a = 1 ⇒ u' = 0 ⇒ h' = n = tanh(W_in x + b_in + W_hn (r·h) + b_hn).
        let (out, _) = fwd(&unit("AUGRU", Some("xdl")), &x[..1], [1, 1, 1], Some(&[1.0]), h0, None).unwrap();
        close(&out.data, &[(3.0 + 0.5 + r * 0.3 - 0.5).tanh()], 1e-6, "XDL a=1");
        // XDL: a = 0 ⇒ u' = z ⇒ h' = z·h + (1 − z)·n.
        let (out, _) = fwd(&unit("AUGRU", Some("xdl")), &x[..1], [1, 1, 1], Some(&[0.0]), h0, None).unwrap();
        let z = sig(2.0 - 0.3);
        let n = (3.0 + 0.5 + r * 0.3 - 0.5).tanh();
        close(&out.data, &[z * 0.3 + (1.0 - z) * n], 1e-6, "XDL a=0");
        // AIGRU with a = 0 is a GRU fed zeros; with a = 0.5 a GRU fed x/2.
        let gru = Gru::new(
            cfg(1, 1, None),
            weights(&[
                ("weight_ih_l0", &[3, 1], &[1.0, 2.0, 3.0]),
                ("weight_hh_l0", &[3, 1], &[0.5, -1.0, 1.0]),
                ("bias_ih_l0", &[3], &[0.0, 0.0, 0.5]),
                ("bias_hh_l0", &[3], &[0.25, 0.0, -0.5]),
            ]),
        )
        .unwrap();
        let (want, _) = fwd(&gru, &[0.5, -1.0, 0.25], [1, 3, 1], None, h0, None).unwrap();
        let (got, _) = fwd(&unit("AIGRU", None), &x, [1, 3, 1], Some(&[0.5; 3]), h0, None).unwrap();
        close(&got.data, &want.data.iter().map(|&v| v as f64).collect::<Vec<_>>(), 1e-6, "AIGRU a=0.5");
    }

    /// A scalar f64 transcription of the formulas in the doc comments, on weights in their
    /// source gate order (2 or 3 blocks).
    #[allow(clippy::too_many_arguments)]
    fn reference(
        kind: &str, xdl: bool, zrn: bool, i: usize, hs: usize, w: &[Vec<f32>; 4], x: &[f32], steps: usize, att: &[f32], lens: &[usize], h0: &[f32],
    ) -> (Vec<f64>, Vec<f64>) {
        let (w_ih, w_hh, b_ih, b_hh) = (&w[0], &w[1], &w[2], &w[3]);
        let gates = w_ih.len() / (hs * i);
        let (ri, zi, ni) = if gates == 2 { (0, 0, 1) } else if zrn { (1, 0, 2) } else { (0, 1, 2) };
        let b = lens.len();
        let mut out = vec![0.0; b * steps * hs];
        let mut hn = vec![0.0; b * hs];
        for row in 0..b {
            let mut h: Vec<f64> = h0[row * hs..(row + 1) * hs].iter().map(|&v| v as f64).collect();
            for t in 0..lens[row] {
                let a = att[row * steps + t] as f64;
                let xs: Vec<f64> = x[(row * steps + t) * i..(row * steps + t + 1) * i].iter().map(|&v| v as f64 * if kind == "AIGRU" { a } else { 1.0 }).collect();
                let lin = |w: &[f32], bias: &[f32], g: usize, j: usize, v: &[f64]| -> f64 {
                    let k = g * hs + j;
                    bias[k] as f64 + v.iter().enumerate().map(|(c, &e)| w[k * v.len() + c] as f64 * e).sum::<f64>()
                };
                let r: Vec<f64> = (0..hs).map(|j| sig(lin(w_ih, b_ih, ri, j, &xs) + lin(w_hh, b_hh, ri, j, &h))).collect();
                let z: Vec<f64> = (0..hs).map(|j| sig(lin(w_ih, b_ih, zi, j, &xs) + lin(w_hh, b_hh, zi, j, &h))).collect();
                let rh: Vec<f64> = (0..hs).map(|j| r[j] * h[j]).collect();
                let n: Vec<f64> = (0..hs)
                    .map(|j| if xdl { (lin(w_ih, b_ih, ni, j, &xs) + lin(w_hh, b_hh, ni, j, &rh)).tanh() } else { (lin(w_ih, b_ih, ni, j, &xs) + r[j] * lin(w_hh, b_hh, ni, j, &h)).tanh() })
                    .collect();
                h = (0..hs)
                    .map(|j| match (kind, xdl) {
                        ("AUGRU", false) => (1.0 - a * z[j]) * h[j] + a * z[j] * n[j],
                        ("AUGRU", true) => (1.0 - a) * z[j] * h[j] + (1.0 - (1.0 - a) * z[j]) * n[j],
                        ("AGRU", _) => (1.0 - a) * h[j] + a * n[j],
                        _ => (1.0 - z[j]) * n[j] + z[j] * h[j],
                    })
                    .collect();
                out[(row * steps + t) * hs..(row * steps + t + 1) * hs].copy_from_slice(&h);
            }
            hn[row * hs..(row + 1) * hs].copy_from_slice(&h);
        }
        (out, hn)
    }

    /// Deterministic values in [−1, 1).
    fn noise(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    /// Every cell against the reference, with enough rows for several chunks (and the
    /// parallel path with the `parallel` feature), varied lengths (0 included), h0 and biases.
    #[test]
    fn cells_match_reference_across_chunks() {
        let (b, steps, i, hs) = (300, 10, 8, 8);
        let x = noise(b * steps * i, 1);
        let att: Vec<f32> = noise(b * steps, 2).iter().map(|v| v * 0.5 + 0.5).collect();
        let h0 = noise(b * hs, 3);
        let lens: Vec<usize> = (0..b).map(|r| (r * 7 + r / 3) % (steps + 1)).collect();
        let lens_i: Vec<i32> = lens.iter().map(|&l| l as i32).collect();
        let cases: [(&str, Option<&str>, Option<&str>, usize); 7] = [
            ("AUGRU", None, None, 3),
            ("AUGRU", Some("paper"), Some("zrn"), 3),
            ("AUGRU", Some("xdl"), None, 3),
            ("AUGRU", Some("xdl"), Some("zrn"), 3),
            ("AGRU", None, Some("zrn"), 3),
            ("AGRU", None, None, 2),
            ("AIGRU", None, Some("zrn"), 3),
        ];
        for (c, &(kind, form, order, gates)) in cases.iter().enumerate() {
            let seed = 10 + 4 * c as u64;
            let ws = [noise(gates * hs * i, seed), noise(gates * hs * hs, seed + 1), noise(gates * hs, seed + 2), noise(gates * hs, seed + 3)];
            let w = weights(&[
                ("g.weight_ih", &[gates * hs, i], &ws[0]),
                ("g.weight_hh", &[gates * hs, hs], &ws[1]),
                ("g.bias_ih", &[gates * hs], &ws[2]),
                ("g.bias_hh", &[gates * hs], &ws[3]),
            ]);
            let layer = AttentionGru::new(kind, acfg(i, hs, form, order), w).unwrap();
            let (out, hn) = fwd(&layer, &x, [b, steps, i], Some(&att), Some((&h0, &[b, hs])), Some(&lens_i)).unwrap();
            let (want_out, want_hn) = reference(kind, form == Some("xdl"), order == Some("zrn"), i, hs, &ws, &x, steps, &att, &lens, &h0);
            let what = format!("{kind} {form:?} {order:?}");
            close(&out.data, &want_out, 2e-5, &what);
            close(&hn.data, &want_hn, 2e-5, &what);
        }
        // GRU, no biases, no h0, full lengths: the reference with a = 1 and h0 = 0.
        let ws = [noise(3 * hs * i, 50), noise(3 * hs * hs, 51), vec![0.0; 3 * hs], vec![0.0; 3 * hs]];
        let g = Gru::new(cfg(i, hs, None), weights(&[("weight_ih_l0", &[3 * hs, i], &ws[0]), ("weight_hh_l0", &[3 * hs, hs], &ws[1])])).unwrap();
        let (out, hn) = fwd(&g, &x, [b, steps, i], None, None, None).unwrap();
        let (want_out, want_hn) = reference("GRU", false, false, i, hs, &ws, &x, steps, &vec![1.0; b * steps], &vec![steps; b], &vec![0.0; b * hs]);
        close(&out.data, &want_out, 2e-5, "GRU");
        close(&hn.data, &want_hn, 2e-5, "GRU hN");
    }

    #[test]
    fn recurrent_checks_inputs_and_config() {
        let g = unit("AUGRU", None);
        let x = [1.0, 2.0];
        let run = |x: &[f32], xs: [usize; 3], a: &[f32], lens: Option<&[i32]>| fwd(&g, x, xs, Some(a), None, lens).map(|_| ()).unwrap_err().arg;
        assert_eq!(run(&x, [1, 2, 2], &[0.5, 0.5], None), "x"); // 2 values for 4
        assert_eq!(run(&x, [2, 1, 1], &[0.5, 0.5], Some(&[1, 2])), "lengths");
        assert_eq!(run(&[1.0, f32::NAN], [1, 2, 1], &[0.5, 0.5], None), "x");
        assert_eq!(run(&x, [1, 2, 1], &[0.5, f32::INFINITY], None), "attention");
        assert_eq!(run(&x, [1, 2, 1], &[0.5], None), "attention");
        let bad_h0 = fwd(&g, &x, [1, 2, 1], Some(&[0.5, 0.5]), Some((&[0.0, 0.0], &[2, 1])), None).unwrap_err();
        assert_eq!(bad_h0.arg, "h0");
        assert_eq!(g.forward(&[], &[]).unwrap_err().arg, "x");
        let no_att = g.forward(&[Some(In { data: &x, shape: &[1, 2, 1] })], &[]).unwrap_err();
        assert_eq!(no_att.arg, "attention");
        // Any finite attention is accepted.
        assert!(fwd(&g, &x, [1, 2, 1], Some(&[-3.0, 7.0]), None, None).is_ok());
        // T = 0: empty output, hN = h0.
        let (out, hn) = fwd(&g, &[], [2, 0, 1], Some(&[]), Some((&[0.5, -0.5], &[2, 1])), None).unwrap();
        assert_eq!((out.shape, hn.data), (vec![2, 0, 1], vec![0.5, -0.5]));

        let w = || weights(&[("g.weight_ih", &[3, 1], &[0.0; 3]), ("g.weight_hh", &[3, 1], &[0.0; 3])]);
        assert!(AttentionGru::new("AUGRU", acfg(1, 1, None, None), w()).is_ok());
        assert_eq!(AttentionGru::new("AGRU", acfg(1, 1, Some("paper"), None), w()).err().unwrap().arg, "config");
        assert_eq!(AttentionGru::new("AUGRU", acfg(1, 1, Some("tf"), None), w()).err().unwrap().arg, "config");
        assert_eq!(AttentionGru::new("AUGRU", acfg(1, 1, None, Some("nzr")), w()).err().unwrap().arg, "config");
        assert_eq!(AttentionGru::new("AUGRU", acfg(2, 1, None, None), w()).err().unwrap().arg, "weights");
        assert_eq!(AttentionGru::new("AUGRU", acfg(1, 0, None, None), w()).err().unwrap().arg, "config");
        assert_eq!(Gru::new(cfg(1, 1, Some(0)), weights(&[])).err().unwrap().arg, "config");
        let missing = Gru::new(cfg(1, 1, Some(2)), weights(&[("weight_ih_l0", &[3, 1], &[0.0; 3]), ("weight_hh_l0", &[3, 1], &[0.0; 3])])).err().unwrap();
        assert!(missing.message.contains("weight_ih_l1"), "{missing:?}");
        assert!(serde_json::from_str::<Config>(r#"{"inputSize":1,"hiddenSize":1,"form":"xdl"}"#).is_err());
        assert!(serde_json::from_str::<AttentionConfig>(r#"{"inputSize":1,"hiddenSize":1,"gateOrder":"zrn","prefix":"a."}"#).is_ok());
    }
}
