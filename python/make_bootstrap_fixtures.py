"""Oracle fixtures for reckit's bootstrap: every resample recomputed by scikit-learn / NumPy.

    python3 python/make_bootstrap_fixtures.py   (npm run fixtures runs it)

Writes ts/test/fixtures/bootstrap.json. reckit's bootstrap (crates/core/src/metrics/bootstrap.rs)
documents its random streams, so they are rebuilt here from their definitions, in Python
integers: SplitMix64 seeding and xoshiro256++ (Blackman & Vigna, https://prng.di.unimi.it/,
with its published jump polynomial), stream b = b jumps after stream 0, Lemire's bounded
integers with rejection, Poisson(1) counts by inversion of 32-bit draws. Each resample's counts then go to
scikit-learn as `sample_weight` (AUC, log loss) or weight the per-group AUCs and per-query
metrics (GAUC, NDCG@K), and the intervals come from np.percentile and SciPy's BCa formulas
(scipy.stats._resampling's bias correction and jackknife acceleration). The tests compare
every resample's value and both interval bounds on every backend.
"""
import json
import math
from pathlib import Path

import numpy as np
from scipy.special import ndtr, ndtri
from sklearn.metrics import log_loss, ndcg_score, roc_auc_score

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures" / "bootstrap.json"
MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256pp:
    JUMP = (0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C)

    def __init__(self, seed):
        state, self.s = seed, []
        for _ in range(4):
            state, z = splitmix64(state)
            self.s.append(z)

    def next(self):
        s = self.s
        result = (rotl((s[0] + s[3]) & MASK, 23) + s[0]) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def jump(self):
        acc = [0, 0, 0, 0]
        for word in self.JUMP:
            for b in range(64):
                if word & (1 << b):
                    acc = [a ^ x for a, x in zip(acc, self.s)]
                self.next()
        self.s = acc

    def copy(self):
        c = Xoshiro256pp.__new__(Xoshiro256pp)
        c.s = list(self.s)
        c.spare = None
        return c

    def below(self, n):
        m = self.next() * n
        if m & MASK < n:
            threshold = (-n % (1 << 64)) % n
            while m & MASK < threshold:
                m = self.next() * n
        return m >> 64

    def poisson1(self):
        # Two 32-bit draws per output, high half first.
        if getattr(self, "spare", None) is not None:
            u, self.spare = self.spare, None
        else:
            x = self.next()
            u, self.spare = x >> 32, x & 0xFFFFFFFF
        k = 0
        while k < len(POISSON1) and u >= POISSON1[k]:
            k += 1
        return k


def poisson1_table():
    # e^-1/k! summed in 120-bit fixed point, cut to 32 bits (as util/rng.rs does).
    term, total, table = 488995652278791141083010649602151673, 0, []
    for k in range(13):
        total += term
        table.append(min(total >> 88, 0xFFFFFFFF))
        term //= k + 1
    return table


POISSON1 = poisson1_table()


def streams(seed, count):
    state, out = Xoshiro256pp(seed), []
    for _ in range(count):
        out.append(state.copy())
        state.jump()
    return out


def counts_multinomial(stream, classes, n):
    """Counts per row: each class (a list of row indexes) drawn len(class) times."""
    c = np.zeros(n)
    for cls in classes:
        for _ in range(len(cls)):
            c[cls[stream.below(len(cls))]] += 1
    return c


def score_order(labels, scores):
    """Rows in reckit's order: by score (f64 order), then label; ties among equals are interchangeable."""
    return sorted(range(len(labels)), key=lambda i: (scores[i], labels[i]))


def intervals(estimate, values, jackknife, level):
    v = np.array([x for x in values if not math.isnan(x)])
    alpha = (1 - level) / 2
    pct = [float(np.percentile(v, 100 * alpha)), float(np.percentile(v, 100 * (1 - alpha)))]
    z0 = ndtri(np.sum(v < estimate) / len(v))
    theta = np.array(jackknife)
    d = theta.mean() - theta
    a = (d**3).sum() / (6 * (d**2).sum() ** 1.5)
    z = ndtri([alpha, 1 - alpha])
    q = ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
    bca = [float(np.percentile(v, 100 * q[0])), float(np.percentile(v, 100 * q[1]))]
    return {"percentile": pct, "bca": bca, "stdError": float(np.std(v, ddof=1)), "used": int(len(v))}


def case_auc(rng, n, resamples, seed, sampling):
    labels = (rng.random(n) < 0.35).astype(int)
    scores = np.round(rng.random(n) + 0.4 * labels, 2)  # ties
    order = score_order(labels.tolist(), scores.tolist())
    pos = [i for i in order if labels[i] == 1]
    neg = [i for i in order if labels[i] == 0]
    values = []
    for s in streams(seed, resamples):
        if sampling == "multinomial":
            w = counts_multinomial(s, [pos, neg], n)
        else:
            w = np.zeros(n)
            for i in order:
                w[i] = s.poisson1()
        values.append(float(roc_auc_score(labels, scores, sample_weight=w)))
    estimate = float(roc_auc_score(labels, scores))
    jack = []
    for i in order:
        keep = np.ones(n, bool)
        keep[i] = False
        jack.append(roc_auc_score(labels[keep], scores[keep]))
    return {"metric": "auc", "labels": labels.tolist(), "scores": scores.tolist(), "sampling": sampling,
            "resamples": resamples, "seed": seed, "estimate": estimate, "values": values,
            **intervals(estimate, values, jack, 0.95)}


def case_gauc(rng, n, groups_n, resamples, seed):
    groups = rng.integers(0, groups_n, n)
    labels = (rng.random(n) < 0.4).astype(int)
    scores = np.round(rng.random(n) + 0.3 * labels, 3)
    ids = list(dict.fromkeys(groups.tolist()))  # units in order of first appearance, as reckit orders them
    per = []
    for g in ids:
        m = groups == g
        y = labels[m]
        a = roc_auc_score(y, scores[m]) if 0 < y.sum() < len(y) else None
        per.append((a, int(m.sum())))
    def gauc(c):
        num = sum(ci * w * a for ci, (a, w) in zip(c, per) if a is not None)
        den = sum(ci * w for ci, (a, w) in zip(c, per) if a is not None)
        return num / den if den > 0 else float("nan")
    values = []
    for s in streams(seed, resamples):
        c = np.zeros(len(ids))
        for _ in range(len(ids)):
            c[s.below(len(ids))] += 1
        values.append(float(gauc(c)))
    estimate = gauc(np.ones(len(ids)))
    jack = [gauc(np.array([0 if j == u else 1 for j in range(len(ids))])) for u in range(len(ids))]
    return {"metric": "gauc", "labels": labels.tolist(), "scores": scores.tolist(), "groups": groups.tolist(),
            "sampling": "multinomial", "resamples": resamples, "seed": seed, "estimate": estimate, "values": values,
            **intervals(estimate, values, jack, 0.95)}


def case_ndcg(rng, queries, per_query, k, resamples, seed):
    groups = np.repeat(np.arange(queries), per_query)
    rel = rng.integers(0, 3, len(groups)) * (rng.random(len(groups)) < 0.5)
    scores = rng.random(len(groups)) + 0.2 * rel
    per = []
    for q in range(queries):
        m = groups == q
        # reckit gives 0 to a query without relevant items (sklearn too), counted in the mean.
        per.append(float(ndcg_score([rel[m]], [scores[m]], k=k)) if rel[m].sum() > 0 else 0.0)
    mean = lambda c: float(np.dot(c, per) / c.sum())
    values = []
    for s in streams(seed, resamples):
        c = np.zeros(queries)
        for _ in range(queries):
            c[s.below(queries)] += 1
        values.append(mean(c))
    estimate = float(np.mean(per))
    jack = [mean(np.array([0.0 if j == u else 1.0 for j in range(queries)])) for u in range(queries)]
    return {"metric": f"ndcg@{k}", "labels": rel.tolist(), "scores": scores.tolist(), "groups": groups.tolist(),
            "sampling": "multinomial", "resamples": resamples, "seed": seed, "estimate": estimate, "values": values,
            **intervals(estimate, values, jack, 0.95)}


def case_logloss(rng, n, resamples, seed):
    labels = (rng.random(n) < 0.3).astype(int)
    probs = np.clip(rng.random(n) * 0.6 + 0.3 * labels, 0, 1)
    weights = np.round(rng.random(n) * 2, 3)
    values = []
    for s in streams(seed, resamples):
        c = np.zeros(n)
        for _ in range(n):
            c[s.below(n)] += 1
        values.append(float(log_loss(labels, probs, sample_weight=c * weights, labels=[0, 1])))
    estimate = float(log_loss(labels, probs, sample_weight=weights))
    jack = []
    for i in range(n):
        w = weights.copy()
        w[i] = 0
        jack.append(log_loss(labels, probs, sample_weight=w))
    return {"metric": "logLoss", "labels": labels.tolist(), "scores": probs.tolist(), "weights": weights.tolist(),
            "sampling": "multinomial", "resamples": resamples, "seed": seed, "estimate": estimate, "values": values,
            **intervals(estimate, values, jack, 0.95)}


def main():
    rng = np.random.default_rng(20261201)
    cases = [
        case_auc(rng, 120, 40, 7, "multinomial"),
        case_auc(rng, 90, 30, 2**53 - 1, "poisson"),
        case_gauc(rng, 400, 25, 40, 11),
        case_ndcg(rng, 30, 6, 5, 40, 3),
        case_logloss(rng, 80, 30, 5),
    ]
    OUT.write_text(json.dumps(cases))
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
