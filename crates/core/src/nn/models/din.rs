//! DIN: the candidate attends over the user's behaviour history.

use super::{head, logits_and_probabilities, width_of, Batch, Columns, HistoryField, MlpConfig, Tables};
use crate::error::{Error, Result};
use crate::nn::layers::din::{self, DinAttention};
use crate::nn::layers::mlp::Mlp;
use crate::nn::layers::{In, Layer, Linear, Out, Weights};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    pub(crate) tables: BTreeMap<String, [usize; 2]>,
    pub(crate) sparse: Vec<String>,
    #[serde(default)]
    pub(crate) dense: usize,
    pub(crate) history: Vec<HistoryField>,
    pub(crate) attention: AttentionConfig,
    pub(crate) mlp: MlpConfig,
}

/// The attention unit's config (DIN and DIEN): see [`DinAttention`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct AttentionConfig {
    hidden: Vec<usize>,
    #[serde(default = "super::relu")]
    activation: String,
    batchnorm: Option<bool>,
    softmax: Option<bool>,
    scale: Option<bool>,
    dice_eps: Option<f32>,
}

impl AttentionConfig {
    /// The unit under `{module}.` over behaviour embeddings of width `eb`.
    pub fn load(&self, w: &mut Weights, module: &str, eb: usize) -> Result<DinAttention> {
        let c = din::Config {
            embed_dim: eb,
            hidden: self.hidden.clone(),
            activation: self.activation.clone(),
            batchnorm: self.batchnorm,
            softmax: self.softmax,
            scale: self.scale,
            dice_eps: self.dice_eps,
            prefix: Some(format!("{module}.")),
        };
        DinAttention::load(c, w)
    }
}

/// What DIN and DIEN share: the tables, the columns, and the final MLP over
/// `[dense, sparse embeddings, interest]`.
pub(crate) struct Base {
    pub tables: Tables,
    pub cols: Columns,
    /// Behaviour width (Σ dims of the history fields): the attention's and interest's size.
    pub eb: usize,
    mlp: Option<Mlp>,
    out: Linear,
    input: usize,
}

impl Base {
    pub fn load(c: &Config, w: &mut Weights) -> Result<Self> {
        let tables = Tables::load(&c.tables, w)?;
        let cols = Columns::resolve(&tables, &c.sparse, &c.history, c.dense)?;
        if cols.history.is_empty() {
            return Err(Error::new("config", "history must name at least one behaviour field"));
        }
        if let Some(i) = cols.history.iter().position(|h| h.0.is_none()) {
            let msg = format!("history[{i}] must name a sparse column (the candidate it is attended against) or be {{target, table}}");
            return Err(Error::new("config", msg));
        }
        let eb = cols.behaviour_width(&tables);
        let input = c.dense + tables.width(&cols.sparse) + eb;
        let mlp = c.mlp.load(w, "mlp", input)?;
        let out = Linear::load(w, "final_layer", width_of(mlp.as_ref(), input), 1)?;
        Ok(Base { tables, cols, eb, mlp, out, input })
    }

    /// The batch, its MLP input with `[dense, sparse]` filled in (the interest's slot left at
    /// the end), the query [B, Eb] and the history embeddings [B, T, Eb].
    pub fn inputs<'a>(&self, t: &[Option<In<'a>>], ints: &[Option<&'a [i32]>]) -> Result<(Batch<'a>, Vec<f32>, Vec<f32>, Vec<f32>)> {
        let batch = Batch::parse(t, ints, &self.cols)?;
        let mut x = vec![0.0f32; batch.b * self.input];
        self.cols.dense_and_sparse(&self.tables, &batch, &mut x, self.input)?;
        let query = self.cols.query(&self.tables, &batch);
        let keys = self.cols.history(&self.tables, batch.history, &batch, "history")?;
        Ok((batch, x, query, keys))
    }

    /// Puts each row's interest [B, Eb] in the MLP input and runs the MLP and output layer.
    pub fn logits(&self, mut x: Vec<f32>, interest: &[f32], b: usize) -> Vec<Out> {
        let eb = self.eb;
        for (row, v) in x.chunks_exact_mut(self.input).zip(interest.chunks_exact(eb)) {
            row[self.input - eb..].copy_from_slice(v);
        }
        logits_and_probabilities(head(self.mlp.as_ref(), &self.out, x, b), vec![b])
    }
}

/// Deep Interest Network (Zhou et al. 2018, "Deep Interest Network for Click-Through Rate
/// Prediction", KDD), as python/reckit_models.py's `DIN`:
///
/// - query [B, Eb]: the embeddings of the history fields' target columns; keys [B, T, Eb]: the
///   history embeddings (padded steps are not read);
/// - interest = [`DinAttention`] (module `attention`; `softmax` and `scale` switches) pooling
///   the keys;
/// - logit = `final_layer(mlp([dense, every sparse column's embedding, interest]))`.
///
/// Keys: `embeddings.<table>.weight`, `attention.mlp.mlp.dense{i}.…`, `attention.fc.…`,
/// `mlp.mlp.dense{i}.…`, `final_layer.weight` [1, H], `final_layer.bias`.
/// Outputs: logits [B], probabilities [B].
pub struct Din {
    base: Base,
    attention: DinAttention,
}

impl Din {
    pub fn new(c: Config, w: &mut Weights) -> Result<Self> {
        let base = Base::load(&c, w)?;
        let attention = c.attention.load(w, "attention", base.eb)?;
        Ok(Din { base, attention })
    }
}

impl Layer for Din {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let (batch, x, query, keys) = self.base.inputs(t, ints)?;
        let (b, eb) = (batch.b, self.base.eb);
        let lens = batch.lengths_i32();
        let q = In { data: &query, shape: &[b, eb] };
        let k = In { data: &keys, shape: &[b, batch.t, eb] };
        let pooled = self.attention.forward(&[Some(q), Some(k)], &[Some(&lens)])?.swap_remove(0);
        Ok(self.base.logits(x, &pooled.data, b))
    }
}
