//! Optimizers that update f32 parameters in place: SGD (momentum, Nesterov), Adagrad,
//! RMSprop, Adam and AdamW, with PyTorch's update rules and defaults.
//!
//! Each step mirrors `torch.optim`'s single-tensor code (1.13, `foreach=False`) operation by
//! operation in f32, so trajectories match PyTorch's to rounding. The state (momentum buffers,
//! moment estimates) lives in one caller-owned f32 buffer of `state_slots() × n` values, so a
//! binding can keep it in JavaScript memory.

use crate::util::check;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Optimizer {
    Sgd { lr: f64, momentum: f64, dampening: f64, weight_decay: f64, nesterov: bool },
    Adagrad { lr: f64, lr_decay: f64, weight_decay: f64, eps: f64 },
    RmsProp { lr: f64, alpha: f64, eps: f64, weight_decay: f64, momentum: f64, centered: bool },
    /// `decoupled`: AdamW (Loshchilov & Hutter 2019) decays the weights directly.
    Adam { lr: f64, beta1: f64, beta2: f64, eps: f64, weight_decay: f64, amsgrad: bool, decoupled: bool },
}

impl Optimizer {
    /// The bindings' constructor: `name` is the PyTorch class name, `h` the hyper-parameters in
    /// the order of the variant's fields (flags as 0/1).
    pub fn parse(name: &str, h: &[f64]) -> Result<Self> {
        let need = |n: usize| {
            if h.len() == n { Ok(()) } else { Err(Error::new("options", format!("{name} takes {n} hyper-parameters, got {}", h.len()))) }
        };
        let opt = match name {
            "SGD" => need(5).map(|_| Optimizer::Sgd { lr: h[0], momentum: h[1], dampening: h[2], weight_decay: h[3], nesterov: h[4] != 0.0 }),
            "Adagrad" => need(4).map(|_| Optimizer::Adagrad { lr: h[0], lr_decay: h[1], weight_decay: h[2], eps: h[3] }),
            "RMSprop" => need(6).map(|_| Optimizer::RmsProp {
                lr: h[0], alpha: h[1], eps: h[2], weight_decay: h[3], momentum: h[4], centered: h[5] != 0.0,
            }),
            "Adam" | "AdamW" => need(6).map(|_| Optimizer::Adam {
                lr: h[0], beta1: h[1], beta2: h[2], eps: h[3], weight_decay: h[4], amsgrad: h[5] != 0.0, decoupled: name == "AdamW",
            }),
            _ => Err(Error::new("optimizer", format!("unknown optimizer '{name}'"))),
        }?;
        opt.validate()?;
        Ok(opt)
    }

    /// PyTorch's argument checks.
    fn validate(&self) -> Result<()> {
        let non_negative = check::non_negative_param;
        let below_one = |arg: &'static str, x: f64| {
            if (0.0..1.0).contains(&x) { Ok(()) } else { Err(Error::new(arg, format!("is {x}; it must be in [0, 1)"))) }
        };
        match *self {
            Optimizer::Sgd { lr, momentum, dampening, weight_decay, nesterov } => {
                non_negative("lr", lr)?;
                non_negative("momentum", momentum)?;
                non_negative("dampening", dampening)?;
                non_negative("weightDecay", weight_decay)?;
                if nesterov && (momentum <= 0.0 || dampening != 0.0) {
                    return Err(Error::new("nesterov", "requires momentum > 0 and dampening 0"));
                }
            }
            Optimizer::Adagrad { lr, lr_decay, weight_decay, eps } => {
                non_negative("lr", lr)?;
                non_negative("lrDecay", lr_decay)?;
                non_negative("weightDecay", weight_decay)?;
                non_negative("eps", eps)?;
            }
            Optimizer::RmsProp { lr, alpha, eps, weight_decay, momentum, .. } => {
                non_negative("lr", lr)?;
                non_negative("alpha", alpha)?;
                non_negative("eps", eps)?;
                non_negative("weightDecay", weight_decay)?;
                non_negative("momentum", momentum)?;
            }
            Optimizer::Adam { lr, beta1, beta2, eps, weight_decay, .. } => {
                non_negative("lr", lr)?;
                below_one("betas", beta1)?;
                below_one("betas", beta2)?;
                non_negative("eps", eps)?;
                non_negative("weightDecay", weight_decay)?;
            }
        }
        Ok(())
    }

    /// State values per parameter: SGD's momentum buffer; Adagrad's sum of squares; RMSprop's
    /// square average (+ gradient average if centered, + momentum buffer); Adam's two moments
    /// (+ the running maximum with AMSGrad). All start at 0 (Adagrad's sum at its
    /// `initial_accumulator_value`, which the caller writes).
    pub fn state_slots(&self) -> usize {
        match *self {
            Optimizer::Sgd { momentum, .. } => (momentum != 0.0) as usize,
            Optimizer::Adagrad { .. } => 1,
            Optimizer::RmsProp { momentum, centered, .. } => 1 + centered as usize + (momentum > 0.0) as usize,
            Optimizer::Adam { amsgrad, .. } => 2 + amsgrad as usize,
        }
    }

    /// Step number `step` (1 for the first) on `params` given `grads`, with `state` holding
    /// `state_slots()` consecutive blocks of `params.len()` values.
    pub fn step(&self, step: u64, params: &mut [f32], grads: &[f32], state: &mut [f32]) -> Result<()> {
        let n = params.len();
        if grads.len() != n {
            return Err(Error::new("grads", format!("has length {}, expected {n} (the length of its parameter)", grads.len())));
        }
        if state.len() != self.state_slots() * n {
            return Err(Error::new("state", format!("has length {}, expected {}", state.len(), self.state_slots() * n)));
        }
        if step == 0 {
            return Err(Error::new("step", "counts from 1"));
        }
        if let Some(i) = grads.iter().position(|g| !g.is_finite()) {
            return Err(Error::new("grads", format!("grads[{i}] is {}; gradients must be finite", grads[i])));
        }
        let f = |x: f64| x as f32;
        let mut slots = state.chunks_exact_mut(n.max(1));
        let mut slot = || slots.next().unwrap_or_default();
        match *self {
            Optimizer::Sgd { lr, momentum, dampening, weight_decay, nesterov } => {
                let buf = if momentum != 0.0 { slot() } else { &mut [][..] };
                for i in 0..n {
                    let mut d = grads[i];
                    if weight_decay != 0.0 {
                        d += f(weight_decay) * params[i];
                    }
                    if momentum != 0.0 {
                        buf[i] = if step == 1 { d } else { buf[i] * f(momentum) + f(1.0 - dampening) * d };
                        d = if nesterov { d + f(momentum) * buf[i] } else { buf[i] };
                    }
                    params[i] += f(-lr) * d;
                }
            }
            Optimizer::Adagrad { lr, lr_decay, weight_decay, eps } => {
                let sum = slot();
                let clr = f(-(lr / (1.0 + (step - 1) as f64 * lr_decay)));
                for i in 0..n {
                    let g = if weight_decay != 0.0 { grads[i] + f(weight_decay) * params[i] } else { grads[i] };
                    sum[i] += g * g;
                    params[i] += clr * (g / (sum[i].sqrt() + f(eps)));
                }
            }
            Optimizer::RmsProp { lr, alpha, eps, weight_decay, momentum, centered } => {
                let square = slot();
                let mut average = if centered { Some(slot()) } else { None };
                let mut buf = if momentum > 0.0 { Some(slot()) } else { None };
                for i in 0..n {
                    let g = if weight_decay != 0.0 { grads[i] + f(weight_decay) * params[i] } else { grads[i] };
                    square[i] = square[i] * f(alpha) + f(1.0 - alpha) * g * g;
                    let mut avg = square[i];
                    if let Some(ga) = average.as_deref_mut() {
                        ga[i] = ga[i] * f(alpha) + f(1.0 - alpha) * g;
                        avg += -(ga[i] * ga[i]);
                    }
                    let avg = avg.sqrt() + f(eps);
                    match buf.as_deref_mut() {
                        Some(b) => {
                            b[i] = b[i] * f(momentum) + g / avg;
                            params[i] += f(-lr) * b[i];
                        }
                        None => params[i] += f(-lr) * (g / avg),
                    }
                }
            }
            Optimizer::Adam { lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled } => {
                let (m, v) = (slot(), slot());
                let mut vmax = if amsgrad { Some(slot()) } else { None };
                let t = step as i32;
                let step_size = f(-(lr / (1.0 - beta1.powi(t))));
                let bias2_sqrt = f((1.0 - beta2.powi(t)).sqrt());
                for i in 0..n {
                    let mut g = grads[i];
                    if decoupled {
                        params[i] *= f(1.0 - lr * weight_decay);
                    } else if weight_decay != 0.0 {
                        g += f(weight_decay) * params[i];
                    }
                    m[i] = m[i] * f(beta1) + f(1.0 - beta1) * g;
                    v[i] = v[i] * f(beta2) + f(1.0 - beta2) * g * g;
                    let second = match vmax.as_deref_mut() {
                        Some(mx) => {
                            mx[i] = mx[i].max(v[i]);
                            mx[i]
                        }
                        None => v[i],
                    };
                    params[i] += step_size * (m[i] / (second.sqrt() / bias2_sqrt + f(eps)));
                }
            }
        }
        Ok(())
    }
}
