"""Oracle fixtures for DeLong's AUC variance and test, the CTR calibration metrics, and
multiclass / multilabel AUC. The JSON is committed.

    pip install -r python/requirements.txt && python3 python/make_stats_fixtures.py

Writes ts/test/fixtures/stats.json: one list of cases per function ("delong", "ctr",
"reliability", "multiclass", "multilabel"). Floats are exact reprs; NaN and infinities are the
strings "nan", "inf", "-inf" (JSON has none). "dtype" "f32" means the test rebuilds a
Float32Array from the same numbers.

Oracles:
- DeLong: the O(n^2) definition written here from the paper's structural components
  (DeLong, DeLong & Clarke-Pearson 1988): psi(x, y) = [x > y] + [x = y]/2, placements
  V10_i = mean_j psi(X_i, Y_j) over the negatives and V01_j = mean_i psi(X_i, Y_j) over the
  positives, S10 / S01 their sample (co)variances, Var = S10/m + S01/n. The difference is
  B - A. Critical values and p-values from scipy.stats.norm (isf, sf). Where both classes have
  two or more rows and the difference has a positive variance, MLstatkit's Delong_test (the
  midrank algorithm of Sun & Xu 2014, published on PyPI) is run on the same data: its z, p and
  per-model intervals are stored under "mlstatkit" and checked here against the definition.
- CTR metrics: scikit-learn's brier_score_loss and log_loss (on probabilities clipped as
  reckit clips them); normalized entropy and the calibration ratio from their formulas.
- Reliability: scikit-learn's calibration_curve (no sample weights) gives prob_true and
  prob_pred of the non-empty bins; the edges are NumPy's linspace / percentile as it computes
  them, the per-bin rows np.searchsorted as it bins; ECE = sum_b (W_b / W) |true_b - pred_b|.
  Weighted cases (calibration_curve takes no weights) use the same formulas with weights.
- Multiclass / multilabel: scikit-learn's roc_auc_score with labels=range(C).
"""
import json
import math
import warnings
from pathlib import Path

import numpy as np
from MLstatkit import Delong_test
from scipy.stats import norm
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures"
rng = np.random.default_rng(20261204)


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def nums(xs):
    return [num(x) for x in np.asarray(xs).ravel()]


def dtype_of(x):
    return "f32" if x.dtype == np.float32 else "f64"


def labels_for(n, p):
    y = (rng.random(n) < p).astype(np.int64)
    y[:4] = [0, 1, 0, 1]  # at least two of each class
    return y


# ---------------------------------------------------------------- DeLong


def placements(y, s):
    """V10 (one per positive) and V01 (one per negative) by their definition, O(n^2)."""
    s = s.astype(np.float64)
    x, z = s[y == 1], s[y == 0]
    psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
    return psi.mean(axis=1), psi.mean(axis=0)


def sample_cov(a, b):
    if len(a) < 2:
        return math.nan
    return float(np.sum((a - a.mean()) * (b - b.mean())) / (len(a) - 1))


def interval(centre, se, level, clip):
    z = norm.isf((1 - level) / 2)
    lo, hi = centre - z * se, centre + z * se
    return (min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0)) if clip else (lo, hi)


def delong_case(name, y, a, b, level=0.95):
    va10, va01 = placements(y, a)
    vb10, vb01 = placements(y, b)
    m, n = len(va10), len(va01)
    var_a = sample_cov(va10, va10) / m + sample_cov(va01, va01) / n
    var_b = sample_cov(vb10, vb10) / m + sample_cov(vb01, vb01) / n
    cov = sample_cov(va10, vb10) / m + sample_cov(va01, vb01) / n
    auc_a, auc_b = float(va10.mean()), float(vb10.mean())
    diff = auc_b - auc_a
    # The variance of the difference from the placements' differences (no cancellation).
    var_d = sample_cov(vb10 - va10, vb10 - va10) / m + sample_cov(vb01 - va01, vb01 - va01) / n
    se_a, se_d = math.sqrt(var_a), math.sqrt(var_d)
    z = 0.0 if diff == 0 and se_d == 0 else diff / se_d
    p = 2 * norm.sf(abs(z))
    lo_a, hi_a = interval(auc_a, se_a, level, True)
    lo_d, hi_d = interval(diff, se_d, level, False)
    assert abs(auc_a - roc_auc_score(y, a)) < 1e-12 and abs(auc_b - roc_auc_score(y, b)) < 1e-12
    case = {
        "name": name,
        "labels": [int(v) for v in y],
        "scoresA": nums(a),
        "dtypeA": dtype_of(a),
        "scoresB": nums(b),
        "dtypeB": dtype_of(b),
        "level": level,
        "interval": {"auc": auc_a, "variance": num(var_a), "stdError": num(se_a), "lower": num(lo_a), "upper": num(hi_a)},
        "test": {
            "aucA": auc_a, "aucB": auc_b, "varianceA": num(var_a), "varianceB": num(var_b), "covariance": num(cov),
            "difference": diff, "variance": num(var_d), "stdError": num(se_d), "lower": num(lo_d), "upper": num(hi_d),
            "z": num(z), "pValue": num(p),
        },
        "mlstatkit": None,
    }
    if m >= 2 and n >= 2 and var_d > 0:
        mz, mp, ci_a, ci_b, m_auc_a, m_auc_b, info = Delong_test(y, a.astype(np.float64), b.astype(np.float64), alpha=level)
        assert info["method"] == "delong"
        assert abs(m_auc_a - auc_a) < 1e-12 and abs(m_auc_b - auc_b) < 1e-12
        assert math.isclose(mz, z, rel_tol=1e-9) and math.isclose(mp, p, rel_tol=1e-8, abs_tol=1e-300), (name, mz, z, mp, p)
        assert abs(ci_a[0] - lo_a) < 1e-12 and abs(ci_a[1] - hi_a) < 1e-12
        case["mlstatkit"] = {"z": mz, "pValue": mp, "intervalA": list(ci_a), "intervalB": list(ci_b)}
    return case


def delong_cases():
    n = 400
    y = labels_for(n, 0.3)
    a = np.round(rng.random(n) + 0.4 * y, 1)  # coarse: many ties
    b = 0.6 * a + 0.4 * rng.random(n) + 0.1 * y  # correlated with A
    yield delong_case("ties in A, B correlated", y, a, b)
    yield delong_case("ties in A, B correlated, level 0.9", y, a, b, 0.9)
    n = 1000
    y = labels_for(n, 0.2)
    a = rng.normal(size=n) + 0.8 * y
    yield delong_case("no ties, n=1000, level 0.99", y, a, a + 0.7 * rng.normal(size=n), 0.99)
    y = labels_for(600, 0.5)
    a32 = (rng.random(600) + 0.3 * y).astype(np.float32)
    yield delong_case("A f32, B f64", y, a32, rng.random(600) + 0.25 * y)
    y = labels_for(300, 0.4)
    yield delong_case("heavy ties (1 decimal) in both", y, np.round(rng.random(300) + 0.2 * y, 1), np.round(rng.random(300) + 0.2 * y, 1))
    y = np.array([0, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    yield delong_case("two positives", y, rng.random(10), rng.random(10))
    y = np.array([0, 1, 0, 0, 0, 0, 0])
    yield delong_case("one positive: NaN variance", y, rng.random(7), rng.random(7))
    y = np.array([0, 0, 0, 1, 1, 1])
    yield delong_case("perfect separation: variance 0", y, np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9]), np.array([0.1, 0.8, 0.3, 0.7, 0.2, 0.9]))
    y = labels_for(200, 0.3)
    a = rng.random(200) + 0.3 * y
    yield delong_case("identical models: z 0, p 1", y, a, a.copy())
    yield delong_case("B reverses A", y, a, -a)


# ---------------------------------------------------------------- CTR metrics


def ctr_case(name, y, p, eps=1e-15, w=None):
    p64 = p.astype(np.float64)
    yf = y.astype(np.float64)
    ww = np.ones(len(y)) if w is None else w
    W = ww.sum()
    q = np.clip(p64, eps, 1 - eps)
    loss = float(np.sum(ww * -(yf * np.log(q) + (1 - yf) * np.log(1 - q))) / W)
    ref = log_loss(y, q, sample_weight=w, labels=[0, 1])
    assert abs(loss - ref) < 1e-12, (name, loss, ref)
    base = float(np.sum(ww * yf) / W)
    entropy = -(base * math.log(base) + (1 - base) * math.log(1 - base)) if 0 < base < 1 else 0.0
    positives = float(np.sum(ww * yf))
    return {
        "name": name,
        "labels": [int(v) for v in y],
        "probs": nums(p),
        "dtype": dtype_of(p),
        "weights": None if w is None else nums(w),
        "eps": eps,
        "logLoss": loss,
        "normalizedEntropy": num(loss / entropy) if entropy > 0 else "nan",
        "calibration": num(float(np.sum(ww * p64)) / positives) if positives > 0 else "nan",
        # brier_score_loss computes in the dtype of y_proba: give it the widened f64 values.
        "brier": brier_score_loss(y, p64, sample_weight=w),
        "baseRate": base,
        "meanPrediction": float(np.sum(ww * p64) / W),
    }


def ctr_cases():
    y = labels_for(2000, 0.05)
    p = np.clip(rng.beta(1, 12, 2000) + 0.05 * y, 0, 1)
    yield ctr_case("CTR-like, 5% positives", y, p)
    yield ctr_case("weighted", y, p, w=rng.random(2000) * 4)
    yield ctr_case("f32 probabilities", labels_for(800, 0.3), rng.random(800).astype(np.float32))
    y = labels_for(300, 0.5)
    p = rng.random(300)
    p[4:20], p[20:36] = 0.0, 1.0
    for eps in (1e-15, 1e-7):
        yield ctr_case(f"exact 0 and 1, eps={eps:g}", y, p, eps)
    yield ctr_case("no positives: NE and calibration NaN", np.zeros(50, dtype=np.int64), rng.random(50) * 0.1)


# ---------------------------------------------------------------- reliability


def reliability_case(name, y, p, bins, strategy, w=None):
    p64 = p.astype(np.float64)  # NumPy promotes f32 predictions when it compares them to the edges
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.searchsorted(edges[1:-1], p)
    count = np.bincount(ids, minlength=bins)
    ww = np.ones(len(y)) if w is None else w
    weight = np.bincount(ids, weights=ww, minlength=bins)
    pred = np.bincount(ids, weights=ww * p64, minlength=bins)
    true = np.bincount(ids, weights=ww * y, minlength=bins)
    full = count > 0
    mean_pred, rate = pred[full] / weight[full], true[full] / weight[full]
    if w is None:
        sk_true, sk_pred = calibration_curve(y, p, n_bins=bins, strategy=strategy)
        assert np.allclose(sk_true, rate, rtol=0, atol=1e-15) and np.allclose(sk_pred, mean_pred, rtol=0, atol=1e-12), name
        rate, mean_pred = sk_true, sk_pred
    ece = float(np.sum(weight[full] / weight.sum() * np.abs(rate - mean_pred)))
    return {
        "name": name,
        "labels": [int(v) for v in y],
        "probs": nums(p),
        "dtype": dtype_of(p),
        "weights": None if w is None else nums(w),
        "bins": bins,
        "strategy": strategy,
        "edges": nums(edges),
        "count": [int(c) for c in count],
        "weight": nums(weight),
        "probTrue": nums(rate),
        "probPred": nums(mean_pred),
        "ece": ece,
    }


def reliability_cases():
    y = labels_for(1000, 0.3)
    p = np.clip(rng.beta(2, 5, 1000) + 0.15 * y, 0, 1)
    for strategy in ("uniform", "quantile"):
        yield reliability_case(f"{strategy}, 10 bins", y, p, 10, strategy)
        yield reliability_case(f"{strategy}, 5 bins, weighted", y, p, 5, strategy, rng.random(1000) * 3)
    # One decimal: predictions on the edges k/10 (linspace's 0.30000000000000004 is above 0.3)
    # and, for quantiles, tied edges with empty bins between them.
    y = labels_for(500, 0.4)
    p = np.round(rng.random(500), 1)
    yield reliability_case("uniform, predictions on the edges", y, p, 10, "uniform")
    p = np.round(rng.beta(1, 4, 500), 1)
    yield reliability_case("quantile, tied edges and empty bins", y, p, 10, "quantile")
    p32 = rng.random(700).astype(np.float32)
    y = labels_for(700, 0.5)
    yield reliability_case("quantile, f32, 15 bins", y, p32, 15, "quantile")
    yield reliability_case("uniform, 1 bin", y, p32, 1, "uniform")


# ---------------------------------------------------------------- multiclass


def probabilities(n, c, ties):
    r = rng.integers(1, 5, (n, c)).astype(np.float64) if ties else rng.random((n, c)) + 0.05
    return r / r.sum(axis=1, keepdims=True)


def auc_of(y, s, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class without rows: UndefinedMetricWarning, NaN
        return roc_auc_score(y, s, **kw)


def checks(y, s, w, options, **kw):
    """roc_auc_score under each (options, weighted) pair; average "none" is sklearn's None."""
    out = []
    for o, weighted in options:
        average = None if o["average"] == "none" else o["average"]
        value = auc_of(y, s, **{**o, "average": average}, sample_weight=w if weighted else None, **kw)
        out.append({**o, "weighted": weighted, "expected": nums(value) if average is None else num(value)})
    return out


def matrix_case(name, y, s, w, options, **kw):
    return {
        "name": name,
        "labels": [int(v) for v in y.ravel()],
        "scores": nums(s),
        "dtype": dtype_of(s),
        "classes": s.shape[1],
        "weights": None if w is None else nums(w),
        "checks": checks(y, s, w, options, **kw),
    }


def ovr(averages, weighted=(False,)):
    return [({"multi_class": "ovr", "average": a}, wt) for a in averages for wt in weighted]


def ovo(averages):
    return [({"multi_class": "ovo", "average": a}, False) for a in averages]


def multiclass_cases():
    def case(name, y, s, w, options):
        return matrix_case(name, y, s, w, options, labels=list(range(s.shape[1])))

    y = rng.integers(0, 3, 300)
    s = probabilities(300, 3, ties=False)
    s[np.arange(300), y] += 0.3  # informative
    s /= s.sum(axis=1, keepdims=True)
    options = ovr(("macro", "weighted", "micro", "none"), (False, True)) + ovo(("macro", "weighted"))
    yield case("3 classes", y, s, rng.random(300) * 2, options)
    y = rng.choice(5, 400, p=[0.5, 0.2, 0.15, 0.1, 0.05])
    yield case("5 classes, imbalanced, tied scores", y, probabilities(400, 5, ties=True), None, ovr(("macro", "weighted", "micro")) + ovo(("macro", "weighted")))
    y = rng.integers(0, 3, 200)
    s = probabilities(200, 4, ties=False).astype(np.float32)
    yield case("4 classes, class 3 absent, f32", y, s, None, ovr(("macro", "weighted", "none")) + ovo(("macro", "weighted")))


def multilabel_cases():
    n, c = 300, 4
    y = (rng.random((n, c)) < [0.1, 0.3, 0.5, 0.2]).astype(np.int64)
    s = np.round(rng.random((n, c)) + 0.3 * y, 2)
    averages = [({"average": a}, wt) for a in ("macro", "weighted", "micro", "none") for wt in (False, True)]
    yield matrix_case("4 labels, ties", y, s, rng.random(n) * 2, averages)
    y[:, 1] = 0  # a label no row has
    yield matrix_case("label 1 never positive", y, s, None, [({"average": a}, False) for a in ("macro", "weighted", "none")])
    y = np.zeros((20, 3), dtype=np.int64)
    yield matrix_case("no positives at all (weighted returns 0)", y, rng.random((20, 3)), None, [({"average": "weighted"}, False)])


if __name__ == "__main__":
    warnings.simplefilter("error", RuntimeWarning)  # NaN only where a case says so (numpy's 0/0 below is guarded)
    OUT.mkdir(parents=True, exist_ok=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        fixtures = {
            "delong": list(delong_cases()),
            "ctr": list(ctr_cases()),
            "reliability": list(reliability_cases()),
            "multiclass": list(multiclass_cases()),
            "multilabel": list(multilabel_cases()),
        }
    text = json.dumps(fixtures, allow_nan=False, separators=(",", ":"))
    path = OUT / "stats.json"
    path.write_text(text)
    for key, cases in fixtures.items():
        print(f"{key}: {len(cases)} cases")
    print(f"wrote {path} ({len(text) / 1024:.0f} KiB)")
