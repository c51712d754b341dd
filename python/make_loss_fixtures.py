"""Oracle fixtures for the losses, ops and optimizers: PyTorch computes, the JSON is committed.

    python3 python/make_loss_fixtures.py

Needs torch (written against Debian's python3-torch 1.13.1: `apt-get install python3-torch`, then
run it with /usr/bin/python3). CI does not: the outputs are committed. numpy is used only for the
NumPy reference snippets; tensors never cross to numpy (no torch.from_numpy / .numpy()).

Writes, under ts/test/fixtures/:

- losses.json: {"cases": [...]}, each case
    {"name", "fn", "dtype", "inputs", "int_inputs", "options", "expected": {"value", "grad"}}
  "inputs" are in the order of the reckit call (mse -> [targets, preds], bpr -> [pos, neg],
  softmaxCrossEntropy -> [ids or flat soft targets, flat logits], contrastive on embeddings ->
  [labels, {"x1", "x2"}], triplet on embeddings -> [{"anchor", "positive", "negative"}], ...).
  "int_inputs" lists the inputs that are integer class ids. "options" uses reckit's names and
  always has "reduction". "value" is a number, or one number per row for reduction 'none'.
  "grad" is d(value)/d(predictions) (for 'none': of the sum of the rows), a list, or an object
  keyed like the inputs ({"pos", "neg"}, {"x1", "x2"}, {"anchor", "positive", "negative"}).
  dtype "f32": every float input is a float32 value (generated in torch.float32); the
  reference is computed in float64 from those exact values (x.double()) with autograd, so a
  Float32Array built from the numbers sees what torch saw. dtype "f64": the reference-snippet
  cases (their inputs such as 0.1 are not float32 values); pass them as Float64Array.
  Reference-snippet cases ("name" starts with "numpy reference") reproduce the numbers printed by
  the NumPy reference snippets (docs/conventions.md#test-oracles; functions copied verbatim below);
  they carry only "expected.value" and a relative tolerance "tol".
- ops.json: {"cases": [{"name", "fn", "x", "options", "expected"}]}: float32 inputs, float64
  reference (the ops compute in f32, so compare with an f32-sized tolerance). The "numpy reference
  softmax" case also has "printed": the values the NumPy snippet printed.
- optim.json: {"cases": [{"name", "optimizer", "options", "a", "c", "w0", "steps"}]}: 10 steps
  of torch.optim (foreach=False, float32) on f(w) = 1/2 sum a_i (w_i - c_i)^2; before each step
  p.grad = a * (p - c) in float32, i.e. Math.fround(a * Math.fround(w - c)) in JS. "steps"[k]
  is w after step k + 1. "options" holds only what was passed to torch (the rest are defaults).

Floats are written as Python reprs (shortest round trip); -0.0 is written as 0. JSON has no
NaN/Infinity and none occurs (the script fails on one).

Notes on torch, which the fixtures encode:
- F.softplus has threshold=20 (returns x itself above 20, off by up to ~2e-9 relative), so
  softplus(z) is computed as -F.logsigmoid(-z), which is exact and has the analytic gradient.
- torch.clamp(min=0) passes the gradient AT the boundary (hinge, triplet, contrastive kinks);
  torch.norm's backward gives 0 (not NaN) where the norm is 0; F.l1_loss has gradient 0 where
  p == y; torch.clamp(p, eps, 1 - eps) has gradient 0 outside [eps, 1 - eps].
- The snippet cal_nce_loss computes log(sigmoid(f_neg)), not log(sigmoid(-f_neg)) as its formula
  says, so its printed number is reckit's nce with the negatives negated (that case has a
  "note"); the case after it is nce on the snippet's own inputs with the documented formula.
"""
import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "ts" / "test" / "fixtures"
gen = torch.Generator().manual_seed(20261124)
F32, F64 = torch.float32, torch.float64
REDUCTIONS = ("mean", "sum", "none")


# ---------------------------------------------------------------- helpers


def num(x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x}")
    return 0.0 if x == 0 else x  # no -0.0 in the JSON


def vals(t):
    return [num(v) for v in t.detach().reshape(-1).tolist()]


def ints(t):
    return [int(v) for v in t.reshape(-1).tolist()]


def f32(values):
    """Exact float32 literals (edge cases): fail if one is not a float32 value."""
    t = torch.tensor(values, dtype=F32)
    assert t.double().tolist() == [float(v) for v in values], values
    return t


def randn(*shape, scale=1.0, shift=0.0):
    return torch.randn(*shape, generator=gen, dtype=F32) * scale + shift


def rand(*shape, lo=0.0, hi=1.0):
    return torch.rand(*shape, generator=gen, dtype=F32) * (hi - lo) + lo


def quant(t, q=64):
    """Round to multiples of 1/q, so small exact offsets can be added without rounding."""
    return torch.round(t * q) / q


def randint(n, hi):
    return torch.randint(0, hi, (n,), generator=gen)


def labels01(n):
    return randint(n, 2).to(F32)


# ---------------------------------------------------------------- losses: per-row values in f64
# Every function returns one value per row; the arguments are f64 tensors (ids stay int64).


def softplus(z):
    return -F.logsigmoid(-z)


def mae(y, p):
    return F.l1_loss(p, y, reduction="none")


def mse(y, p):
    return F.mse_loss(p, y, reduction="none")


def huber(y, p, delta=1.0):
    return F.huber_loss(p, y, reduction="none", delta=delta)


def bce(y, p, eps=1e-15):
    q = torch.clamp(p, eps, 1 - eps)
    return -(y * torch.log(q) + (1 - y) * torch.log(1 - q))


def bce_with_logits(y, x):
    return F.binary_cross_entropy_with_logits(x, y, reduction="none")


def softmax_ce(t, x, C):
    x = x.view(-1, C)
    if t.is_floating_point():
        t = t.view(-1, C)  # probability targets (torch >= 1.10)
    return F.cross_entropy(x, t, reduction="none")


def focal(y, x, alpha=0.25, gamma=2.0, eps=1e-15, balanced=False, logits=False):
    if logits:
        ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
        p, one_minus_p = torch.sigmoid(x), torch.sigmoid(-x)
        one_minus_pt = one_minus_p * y + p * (1 - y)
    else:
        p = torch.clamp(x, eps, 1 - eps)
        ce = -(y * torch.log(p) + (1 - y) * torch.log(1 - p))
        pt = p * y + (1 - p) * (1 - y)
        one_minus_pt = 1 - pt
    a = alpha * y + (1 - alpha) * (1 - y) if balanced else alpha
    return a * one_minus_pt**gamma * ce


def hinge(y, s, margin=1.0):
    y = torch.where(y == 0, -torch.ones_like(y), y)
    return torch.clamp(margin - y * s, min=0)


def bpr(pos, neg):
    return -F.logsigmoid(pos - neg)  # = softplus(-(pos - neg))


def contrastive_d(y, d, margin=1.0, half=True):
    k = 0.5 if half else 1.0
    return k * (y * d**2 + (1 - y) * torch.clamp(margin - d, min=0) ** 2)


def contrastive_emb(y, emb, dim, margin=1.0, half=True):
    d = torch.norm(emb["x1"].view(-1, dim) - emb["x2"].view(-1, dim), dim=1)
    return contrastive_d(y, d, margin, half)


def triplet_d(d_pos, d_neg, margin=1.0):
    return torch.clamp(d_pos - d_neg + margin, min=0)


def triplet_emb(emb, dim, margin=1.0):
    a, p, n = (emb[k].view(-1, dim) for k in ("anchor", "positive", "negative"))
    return triplet_d(torch.norm(a - p, dim=1), torch.norm(a - n, dim=1), margin)


def nce(pos, neg):
    n = pos.numel()
    return softplus(-pos) + softplus(neg.view(n, -1)).sum(dim=1)


def info_nce(pos, neg, temperature=1.0):
    n = pos.numel()
    logits = torch.cat([pos.view(n, 1), neg.view(n, -1)], dim=1) / temperature
    return -F.log_softmax(logits, dim=1)[:, 0]


def kl_div(p, q, size=None, eps=1e-15):
    pc = torch.clamp(p, eps, 1 - eps)
    qc = torch.clamp(q, eps, 1 - eps)
    terms = pc * torch.log(pc / qc)
    return terms.view(-1, size or p.numel()).sum(dim=1)


# ---------------------------------------------------------------- losses: cases

loss_cases = []


def to64(x, grad):
    if isinstance(x, dict):
        return {k: to64(v, grad) for k, v in x.items()}
    if not x.is_floating_point():
        return x
    return x.double().clone().requires_grad_(grad)


def to_json(x):
    if isinstance(x, dict):
        return {k: to_json(v) for k, v in x.items()}
    return vals(x) if x.is_floating_point() else ints(x)


def loss_case(name, fn, inputs, options, rows_fn, wrt, dtype="f32", **extra):
    """inputs: reckit call order (tensors, or dicts of tensors for embeddings).
    rows_fn(*inputs64) -> per-row values. wrt: index of the predictions, or {name: index} /
    {name: (index, key)} for several."""
    for x in inputs:
        for t in x.values() if isinstance(x, dict) else [x]:
            assert not t.is_floating_point() or t.dtype == (F32 if dtype == "f32" else F64), name
    x64 = [to64(x, True) for x in inputs]
    rows = rows_fn(*x64)
    reduction = options["reduction"]
    total = rows.mean() if reduction == "mean" else rows.sum()
    total.backward()

    def grad_of(spec):
        if isinstance(spec, tuple):
            return vals(x64[spec[0]][spec[1]].grad)
        return vals(x64[spec].grad)

    grad = grad_of(wrt) if isinstance(wrt, int) else {k: grad_of(s) for k, s in wrt.items()}
    case = {
        "name": name,
        "fn": fn,
        "dtype": dtype,
        "inputs": [to_json(x) for x in inputs],
        "int_inputs": [i for i, x in enumerate(inputs) if not isinstance(x, dict) and not x.is_floating_point()],
        "options": options,
        "expected": {"value": vals(rows) if reduction == "none" else num(total), "grad": grad},
    }
    case.update(extra)
    loss_cases.append(case)
    return case


def each_reduction(name, fn, inputs, options, rows_fn, wrt):
    for r in REDUCTIONS:
        loss_case(f"{name}, {r}", fn, inputs, {**options, "reduction": r}, rows_fn, wrt)


def losses():
    n = 32

    # mae / mse / huber: [targets, preds]
    each_reduction("random", "mae", [randn(n), randn(n)], {}, mae, 1)
    y, p = randn(n), randn(n)
    p[::3] = y[::3]
    c = loss_case("p == y at every third element (grad 0 there, torch.sign)", "mae", [y, p],
                  {"reduction": "mean"}, mae, 1)
    assert all(g == 0 for g in c["expected"]["grad"][::3])
    each_reduction("random", "mse", [randn(n), randn(n)], {}, mse, 1)
    each_reduction("random, both regimes", "huber", [randn(n), randn(n, scale=2)], {}, huber, 1)
    loss_case("delta 0.5", "huber", [randn(n), randn(n)], {"delta": 0.5, "reduction": "mean"},
              lambda y, p: huber(y, p, 0.5), 1)
    loss_case("|p - y| == delta exactly (delta 1)", "huber", [f32([0, 0, 0.5, -1, 2]), f32([1, -1, -0.5, 0, 2.25])],
              {"delta": 1.0, "reduction": "sum"}, huber, 1)
    loss_case("|p - y| == delta exactly (delta 0.5)", "huber", [f32([0.25, 0.75, 0]), f32([0.75, 0.25, 0.125])],
              {"delta": 0.5, "reduction": "none"}, lambda y, p: huber(y, p, 0.5), 1)

    # bce: [targets, probs]
    each_reduction("random", "bce", [labels01(n), rand(n)], {}, bce, 1)
    loss_case("soft targets", "bce", [rand(n), rand(n)], {"reduction": "mean"}, bce, 1)
    y = f32([0, 1, 0, 1, 0.5, 0.5, 0, 1, 0, 1])
    p = torch.tensor([0, 0, 1, 1, 0, 1, 1e-30, 1e-30, 0.5, 0.5], dtype=F32)
    for eps in (1e-15, 1e-7):
        loss_case(f"probabilities exactly 0 and 1 (and 1e-30), eps {eps:g}", "bce", [y, p],
                  {"eps": eps, "reduction": "none"}, lambda y, p, eps=eps: bce(y, p, eps), 1)
    loss_case("p exactly at eps and 1 - eps (eps 0.125: clamp passes the grad)", "bce",
              [f32([1, 0, 1, 0]), f32([0.125, 0.875, 0.0625, 0.9375])], {"eps": 0.125, "reduction": "sum"},
              lambda y, p: bce(y, p, 0.125), 1)

    # bceWithLogits: [targets, logits]
    each_reduction("random", "bceWithLogits", [labels01(n), randn(n, scale=3)], {}, bce_with_logits, 1)
    loss_case("soft targets", "bceWithLogits", [rand(n), randn(n, scale=3)], {"reduction": "mean"}, bce_with_logits, 1)
    loss_case("logits +-1e4 and 0", "bceWithLogits", [f32([1, 0, 1, 0, 0.5, 0.5, 1]), f32([1e4, 1e4, -1e4, -1e4, 1e4, -1e4, 0])],
              {"reduction": "none"}, bce_with_logits, 1)

    # softmaxCrossEntropy: [ids or flat soft targets, flat logits]
    N, C = 8, 10
    sce = lambda C: (lambda t, x: softmax_ce(t, x, C))  # noqa: E731
    each_reduction("class ids, 8 x 10", "softmaxCrossEntropy", [randint(N, C), randn(N * C, scale=2)],
                   {"numClasses": C}, sce(C), 1)
    soft = torch.softmax(randn(N, C, scale=2), dim=1).reshape(-1)  # f32 values, rows sum to ~1
    each_reduction("soft targets, 8 x 10", "softmaxCrossEntropy", [soft, randn(N * C, scale=2)],
                   {"numClasses": C}, sce(C), 1)
    ids = torch.tensor([0, 1, 2, 0])
    x = f32([1e4, -1e4, 0, 1e4, -1e4, 0, 1e4, -1e4, 0, 1e4, 1e4, -1e4])
    loss_case("logits +-1e4, class ids", "softmaxCrossEntropy", [ids, x], {"numClasses": 3, "reduction": "none"}, sce(3), 1)
    t = f32([0.25, 0.25, 0.5, 0, 1, 0, 0.5, 0, 0.5, 0.125, 0.375, 0.5])
    loss_case("logits +-1e4, soft targets", "softmaxCrossEntropy", [t, x], {"numClasses": 3, "reduction": "none"}, sce(3), 1)
    loss_case("two classes, 64 rows", "softmaxCrossEntropy", [randint(64, 2), randn(128)],
              {"numClasses": 2, "reduction": "mean"}, sce(2), 1)

    # focal: [targets, probs or logits]
    each_reduction("probabilities", "focal", [labels01(n), rand(n)], {}, focal, 1)
    each_reduction("logits", "focal", [labels01(n), randn(n, scale=3)], {"logits": True},
                   lambda y, x: focal(y, x, logits=True), 1)
    loss_case("balanced, probabilities", "focal", [labels01(n), rand(n)], {"balanced": True, "reduction": "mean"},
              lambda y, p: focal(y, p, balanced=True), 1)
    loss_case("balanced, logits, alpha 0.75", "focal", [labels01(n), randn(n, scale=3)],
              {"logits": True, "balanced": True, "alpha": 0.75, "reduction": "sum"},
              lambda y, x: focal(y, x, alpha=0.75, balanced=True, logits=True), 1)
    loss_case("gamma 0 (alpha * bce)", "focal", [labels01(n), rand(n)], {"gamma": 0, "reduction": "mean"},
              lambda y, p: focal(y, p, gamma=0.0), 1)
    loss_case("gamma 1.5, alpha 0.5, logits", "focal", [labels01(n), randn(n, scale=3)],
              {"gamma": 1.5, "alpha": 0.5, "logits": True, "reduction": "mean"},
              lambda y, x: focal(y, x, alpha=0.5, gamma=1.5, logits=True), 1)
    loss_case("soft targets, logits", "focal", [rand(n), randn(n, scale=3)], {"logits": True, "reduction": "mean"},
              lambda y, x: focal(y, x, logits=True), 1)
    y = f32([0, 1, 0, 1, 0, 1])
    p = f32([0, 0, 1, 1, 0.5, 0.5])
    loss_case("probabilities exactly 0 and 1", "focal", [y, p], {"reduction": "none"}, focal, 1)
    loss_case("probabilities exactly 0 and 1, balanced, eps 1e-7", "focal", [y, p],
              {"balanced": True, "eps": 1e-7, "reduction": "none"}, lambda y, p: focal(y, p, eps=1e-7, balanced=True), 1)
    loss_case("logits +-1e4", "focal", [f32([0, 1, 0, 1, 0, 1]), f32([1e4, 1e4, -1e4, -1e4, 0, 0])],
              {"logits": True, "reduction": "none"}, lambda y, x: focal(y, x, logits=True), 1)

    # hinge: [labels in {-1, 0, 1}, scores]
    each_reduction("labels -1/0/1", "hinge", [(randint(n, 3) - 1).to(F32), randn(n, scale=1.5)], {}, hinge, 1)
    loss_case("margin 2", "hinge", [(randint(n, 3) - 1).to(F32), randn(n, scale=1.5)], {"margin": 2, "reduction": "mean"},
              lambda y, s: hinge(y, s, 2.0), 1)
    c = loss_case("y * s exactly = margin (torch.clamp passes the grad: -y)", "hinge",
                  [f32([1, -1, 0, 1, 1, -1]), f32([1, -1, -1, 1.5, 0.5, 0])], {"reduction": "none"}, hinge, 1)
    assert c["expected"]["grad"][:3] == [-1.0, 1.0, 1.0], c["expected"]["grad"]
    loss_case("y * s exactly = margin 0.5", "hinge", [f32([1, -1, 0]), f32([0.5, -0.5, -0.5])],
              {"margin": 0.5, "reduction": "sum"}, lambda y, s: hinge(y, s, 0.5), 1)

    # bpr: [pos, neg]
    pn = {"pos": 0, "neg": 1}
    each_reduction("random", "bpr", [randn(n, scale=2), randn(n, scale=2)], {}, bpr, pn)
    loss_case("differences +-1e4 and 0", "bpr", [f32([1e4, -1e4, 0.5, 5e3]), f32([-1e4, 1e4, 0.5, -5e3])],
              {"reduction": "none"}, bpr, pn)

    # contrastive on distances: [labels, distances]
    each_reduction("distances", "contrastive", [labels01(n), rand(n, hi=2)], {}, contrastive_d, 1)
    loss_case("distances, half false, margin 1.5", "contrastive", [labels01(n), rand(n, hi=2)],
              {"margin": 1.5, "half": False, "reduction": "mean"}, lambda y, d: contrastive_d(y, d, 1.5, False), 1)
    loss_case("distances, soft labels", "contrastive", [rand(n), rand(n, hi=2)], {"reduction": "mean"}, contrastive_d, 1)
    loss_case("distances exactly = margin, and 0", "contrastive", [f32([0, 1, 0, 1, 0]), f32([1, 1, 0, 0, 1.5])],
              {"reduction": "none"}, contrastive_d, 1)
    loss_case("distances exactly = margin 1.5", "contrastive", [f32([0, 0]), f32([1.5, 1])],
              {"margin": 1.5, "reduction": "sum"}, lambda y, d: contrastive_d(y, d, 1.5), 1)

    # contrastive on embeddings: [labels, {x1, x2}]
    D = 4
    x12 = {"x1": (1, "x1"), "x2": (1, "x2")}
    emb = {"x1": randn(8 * D, scale=0.5), "x2": randn(8 * D, scale=0.5)}
    each_reduction("embeddings 8 x 4", "contrastive", [labels01(8), emb], {"dim": D},
                   lambda y, e: contrastive_emb(y, e, D), x12)
    loss_case("embeddings, half false, margin 2", "contrastive", [labels01(8), {"x1": randn(8 * D), "x2": randn(8 * D)}],
              {"dim": D, "margin": 2, "half": False, "reduction": "mean"},
              lambda y, e: contrastive_emb(y, e, D, 2.0, False), x12)
    x1 = quant(randn(4 * D, scale=0.5))  # multiples of 1/64: x1 + 1 is exact
    x2 = x1.clone()
    # rows 0 and 1: x1 == x2 (d = 0, labels 1 and 0); row 2: d exactly 1 = margin; row 3 random
    x2[2 * D : 3 * D] = x1[2 * D : 3 * D] + f32([1, 0, 0, 0])
    assert torch.norm(x1[2 * D : 3 * D].double() - x2[2 * D : 3 * D].double()).item() == 1.0
    x2[3 * D :] = randn(D, scale=0.5)
    c = loss_case("embeddings: x1 == x2 (d = 0, grad 0) and d exactly = margin", "contrastive",
                  [f32([1, 0, 0, 1]), {"x1": x1, "x2": x2}], {"dim": D, "reduction": "none"},
                  lambda y, e: contrastive_emb(y, e, D), x12)
    assert all(g == 0 for g in c["expected"]["grad"]["x1"][: 2 * D]), "torch.norm grad at d = 0"

    # triplet on distances: [dPos, dNeg]
    each_reduction("distances", "triplet", [rand(n, hi=2), rand(n, hi=2)], {}, triplet_d, pn)
    c = loss_case("distances: dPos - dNeg + margin exactly 0 (grad passes)", "triplet",
                  [f32([0.5, 1.5, 0.25]), f32([1.5, 2.5, 2])], {"reduction": "none"}, triplet_d, pn)
    assert c["expected"]["grad"] == {"pos": [1.0, 1.0, 0.0], "neg": [-1.0, -1.0, 0.0]}, c["expected"]["grad"]
    loss_case("distances: margin 0.5, exactly 0", "triplet", [f32([1, 0.25]), f32([1.5, 1.5])],
              {"margin": 0.5, "reduction": "sum"}, lambda p, q: triplet_d(p, q, 0.5), pn)

    # triplet on embeddings: [{anchor, positive, negative}]
    D = 5
    apn = {k: (0, k) for k in ("anchor", "positive", "negative")}
    emb = {k: randn(8 * D, scale=0.6) for k in ("anchor", "positive", "negative")}
    each_reduction("embeddings 8 x 5", "triplet", [emb], {"dim": D}, lambda e: triplet_emb(e, D), apn)
    loss_case("embeddings, margin 0.2", "triplet", [{k: randn(8 * D, scale=0.6) for k in ("anchor", "positive", "negative")}],
              {"dim": D, "margin": 0.2, "reduction": "mean"}, lambda e: triplet_emb(e, D, 0.2), apn)
    # row 0: d_ap = 2.5 (1.5, 2 offset), d_an = 3.5 -> 2.5 - 3.5 + 1 = 0 exactly; row 1: anchor == positive
    anchor = quant(randn(2 * D, scale=0.5))
    positive = anchor + f32([1.5, 2, 0, 0, 0, 0, 0, 0, 0, 0])
    negative = anchor + f32([0, 0, 3.5, 0, 0, 0.5, 0, 0, 0, 0])
    positive[D:] = anchor[D:]
    emb64 = {k: v.double().view(2, D) for k, v in (("a", anchor), ("p", positive), ("n", negative))}
    assert torch.norm(emb64["a"][0] - emb64["p"][0]).item() == 2.5
    assert torch.norm(emb64["a"][0] - emb64["n"][0]).item() == 3.5
    c = loss_case("embeddings: d_ap - d_an + margin exactly 0, and anchor == positive", "triplet",
                  [{"anchor": anchor, "positive": positive, "negative": negative}], {"dim": D, "reduction": "none"},
                  lambda e: triplet_emb(e, D), apn)
    assert any(g != 0 for g in c["expected"]["grad"]["anchor"][:D]), "grad passes at the triplet kink"
    assert all(g == 0 for g in c["expected"]["grad"]["positive"][D:]), "torch.norm grad at d = 0"

    # nce / infoNce: [pos (N), neg (N x K) flat]
    N, K = 8, 5
    pos, neg = randn(N, scale=2), randn(N * K, scale=2)
    each_reduction("8 x 5", "nce", [pos, neg], {}, nce, pn)
    loss_case("scores +-1e4", "nce", [f32([1e4, -1e4, 0]), f32([-1e4, 1e4, 0, 1e4, -1e4, 0])], {"reduction": "none"}, nce, pn)
    each_reduction("8 x 5", "infoNce", [pos, neg], {}, info_nce, pn)
    loss_case("temperature 0.07", "infoNce", [randn(N, scale=0.5), randn(N * K, scale=0.5)],
              {"temperature": 0.07, "reduction": "mean"}, lambda p, q: info_nce(p, q, 0.07), pn)
    loss_case("temperature 0.07, none", "infoNce", [randn(N, scale=0.5), randn(N * K, scale=0.5)],
              {"temperature": 0.07, "reduction": "none"}, lambda p, q: info_nce(p, q, 0.07), pn)
    loss_case("scores +-1e4", "infoNce", [f32([1e4, -1e4, 0]), f32([-1e4, 1e4, 0, 1e4, -1e4, 0])],
              {"reduction": "none"}, info_nce, pn)
    loss_case("scores +-1e4, temperature 0.07", "infoNce", [f32([1e4, -1e4]), f32([-1e4, 1e4, 1e4, 1e4])],
              {"temperature": 0.07, "reduction": "sum"}, lambda p, q: info_nce(p, q, 0.07), pn)

    # klDiv: [p (target), q (pred)], rows of size
    R, S = 6, 5
    p = torch.softmax(randn(R, S), dim=1).reshape(-1)
    q = torch.softmax(randn(R, S), dim=1).reshape(-1)
    each_reduction("6 rows of 5", "klDiv", [p, q], {"size": S}, lambda p, q: kl_div(p, q, S), 1)
    p1, q1 = torch.softmax(randn(8), 0), torch.softmax(randn(8), 0)
    loss_case("one row (no size)", "klDiv", [p1, q1], {"reduction": "mean"}, kl_div, 1)
    loss_case("one row (size = length), sum", "klDiv", [p1, q1], {"size": 8, "reduction": "sum"}, lambda p, q: kl_div(p, q, 8), 1)
    p = f32([0, 0.5, 0.5, 0.25, 0.25, 0.5, 0, 0, 1])
    q = f32([0.5, 0, 0.5, 0.25, 0.5, 0.25, 0.5, 0.5, 0])
    loss_case("zeros in p and q", "klDiv", [p, q], {"size": 3, "reduction": "none"}, lambda p, q: kl_div(p, q, 3), 1)
    loss_case("zeros in p and q, eps 1e-7, mean", "klDiv", [p, q], {"size": 3, "eps": 1e-7, "reduction": "mean"},
              lambda p, q: kl_div(p, q, 3, 1e-7), 1)


# ---------------------------------------------------------------- NumPy reference snippets (copied verbatim)
# metrics and losses (docs/conventions.md#test-oracles)


def cal_mean_absolute_error(y_true, y_pred):
    return np.mean(np.abs(y_true - y_pred))


def cal_mean_squared_error(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2)


def cal_binary_cross_entropy_loss(y_true, y_pred):
    epsilon = 1e-15
    y_pred = np.clip(y_pred, epsilon, 1 - epsilon)
    return -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))


def cal_softmax_loss(y_true, y_pred):
    y_true_one_hot = np.zeros_like(y_pred)
    y_true_one_hot[np.arange(len(y_true)), y_true] = 1
    exp_scores = np.exp(y_pred)
    softmax_probs = exp_scores / np.sum(exp_scores , axis=1, keepdims=True)
    epsilon = 1e-15
    softmax_probs = np.clip(softmax_probs, epsilon, 1 - epsilon)
    return -np.mean(np.sum(y_true_one_hot * np.log(softmax_probs), axis=1))


def cal_contrastive_loss(y_true, d, margin=1.0):
    loss = y_true * d ** 2 + (1 - y_true) * np.maximum(0, margin - d) ** 2
    return np.mean(loss) / 2


def cal_triplet_loss(d_pos, d_neg, margin=1.0):
    loss = np.maximum(0, d_pos - d_neg + margin)
    return np.mean(loss)


def cal_nce_loss(f_pos, f_neg):
    pos_loss = np.log(1 / (1 + np.exp(-f_pos)))
    neg_loss = np.sum(np.log(1 / (1 + np.exp(-f_neg))), axis=1)
    return -np.mean(pos_loss + neg_loss)


def cal_infonce_loss(f_pos, f_neg):
    logits = np.concatenate([f_pos.reshape(-1, 1), f_neg], axis=1)
    exp_logits = np.exp(logits)
    loss = -np.log(exp_logits[:, 0] / np.sum(exp_logits, axis=1))
    return np.mean(loss)


def cal_kl_divergence(p, q):
    epsilon = 1e-15
    p = np.clip(p, epsilon, 1 - epsilon)
    q = np.clip(q, epsilon, 1 - epsilon)
    return np.sum(p * np.log(p / q))


# softmax, cross-entropy and focal loss


def softmax(x):
    e_x = np.exp(x - np.max(x))
    return e_x / np.sum(e_x)


def cross_entropy(predictions, targets, epsilon=1e-12):
    predictions = np.clip(predictions, epsilon, 1. - epsilon)
    N = predictions.shape[0]
    ce = -np.sum(targets * np.log(predictions + 1e-9)) / N
    return ce


def focal_loss(predictions, targets, alpha=0.25, gamma=2.0, epsilon=1e-12):
    predictions = np.clip(predictions, epsilon, 1. - epsilon)
    pt = np.where(targets == 1, predictions, 1 - predictions)
    loss = -alpha * (1 - pt) ** gamma * np.log(pt)
    return np.mean(loss)


def reference_case(name, fn, inputs, options, rows_fn, wrt, snippet_value, tol=1e-12, **extra):
    """A loss_case on float64 inputs whose expected value is the reference snippet's output; the
    torch reference must agree with it to tol (relative)."""
    t = lambda v: torch.tensor(v, dtype=F64) if isinstance(v[0], float) else torch.tensor(v)  # noqa: E731
    inputs = [{k: t(v) for k, v in x.items()} if isinstance(x, dict) else t(x) for x in inputs]
    case = loss_case(name, fn, inputs, options, rows_fn, wrt, dtype="f64", **extra)
    ref = case["expected"]["value"]
    snippet_value = float(snippet_value)
    assert abs(ref - snippet_value) <= tol * abs(snippet_value), (name, ref, snippet_value)
    case["expected"] = {"value": num(snippet_value)}
    case["tol"] = tol
    return case


def reference_snippets():
    fl = lambda a: [float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]  # noqa: E731
    mean = {"reduction": "mean"}

    # test_mae_and_mse
    y_true = np.array([1, 0, 0, 1, 0, 0, 0, 1, 0, 0])
    y_pred = np.array([0.9, 0.2, 0.3, 0.8, 0.1, 0.4, 0.5, 0.7, 0.6, 0.1])
    reference_case("numpy reference test_mae_and_mse: mae", "mae", [fl(y_true), fl(y_pred)], mean, mae, 1,
                   cal_mean_absolute_error(y_true, y_pred))
    reference_case("numpy reference test_mae_and_mse: mse", "mse", [fl(y_true), fl(y_pred)], mean, mse, 1,
                   cal_mean_squared_error(y_true, y_pred))

    # test_bce_and_softmax
    y_true_bce = np.array([0, 1, 1])
    y_pred_bce = np.array([0.1, 0.9, 0.8])
    y_true_softmax = np.array([0, 2, 1])
    y_pred_softmax = np.array([[0.1, 0.7, 0.2],
                               [0.3, 0.4, 0.3],
                               [0.2, 0.5, 0.3]])
    reference_case("numpy reference test_bce_and_softmax: bce", "bce", [fl(y_true_bce), fl(y_pred_bce)],
                   {"eps": 1e-15, "reduction": "mean"}, bce, 1, cal_binary_cross_entropy_loss(y_true_bce, y_pred_bce))
    reference_case("numpy reference test_bce_and_softmax: softmax loss (the rows are logits)", "softmaxCrossEntropy",
                   [[int(v) for v in y_true_softmax], fl(y_pred_softmax)], {"numClasses": 3, "reduction": "mean"},
                   lambda t, x: softmax_ce(t, x, 3), 1, cal_softmax_loss(y_true_softmax, y_pred_softmax))

    # test_contrastive_loss
    y_true_contrastive = np.array([1, 0, 1, 0])
    d_contrastive = np.array([0.5, 1.5, 0.8, 1.2])
    d_pos_triplet = np.array([0.5, 0.8, 0.7])
    d_neg_triplet = np.array([1.5, 1.2, 1.3])
    f_pos_nce = np.array([2.0, 1.5, 1.8])
    f_neg_nce = np.array([[0.5, 0.3], [0.2, 0.4], [0.1, 0.6]])
    pn = {"pos": 0, "neg": 1}
    reference_case("numpy reference test_contrastive_loss: contrastive (distances, half)", "contrastive",
                   [fl(y_true_contrastive), fl(d_contrastive)], {"margin": 1, "half": True, "reduction": "mean"},
                   contrastive_d, 1, cal_contrastive_loss(y_true_contrastive, d_contrastive, margin=1.0))
    reference_case("numpy reference test_contrastive_loss: triplet (distances)", "triplet", [fl(d_pos_triplet), fl(d_neg_triplet)],
                   {"margin": 1, "reduction": "mean"}, triplet_d, pn, cal_triplet_loss(d_pos_triplet, d_neg_triplet, margin=1.0))
    reference_case("numpy reference test_contrastive_loss: nce (negatives negated, see note)", "nce",
                   [fl(f_pos_nce), fl(-f_neg_nce)], mean, nce, pn, cal_nce_loss(f_pos_nce, f_neg_nce),
                   note="cal_nce_loss sums log(sigmoid(f_neg)) although its formula has log(sigmoid(-f_neg)); "
                   "reckit nce follows the formula, so the snippet's number is nce(pos, -neg).")
    loss_case("numpy reference inputs: nce with the documented formula (not cal_nce_loss's code)", "nce",
              [torch.tensor(fl(f_pos_nce), dtype=F64), torch.tensor(fl(f_neg_nce), dtype=F64)], mean, nce, pn, dtype="f64")
    reference_case("numpy reference test_contrastive_loss: infoNce", "infoNce", [fl(f_pos_nce), fl(f_neg_nce)], mean,
                   info_nce, pn, cal_infonce_loss(f_pos_nce, f_neg_nce))

    # test_kl_loss
    p = np.array([0.1, 0.4, 0.5])
    q = np.array([0.2, 0.3, 0.5])
    reference_case("numpy reference test_kl_loss: klDiv", "klDiv", [fl(p), fl(q)], {"size": 3, "reduction": "sum"},
                   lambda p, q: kl_div(p, q, 3), 1, cal_kl_divergence(p, q))

    # cross_entropy over probability rows = softmax CE with class ids on logits ln(p);
    # the snippet's log(p + 1e-9) makes it differ by ~5e-9 relative.
    y_true = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    y_pred = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    ce = cross_entropy(y_pred, y_true)
    assert ce == 0.2797765622367497, ce
    reference_case("numpy reference cross_entropy (probability rows; logits = ln p)", "softmaxCrossEntropy",
                   [[int(v) for v in np.argmax(y_true, axis=1)], fl(np.log(y_pred))], {"numClasses": 3, "reduction": "mean"},
                   lambda t, x: softmax_ce(t, x, 3), 1, ce, tol=1e-8)
    fo = focal_loss(y_pred, y_true)
    assert fo == 0.003109072441720451, fo
    reference_case("numpy reference focal_loss (probabilities, 9 entries)", "focal", [fl(y_true), fl(y_pred)],
                   {"alpha": 0.25, "gamma": 2, "balanced": False, "eps": 1e-12, "reduction": "mean"},
                   lambda y, p: focal(y, p, 0.25, 2.0, 1e-12), 1, fo)


# ---------------------------------------------------------------- ops


def ops():
    cases = []

    def op(name, fn, x, options, ref):
        """x: f32 tensor; options: JSON options (tensors become lists); ref(x64) -> f64 result."""
        assert x.dtype == F32
        expected = ref(x.double())
        assert expected.numel() == x.numel()
        cases.append({
            "name": name,
            "fn": fn,
            "x": vals(x),
            "options": {k: (vals(v) if torch.is_tensor(v) else v) for k, v in options.items()},
            "expected": vals(expected),
        })

    d = lambda t: None if t is None else t.double()  # noqa: E731

    # softmax / logSoftmax
    S = 10
    x = randn(7 * S, scale=2)
    extreme = torch.cat([f32([1e4, -1e4, 0, 1e4, -1e4, 5e3, -5e3, 1, -1, 1e4]), torch.full((S,), 0.75, dtype=F32)])
    for fn, f in (("softmax", torch.softmax), ("logSoftmax", torch.log_softmax)):
        op("7 rows of 10", fn, x, {"size": S}, lambda x: f(x.view(-1, S), dim=-1))
        op("rows of +-1e4 and of equal values", fn, extreme, {"size": S}, lambda x: f(x.view(-1, S), dim=-1))
        op("one row (no size)", fn, x[:13], {}, lambda x: f(x, dim=-1))
    x3 = torch.tensor([2.0, 1.0, 0.1], dtype=F32)
    op("numpy reference softmax [2, 1, 0.1]", "softmax", x3, {}, lambda x: torch.softmax(x, dim=-1))
    printed = [0.65900114, 0.24243297, 0.09856589]
    assert all(abs(a - b) <= 5e-9 for a, b in zip(cases[-1]["expected"], printed)), cases[-1]["expected"]
    x64 = np.array([2.0, 1.0, 0.1])
    assert np.allclose(softmax(x64), printed, rtol=0, atol=5e-9)
    cases[-1]["printed"] = printed

    # sigmoid / relu
    x = torch.cat([randn(24, scale=4), f32([100, -100, 1e4, -1e4, 0, 20, -20, 50])])
    op("random and +-100, +-1e4, 0", "sigmoid", x, {}, torch.sigmoid)
    x = torch.cat([randn(24), torch.tensor([0, -1e4, 1e4, -1e-30, 1e-30, -0.5], dtype=F32)])
    op("random, 0, negatives", "relu", x, {}, torch.relu)

    # layerNorm
    S = 16
    x = torch.cat([randn(4 * S, scale=3, shift=1), torch.full((S,), 2.5, dtype=F32)])
    w, b = randn(S, scale=0.5, shift=1), randn(S, scale=0.5)
    op("5 rows of 16 (last row constant), no affine", "layerNorm", x, {"size": S},
       lambda x: F.layer_norm(x.view(-1, S), (S,), eps=1e-5))
    op("5 rows of 16, weight and bias", "layerNorm", x, {"size": S, "weight": w, "bias": b},
       lambda x: F.layer_norm(x.view(-1, S), (S,), d(w), d(b), eps=1e-5))
    op("5 rows of 16, weight only, eps 1e-3", "layerNorm", x, {"size": S, "weight": w, "eps": 1e-3},
       lambda x: F.layer_norm(x.view(-1, S), (S,), d(w), None, eps=1e-3))

    # batchNorm (eval)
    N, C, L = 6, 4, 3
    rm, rv = randn(C, scale=0.5), rand(C, lo=0.5, hi=2)
    w, b = randn(C, scale=0.5, shift=1), randn(C, scale=0.5)
    x2, x3 = randn(N * C, scale=2), randn(N * C * L, scale=2)
    bn = lambda shape, w=None, b=None, eps=1e-5: (  # noqa: E731
        lambda x: F.batch_norm(x.view(shape), d(rm), d(rv), d(w), d(b), False, 0.0, eps))
    op("[N, C], weight and bias", "batchNorm", x2, {"runningMean": rm, "runningVar": rv, "weight": w, "bias": b},
       bn((N, C), w, b))
    op("[N, C], no affine, eps 1e-3", "batchNorm", x2, {"runningMean": rm, "runningVar": rv, "eps": 1e-3},
       bn((N, C), eps=1e-3))
    op("[N, C, L], weight and bias", "batchNorm", x3,
       {"runningMean": rm, "runningVar": rv, "weight": w, "bias": b, "shape": [N, C, L]}, bn((N, C, L), w, b))
    op("[N, C, L], no affine", "batchNorm", x3, {"runningMean": rm, "runningVar": rv, "shape": [N, C, L]}, bn((N, C, L)))

    # prelu
    pw = rand(C, lo=0.0, hi=0.5)
    op("[N, C], default weight 0.25", "prelu", x2, {}, lambda x: F.prelu(x.view(N, C), torch.tensor([0.25], dtype=F64)))
    op("[N, C], scalar weight 0.1", "prelu", x2, {"weight": 0.1}, lambda x: F.prelu(x.view(N, C), torch.tensor([0.1], dtype=F64)))
    op("[N, C], weight array of 1", "prelu", x2, {"weight": pw[:1]}, lambda x: F.prelu(x.view(N, C), d(pw[:1])))
    op("[N, C], per-channel", "prelu", x2, {"weight": pw}, lambda x: F.prelu(x.view(N, C), d(pw)))
    op("[N, C, L], per-channel", "prelu", x3, {"weight": pw, "shape": [N, C, L]}, lambda x: F.prelu(x.view(N, C, L), d(pw)))
    op("[N, C, L], scalar weight", "prelu", x3, {"weight": 0.3, "shape": [N, C, L]},
       lambda x: F.prelu(x.view(N, C, L), torch.tensor([0.3], dtype=F64)))

    # dice: p = sigmoid(batch_norm_eval(x)); alpha (1 - p) x + p x
    alpha = rand(C, lo=0.0, hi=0.5)

    def dice(shape, alpha, w=None, b=None, eps=1e-8):
        def ref(x):
            x = x.view(shape)
            p = torch.sigmoid(F.batch_norm(x, d(rm), d(rv), d(w), d(b), False, 0.0, eps))
            a = alpha if isinstance(alpha, float) else d(alpha).view((C,) + (1,) * (len(shape) - 2))
            return a * (1 - p) * x + p * x
        return ref

    base = {"runningMean": rm, "runningVar": rv, "eps": 1e-8}
    op("[N, C], per-channel alpha, no affine", "dice", x2, {**base, "alpha": alpha}, dice((N, C), alpha))
    op("[N, C], per-channel alpha, weight and bias", "dice", x2, {**base, "alpha": alpha, "weight": w, "bias": b},
       dice((N, C), alpha, w, b))
    op("[N, C, L], per-channel alpha, weight and bias", "dice", x3,
       {**base, "alpha": alpha, "weight": w, "bias": b, "shape": [N, C, L]}, dice((N, C, L), alpha, w, b))
    op("[N, C], scalar alpha 0.25, no affine", "dice", x2, {**base, "alpha": 0.25}, dice((N, C), 0.25))

    # l2Normalize
    S = 8
    x = torch.cat([randn(4 * S, scale=2), torch.zeros(S, dtype=F32), torch.tensor([1e-20, 0, 0, 0, 0, 0, 0, -1e-20], dtype=F32)])
    op("6 rows of 8 (an all-zero row, a tiny row)", "l2Normalize", x, {"size": S},
       lambda x: F.normalize(x.view(-1, S), p=2.0, dim=-1, eps=1e-12))
    op("one row (no size)", "l2Normalize", x[:S * 2], {}, lambda x: F.normalize(x, p=2.0, dim=-1, eps=1e-12))
    op("eps 1e-3 (small rows)", "l2Normalize", x * 1e-4, {"size": S, "eps": 1e-3},
       lambda x: F.normalize(x.view(-1, S), p=2.0, dim=-1, eps=1e-3))
    return cases


# ---------------------------------------------------------------- optimizers

CAMEL = {"weight_decay": "weightDecay", "lr_decay": "lrDecay", "initial_accumulator_value": "initialAccumulatorValue"}


def optim():
    n = 16
    a = rand(n, lo=0.5, hi=2)
    c = randn(n)
    w0 = randn(n, scale=2)
    configs = [
        ("plain, lr 0.1", "SGD", {"lr": 0.1}),
        ("momentum 0.9", "SGD", {"lr": 0.1, "momentum": 0.9}),
        ("momentum 0.9, dampening 0.1, weight decay 0.01", "SGD",
         {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
        ("nesterov, momentum 0.9", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        ("defaults", "Adagrad", {}),
        ("lr decay 0.01, weight decay 0.1, initial accumulator 0.1", "Adagrad",
         {"lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.1}),
        ("defaults", "RMSprop", {}),
        ("centered", "RMSprop", {"centered": True}),
        ("momentum 0.9, weight decay 0.01", "RMSprop", {"momentum": 0.9, "weight_decay": 0.01}),
        ("lr 0.1", "Adam", {"lr": 0.1}),
        ("lr 0.1, amsgrad", "Adam", {"lr": 0.1, "amsgrad": True}),
        ("lr 0.1, weight decay 0.01", "Adam", {"lr": 0.1, "weight_decay": 0.01}),
        ("lr 0.1", "AdamW", {"lr": 0.1}),
        ("lr 0.1, amsgrad", "AdamW", {"lr": 0.1, "amsgrad": True}),
    ]
    cases = []
    for name, cls, kw in configs:
        p = torch.nn.Parameter(w0.clone())
        opt = getattr(torch.optim, cls)([p], foreach=False, **kw)
        steps = []
        for _ in range(10):
            p.grad = a * (p.detach() - c)
            opt.step()
            assert p.dtype == F32
            steps.append(vals(p))
        cases.append({
            "name": f"{cls} {name}",
            "optimizer": cls,
            "options": {CAMEL.get(k, k): v for k, v in kw.items()},
            "a": vals(a),
            "c": vals(c),
            "w0": vals(w0),
            "steps": steps,
        })
    return cases


def write(name, obj):
    text = json.dumps(obj, allow_nan=False, separators=(",", ":"))
    path = OUT / name
    path.write_text(text)
    print(f"wrote {path} ({len(text) / 1024:.0f} KiB, {len(obj['cases'])} cases)")
    return len(text)


if __name__ == "__main__":
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    losses()
    reference_snippets()
    total = write("losses.json", {"cases": loss_cases})
    total += write("ops.json", {"cases": ops()})
    total += write("optim.json", {"cases": optim()})
    counts = {}
    for case in loss_cases:
        counts[case["fn"]] = counts.get(case["fn"], 0) + 1
    print("losses per fn:", ", ".join(f"{k} {v}" for k, v in counts.items()))
    assert total < 1.5 * 1024 * 1024, total
