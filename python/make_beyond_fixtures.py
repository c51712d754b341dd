"""Oracle fixtures for the beyond-accuracy metrics (crates/core/src/metrics/beyond.rs).

    npm run fixtures   # or, in a venv over Debian's python3 + python3-torch (--system-site-packages):
    pip install numpy==1.26.4 scipy==1.17.1 scikit-learn==1.9.1 pandas==3.0.6 \
        texttable==1.7.2 colorlog==6.12.0 colorama==0.4.6 tensorboard==2.21.0 matplotlib==3.11.2
    pip install --no-deps recbole==1.2.1 recmetrics==0.1.5
    python3 python/make_beyond_fixtures.py

Writes ts/test/fixtures/beyond.json, a list of cases. Each has the lists (`lists`: an array of
lists, or `{data, shape}`), the options reckit takes (`catalogSize`, `catalog`, `popularity` as
`{items, counts}`, `users`, `categories` as `{items, categories}`, `embeddings` as `{items,
vectors}`, `categoryDistance`), and `expected` values under reckit's report names, each from the
oracle named in `oracles`:

- RecBole 1.2.1 (`recbole/evaluator/metrics.py`, its own code, called on the [users, K] matrix):
  `GiniIndex.get_gini` (exposureGini), `ItemCoverage.get_coverage` (catalogCoverage),
  `AveragePopularity.get_pop` + `metric_info` at K (averagePopularity).
- recmetrics 0.1.5 (`recmetrics/metrics.py`, loaded from the installed package by path, because
  its `__init__` also imports its plotting module, which needs plotly and seaborn): `novelty`
  (lists of equal length) and `1 − intra_list_similarity` (intraListDiversity) with a feature
  table of embeddings, of one-hot single categories, or of one-hot category sets (which is the
  cosine category distance).
- "definition": NumPy written plainly from the formulas in beyond.rs (ragged lists, empty and
  one-item lists, string ids, the Jaccard category distance, catalogs given as items).

RecBole imports torch: Debian's python3-torch, as for the other generators.
"""
import importlib.metadata
import importlib.util
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import recbole
from recbole.evaluator.metrics import AveragePopularity, GiniIndex, ItemCoverage

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures" / "beyond.json"
rng = np.random.default_rng(20261218)


def recmetrics_module():
    spec = importlib.util.find_spec("recmetrics")
    path = os.path.join(spec.submodule_search_locations[0], "metrics.py")
    module_spec = importlib.util.spec_from_file_location("recmetrics_metrics", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


os.environ.setdefault("MPLBACKEND", "Agg")
rm = recmetrics_module()


# ---- the definitions (beyond.rs), plainly -------------------------------------------------------
def gini_def(lists, n):
    x = np.zeros(n)
    counts = Counter(i for l in lists for i in l)
    x[: len(counts)] = sorted(counts.values())
    x.sort()
    j = np.arange(1, n + 1)
    return float(np.sum((2 * j - n - 1) * x) / (n * x.sum()))


def mean_over(lists, per_list, min_len):
    values = [per_list(l) for l in lists if len(l) >= min_len]
    return float(np.mean(values)) if values else float("nan")


def novelty_def(lists, pop, users):
    return mean_over(lists, lambda l: np.mean([-np.log2(pop[i] / users) for i in l]), 1)


def arp_def(lists, pop):
    return mean_over(lists, lambda l: np.mean([pop[i] for i in l]), 1)


def ild_def(lists, d):
    return mean_over(lists, lambda l: np.mean([d(l[a], l[b]) for a in range(len(l)) for b in range(a + 1, len(l))]), 2)


def jaccard(cats):
    return lambda a, b: 1 - len(set(cats[a]) & set(cats[b])) / len(set(cats[a]) | set(cats[b]))


def cosine(vectors):
    return lambda a, b: 1 - np.dot(vectors[a], vectors[b]) / (np.linalg.norm(vectors[a]) * np.linalg.norm(vectors[b]))


# ---- RecBole and recmetrics -------------------------------------------------------------------
def recbole_case(matrix, num_items, pop):
    k = matrix.shape[1]
    arp = AveragePopularity.metric_info(None, AveragePopularity.get_pop(None, matrix, pop).astype(float))
    return {
        "exposureGini": float(GiniIndex.get_gini(None, matrix, num_items)),
        "catalogCoverage": float(ItemCoverage.get_coverage(None, matrix, num_items)),
        "averagePopularity": float(arp.mean(axis=0)[k - 1]),
    }


def recmetrics_ild(lists, features):
    return 1 - float(rm.intra_list_similarity(lists, features))


def one_hot(cats, items):
    columns = sorted({c for i in items for c in cats[i]})
    return pd.DataFrame([[1.0 if c in cats[i] else 0.0 for c in columns] for i in items], index=items)


def table(d):
    items = list(d)
    return items, [d[i] for i in items]


def matrix_case(name, users, k, num_items, train_users, width):
    """A [users, K] matrix of ids 1…num_items (K distinct per user, popular items more often)."""
    weights = 1.0 / np.arange(1, num_items + 1) ** 0.8
    weights /= weights.sum()
    matrix = np.array([rng.choice(np.arange(1, num_items + 1), size=k, replace=False, p=weights) for _ in range(users)])
    recommended = sorted(set(matrix.ravel().tolist()))
    # Training popularity: users who interacted with each item; every item known to at least one.
    pop = {i: int(rng.integers(1, train_users + 1)) if i in recommended or rng.random() < 0.7 else 0 for i in range(1, num_items + 1)}
    lists = matrix.tolist()
    cats = {i: [int(rng.integers(0, 6))] for i in range(1, num_items + 1)}
    multi = {i: sorted(set(rng.integers(0, 8, size=int(rng.integers(1, 4))).tolist())) for i in range(1, num_items + 1)}
    vectors = {i: rng.normal(size=width) for i in range(1, num_items + 1)}
    items = list(range(1, num_items + 1))
    expected = recbole_case(matrix, num_items, pop)
    expected["novelty"] = float(rm.novelty(lists, pop, train_users, k)[0])
    embedding_features = pd.DataFrame([vectors[i] for i in items], index=items)
    expected["ildEmbeddings"] = recmetrics_ild(lists, embedding_features)
    expected["ildCategories"] = recmetrics_ild(lists, one_hot(cats, items))
    expected["ildCosineSets"] = recmetrics_ild(lists, one_hot(multi, items))
    # The same from the definitions, as a check on the oracles' reading.
    assert abs(expected["exposureGini"] - gini_def(lists, num_items)) < 1e-12
    assert abs(expected["novelty"] - novelty_def(lists, pop, train_users)) < 1e-12
    assert abs(expected["ildEmbeddings"] - ild_def(lists, cosine(vectors))) < 1e-12
    expected["ildJaccardSets"] = ild_def(lists, jaccard(multi))
    pop_items, pop_counts = table(pop)
    return {
        "name": name,
        "oracles": {"exposureGini": "RecBole GiniIndex", "catalogCoverage": "RecBole ItemCoverage", "averagePopularity": "RecBole AveragePopularity",
                    "novelty": "recmetrics novelty", "ildEmbeddings": "1 - recmetrics intra_list_similarity", "ildCategories": "1 - recmetrics intra_list_similarity (one-hot)",
                    "ildCosineSets": "1 - recmetrics intra_list_similarity (one-hot sets)", "ildJaccardSets": "definition"},
        "lists": {"data": matrix.ravel().tolist(), "shape": [users, k]},
        "catalogSize": num_items,
        "popularity": {"items": pop_items, "counts": pop_counts},
        "users": train_users,
        "categories": {"items": items, "categories": [cats[i][0] for i in items]},
        "categorySets": {"items": items, "categories": [multi[i] for i in items]},
        "embeddings": {"items": items, "vectors": [vectors[i].tolist() for i in items]},
        "expected": expected,
    }


def ragged_case():
    """String ids, lists of length 0 to 9 (empty and one-item lists included), a catalog as items."""
    catalog = [f"item-{c}" for c in "abcdefghijklmnopqrstuvwxyz"] + [f"item-{n}" for n in range(14)]
    lists = []
    for u in range(60):
        n = int(rng.integers(0, 10)) if u % 9 else u % 2  # every ninth list has 0 or 1 items
        lists.append([str(x) for x in rng.choice(catalog[:30], size=n, replace=False)])
    train_users = 500
    pop = {i: int(rng.integers(1, train_users + 1)) for i in catalog}
    multi = {i: sorted(set(rng.choice(["news", "sport", "music", "film", "games"], size=int(rng.integers(1, 4))).tolist())) for i in catalog}
    vectors = {i: rng.normal(size=5) for i in catalog}
    pop_items, pop_counts = table(pop)
    return {
        "name": "ragged lists of string ids (definition)",
        "oracles": {k: "definition" for k in ["exposureGini", "catalogCoverage", "novelty", "averagePopularity", "ildEmbeddings", "ildJaccardSets"]},
        "lists": lists,
        "catalog": catalog + catalog[:5],  # repeats count once
        "popularity": {"items": pop_items, "counts": pop_counts},
        "users": train_users,
        "categorySets": {"items": catalog, "categories": [multi[i] for i in catalog]},
        "embeddings": {"items": catalog, "vectors": [vectors[i].tolist() for i in catalog]},
        "expected": {
            "exposureGini": gini_def(lists, len(catalog)),
            "catalogCoverage": len({i for l in lists for i in l}) / len(catalog),
            "novelty": novelty_def(lists, pop, train_users),
            "averagePopularity": arp_def(lists, pop),
            "ildEmbeddings": ild_def(lists, cosine(vectors)),
            "ildJaccardSets": ild_def(lists, jaccard(multi)),
            "emptyLists": sum(len(l) == 0 for l in lists),
            "shortLists": sum(len(l) < 2 for l in lists),
            "distinctItems": len({i for l in lists for i in l}),
        },
    }


def main():
    cases = [
        matrix_case("40 users × top-10 of 100 items", 40, 10, 100, 200, 8),
        # 3000 lists: several of the core's chunks of 1024 lists.
        matrix_case("3000 users × top-4 of 600 items", 3000, 4, 600, 5000, 3),
        ragged_case(),
    ]
    data = {"versions": {"numpy": np.__version__, "pandas": pd.__version__, "recbole": recbole.__version__, "recmetrics": importlib.metadata.version("recmetrics")}, "cases": cases}
    OUT.write_text(json.dumps(data, allow_nan=False, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
