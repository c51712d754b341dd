"""Train the demo DIN and DIEN that reckit ships in data/models/ (for the examples and the
end-to-end test: reckit must reproduce the PyTorch held-out scores).

    /usr/bin/python3 python/train_demo.py

Needs torch (written against Debian's python3-torch 1.13.1), numpy and scikit-learn; imports
python/reckit_models.py. Deterministic (torch.manual_seed, seeded generators for the batch order
and the negatives, one thread): a rerun writes the same files. About a minute of CPU.

Data: data/sample.csv (user_id,item_id,label,score; 100,000 impressions in time order). The score
column is not used. Features (the JS side rebuilds them the same way):
- ids: user = user_id + 1, item = item_id + 1 (0 is the padding id). Tables user [2001, 8],
  item [5001, 8].
- sparse = ["user", "item"]; history = ["item"]; dense = 0.
- history of row i: the items of the same user's clicked rows (label 1) among the rows before i,
  the last T = 20 of them, oldest first, right-padded with 0; lengths = their count (0 to 20).
- split: rows [0, 80000) train, rows [80000, 100000) held out.
- DIEN's auxiliary-loss negatives (training only): one uniformly random item id in 1..5000 per
  history position, drawn from a seeded torch.Generator.

Writes, under data/models/: din.safetensors + din.json, dien.safetensors + dien.json
(reckit_models.export), holdout.json {"rows": [80000, 100000], "din": {"auc", "gauc"},
"dien": {"auc", "gauc"}} (sklearn AUC; GAUC = impression-weighted mean of the per-user AUCs over
the users whose held-out rows have both classes) and holdout-scores.safetensors (F32 `din` and
`dien`: the float32 PyTorch probabilities of the held-out rows, model.eval()).
"""
import json
import math
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread (set before numpy / torch load their BLAS)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reckit_models as R  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "sample.csv"
OUT = ROOT / "data" / "models"
T = 20
USERS, ITEMS = 2001, 5001
BATCH = 256
# Chosen on a validation split (train on rows [0, 72000), validate on [72000, 80000)); the held-out
# rows played no part in the choice.
DIN_EPOCHS, DIEN_EPOCHS = 2, 2
LR = 1e-2
WEIGHT_DECAY = 3e-5

BASE = {
    "tables": {"user": [USERS, 8], "item": [ITEMS, 8]},
    "sparse": ["user", "item"],
    "dense": 0,
    "history": ["item"],
    "attention": {"hidden": [16, 8], "activation": "dice", "batchnorm": False, "softmax": True, "scale": False},
    "mlp": {"hidden": [32, 16], "activation": "prelu", "batchnorm": True},
}
DIN_CONFIG = BASE
DIEN_CONFIG = {**BASE, "gru": "AUGRU", "augruForm": "paper", "gateOrder": "rzn",
               "auxiliary": {"hidden": [16, 8], "activation": "sigmoid"}}


def load_data():
    """-> sparse [n, 2], history [n, T, 1], lengths [n], labels [n] (LongTensors / float labels)."""
    raw = np.loadtxt(DATA, delimiter=",", skiprows=1, usecols=(0, 1, 2), dtype=np.int64)
    user, item, label = raw[:, 0] + 1, raw[:, 1] + 1, raw[:, 2]
    n = len(raw)
    history = np.zeros((n, T), dtype=np.int64)
    lengths = np.zeros(n, dtype=np.int64)
    clicks = {}
    for i in range(n):
        past = clicks.setdefault(int(user[i]), [])
        last = past[-T:]
        history[i, :len(last)] = last
        lengths[i] = len(last)
        if label[i] == 1:
            past.append(int(item[i]))
    sparse = torch.from_numpy(np.stack([user, item], axis=1))
    return sparse, torch.from_numpy(history)[:, :, None], torch.from_numpy(lengths), torch.from_numpy(label).float()


def batch_of(data, rows):
    sparse, history, lengths, _ = data
    return {"sparse": sparse[rows], "history": history[rows], "lengths": lengths[rows]}


def train(model, data, train_rows, seed, epochs, aux_weight=0.0, log=print, on_epoch=None):
    torch.manual_seed(seed)
    order_gen = torch.Generator().manual_seed(seed + 1)
    neg_gen = torch.Generator().manual_seed(seed + 2)
    labels = data[3]
    opt = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    for epoch in range(epochs):
        model.train()
        perm = train_rows[torch.randperm(len(train_rows), generator=order_gen)]
        total = aux_total = 0.0
        steps = 0
        for start in range(0, len(perm), BATCH):
            rows = perm[start:start + BATCH]
            batch = batch_of(data, rows)
            if aux_weight:
                batch["negHistory"] = torch.randint(1, ITEMS, batch["history"].shape, generator=neg_gen)
            out = model(batch)
            loss = F.binary_cross_entropy_with_logits(out["logits"], labels[rows])
            total += loss.item()
            if aux_weight and "auxLoss" in out and torch.isfinite(out["auxLoss"]):
                aux_total += out["auxLoss"].item()
                loss = loss + aux_weight * out["auxLoss"]
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
        log(f"  epoch {epoch + 1}: bce {total / steps:.4f}" + (f", aux {aux_total / steps:.4f}" if aux_weight else ""))
        if on_epoch is not None:
            on_epoch(epoch + 1, model)
    return model.eval()


@torch.no_grad()
def predict(model, data, rows, chunk=2048):
    model.eval()
    out = [model(batch_of(data, rows[s:s + chunk]))["probabilities"] for s in range(0, len(rows), chunk)]
    return torch.cat(out).float()


def auc_gauc(labels, scores, users):
    labels, scores, users = np.asarray(labels), np.asarray(scores, dtype=np.float64), np.asarray(users)
    auc = roc_auc_score(labels, scores)
    num = den = 0.0
    for u in np.unique(users):
        m = users == u
        y = labels[m]
        if y.min() == y.max():
            continue
        num += m.sum() * roc_auc_score(y, scores[m])
        den += m.sum()
    return float(auc), float(num / den)


def main():
    torch.set_num_threads(1)
    t0 = time.process_time()
    data = load_data()
    n = len(data[3])
    split = math.floor(0.8 * n)
    train_rows, held = torch.arange(split), torch.arange(split, n)
    labels, users = data[3][held].numpy(), data[0][held, 0].numpy()
    print(f"{n} rows: train [0, {split}), held out [{split}, {n}); "
          f"{(data[2] == 0).float().mean().item():.1%} rows with an empty history")
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"rows": [split, n]}
    scores = {}
    for name, cls, cfg, seed, epochs, aux in (("din", R.DIN, DIN_CONFIG, 7001, DIN_EPOCHS, 0.0),
                                              ("dien", R.DIEN, DIEN_CONFIG, 7002, DIEN_EPOCHS, 1.0)):
        t = time.process_time()
        torch.manual_seed(seed)
        model = cls(cfg)
        print(f"{name}: training ({sum(p.numel() for p in model.parameters())} parameters)")
        train(model, data, train_rows, seed, epochs, aux_weight=aux)
        scores[name] = predict(model, data, held)
        auc, gauc = auc_gauc(labels, scores[name].numpy(), users)
        result[name] = {"auc": auc, "gauc": gauc}
        R.export(model, OUT / f"{name}.safetensors")
        again = predict(R.load(OUT / f"{name}.safetensors"), data, held)
        assert torch.equal(again, scores[name]), f"{name}: reloaded model scores differ"
        print(f"{name}: held-out AUC {auc:.4f}, GAUC {gauc:.4f} ({time.process_time() - t:.0f} s CPU)")
    (OUT / "holdout.json").write_text(json.dumps(result, indent=1) + "\n")
    (OUT / "holdout-scores.safetensors").write_bytes(R.safetensors_bytes(scores, {"format": "pt"}))
    print(f"wrote {OUT} in {time.process_time() - t0:.0f} s CPU")


if __name__ == "__main__":
    main()
