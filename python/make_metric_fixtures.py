"""Oracle fixtures for the curve, ranking and thresholded metrics: scikit-learn computes, the JSON is committed.

    pip install -r python/requirements.txt && python3 python/make_metric_fixtures.py

Writes ts/test/fixtures/metrics.json, an object with one list of cases per metric:
"roc", "pr", "ap", "logloss", "ndcg", "binary". Every case has a "name".

Scores and probabilities are written as exact decimal reprs (float(x)), so float32 cases
round-trip: the test rebuilds a Float32Array from the same numbers sklearn saw ("dtype" is
"f32" or "f64"). JSON has no NaN or Infinity, so non-finite floats are written as the strings
"inf", "-inf" and "nan" (roc_curve's thresholds[0] is always "inf").

Notes on what sklearn 1.9.1 does, which the fixtures encode:
- roc_curve prepends (fpr 0, tpr 0, threshold inf); drop_intermediate drops collinear points.
- precision_recall_curve (drop_intermediate=False, its default) gives one point per distinct
  score, thresholds increasing, plus a final (precision 1, recall 0) point with no threshold.
- Samples with weight 0 are removed before the curves are built, so their scores never
  appear as thresholds (the "zero weights" cases).
- logloss: sklearn 1.9's log_loss has no eps, so "expected" is computed here in float64
  (f32 probabilities are widened exactly to f64 first), and checked against log_loss on the
  clipped probabilities.
- ndcg: sklearn gives 0 to a query whose true relevance is all zeros, and that 0 counts in
  the mean.
"""
import json
import math
import warnings
from pathlib import Path

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    log_loss,
    ndcg_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_curve,
)

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures"
rng = np.random.default_rng(20261123)


def num(x):
    """A float for JSON.parse: non-finite values become the strings "inf", "-inf", "nan"."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def nums(xs):
    return [num(x) for x in xs]


def dtype_of(scores):
    return "f32" if scores.dtype == np.float32 else "f64"


def weights_json(weights):
    return None if weights is None else nums(weights)


def labels_for(n, p):
    y = (rng.random(n) < p).astype(int)
    y[0], y[1] = 0, 1  # both classes present
    return y


def distinct(scores):
    assert len(np.unique(scores)) == len(scores), "expected no tied scores"
    return scores


# ---------------------------------------------------------------- data shared by roc / pr / ap


def curve_data():
    """(name, labels, scores, weights) for the curve-based metrics."""
    yield "random f64, no ties", labels_for(1000, 0.3), distinct(rng.random(1000)), None
    yield "heavy ties (1 decimal)", labels_for(500, 0.4), np.round(rng.random(500), 1), None
    yield "all scores tied", labels_for(50, 0.5), np.full(50, 0.25), None
    yield "random f32", labels_for(800, 0.2), distinct(rng.random(800).astype(np.float32)), None
    yield "weighted, ties", labels_for(700, 0.35), np.round(rng.random(700), 1), rng.random(700) * 3
    yield "integer weights", labels_for(300, 0.5), rng.random(300), rng.integers(1, 5, 300).astype(float)
    # sklearn drops zero-weight samples first: their scores are not thresholds.
    w = rng.integers(0, 3, 200).astype(float)
    w[:2] = 1.0  # keep both classes
    yield "zero weights (sklearn drops those samples)", labels_for(200, 0.4), rng.random(200), w
    yield "n=2", np.array([0, 1]), np.array([0.7, 0.3]), None


def imbalanced():
    return "imbalanced 1% positives", labels_for(5000, 0.01), distinct(rng.normal(size=5000)), None


def wild_scores():
    """Negative scores, huge and tiny magnitudes (subnormals, +-max float), and 0."""
    n = 400
    mag = 10.0 ** rng.uniform(-300, 300, n)
    s = np.where(rng.random(n) < 0.5, -1.0, 1.0) * mag
    # No -0.0: it ties with 0.0, and which of the two sklearn reports as the threshold is noise.
    s[:8] = [np.finfo(np.float64).max, -np.finfo(np.float64).max, 0.0, 5e-324, -5e-324, 1.0, -1.0, 1e-300]
    s[8:20] = rng.normal(size=12)
    y = labels_for(n, 0.5)
    order = rng.permutation(n)
    return "negative and huge magnitudes", y[order], s[order], None


# ---------------------------------------------------------------- roc


def roc_case(name, labels, scores, weights, drop):
    fpr, tpr, thr = roc_curve(labels, scores, sample_weight=weights, drop_intermediate=drop)
    return {
        "name": f"{name}, drop_intermediate={drop}",
        "labels": [int(x) for x in labels],
        "scores": nums(scores),
        "dtype": dtype_of(scores),
        "weights": weights_json(weights),
        "drop_intermediate": drop,
        "fpr": nums(fpr),
        "tpr": nums(tpr),
        "thresholds": nums(thr),
    }


def roc_cases(shared):
    for name, y, s, w in shared + [wild_scores()]:
        for drop in (False, True):
            yield roc_case(name, y, s, w, drop)
    # Only the default here: with drop_intermediate=False the curve alone would be 3 x 5001 numbers.
    name, y, s, w = imbalanced()
    yield roc_case(name, y, s, w, True)


# ---------------------------------------------------------------- pr


def pr_case(name, labels, scores, weights):
    precision, recall, thr = precision_recall_curve(labels, scores, sample_weight=weights)
    assert precision[-1] == 1.0 and recall[-1] == 0.0 and len(thr) == len(precision) - 1
    assert np.all(np.diff(thr) > 0)
    return {
        "name": name,
        "labels": [int(x) for x in labels],
        "scores": nums(scores),
        "dtype": dtype_of(scores),
        "weights": weights_json(weights),
        "precision": nums(precision),
        "recall": nums(recall),
        "thresholds": nums(thr),
    }


def pr_cases(shared):
    for name, y, s, w in shared:
        yield pr_case(name, y, s, w)


# ---------------------------------------------------------------- ap


def ap_case(name, labels, scores, weights):
    return {
        "name": name,
        "labels": [int(x) for x in labels],
        "scores": nums(scores),
        "dtype": dtype_of(scores),
        "weights": weights_json(weights),
        "expected": float(average_precision_score(labels, scores, sample_weight=weights)),
    }


def ap_cases(shared):
    for name, y, s, w in shared:
        yield ap_case(name, y, s, w)
    name, y, s, w = imbalanced()
    yield ap_case(name, y, s, w)
    s = distinct(rng.random(100))
    y = np.zeros(100, dtype=int)
    y[np.argmin(s)] = 1
    case = ap_case("only positive has the lowest score", y, s, None)
    assert math.isclose(case["expected"], 1 / 100, rel_tol=1e-12)
    yield case


# ---------------------------------------------------------------- logloss


def logloss_case(name, labels, probs, eps, weights=None):
    p = np.clip(probs.astype(np.float64), eps, 1 - eps)
    y = labels.astype(np.float64)
    losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    if weights is None:
        expected = float(np.mean(losses))
    else:
        expected = float(np.sum(weights * losses) / np.sum(weights))
    if np.all((p > 0) & (p < 1)):
        ref = log_loss(labels, p, sample_weight=weights, labels=[0, 1])
        assert abs(expected - ref) <= 1e-12, (name, expected, ref)
    return {
        "name": name,
        "labels": [int(x) for x in labels],
        "probs": nums(probs),
        "dtype": dtype_of(probs),
        "weights": weights_json(weights),
        "eps": eps,
        "expected": expected,
    }


def logloss_cases():
    yield logloss_case("random probs, eps=1e-15", labels_for(1000, 0.3), rng.random(1000), 1e-15)
    # Exact 0 and 1, both agreeing with the label (loss ~ 1e-15) and contradicting it (~ -log eps).
    n = 300
    y = labels_for(n, 0.5)
    p = rng.random(n)
    p[2:20] = 0.0
    p[20:40] = 1.0
    p[40:45] = 1e-20  # below eps: clipped too
    y[2:11], y[11:20] = 0, 1
    y[20:30], y[30:40] = 1, 0
    for eps in (1e-15, 1e-7):
        yield logloss_case(f"exact 0 and 1, eps={eps:g}", y, p, eps)
    yield logloss_case("random f32 probs", labels_for(800, 0.4), rng.random(800).astype(np.float32), 1e-15)
    yield logloss_case("weighted", labels_for(700, 0.35), rng.random(700), 1e-15, rng.random(700) * 3)


# ---------------------------------------------------------------- ndcg


def ndcg_case(name, relevance, scores, k):
    for row in scores:
        distinct(row)
    per_query = [float(ndcg_score(relevance[i : i + 1], scores[i : i + 1], k=k)) for i in range(len(relevance))]
    expected = float(ndcg_score(relevance, scores, k=k))
    assert math.isclose(expected, float(np.mean(per_query)), rel_tol=1e-12)
    return {
        "name": name,
        "relevance": [[int(x) for x in row] for row in relevance],
        "scores": [nums(row) for row in scores],
        "k": k,
        "expected": expected,
        "per_query": per_query,
    }


def ndcg_cases():
    rel = rng.integers(0, 4, (50, 20))
    sc = rng.random((50, 20))
    for k in (5, 10, None, 30):
        yield ndcg_case(f"50 queries x 20, graded, k={k}", rel, sc, k)
    rel = rng.integers(0, 4, (30, 15))
    rel[::5] = 0  # sklearn scores an all-zero query 0, and it counts in the mean
    sc = rng.random((30, 15))
    for k in (5, None):
        case = ndcg_case(f"some all-zero-relevance queries, k={k}", rel, sc, k)
        assert all(case["per_query"][i] == 0.0 for i in range(0, 30, 5))
        yield case
    rel = (rng.random((40, 12)) < 0.25).astype(int)
    rel[0] = 0
    rel[1] = 1
    yield ndcg_case("binary relevance, k=5", rel, rng.random((40, 12)), 5)


# ---------------------------------------------------------------- binary


def binary_case(name, labels, scores, threshold, weights=None):
    pred = (scores.astype(np.float64) >= threshold).astype(int)
    cm = confusion_matrix(labels, pred, sample_weight=weights, labels=[0, 1])
    (tn, fp), (fn, tp) = cm
    cast = int if weights is None else float
    kw = dict(sample_weight=weights)
    return {
        "name": name,
        "labels": [int(x) for x in labels],
        "scores": nums(scores),
        "dtype": dtype_of(scores),
        "weights": weights_json(weights),
        "threshold": threshold,
        "tp": cast(tp),
        "fp": cast(fp),
        "tn": cast(tn),
        "fn": cast(fn),
        "accuracy": float(accuracy_score(labels, pred, **kw)),
        "precision": float(precision_score(labels, pred, zero_division=0, **kw)),
        "recall": float(recall_score(labels, pred, zero_division=0, **kw)),
        "f1": float(f1_score(labels, pred, zero_division=0, **kw)),
    }


def binary_cases():
    yield binary_case("threshold 0.5, random", labels_for(1000, 0.3), rng.random(1000), 0.5)
    yield binary_case("threshold 0.3, random", labels_for(1000, 0.3), rng.random(1000), 0.3)
    s = np.round(rng.random(500), 1)
    assert np.sum(s == 0.5) > 0
    yield binary_case("scores equal to threshold 0.5 (1 decimal)", labels_for(500, 0.4), s, 0.5)
    yield binary_case("weighted, threshold 0.5", labels_for(700, 0.35), rng.random(700), 0.5, rng.random(700) * 3)
    case = binary_case("no predicted positives (threshold 2.0)", labels_for(200, 0.4), rng.random(200), 2.0)
    assert case["tp"] == case["fp"] == 0 and case["precision"] == 0.0
    yield case


if __name__ == "__main__":
    warnings.simplefilter("error")  # no fixture may come from a degenerate, warned-about input
    OUT.mkdir(parents=True, exist_ok=True)
    shared = list(curve_data())
    fixtures = {
        "roc": list(roc_cases(shared)),
        "pr": list(pr_cases(shared)),
        "ap": list(ap_cases(shared)),
        "logloss": list(logloss_cases()),
        "ndcg": list(ndcg_cases()),
        "binary": list(binary_cases()),
    }
    text = json.dumps(fixtures, allow_nan=False, separators=(",", ":"))
    path = OUT / "metrics.json"
    path.write_text(text)
    for key, cases in fixtures.items():
        size = len(json.dumps(cases, allow_nan=False, separators=(",", ":")))
        print(f"{key}: {len(cases)} cases, {size / 1024:.0f} KiB")
    print(f"wrote {path} ({len(text) / 1024:.0f} KiB)")
