"""Oracle fixtures for the metric tests: scikit-learn computes, the JSON is committed.

    pip install -r python/requirements.txt && python3 python/make_fixtures.py

Writes ts/test/fixtures/auc.json and gauc.json. Scores are written as exact decimal reprs, so
float32 cases round-trip: the test rebuilds a Float32Array from the same numbers sklearn saw.
"""
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures"
rng = np.random.default_rng(20261122)


def auc_case(name, labels, scores, weights=None):
    dtype = "f32" if scores.dtype == np.float32 else "f64"
    return {
        "name": name,
        "labels": [int(x) for x in labels],
        "scores": [float(x) for x in scores],
        "dtype": dtype,
        "weights": None if weights is None else [float(x) for x in weights],
        "expected": float(roc_auc_score(labels, scores, sample_weight=weights)),
    }


def labels_for(n, p):
    y = (rng.random(n) < p).astype(int)
    y[0], y[1] = 0, 1  # both classes present
    return y


def auc_cases():
    n = 1000
    y = labels_for(n, 0.3)
    yield auc_case("random f64, no ties", y, rng.random(n))
    y = labels_for(500, 0.4)
    yield auc_case("heavy ties (1 decimal)", y, np.round(rng.random(500), 1))
    yield auc_case("all scores tied", labels_for(50, 0.5), np.full(50, 0.25))
    yield auc_case("random f32", labels_for(800, 0.2), rng.random(800).astype(np.float32))
    yield auc_case("f32 with ties", labels_for(600, 0.5), np.round(rng.random(600), 2).astype(np.float32))
    # Distinct as f64, identical as f32: rounding them to f32 would tie every pair.
    y = labels_for(200, 0.5)
    yield auc_case("f64 differing below f32 precision", y, 0.5 + np.arange(200) * 1e-12 * (1 + y))
    w = rng.random(700) * 3
    yield auc_case("weighted, no ties", labels_for(700, 0.35), rng.random(700), w)
    yield auc_case("weighted, ties", labels_for(700, 0.35), np.round(rng.random(700), 1), rng.random(700))
    yield auc_case("integer weights", labels_for(300, 0.5), rng.random(300), rng.integers(1, 5, 300).astype(float))
    yield auc_case("imbalanced 1% positives", labels_for(5000, 0.01), rng.normal(size=5000))
    yield auc_case("n=2", np.array([0, 1]), np.array([0.7, 0.3]))


def gauc_expected(labels, scores, groups, weight_of):
    num = den = 0.0
    used = skipped = 0
    for g in dict.fromkeys(groups):
        idx = [i for i, x in enumerate(groups) if x == g]
        y = labels[idx]
        if y.min() == y.max():
            skipped += 1
            continue
        w = weight_of(g, len(idx), int(y.sum()))
        num += w * roc_auc_score(y, scores[idx])
        den += w
        used += 1
    return (num / den if used and den > 0 else None), used, skipped


def gauc_case(name, labels, scores, groups, weighting=None, group_weights=None):
    kind = "string" if isinstance(groups[0], str) else "int"
    weight_of = {
        "impressions": lambda g, rows, pos: rows,
        "clicks": lambda g, rows, pos: pos,
        "uniform": lambda g, rows, pos: 1,
        None: lambda g, rows, pos: group_weights[g],
    }[weighting]
    value, used, skipped = gauc_expected(labels, scores, groups, weight_of)
    return {
        "name": name,
        "labels": [int(x) for x in labels],
        "scores": [float(x) for x in scores],
        "groups": [g if kind == "string" else int(g) for g in groups],
        "groupKind": kind,
        "weighting": weighting,
        "groupWeights": None if group_weights is None else {str(k): v for k, v in group_weights.items()},
        "expected": value,
        "groups_used": used,
        "skipped": skipped,
    }


def gauc_cases():
    # The worked GAUC example (test_auc in docs/conventions.md#test-oracles), uniform weights {0: 1, 1: 1, 2: 1}.
    y = np.array([1, 0, 0, 0, 1, 0, 1, 0, 0, 1])
    p = np.array([0.9, 0.4, 0.3, 0.1, 0.35, 0.6, 0.65, 0.32, 0.8, 0.7])
    g = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]
    yield gauc_case("worked example test_auc, 3 groups, uniform weights", y, p, g,
                    group_weights={0: 1.0, 1: 1.0, 2: 1.0})
    # ~200 users of 1..40 rows, rows shuffled (unsorted, non-contiguous), ties inside groups.
    sizes = rng.integers(1, 41, 200)
    ids = np.unique(rng.integers(-2**31, 2**31 - 1, 400, dtype=np.int64))[:200]
    groups = np.repeat(ids, sizes)
    order = rng.permutation(len(groups))
    groups = groups[order]
    labels = (rng.random(len(groups)) < 0.3).astype(int)
    scores = np.round(rng.random(len(groups)), 2)
    for w in ("impressions", "clicks", "uniform"):
        yield gauc_case(f"200 int32 groups, {w}", labels, scores, list(groups), w)
    names = [f"u{int(x) % 100000}" for x in groups]
    yield gauc_case("string groups, impressions", labels, scores, names, "impressions")
    weights = {n: float(rng.integers(1, 10)) for n in dict.fromkeys(names)}
    yield gauc_case("string groups, explicit weights", labels, scores, names, group_weights=weights)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    auc = list(auc_cases())
    gauc = list(gauc_cases())
    (OUT / "auc.json").write_text(json.dumps(auc))
    (OUT / "gauc.json").write_text(json.dumps(gauc))
    print(f"wrote {len(auc)} AUC and {len(gauc)} GAUC cases to {OUT}")
