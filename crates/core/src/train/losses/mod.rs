//! Training losses with their gradients.
//!
//! Every loss is a sum over *rows* (one element for the pointwise losses; one sample for the
//! row losses), reduced by `mean` (sum / rows), `sum` or `none` (one value per row). Values are
//! computed in f64 whatever the inputs' precision, in numerically stable forms (softplus,
//! log-sum-exp), so logits of ±1e4 give finite, correct losses; gradients come back in the
//! predictions' precision. With `none`, the gradient is that of the sum of the rows.
//!
//! Kinks follow `torch.clamp(·, min = 0)`: at exactly the hinge the gradient passes (e.g. hinge
//! `1 − y·s = 0` has gradient `−y`); |x| at 0 has gradient 0 (`torch.sign`). Probability
//! clipping is `torch.clamp(p, eps, 1 − eps)`: zero gradient where it clips.
//!
//! Reference: PyTorch `torch.nn.functional` (the fixtures in `python/make_loss_fixtures.py`).

mod pointwise;
mod rows;

pub use pointwise::{bce, bce_with_logits, bpr, contrastive, focal, hinge, huber, mae, mse, triplet, Focal};
pub use rows::{contrastive_embeddings, info_nce, kl_div, nce, softmax_cross_entropy, triplet_embeddings, Targets};

use crate::util::{par, Score};

use crate::{Error, Result};
use multiversion::multiversion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    Mean,
    Sum,
    None,
}

impl Reduction {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            "none" => Ok(Reduction::None),
            _ => Err(Error::new("reduction", format!("is '{s}'; expected 'mean', 'sum' or 'none'"))),
        }
    }
}

/// A loss's value (one number, or one per row with `Reduction::None`) and, when asked for, its
/// gradient with respect to each prediction input, in the order the loss documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Loss<T> {
    pub value: Vec<f64>,
    pub grads: Vec<Vec<T>>,
}

/// Rows per chunk of the parallel loop. Fixed, so sums fold in the same order, and results are
/// bit-identical, on every backend and thread count.
const CHUNK: usize = 1 << 13;

/// `1/rows` for `mean`, else 1: the factor on the summed value and on every gradient.
fn scale_of(reduction: Reduction, rows: usize) -> f64 {
    if reduction == Reduction::Mean { 1.0 / rows as f64 } else { 1.0 }
}

/// The loss value: the per-row values with `none`, else the chunk sums folded in order, scaled.
fn value_of(reduction: Reduction, values: Vec<f64>, sums: &[f64], scale: f64) -> Vec<f64> {
    match reduction {
        Reduction::None => values,
        _ => vec![sums.iter().fold(0.0, |a, b| a + b) * scale], // not `sum()`: it gives −0 when empty
    }
}

/// The head `n` elements of `*s`, advancing it past them; an empty `*s` (an output nobody
/// asked for) gives empty heads.
fn take<'a, X>(s: &mut &'a mut [X], n: usize) -> &'a mut [X] {
    let all = std::mem::take(s);
    let (head, tail) = all.split_at_mut(if all.is_empty() { 0 } else { n });
    *s = tail;
    head
}

/// The gradient slices of one row (up to three inputs); empty when no gradient is wanted.
pub(crate) struct RowGrads<'a, T>([&'a mut [T]; 3]);

impl<T: Score> RowGrads<'_, T> {
    /// Sets element `j` of input `k`'s gradient (a no-op without gradients).
    #[inline(always)]
    pub(crate) fn set(&mut self, k: usize, j: usize, v: f64) {
        if let Some(g) = self.0[k].get_mut(j) {
            *g = T::from_f64(v);
        }
    }
    pub(crate) fn wanted(&self) -> bool {
        !self.0[0].is_empty()
    }
    /// Input `k`'s gradient row (empty without gradients).
    pub(crate) fn row(&mut self, k: usize) -> &mut [T] {
        self.0[k]
    }
}

/// Runs `row(i, scale, grads)` over `rows` rows: it returns row `i`'s loss and writes
/// `scale · ∂loss_i/∂input` into `grads` (input `k`'s row has `widths[k]` elements). Folds the
/// rows into the reduction.
pub(crate) fn drive<T: Score>(
    rows: usize,
    widths: &[usize],
    reduction: Reduction,
    grad: bool,
    row: impl Fn(usize, f64, &mut RowGrads<T>) -> f64 + Sync + Send,
) -> Loss<T> {
    let scale = scale_of(reduction, rows);
    let mut grads: Vec<Vec<T>> = if grad { widths.iter().map(|w| vec![T::ZERO; rows * w]).collect() } else { vec![] };
    let mut values = vec![0.0; if reduction == Reduction::None { rows } else { 0 }];

    // One work item per chunk of rows: its slice of the values and of each gradient.
    let mut items: Vec<(usize, &mut [f64], Vec<&mut [T]>)> = Vec::with_capacity(rows.div_ceil(CHUNK));
    let (mut vals, mut gs): (&mut [f64], Vec<&mut [T]>) = (&mut values, grads.iter_mut().map(|g| g.as_mut_slice()).collect());
    for start in (0..rows).step_by(CHUNK) {
        let n = CHUNK.min(rows - start);
        let parts = gs.iter_mut().zip(widths).map(|(g, w)| take(g, n * w)).collect();
        items.push((start, take(&mut vals, n), parts));
    }

    let sums = par::map_each(&mut items, rows * widths.iter().max().copied().unwrap_or(1), |(start, vals, parts)| {
        drive_chunk(*start, CHUNK.min(rows - *start), widths, parts, vals, scale, &row)
    });
    Loss { value: value_of(reduction, values, &sums, scale), grads }
}

/// Elements per block of [`pointwise`]: stack buffers that its vectorised loop fills.
const BLOCK: usize = 256;

/// The fast path of the one-element-per-row losses: `f(a_i, b_i) → (loss_i, ∂loss_i/∂b_i)`.
/// The gradient is for `b`; with `mirror` also for `a`, as its negation (pairwise losses whose
/// loss depends on `b − a`). `f` runs in a tight loop over stack blocks, so with the `math`
/// functions it vectorises; sums use four lanes in a fixed order (identical on every backend).
pub(crate) fn pointwise<T: Score>(
    a: &[T],
    b: &[T],
    reduction: Reduction,
    grad: bool,
    mirror: bool,
    f: impl Fn(f64, f64) -> (f64, f64) + Sync + Send + Copy,
) -> Loss<T> {
    let n = b.len();
    let scale = scale_of(reduction, n);
    let mut gb = vec![T::ZERO; if grad { n } else { 0 }];
    let mut ga = vec![T::ZERO; if grad && mirror { n } else { 0 }];
    let mut values = vec![0.0; if reduction == Reduction::None { n } else { 0 }];
    let (mut gb_, mut ga_, mut v_) = (&mut gb[..], &mut ga[..], &mut values[..]);
    let mut items: Vec<_> = (0..n)
        .step_by(CHUNK)
        .map(|start| {
            let m = CHUNK.min(n - start);
            (start, take(&mut gb_, m), take(&mut ga_, m), take(&mut v_, m))
        })
        .collect();
    let sums = par::map_each(&mut items, n, |(start, gb, ga, v)| {
        let end = (*start + CHUNK).min(n);
        pointwise_chunk(&a[*start..end], &b[*start..end], f, scale, gb, ga, v)
    });
    let grads = if !grad { vec![] } else if mirror { vec![ga, gb] } else { vec![gb] };
    Loss { value: value_of(reduction, values, &sums, scale), grads }
}

#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn pointwise_chunk<T: Score, F: Fn(f64, f64) -> (f64, f64)>(a: &[T], b: &[T], f: F, scale: f64, gb: &mut [T], ga: &mut [T], v: &mut [f64]) -> f64 {
    let (mut acc, mut l, mut d) = ([0.0f64; 4], [0.0f64; BLOCK], [0.0f64; BLOCK]);
    for start in (0..b.len()).step_by(BLOCK) {
        let m = BLOCK.min(b.len() - start);
        let (a, b) = (&a[start..start + m], &b[start..start + m]);
        for i in 0..m {
            let (x, y) = f(a[i].to_f64(), b[i].to_f64());
            l[i] = x;
            d[i] = y * scale;
        }
        let lanes = l[..m].chunks_exact(4);
        let rest: f64 = lanes.remainder().iter().sum();
        for c in lanes {
            for j in 0..4 {
                acc[j] += c[j];
            }
        }
        acc[0] += rest;
        if let Some(g) = gb.get_mut(start..start + m) {
            g.iter_mut().zip(&d[..m]).for_each(|(g, d)| *g = T::from_f64(*d));
        }
        if let Some(g) = ga.get_mut(start..start + m) {
            g.iter_mut().zip(&d[..m]).for_each(|(g, d)| *g = T::from_f64(-*d));
        }
        if let Some(v) = v.get_mut(start..start + m) {
            v.copy_from_slice(&l[..m]);
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// Rows `start..start + n` of [`drive`], compiled for each SIMD level so the inlined row
/// function's inner loops (over classes, negatives, embedding dims) vectorise.
#[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2+fma", "wasm32+simd128"))]
fn drive_chunk<T: Score, F: Fn(usize, f64, &mut RowGrads<T>) -> f64>(
    start: usize,
    n: usize,
    widths: &[usize],
    parts: &mut [&mut [T]],
    vals: &mut [f64],
    scale: f64,
    row: &F,
) -> f64 {
    let mut sum = 0.0;
    for r in 0..n {
        let mut g = RowGrads([&mut [], &mut [], &mut []]);
        for (k, (p, w)) in parts.iter_mut().zip(widths).enumerate() {
            g.0[k] = &mut p[r * w..(r + 1) * w];
        }
        let l = row(start + r, scale, &mut g);
        if let Some(v) = vals.get_mut(r) {
            *v = l;
        }
        sum += l;
    }
    sum
}

/// `len` elements as rows of `width`: the row count.
pub(crate) fn rows_of(arg: &'static str, len: usize, width: usize, what: &str) -> Result<usize> {
    if width == 0 || len % width != 0 {
        return Err(Error::new(arg, format!("has length {len}, not a multiple of {what} ({width})")));
    }
    Ok(len / width)
}

/// The bindings' single entry point: `name` is the facade's function name, `inputs` its arrays
/// in call order, `ids` integer class ids (softmax cross-entropy), `params` its numeric options
/// in the order of each arm below (flags as 0/1; a `dim` of 0 means "distances, not
/// embeddings"). Gradients are returned for the prediction inputs (not targets or labels), in order.
pub fn loss<T: Score>(name: &str, inputs: &[&[T]], ids: Option<&[u32]>, params: &[f64], reduction: Reduction, grad: bool) -> Result<Loss<T>> {
    let x = |i: usize| inputs.get(i).copied().ok_or_else(|| Error::new("inputs", format!("{name} takes more arrays")));
    let p = |i: usize| params.get(i).copied().ok_or_else(|| Error::new("options", format!("{name} takes more parameters")));
    let (r, g) = (reduction, grad);
    match name {
        "mae" => mae(x(0)?, x(1)?, r, g),
        "mse" => mse(x(0)?, x(1)?, r, g),
        "huber" => huber(x(0)?, x(1)?, p(0)?, r, g),
        "bce" => bce(x(0)?, x(1)?, p(0)?, r, g),
        "bceWithLogits" => bce_with_logits(x(0)?, x(1)?, r, g),
        "focal" => {
            let f = Focal { alpha: p(0)?, gamma: p(1)?, eps: p(2)?, logits: p(3)? != 0.0, balanced: p(4)? != 0.0 };
            focal(x(0)?, x(1)?, f, r, g)
        }
        "hinge" => hinge(x(0)?, x(1)?, p(0)?, r, g),
        "bpr" => bpr(x(0)?, x(1)?, r, g),
        "contrastive" if p(2)? == 0.0 => contrastive(x(0)?, x(1)?, p(0)?, p(1)? != 0.0, r, g),
        "contrastive" => contrastive_embeddings(x(0)?, x(1)?, x(2)?, p(2)? as usize, p(0)?, p(1)? != 0.0, r, g),
        "triplet" if p(1)? == 0.0 => triplet(x(0)?, x(1)?, p(0)?, r, g),
        "triplet" => triplet_embeddings(x(0)?, x(1)?, x(2)?, p(1)? as usize, p(0)?, r, g),
        "nce" => nce(x(0)?, x(1)?, r, g),
        "infoNce" => info_nce(x(0)?, x(1)?, p(0)?, r, g),
        "klDiv" => kl_div(x(0)?, x(1)?, p(1)? as usize, p(0)?, r, g),
        "softmaxCrossEntropy" => {
            let targets = match ids {
                Some(ids) => Targets::Classes(ids),
                None => Targets::Soft(x(0)?),
            };
            let logits = if ids.is_some() { x(0)? } else { x(1)? };
            softmax_cross_entropy(targets, logits, p(0)? as usize, r, g)
        }
        _ => Err(Error::new("loss", format!("unknown loss '{name}'"))),
    }
}
