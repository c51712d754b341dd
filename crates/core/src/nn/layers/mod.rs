//! Layers loaded once from PyTorch state-dict tensors and run many times: each is built from
//! named weights and a JSON config, owns its weights, and is shared behind an id so the
//! bindings can hand JavaScript a number (see [`crate::nn::registry`]).
//!
//! Names follow PyTorch modules (`in_proj_weight`, `weight_ih_l0`, …) so a state dict loads by
//! key; each layer's doc comment lists its keys, inputs and outputs.

pub(crate) mod attention;
pub(crate) mod din;
pub(crate) mod embedding;
mod linear;
pub(crate) mod mlp;
pub(crate) mod recurrent;
pub(crate) mod senet;

pub use attention::{scaled_dot_product_attention, MultiHeadAttention};
pub use linear::Linear;

use crate::error::{Error, Result};
use std::collections::HashMap;

/// Named tensors (a state dict), consumed by the layer built from them. `prefix` is prepended
/// to every key a layer asks for, so one file can hold a whole model.
pub struct Weights {
    tensors: HashMap<String, (Vec<usize>, Vec<f32>)>,
    prefix: String,
}

impl Weights {
    pub fn new(entries: impl IntoIterator<Item = (String, Vec<usize>, Vec<f32>)>) -> Result<Self> {
        let mut tensors = HashMap::new();
        for (name, shape, data) in entries {
            if shape.iter().product::<usize>() != data.len() {
                return Err(Error::new("weights", format!("'{name}' has {} values but shape {shape:?}", data.len())));
            }
            if tensors.insert(name.clone(), (shape, data)).is_some() {
                return Err(Error::new("weights", format!("'{name}' appears twice")));
            }
        }
        Ok(Weights { tensors, prefix: String::new() })
    }

    pub fn set_prefix(&mut self, prefix: &str) {
        self.prefix = prefix.to_string();
    }

    /// `key` with the prefix, as error messages name it.
    pub fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The shape of tensor `key`, if present.
    pub fn shape_of(&self, key: &str) -> Option<Vec<usize>> {
        self.tensors.get(&self.key(key)).map(|(s, _)| s.clone())
    }

    pub fn has(&self, key: &str) -> bool {
        self.tensors.contains_key(&self.key(key))
    }

    /// Tensor `key`, which must have `shape` and finite values.
    pub fn take(&mut self, key: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let full = self.key(key);
        self.take_opt(key, shape)?.ok_or_else(|| Error::new("weights", format!("missing tensor '{full}'")))
    }

    /// Tensor `key` if present (checked like [`Weights::take`]).
    pub fn take_opt(&mut self, key: &str, shape: &[usize]) -> Result<Option<Vec<f32>>> {
        let full = self.key(key);
        let Some((got, data)) = self.tensors.remove(&full) else { return Ok(None) };
        if got != shape {
            return Err(Error::new("weights", format!("'{full}' has shape {got:?}, expected {shape:?}")));
        }
        if let Some(i) = data.iter().position(|v| !v.is_finite()) {
            return Err(Error::new("weights", format!("'{full}' has a non-finite value at index {i}")));
        }
        Ok(Some(data))
    }

    /// Checks every tensor was used (BatchNorm's `num_batches_tracked` aside): a model's
    /// leftover tensor means its config does not describe these weights.
    pub(crate) fn finish(self) -> Result<()> {
        let mut left: Vec<&String> = self.tensors.keys().filter(|k| !k.ends_with("num_batches_tracked")).collect();
        left.sort();
        match left.first() {
            None => Ok(()),
            Some(k) => Err(Error::new(
                "weights",
                format!("'{k}' is not used by this config ({} unused tensor(s)): the config does not match the weights", left.len()),
            )),
        }
    }
}

/// An input tensor of a forward call: borrowed data and its shape.
#[derive(Clone, Copy)]
pub struct In<'a> {
    pub data: &'a [f32],
    pub shape: &'a [usize],
}

/// An output tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct Out {
    pub data: Vec<f32>,
    pub shape: Vec<usize>,
}

/// A loaded layer. `t` and `ints` are positional (absent optional inputs are `None`); the
/// order is each layer's contract with the facade, listed in its doc comment.
pub trait Layer: Send + Sync {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>>;
}

/// A layer's config from JSON; unknown or mistyped fields are errors naming the field.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(config: &str) -> Result<T> {
    serde_json::from_str(config).map_err(|e| Error::new("config", e.to_string()))
}

/// Input `i`, required, named `arg` in errors.
pub(crate) fn required<'a>(t: &[Option<In<'a>>], i: usize, arg: &'static str) -> Result<In<'a>> {
    t.get(i).copied().flatten().ok_or_else(|| Error::new(arg, "is required"))
}

/// Checks that `x` holds exactly the values its shape says (the bindings pass both as given).
fn filled(x: In, arg: &'static str) -> Result<()> {
    let n = x.shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    if n != Some(x.data.len()) {
        return Err(Error::new(arg, format!("has {} values but shape {:?}", x.data.len(), x.shape)));
    }
    Ok(())
}

/// Checks that `x` has `rank` dimensions, matching data and finite values; returns its shape.
pub(crate) fn expect_rank<'a>(x: In<'a>, rank: usize, arg: &'static str, layout: &str) -> Result<&'a [usize]> {
    filled(x, arg)?;
    if x.shape.len() != rank {
        return Err(Error::new(arg, format!("must have shape {layout}, got {:?}", x.shape)));
    }
    crate::util::check::finite(arg, x.data)?;
    Ok(x.shape)
}

/// Per-row sequence lengths: each in `0..=max_len`; absent means every row is full.
pub(crate) fn lengths(ints: &[Option<&[i32]>], i: usize, rows: usize, max_len: usize) -> Result<Vec<usize>> {
    let Some(l) = ints.get(i).copied().flatten() else { return Ok(vec![max_len; rows]) };
    if l.len() != rows {
        return Err(Error::new("lengths", format!("has {} entries, expected one per batch row ({rows})", l.len())));
    }
    l.iter()
        .enumerate()
        .map(|(b, &n)| {
            usize::try_from(n)
                .ok()
                .filter(|&n| n <= max_len)
                .ok_or_else(|| Error::new("lengths", format!("[{b}] is {n}, expected 0..={max_len}")))
        })
        .collect()
}
