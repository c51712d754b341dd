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

export interface NaiveRanking {
  precision: number;
  recall: number;
  ndcg: number;
  hitRate: number;
  f1: number;
  map: number;
  mrr: number;
  queries: number;
  emptyQueries: number;
}

/**
 * Ranking metrics @K by their definitions (REFERENCE.md), one query at a time: a stable sort
 * by score descending (ties keep input order), then the formulas term by term.
 */
export function naiveRanking(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  groups: ArrayLike<unknown> | undefined,
  k: number,
  options: { gain?: 'linear' | 'exponential'; emptyQueries?: 'zero' | 'skip' } = {},
): NaiveRanking {
  const gain = options.gain === 'exponential' ? (r: number) => 2 ** r - 1 : (r: number) => r;
  const byQuery = new Map<unknown, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const q = groups ? groups[i] : 0;
    if (!byQuery.has(q)) byQuery.set(q, []);
    byQuery.get(q)!.push(i);
  }
  const sum = { precision: 0, recall: 0, ndcg: 0, hitRate: 0, f1: 0, map: 0, mrr: 0 };
  let empty = 0;
  for (const rows of byQuery.values()) {
    const ranked = [...rows].sort((a, b) => scores[b] - scores[a]).map((i) => labels[i]);
    const R = ranked.filter((r) => r > 0).length;
    if (R === 0) {
      empty++;
      continue;
    }
    const top = ranked.slice(0, k);
    const hits = top.filter((r) => r > 0).length;
    const precision = hits / k;
    const recall = hits / R;
    const dcg = (rels: number[]) => rels.reduce((s, r, i) => s + gain(r) / Math.log2(i + 2), 0);
    const ideal = [...ranked].sort((a, b) => b - a).slice(0, k);
    let ap = 0;
    for (let i = 1; i <= top.length; i++) if (top[i - 1] > 0) ap += top.slice(0, i).filter((r) => r > 0).length / i;
    const first = top.findIndex((r) => r > 0);
    sum.precision += precision;
    sum.recall += recall;
    sum.ndcg += dcg(top) / dcg(ideal);
    sum.hitRate += hits > 0 ? 1 : 0;
    sum.f1 += hits > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    sum.map += ap / Math.min(k, R);
    sum.mrr += first >= 0 ? 1 / (first + 1) : 0;
  }
  const n = options.emptyQueries === 'skip' ? byQuery.size - empty : byQuery.size;
  const mean = Object.fromEntries(Object.entries(sum).map(([m, v]) => [m, n > 0 ? v / n : NaN]));
  return { ...(mean as typeof sum), queries: byQuery.size, emptyQueries: empty };
}
