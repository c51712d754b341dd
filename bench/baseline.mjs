// The hand-written JavaScript a user would otherwise write: sort indices by score, sum the
// (mid)ranks of the positives (Mann–Whitney U); walk the sorted scores for the ROC curve.
// GAUC and ranking: a Map from group (query) to its rows.

export function jsAuc(labels, scores) {
  const n = labels.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const midrank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]] === 1) {
        rankSum += midrank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function jsGauc(labels, scores, groups) {
  const rows = new Map();
  for (let i = 0; i < labels.length; i++) {
    const list = rows.get(groups[i]);
    if (list) list.push(i);
    else rows.set(groups[i], [i]);
  }
  let num = 0;
  let den = 0;
  for (const list of rows.values()) {
    const l = Uint8Array.from(list, (i) => labels[i]);
    const s = Float64Array.from(list, (i) => scores[i]);
    let p = 0;
    for (const x of l) p += x;
    if (p === 0 || p === l.length) continue;
    num += l.length * jsAuc(l, s);
    den += l.length;
  }
  return num / den;
}

/** The ROC curve as sklearn's roc_curve(drop_intermediate=False): origin at +∞, then one point per distinct score. */
export function jsRocCurve(labels, scores) {
  const n = labels.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  const negatives = n - positives;
  const fpr = new Float64Array(n + 1);
  const tpr = new Float64Array(n + 1);
  const thresholds = new Float64Array(n + 1);
  thresholds[0] = Infinity;
  let tp = 0;
  let fp = 0;
  let m = 1;
  for (let i = 0; i < n; m++) {
    const s = scores[idx[i]];
    for (; i < n && scores[idx[i]] === s; i++) {
      if (labels[idx[i]] === 1) tp++;
      else fp++;
    }
    fpr[m] = fp / negatives;
    tpr[m] = tp / positives;
    thresholds[m] = s;
  }
  return { fpr: fpr.slice(0, m), tpr: tpr.slice(0, m), thresholds: thresholds.slice(0, m) };
}

/**
 * Precision, recall, NDCG (linear gain), hit rate, F1, MAP and MRR at each K, means over
 * queries; a query without relevant items counts 0. Items ranked by score, ties by position.
 */
export function jsRanking(labels, scores, groups, ks) {
  const rows = new Map();
  for (let i = 0; i < labels.length; i++) {
    const list = rows.get(groups[i]);
    if (list) list.push(i);
    else rows.set(groups[i], [i]);
  }
  const sums = ks.map(() => ({ precision: 0, recall: 0, ndcg: 0, hitRate: 0, f1: 0, map: 0, mrr: 0 }));
  let emptyQueries = 0;
  for (const list of rows.values()) {
    list.sort((a, b) => scores[b] - scores[a] || a - b);
    const rel = list.map((i) => labels[i]);
    const relevant = rel.filter((g) => g > 0).length;
    if (relevant === 0) {
      emptyQueries++;
      continue;
    }
    const ideal = [...rel].sort((a, b) => b - a);
    ks.forEach((k, j) => {
      let hits = 0, dcg = 0, idcg = 0, ap = 0, rr = 0;
      for (let i = 0; i < Math.min(k, rel.length); i++) {
        if (rel[i] > 0) {
          hits++;
          ap += hits / (i + 1);
          if (rr === 0) rr = 1 / (i + 1);
        }
        dcg += rel[i] / Math.log2(i + 2);
        idcg += ideal[i] / Math.log2(i + 2);
      }
      const p = hits / k;
      const r = hits / relevant;
      const s = sums[j];
      s.precision += p;
      s.recall += r;
      s.ndcg += dcg / idcg;
      s.hitRate += hits > 0 ? 1 : 0;
      s.f1 += p + r > 0 ? (2 * p * r) / (p + r) : 0;
      s.map += ap / Math.min(k, relevant);
      s.mrr += rr;
    });
  }
  const mean = (s) => Object.fromEntries(Object.entries(s).map(([m, v]) => [m, v / rows.size]));
  return { queries: rows.size, emptyQueries, at: Object.fromEntries(ks.map((k, j) => [k, mean(sums[j])])) };
}
