//! Dense inference, in layers that only depend downwards:
//! `ops` (element-wise and row ops) → `matmul` (sgemm, linear) → `layers` (PyTorch modules
//! loaded from state dicts) → `models` (whole recommenders composed from layers) → `registry`
//! (builds every layer and model kind and holds the loaded ones behind ids).

pub mod layers;
pub mod matmul;
pub(crate) mod models;
pub mod ops;
pub mod registry;
