//! Metrics by name, as the JavaScript API spells them: what the bootstrap resamples and the
//! sliced report computes per slice. One place parses the names and calls the one-shot
//! functions, so every by-name result equals the function's own.

use crate::metrics::{auc, ctr_metrics, gauc, log_loss, ranking_metrics, EmptyQueries, Gain, GroupWeighting};
use crate::util::Score;
use crate::{Error, Result};

/// The ranking metrics' names, in `ranking_per_query`'s column order.
pub(crate) const RANKING: [&str; 7] = ["precision", "recall", "ndcg", "hitRate", "f1", "map", "mrr"];

/// A metric: `auc`, `gauc`, `logLoss`, `brier`, `calibration`, `normalizedEntropy`, or a
/// ranking metric at K (`ndcg@10`, `recall@5`, `precision@K`, `hitRate@K`, `f1@K`, `map@K`,
/// `mrr@K`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    Auc,
    Gauc,
    LogLoss,
    Brier,
    Calibration,
    NormalizedEntropy,
    Ranking { column: usize, k: usize },
}

/// The metrics' own options.
#[derive(Clone, Copy, Debug)]
pub struct MetricOptions<'a> {
    /// GAUC's group weights: `impressions`, `clicks` or `uniform`.
    pub weighting: &'a str,
    /// Log loss and normalized entropy clip probabilities to `[eps, 1 − eps]`.
    pub eps: f64,
    pub gain: Gain,
    pub empty: EmptyQueries,
}

impl Metric {
    pub fn parse(name: &str) -> Result<Self> {
        let known = || format!("unknown metric {name:?}; known: auc, gauc, logLoss, brier, calibration, normalizedEntropy and {}@K (e.g. ndcg@10)", RANKING.join("@K, "));
        Ok(match name {
            "auc" => Metric::Auc,
            "gauc" => Metric::Gauc,
            "logLoss" => Metric::LogLoss,
            "brier" => Metric::Brier,
            "calibration" => Metric::Calibration,
            "normalizedEntropy" => Metric::NormalizedEntropy,
            _ => {
                let (m, k) = name.split_once('@').ok_or_else(|| Error::new("metric", known()))?;
                let column = RANKING.iter().position(|&r| r == m).ok_or_else(|| Error::new("metric", known()))?;
                let k = Some(k).filter(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit())).and_then(|k| k.parse::<u64>().ok());
                match k {
                    Some(k) if (1..=u32::MAX as u64).contains(&k) => Metric::Ranking { column, k: k as usize },
                    _ => return Err(Error::new("metric", format!("{name:?}: K must be an integer from 1 to 4294967295"))),
                }
            }
        })
    }

    /// Whether the metric takes 0/1 labels (the ranking metrics take relevance ≥ 0).
    pub fn binary(self) -> bool {
        !matches!(self, Metric::Ranking { .. })
    }

    /// Whether the metric takes sample weights.
    pub fn weighted(self) -> bool {
        matches!(self, Metric::LogLoss | Metric::Brier | Metric::Calibration | Metric::NormalizedEntropy)
    }

    /// The metric of the rows: the one-shot function's value. `labels` as the metric takes
    /// them (0/1 for [`Self::binary`] ones: see [`binary`]).
    pub fn evaluate<S: Score>(self, labels: &[f64], scores: &[S], groups: Option<&[u32]>, weights: Option<&[f64]>, o: MetricOptions) -> Result<f64> {
        if weights.is_some() && !self.weighted() {
            return Err(Error::new("weights", "are taken by logLoss, brier, calibration and normalizedEntropy only"));
        }
        if let Metric::Ranking { column, k } = self {
            return Ok(ranking_metrics(labels, scores, groups, &[k], o.gain, o.empty)?.to_vec()[2 + column]);
        }
        let l = binary(labels)?;
        Ok(match self {
            Metric::Auc => auc(&l, scores, None)?,
            Metric::Gauc => {
                let g = groups.ok_or_else(|| Error::new("groups", "are required by gauc"))?;
                gauc(&l, scores, g, GroupWeighting::parse(o.weighting, None)?)?.value
            }
            Metric::LogLoss => log_loss(&l, scores, weights, o.eps)?,
            _ => {
                let (c, _) = ctr_metrics(&l, scores, weights, o.eps)?;
                match self {
                    Metric::Brier => c.brier,
                    Metric::Calibration => c.calibration,
                    _ => c.normalized_entropy,
                }
            }
        })
    }
}

/// 0/1 labels as bytes; anything else is an error naming the index.
pub(crate) fn binary(labels: &[f64]) -> Result<Vec<u8>> {
    labels
        .iter()
        .enumerate()
        .map(|(i, &l)| match l {
            0.0 => Ok(0),
            1.0 => Ok(1),
            _ => Err(Error::new("labels", format!("labels[{i}] is {l}; labels must be 0 or 1"))),
        })
        .collect()
}
