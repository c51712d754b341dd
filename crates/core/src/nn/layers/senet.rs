//! The SENet layer (squeeze-and-excitation over fields), also FiBiNET's first stage.

use super::{expect_rank, required, In, Layer, Linear, Out, Weights};
use crate::nn::ops;
use crate::{Error, Result};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeNetConfig {
    pub fields: usize,
    pub reduction: usize,
    pub excitation: Option<String>,
    pub scale: Option<f32>,
    pub bias: Option<bool>,
    pub prefix: Option<String>,
}

/// Squeeze-and-excitation over fields (Hu et al. 2018, "Squeeze-and-Excitation Networks"; as
/// used by FiBiNET, Huang et al. 2019): for embeddings [B, F, E],
/// `z = mean over E` [B, F], `a = scale · act(fc2(ReLU(fc1(z))))`, output `a ⊙ embeddings`.
/// `excitation` is `'relu'` (default; DeepCTR-Torch, FiBiNET) or `'sigmoid'` (as the 2·σ
/// variant, which also uses `scale` 2; default 1).
///
/// Config: `fields` (F), `reduction` (R), `excitation`, `scale`, `bias` (whether fc1 and fc2
/// have biases; default: as the weights have them), `prefix`.
/// Keys: `fc1.weight` [R, F], `fc1.bias` (optional), `fc2.weight` [F, R], `fc2.bias` (optional).
/// Inputs: x [B, F, E]. Outputs: output [B, F, E], weights a [B, F].
pub struct SeNet {
    fields: usize,
    fc1: Linear,
    fc2: Linear,
    sigmoid: bool,
    scale: f32,
}

impl SeNet {
    pub fn new(c: SeNetConfig, mut w: Weights) -> Result<Self> {
        let prefix = c.prefix.clone().unwrap_or_default();
        SeNet::load(&c, &mut w, &prefix)
    }

    /// Keys under `prefix` (e.g. `senet.`).
    pub(crate) fn load(c: &SeNetConfig, w: &mut Weights, prefix: &str) -> Result<Self> {
        if c.fields == 0 || c.reduction == 0 {
            return Err(Error::new("config", "fields and reduction must be > 0"));
        }
        let sigmoid = match c.excitation.as_deref() {
            None | Some("relu") => false,
            Some("sigmoid") => true,
            Some(e) => return Err(Error::new("config", format!("excitation must be 'relu' or 'sigmoid', got '{e}'"))),
        };
        let scale = c.scale.unwrap_or(1.0);
        if !scale.is_finite() {
            return Err(Error::new("config", "scale must be finite"));
        }
        let fc1 = Linear::load_with(w, &format!("{prefix}fc1"), c.fields, c.reduction, c.bias)?;
        let fc2 = Linear::load_with(w, &format!("{prefix}fc2"), c.reduction, c.fields, c.bias)?;
        Ok(SeNet { fields: c.fields, fc1, fc2, sigmoid, scale })
    }

    /// `(a ⊙ x, a)` for x [b, F, e].
    pub(crate) fn apply(&self, x: &[f32], b: usize, e: usize) -> (Vec<f32>, Vec<f32>) {
        let f = self.fields;
        let z: Vec<f32> = x.chunks_exact(e.max(1)).take(b * f).map(|v| v.iter().sum::<f32>() / e as f32).collect();
        let mut h = self.fc1.forward(&z, b);
        ops::relu_in_place(&mut h);
        let mut a = self.fc2.forward(&h, b);
        if self.sigmoid {
            ops::sigmoid_in_place(&mut a);
        } else {
            ops::relu_in_place(&mut a);
        }
        a.iter_mut().for_each(|v| *v *= self.scale);
        let mut out = x.to_vec();
        for (v, &s) in out.chunks_exact_mut(e.max(1)).zip(&a) {
            v.iter_mut().for_each(|v| *v *= s);
        }
        (out, a)
    }
}

impl Layer for SeNet {
    fn forward(&self, t: &[Option<In>], _: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let x = required(t, 0, "x")?;
        let s = expect_rank(x, 3, "x", "[B, F, E]")?;
        if s[1] != self.fields {
            return Err(Error::new("x", format!("has shape {s:?}, expected [B, {}, E] (fields)", self.fields)));
        }
        let (out, a) = self.apply(x.data, s[0], s[2]);
        Ok(vec![Out { data: out, shape: s.to_vec() }, Out { data: a, shape: vec![s[0], s[1]] }])
    }
}
