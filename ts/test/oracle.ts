/** Plain definitions the kernels are checked against: slow, obvious, written from the formulas. */

/** AUC by its definition: all positive × negative pairs, ties ½, pair weight w⁺·w⁻. */
export function pairwiseAuc(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      const w = weights ? weights[i] * weights[j] : 1;
      den += w;
      num += w * (scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0);
    }
  }
  return den === 0 ? NaN : num / den;
}

/** GAUC by its definition: per group (in any order), skip single-class groups, weighted mean. */
export function naiveGauc(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  groups: ArrayLike<unknown>,
  weight: (rows: number, positives: number, id: unknown) => number,
): { value: number; groups: number; skippedGroups: number } {
  const byGroup = new Map<unknown, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byGroup.get(groups[i]) ?? [];
    rows.push(i);
    byGroup.set(groups[i], rows);
  }
  let num = 0;
  let den = 0;
  let used = 0;
  for (const [id, rows] of byGroup) {
    const l = rows.map((i) => labels[i]);
    const positives = l.filter((x) => x === 1).length;
    if (positives === 0 || positives === rows.length) continue;
    const w = weight(rows.length, positives, id);
    num += w * pairwiseAuc(l, rows.map((i) => scores[i]));
    den += w;
    used++;
  }
  return { value: used === 0 || den === 0 ? NaN : num / den, groups: used, skippedGroups: byGroup.size - used };
}

/** A small seeded generator (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}
