"""The sample prediction log shipped in data/: a deterministic synthetic CTR log.

    python3 python/make_sample.py

100,000 impressions of ~2,000 users (Zipf-like activity: many users with a handful of
impressions, a few with hundreds) over a Zipf catalogue of 5,000 items, interleaved in time.
Clicks come from a latent logistic model (user taste · item appeal + noise); the score is a
model's noisy estimate of that probability, rounded to 6 decimals (so some ties exist). As in
real CTR data, AUC is in the high 0.7s and GAUC a few points lower (per-user ranking is harder
than separating heavy clickers from the rest). Also writes data/sample.expected.json with
sklearn's AUC and GAUC for the tests.
"""
import csv
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

DATA = Path(__file__).resolve().parent.parent / "data"
rng = np.random.default_rng(7)
ROWS, USERS, ITEMS = 100_000, 2_000, 5_000

activity = 1.0 / np.arange(1, USERS + 1) ** 0.9
user = rng.choice(USERS, ROWS, p=activity / activity.sum())
popularity = 1.0 / np.arange(1, ITEMS + 1) ** 1.1
item = rng.choice(ITEMS, ROWS, p=popularity / popularity.sum())

user_bias = rng.normal(-3.3, 0.8, USERS)          # how much a user clicks at all
item_bias = rng.normal(0.0, 0.6, ITEMS)
taste = rng.normal(0, 1, (USERS, 4))
appeal = rng.normal(0, 1, (ITEMS, 4))
logit = user_bias[user] + item_bias[item] + 0.5 * np.sum(taste[user] * appeal[item], axis=1)
label = (rng.random(ROWS) < 1 / (1 + np.exp(-logit))).astype(int)
# The model sees the biases well and the taste interaction poorly, plus noise.
estimate = user_bias[user] + 0.9 * item_bias[item] + 0.2 * np.sum(taste[user] * appeal[item], axis=1)
score = np.round(1 / (1 + np.exp(-(estimate + rng.normal(0, 0.5, ROWS)))), 6)

DATA.mkdir(exist_ok=True)
with open(DATA / "sample.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["user_id", "item_id", "label", "score"])
    w.writerows(zip(user, item, label, [f"{s:.6f}" for s in score]))


def gauc(weight):
    num = den = 0.0
    used = skipped = 0
    order = np.argsort(user, kind="stable")
    bounds = np.flatnonzero(np.diff(user[order])) + 1
    for rows in np.split(order, bounds):
        y = label[rows]
        if y.min() == y.max():
            skipped += 1
            continue
        wt = weight(len(rows), int(y.sum()))
        num += wt * roc_auc_score(y, score[rows])
        den += wt
        used += 1
    return num / den, used, skipped


g_imp, used, skipped = gauc(lambda rows, pos: rows)
expected = {
    "rows": ROWS,
    "auc": float(roc_auc_score(label, score)),
    "gauc_impressions": g_imp,
    "gauc_clicks": gauc(lambda rows, pos: pos)[0],
    "gauc_uniform": gauc(lambda rows, pos: 1)[0],
    "groups_used": used,
    "skipped": skipped,
}
(DATA / "sample.expected.json").write_text(json.dumps(expected, indent=2) + "\n")
print(f"ctr {label.mean():.4f}", json.dumps(expected))
