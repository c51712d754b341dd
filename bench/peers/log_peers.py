"""Peers of `reckit eval` on one prediction log (CSV or Parquet): polars or pandas reads it, then
AUC and GAUC the way a vectorised Python job computes them, by rank sums (Mann-Whitney U with
average ranks for ties, which is the exact AUC with ties counted 1/2), GAUC as the impression-
weighted mean of the AUCs of users with both classes (reckit's default weighting).

    python log_peers.py polars|pandas FILE   → one JSON line: read and metrics seconds, auc, gauc, peak RSS
"""
import json
import resource
import sys
import time

lib, path = sys.argv[1], sys.argv[2]
parquet = path.endswith('.parquet')
t0 = time.perf_counter()
if lib == 'polars':
    import polars as pl

    df = pl.read_parquet(path, columns=['user_id', 'label', 'score']) if parquet else pl.read_csv(path, columns=['user_id', 'label', 'score'])
    t1 = time.perf_counter()
    p = df['label'].sum()
    n = df.height - p
    ranks = df['score'].rank('average')
    auc = (ranks.filter(df['label'] == 1).sum() - p * (p + 1) / 2) / (p * n)
    g = (
        df.with_columns(pl.col('score').rank('average').over('user_id').alias('r'))
        .group_by('user_id')
        .agg(pl.len().alias('n'), pl.col('label').sum().alias('p'), (pl.col('r') * pl.col('label')).sum().alias('rs'))
        .filter((pl.col('p') > 0) & (pl.col('p') < pl.col('n')))
        .with_columns(((pl.col('rs') - pl.col('p') * (pl.col('p') + 1) / 2) / (pl.col('p') * (pl.col('n') - pl.col('p')))).alias('auc'))
    )
    gauc = (g['auc'] * g['n']).sum() / g['n'].sum()
else:
    import pandas as pd

    df = pd.read_parquet(path, columns=['user_id', 'label', 'score']) if parquet else pd.read_csv(path, usecols=['user_id', 'label', 'score'])
    t1 = time.perf_counter()
    p = int(df['label'].sum())
    n = len(df) - p
    ranks = df['score'].rank(method='average')
    auc = (ranks[df['label'] == 1].sum() - p * (p + 1) / 2) / (p * n)
    df['rs'] = df.groupby('user_id')['score'].rank(method='average') * df['label']
    g = df.groupby('user_id').agg(n=('label', 'size'), p=('label', 'sum'), rs=('rs', 'sum'))
    g = g[(g.p > 0) & (g.p < g.n)]
    aucs = (g.rs - g.p * (g.p + 1) / 2) / (g.p * (g.n - g.p))
    gauc = (aucs * g.n).sum() / g.n.sum()
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({'read': t1 - t0, 'metrics': t2 - t1, 'auc': float(auc), 'gauc': float(gauc), 'rssMB': rss}))
