"""Peer timings for bench/models.mjs: python/reckit_models.py's DIN and DIEN in torch (CPU,
eval, inference_mode) on the bench's own weights and inputs, at one thread count.

usage: python3 torch_models.py DIR REPS THREADS

DIR holds what models.mjs wrote: manifest.json (the workloads, each with its weights file) and
each workload's inputs as raw little-endian int32 (`{id}-sparse.i32`, `{id}-history.i32`,
`{id}-lengths.i32`). Thread variables are set before torch loads (see torch_dense.py for why).
Writes each workload's probabilities as `{id}-out-torch-{THREADS}T.f32` for models.mjs to check
and prints {"versions", "threads", "rows": [{"id", "ms": [...], "runs", "output"}]}.
"""
import json
import os
import sys
import time
from pathlib import Path

folder, reps, threads = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
import reckit_models  # noqa: E402

torch.set_num_threads(threads)
manifest = json.loads((folder / "manifest.json").read_text())


def ints(name, shape):
    return torch.from_numpy(np.fromfile(folder / name, dtype="<i4").astype(np.int64).reshape(shape))


rows = []
for w in manifest["workloads"]:
    model = reckit_models.load(w["weights"]).eval()
    sparse = ints(f"{w['id']}-sparse.i32", (w["b"], -1))
    history = ints(f"{w['id']}-history.i32", (w["b"], w["t"], -1))
    lengths = ints(f"{w['id']}-lengths.i32", (w["b"],))
    batch = {"sparse": sparse, "history": history, "lengths": lengths}

    def call():
        with torch.inference_mode():
            return model(batch)["probabilities"]

    out = call().numpy().astype("<f4")
    file = f"{w['id']}-out-torch-{threads}T.f32"
    out.tofile(folder / file)
    times = []
    for r in range(reps):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
        if r >= 2 and sum(times) > 6000:
            break
    rows.append({"id": w["id"], "ms": float(np.median(times)), "runs": len(times), "output": file})

print(json.dumps({"versions": {"torch": torch.__version__}, "threads": threads, "rows": rows}))
