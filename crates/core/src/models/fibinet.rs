//! FiBiNET: SENet field re-weighting and bilinear field interactions.

use super::{head, logits_and_probabilities, width_of, Batch, Columns, Linear, MlpConfig, Tables};
use crate::error::{Error, Result};
use crate::layers::mlp::Mlp;
use crate::layers::{expect_rank, required, In, Layer, Out, Weights};
use crate::ops;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeNetConfig {
    fields: usize,
    reduction: usize,
    excitation: Option<String>,
    scale: Option<f32>,
    bias: Option<bool>,
    prefix: Option<String>,
}

/// Squeeze-and-excitation over fields (Hu et al. 2018, "Squeeze-and-Excitation Networks"; as
/// used by FiBiNET, Huang et al. 2019): for embeddings [B, F, E],
/// `z = mean over E` [B, F], `a = scale · act(fc2(ReLU(fc1(z))))`, output `a ⊙ embeddings`.
/// `excitation` is `'relu'` (default; DeepCTR-Torch, FiBiNET) or `'sigmoid'` (seed 001, which
/// also uses `scale` 2; default 1).
///
/// Config: `fields` (F), `reduction` (R), `excitation`, `scale`, `bias` (whether fc1 and fc2
/// have biases; default: as the weights have them), `prefix`.
/// Keys: `fc1.weight` [R, F], `fc1.bias` (optional), `fc2.weight` [F, R], `fc2.bias` (optional).
/// Inputs: x [B, F, E]. Outputs: output [B, F, E], weights a [B, F].
pub struct SeNet {
    fields: usize,
    fc1: Linear,
    fc2: Linear,
    sigmoid: bool,
    scale: f32,
}

impl SeNet {
    pub fn new(c: SeNetConfig, mut w: Weights) -> Result<Self> {
        let prefix = c.prefix.clone().unwrap_or_default();
        SeNet::load(&c, &mut w, &prefix)
    }

    /// Keys under `prefix` (e.g. `senet.`).
    fn load(c: &SeNetConfig, w: &mut Weights, prefix: &str) -> Result<Self> {
        if c.fields == 0 || c.reduction == 0 {
            return Err(Error::new("config", "fields and reduction must be > 0"));
        }
        let sigmoid = match c.excitation.as_deref() {
            None | Some("relu") => false,
            Some("sigmoid") => true,
            Some(e) => return Err(Error::new("config", format!("excitation must be 'relu' or 'sigmoid', got '{e}'"))),
        };
        let scale = c.scale.unwrap_or(1.0);
        if !scale.is_finite() {
            return Err(Error::new("config", "scale must be finite"));
        }
        let fc1 = Linear::load_with(w, &format!("{prefix}fc1"), c.fields, c.reduction, c.bias)?;
        let fc2 = Linear::load_with(w, &format!("{prefix}fc2"), c.reduction, c.fields, c.bias)?;
        Ok(SeNet { fields: c.fields, fc1, fc2, sigmoid, scale })
    }

    /// `(a ⊙ x, a)` for x [b, F, e].
    fn apply(&self, x: &[f32], b: usize, e: usize) -> (Vec<f32>, Vec<f32>) {
        let f = self.fields;
        let z: Vec<f32> = x.chunks_exact(e.max(1)).take(b * f).map(|v| v.iter().sum::<f32>() / e as f32).collect();
        let mut h = self.fc1.forward(&z, b);
        ops::relu_in_place(&mut h);
        let mut a = self.fc2.forward(&h, b);
        if self.sigmoid {
            ops::sigmoid_in_place(&mut a);
        } else {
            ops::relu_in_place(&mut a);
        }
        a.iter_mut().for_each(|v| *v *= self.scale);
        let mut out = x.to_vec();
        for (v, &s) in out.chunks_exact_mut(e.max(1)).zip(&a) {
            v.iter_mut().for_each(|v| *v *= s);
        }
        (out, a)
    }
}

impl Layer for SeNet {
    fn forward(&self, t: &[Option<In>], _: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let x = required(t, 0, "x")?;
        let s = expect_rank(x, 3, "x", "[B, F, E]")?;
        if s[1] != self.fields {
            return Err(Error::new("x", format!("has shape {s:?}, expected [B, {}, E] (fields)", self.fields)));
        }
        let (out, a) = self.apply(x.data, s[0], s[2]);
        Ok(vec![Out { data: out, shape: s.to_vec() }, Out { data: a, shape: vec![s[0], s[1]] }])
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    tables: BTreeMap<String, [usize; 2]>,
    sparse: Vec<String>,
    #[serde(default)]
    dense: usize,
    senet: SeNetOptions,
    #[serde(default = "interaction")]
    bilinear: String,
    mlp: MlpConfig,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SeNetOptions {
    reduction: usize,
    excitation: Option<String>,
    scale: Option<f32>,
    bias: Option<bool>,
}

fn interaction() -> String {
    "interaction".into()
}

#[derive(Clone, Copy, PartialEq)]
enum Bilinear {
    /// One W for every pair.
    All,
    /// One W per first field i.
    Each,
    /// One W per pair.
    Interaction,
}

/// FiBiNET (Huang et al. 2019, "FiBiNET: Combining Feature Importance and Bilinear feature
/// Interaction for Click-Through Rate Prediction", RecSys), as python/reckit_models.py's
/// `FiBiNET`. With E0 [B, F, E] the sparse embeddings (every table has dimension E) and E1 =
/// [`SeNet`] (module `senet`) of E0:
///
/// - for fields i < j in order, p_ij = W(v_i) ⊙ v_j with W an `nn.Linear(E, E, bias=False)`:
///   `bilinear.weight` (`bilinear` `'all'`), `bilinear.{i}.weight` for i < F − 1 (`'each'`) or
///   `bilinear.{p}.weight` for pair p (`'interaction'`), applied to E0 and to E1;
/// - logit = `final_layer(mlp([dense, pairs of E0, pairs of E1]))`.
///
/// DeepCTR-Torch's FiBiNET adds a linear (wide) part; this is the deep part only.
/// Outputs: logits [B], probabilities [B].
pub struct FiBiNet {
    tables: Tables,
    cols: Columns,
    e: usize,
    senet: SeNet,
    kind: Bilinear,
    /// [E, E] each, indexed as `kind` says.
    bilinear: Vec<Vec<f32>>,
    pairs: Vec<(usize, usize)>,
    mlp: Option<Mlp>,
    out: Linear,
    input: usize,
}

impl FiBiNet {
    pub fn new(c: Config, w: &mut Weights) -> Result<Self> {
        let tables = Tables::load(&c.tables, w)?;
        let cols = Columns::resolve(&tables, &c.sparse, &[], c.dense)?;
        let f = cols.sparse.len();
        if f < 2 {
            return Err(Error::new("config", "FiBiNET needs at least two sparse columns (it crosses pairs of fields)"));
        }
        let e = tables.get(cols.sparse[0]).dim;
        if cols.sparse.iter().any(|&t| tables.get(t).dim != e) {
            return Err(Error::new("config", "FiBiNET needs every sparse column's table to have the same dimension"));
        }
        let s = &c.senet;
        let sc = SeNetConfig { fields: f, reduction: s.reduction, excitation: s.excitation.clone(), scale: s.scale, bias: s.bias, prefix: None };
        let senet = SeNet::load(&sc, w, "senet.")?;
        let pairs: Vec<(usize, usize)> = (0..f).flat_map(|i| (i + 1..f).map(move |j| (i, j))).collect();
        let (kind, keys): (Bilinear, Vec<String>) = match c.bilinear.as_str() {
            "all" => (Bilinear::All, vec!["bilinear.weight".into()]),
            "each" => (Bilinear::Each, (0..f - 1).map(|i| format!("bilinear.{i}.weight")).collect()),
            "interaction" => (Bilinear::Interaction, (0..pairs.len()).map(|p| format!("bilinear.{p}.weight")).collect()),
            k => return Err(Error::new("config", format!("bilinear must be 'all', 'each' or 'interaction', got '{k}'"))),
        };
        w.set_prefix("");
        let bilinear = keys.iter().map(|k| w.take(k, &[e, e])).collect::<Result<_>>()?;
        let input = c.dense + 2 * pairs.len() * e;
        let mlp = c.mlp.load(w, "mlp", input)?;
        let out = Linear::load(w, "final_layer", width_of(mlp.as_ref(), input), 1)?;
        Ok(FiBiNet { tables, cols, e, senet, kind, bilinear, pairs, mlp, out, input })
    }

    /// The pairs p_ij of `v` [B, F, E] into `x[r·stride + offset ..]`, pair-major.
    fn interactions(&self, v: &[f32], b: usize, x: &mut [f32], stride: usize, offset: usize) {
        let (f, e) = (self.cols.sparse.len(), self.e);
        // W(v_i) for each (weight, field) in use, [B, E].
        let mut transformed: HashMap<(usize, usize), Vec<f32>> = HashMap::new();
        for (p, &(i, j)) in self.pairs.iter().enumerate() {
            let wi = match self.kind {
                Bilinear::All => 0,
                Bilinear::Each => i,
                Bilinear::Interaction => p,
            };
            let vw = transformed.entry((wi, i)).or_insert_with(|| {
                let vi: Vec<f32> = (0..b).flat_map(|r| v[(r * f + i) * e..(r * f + i + 1) * e].iter().copied()).collect();
                let mut y = vec![0.0f32; b * e];
                crate::matmul::linear_into(&vi, b, &self.bilinear[wi], None, e, &mut y, false);
                y
            });
            for r in 0..b {
                let dst = &mut x[r * stride + offset + p * e..r * stride + offset + (p + 1) * e];
                let vj = &v[(r * f + j) * e..(r * f + j + 1) * e];
                for ((d, &a), &c) in dst.iter_mut().zip(&vw[r * e..(r + 1) * e]).zip(vj) {
                    *d = a * c;
                }
            }
        }
    }
}

impl Layer for FiBiNet {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let batch = Batch::parse(t, ints, &self.cols)?;
        let (b, f, e, d) = (batch.b, self.cols.sparse.len(), self.e, self.cols.dense);
        let mut e0 = vec![0.0f32; b * f * e];
        self.tables.gather(&self.cols.sparse, batch.sparse, b, "sparse", &mut e0, f * e, 0)?;
        let (e1, _) = self.senet.apply(&e0, b, e);
        let mut x = vec![0.0f32; b * self.input];
        for r in 0..b {
            x[r * self.input..r * self.input + d].copy_from_slice(&batch.dense[r * d..(r + 1) * d]);
        }
        let half = self.pairs.len() * e;
        self.interactions(&e0, b, &mut x, self.input, d);
        self.interactions(&e1, b, &mut x, self.input, d + half);
        Ok(logits_and_probabilities(head(self.mlp.as_ref(), &self.out, x, b), vec![b]))
    }
}
