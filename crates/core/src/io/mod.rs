//! Reading files users bring: safetensors tensor files (PyTorch state dicts).

pub mod safetensors;
