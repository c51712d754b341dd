//! Whole recommender models at inference (FM, DIN, DIEN, MMoE, FiBiNET, YouTubeDNN): sparse
//! ids, behaviour histories and dense features in, logits out. Each loads the state dict of its
//! PyTorch reference module (python/reckit_models.py; the contract is python/MODELS.md) with a
//! JSON config, composes the layers of [`crate::nn::layers`] and lives in the same registry.
//!
//! Positional inputs, the same for every model (the facade's contract):
//! ints[0] = dims [B, T, N] (T history steps, N items; 0 when unused), ints[1] = sparse ids
//! [B, F], ints[2] = history ids [B, T, H], ints[3] = lengths [B] (optional), ints[4] =
//! negative history [B, T, H] (DIEN, optional), ints[5] = items [N, Fi] (YouTubeDNN);
//! t[0] = dense [B, D] (absent when D = 0).

pub(crate) mod dien;
pub(crate) mod din;
pub(crate) mod fibinet;
pub(crate) mod fm;
pub(crate) mod mmoe;
pub(crate) mod youtube;

use crate::error::{Error, Result};
use crate::nn::layers::mlp::{Mlp, Spec};
use crate::nn::layers::{expect_rank, In, Linear, Out, Weights};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Embedding tables by name: `embeddings.<name>.weight` [vocab, dim] (config `tables`).
pub(crate) struct Tables(Vec<Table>);

pub(crate) struct Table {
    name: String,
    vocab: usize,
    pub dim: usize,
    weight: Vec<f32>,
}

impl Tables {
    pub fn load(spec: &BTreeMap<String, [usize; 2]>, w: &mut Weights) -> Result<Self> {
        Tables::load_under(spec, w, "embeddings.")
    }

    /// Tables `{module}<name>.weight` (FM's first-order weights are tables of width 1).
    pub fn load_under(spec: &BTreeMap<String, [usize; 2]>, w: &mut Weights, module: &str) -> Result<Self> {
        w.set_prefix("");
        let mut tables = Vec::with_capacity(spec.len());
        for (name, &[vocab, dim]) in spec {
            if vocab == 0 || dim == 0 {
                return Err(Error::new("config", format!("tables.{name} is [{vocab}, {dim}]; vocabulary and dimension must be > 0")));
            }
            let weight = w.take(&format!("{module}{name}.weight"), &[vocab, dim])?;
            tables.push(Table { name: name.clone(), vocab, dim, weight });
        }
        Ok(Tables(tables))
    }

    /// The index of table `name`, which `field` (a config field) refers to.
    pub fn find(&self, name: &str, field: &str) -> Result<usize> {
        self.0.iter().position(|t| t.name == name).ok_or_else(|| {
            let known: Vec<&str> = self.0.iter().map(|t| t.name.as_str()).collect();
            Error::new("config", format!("{field} names table '{name}', which is not in tables ({})", known.join(", ")))
        })
    }

    pub fn get(&self, i: usize) -> &Table {
        &self.0[i]
    }

    /// Σ dims of `columns`.
    pub fn width(&self, columns: &[usize]) -> usize {
        columns.iter().map(|&c| self.0[c].dim).sum()
    }

    /// For each of `rows` rows, the embeddings of its ids (one per column, row-major
    /// `ids[r·columns.len() + c]`) concatenated into `out[r·stride + offset ..]`.
    /// `arg` names the ids in errors.
    pub fn gather(&self, columns: &[usize], ids: &[i32], rows: usize, arg: &'static str, out: &mut [f32], stride: usize, offset: usize) -> Result<()> {
        let n = columns.len();
        for r in 0..rows {
            let mut at = r * stride + offset;
            for (c, &t) in columns.iter().enumerate() {
                let row = self.0[t].row(ids[r * n + c], || format!("[{r}, {c}]"), arg)?;
                out[at..at + row.len()].copy_from_slice(row);
                at += row.len();
            }
        }
        Ok(())
    }
}

impl Table {
    fn row(&self, id: i32, at: impl FnOnce() -> String, arg: &'static str) -> Result<&[f32]> {
        match usize::try_from(id) {
            Ok(i) if i < self.vocab => Ok(&self.weight[i * self.dim..(i + 1) * self.dim]),
            _ => Err(Error::new(arg, format!("{} is {id}, outside table '{}' (ids 0..{})", at(), self.name, self.vocab - 1))),
        }
    }
}

/// A sparse column (`sparse` entry) and, for behaviour fields, the table its history uses.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum HistoryField {
    /// The history of sparse column `target`, in the same table (DeepCTR-Torch's sharing).
    Shared(String),
    /// Its own table (the DIEN tutorial's `hist_movieId`).
    Own { target: String, table: String },
}

/// Columns resolved against the tables: sparse columns, and history fields as (their target
/// sparse column, if any; table).
pub(crate) struct Columns {
    pub sparse: Vec<usize>,
    pub history: Vec<(Option<usize>, usize)>,
    pub dense: usize,
}

impl Columns {
    pub fn resolve(tables: &Tables, sparse: &[String], history: &[HistoryField], dense: usize) -> Result<Self> {
        let sparse_tables = sparse.iter().map(|s| tables.find(s, "sparse")).collect::<Result<Vec<_>>>()?;
        let column = |name: &str| {
            sparse.iter().position(|s| s == name).ok_or_else(|| Error::new("config", format!("history field '{name}' is not a sparse column ({})", sparse.join(", "))))
        };
        let history = history
            .iter()
            .map(|h| match h {
                // A sparse column's history, or (YouTubeDNN) a table's with no candidate column.
                HistoryField::Shared(name) => match sparse.iter().position(|s| s == name) {
                    Some(c) => Ok((Some(c), sparse_tables[c])),
                    None => Ok((None, tables.find(name, "history")?)),
                },
                HistoryField::Own { target, table } => Ok((Some(column(target)?), tables.find(table, "history")?)),
            })
            .collect::<Result<Vec<_>>>()?;
        for &(c, t) in &history {
            let Some(c) = c else { continue };
            if tables.get(t).dim != tables.get(sparse_tables[c]).dim {
                return Err(Error::new("config", format!("history table '{}' and its target's table '{}' differ in dimension", tables.get(t).name, tables.get(sparse_tables[c]).name)));
            }
        }
        Ok(Columns { sparse: sparse_tables, history, dense })
    }

    /// Width of the behaviour embedding (the attention's E): Σ dims of the history fields.
    pub fn behaviour_width(&self, tables: &Tables) -> usize {
        self.history.iter().map(|&(_, t)| tables.get(t).dim).sum()
    }

    /// `[dense, sparse embeddings]` of every row into `x` (row stride `stride`); returns the
    /// offset after them.
    pub fn dense_and_sparse(&self, tables: &Tables, batch: &Batch, x: &mut [f32], stride: usize) -> Result<usize> {
        let d = self.dense;
        for r in 0..batch.b {
            x[r * stride..r * stride + d].copy_from_slice(&batch.dense[r * d..(r + 1) * d]);
        }
        tables.gather(&self.sparse, batch.sparse, batch.b, "sparse", x, stride, d)?;
        Ok(d + tables.width(&self.sparse))
    }

    /// The behaviour query [B, Eb]: the embeddings of the history fields' target columns.
    pub fn query(&self, tables: &Tables, batch: &Batch) -> Vec<f32> {
        let eb = self.behaviour_width(tables);
        let f = self.sparse.len();
        let mut q = vec![0.0f32; batch.b * eb];
        for r in 0..batch.b {
            let mut at = r * eb;
            for &(c, _) in &self.history {
                let c = c.expect("DIN/DIEN check every history field has a candidate column");
                let t = tables.get(self.sparse[c]);
                // Already range-checked by `dense_and_sparse`, which every model runs first.
                let id = batch.sparse[r * f + c] as usize;
                q[at..at + t.dim].copy_from_slice(&t.weight[id * t.dim..(id + 1) * t.dim]);
                at += t.dim;
            }
        }
        q
    }

    /// History embeddings [B, T, Eb] of `ids` [B, T, H] (zeros at padded steps, whose ids are
    /// not read).
    pub fn history(&self, tables: &Tables, ids: &[i32], batch: &Batch, arg: &'static str) -> Result<Vec<f32>> {
        let (b, t, h) = (batch.b, batch.t, self.history.len());
        let eb = self.behaviour_width(tables);
        let mut out = vec![0.0f32; b * t * eb];
        let cols: Vec<usize> = self.history.iter().map(|&(_, t)| t).collect();
        for r in 0..b {
            let valid = batch.lengths[r];
            tables.gather(&cols, &ids[r * t * h..(r * t + valid) * h], valid, arg, &mut out[r * t * eb..], eb, 0).map_err(|e| at_row(e, r))?;
        }
        Ok(out)
    }
}

/// Rewrites a gather error's `[step, field]` position into `[row, step, field]`.
fn at_row(e: Error, r: usize) -> Error {
    Error::new(e.arg, e.message.replacen('[', &format!("[{r}, "), 1))
}

/// One forward call's inputs, checked against the model's sizes.
pub(crate) struct Batch<'a> {
    pub b: usize,
    pub t: usize,
    pub n: usize,
    pub sparse: &'a [i32],
    pub dense: &'a [f32],
    pub history: &'a [i32],
    /// Valid history steps per row (all 0 without history).
    pub lengths: Vec<usize>,
    pub negatives: Option<&'a [i32]>,
    pub items: Option<&'a [i32]>,
}

impl<'a> Batch<'a> {
    /// Checks the inputs against `c` (F sparse columns, H history fields, D dense features).
    pub fn parse(t: &[Option<In<'a>>], ints: &[Option<&'a [i32]>], c: &Columns) -> Result<Self> {
        let int = |i: usize| ints.get(i).copied().flatten();
        let Some(&[b, steps, n]) = int(0) else { return Err(Error::new("dims", "expected [batch, steps, items]")) };
        let size = |x: i32, what: &str| usize::try_from(x).map_err(|_| Error::new("dims", format!("{what} is {x}")));
        let (b, steps, n) = (size(b, "batch")?, size(steps, "steps")?, size(n, "items")?);
        let (f, h, d) = (c.sparse.len(), c.history.len(), c.dense);
        // The facade derives dims from the arrays' lengths; a direct caller's could overflow.
        if b.checked_mul(steps.max(1)).and_then(|x| x.checked_mul(f.max(h).max(d).max(1))).is_none() {
            return Err(Error::new("dims", format!("batch {b} × steps {steps} is too large")));
        }

        let sparse = int(1).unwrap_or(&[]);
        if sparse.len() != b * f {
            return Err(Error::new("sparse", format!("has {} ids, expected {b}·{f} (batch · sparse columns)", sparse.len())));
        }
        let dense: &[f32] = match t.first().copied().flatten() {
            Some(x) => {
                let shape = expect_rank(x, 2, "dense", "[B, D]")?;
                if shape != [b, d] {
                    return Err(Error::new("dense", format!("has shape {shape:?}, expected [{b}, {d}] (batch, dense features)")));
                }
                x.data
            }
            None if d == 0 => &[],
            None => return Err(Error::new("dense", format!("is required: the model has {d} dense features"))),
        };
        let history = int(2).unwrap_or(&[]);
        let per_row = steps * h;
        if history.len() != b * per_row {
            return Err(Error::new("history", format!("has {} ids, expected {b}·{steps}·{h} (batch · steps · history fields)", history.len())));
        }
        let lengths = match int(3) {
            Some(l) if h > 0 => crate::nn::layers::lengths(&[Some(l)], 0, b, steps)?,
            Some(_) => return Err(Error::new("lengths", "given, but the model has no history")),
            // Right-padded: the steps before the first padding id 0 of the first field.
            None if h > 0 => (0..b).map(|r| (0..steps).position(|s| history[(r * steps + s) * h] == 0).unwrap_or(steps)).collect(),
            None => vec![0; b],
        };
        let negatives = int(4);
        if let Some(neg) = negatives {
            if neg.len() != history.len() {
                return Err(Error::new("negHistory", format!("has {} ids, expected {} (as history)", neg.len(), history.len())));
            }
        }
        Ok(Batch { b, t: steps, n, sparse, dense, history, lengths, negatives, items: int(5) })
    }

    pub fn lengths_i32(&self) -> Vec<i32> {
        self.lengths.iter().map(|&l| l as i32).collect()
    }
}

/// An MLP inside a model, as the DIEN tutorial's `MLP`:
/// `{hidden, activation?, batchnorm?, diceEps?}` (activation default `'relu'`, as
/// python/reckit_models.py).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct MlpConfig {
    pub hidden: Vec<usize>,
    #[serde(default = "relu")]
    pub activation: String,
    pub batchnorm: Option<bool>,
    pub dice_eps: Option<f32>,
}

pub(crate) fn relu() -> String {
    "relu".into()
}

impl MlpConfig {
    /// Module `module` (keys `{module}.mlp.dense0.weight`, …) over `input` features; None when
    /// `hidden` is empty (an identity tower).
    pub fn load(&self, w: &mut Weights, module: &str, input: usize) -> Result<Option<Mlp>> {
        if self.hidden.is_empty() {
            return Ok(None);
        }
        w.set_prefix(&format!("{module}."));
        let spec = Spec { input, hidden: &self.hidden, activation: &self.activation, batchnorm: self.batchnorm, dice_eps: self.dice_eps.unwrap_or(1e-8) };
        Mlp::load(w, spec).map(Some)
    }
}

/// An MLP then its output layer: `final_layer(mlp(x))`, one logit per row.
pub(crate) fn head(mlp: Option<&Mlp>, out: &Linear, x: Vec<f32>, rows: usize) -> Vec<f32> {
    match mlp {
        Some(m) => out.forward(&m.forward_rows(&x, rows), rows),
        None => out.forward(&x, rows),
    }
}

/// `[logits, probabilities]` outputs, `shape` each.
pub(crate) fn logits_and_probabilities(logits: Vec<f32>, shape: Vec<usize>) -> Vec<Out> {
    let mut p = logits.clone();
    crate::nn::ops::sigmoid_in_place(&mut p);
    vec![Out { data: logits, shape: shape.clone() }, Out { data: p, shape }]
}

/// The width of `mlp`'s output (`input` for an identity tower).
pub(crate) fn width_of(mlp: Option<&Mlp>, input: usize) -> usize {
    mlp.map_or(input, |m| m.output_size())
}
