// The plain JavaScript a user would otherwise write for the losses and ops reckit times in
// bench/losses.mjs: one loop over the rows, f64 arithmetic (JS numbers) with Math.exp,
// Math.log and Math.log1p, stable softplus max(x, 0) + log1p(exp(−|x|)), and the gradient
// written into a Float32Array as the loop goes. Every loss is reduction 'mean' (sum of the
// rows / rows) and returns { value, grad }, grad = d(value)/d(predictions), with the same
// definitions as reckit (/tmp/spec.md, ts/src/train/losses.ts): torch.clamp's rule at kinks (the
// gradient passes at exactly 0), zero gradient where a probability clip binds.

const softplus = (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const sign = (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
const clamp = (x, lo, hi) => Math.min(Math.max(x, lo), hi);

// --- Pointwise losses: one row per element. ---

export function jsMae(y, p) {
  const n = p.length, s = 1 / n, grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - y[i];
    sum += Math.abs(d);
    grad[i] = sign(d) * s;
  }
  return { value: sum * s, grad };
}

export function jsMse(y, p) {
  const n = p.length, s = 1 / n, grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - y[i];
    sum += d * d;
    grad[i] = 2 * d * s;
  }
  return { value: sum * s, grad };
}

export function jsHuber(y, p, delta = 1) {
  const n = p.length, s = 1 / n, grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - y[i], a = Math.abs(d);
    if (a < delta) {
      sum += 0.5 * d * d;
      grad[i] = d * s;
    } else {
      sum += delta * (a - 0.5 * delta);
      grad[i] = delta * sign(d) * s;
    }
  }
  return { value: sum * s, grad };
}

export function jsBce(y, p, eps = 1e-15) {
  const n = p.length, s = 1 / n, grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i], q = clamp(p[i], eps, 1 - eps);
    // 0·ln(·) = 0, as torch.xlogy.
    sum -= (t > 0 ? t * Math.log(q) : 0) + (t < 1 ? (1 - t) * Math.log(1 - q) : 0);
    grad[i] = q === p[i] ? ((1 - t) / (1 - q) - t / q) * s : 0;
  }
  return { value: sum * s, grad };
}

export function jsBceWithLogits(y, x) {
  const n = x.length, s = 1 / n, grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i], t = y[i];
    sum += Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
    grad[i] = (sigmoid(v) - t) * s;
  }
  return { value: sum * s, grad };
}

/**
 * Focal loss a·(1 − pt)^γ·ce, pt = p·y + (1 − p)(1 − y), a = α (not balanced). Probabilities
 * are clipped to [eps, 1 − eps] (gradient 0 where the clip binds); logits use p = σ(x),
 * 1 − p = σ(−x) and the softplus form of ce.
 */
export function jsFocal(y, x, { alpha = 0.25, gamma = 2, eps = 1e-15, logits = false } = {}) {
  const n = x.length, s = 1 / n, grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i], v = x[i];
    let p, q, ce, dce, dp; // p, 1 − p, ce, d ce/d x, d p/d x
    if (logits) {
      p = sigmoid(v);
      q = 1 / (1 + Math.exp(v));
      ce = Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
      dce = p - t;
      dp = p * q;
    } else {
      p = clamp(v, eps, 1 - eps);
      q = 1 - p;
      const inside = p === v;
      ce = -((t > 0 ? t * Math.log(p) : 0) + (t < 1 ? (1 - t) * Math.log(q) : 0));
      dce = inside ? (1 - t) / q - t / p : 0;
      dp = inside ? 1 : 0;
    }
    const u = q * t + p * (1 - t); // 1 − pt; d u/d p = 1 − 2y
    const w = Math.pow(u, gamma);
    const dw = gamma === 0 || u === 0 ? 0 : gamma * Math.pow(u, gamma - 1);
    sum += alpha * w * ce;
    grad[i] = alpha * (dw * (1 - 2 * t) * dp * ce + w * dce) * s;
  }
  return { value: sum * s, grad };
}

/** max(0, margin − y·s), labels ±1 (0 read as −1); gradient −y where margin − y·s ≥ 0. */
export function jsHinge(labels, scores, margin = 1) {
  const n = scores.length, s = 1 / n, grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i] === 0 ? -1 : labels[i];
    const m = margin - y * scores[i];
    if (m >= 0) {
      sum += m;
      grad[i] = -y * s;
    }
  }
  return { value: sum * s, grad };
}

export function jsBpr(pos, neg) {
  const n = pos.length, s = 1 / n, gPos = new Float32Array(n), gNeg = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = neg[i] - pos[i];
    sum += softplus(d);
    const g = sigmoid(d) * s;
    gPos[i] = -g;
    gNeg[i] = g;
  }
  return { value: sum * s, grad: { pos: gPos, neg: gNeg } };
}

/** ½(y·d² + (1 − y)·max(0, m − d)²) from distances (half: true, the default). */
export function jsContrastive(labels, dist, margin = 1) {
  const n = dist.length, s = 1 / n, grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i], d = dist[i], h = Math.max(margin - d, 0);
    sum += 0.5 * (y * d * d + (1 - y) * h * h);
    grad[i] = (y * d - (1 - y) * h) * s;
  }
  return { value: sum * s, grad };
}

/** max(0, dPos − dNeg + margin); gradients ±1 where active, including exactly at 0. */
export function jsTriplet(dPos, dNeg, margin = 1) {
  const n = dPos.length, s = 1 / n, gPos = new Float32Array(n), gNeg = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const m = dPos[i] - dNeg[i] + margin;
    if (m >= 0) {
      sum += m;
      gPos[i] = s;
      gNeg[i] = -s;
    }
  }
  return { value: sum * s, grad: { pos: gPos, neg: gNeg } };
}

// --- Row losses: one row per sample. ---

/** −log_softmax(x)[class] per row of C logits; gradient softmax(x) − onehot. */
export function jsSoftmaxCrossEntropy(ids, logits, C) {
  const rows = ids.length, s = 1 / rows, grad = new Float32Array(logits.length);
  const e = new Float64Array(C); // one row's e^(x − max)
  let sum = 0;
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[o + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += e[c] = Math.exp(logits[o + c] - m);
    const t = ids[r];
    sum += Math.log(z) - (logits[o + t] - m);
    for (let c = 0; c < C; c++) grad[o + c] = (e[c] / z - (c === t ? 1 : 0)) * s;
  }
  return { value: sum * s, grad };
}

/** softplus(−pos) + Σ_j softplus(neg_j) per row; neg is rows × K. */
export function jsNce(pos, neg) {
  const rows = pos.length, K = neg.length / rows, s = 1 / rows;
  const gPos = new Float32Array(rows), gNeg = new Float32Array(neg.length);
  let sum = 0;
  for (let r = 0, o = 0; r < rows; r++, o += K) {
    sum += softplus(-pos[r]);
    gPos[r] = -sigmoid(-pos[r]) * s;
    for (let j = o; j < o + K; j++) {
      sum += softplus(neg[j]);
      gNeg[j] = sigmoid(neg[j]) * s;
    }
  }
  return { value: sum * s, grad: { pos: gPos, neg: gNeg } };
}

/** −log_softmax([pos, neg…]/τ)₀ per row; gradients (softmax₀ − 1)/τ and softmax_j/τ. */
export function jsInfoNce(pos, neg, temperature = 1) {
  const rows = pos.length, K = neg.length / rows, s = 1 / rows, tau = temperature;
  const gPos = new Float32Array(rows), gNeg = new Float32Array(neg.length);
  let sum = 0;
  for (let r = 0, o = 0; r < rows; r++, o += K) {
    let m = pos[r];
    for (let j = o; j < o + K; j++) m = Math.max(m, neg[j]);
    const zp = (pos[r] - m) / tau;
    let z = Math.exp(zp);
    for (let j = o; j < o + K; j++) z += Math.exp((neg[j] - m) / tau);
    sum += Math.log(z) - zp;
    gPos[r] = (Math.exp(zp) / z - 1) / tau * s;
    for (let j = o; j < o + K; j++) gNeg[j] = Math.exp((neg[j] - m) / tau) / z / tau * s;
  }
  return { value: sum * s, grad: { pos: gPos, neg: gNeg } };
}

/** Σ pc·ln(pc/qc) per row of `size`, both clipped to [eps, 1 − eps]; mean over rows (batchmean). */
export function jsKlDiv(p, q, size, eps = 1e-15) {
  const rows = p.length / size, s = 1 / rows, grad = new Float32Array(q.length);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const pc = clamp(p[i], eps, 1 - eps), qc = clamp(q[i], eps, 1 - eps);
    sum += pc * Math.log(pc / qc);
    grad[i] = qc === q[i] ? (-pc / qc) * s : 0;
  }
  return { value: sum * s, grad };
}

/** Contrastive loss from embedding pairs (rows × dim), d = ‖x1 − x2‖; gradient 0 where d = 0. */
export function jsContrastiveEmbeddings(labels, x1, x2, dim, margin = 1) {
  const rows = labels.length, s = 1 / rows;
  const g1 = new Float32Array(x1.length), g2 = new Float32Array(x2.length);
  let sum = 0;
  for (let r = 0, o = 0; r < rows; r++, o += dim) {
    let d2 = 0;
    for (let j = o; j < o + dim; j++) d2 += (x1[j] - x2[j]) ** 2;
    const d = Math.sqrt(d2), y = labels[r], h = Math.max(margin - d, 0);
    sum += 0.5 * (y * d * d + (1 - y) * h * h);
    if (d > 0) {
      const k = ((y * d - (1 - y) * h) / d) * s;
      for (let j = o; j < o + dim; j++) {
        const v = k * (x1[j] - x2[j]);
        g1[j] = v;
        g2[j] = -v;
      }
    }
  }
  return { value: sum * s, grad: { x1: g1, x2: g2 } };
}

/** max(0, ‖a − p‖ − ‖a − n‖ + margin) per row of `dim` (rows × dim embeddings). */
export function jsTripletEmbeddings(anchor, positive, negative, dim, margin = 1) {
  const rows = anchor.length / dim, s = 1 / rows;
  const ga = new Float32Array(anchor.length), gp = new Float32Array(anchor.length), gn = new Float32Array(anchor.length);
  let sum = 0;
  for (let r = 0, o = 0; r < rows; r++, o += dim) {
    let dp2 = 0, dn2 = 0;
    for (let j = o; j < o + dim; j++) {
      dp2 += (anchor[j] - positive[j]) ** 2;
      dn2 += (anchor[j] - negative[j]) ** 2;
    }
    const dp = Math.sqrt(dp2), dn = Math.sqrt(dn2), m = dp - dn + margin;
    if (m < 0) continue;
    sum += m;
    const kp = dp > 0 ? s / dp : 0, kn = dn > 0 ? s / dn : 0;
    for (let j = o; j < o + dim; j++) {
      const up = (anchor[j] - positive[j]) * kp, un = (anchor[j] - negative[j]) * kn;
      ga[j] = up - un;
      gp[j] = -up;
      gn[j] = un;
    }
  }
  return { value: sum * s, grad: { anchor: ga, positive: gp, negative: gn } };
}

// --- Ops: Float32Array in, Float32Array out, over rows of `size`. ---

export function jsSoftmax(x, size) {
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += size) {
    let m = -Infinity;
    for (let j = o; j < o + size; j++) m = Math.max(m, x[j]);
    let z = 0;
    for (let j = o; j < o + size; j++) z += out[j] = Math.exp(x[j] - m);
    const k = 1 / z;
    for (let j = o; j < o + size; j++) out[j] *= k;
  }
  return out;
}

export function jsLogSoftmax(x, size) {
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += size) {
    let m = -Infinity;
    for (let j = o; j < o + size; j++) m = Math.max(m, x[j]);
    let z = 0;
    for (let j = o; j < o + size; j++) z += Math.exp(x[j] - m);
    const lz = Math.log(z);
    for (let j = o; j < o + size; j++) out[j] = x[j] - m - lz;
  }
  return out;
}

/** nn.LayerNorm over rows of `size`: biased variance (two passes), then weight and bias. */
export function jsLayerNorm(x, size, weight, bias, eps = 1e-5) {
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += size) {
    let mean = 0;
    for (let j = o; j < o + size; j++) mean += x[j];
    mean /= size;
    let v = 0;
    for (let j = o; j < o + size; j++) v += (x[j] - mean) ** 2;
    const rstd = 1 / Math.sqrt(v / size + eps);
    for (let j = 0; j < size; j++) out[o + j] = (x[o + j] - mean) * rstd * weight[j] + bias[j];
  }
  return out;
}

export function jsSigmoid(x) {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  return out;
}

/** x / max(‖x‖₂, eps) over rows of `size` (F.normalize). */
export function jsL2Normalize(x, size, eps = 1e-12) {
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += size) {
    let s2 = 0;
    for (let j = o; j < o + size; j++) s2 += x[j] * x[j];
    const k = 1 / Math.max(Math.sqrt(s2), eps);
    for (let j = o; j < o + size; j++) out[j] = x[j] * k;
  }
  return out;
}
