"""Peer timing: scikit-learn's roc_auc_score on the bench's own data (raw files from run.mjs).

usage: python3 sklearn_auc.py DIR REPS  → prints {"n": [ms...], ...} as JSON on stdout.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

folder, reps = Path(sys.argv[1]), int(sys.argv[2])
out = {}
for labels_file in sorted(folder.glob("labels-*.u8")):
    n = labels_file.stem.split("-")[1]
    y = np.fromfile(labels_file, dtype=np.uint8)
    s = np.fromfile(folder / f"scores-{n}.f64", dtype=np.float64)
    times = []
    for _ in range(reps if len(y) < 10_000_000 else max(1, reps // 2)):
        t = time.perf_counter()
        value = roc_auc_score(y, s)
        times.append((time.perf_counter() - t) * 1000)
    out[n] = {"ms": times, "value": value}
print(json.dumps(out))
