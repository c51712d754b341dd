//! Losses over rows of several elements: softmax cross-entropy, NCE, InfoNCE, KL divergence,
//! and the contrastive and triplet losses from embeddings.

use super::pointwise::contrastive_term;
use super::{drive, rows_of, Loss, Reduction};
use crate::util::check::{eps, finite, finite_param, in_unit, positive_param, same_length_as};
use crate::util::math::{exp, lanes_sum_by, lanes_sum_zip, ln, sigmoid, softplus};
use crate::{Error, Result};
use crate::util::Score;

/// Softmax cross-entropy targets: one class id per row, or a distribution per row.
#[derive(Debug, Clone, Copy)]
pub enum Targets<'a, T> {
    Classes(&'a [u32]),
    Soft(&'a [T]),
}

/// `max` and `ln Σ e^(x − max)` of a row: `log_softmax(x) = (x − max) − ln Σ`, each term
/// small, so nothing rounds at the logits' magnitude.
#[inline(always)]
fn log_sum_exp<T: Score>(xs: &[T]) -> (f64, f64) {
    let m = xs.iter().fold(f64::NEG_INFINITY, |m, x| m.max(x.to_f64()));
    (m, ln(lanes_sum_by(xs, #[inline(always)] |x| exp(x.to_f64() - m))))
}

/// Softmax cross-entropy of logits (N × C, row-major): `−Σ_c t_c·log_softmax(x)_c` per row,
/// with `t` one-hot for class ids or a soft distribution (each in [0, 1]). `log_softmax` is
/// computed as `(x − max) − ln Σ e^(x − max)`, so logits of ±1e4 are exact. Gradient
/// `softmax(x)·Σt − t`. Reference: `torch.nn.functional.cross_entropy` (class indices or
/// probabilities).
pub fn softmax_cross_entropy<T: Score>(targets: Targets<T>, logits: &[T], classes: usize, r: Reduction, grad: bool) -> Result<Loss<T>> {
    if classes == 0 {
        return Err(Error::new("numClasses", "must be at least 1"));
    }
    let n = rows_of("logits", logits.len(), classes, "numClasses")?;
    match targets {
        Targets::Classes(ids) => {
            same_length_as("targets", ids.len(), n, "one class id per row of logits")?;
            if let Some(i) = ids.iter().position(|&c| c as usize >= classes) {
                return Err(Error::new("targets", format!("targets[{i}] is {}; class ids must be < numClasses ({classes})", ids[i])));
            }
        }
        Targets::Soft(t) => {
            same_length_as("targets", t.len(), logits.len(), "numClasses probabilities per row, as logits")?;
            in_unit("targets", t, "target probabilities")?;
        }
    }
    finite("logits", logits)?;
    Ok(drive(n, &[classes], r, grad, #[inline(always)] |i, s, g| {
        let x = &logits[i * classes..(i + 1) * classes];
        let (m, ln_sum) = log_sum_exp(x);
        // ∂/∂x_c = softmax_c·Σt − t_c, rounded once to T.
        match targets {
            Targets::Classes(ids) => {
                let k = ids[i] as usize;
                if g.wanted() {
                    for (c, g) in g.row(0).iter_mut().enumerate() {
                        *g = T::from_f64((exp(x[c].to_f64() - m - ln_sum) - (c == k) as u8 as f64) * s);
                    }
                }
                ln_sum - (x[k].to_f64() - m)
            }
            Targets::Soft(t) => {
                let t = &t[i * classes..(i + 1) * classes];
                let total = lanes_sum_by(t, #[inline(always)] |t| t.to_f64());
                if g.wanted() {
                    for (c, g) in g.row(0).iter_mut().enumerate() {
                        *g = T::from_f64((exp(x[c].to_f64() - m - ln_sum) * total - t[c].to_f64()) * s);
                    }
                }
                lanes_sum_zip(t, x, #[inline(always)] |t, x| {
                    let t = t.to_f64();
                    if t != 0.0 { t * (ln_sum - (x.to_f64() - m)) } else { 0.0 }
                })
            }
        }
    }))
}

/// `pos` (N) and `neg` (N × K): returns K.
fn negatives<T: Score>(pos: &[T], neg: &[T]) -> Result<usize> {
    finite("pos", pos)?;
    finite("neg", neg)?;
    if pos.is_empty() {
        return if neg.is_empty() { Ok(0) } else { Err(Error::new("neg", "has values but pos is empty")) };
    }
    rows_of("neg", neg.len(), pos.len(), "the length of pos: neg is N × K")
}

/// Noise-contrastive estimation with K negatives per positive (Gutmann & Hyvärinen 2010):
/// `−(ln σ(pos) + Σ_j ln σ(−neg_j))` per row, as `softplus(−pos) + Σ_j softplus(neg_j)`.
/// Gradients `−σ(−pos)` and `σ(neg_j)`.
pub fn nce<T: Score>(pos: &[T], neg: &[T], r: Reduction, grad: bool) -> Result<Loss<T>> {
    let k = negatives(pos, neg)?;
    Ok(drive(pos.len(), &[1, k], r, grad, #[inline(always)] |i, s, g| {
        let (p, row) = (pos[i].to_f64(), &neg[i * k..(i + 1) * k]);
        if g.wanted() {
            g.set(0, 0, -sigmoid(-p) * s);
            for (g, x) in g.row(1).iter_mut().zip(row) {
                *g = T::from_f64(sigmoid(x.to_f64()) * s);
            }
        }
        softplus(-p) + lanes_sum_by(row, #[inline(always)] |x| softplus(x.to_f64()))
    }))
}

/// InfoNCE (van den Oord et al. 2018, CPC): `−log_softmax([pos, neg_1…neg_K] / τ)_0` per row
/// (temperature τ > 0, 1 by default as van den Oord et al. 2018; 0.07–0.2 are common), stable
/// for ±1e4. Gradients `(softmax_0 − 1)/τ` for `pos` and `softmax_j/τ` for `neg_j`.
pub fn info_nce<T: Score>(pos: &[T], neg: &[T], temperature: f64, r: Reduction, grad: bool) -> Result<Loss<T>> {
    positive_param("temperature", temperature)?;
    let k = negatives(pos, neg)?;
    let t = temperature;
    Ok(drive(pos.len(), &[1, k], r, grad, #[inline(always)] |i, s, g| {
        // Logits relative to the row's maximum, (x − max)/τ: dividing first and subtracting
        // after would round at the magnitude of x/τ (1.4e5 for ±1e4 at τ = 0.07).
        let (p, row) = (pos[i].to_f64(), &neg[i * k..(i + 1) * k]);
        let m = row.iter().fold(p, |m, x| m.max(x.to_f64()));
        let z = |x: f64| (x - m) / t;
        let ln_sum = ln(exp(z(p)) + lanes_sum_by(row, #[inline(always)] |x| exp(z(x.to_f64()))));
        if g.wanted() {
            g.set(0, 0, (exp(z(p) - ln_sum) - 1.0) / t * s);
            for (g, x) in g.row(1).iter_mut().zip(row) {
                *g = T::from_f64(exp(z(x.to_f64()) - ln_sum) / t * s);
            }
        }
        ln_sum - z(p)
    }))
}

/// Kullback–Leibler divergence `KL(P‖Q) = Σ pc·ln(pc/qc)` per row of `size` (0: the whole
/// array is one distribution), with `pc, qc` clipped to [eps, 1 − eps] as the NumPy reference
/// snippets (so zeros stay finite). P is the target, Q the prediction; `mean` divides by the
/// number of rows (torch's `batchmean`). Gradient with respect to `q`: `−pc/qc` where the clip
/// does not bind.
pub fn kl_div<T: Score>(p: &[T], q: &[T], size: usize, eps_: f64, r: Reduction, grad: bool) -> Result<Loss<T>> {
    eps(eps_)?;
    same_length_as("q", q.len(), p.len(), "the length of p")?;
    in_unit("p", p, "probabilities")?;
    in_unit("q", q, "probabilities")?;
    let size = if size == 0 { p.len().max(1) } else { size };
    let rows = rows_of("p", p.len(), size, "size")?;
    // max/min, not clamp: clamp's min ≤ max assertion keeps the loop from vectorising.
    let clip = |x: f64| x.max(eps_).min(1.0 - eps_);
    Ok(drive(rows, &[size], r, grad, #[inline(always)] |i, s, g| {
        let (p, q) = (&p[i * size..(i + 1) * size], &q[i * size..(i + 1) * size]);
        if g.wanted() {
            for ((g, p), q) in g.row(0).iter_mut().zip(p).zip(q) {
                let (pc, q) = (clip(p.to_f64()), q.to_f64());
                *g = T::from_f64(if clip(q) == q { -pc / q * s } else { 0.0 });
            }
        }
        lanes_sum_zip(p, q, #[inline(always)] |p, q| {
            let pc = clip(p.to_f64());
            pc * ln(pc / clip(q.to_f64()))
        })
    }))
}

/// Euclidean distances need embeddings of N rows of `dim`, all of the first one's length.
fn embeddings<T: Score>(args: &[(&'static str, &[T])], dim: usize) -> Result<usize> {
    let (first, len) = (args[0].0, args[0].1.len());
    let n = rows_of(first, len, dim, "dim")?;
    for (name, x) in args {
        same_length_as(name, x.len(), len, &format!("the length of {first}"))?;
        finite(name, x)?;
    }
    Ok(n)
}

/// `‖a − b‖₂` of one row.
#[inline(always)]
fn distance<T: Score>(a: &[T], b: &[T]) -> f64 {
    lanes_sum_zip(a, b, #[inline(always)] |x, y| (x.to_f64() - y.to_f64()).powi(2)).sqrt()
}

/// [`contrastive`](super::contrastive) with `d = ‖x1 − x2‖₂` per row of `dim` (a contrastive
/// loss over embedding pairs). Gradients for `x1` and `x2 = −x1`'s; zero where `x1 = x2` (the
/// norm's subgradient PyTorch uses).
#[allow(clippy::too_many_arguments)]
pub fn contrastive_embeddings<T: Score>(labels: &[T], x1: &[T], x2: &[T], dim: usize, margin: f64, half: bool, r: Reduction, grad: bool) -> Result<Loss<T>> {
    let n = embeddings(&[("x1", x1), ("x2", x2)], dim)?;
    same_length_as("labels", labels.len(), n, "one label per row of x1")?;
    in_unit("labels", labels, "contrastive labels")?;
    let k = if half { 0.5 } else { 1.0 };
    Ok(drive(n, &[dim, dim], r, grad, #[inline(always)] |i, s, g| {
        let (a, b) = (row(x1, i, dim), row(x2, i, dim));
        let d = distance(a, b);
        let (loss, dd) = contrastive_term(labels[i].to_f64(), d, margin, k);
        if d > 0.0 && g.wanted() {
            for j in 0..dim {
                let v = dd * (a[j].to_f64() - b[j].to_f64()) / d * s;
                g.set(0, j, v);
                g.set(1, j, -v);
            }
        }
        loss
    }))
}

/// [`triplet`](super::triplet) with `d_pos = ‖a − p‖₂`, `d_neg = ‖a − n‖₂` per row of `dim`
/// (a pairwise margin (triplet) loss over embeddings; `torch.nn.TripletMarginLoss` adds 1e-6
/// inside the norm). Gradients for anchor, positive and negative.
#[allow(clippy::too_many_arguments)]
pub fn triplet_embeddings<T: Score>(anchor: &[T], positive_: &[T], negative: &[T], dim: usize, margin: f64, r: Reduction, grad: bool) -> Result<Loss<T>> {
    finite_param("margin", margin)?;
    let n = embeddings(&[("anchor", anchor), ("positive", positive_), ("negative", negative)], dim)?;
    Ok(drive(n, &[dim, dim, dim], r, grad, #[inline(always)] |i, s, g| {
        let (a, p, q) = (row(anchor, i, dim), row(positive_, i, dim), row(negative, i, dim));
        let (dp, dn) = (distance(a, p), distance(a, q));
        let m = dp - dn + margin;
        if m < 0.0 {
            return 0.0;
        }
        if g.wanted() {
            for j in 0..dim {
                let (a, p, q) = (a[j].to_f64(), p[j].to_f64(), q[j].to_f64());
                let up = if dp > 0.0 { (a - p) / dp } else { 0.0 };
                let un = if dn > 0.0 { (a - q) / dn } else { 0.0 };
                g.set(0, j, (up - un) * s);
                g.set(1, j, -up * s);
                g.set(2, j, un * s);
            }
        }
        m
    }))
}

fn row<T>(x: &[T], i: usize, dim: usize) -> &[T] {
    &x[i * dim..(i + 1) * dim]
}
