//! DIEN: a GRU extracts interests from the history, an attention-gated GRU evolves them
//! towards the candidate; an auxiliary network supervises the extractor during training.

use super::din::{AttentionConfig, Base};
use super::{HistoryField, MlpConfig};
use crate::error::{Error, Result};
use crate::nn::layers::din::DinAttention;
use crate::nn::layers::mlp::{Mlp, Spec};
use crate::nn::layers::recurrent::{self, AttentionGru, Gru};
use crate::nn::layers::{In, Layer, Linear, Out, Weights};
use crate::util::math::softplus;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    tables: BTreeMap<String, [usize; 2]>,
    sparse: Vec<String>,
    #[serde(default)]
    dense: usize,
    history: Vec<HistoryField>,
    attention: AttentionConfig,
    mlp: MlpConfig,
    #[serde(default = "augru")]
    gru: String,
    augru_form: Option<String>,
    gate_order: Option<String>,
    auxiliary: Option<AuxiliaryConfig>,
}

/// The DIEN tutorial's `AuxiliaryNet`: Linear + activation per hidden layer, then a Linear to
/// one logit.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AuxiliaryConfig {
    #[serde(default = "seed_hidden")]
    hidden: Vec<usize>,
    activation: Option<String>,
}

fn augru() -> String {
    "AUGRU".into()
}

/// The DIEN tutorial's auxiliary net widths.
fn seed_hidden() -> Vec<usize> {
    vec![100, 50]
}

enum Evolution {
    /// AUGRU / AGRU: the attention gates each step.
    Gated(AttentionGru),
    /// AIGRU: an `nn.GRU` over attention-scaled interests.
    Input(Gru),
}

/// Deep Interest Evolution Network (Zhou et al. 2019, "Deep Interest Evolution Network for
/// Click-Through Rate Prediction", AAAI), as the DIEN tutorial's `DIEN`/`Interest` and
/// python/reckit_models.py's `DIEN`. With Eb the behaviour width (also the GRUs' hidden size):
///
/// - interests [B, T, Eb] = `nn.GRU` (module `interest.interest_extractor`) over the history
///   embeddings, 0 at padded steps;
/// - scores [B, T] = [`DinAttention`] (module `interest.attention`) of the query against the
///   interests (the DIEN tutorial uses `softmax` and `scale`);
/// - final interest [B, Eb] = the evolution state after each row's last valid step (0 for an
///   empty history; PyTorch's packed sequences reject length 0): `gru` `'AUGRU'` (`augruForm`
///   `'paper'` or `'xdl'`, `gateOrder` `'rzn'` or `'zrn'`) or `'AGRU'`, cell keys
///   `interest.interest_evolution.rnn.{weight_ih, weight_hh, bias_ih, bias_hh}`; or `'AIGRU'`,
///   an `nn.GRU` `interest.interest_evolution.{weight_ih_l0, …}` over score-scaled interests;
/// - logit = `final_layer(mlp([dense, every sparse column's embedding, final interest]))`.
///
/// Auxiliary loss (config `auxiliary`, batch `negHistory`): for every valid pair t + 1 <
/// lengths[b], p⁺ = σ(aux([interests[b,t], keys[b,t+1]])) and p⁻ the same with the negative
/// history's embedding; loss = mean over all p⁺ and p⁻ of binary cross-entropy against 1 and 0
/// (each log clamped at −100, as `F.binary_cross_entropy`). NaN when there is no valid pair.
/// Keys `interest.auxiliary_net.mlp.dense{i}.weight/bias`, `….mlp.final_layer.weight/bias`.
///
/// Outputs: logits [B], probabilities [B], and auxLoss [] when negHistory is given.
pub struct Dien {
    base: Base,
    extractor: Gru,
    attention: DinAttention,
    evolution: Evolution,
    auxiliary: Option<(Mlp, Linear)>,
}

impl Dien {
    pub fn new(c: Config, w: &mut Weights) -> Result<Self> {
        let shared = super::din::Config { tables: c.tables, sparse: c.sparse, dense: c.dense, history: c.history, attention: c.attention, mlp: c.mlp };
        let base = Base::load(&shared, w)?;
        let eb = base.eb;
        let gru = |prefix: &str| recurrent::Config { input_size: eb, hidden_size: eb, num_layers: None, prefix: Some(prefix.into()) };
        let extractor = Gru::load(gru("interest.interest_extractor."), w)?;
        let attention = shared.attention.load(w, "interest.attention", eb)?;
        let evolution = match c.gru.as_str() {
            "AUGRU" | "AGRU" => {
                let ac = recurrent::AttentionConfig {
                    input_size: eb,
                    hidden_size: eb,
                    prefix: Some("interest.interest_evolution.rnn.".into()),
                    form: c.augru_form,
                    gate_order: c.gate_order,
                };
                Evolution::Gated(AttentionGru::load(&c.gru, ac, w)?)
            }
            "AIGRU" => {
                if c.augru_form.is_some() || c.gate_order.is_some() {
                    return Err(Error::new("config", "augruForm and gateOrder apply to gru 'AUGRU'/'AGRU', not 'AIGRU' (an nn.GRU)"));
                }
                Evolution::Input(Gru::load(gru("interest.interest_evolution."), w)?)
            }
            g => return Err(Error::new("config", format!("gru must be 'AUGRU', 'AGRU' or 'AIGRU', got '{g}'"))),
        };
        let auxiliary = match &c.auxiliary {
            None => None,
            Some(a) => {
                w.set_prefix("interest.auxiliary_net.");
                let activation = a.activation.as_deref().unwrap_or("sigmoid");
                let spec = Spec { input: 2 * eb, hidden: &a.hidden, activation, batchnorm: Some(false), dice_eps: 1e-8 };
                let mlp = Mlp::load(w, spec)?;
                let out = Linear::load(w, "interest.auxiliary_net.mlp.final_layer", mlp.output_size(), 1)?;
                Some((mlp, out))
            }
        };
        Ok(Dien { base, extractor, attention, evolution, auxiliary })
    }

    /// The auxiliary loss over valid pairs (see [`Dien`]).
    fn auxiliary_loss(&self, interests: &[f32], keys: &[f32], negatives: &[f32], lens: &[usize], steps: usize) -> f32 {
        let (mlp, out) = self.auxiliary.as_ref().expect("checked by the caller");
        let eb = self.base.eb;
        let pairs: Vec<(usize, usize)> = lens.iter().enumerate().flat_map(|(r, &n)| (0..n.saturating_sub(1)).map(move |s| (r, s))).collect();
        let p = pairs.len();
        if p == 0 {
            return f32::NAN;
        }
        // Rows [interest_t, clicked_{t+1}] for every pair, then [interest_t, negative_{t+1}].
        let mut x = vec![0.0f32; 2 * p * 2 * eb];
        for (half, next) in [keys, negatives].into_iter().enumerate() {
            for (i, &(r, s)) in pairs.iter().enumerate() {
                let row = &mut x[(half * p + i) * 2 * eb..(half * p + i + 1) * 2 * eb];
                row[..eb].copy_from_slice(&interests[(r * steps + s) * eb..(r * steps + s + 1) * eb]);
                row[eb..].copy_from_slice(&next[(r * steps + s + 1) * eb..(r * steps + s + 2) * eb]);
            }
        }
        let z = out.forward(&mlp.forward_rows(&x, 2 * p), 2 * p);
        // −ln σ(z) for clicks, −ln(1 − σ(z)) = −ln σ(−z) for negatives; each at most 100.
        let total: f64 = z.iter().enumerate().map(|(i, &z)| softplus(if i < p { -z as f64 } else { z as f64 }).min(100.0)).sum();
        (total / (2 * p) as f64) as f32
    }
}

impl Layer for Dien {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let (batch, x, query, keys) = self.base.inputs(t, ints)?;
        if batch.negatives.is_some() && self.auxiliary.is_none() {
            return Err(Error::new("negHistory", "given, but the model has no auxiliary network (config auxiliary)"));
        }
        let (b, steps, eb) = (batch.b, batch.t, self.base.eb);
        let lens = batch.lengths_i32();
        let seq = [b, steps, eb];
        let k = In { data: &keys, shape: &seq };
        let interests = self.extractor.forward(&[Some(k)], &[Some(&lens)])?.swap_remove(0).data;
        let i = In { data: &interests, shape: &seq };
        let q = In { data: &query, shape: &[b, eb] };
        let scores = self.attention.forward(&[Some(q), Some(i)], &[Some(&lens)])?.swap_remove(1);
        let a = In { data: &scores.data, shape: &scores.shape };
        let last = match &self.evolution {
            Evolution::Gated(g) => g.forward(&[Some(i), Some(a)], &[Some(&lens)])?,
            Evolution::Input(g) => {
                let mut scaled = interests.clone();
                for (step, &s) in scaled.chunks_exact_mut(eb).zip(&scores.data) {
                    step.iter_mut().for_each(|v| *v *= s);
                }
                g.forward(&[Some(In { data: &scaled, shape: &seq })], &[Some(&lens)])?
            }
        }
        .swap_remove(1);
        let mut outs = self.base.logits(x, &last.data, b);
        if let Some(neg) = batch.negatives {
            let negatives = self.base.cols.history(&self.base.tables, neg, &batch, "negHistory")?;
            let loss = self.auxiliary_loss(&interests, &keys, &negatives, &batch.lengths, steps);
            outs.push(Out { data: vec![loss], shape: vec![] });
        }
        Ok(outs)
    }
}
