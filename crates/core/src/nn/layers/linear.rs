//! `nn.Linear`, the dense projection layers and models are built from.

use super::Weights;
use crate::nn::matmul::linear_into;
use crate::Result;

/// `nn.Linear` (keys `{module}.weight` [out, in], `{module}.bias` optional).
pub struct Linear {
    weight: Vec<f32>,
    bias: Option<Vec<f32>>,
    pub out: usize,
}

impl Linear {
    pub fn load(w: &mut Weights, module: &str, input: usize, out: usize) -> Result<Self> {
        Linear::load_with(w, module, input, out, None)
    }

    /// With `bias` Some(true) the bias is required; Some(false), it must be absent (a leftover
    /// tensor is an error when the model finishes loading); None, either.
    pub fn load_with(w: &mut Weights, module: &str, input: usize, out: usize, bias: Option<bool>) -> Result<Self> {
        w.set_prefix("");
        let weight = w.take(&format!("{module}.weight"), &[out, input])?;
        let key = format!("{module}.bias");
        let bias = match bias {
            None => w.take_opt(&key, &[out])?,
            Some(true) => Some(w.take(&key, &[out])?),
            Some(false) => None,
        };
        Ok(Linear { weight, bias, out })
    }

    pub fn forward(&self, x: &[f32], rows: usize) -> Vec<f32> {
        let mut y = vec![0.0f32; rows * self.out];
        linear_into(x, rows, &self.weight, self.bias.as_deref(), self.out, &mut y, false);
        y
    }
}
