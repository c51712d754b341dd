//! The DIN/DIEN multilayer perceptron: Linear → BatchNorm1d → activation, repeated.

use super::{expect_rank, required, In, Layer, Out, Weights};
use crate::error::{Error, Result};
use crate::nn::matmul::linear_into;
use crate::nn::ops::{self, BatchNorm, RowAffine};
use serde::Deserialize;

/// nn.BatchNorm1d's default eps (the MLP's own BatchNorm layers).
const BN_EPS: f32 = 1e-5;
/// Dice's BatchNorm eps in the DIEN tutorial and DeepCTR-Torch.
const DICE_EPS: f32 = 1e-8;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    input_size: usize,
    hidden: Vec<usize>,
    activation: String,
    batchnorm: Option<bool>,
    dice_eps: Option<f32>,
    prefix: Option<String>,
}

/// The DIEN tutorial's `MLP` module at inference (`model.eval()`, dropout off): for each layer
/// `i`, `x ← act_i(BN_i(x·W_iᵀ + b_i))`.
///
/// Config: `inputSize`, `hidden` (the layer widths H_0…H_{L−1}, at least one), `activation`
/// (`none`, `relu`, `sigmoid`, `tanh`, `prelu` or `dice`, the same for every layer),
/// `batchnorm` (default: whether the weights have `mlp.batchnorm0.running_mean`; false while
/// they do is an error, since trained BatchNorm layers would be skipped), `diceEps` (Dice's
/// BatchNorm eps, default 1e-8), `prefix`.
///
/// Keys (the module's own state dict, so under `mlp.`): `mlp.dense{i}.weight` [H_i, H_{i−1}]
/// (H_{−1} = inputSize), `mlp.dense{i}.bias` [H_i] (optional); with `batchnorm`,
/// `mlp.batchnorm{i}.running_mean`, `.running_var` [H_i] and the optional affine `.weight`,
/// `.bias` [H_i] (`num_batches_tracked` is ignored); PReLU `mlp.activation{i}.weight` [1] or
/// [H_i]; Dice `mlp.activation{i}.alpha` [H_i] and `mlp.activation{i}.bn.{running_mean,
/// running_var, weight, bias}` [H_i] (weight and bias optional, for FuxiCTR's affine=False).
///
/// BatchNorm at inference: `(x − running_mean)/√(running_var + 1e-5)·weight + bias`.
/// PReLU: `x > 0 ? x : α·x`. Dice (Zhou et al. 2018, "Deep Interest Network for Click-Through
/// Rate Prediction"): `p = σ(BN(x))`, `α·(1 − p)·x + p·x`.
///
/// Inputs: x [N, inputSize]. Output: [N, H_{L−1}].
///
/// References: PyTorch `nn.Linear`, `nn.BatchNorm1d`, `nn.PReLU`; DeepCTR-Torch `Dice`.
pub struct Mlp {
    input: usize,
    layers: Vec<Dense>,
}

struct Dense {
    /// [out, in]
    weight: Vec<f32>,
    bias: Option<Vec<f32>>,
    out: usize,
    bn: Option<RowAffine>,
    act: Act,
}

enum Act {
    None,
    Relu,
    Sigmoid,
    Tanh,
    /// One α per channel (a shared α is repeated at load).
    Prelu(Vec<f32>),
    Dice(RowAffine, Vec<f32>),
}

/// The MLP's hyperparameters, shared by [`Mlp`] and the DIN attention unit that embeds one.
pub(crate) struct Spec<'a> {
    pub input: usize,
    pub hidden: &'a [usize],
    pub activation: &'a str,
    /// None: present in the weights or not (`mlp.batchnorm0.running_mean`).
    pub batchnorm: Option<bool>,
    pub dice_eps: f32,
}

impl Mlp {
    pub fn new(c: Config, mut w: Weights) -> Result<Self> {
        w.set_prefix(c.prefix.as_deref().unwrap_or(""));
        let spec = Spec {
            input: c.input_size,
            hidden: &c.hidden,
            activation: &c.activation,
            batchnorm: c.batchnorm,
            dice_eps: c.dice_eps.unwrap_or(DICE_EPS),
        };
        Mlp::load(&mut w, spec)
    }

    /// Loads the layers from `w` under its current prefix (keys `mlp.dense0.weight`, …).
    pub(crate) fn load(w: &mut Weights, s: Spec) -> Result<Self> {
        if s.input == 0 {
            return Err(Error::new("config", "inputSize must be > 0"));
        }
        if s.hidden.is_empty() || s.hidden.contains(&0) {
            return Err(Error::new("config", format!("hidden must list at least one layer width, each > 0, got {:?}", s.hidden)));
        }
        if !(s.dice_eps.is_finite() && s.dice_eps >= 0.0) {
            return Err(Error::new("config", format!("diceEps is {}; it must be a finite number >= 0", s.dice_eps)));
        }
        let kind = s.activation;
        if !["none", "relu", "sigmoid", "tanh", "prelu", "dice"].contains(&kind) {
            return Err(Error::new(
                "config",
                format!("activation must be 'none', 'relu', 'sigmoid', 'tanh', 'prelu' or 'dice', got '{kind}'"),
            ));
        }
        let has_bn = w.has("mlp.batchnorm0.running_mean");
        let batchnorm = match s.batchnorm {
            None => has_bn,
            Some(false) if has_bn => {
                let msg = "batchnorm is false but the weights have BatchNorm layers (mlp.batchnorm0.*): they would be ignored";
                return Err(Error::new("config", msg));
            }
            Some(b) => b,
        };
        let parametric = ["weight", "alpha"].iter().find(|k| w.has(&format!("mlp.activation0.{k}")));
        if let (Some(k), "none" | "relu" | "sigmoid" | "tanh") = (parametric, kind) {
            let learned = if *k == "alpha" { "dice" } else { "prelu" };
            return Err(Error::new("config", format!("activation is '{kind}' but the weights have mlp.activation0.{k} (a '{learned}' activation)")));
        }
        let mut layers = Vec::with_capacity(s.hidden.len());
        let mut prev = s.input;
        for (i, &h) in s.hidden.iter().enumerate() {
            let weight = w.take(&format!("mlp.dense{i}.weight"), &[h, prev])?;
            let bias = w.take_opt(&format!("mlp.dense{i}.bias"), &[h])?;
            let bn = if batchnorm {
                Some(batch_norm(w, &format!("mlp.batchnorm{i}"), h, BN_EPS)?)
            } else {
                None
            };
            let key = format!("mlp.activation{i}");
            let act = match kind {
                "none" => Act::None,
                "relu" => Act::Relu,
                "sigmoid" => Act::Sigmoid,
                "tanh" => Act::Tanh,
                "prelu" => {
                    let wkey = format!("{key}.weight");
                    let n = match w.shape_of(&wkey).as_deref() {
                        Some([1]) => 1,
                        _ => h,
                    };
                    let a = w.take(&wkey, &[n])?;
                    Act::Prelu(if n == 1 { vec![a[0]; h] } else { a })
                }
                _ => {
                    let alpha = w.take(&format!("{key}.alpha"), &[h])?;
                    Act::Dice(batch_norm(w, &format!("{key}.bn"), h, s.dice_eps)?, alpha)
                }
            };
            layers.push(Dense { weight, bias, out: h, bn, act });
            prev = h;
        }
        Ok(Mlp { input: s.input, layers })
    }

    pub(crate) fn output_size(&self) -> usize {
        self.layers.last().map_or(self.input, |l| l.out)
    }

    /// The forward pass on `rows` rows of `x` ([rows, inputSize], already checked): one
    /// product per layer over all rows, then BatchNorm and activation in place.
    pub(crate) fn forward_rows(&self, x: &[f32], rows: usize) -> Vec<f32> {
        debug_assert_eq!(x.len(), rows * self.input);
        let first = &self.layers[0];
        let mut y = vec![0.0f32; rows * first.out];
        linear_into(x, rows, &first.weight, first.bias.as_deref(), first.out, &mut y, false);
        self.forward_from_first(y, rows)
    }

    /// The first layer's weight [H_0, inputSize] and bias, for a caller that computes its
    /// product another way (the DIN attention unit factors it).
    pub(crate) fn first_layer(&self) -> (&[f32], Option<&[f32]>) {
        (&self.layers[0].weight, self.layers[0].bias.as_deref())
    }

    /// The rest of the forward pass from the first layer's product `y` [rows, H_0] (bias
    /// included): its BatchNorm and activation, then the other layers.
    pub(crate) fn forward_from_first(&self, mut y: Vec<f32>, rows: usize) -> Vec<f32> {
        for (i, l) in self.layers.iter().enumerate() {
            if i > 0 {
                let mut next = vec![0.0f32; rows * l.out];
                linear_into(&y, rows, &l.weight, l.bias.as_deref(), l.out, &mut next, false);
                y = next;
            }
            if let Some(bn) = &l.bn {
                ops::batch_norm_rows(&mut y, bn);
            }
            match &l.act {
                Act::None => {}
                Act::Relu => ops::relu_in_place(&mut y),
                Act::Sigmoid => ops::sigmoid_in_place(&mut y),
                Act::Tanh => ops::tanh_in_place(&mut y),
                Act::Prelu(a) => ops::prelu_rows(&mut y, a),
                Act::Dice(bn, a) => ops::dice_rows(&mut y, bn, a),
            }
        }
        y
    }
}

/// A BatchNorm1d's inference affine from `{key}.running_mean`, `.running_var` (required) and
/// `.weight`, `.bias` (optional).
fn batch_norm(w: &mut Weights, key: &str, h: usize, eps: f32) -> Result<RowAffine> {
    let mean = w.take(&format!("{key}.running_mean"), &[h])?;
    let var = w.take(&format!("{key}.running_var"), &[h])?;
    let weight = w.take_opt(&format!("{key}.weight"), &[h])?;
    let bias = w.take_opt(&format!("{key}.bias"), &[h])?;
    let bn = BatchNorm { mean: &mean, var: &var, weight: weight.as_deref(), bias: bias.as_deref(), eps };
    RowAffine::new(bn, h).map_err(|e| Error::new("weights", format!("'{key}': {}", e.message)))
}

impl Layer for Mlp {
    fn forward(&self, t: &[Option<In>], _: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let x = required(t, 0, "x")?;
        let shape = expect_rank(x, 2, "x", "[N, inputSize]")?;
        if shape[1] != self.input {
            return Err(Error::new("x", format!("has shape {shape:?}, expected [N, {}] (inputSize)", self.input)));
        }
        let rows = shape[0];
        Ok(vec![Out { data: self.forward_rows(x.data, rows), shape: vec![rows, self.output_size()] }])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn weights(entries: &[(&str, &[usize], &[f32])]) -> Weights {
        Weights::new(entries.iter().map(|(k, s, d)| (k.to_string(), s.to_vec(), d.to_vec()))).unwrap()
    }

    fn run(m: &Mlp, x: &[f32], shape: &[usize]) -> Result<Out> {
        m.forward(&[Some(In { data: x, shape })], &[]).map(|mut o| o.remove(0))
    }

    fn close(a: &[f32], b: &[f32], tol: f32) {
        assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tol, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn mlp_dense_relu_no_batchnorm() {
        // dense0: [[1, -1], [2, 0.5]] bias [0, -1]; x = [1, 2] → [-1, 2] → relu [0, 2].
        let w = weights(&[("mlp.dense0.weight", &[2, 2], &[1.0, -1.0, 2.0, 0.5]), ("mlp.dense0.bias", &[2], &[0.0, -1.0])]);
        let c = Config { input_size: 2, hidden: vec![2], activation: "relu".into(), batchnorm: Some(false), dice_eps: None, prefix: None };
        let m = Mlp::new(c, w).unwrap();
        let y = run(&m, &[1.0, 2.0, -1.0, 0.0], &[2, 2]).unwrap();
        assert_eq!(y.shape, vec![2, 2]);
        // second row x = [-1, 0] → [-1, -3] → [0, 0]
        close(&y.data, &[0.0, 2.0, 0.0, 0.0], 0.0);
    }

    #[test]
    fn mlp_batchnorm_prelu_and_dice() {
        // One unit: dense w=2, b=1; BN mean 1, var 3 (+1e-5), weight 2, bias 0.5; PReLU α 0.25.
        let x = [1.5f32, -2.0];
        let bn = |v: f32| (2.0 * v + 1.0 - 1.0) / (3.0f32 + 1e-5).sqrt() * 2.0 + 0.5;
        let mk = |act: &str, extra: &[(&str, &[usize], &[f32])]| {
            let mut e: Vec<(&str, &[usize], &[f32])> = vec![
                ("p.mlp.dense0.weight", &[1, 1], &[2.0]),
                ("p.mlp.dense0.bias", &[1], &[1.0]),
                ("p.mlp.batchnorm0.running_mean", &[1], &[1.0]),
                ("p.mlp.batchnorm0.running_var", &[1], &[3.0]),
                ("p.mlp.batchnorm0.weight", &[1], &[2.0]),
                ("p.mlp.batchnorm0.bias", &[1], &[0.5]),
                ("p.mlp.batchnorm0.num_batches_tracked", &[], &[7.0]),
            ];
            e.extend_from_slice(extra);
            let c = Config { input_size: 1, hidden: vec![1], activation: act.into(), batchnorm: None, dice_eps: None, prefix: Some("p.".into()) };
            Mlp::new(c, weights(&e)).unwrap()
        };
        let prelu = mk("prelu", &[("p.mlp.activation0.weight", &[1], &[0.25])]);
        let want: Vec<f32> = x.iter().map(|&v| bn(v)).map(|v| if v > 0.0 { v } else { 0.25 * v }).collect();
        assert!(want[1] < 0.0 && want[0] > 0.0);
        close(&run(&prelu, &x, &[2, 1]).unwrap().data, &want, 1e-6);

        // Dice: its own BN (mean 0.5, var 4, no affine, eps 1e-8), α 0.1.
        let dice = mk("dice", &[
            ("p.mlp.activation0.alpha", &[1], &[0.1]),
            ("p.mlp.activation0.bn.running_mean", &[1], &[0.5]),
            ("p.mlp.activation0.bn.running_var", &[1], &[4.0]),
        ]);
        let want: Vec<f32> = x
            .iter()
            .map(|&v| {
                let v = bn(v);
                let p = 1.0 / (1.0 + (-((v - 0.5) / (4.0f32 + 1e-8).sqrt())).exp());
                0.1 * (1.0 - p) * v + p * v
            })
            .collect();
        close(&run(&dice, &x, &[2, 1]).unwrap().data, &want, 1e-6);
    }

    #[test]
    fn mlp_rejects_bad_input_and_config() {
        let w = || weights(&[("mlp.dense0.weight", &[1, 2], &[1.0, 1.0])]);
        let c = |act: &str, bn| Config { input_size: 2, hidden: vec![1], activation: act.into(), batchnorm: Some(bn), dice_eps: None, prefix: None };
        assert_eq!(Mlp::new(c("gelu", false), w()).err().unwrap().arg, "config");
        let e = Mlp::new(c("none", true), w()).err().unwrap();
        assert!(e.message.contains("mlp.batchnorm0.running_mean"), "{e:?}");
        let bn = || weights(&[("mlp.dense0.weight", &[1, 2], &[1.0, 1.0]), ("mlp.batchnorm0.running_mean", &[1], &[0.0]), ("mlp.batchnorm0.running_var", &[1], &[1.0])]);
        assert_eq!(Mlp::new(c("none", false), bn()).err().unwrap().arg, "config");
        let auto = Config { batchnorm: None, ..c("none", false) };
        let y = run(&Mlp::new(auto, bn()).unwrap(), &[1.0, 2.0], &[1, 2]).unwrap();
        close(&y.data, &[3.0 / (1.0f32 + 1e-5).sqrt()], 1e-6);
        let prelu = weights(&[("mlp.dense0.weight", &[1, 2], &[1.0, 1.0]), ("mlp.activation0.weight", &[1], &[0.25])]);
        assert!(Mlp::new(c("relu", false), prelu).err().unwrap().message.contains("'prelu'"));
        let m = Mlp::new(c("sigmoid", false), w()).unwrap();
        assert_eq!(run(&m, &[1.0, 2.0, 3.0], &[1, 3]).unwrap_err().arg, "x");
        assert_eq!(run(&m, &[1.0, f32::NAN], &[1, 2]).unwrap_err().arg, "x");
        assert!(m.forward(&[], &[]).is_err());
        close(&run(&m, &[1.0, -1.0], &[1, 2]).unwrap().data, &[0.5], 1e-7);
        assert_eq!(run(&m, &[], &[0, 2]).unwrap().shape, vec![0, 1]);
        assert!(serde_json::from_str::<Config>(r#"{"inputSize":2,"hidden":[1],"activation":"relu","bogus":1}"#).is_err());
    }

    /// A large batch (split across threads by the row kernels) equals the rows one at a time.
    #[test]
    fn mlp_large_batch_matches_single_rows() {
        let (i, h) = (6usize, 16usize);
        let v = |n: usize, k: f32| -> Vec<f32> { (0..n).map(|j| ((j * 37 % 23) as f32 / 23.0 - 0.4) * k).collect() };
        let (w0, w1, bias) = (v(h * i, 1.0), v(h * h, 0.5), v(h, 0.3));
        let var: Vec<f32> = v(h, 1.0).iter().map(|x| x.abs() + 0.5).collect();
        let mk = || {
            weights(&[
                ("mlp.dense0.weight", &[h, i], &w0),
                ("mlp.dense0.bias", &[h], &bias),
                ("mlp.batchnorm0.running_mean", &[h], &bias),
                ("mlp.batchnorm0.running_var", &[h], &var),
                ("mlp.activation0.alpha", &[h], &bias),
                ("mlp.activation0.bn.running_mean", &[h], &bias),
                ("mlp.activation0.bn.running_var", &[h], &var),
                ("mlp.dense1.weight", &[h, h], &w1),
                ("mlp.batchnorm1.running_mean", &[h], &bias),
                ("mlp.batchnorm1.running_var", &[h], &var),
                ("mlp.activation1.alpha", &[h], &bias),
                ("mlp.activation1.bn.running_mean", &[h], &bias),
                ("mlp.activation1.bn.running_var", &[h], &var),
            ])
        };
        let c = Config { input_size: i, hidden: vec![h, h], activation: "dice".into(), batchnorm: None, dice_eps: None, prefix: None };
        let m = Mlp::new(c, mk()).unwrap();
        let rows = 20_000;
        let x = v(rows * i, 2.0);
        let all = m.forward_rows(&x, rows);
        for r in [0, 1, 4_999, 12_345, rows - 1] {
            let one = m.forward_rows(&x[r * i..(r + 1) * i], 1);
            close(&all[r * h..(r + 1) * h], &one, 1e-5);
        }
    }
}
