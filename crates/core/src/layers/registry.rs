//! Loaded layers behind numeric ids, so bindings hand JavaScript a number rather than a
//! native object (the same scheme on napi and wasm, and inside the wasm async worker).
//! A forward call holds its own `Arc`, so disposing a layer while an async call runs is safe:
//! the weights are freed when that call ends.

use super::{build, In, Layer, Out, Weights};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

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
