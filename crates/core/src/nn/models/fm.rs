//! FM: pairwise factorised interactions of one-hot fields and dense features.

use super::{logits_and_probabilities, Batch, Columns, Tables};
use crate::error::{Error, Result};
use crate::nn::layers::{In, Layer, Out, Weights};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    tables: BTreeMap<String, [usize; 2]>,
    sparse: Vec<String>,
    #[serde(default)]
    dense: usize,
}

/// Factorization Machine (Rendle 2010, "Factorization Machines", ICDM), as
/// python/reckit_models.py's `FM`. The inputs x_i are the sparse columns one-hot (value 1, factor
/// the embedding row of the id) and the dense features (value x_d, factor `dense_factors[d]`):
///
/// logit = bias + Σ_f linear_f[id_f] + Σ_d w_d·x_d + ½ Σ_k [(Σ_i v_ik·x_i)² − Σ_i v_ik²·x_i²]
///
/// accumulated in f64. Every table has the same dimension k.
/// Keys: `bias` [1]; per table `linear.<table>.weight` [vocab, 1] and
/// `embeddings.<table>.weight` [vocab, k]; with D > 0, `dense_linear.weight` [1, D] and
/// `dense_factors` [D, k]. Outputs: logits [B], probabilities [B].
pub struct Fm {
    tables: Tables,
    linear: Tables,
    cols: Columns,
    k: usize,
    bias: f32,
    dense_w: Vec<f32>,
    dense_v: Vec<f32>,
}

impl Fm {
    pub fn new(c: Config, w: &mut Weights) -> Result<Self> {
        let tables = Tables::load(&c.tables, w)?;
        let cols = Columns::resolve(&tables, &c.sparse, &[], c.dense)?;
        let k = c.tables.values().next().map_or(0, |t| t[1]);
        if let Some((name, _)) = c.tables.iter().find(|(_, t)| t[1] != k) {
            return Err(Error::new("config", format!("FM needs one factor size: tables.{name} has dimension {} but others have {k}", c.tables[name][1])));
        }
        let linear_spec: BTreeMap<String, [usize; 2]> = c.tables.iter().map(|(n, t)| (n.clone(), [t[0], 1])).collect();
        let linear = Tables::load_under(&linear_spec, w, "linear.")?;
        let bias = w.take("bias", &[1])?[0];
        let (dense_w, dense_v) = if c.dense > 0 {
            (w.take("dense_linear.weight", &[1, c.dense])?, w.take("dense_factors", &[c.dense, k])?)
        } else {
            (vec![], vec![])
        };
        Ok(Fm { tables, linear, cols, k, bias, dense_w, dense_v })
    }
}

impl Layer for Fm {
    fn forward(&self, t: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let batch = Batch::parse(t, ints, &self.cols)?;
        let (b, f, d, k) = (batch.b, self.cols.sparse.len(), self.cols.dense, self.k);
        // Rows of factors [B, F, k] and first-order weights [B, F] (range-checked).
        let mut v = vec![0.0f32; b * f * k];
        self.tables.gather(&self.cols.sparse, batch.sparse, b, "sparse", &mut v, f * k, 0)?;
        let mut lin = vec![0.0f32; b * f];
        self.linear.gather(&self.cols.sparse, batch.sparse, b, "sparse", &mut lin, f, 0)?;
        let mut logits = vec![0.0f32; b];
        let (mut sum, mut sq) = (vec![0.0f64; k], vec![0.0f64; k]);
        for r in 0..b {
            sum.fill(0.0);
            sq.fill(0.0);
            let mut first = self.bias as f64 + lin[r * f..(r + 1) * f].iter().map(|&x| x as f64).sum::<f64>();
            let mut add = |factor: &[f32], x: f64| {
                for ((s, q), &v) in sum.iter_mut().zip(sq.iter_mut()).zip(factor) {
                    let vx = v as f64 * x;
                    *s += vx;
                    *q += vx * vx;
                }
            };
            v[r * f * k..(r + 1) * f * k].chunks_exact(k).for_each(|row| add(row, 1.0));
            for j in 0..d {
                let x = batch.dense[r * d + j] as f64;
                first += self.dense_w[j] as f64 * x;
                add(&self.dense_v[j * k..(j + 1) * k], x);
            }
            let pairs: f64 = sum.iter().zip(&sq).map(|(s, q)| s * s - q).sum();
            logits[r] = (first + 0.5 * pairs) as f32;
        }
        Ok(logits_and_probabilities(logits, vec![b]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::layers::mlp::tests::weights;

    fn fm(extra: &[(&str, &[usize], &[f32])]) -> Result<Box<dyn Layer>> {
        let mut entries: Vec<(&str, &[usize], &[f32])> = vec![
            ("embeddings.a.weight", &[3, 2], &[0.0, 0.0, 1.0, 2.0, 0.5, 0.5]),
            ("embeddings.b.weight", &[2, 2], &[3.0, -1.0, 1.0, 1.0]),
            ("linear.a.weight", &[3, 1], &[0.0, 0.25, 0.0]),
            ("linear.b.weight", &[2, 1], &[-0.5, 0.0]),
            ("bias", &[1], &[0.125]),
        ];
        entries.extend_from_slice(extra);
        let config = r#"{"tables": {"a": [3, 2], "b": [2, 2]}, "sparse": ["a", "b"]}"#;
        crate::nn::registry::build("FM", config, weights(&entries))
    }

    #[test]
    fn fm_is_bias_plus_linear_plus_factor_dot() {
        // ids (1, 0): 0.125 + 0.25 − 0.5 + ⟨[1, 2], [3, −1]⟩ = −0.125 + 1.
        let dims = [1, 0, 0];
        let ids = [1, 0];
        let out = fm(&[]).unwrap().forward(&[], &[Some(&dims), Some(&ids)]).unwrap();
        assert_eq!(out[0].data, vec![0.875]);
        assert_eq!(out[0].shape, vec![1]);
        assert!((out[1].data[0] - 1.0 / (1.0 + (-0.875f32).exp())).abs() < 1e-7);
    }

    #[test]
    fn fm_rejects_leftover_weights_and_bad_ids() {
        let e = fm(&[("dense_linear.weight", &[1, 1], &[1.0])]).err().unwrap();
        assert!(e.message.contains("'dense_linear.weight' is not used by this config"), "{e}");
        let model = fm(&[]).unwrap();
        let e = model.forward(&[], &[Some(&[1, 0, 0]), Some(&[3, 0])]).unwrap_err();
        assert_eq!(e.to_string(), "sparse: [0, 0] is 3, outside table 'a' (ids 0..2)");
        let e = model.forward(&[], &[Some(&[2, 0, 0]), Some(&[1, 0])]).unwrap_err();
        assert!(e.to_string().starts_with("sparse: has 2 ids, expected 2·2"), "{e}");
    }
}
