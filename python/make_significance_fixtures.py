"""Oracle fixtures for the paired significance tests (crates/core/src/metrics/significance/).

    pip install -r python/requirements.txt && python3 python/make_significance_fixtures.py

Writes ts/test/fixtures/significance.json:
- "pairs": per-query scores a, b of two runs on the same queries, with scipy 1.17.1's
  `ttest_rel(a, b)` (statistic, pvalue, df) and `wilcoxon(a, b)` with its defaults (statistic,
  pvalue, and the path scipy took: "exact", "permutation" or "asymptotic"; zstatistic from
  method='asymptotic' where that is the path), the mean difference, Cohen's d_z and the
  matched-pairs rank-biserial correlation (Kerby 2014), computed here from their definitions.
- "student_t", "normal": two-sided tails 2·stdtr(df, −|t|) and 2·ndtr(−|z|) (scipy.special);
  for df = 1 also Cauchy's closed form (2/π)·atan(1/t), since stdtr(1, −1e-8) is 3e-9 off it.
- "adjust": statsmodels 0.15.0 `multipletests(p, method='holm' | 'bonferroni')[1]`.
- "randomization": the paired randomization (sign-flip) test. For each case: the exact p-value
  (all 2^n sign patterns, counted by dynamic programming on integer scores), ranx 0.3.21's
  `fisher_randomization_test` p-value, and reckit's own count for given permutations and seed
  from `reckit_randomization` below, a Python replica of the Rust algorithm (its doc comment is
  the specification), so every backend must give exactly that count.

ranx's function is copied below verbatim except for its numba decorators (`@njit`, `prange`),
so it runs on NumPy's legacy MT19937 instead of numba's: ranx as published draws in parallel
numba threads, whose streams depend on the thread count. The algorithm (per query, swap the two
runs' scores with probability ½; p = count(|Δmean| ≥ observed) / n_permutations) is unchanged.

JSON has no NaN or Infinity: they are written as the strings "nan", "inf", "-inf".
"""
import json
import math
from pathlib import Path

import numpy as np
import scipy
from scipy import special, stats
import statsmodels
from statsmodels.stats.multitest import multipletests

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures" / "significance.json"
rng = np.random.default_rng(20261201)


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


# ---- ranx 0.3.21, ranx/statistical_tests/fisher_randomization_test.py (numba decorators removed)
def permute(x):
    permuted_x = np.empty_like(x)

    for i in range(x.shape[0]):
        permuted_x[i] = np.random.permutation(x[i])

    return permuted_x


def fisher_randomization_test(
    control, treatment, n_permutations=1000, max_p=0.01, random_seed=42
):
    np.random.seed(random_seed)

    control_mean = control.mean()
    treatment_mean = treatment.mean()
    control_treatment_diff = abs(control_mean - treatment_mean)
    control_treatment_stack = np.column_stack((control, treatment))

    counter_array = np.zeros(n_permutations)

    for i in range(n_permutations):
        permuted = permute(control_treatment_stack)

        permuted_diff = abs(permuted[:, 0].mean() - permuted[:, 1].mean())

        if permuted_diff >= control_treatment_diff:
            counter_array[i] = 1.0

    p_value = counter_array.mean()

    return p_value, p_value <= max_p
# ---- end of ranx


def wilcoxon_path(d):
    """The path scipy 1.17.1's wilcoxon(method='auto') takes (scipy/stats/_wilcoxon.py)."""
    nz = np.abs(d[d != 0])
    ties = len(np.unique(nz)) < len(nz)
    if len(d) > 50:
        return "asymptotic"
    if not ties and not np.any(d == 0):
        return "exact"
    return "permutation" if len(d) <= 13 else "asymptotic"


def pair_case(name, a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    d = a - b
    t = stats.ttest_rel(a, b)
    w = stats.wilcoxon(a, b)
    path = wilcoxon_path(d)
    nz = d[d != 0]
    ranks = stats.rankdata(np.abs(nz))
    r_plus, r_minus = ranks[nz > 0].sum(), ranks[nz < 0].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        dz = d.mean() / d.std(ddof=1)
        rbc = (r_plus - r_minus) / (r_plus + r_minus) if len(nz) else math.nan
    case = {
        "name": name,
        "a": [float(x) for x in a],
        "b": [float(x) for x in b],
        "mean_difference": num(d.mean()),
        "ttest": {"statistic": num(t.statistic), "pvalue": num(t.pvalue), "df": num(t.df), "dz": num(dz), "ci95": [num(x) for x in t.confidence_interval(0.95)]},
        "wilcoxon": {
            "statistic": num(w.statistic),
            "pvalue": num(w.pvalue),
            "method": path,
            "r_plus": num(r_plus),
            "r_minus": num(r_minus),
            "rank_biserial": num(rbc),
        },
    }
    if path == "asymptotic":
        case["wilcoxon"]["zstatistic"] = num(stats.wilcoxon(a, b, method="asymptotic").zstatistic)
    return case


def pairs():
    cases = []
    x = rng.normal(0.5, 0.2, 30)
    cases.append(pair_case("normal differences, n=30 (exact)", x, x - rng.normal(0.1, 0.2, 30)))
    x = rng.normal(0.5, 0.2, 200)
    cases.append(pair_case("normal differences, n=200 (asymptotic)", x, x - rng.normal(0.02, 0.2, 200)))
    for n in (5, 8, 50):
        x = rng.uniform(0, 1, n)
        cases.append(pair_case(f"small n={n} (exact)", x, x - rng.normal(0.2, 0.3, n)))
    x = rng.uniform(0, 1, 51)
    cases.append(pair_case("n=51, no ties (asymptotic: n > 50)", x, x - rng.normal(0.1, 0.3, 51)))
    cases.append(pair_case("all positive, n=50 (exact, p = 2/2^50)", np.arange(50) + 1.0, np.arange(50) * 0.99))
    cases.append(pair_case("all negative, n=20 (exact)", np.zeros(20), np.arange(1, 21) / 7))
    # Scores on a grid of tenths, as precision@10: ties and zeros among the differences.
    x = rng.integers(0, 11, 40) / 10
    cases.append(pair_case("tenths, n=40: ties and zeros (asymptotic, tie correction)", x, np.clip(x + rng.integers(-3, 3, 40) / 10, 0, 1)))
    x = rng.integers(0, 11, 100) / 10
    cases.append(pair_case("tenths, n=100: ties and zeros (asymptotic)", x, np.clip(x + rng.integers(-2, 3, 100) / 10, 0, 1)))
    cases.append(pair_case("ties, n=10 (permutation)", [0.5, 0.7, 0.2, 0.9, 0.4, 0.6, 0.8, 0.3, 0.1, 0.55],
                           [0.3, 0.5, 0.1, 0.8, 0.6, 0.4, 0.6, 0.1, 0.05, 0.25]))
    cases.append(pair_case("zeros, n=12 (permutation)", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
                           [1, 2.5, 2.25, 3.0, 5, 6.5, 4.0, 7.125, 9, 8.0, 11.5, 9.0]))
    cases.append(pair_case("zeros and ties, n=13 (permutation)", [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9],
                           [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9]))
    cases.append(pair_case("zeros and ties, n=14 (asymptotic)", [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7],
                           [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0]))
    cases.append(pair_case("n=2 (exact)", [0.3, 0.8], [0.1, 0.5]))
    cases.append(pair_case("n=2, opposite signs (exact)", [0.3, 0.5], [0.1, 0.8]))
    cases.append(pair_case("n=2, tied differences (permutation)", [0.5, 1.5], [0.25, 1.25]))
    x = rng.uniform(0, 1, 10)
    cases.append(pair_case("identical runs, n=10", x, x.copy()))
    x = rng.uniform(0, 1, 60)
    cases.append(pair_case("identical runs, n=60", x, x.copy()))
    cases.append(pair_case("constant difference 0.5, n=6", np.arange(6) + 0.5, np.arange(6.0)))
    cases.append(pair_case("constant difference 0.1 (rounding), n=3", [0.1, 0.1, 0.1], [0.0, 0.0, 0.0]))
    x = rng.normal(0, 1, 1000)
    cases.append(pair_case("strong effect, n=1000 (far tails)", x, x - rng.normal(0.8, 1.0, 1000)))
    cases.append(pair_case("t far tail, n=12", np.arange(12) + 10.0, np.arange(12) + rng.normal(0, 1e-3, 12)))
    a = np.round(rng.beta(2, 5, 10000), 4)
    b = np.round(np.clip(a + rng.normal(0.003, 0.05, 10000), 0, 1), 4)
    same = rng.uniform(0, 1, 10000) < 0.2  # a fifth of the queries score the same in both runs
    b[same] = a[same]
    cases.append(pair_case("n=10000, scores to 4 decimals (asymptotic, ties, zeros)", a, b))
    return cases


def student_t():
    out = []
    for df in (1, 2, 3, 4, 5, 9, 10, 19, 20, 21, 29, 49, 100, 999, 9999, 99999, 1e6):
        for t in (1e-8, 0.01, 0.3, 1.0, 1.96, 3.0, 7.5, 20.0, 150.0, 1e4, 1e10):
            p = 2 * special.stdtr(df, -t)
            if p > 0:
                case = {"df": float(df), "t": t, "p": num(p)}
                if df == 1:
                    # Cauchy's closed form. scipy's stdtr(1, -1e-8) is 3e-9 off it (mpmath agrees
                    # with the closed form), so the Rust test checks df = 1 against this.
                    case["exact"] = 2 / math.pi * math.atan(1 / t)
                out.append(case)
    return out


def normal():
    return [{"z": z, "p": num(2 * special.ndtr(-z))}
            for z in (0.0, 1e-6, 0.25, 0.7, 0.7071, 0.75, 1.0, 1.96, 3.3, 6.0, 10.0, 25.0, 37.0)]


def adjust():
    lists = {
        "four": [0.01, 0.04, 0.03, 0.005],
        "ties": [0.02, 0.02, 0.5, 0.001, 0.02],
        "clipped": [0.3, 0.6, 0.9, 0.04],
        "one": [0.03],
        "bounds": [0.0, 1.0, 0.5],
        "uniform 20": list(rng.uniform(0, 0.2, 20)),
    }
    return [{"name": k, "p": [float(x) for x in v],
             "holm": [float(x) for x in multipletests(v, method="holm")[1]],
             "bonferroni": [float(x) for x in multipletests(v, method="bonferroni")[1]]}
            for k, v in lists.items()]


GOLDEN = 0x9E3779B97F4A7C15
M64 = (1 << 64) - 1


def splitmix64(seed, k):
    """Output k (0-based) of SplitMix64 started at `seed` (Steele, Lea & Flood 2014)."""
    z = (seed + (k + 1) * GOLDEN) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def lane_sum(x):
    """Σx in reckit's order: 8 lanes (i mod 8), each summed in index order, then a fixed tree."""
    lanes = [np.zeros(x.shape[0]) for _ in range(8)]
    for i in range(x.shape[1]):
        lanes[i % 8] = lanes[i % 8] + x[:, i]
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))


def reckit_randomization(d, permutations, seed):
    """The count of reckit's randomization test, as its doc comment specifies it."""
    n = len(d)
    words = (n + 63) // 64
    flips = np.zeros((permutations, n), dtype=bool)
    for j in range(permutations):
        for w in range(words):
            bits = splitmix64(seed, j * words + w)
            for i in range(w * 64, min(n, w * 64 + 64)):
                flips[j, i] = (bits >> (i % 64)) & 1
    signed = np.where(flips, -d, d)
    observed = lane_sum(d[None, :])[0]
    total_abs = lane_sum(np.abs(d)[None, :])[0]
    tolerance = 2.0 * n * np.finfo(float).eps * total_abs
    return int(np.count_nonzero(np.abs(lane_sum(signed)) >= abs(observed) - tolerance))


def exact_randomization(ia, ib):
    """Exact two-sided p of the sign-flip test on integer scores, ties counted as extreme
    (|Σ±d| ≥ |Σd|, Smucker et al.'s definition): the distribution of Σ±d over all 2^n sign
    patterns, by dynamic programming over the attainable sums (exact integers)."""
    d = [int(x) - int(y) for x, y in zip(ia, ib)]
    counts = {0: 1}
    for v in d:
        nxt = {}
        for total, ways in counts.items():
            nxt[total + v] = nxt.get(total + v, 0) + ways
            nxt[total - v] = nxt.get(total - v, 0) + ways
        counts = nxt
    extreme = sum(w for total, w in counts.items() if abs(total) >= abs(sum(d)))
    return extreme / 2 ** len(d)


def randomization():
    out = []

    def case(name, ia, ib, scale, permutations, seed, ties=False):
        a, b = np.asarray(ia) / scale, np.asarray(ib) / scale
        exact = exact_randomization(ia, ib)
        ranx_p, _ = fisher_randomization_test(a, b, n_permutations=permutations)
        sd = math.sqrt(exact * (1 - exact) / permutations)
        assert ties or abs(ranx_p - exact) <= 5 * sd + 1e-12, (name, ranx_p, exact)
        out.append({"name": name, "a": [float(x) for x in a], "b": [float(x) for x in b], "ties": ties,
                    "exact_pvalue": exact, "ranx_pvalue": float(ranx_p), "permutations": permutations,
                    "seed": seed, "reckit_count": reckit_randomization(a - b, permutations, seed)})

    for name, n, shift, spread in [("large effect, n=16", 16, 160, 250), ("null, n=16", 16, 0, 250),
                                   ("small effect, n=18", 18, 60, 200), ("null, n=300", 300, 0, 200)]:
        ia = rng.integers(0, 1001, n)
        ib = np.clip(ia - shift + np.round(rng.normal(0, spread, n)).astype(np.int64), 0, 1000)
        case(name, ia, ib, 1000, 10000, 42)
    # Tenths (precision@10): many sign patterns tie the observed sum exactly. ranx compares
    # |Δmean| in floating point, so rounding decides each tie and its p falls below the exact
    # one, by many standard errors; reckit counts every tie.
    ia = rng.integers(0, 11, 100)
    case("tenths, n=100 (exact ties)", ia, np.clip(ia + rng.integers(-2, 3, 100), 0, 10), 10, 2000, 7, ties=True)
    ia = rng.integers(0, 1001, 10)
    case("identical runs, n=10", ia, ia.copy(), 1000, 1000, 1)
    return out


def main():
    data = {
        "generator": "python/make_significance_fixtures.py",
        "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "ranx": "0.3.21 (verbatim copy)"},
        "pairs": pairs(),
        "student_t": student_t(),
        "normal": normal(),
        "adjust": adjust(),
        "randomization": randomization(),
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    for c in data["randomization"]:
        print(f"  {c['name']}: exact p {c['exact_pvalue']:.4f}, ranx {c['ranx_pvalue']:.4f}, "
              f"reckit {c['reckit_count'] / c['permutations']:.4f}")
    print(f"wrote {OUT.relative_to(OUT.parents[3])}: {len(data['pairs'])} pair cases")


if __name__ == "__main__":
    main()
