//! FiBiNET: SENet field re-weighting and bilinear field interactions.

use super::{head, logits_and_probabilities, width_of, Batch, Columns, MlpConfig, Tables};
use crate::error::{Error, Result};
use crate::nn::layers::mlp::Mlp;
use crate::nn::layers::senet::{SeNet, SeNetConfig};
use crate::nn::layers::{In, Layer, Linear, Out, Weights};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

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
                crate::nn::matmul::linear_into(&vi, b, &self.bilinear[wi], None, e, &mut y, false);
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
