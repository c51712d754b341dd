"""Python peers of bench/decide.mjs, on the arrays it writes (name=file:TypedArrayName).

    python decide_peers.py delong labels=… a=… b=…      MLstatkit's Delong_test (Sun & Xu midranks)
    python decide_peers.py bootstrap labels=… scores=… R  R resamples of roc_auc_score(sample_weight=counts)
    python decide_peers.py paired a=… b=…                scipy ttest_rel and wilcoxon
Prints one JSON line: seconds (and p-values where there are).
"""
import json
import sys
import time

import numpy as np

DTYPES = {"Uint8Array": np.uint8, "Uint32Array": np.uint32, "Float64Array": np.float64, "Float32Array": np.float32}
task, args = sys.argv[1], sys.argv[2:]
arrays = {}
extra = []
for a in args:
    if "=" in a:
        name, rest = a.split("=", 1)
        file, kind = rest.rsplit(":", 1)
        arrays[name] = np.fromfile(file, dtype=DTYPES[kind])
    else:
        extra.append(a)

if task == "delong":
    from MLstatkit.stats import Delong_test

    t = time.perf_counter()
    z, p = Delong_test(arrays["labels"], arrays["a"], arrays["b"])
    print(json.dumps({"seconds": time.perf_counter() - t, "z": float(z), "p": float(p)}))
elif task == "bootstrap":
    from sklearn.metrics import roc_auc_score

    labels, scores, resamples = arrays["labels"], arrays["scores"], int(extra[0])
    rng = np.random.default_rng(0)
    pos, neg = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    t = time.perf_counter()
    values = []
    for _ in range(resamples):
        w = np.bincount(np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))]), minlength=len(labels))
        values.append(roc_auc_score(labels, scores, sample_weight=w))
    print(json.dumps({"seconds": time.perf_counter() - t, "resamples": resamples}))
elif task == "paired":
    from scipy import stats

    a, b = arrays["a"], arrays["b"]
    out = {}
    for name, fn in (("t", stats.ttest_rel), ("wilcoxon", stats.wilcoxon)):
        t = time.perf_counter()
        r = fn(a, b)
        out[name] = {"seconds": time.perf_counter() - t, "p": float(r.pvalue)}
    print(json.dumps(out))
else:
    sys.exit(f"unknown task {task}")
