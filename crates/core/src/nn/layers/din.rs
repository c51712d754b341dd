//! DIN's local activation unit: an MLP scores each history item against the candidate.

use super::mlp::{Mlp, Spec};
use super::{expect_rank, lengths, required, In, Layer, Out, Weights};
use crate::error::{Error, Result};
use crate::nn::matmul::linear_into;
use crate::nn::ops;
use crate::util::par;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    pub(crate) embed_dim: usize,
    pub(crate) hidden: Vec<usize>,
    pub(crate) activation: String,
    pub(crate) batchnorm: Option<bool>,
    pub(crate) softmax: Option<bool>,
    pub(crate) scale: Option<bool>,
    pub(crate) dice_eps: Option<f32>,
    pub(crate) prefix: Option<String>,
}

/// The DIEN tutorial's `Attention` module at inference: the attention unit of DIN (Zhou et al.
/// 2018, "Deep Interest Network for Click-Through Rate Prediction") and DIEN (Zhou et al. 2019).
///
/// For each batch row b and valid step t < lengths[b]:
/// `s_bt = fc(mlp([q_b, k_bt, q_b − k_bt, q_b ⊙ k_bt]))`, divided by √E when `scale`. With
/// `softmax` (default true, DIN/DIEN's original normalisation) the scores are softmaxed over
/// the valid steps, padded steps count as −∞ (weight 0; a row with no valid step has all-zero
/// scores); without it (DeepCTR-Torch, FuxiCTR, torch-rechub) the raw scores are used and padded
/// ones are 0. Output `o_b = Σ_t s_bt·k_bt`.
///
/// Config: `embedDim` (E), `hidden`, `activation`, `batchnorm` (default: whether the weights
/// have BatchNorm layers), `diceEps` (default 1e-8), as [`Mlp`] with input size 4E; `softmax`
/// (default true), `scale` (default false; the DIEN tutorial always scales), `prefix`.
///
/// Keys: the MLP's under `mlp.` (`mlp.mlp.dense0.weight` [H_0, 4E], …, see [`Mlp`]), then
/// `fc.weight` [1, H_last] and `fc.bias` [1] (optional).
///
/// Inputs: query [B, E], keys [B, T, E]; ints[0] = lengths [B] (optional: all T valid).
/// Outputs: output [B, E], scores [B, T] (after softmax or masking).
pub struct DinAttention {
    e: usize,
    mlp: Mlp,
    /// The first layer W = [W_q, W_k, W_d, W_p] over [q, k, q − k, q⊙k], regrouped as
    /// q·(W_q + W_d)ᵀ (once per row) + [k, q⊙k]·[W_k − W_d, W_p]ᵀ (per history item): the same
    /// linear map with half the products per item. `w_query` [H_0, E], `w_item` [H_0, 2E].
    w_query: Vec<f32>,
    w_item: Vec<f32>,
    fc_w: Vec<f32>,
    fc_b: f32,
    softmax: bool,
    scale: bool,
}

impl DinAttention {
    pub fn new(c: Config, mut w: Weights) -> Result<Self> {
        DinAttention::load(c, &mut w)
    }

    /// Loads from `w`, which may hold other tensors too (a whole model's).
    pub(crate) fn load(c: Config, w: &mut Weights) -> Result<Self> {
        if c.embed_dim == 0 {
            return Err(Error::new("config", "embedDim must be > 0"));
        }
        let input = c.embed_dim.checked_mul(4).ok_or_else(|| Error::new("config", "embedDim is too large"))?;
        let prefix = c.prefix.unwrap_or_default();
        w.set_prefix(&format!("{prefix}mlp."));
        let spec = Spec {
            input,
            hidden: &c.hidden,
            activation: &c.activation,
            batchnorm: c.batchnorm,
            dice_eps: c.dice_eps.unwrap_or(1e-8),
        };
        let mlp = Mlp::load(w, spec)?;
        w.set_prefix(&prefix);
        let fc_w = w.take("fc.weight", &[1, mlp.output_size()])?;
        let fc_b = w.take_opt("fc.bias", &[1])?.map_or(0.0, |b| b[0]);
        let e = c.embed_dim;
        let (first, _) = mlp.first_layer();
        let (mut w_query, mut w_item) = (Vec::with_capacity(first.len() / 4), Vec::with_capacity(first.len() / 2));
        for row in first.chunks_exact(4 * e) {
            let (wq, rest) = row.split_at(e);
            let (wk, rest) = rest.split_at(e);
            let (wd, wp) = rest.split_at(e);
            w_query.extend(wq.iter().zip(wd).map(|(q, d)| q + d));
            w_item.extend(wk.iter().zip(wd).map(|(k, d)| k - d));
            w_item.extend_from_slice(wp);
        }
        Ok(DinAttention { e, mlp, w_query, w_item, fc_w, fc_b, softmax: c.softmax.unwrap_or(true), scale: c.scale.unwrap_or(false) })
    }
}

impl Layer for DinAttention {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let e = self.e;
        let q = required(t, 0, "query")?;
        let k = required(t, 1, "keys")?;
        let qs = expect_rank(q, 2, "query", "[B, E]")?;
        let ks = expect_rank(k, 3, "keys", "[B, T, E]")?;
        if qs[1] != e {
            return Err(Error::new("query", format!("has shape {qs:?}, expected [B, {e}] (embedDim)")));
        }
        let (b, steps) = (qs[0], ks[1]);
        if ks[0] != b || ks[2] != e {
            return Err(Error::new("keys", format!("has shape {ks:?}, expected [{b}, T, {e}] (query's batch, embedDim)")));
        }
        let lens = lengths(ints, 0, b, steps)?;

        // Only valid (b, t) pairs go through the MLP: rows are independent at inference.
        let pairs: Vec<(usize, usize)> = (0..b).flat_map(|r| (0..lens[r]).map(move |s| (r, s))).collect();
        let n = pairs.len();
        let h0 = self.w_query.len() / e;
        let (_, bias) = self.mlp.first_layer();
        let mut per_row = vec![0.0f32; b * h0];
        linear_into(q.data, b, &self.w_query, bias, h0, &mut per_row, false);
        let mut feat = vec![0.0f32; n * 2 * e];
        par::for_rows(&mut feat, 2 * e, |first, rows| {
            for (i, f) in rows.chunks_exact_mut(2 * e).enumerate() {
                let (r, s) = pairs[first + i];
                let qv = &q.data[r * e..(r + 1) * e];
                let kv = &k.data[(r * steps + s) * e..(r * steps + s + 1) * e];
                let (fk, fp) = f.split_at_mut(e);
                fk.copy_from_slice(kv);
                fp.iter_mut().zip(qv.iter().zip(kv)).for_each(|(p, (q, k))| *p = q * k);
            }
        });
        let mut first = vec![0.0f32; n * h0];
        linear_into(&feat, n, &self.w_item, None, h0, &mut first, false);
        drop(feat);
        par::for_rows(&mut first, h0, |at, rows| {
            for (i, y) in rows.chunks_exact_mut(h0).enumerate() {
                let r = pairs[at + i].0;
                y.iter_mut().zip(&per_row[r * h0..(r + 1) * h0]).for_each(|(y, p)| *y += p);
            }
        });
        let hidden = self.mlp.forward_from_first(first, n);
        let h = self.mlp.output_size();
        let div = if self.scale { (e as f32).sqrt() } else { 1.0 };

        let mut scores = vec![0.0f32; b * steps];
        for (&(r, s), hrow) in pairs.iter().zip(hidden.chunks_exact(h.max(1))) {
            let v = hrow.iter().zip(&self.fc_w).fold(self.fc_b, |acc, (x, w)| acc + x * w);
            scores[r * steps + s] = v / div;
        }
        if self.softmax {
            for (r, row) in scores.chunks_exact_mut(steps.max(1)).enumerate().take(b) {
                let len = lens[r];
                if len > 0 {
                    ops::softmax_rows(&mut row[..len], len);
                }
            }
        }
        let mut output = vec![0.0f32; b * e];
        for r in 0..b {
            let o = &mut output[r * e..(r + 1) * e];
            for s in 0..lens[r] {
                let w = scores[r * steps + s];
                let kv = &k.data[(r * steps + s) * e..(r * steps + s + 1) * e];
                o.iter_mut().zip(kv).for_each(|(o, &k)| *o += w * k);
            }
        }
        Ok(vec![Out { data: output, shape: vec![b, e] }, Out { data: scores, shape: vec![b, steps] }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::layers::mlp::tests::weights;

    fn config(softmax: bool, scale: bool) -> Config {
        Config {
            embed_dim: 2,
            hidden: vec![1],
            activation: "none".into(),
            batchnorm: Some(false),
            softmax: Some(softmax),
            scale: Some(scale),
            dice_eps: None,
            prefix: Some("att.".into()),
        }
    }

    /// MLP: one unit reading only the q⊙k block (so the score is fc(q·k) = 2·q·k + 0.5).
    fn layer(softmax: bool, scale: bool) -> DinAttention {
        let w = weights(&[
            ("att.mlp.mlp.dense0.weight", &[1, 8], &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]),
            ("att.fc.weight", &[1, 1], &[2.0]),
            ("att.fc.bias", &[1], &[0.5]),
        ]);
        DinAttention::new(config(softmax, scale), w).unwrap()
    }

    fn run(l: &DinAttention, q: &[f32], k: &[f32], b: usize, t: usize, lens: Option<&[i32]>) -> Result<Vec<Out>> {
        let qs = [b, 2];
        let ks = [b, t, 2];
        l.forward(&[Some(In { data: q, shape: &qs }), Some(In { data: k, shape: &ks })], &[lens])
    }

    #[test]
    fn din_scores_softmax_masks_padding() {
        // q = [1, 2]; keys [1, 0], [0, 1], [5, 5] (padded): raw scores 2.5, 4.5.
        let q = [1.0, 2.0, 0.0, 0.0];
        let k = [1.0, 0.0, 0.0, 1.0, 5.0, 5.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let out = run(&layer(true, false), &q, &k, 2, 3, Some(&[2, 0])).unwrap();
        let e = (-2.0f32).exp();
        let (s0, s1) = (e / (1.0 + e), 1.0 / (1.0 + e));
        let want_scores = [s0, s1, 0.0, 0.0, 0.0, 0.0];
        for (g, w) in out[1].data.iter().zip(want_scores) {
            assert!((g - w).abs() < 1e-6, "{:?}", out[1].data);
        }
        let want_out = [s0, s1, 0.0, 0.0];
        for (g, w) in out[0].data.iter().zip(want_out) {
            assert!((g - w).abs() < 1e-6, "{:?}", out[0].data);
        }
        assert_eq!(out[0].shape, vec![2, 2]);
        assert_eq!(out[1].shape, vec![2, 3]);
    }

    #[test]
    fn din_without_softmax_zeroes_padding_and_scales() {
        let q = [1.0, 2.0];
        let k = [1.0, 0.0, 0.0, 1.0, 5.0, 5.0];
        let out = run(&layer(false, true), &q, &k, 1, 3, Some(&[2])).unwrap();
        let r = 2f32.sqrt();
        let want = [2.5 / r, 4.5 / r, 0.0];
        for (g, w) in out[1].data.iter().zip(want) {
            assert!((g - w).abs() < 1e-6, "{:?}", out[1].data);
        }
        assert!((out[0].data[0] - 2.5 / r).abs() < 1e-6 && (out[0].data[1] - 4.5 / r).abs() < 1e-6);
        // No lengths: all steps valid (15 + 0.5).
        let out = run(&layer(false, false), &q, &k, 1, 3, None).unwrap();
        assert!((out[1].data[2] - 30.5).abs() < 1e-5);
    }

    #[test]
    fn din_checks_inputs() {
        let l = layer(true, false);
        assert_eq!(run(&l, &[1.0, 2.0], &[1.0, 0.0], 1, 1, Some(&[2])).unwrap_err().arg, "lengths");
        assert_eq!(run(&l, &[1.0, f32::INFINITY], &[1.0, 0.0], 1, 1, None).unwrap_err().arg, "query");
        let ks = [2, 1, 2];
        let qs = [1, 2];
        let err = l.forward(&[Some(In { data: &[1.0, 2.0], shape: &qs }), Some(In { data: &[0.0; 4], shape: &ks })], &[]).unwrap_err();
        assert_eq!(err.arg, "keys");
        let out = run(&l, &[1.0, 2.0], &[], 1, 0, None).unwrap();
        assert_eq!((out[0].data.clone(), out[1].shape.clone()), (vec![0.0, 0.0], vec![1, 0]));
        let missing = DinAttention::new(config(true, false), weights(&[])).err().unwrap();
        assert!(missing.message.contains("att.mlp.mlp.dense0.weight"), "{missing:?}");
    }

    /// The DIEN tutorial's `Attention(2, [3, 2])` (Dice, BatchNorm, scaled, softmax) in torch
    /// 1.13, eval mode, lengths [3, 2].
    #[test]
    fn din_matches_tutorial_attention() {
        let w = weights(&[
            ("att.mlp.mlp.dense0.weight", &[3, 8], &[0.21, -0.43, -0.60, 0.51, 0.04, -0.09, -0.76, 0.46, -0.21, 0.34, -0.04, -0.21, 0.21, -0.13, -0.79, 0.70, -0.17, -0.21, 0.26, -0.01, -0.56, -0.24, -0.32, -0.39]),
            ("att.mlp.mlp.dense0.bias", &[3], &[0.54, -0.33, -0.39]),
            ("att.mlp.mlp.batchnorm0.weight", &[3], &[0.32, -0.38, -0.25]),
            ("att.mlp.mlp.batchnorm0.bias", &[3], &[-0.50, 0.51, -0.36]),
            ("att.mlp.mlp.batchnorm0.running_mean", &[3], &[-0.21, 0.69, 0.30]),
            ("att.mlp.mlp.batchnorm0.running_var", &[3], &[1.05, 0.83, 1.09]),
            ("att.mlp.mlp.activation0.alpha", &[3], &[-0.57, 0.18, 0.06]),
            ("att.mlp.mlp.activation0.bn.weight", &[3], &[0.19, 0.67, -0.16]),
            ("att.mlp.mlp.activation0.bn.bias", &[3], &[-0.82, -0.13, 0.17]),
            ("att.mlp.mlp.activation0.bn.running_mean", &[3], &[0.09, 0.56, 0.94]),
            ("att.mlp.mlp.activation0.bn.running_var", &[3], &[1.03, 1.46, 1.01]),
            ("att.mlp.mlp.dense1.weight", &[2, 3], &[1.89, 0.13, 0.20, -0.31, 0.19, 0.25]),
            ("att.mlp.mlp.dense1.bias", &[2], &[-0.98, -1.01]),
            ("att.mlp.mlp.batchnorm1.weight", &[2], &[0.28, -0.06]),
            ("att.mlp.mlp.batchnorm1.bias", &[2], &[-0.46, -0.37]),
            ("att.mlp.mlp.batchnorm1.running_mean", &[2], &[0.08, 0.01]),
            ("att.mlp.mlp.batchnorm1.running_var", &[2], &[0.60, 1.05]),
            ("att.mlp.mlp.activation1.alpha", &[2], &[0.55, 0.47]),
            ("att.mlp.mlp.activation1.bn.weight", &[2], &[0.98, -0.68]),
            ("att.mlp.mlp.activation1.bn.bias", &[2], &[0.43, 0.02]),
            ("att.mlp.mlp.activation1.bn.running_mean", &[2], &[-1.08, 0.43]),
            ("att.mlp.mlp.activation1.bn.running_var", &[2], &[1.33, 0.75]),
            ("att.fc.weight", &[1, 2], &[3.1, -2.5]),
            ("att.fc.bias", &[1], &[-0.27]),
        ]);
        let c = Config { hidden: vec![3, 2], activation: "dice".into(), batchnorm: None, ..config(true, true) };
        let l = DinAttention::new(c, w).unwrap();
        let q = [-0.55, -1.07, 1.52, -0.02];
        let k = [-1.09, 0.10, 0.64, -0.40, 0.46, -1.88, -0.61, 0.20, -0.79, 0.54, -0.43, -0.25];
        let out = run(&l, &q, &k, 2, 3, Some(&[3, 2])).unwrap();
        let want_out: [f64; 4] = [-0.00944400, -0.71688151, -0.69926333, 0.36860853];
        let want_scores: [f64; 6] = [0.34113282, 0.32951045, 0.32935673, 0.50409257, 0.49590743, 0.0];
        for (g, w) in out[0].data.iter().zip(want_out).chain(out[1].data.iter().zip(want_scores)) {
            assert!((*g as f64 - w).abs() < 2e-6, "{:?} {:?}", out[0].data, out[1].data);
        }
    }
}
