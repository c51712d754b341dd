//! Training pieces: losses with their gradients and `torch.optim`'s optimizers, step for step.

pub mod losses;
pub mod optim;
