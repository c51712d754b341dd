//! Losses of one element (or one pair of elements) per row.

use super::{pointwise, Loss, Reduction};
use crate::util::check::{self, eps, finite, finite_param, in_unit, non_negative_param, positive_param, same_length_as};
use crate::util::math::{ln, pow, sigmoid, softplus};
use crate::Result;
use crate::util::Score;

/// Targets and predictions of equal length, both finite.
fn pair<T: Score>(targets: &[T], preds: &[T], preds_arg: &'static str) -> Result<()> {
    same_length_as(preds_arg, preds.len(), targets.len(), "the length of targets")?;
    finite("targets", targets)?;
    finite(preds_arg, preds)
}

/// `f(y, p) → (loss, ∂loss/∂p)` on every element; the gradient is of `preds`.
fn elementwise<T: Score>(y: &[T], p: &[T], r: Reduction, grad: bool, f: impl Fn(f64, f64) -> (f64, f64) + Sync + Send + Copy) -> Loss<T> {
    pointwise(y, p, r, grad, false, f)
}

fn sign(x: f64) -> f64 {
    if x > 0.0 { 1.0 } else if x < 0.0 { -1.0 } else { 0.0 }
}

/// Mean absolute error: `|p − y|` per element. Gradient `sign(p − y)` (0 where `p = y`).
/// Reference: `torch.nn.functional.l1_loss`.
pub fn mae<T: Score>(targets: &[T], preds: &[T], r: Reduction, grad: bool) -> Result<Loss<T>> {
    pair(targets, preds, "preds")?;
    Ok(elementwise(targets, preds, r, grad, #[inline(always)] |y, p| ((p - y).abs(), sign(p - y))))
}

/// Mean squared error: `(p − y)²` per element. Reference: `torch.nn.functional.mse_loss`.
pub fn mse<T: Score>(targets: &[T], preds: &[T], r: Reduction, grad: bool) -> Result<Loss<T>> {
    pair(targets, preds, "preds")?;
    Ok(elementwise(targets, preds, r, grad, #[inline(always)] |y, p| ((p - y) * (p - y), 2.0 * (p - y))))
}

/// Huber loss with threshold `delta > 0`: `½d²` where `|d| < δ`, else `δ·(|d| − ½δ)`, with
/// `d = p − y` (both branches agree at `|d| = δ`). Reference: `torch.nn.functional.huber_loss`.
pub fn huber<T: Score>(targets: &[T], preds: &[T], delta: f64, r: Reduction, grad: bool) -> Result<Loss<T>> {
    positive_param("delta", delta)?;
    pair(targets, preds, "preds")?;
    Ok(elementwise(targets, preds, r, grad, #[inline(always)] |y, p| {
        let d = p - y;
        if d.abs() < delta { (0.5 * d * d, d) } else { (delta * (d.abs() - 0.5 * delta), delta * sign(d)) }
    }))
}

/// `y·ln q + (1 − y)·ln(1 − q)` with `0·ln 0 = 0` (as `torch.xlogy`), negated.
#[inline(always)]
fn cross_entropy(y: f64, q: f64) -> f64 {
    let a = if y > 0.0 { y * ln(q) } else { 0.0 };
    let b = if y < 1.0 { (1.0 - y) * ln(1.0 - q) } else { 0.0 };
    -(a + b)
}

/// Binary cross-entropy of probabilities: `−(y·ln q + (1 − y)·ln(1 − q))`, `q = clamp(p, eps,
/// 1 − eps)` (eps 1e-15 as scikit-learn's `log_loss` default before 1.2; 1e-12 is the other
/// common choice). Targets may be soft, in [0, 1]; probabilities must be in [0, 1]. Gradient
/// `−y/q + (1 − y)/(1 − q)` where the clip does not bind, 0 where it does. Reference: the NumPy
/// reference snippets' `cal_binary_cross_entropy_loss` (python/make_loss_fixtures.py).
pub fn bce<T: Score>(targets: &[T], probs: &[T], eps_: f64, r: Reduction, grad: bool) -> Result<Loss<T>> {
    eps(eps_)?;
    same_length_as("probs", probs.len(), targets.len(), "the length of targets")?;
    in_unit("targets", targets, "targets")?;
    in_unit("probs", probs, "probabilities")?;
    Ok(elementwise(targets, probs, r, grad, #[inline(always)] |y, p| {
        let q = p.max(eps_).min(1.0 - eps_); // not clamp: its assertion blocks vectorising
        let d = if q == p { (1.0 - y) / (1.0 - q) - y / q } else { 0.0 };
        (cross_entropy(y, q), d)
    }))
}

/// Binary cross-entropy of logits, in the stable form `max(x, 0) − x·y + ln(1 + e^−|x|)`.
/// Gradient `σ(x) − y`. Reference: `torch.nn.functional.binary_cross_entropy_with_logits`.
pub fn bce_with_logits<T: Score>(targets: &[T], logits: &[T], r: Reduction, grad: bool) -> Result<Loss<T>> {
    same_length_as("logits", logits.len(), targets.len(), "the length of targets")?;
    in_unit("targets", targets, "targets")?;
    finite("logits", logits)?;
    Ok(elementwise(targets, logits, r, grad, #[inline(always)] |y, x| (softplus(x) - x * y, sigmoid(x) - y)))
}

/// Options of [`focal`].
#[derive(Debug, Clone, Copy)]
pub struct Focal {
    pub alpha: f64,
    pub gamma: f64,
    /// Probability clip (probabilities only).
    pub eps: f64,
    /// Predictions are logits (σ is applied) instead of probabilities.
    pub logits: bool,
    /// `α` for positives and `1 − α` for negatives (torchvision), instead of `α` for every
    /// element.
    pub balanced: bool,
}

/// Focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection"):
/// `a·(1 − p_t)^γ·ce` with `ce` the binary cross-entropy, `p_t = p·y + (1 − p)·(1 − y)` and
/// `a = α` (α for every element, the default) or `α·y + (1 − α)·(1 − y)` (`balanced`, as
/// torchvision's `sigmoid_focal_loss`). Probabilities are clipped to [eps, 1 − eps]; logits use
/// the stable cross-entropy and `1 − p = σ(−x)`, so ±1e4 is exact. Gradient with respect to the
/// predictions.
pub fn focal<T: Score>(targets: &[T], preds: &[T], f: Focal, r: Reduction, grad: bool) -> Result<Loss<T>> {
    non_negative_param("gamma", f.gamma)?;
    finite_param("alpha", f.alpha)?;
    eps(f.eps)?;
    same_length_as("preds", preds.len(), targets.len(), "the length of targets")?;
    in_unit("targets", targets, "targets")?;
    if f.logits { finite("preds", preds)? } else { in_unit("preds", preds, "probabilities")? }
    // Two loops rather than a branch on `logits` inside one: each vectorises.
    Ok(if f.logits {
        elementwise(targets, preds, r, grad, #[inline(always)] |y, x| {
            let (p, q) = (sigmoid(x), sigmoid(-x));
            focal_term(f, y, p, q, softplus(x) - x * y, p - y, p * q)
        })
    } else {
        elementwise(targets, preds, r, grad, #[inline(always)] |y, x| {
            let p = x.max(f.eps).min(1.0 - f.eps);
            let inside = p == x;
            let dce = if inside { (1.0 - y) / (1.0 - p) - y / p } else { 0.0 };
            focal_term(f, y, p, 1.0 - p, cross_entropy(y, p), dce, if inside { 1.0 } else { 0.0 })
        })
    })
}

/// `(loss, ∂loss/∂x)` from `p`, `q = 1 − p`, the cross-entropy, `∂ce/∂x` and `∂p/∂x`.
#[inline(always)]
fn focal_term(f: Focal, y: f64, p: f64, q: f64, ce: f64, dce: f64, dp: f64) -> (f64, f64) {
    let a = if f.balanced { f.alpha * y + (1.0 - f.alpha) * (1.0 - y) } else { f.alpha };
    let one_minus_pt = q * y + p * (1.0 - y); // ∂/∂x = (1 − 2y)·dp
    let w = pow(one_minus_pt, f.gamma);
    let dw = if f.gamma == 0.0 || one_minus_pt == 0.0 { 0.0 } else { f.gamma * pow(one_minus_pt, f.gamma - 1.0) };
    (a * w * ce, a * (dw * (1.0 - 2.0 * y) * dp * ce + w * dce))
}

/// Hinge loss `max(0, margin − y·s)` with labels `y ∈ {−1, 1}` (0 is read as −1). Gradient
/// `−y` where `margin − y·s ≥ 0` (torch.clamp's rule: it passes at the hinge itself).
pub fn hinge<T: Score>(labels: &[T], scores: &[T], margin: f64, r: Reduction, grad: bool) -> Result<Loss<T>> {
    finite_param("margin", margin)?;
    same_length_as("scores", scores.len(), labels.len(), "the length of labels")?;
    check::all("labels", labels, "hinge labels must be -1, 0 (read as -1) or 1", |y| y == -1.0 || y == 0.0 || y == 1.0)?;
    finite("scores", scores)?;
    Ok(elementwise(labels, scores, r, grad, #[inline(always)] |y, s| {
        let y = if y == 0.0 { -1.0 } else { y };
        let m = margin - y * s;
        if m >= 0.0 { (m, -y) } else { (0.0, 0.0) }
    }))
}

/// Bayesian personalised ranking (Rendle et al. 2009): `−ln σ(pos − neg)` per pair, computed
/// as `softplus(neg − pos)`. Gradients: `−σ(neg − pos)` for `pos`, `+σ(neg − pos)` for `neg`.
pub fn bpr<T: Score>(pos: &[T], neg: &[T], r: Reduction, grad: bool) -> Result<Loss<T>> {
    same_length_as("neg", neg.len(), pos.len(), "the length of pos")?;
    finite("pos", pos)?;
    finite("neg", neg)?;
    // The loss depends on neg − pos: the gradient for pos is minus neg's.
    Ok(pointwise(pos, neg, r, grad, true, #[inline(always)] |p, n| (softplus(n - p), sigmoid(n - p))))
}

/// Contrastive loss (Hadsell et al. 2006) from distances: `k·(y·d² + (1 − y)·max(0, m − d)²)`
/// with `y = 1` for similar pairs, `k = ½` (`half`, Hadsell et al. 2006) or 1 (`half: false`).
/// Labels in [0, 1]; distances finite and ≥ 0. Gradient with respect to the distances.
pub fn contrastive<T: Score>(labels: &[T], distances: &[T], margin: f64, half: bool, r: Reduction, grad: bool) -> Result<Loss<T>> {
    finite_param("margin", margin)?;
    same_length_as("distances", distances.len(), labels.len(), "the length of labels")?;
    in_unit("labels", labels, "contrastive labels")?;
    check::all("distances", distances, "distances must be finite and >= 0", |d| d.is_finite() && d >= 0.0)?;
    let k = if half { 0.5 } else { 1.0 };
    Ok(elementwise(labels, distances, r, grad, #[inline(always)] |y, d| contrastive_term(y, d, margin, k)))
}

/// `(loss, ∂loss/∂d)` of one pair.
pub(crate) fn contrastive_term(y: f64, d: f64, margin: f64, k: f64) -> (f64, f64) {
    let h = (margin - d).max(0.0);
    (k * (y * d * d + (1.0 - y) * h * h), k * (2.0 * y * d - 2.0 * (1.0 - y) * h))
}

/// Triplet margin loss (Schroff et al. 2015, FaceNet) from distances:
/// `max(0, d_pos − d_neg + margin)`. Gradients ±1 where the hinge is active or exactly at it.
pub fn triplet<T: Score>(pos: &[T], neg: &[T], margin: f64, r: Reduction, grad: bool) -> Result<Loss<T>> {
    finite_param("margin", margin)?;
    same_length_as("neg", neg.len(), pos.len(), "the length of pos")?;
    check::all("pos", pos, "distances must be finite and >= 0", |d| d.is_finite() && d >= 0.0)?;
    check::all("neg", neg, "distances must be finite and >= 0", |d| d.is_finite() && d >= 0.0)?;
    // d_neg's gradient is minus d_pos's; at the hinge itself it passes (torch.clamp).
    Ok(pointwise(pos, neg, r, grad, true, #[inline(always)] |p, n| {
        let m = p - n + margin;
        if m >= 0.0 { (m, -1.0) } else { (0.0, 0.0) }
    }))
}
