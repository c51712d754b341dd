//! Intersection over union of axis-aligned boxes.

use crate::{Error, Result};

/// IoU of every box in `a` with every box in `b` (torchvision's `box_iou`), row-major `N × M`.
///
/// **Definition.** Boxes are `[x1, y1, x2, y2]` with `x1 ≤ x2`, `y1 ≤ y2`, flattened 4 numbers
/// per box. `IoU = |A ∩ B| / (|A| + |B| − |A ∩ B|)`, the width of a box being `x2 − x1 + offset`
/// (and its height likewise): `offset = 0` for continuous coordinates (torchvision, the
/// default), `offset = 1` for the Pascal VOC devkit's inclusive pixel indices.
///
/// **Edge cases.** Disjoint boxes: 0. Two boxes of zero area (zero union): NaN, as torchvision.
/// A length not a multiple of 4, a non-finite coordinate or `x2 < x1`/`y2 < y1`: error.
///
/// Reference: Everingham et al. (2010), "The Pascal Visual Object Classes (VOC) challenge";
/// torchvision `ops.box_iou`.
pub fn box_iou(a: &[f64], b: &[f64], offset: f64) -> Result<Vec<f64>> {
    check_boxes("boxesA", a)?;
    check_boxes("boxesB", b)?;
    if !(offset == 0.0 || offset == 1.0) {
        return Err(Error::new("offset", format!("is {offset}; it must be 0 or 1")));
    }
    let area = |x: &[f64]| (x[2] - x[0] + offset) * (x[3] - x[1] + offset);
    let pairs = crate::util::alloc::product("boxesB", &[a.len() / 4, b.len() / 4])?;
    let mut out = crate::util::alloc::with_capacity("boxesB", pairs)?;
    for x in a.chunks_exact(4) {
        for y in b.chunks_exact(4) {
            let w = (x[2].min(y[2]) - x[0].max(y[0]) + offset).max(0.0);
            let h = (x[3].min(y[3]) - x[1].max(y[1]) + offset).max(0.0);
            let inter = w * h;
            out.push(inter / (area(x) + area(y) - inter));
        }
    }
    Ok(out)
}

fn check_boxes(arg: &'static str, boxes: &[f64]) -> Result<()> {
    if boxes.len() % 4 != 0 {
        return Err(Error::new(arg, format!("has {} numbers; boxes are 4 numbers each [x1, y1, x2, y2]", boxes.len())));
    }
    for (i, x) in boxes.chunks_exact(4).enumerate() {
        if !x.iter().all(|v| v.is_finite()) || x[2] < x[0] || x[3] < x[1] {
            return Err(Error::new(arg, format!("box {i} is {x:?}; coordinates must be finite with x1 <= x2 and y1 <= y2")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_voc_iou_and_torchvision_form() {
        // The Pascal VOC devkit's inclusive pixels: [0,0,9,9] vs [5,5,14,14]:
        // 5×5 / (100 + 100 − 25).
        assert_eq!(box_iou(&[0.0, 0.0, 9.0, 9.0], &[5.0, 5.0, 14.0, 14.0], 1.0).unwrap(), [25.0 / 175.0]);
        let m = box_iou(&[0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 1.0, 1.0], &[1.0, 1.0, 3.0, 3.0, 5.0, 5.0, 6.0, 6.0], 0.0).unwrap();
        assert_eq!(m, [1.0 / 7.0, 0.0, 0.0, 0.0]);
        assert!(box_iou(&[1.0, 1.0, 1.0, 1.0], &[1.0, 1.0, 1.0, 1.0], 0.0).unwrap()[0].is_nan());
        assert_eq!(box_iou(&[0.0, 0.0, -1.0, 1.0], &[], 0.0).unwrap_err().arg, "boxesA");
    }
}
