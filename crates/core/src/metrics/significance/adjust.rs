//! Adjusted p-values for several comparisons at once.

use crate::util::check;
use crate::{Error, Result};

/// A family-wise error correction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PAdjust {
    /// `min(1, m·pᵢ)`.
    Bonferroni,
    /// Holm's step-down (Holm 1979, "A simple sequentially rejective multiple test procedure").
    Holm,
}

impl PAdjust {
    /// `"bonferroni"` or `"holm"`, as the JavaScript API spells them.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "bonferroni" => Ok(PAdjust::Bonferroni),
            "holm" => Ok(PAdjust::Holm),
            other => Err(Error::new("method", format!("unknown correction {other:?}; expected 'holm' or 'bonferroni'"))),
        }
    }
}

/// Adjusted p-values of m comparisons, in the order given, as statsmodels 0.15's
/// `multipletests(p_values, method='holm' | 'bonferroni')[1]`, to the bit.
///
/// **Definitions.** Bonferroni: `min(1, m·pᵢ)`. Holm: with `p_(1) ≤ … ≤ p_(m)` sorted
/// ascending, `p̃_(k) = min(1, max_{j ≤ k} (m − j + 1)·p_(j))`; the running maximum makes the
/// adjusted values monotone in the raw ones, so a comparison is rejected at level α exactly
/// when Holm's procedure rejects it. Tied raw p-values get equal adjusted ones. Holm is never
/// above Bonferroni and controls the same family-wise error rate, so prefer it.
///
/// **Edge cases.** No p-values: an empty result. Each p must be in [0, 1] (NaN is an error).
pub fn adjust_p_values(p_values: &[f64], method: PAdjust) -> Result<Vec<f64>> {
    check::in_unit("pValues", p_values, "p-values")?;
    let m = p_values.len();
    if method == PAdjust::Bonferroni {
        return Ok(p_values.iter().map(|&p| (p * m as f64).min(1.0)).collect());
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
    let mut out = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(p_values[i] * (m - rank) as f64);
        out[i] = running.min(1.0);
    }
    Ok(out)
}
