//! YouTubeDNN two-tower retrieval: user and item vectors, scored by (cosine) similarity.

use super::{width_of, Batch, Columns, HistoryField, MlpConfig, Tables};
use crate::error::{Error, Result};
use crate::nn::layers::mlp::Mlp;
use crate::nn::layers::{In, Layer, Out, Weights};
use crate::nn::matmul::{matmul_into, Dims};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    tables: BTreeMap<String, [usize; 2]>,
    user: UserConfig,
    item: ItemConfig,
    temperature: Option<f32>,
    normalize: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct UserConfig {
    sparse: Vec<String>,
    #[serde(default)]
    history: Vec<HistoryField>,
    #[serde(default)]
    dense: usize,
    tower: MlpConfig,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ItemConfig {
    sparse: Vec<String>,
    tower: MlpConfig,
}

/// YouTube DNN candidate generation as a two-tower model (Covington et al. 2016, "Deep Neural
/// Networks for YouTube Recommendations", RecSys; Yi et al. 2019, "Sampling-Bias-Corrected
/// Neural Modeling for Large Corpus Item Recommendations"), as python/reckit_models.py's
/// `YouTubeDNN`:
///
/// - u [B, d] = `user_tower`([dense, user sparse embeddings, per history field the mean of its
///   valid history embeddings (0 for an empty history)]);
/// - v [N, d] = `item_tower`(item sparse embeddings of batch `items` [N, Fi]);
/// - with `normalize` (default true) both L2-normalised (`F.normalize`, eps 1e-12);
/// - scores [B, N] = u·vᵀ / `temperature` (default 1): every user against every item.
///
/// The towers are MLPs as the DIEN tutorial's `MLP` (`user_tower.mlp.dense{i}.…`,
/// `item_tower.mlp.…`); an empty `hidden` is the identity. Outputs: userVectors [B, d],
/// itemVectors [N, d], scores [B, N] (N = 0 without items).
pub struct YouTubeDnn {
    tables: Tables,
    user: Columns,
    items: Vec<usize>,
    user_tower: Option<Mlp>,
    item_tower: Option<Mlp>,
    user_input: usize,
    dim: usize,
    temperature: f32,
    normalize: bool,
}

impl YouTubeDnn {
    pub fn new(c: Config, w: &mut Weights) -> Result<Self> {
        let tables = Tables::load(&c.tables, w)?;
        let user = Columns::resolve(&tables, &c.user.sparse, &c.user.history, c.user.dense)?;
        let items = c.item.sparse.iter().map(|s| tables.find(s, "item.sparse")).collect::<Result<Vec<_>>>()?;
        let user_input = c.user.dense + tables.width(&user.sparse) + user.behaviour_width(&tables);
        let item_input = tables.width(&items);
        let user_tower = c.user.tower.load(w, "user_tower", user_input)?;
        let item_tower = c.item.tower.load(w, "item_tower", item_input)?;
        let (du, di) = (width_of(user_tower.as_ref(), user_input), width_of(item_tower.as_ref(), item_input));
        if du != di {
            return Err(Error::new("config", format!("the user tower gives {du} features but the item tower {di}: they must match")));
        }
        let temperature = c.temperature.unwrap_or(1.0);
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(Error::new("config", format!("temperature is {temperature}; it must be > 0")));
        }
        Ok(YouTubeDnn { tables, user, items, user_tower, item_tower, user_input, dim: du, temperature, normalize: c.normalize.unwrap_or(true) })
    }

    fn tower(&self, mlp: Option<&Mlp>, x: Vec<f32>, rows: usize) -> Vec<f32> {
        let mut v = match mlp {
            Some(m) => m.forward_rows(&x, rows),
            None => x,
        };
        if self.normalize {
            for row in v.chunks_exact_mut(self.dim.max(1)) {
                let norm = row.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt().max(1e-12);
                row.iter_mut().for_each(|x| *x = (*x as f64 / norm) as f32);
            }
        }
        v
    }
}

impl Layer for YouTubeDnn {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let batch = Batch::parse(t, ints, &self.user)?;
        let (b, steps, n, d) = (batch.b, batch.t, batch.n, self.dim);
        let mut x = vec![0.0f32; b * self.user_input];
        let at = self.user.dense_and_sparse(&self.tables, &batch, &mut x, self.user_input)?;
        if !self.user.history.is_empty() {
            let eb = self.user.behaviour_width(&self.tables);
            let hist = self.user.history(&self.tables, batch.history, &batch, "history")?;
            for r in 0..b {
                let len = batch.lengths[r];
                let dst = &mut x[r * self.user_input + at..(r + 1) * self.user_input];
                for s in 0..len {
                    dst.iter_mut().zip(&hist[(r * steps + s) * eb..(r * steps + s + 1) * eb]).for_each(|(d, &v)| *d += v);
                }
                if len > 0 {
                    dst.iter_mut().for_each(|d| *d /= len as f32);
                }
            }
        }
        let u = self.tower(self.user_tower.as_ref(), x, b);

        let fi = self.items.len();
        let ids = batch.items.unwrap_or(&[]);
        if ids.len() != n * fi {
            return Err(Error::new("items", format!("has {} ids, expected {n}·{fi} (items · item columns)", ids.len())));
        }
        let width = self.tables.width(&self.items);
        let mut xi = vec![0.0f32; n * width];
        self.tables.gather(&self.items, ids, n, "items", &mut xi, width, 0)?;
        let v = self.tower(self.item_tower.as_ref(), xi, n);

        let mut scores = crate::util::alloc::zeros("items", crate::util::alloc::product("items", &[b, n])?)?;
        matmul_into(Dims { m: b, k: d, n, trans_a: false, trans_b: true }, &u, &v, &mut scores, false);
        scores.iter_mut().for_each(|s| *s /= self.temperature);
        Ok(vec![Out { data: u, shape: vec![b, d] }, Out { data: v, shape: vec![n, d] }, Out { data: scores, shape: vec![b, n] }])
    }
}
