//! MMoE: shared experts, one softmax gate and one tower per task.

use super::{width_of, Batch, Columns, MlpConfig, Tables};
use crate::error::{Error, Result};
use crate::nn::layers::mlp::Mlp;
use crate::nn::layers::{In, Layer, Linear, Out, Weights};
use crate::nn::matmul::linear_into;
use crate::nn::ops;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    tables: BTreeMap<String, [usize; 2]>,
    sparse: Vec<String>,
    #[serde(default)]
    dense: usize,
    experts: usize,
    expert_hidden: usize,
    tasks: usize,
    tower: MlpConfig,
}

/// Multi-gate Mixture-of-Experts (Ma et al. 2018, "Modeling Task Relationships in Multi-task
/// Learning with Multi-gate Mixture-of-Experts", KDD), as python/reckit_models.py's
/// `MMoE`. With x = [dense, every sparse column's embedding]:
///
/// - expert i = ReLU(`experts.{i}`(x)) [B, expertHidden];
/// - gate t = softmax over experts of `gates.{t}`(x) [B, experts];
/// - logit t = `heads.{t}`(tower_t(Σ_i gate_t,i · expert_i)), the tower an MLP as the DIEN
///   tutorial's `MLP`, `towers.{t}.mlp.…` (none when `tower.hidden` is empty).
///
/// Keys: `embeddings.<table>.weight`, `experts.{i}.weight` [expertHidden, In] (+ `.bias`),
/// `gates.{t}.weight` [experts, In] (+ `.bias`), `towers.{t}.mlp.dense{j}.…`, `heads.{t}.weight`
/// [1, last] (+ `.bias`). Outputs: logits [B, tasks], probabilities [B, tasks], gates
/// [B, tasks, experts].
pub struct Mmoe {
    tables: Tables,
    cols: Columns,
    input: usize,
    experts: usize,
    hidden: usize,
    /// Every expert's weights stacked, [experts·hidden, In]: one product for all of them.
    expert_w: Vec<f32>,
    expert_b: Vec<f32>,
    /// Every gate's weights stacked, [tasks·experts, In].
    gate_w: Vec<f32>,
    gate_b: Vec<f32>,
    towers: Vec<(Option<Mlp>, Linear)>,
}

impl Mmoe {
    pub fn new(c: Config, w: &mut Weights) -> Result<Self> {
        if c.experts == 0 || c.expert_hidden == 0 || c.tasks == 0 {
            return Err(Error::new("config", "experts, expertHidden and tasks must be > 0"));
        }
        let tables = Tables::load(&c.tables, w)?;
        let cols = Columns::resolve(&tables, &c.sparse, &[], c.dense)?;
        let input = c.dense + tables.width(&cols.sparse);
        let stack = |w: &mut Weights, module: &str, count: usize, rows: usize| -> Result<(Vec<f32>, Vec<f32>)> {
            let (mut ws, mut bs) = (Vec::with_capacity(count * rows * input), Vec::with_capacity(count * rows));
            for i in 0..count {
                w.set_prefix("");
                ws.extend(w.take(&format!("{module}.{i}.weight"), &[rows, input])?);
                bs.extend(w.take_opt(&format!("{module}.{i}.bias"), &[rows])?.unwrap_or_else(|| vec![0.0; rows]));
            }
            Ok((ws, bs))
        };
        let (expert_w, expert_b) = stack(w, "experts", c.experts, c.expert_hidden)?;
        let (gate_w, gate_b) = stack(w, "gates", c.tasks, c.experts)?;
        let towers = (0..c.tasks)
            .map(|t| {
                let mlp = c.tower.load(w, &format!("towers.{t}"), c.expert_hidden)?;
                let head = Linear::load(w, &format!("heads.{t}"), width_of(mlp.as_ref(), c.expert_hidden), 1)?;
                Ok((mlp, head))
            })
            .collect::<Result<_>>()?;
        Ok(Mmoe { tables, cols, input, experts: c.experts, hidden: c.expert_hidden, expert_w, expert_b, gate_w, gate_b, towers })
    }
}

impl Layer for Mmoe {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let batch = Batch::parse(t, ints, &self.cols)?;
        let b = batch.b;
        let (e, h, tasks) = (self.experts, self.hidden, self.towers.len());
        let mut x = vec![0.0f32; b * self.input];
        self.cols.dense_and_sparse(&self.tables, &batch, &mut x, self.input)?;

        let mut experts = vec![0.0f32; b * e * h];
        linear_into(&x, b, &self.expert_w, Some(&self.expert_b), e * h, &mut experts, false);
        ops::relu_in_place(&mut experts);
        let mut gates = vec![0.0f32; b * tasks * e];
        linear_into(&x, b, &self.gate_w, Some(&self.gate_b), tasks * e, &mut gates, false);
        ops::softmax_rows(&mut gates, e);

        let mut logits = vec![0.0f32; b * tasks];
        let mut mixed = vec![0.0f32; b * h];
        for (task, (tower, head)) in self.towers.iter().enumerate() {
            mixed.fill(0.0);
            for r in 0..b {
                let m = &mut mixed[r * h..(r + 1) * h];
                for i in 0..e {
                    let g = gates[(r * tasks + task) * e + i];
                    let ex = &experts[(r * e + i) * h..(r * e + i + 1) * h];
                    m.iter_mut().zip(ex).for_each(|(m, &v)| *m += g * v);
                }
            }
            let z = super::head(tower.as_ref(), head, mixed.clone(), b);
            (0..b).for_each(|r| logits[r * tasks + task] = z[r]);
        }
        let mut outs = super::logits_and_probabilities(logits, vec![b, tasks]);
        outs.push(Out { data: gates, shape: vec![b, tasks, e] });
        Ok(outs)
    }
}
