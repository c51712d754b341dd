/**
 * Intersection over union of axis-aligned boxes `[x1, y1, x2, y2]`
 * (crates/core/src/metrics/boxes.rs).
 */
import { run } from '../backends/call.js';
import { toWeights } from '../arguments.js';

export interface IouOptions {
  /** Added to each width and height: 0 for continuous coordinates (torchvision, default), 1 for
   * the Pascal VOC devkit's inclusive pixel indices. */
  offset?: 0 | 1;
}

function flat(name: string, boxes: unknown): Float64Array {
  const xs = Array.isArray(boxes) && Array.isArray(boxes[0]) ? (boxes as number[][]).flat() : boxes;
  return toWeights(name, xs, (xs as ArrayLike<number>)?.length);
}

/** IoU of two boxes: `|A ∩ B| / |A ∪ B|`; disjoint → 0; two empty boxes → NaN. */
export function iou(boxA: ArrayLike<number>, boxB: ArrayLike<number>, options: IouOptions = {}): number {
  const [a, b] = [flat('boxesA', boxA), flat('boxesB', boxB)];
  if (a.length !== 4 || b.length !== 4) throw new RangeError('boxesA: iou takes two boxes of 4 numbers; use boxIou for many');
  return boxIou(a, b, options)[0];
}

/**
 * IoU of every box of `boxesA` (N boxes: N×4 numbers, flat or as arrays of 4) with every box of
 * `boxesB` (M boxes), row-major N × M, as torchvision's `box_iou`.
 * @throws {RangeError} for a length not a multiple of 4, non-finite coordinates, x2 < x1 or y2 < y1.
 */
export function boxIou(boxesA: ArrayLike<number> | number[][], boxesB: ArrayLike<number> | number[][], options: IouOptions = {}): Float64Array {
  return run('boxIou', [flat('boxesA', boxesA), flat('boxesB', boxesB), options.offset ?? 0]);
}
