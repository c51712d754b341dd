//! The one place that knows every layer and model kind: [`build`] turns a kind, its JSON config
//! and its weights into a [`Layer`], and loaded layers live here behind numeric ids, so bindings
//! hand JavaScript a number rather than a native object (the same scheme on napi and wasm, and
//! inside the wasm async worker).
//! A forward call holds its own `Arc`, so disposing a layer while an async call runs is safe:
//! the weights are freed when that call ends.

use super::layers::{attention, din, embedding, mlp, parse, recurrent, senet, In, Layer, Out, Weights};
use super::models::{dien, din as din_model, fibinet, fm, mmoe, youtube};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Builds layer or model `kind` from its JSON config and weights. A model must use every tensor
/// of `weights` (a leftover means its config does not describe them).
pub fn build(kind: &str, config: &str, weights: Weights) -> Result<Box<dyn Layer>> {
    let mut w = weights;
    let model: Box<dyn Layer> = match kind {
        "MultiHeadAttention" => return Ok(Box::new(attention::MultiHeadAttention::new(parse(config)?, w)?)),
        "GRU" => return Ok(Box::new(recurrent::Gru::new(parse(config)?, w)?)),
        "AUGRU" | "AGRU" | "AIGRU" => return Ok(Box::new(recurrent::AttentionGru::new(kind, parse(config)?, w)?)),
        "DinAttention" => return Ok(Box::new(din::DinAttention::new(parse(config)?, w)?)),
        "MLP" => return Ok(Box::new(mlp::Mlp::new(parse(config)?, w)?)),
        "Embedding" => return Ok(Box::new(embedding::Embedding::new(parse(config)?, w)?)),
        "SENet" => return Ok(Box::new(senet::SeNet::new(parse(config)?, w)?)),
        "FM" => Box::new(fm::Fm::new(parse(config)?, &mut w)?),
        "DIN" => Box::new(din_model::Din::new(parse(config)?, &mut w)?),
        "DIEN" => Box::new(dien::Dien::new(parse(config)?, &mut w)?),
        "MMoE" => Box::new(mmoe::Mmoe::new(parse(config)?, &mut w)?),
        "FiBiNET" => Box::new(fibinet::FiBiNet::new(parse(config)?, &mut w)?),
        "YouTubeDNN" => Box::new(youtube::YouTubeDnn::new(parse(config)?, &mut w)?),
        _ => return Err(Error::new("kind", format!("unknown layer or model '{kind}'"))),
    };
    w.finish()?;
    Ok(model)
}

struct Registry {
    next: u32,
    layers: BTreeMap<u32, Arc<dyn Layer>>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { next: 1, layers: BTreeMap::new() });

fn registry() -> MutexGuard<'static, Registry> {
    // A panic while holding the lock cannot leave the map half-updated (every update is one
    // insert or remove), so a poisoned lock is still consistent.
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Builds a layer and returns its id.
pub fn create(kind: &str, config: &str, weights: Weights) -> Result<u32> {
    let layer: Arc<dyn Layer> = Arc::from(build(kind, config, weights)?);
    let mut r = registry();
    let id = r.next;
    r.next = r.next.checked_add(1).unwrap_or(1);
    r.layers.insert(id, layer);
    Ok(id)
}

/// The layer behind `id` (cloned out, so the lock is not held during forward).
pub fn get(id: u32) -> Result<Arc<dyn Layer>> {
    registry().layers.get(&id).cloned().ok_or_else(|| Error::new("layer", "has been disposed"))
}

pub fn forward(id: u32, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
    get(id)?.forward(t, ints)
}

/// Frees layer `id`'s weights (once in-flight calls end). Disposing twice is a no-op.
pub fn dispose(id: u32) {
    registry().layers.remove(&id);
}

/// Layers alive: what the leak test watches.
pub fn live() -> usize {
    registry().layers.len()
}
