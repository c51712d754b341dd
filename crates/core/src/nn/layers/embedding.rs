//! Embedding lookup with optional pooling over each row's valid positions.

use super::{Layer, In, Out, Weights};
use crate::error::{Error, Result};
use crate::util::par;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    prefix: Option<String>,
    padding_idx: Option<i64>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Pooling {
    None,
    Sum,
    Mean,
    Max,
}

/// `nn.Embedding` at inference, with the bag pooling of `nn.EmbeddingBag` (sum, mean, max).
///
/// Config: `prefix`, `paddingIdx` (optional; negative counts from the end, as in PyTorch).
/// Keys: `weight` [V, E] (the padding row is used as stored, like PyTorch).
///
/// Inputs: ints[0] = ids, ints[1] = their shape [B] or [B, T] (a [B] batch pools over T = 1),
/// ints[2] = lengths [B] (optional), ints[3] = [pooling]: 0 none, 1 sum, 2 mean, 3 max
/// (absent: none).
/// Output: none → the looked-up rows, [B, T, E] (or [B, E] for ids of shape [B]); pooled →
/// [B, E].
///
/// Valid positions: t < lengths[b] when lengths are given; otherwise ids ≠ paddingIdx when
/// paddingIdx is set; otherwise all. Pooling covers valid positions only; a row with none pools
/// to zeros (mean and max included). Without pooling, positions past lengths[b] are zeros and
/// their ids are not read (so any padding value is accepted there); all other ids must be in
/// 0..V.
///
/// Reference: PyTorch `nn.Embedding`, `nn.EmbeddingBag` (mode sum / mean / max).
pub struct Embedding {
    v: usize,
    e: usize,
    weight: Vec<f32>,
    padding: Option<usize>,
}

impl Embedding {
    pub fn new(c: Config, mut w: Weights) -> Result<Self> {
        let prefix = c.prefix.as_deref().unwrap_or("");
        w.set_prefix(prefix);
        let shape = w.shape_of("weight").ok_or_else(|| Error::new("weights", format!("missing tensor '{prefix}weight'")))?;
        let [v, e] = shape[..] else {
            return Err(Error::new("weights", format!("'{prefix}weight' has shape {shape:?}, expected [V, E]")));
        };
        let weight = w.take("weight", &[v, e])?;
        let padding = match c.padding_idx {
            None => None,
            Some(p) => {
                let vi = v as i64;
                if !(-vi..vi).contains(&p) {
                    return Err(Error::new("config", format!("paddingIdx is {p}; it must index the table's {v} rows ({}..{v})", -vi)));
                }
                Some(if p < 0 { (p + vi) as usize } else { p as usize })
            }
        };
        Ok(Embedding { v, e, weight, padding })
    }
}

impl Layer for Embedding {
    fn forward(&self, _: &[Option<In>], ints: &[Option<&[i32]>]) -> Result<Vec<Out>> {
        let int = |i: usize| ints.get(i).copied().flatten();
        let ids = int(0).ok_or_else(|| Error::new("ids", "is required"))?;
        let shape = int(1).ok_or_else(|| Error::new("shape", "is required"))?;
        let dims: Vec<usize> = shape
            .iter()
            .map(|&d| usize::try_from(d).map_err(|_| Error::new("shape", format!("{shape:?} has a negative dimension"))))
            .collect::<Result<_>>()?;
        let (b, steps, seq) = match dims[..] {
            [b] => (b, 1, false),
            [b, t] => (b, t, true),
            _ => return Err(Error::new("shape", format!("must be [B] or [B, T], got {shape:?}"))),
        };
        if b.checked_mul(steps) != Some(ids.len()) {
            return Err(Error::new("ids", format!("has {} entries, expected {} (shape {shape:?})", ids.len(), b.saturating_mul(steps))));
        }
        let lens = match int(2) {
            None => None,
            Some(_) => Some(super::lengths(ints, 2, b, steps)?),
        };
        let pooling = match int(3) {
            None | Some([0]) => Pooling::None,
            Some([1]) => Pooling::Sum,
            Some([2]) => Pooling::Mean,
            Some([3]) => Pooling::Max,
            Some(p) => return Err(Error::new("pooling", format!("code {p:?} is not one of 0 none, 1 sum, 2 mean, 3 max"))),
        };
        let len = |r: usize| lens.as_ref().map_or(steps, |l| l[r]);
        // Ids read: positions before each row's length (all of them without lengths).
        for r in 0..b {
            for (s, &id) in ids[r * steps..r * steps + len(r)].iter().enumerate() {
                if id < 0 || id as usize >= self.v {
                    let i = r * steps + s;
                    return Err(Error::new("ids", format!("ids[{i}] is {id}, outside the embedding's index range 0..{}", self.v)));
                }
            }
        }
        // Padding ids mark invalid positions only when no lengths are given.
        let pad = if lens.is_none() { self.padding } else { None };
        let e = self.e;
        let row = |id: i32| &self.weight[id as usize * e..(id as usize + 1) * e];

        if pooling == Pooling::None {
            let mut out = vec![0.0f32; b * steps * e];
            par::for_rows(&mut out, (steps * e).max(1), |first, rows| {
                for (i, o) in rows.chunks_exact_mut((steps * e).max(1)).enumerate() {
                    let r = first + i;
                    for (s, &id) in ids[r * steps..r * steps + len(r)].iter().enumerate() {
                        o[s * e..(s + 1) * e].copy_from_slice(row(id));
                    }
                }
            });
            let shape = if seq { vec![b, steps, e] } else { vec![b, e] };
            return Ok(vec![Out { data: out, shape }]);
        }

        let mut out = vec![0.0f32; b * e];
        if e > 0 {
            par::for_rows(&mut out, e, |first, rows| {
                for (i, o) in rows.chunks_exact_mut(e).enumerate() {
                    let r = first + i;
                    let valid = ids[r * steps..r * steps + len(r)].iter().copied().filter(|&id| pad != Some(id as usize));
                    let mut n = 0usize;
                    for id in valid {
                        let w = row(id);
                        match (pooling, n) {
                            (Pooling::Max, 0) => o.copy_from_slice(w),
                            (Pooling::Max, _) => o.iter_mut().zip(w).for_each(|(o, &w)| *o = if w > *o { w } else { *o }),
                            _ => o.iter_mut().zip(w).for_each(|(o, &w)| *o += w),
                        }
                        n += 1;
                    }
                    if pooling == Pooling::Mean && n > 0 {
                        let k = 1.0 / n as f32;
                        o.iter_mut().for_each(|o| *o *= k);
                    }
                }
            });
        }
        Ok(vec![Out { data: out, shape: vec![b, e] }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::layers::mlp::tests::weights;

    /// Rows: id i is [i, 10 − i].
    fn table(padding_idx: Option<i64>) -> Embedding {
        let data: Vec<f32> = (0..5).flat_map(|i| [i as f32, 10.0 - i as f32]).collect();
        Embedding::new(Config { prefix: Some("emb.".into()), padding_idx }, weights(&[("emb.weight", &[5, 2], &data)])).unwrap()
    }

    fn run(l: &Embedding, ids: &[i32], shape: &[i32], lens: Option<&[i32]>, pooling: i32) -> Result<Out> {
        l.forward(&[], &[Some(ids), Some(shape), lens, Some(&[pooling])]).map(|mut o| o.remove(0))
    }

    #[test]
    fn embedding_lookup_and_pooling() {
        let l = table(Some(0));
        let ids = [1, 3, 0, 4, 0, 0];
        let none = run(&l, &ids, &[2, 3], None, 0).unwrap();
        assert_eq!(none.shape, vec![2, 3, 2]);
        assert_eq!(none.data, vec![1.0, 9.0, 3.0, 7.0, 0.0, 10.0, 4.0, 6.0, 0.0, 10.0, 0.0, 10.0]);
        // paddingIdx 0 excludes id 0 from the pools.
        assert_eq!(run(&l, &ids, &[2, 3], None, 1).unwrap().data, vec![4.0, 16.0, 4.0, 6.0]);
        assert_eq!(run(&l, &ids, &[2, 3], None, 2).unwrap().data, vec![2.0, 8.0, 4.0, 6.0]);
        assert_eq!(run(&l, &ids, &[2, 3], None, 3).unwrap().data, vec![3.0, 9.0, 4.0, 6.0]);
        // Lengths take over: id 0 counts inside the length; positions past it are ignored.
        let out = run(&l, &[1, 0, -7, 2, 2, 2], &[2, 3], Some(&[2, 0]), 2).unwrap();
        assert_eq!(out.data, vec![0.5, 9.5, 0.0, 0.0]);
        let out = run(&l, &[1, 0, -7, 2, 2, 2], &[2, 3], Some(&[2, 0]), 0).unwrap();
        assert_eq!(out.data, vec![1.0, 9.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        // Max over negative values, and an all-padding row pools to zeros.
        let neg = Embedding::new(Config { prefix: None, padding_idx: Some(-1) }, weights(&[("weight", &[3, 1], &[-3.0, -1.0, 5.0])])).unwrap();
        assert_eq!(run(&neg, &[0, 1, 2, 2], &[2, 2], None, 3).unwrap().data, vec![-1.0, 0.0]);
        // Shape [B]: a plain lookup.
        let flat = run(&l, &[2, 4], &[2], None, 0).unwrap();
        assert_eq!((flat.shape, flat.data), (vec![2, 2], vec![2.0, 8.0, 4.0, 6.0]));
    }

    #[test]
    fn embedding_rejects_bad_ids() {
        let l = table(None);
        let e = run(&l, &[1, 5], &[2], None, 0).unwrap_err();
        assert_eq!(e.arg, "ids");
        assert!(e.message.contains("index"), "{e:?}");
        assert_eq!(run(&l, &[-1], &[1], None, 1).unwrap_err().arg, "ids");
        assert_eq!(run(&l, &[1, 2, 3], &[2], None, 0).unwrap_err().arg, "ids");
        assert_eq!(run(&l, &[1, 2], &[2, -1], None, 0).unwrap_err().arg, "shape");
        assert_eq!(run(&l, &[1, 2], &[2], None, 7).unwrap_err().arg, "pooling");
        assert_eq!(run(&l, &[1, 2], &[1, 2], Some(&[3]), 1).unwrap_err().arg, "lengths");
        assert!(Embedding::new(Config { prefix: None, padding_idx: Some(9) }, weights(&[("weight", &[2, 1], &[0.0, 1.0])])).is_err());
        assert!(Embedding::new(Config { prefix: None, padding_idx: None }, weights(&[("w", &[2, 1], &[0.0, 1.0])])).is_err());
        assert_eq!(run(&l, &[], &[0, 4], None, 2).unwrap().shape, vec![0, 2]);
    }
}
