// The bench's data and timer, shared by the Node run and the browser page.

/** n rows: 10% positives, f64 scores from a noisy logistic model, min(1e5, n/10) groups. */
export function data(n, seed = 1) {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  const groups = new Uint32Array(n);
  const nGroups = Math.min(1e5, n / 10);
  for (let i = 0; i < n; i++) {
    labels[i] = random() < 0.1 ? 1 : 0;
    scores[i] = 1 / (1 + Math.exp(-(labels[i] + 3 * (random() - 0.5))));
    groups[i] = Math.floor(random() * nGroups);
  }
  return { labels, scores, groups, nGroups };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of up to `reps` runs (at least 3; fewer repetitions once 6 s have been spent). */
export function time(fn, reps) {
  const times = [];
  let value;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    value = fn();
    times.push(performance.now() - t);
    if (r >= 2 && times.reduce((a, b) => a + b) > 6000) break;
  }
  return { ms: median(times), runs: times.length, value };
}

/** `time` for a function returning a promise. */
export async function timeAsync(fn, reps) {
  const times = [];
  let value;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    value = await fn();
    times.push(performance.now() - t);
    if (r >= 2 && times.reduce((a, b) => a + b) > 6000) break;
  }
  return { ms: median(times), runs: times.length, value };
}
