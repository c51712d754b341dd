"""Peer timings for bench/dense.mjs: numpy sgemm (OpenBLAS) and torch's CPU nn.MultiheadAttention
and nn.GRU, on the bench's own inputs and weights, at one thread count.

usage: python3 torch_dense.py DIR REPS THREADS

DIR holds what dense.mjs wrote: manifest.json (the workloads), each workload's inputs and its
reference outputs as raw little-endian f32 (`{id}-a.f32`, `{id}-b.f32`, `{id}-x.f32`,
`{id}-ref-{name}.f32`). THREADS is set for OpenBLAS and OpenMP before numpy and torch load, and
torch.set_num_threads(THREADS): Debian's torch does its GEMMs in the system OpenBLAS, whose own
threads torch.set_num_threads does not bound, so one thread count per process is the only
honest way to run torch at 1 thread. Every call's first output is checked against the
reference before it is timed (a mismatch is reported, not timed); the output of each row is
written as `{id}-out-{tag}-{name}.f32` for dense.mjs to recheck. Prints on stdout
{"versions", "threads", "blas", "rows": [{"id", "impl", "ms": [...], "outputs", "err", "mismatch"?}]}.
Rows are timed like dense.mjs's: up to REPS calls (at least 3; fewer once 6 s are spent).
"""
import json
import os
import struct
import sys
import time
from pathlib import Path

folder, reps, threads = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(threads)

import numpy as np  # noqa: E402  (after the thread variables: the libraries read them on load)
import torch  # noqa: E402

torch.set_num_threads(threads)
manifest = json.loads((folder / "manifest.json").read_text())


def read_safetensors(path):
    """name -> float32 torch tensor, from the u64 LE header length, JSON header, F32 data."""
    raw = Path(path).read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name}: dtype {info['dtype']}"
        a, b = info["data_offsets"]
        data = np.frombuffer(raw, dtype="<f4", count=(b - a) // 4, offset=8 + size + a)
        out[name] = torch.from_numpy(data.reshape(info["shape"]).copy())
    return out


def f32(name, shape):
    return np.fromfile(folder / name, dtype="<f4").reshape(shape)


def timed(call):
    times, value = [], None
    for r in range(reps):
        t = time.perf_counter()
        value = call()
        times.append((time.perf_counter() - t) * 1000)
        if r >= 2 and sum(times) > 6000:
            break
    return times, value


def blas_library():
    """The BLAS numpy really loaded (Debian's libblas.so.3 is an alternatives link)."""
    try:
        maps = Path("/proc/self/maps").read_text().split("\n")
        libs = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(os.path.realpath(p) for p in libs))
    except OSError:
        return "unknown"


rows = []


def run(w, impl, tag, call, outputs):
    """Checks the first call's outputs against the reference, then times the call."""
    got = call()
    row = {"id": w["id"], "impl": impl, "outputs": {}, "err": {}}
    problems = []
    for name, index in outputs.items():
        out = np.ascontiguousarray(np.asarray(got[index] if index is not None else got, dtype="<f4")).reshape(-1)
        ref = np.fromfile(folder / f"{w['id']}-ref-{name}.f32", dtype="<f4")
        file = f"{w['id']}-out-{tag}-{name}.f32"
        out.tofile(folder / file)
        row["outputs"][name] = file
        if out.size != ref.size:
            problems.append(f"{name}: {out.size} values, reference {ref.size}")
            continue
        diff = float(np.max(np.abs(out.astype(np.float64) - ref))) if ref.size else 0.0
        tol = w["tol"] * (float(np.max(np.abs(ref))) if w.get("relative") else 1.0)
        row["err"][name] = diff
        if not diff <= tol:
            problems.append(f"{name}: max abs diff {diff:.3g} > {tol:.3g}")
    if problems:
        row["mismatch"] = "; ".join(problems)
        row["ms"] = []
    else:
        row["ms"], _ = timed(call)
    rows.append(row)


def torch_call(fn):
    def call():
        with torch.inference_mode():
            return fn()
    return call


T = f"{threads}T"
for w in manifest["workloads"]:
    if w["kind"] == "sgemm":
        a = f32(f"{w['id']}-a.f32", (w["m"], w["k"]))
        b = f32(f"{w['id']}-b.f32", (w["k"], w["n"]))
        run(w, f"numpy + OpenBLAS ({T})", f"numpy-{T}", lambda: a @ b, {"c": None})
    elif w["kind"] == "mha":
        x = torch.from_numpy(f32(f"{w['id']}-x.f32", w["shape"]))
        mha = torch.nn.MultiheadAttention(w["embedDim"], w["numHeads"], batch_first=True)
        mha.load_state_dict(read_safetensors(w["weights"]))
        mha.eval()
        # Eval, no grad, need_weights False: torch's fused fast path, what inference gets.
        call = torch_call(lambda: mha(x, x, x, need_weights=False)[0].numpy())
        run(w, f"torch ({T})", f"torch-{T}", call, {"output": None})
    elif w["kind"] == "gru":
        x = torch.from_numpy(f32(f"{w['id']}-x.f32", w["shape"]))
        gru = torch.nn.GRU(w["inputSize"], w["hiddenSize"], batch_first=True)
        gru.load_state_dict(read_safetensors(w["weights"]))
        gru.eval()
        call = torch_call(lambda: tuple(t.numpy() for t in gru(x)))
        run(w, f"torch ({T})", f"torch-{T}", call, {"output": 0, "hN": 1})

print(json.dumps({
    "versions": {"numpy": np.__version__, "torch": torch.__version__, "python": sys.version.split()[0]},
    "threads": threads,
    "blas": blas_library(),
    "rows": rows,
}))
