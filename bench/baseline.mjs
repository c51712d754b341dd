// The hand-written JavaScript a user would otherwise write: sort indices by score, sum the
// (mid)ranks of the positives (Mann–Whitney U). GAUC: a Map from group to its rows.

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
