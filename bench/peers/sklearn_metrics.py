"""Peer timings: scikit-learn on the bench's own data (raw files written by run.mjs).

usage: python3 sklearn_metrics.py DIR REPS  → prints {n: {row name: {"ms": [...], "value": v}}}
as JSON on stdout; the row names are the `peer` names in workload.mjs.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import ndcg_score, roc_auc_score, roc_curve


def ndcg_at_10(y, s, g):
    # ndcg_score takes a (queries × candidates) matrix; the log's rows are interleaved, so
    # grouping them is part of the work (reckit's time includes its grouping too).
    order = np.argsort(g, kind="stable")
    shape = (-1, 100)  # every query has exactly 100 candidates (workload.mjs rankingData)
    # The scores have no ties, so sklearn's fast path (no tie averaging) gives the same value
    # at ~1/6 of the default's time here: the fair peer.
    return ndcg_score(y[order].reshape(shape), s[order].reshape(shape), k=10, ignore_ties=True)


folder, reps = Path(sys.argv[1]), int(sys.argv[2])
out = {}
for labels_file in sorted(folder.glob("labels-*.u8")):
    n = labels_file.stem.split("-")[1]
    y = np.fromfile(labels_file, dtype=np.uint8)
    s = np.fromfile(folder / f"scores-{n}.f64", dtype=np.float64)
    ry = np.fromfile(folder / f"rank-labels-{n}.u8", dtype=np.uint8)
    rs = np.fromfile(folder / f"rank-scores-{n}.f64", dtype=np.float64)
    rg = np.fromfile(folder / f"rank-groups-{n}.u32", dtype=np.uint32)
    calls = {
        "sklearn roc_auc_score": lambda: roc_auc_score(y, s),
        "sklearn roc_curve": lambda: len(roc_curve(y, s, drop_intermediate=False)[2]),
        "sklearn ndcg_score@10 only": lambda: ndcg_at_10(ry, rs, rg),
    }
    out[n] = {}
    for name, call in calls.items():
        times = []
        for _ in range(reps if len(y) < 10_000_000 else max(1, reps // 2)):
            t = time.perf_counter()
            value = call()
            times.append((time.perf_counter() - t) * 1000)
        out[n][name] = {"ms": times, "value": float(value)}
print(json.dumps(out))
