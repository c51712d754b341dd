//! Metrics per slice: the same metrics for each value of a segment column (country, device,
//! app version), with each slice's rows and positives — the breakdown CTR teams read first
//! (TensorFlow Model Analysis' "slicing", TorchRec's per-task metrics).
//!
//! The rows are ordered by slice once (a stable radix sort, util's `sort_by_group`), then each
//! slice's rows, in their input order, go to the one-shot functions ([`Metric::evaluate`]):
//! a slice's values equal the function on that slice's rows, ties and all.

use crate::metrics::groups::{first_appearance, runs, sort_by_group, Grouped};
use crate::metrics::named::{Metric, MetricOptions};
use crate::util::scratch::Plain;
use crate::util::{check, Score};
use crate::{Error, Result};

/// One slice's numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Slice {
    /// The slice's id (the `slices` value).
    pub slice: u32,
    pub rows: usize,
    /// Rows with a label > 0.
    pub positives: usize,
    /// Each metric's value, in the order asked for.
    pub values: Vec<f64>,
}

#[derive(Clone, Copy, Default)]
struct Row {
    index: u32,
    slice: u32,
}
// SAFETY: two integers.
unsafe impl Plain for Row {}
impl Grouped for Row {
    fn group(&self) -> u32 {
        self.slice
    }
}

/// `metrics` per value of `slices`, slices in order of first appearance (their rows in input
/// order). A slice where a metric is undefined gets NaN there (one class only for AUC, no
/// two-class group for GAUC), as the function gives; bad arguments are errors, as for the whole
/// input.
pub fn sliced<S: Score>(
    metrics: &[Metric],
    labels: &[f64],
    scores: &[S],
    slices: &[u32],
    groups: Option<&[u32]>,
    weights: Option<&[f64]>,
    o: MetricOptions,
) -> Result<Vec<Slice>> {
    check::same_length("scores", scores.len(), labels.len())?;
    check::same_length("slices", slices.len(), labels.len())?;
    if let Some(g) = groups {
        check::same_length("groups", g.len(), labels.len())?;
    }
    if let Some(w) = weights {
        check::same_length("weights", w.len(), labels.len())?;
    }
    if metrics.is_empty() {
        return Err(Error::new("metrics", "is empty; name at least one metric"));
    }
    if labels.len() > u32::MAX as usize {
        return Err(Error::new("labels", "has more than 2^32 − 1 rows"));
    }
    let rows = sort_by_group(slices, |i| Row { index: i as u32, slice: slices[i] });
    let spans = runs(&rows);
    let ids: Vec<u32> = spans.iter().map(|&(a, _)| rows[a].slice).collect();
    let (mut l, mut s, mut g, mut w) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    first_appearance(slices, &ids)
        .map(|u| {
            let (a, b) = spans[u];
            let at = || rows[a..b].iter().map(|r| r.index as usize);
            l.clear();
            l.extend(at().map(|i| labels[i]));
            s.clear();
            s.extend(at().map(|i| scores[i]));
            if let Some(groups) = groups {
                g.clear();
                g.extend(at().map(|i| groups[i]));
            }
            if let Some(weights) = weights {
                w.clear();
                w.extend(at().map(|i| weights[i]));
            }
            let values = metrics
                .iter()
                .map(|m| m.evaluate(&l, &s, groups.map(|_| &g[..]), weights.map(|_| &w[..]), o))
                .collect::<Result<Vec<f64>>>()?;
            Ok(Slice { slice: ids[u], rows: b - a, positives: l.iter().filter(|&&x| x > 0.0).count(), values })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{auc, EmptyQueries, Gain};

    const O: MetricOptions = MetricOptions { weighting: "impressions", eps: 1e-15, gain: Gain::Linear, empty: EmptyQueries::Zero };

    #[test]
    fn each_slice_equals_the_metric_on_its_rows() {
        let labels = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0];
        let scores = [0.9, 0.2, 0.4, 0.6, 0.1, 0.8, 0.3, 0.35, 0.5];
        let slices = [7, 3, 7, 3, 7, 3, 9, 9, 7];
        let metrics = [Metric::parse("auc").unwrap(), Metric::parse("logLoss").unwrap()];
        let r = sliced(&metrics, &labels, &scores, &slices, None, None, O).unwrap();
        assert_eq!(r.iter().map(|s| (s.slice, s.rows, s.positives)).collect::<Vec<_>>(), [(7, 4, 2), (3, 3, 1), (9, 2, 1)]);
        // Slice 7: rows 0, 2, 4, 8.
        let seven = auc(&[1, 1, 0, 0], &[0.9, 0.4, 0.1, 0.5], None).unwrap();
        assert_eq!(r[0].values[0], seven);
        assert_eq!(r[2].values[0], 0.0); // slice 9: its positive scores below its negative
        assert!(sliced(&metrics, &labels, &scores, &[0; 9], None, None, O).unwrap()[0].values[1] > 0.0);
        assert_eq!(sliced(&metrics, &labels, &scores, &[0; 8], None, None, O).unwrap_err().arg, "slices");
        assert_eq!(sliced(&[], &labels, &scores, &slices, None, None, O).unwrap_err().arg, "metrics");
    }
}
