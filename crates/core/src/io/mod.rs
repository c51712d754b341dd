//! Reading files users bring: prediction logs (CSV, TSV), safetensors tensor files (PyTorch state dicts).

pub mod log;
pub mod safetensors;
