"""Parquet and Arrow IPC fixtures for `reckit eval`: one log written by several writers.

    python3 python/make_parquet_fixtures.py    (npm run fixtures installs pyarrow and polars)

Reads the first 2000 rows of data/sample.csv (user_id, item_id, label, score) and writes them,
into ts/test/fixtures/parquet/:

- log.csv: those rows, byte for byte as in data/sample.csv (the parity reference).
- pyarrow-{snappy,zstd,gzip,none}[-plain].parquet: pyarrow, each codec, dictionary encoding on
  (pyarrow's default) or off (-plain), 3 row groups of 667, 667 and 666 rows, data page v1,
  nullable columns (pyarrow's default: OPTIONAL, with definition levels).
- pyarrow-v2.parquet: data page v2; pyarrow-required.parquet: non-nullable (REQUIRED) columns;
  pyarrow-label-int8.parquet: label as int8 (INT32 with the INT(8) logical type).
- groups-int32.parquet, groups-string.parquet (dictionary-encoded strings),
  groups-string-plain.parquet (plain strings), groups-dictionary.parquet (an Arrow
  dictionary<int32, string> column, which pyarrow writes with its Arrow schema): the group
  ids in each type. The strings are the decimal ids ("189"), so the groups are the same.
- polars.parquet (polars' defaults: zstd, its own page layout) and polars-snappy.parquet
  (3 row groups).
- spark.parquet: a Spark-style writer config: pyarrow with flavor='spark' (names sanitised as
  Spark does), version='1.0' (Parquet 1.0 types only), data page v1, snappy.
- log.arrow (Arrow IPC file, 3 record batches), log.feather (Feather v2 = IPC file,
  uncompressed), log-dictionary.arrow (user_id as dictionary<int32, string>).
- malformed: truncated.parquet (the first half of pyarrow-snappy.parquet: no footer),
  corrupt-page.parquet (pyarrow-snappy-plain.parquet with 64 bytes of row group 2's score page
  overwritten),
  missing-column.parquet (no score), string-score.parquet (score as text), null-label.parquet
  (label null at row 1501), null-score.parquet (score null at row 10), bool-group.parquet (a
  boolean group column), truncated.arrow, lz4.arrow and zstd.arrow (compressed IPC buffers,
  which reckit does not read).
- expected.json: the oracle metrics of the log, from scikit-learn: AUC (roc_auc_score), log loss
  (the mean of −y·ln p − (1 − y)·ln(1 − p) in float64; sklearn's log_loss checks it), GAUC (mean
  of roc_auc_score per user with both classes, weighted by rows), and counts.

pyarrow and polars write deterministic files for a given version (they store their version in
the footer's created_by), so a rerun reproduces the committed bytes.
"""
import csv
import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from sklearn.metrics import log_loss, roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "ts" / "test" / "fixtures" / "parquet"
ROWS = 2000
GROUP_ROWS = 667  # 3 row groups: 667, 667, 666


def read_log():
    with open(ROOT / "data" / "sample.csv", newline="") as f:
        lines = [next(f) for _ in range(ROWS + 1)]
    (OUT / "log.csv").write_text("".join(lines))
    rows = list(csv.DictReader(lines))
    return {
        "user_id": [int(r["user_id"]) for r in rows],
        "item_id": [int(r["item_id"]) for r in rows],
        "label": [int(r["label"]) for r in rows],
        "score": [float(r["score"]) for r in rows],
    }


def table(log, **types):
    t = {"user_id": pa.int64(), "item_id": pa.int64(), "label": pa.int64(), "score": pa.float64(), **types}
    return pa.table({name: pa.array(log[name], type=t[name]) for name in ["user_id", "item_id", "label", "score"]})


def write(t, name, **options):
    options = {"row_group_size": GROUP_ROWS, "data_page_version": "1.0", "compression": "snappy", **options}
    pq.write_table(t, OUT / name, **options)
    meta = pq.ParquetFile(OUT / name).metadata
    assert meta.num_rows == ROWS, name
    return meta


def oracle(log):
    y = np.array(log["label"])
    p = np.array(log["score"])
    users = np.array(log["user_id"])
    value = float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
    assert math.isclose(value, log_loss(y, p), rel_tol=1e-12)
    num = den = 0.0
    used = skipped = 0
    for u in np.unique(users):
        m = users == u
        if len(np.unique(y[m])) < 2:
            skipped += 1
            continue
        num += m.sum() * roc_auc_score(y[m], p[m])
        den += m.sum()
        used += 1
    return {
        "rows": ROWS,
        "users": int(len(np.unique(users))),
        "auc": float(roc_auc_score(y, p)),
        "logLoss": value,
        "gauc": num / den,
        "gaucGroups": used,
        "skippedGroups": skipped,
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    log = read_log()
    base = table(log)

    for codec in ["snappy", "zstd", "gzip", "none"]:
        for dictionary in [True, False]:
            meta = write(base, f"pyarrow-{codec}{'' if dictionary else '-plain'}.parquet", compression=codec, use_dictionary=dictionary)
            assert meta.num_row_groups == 3
    write(base, "pyarrow-v2.parquet", data_page_version="2.0")
    required = pa.schema([pa.field(f.name, f.type, nullable=False) for f in base.schema])
    write(base.cast(required), "pyarrow-required.parquet")
    write(table(log, label=pa.int8()), "pyarrow-label-int8.parquet")

    write(table(log, user_id=pa.int32()), "groups-int32.parquet")
    strings = base.set_column(0, "user_id", pa.array([str(u) for u in log["user_id"]], pa.string()))
    write(strings, "groups-string.parquet")
    write(strings, "groups-string-plain.parquet", use_dictionary=False)
    dictionary = strings.set_column(0, "user_id", strings.column("user_id").dictionary_encode())
    write(dictionary, "groups-dictionary.parquet")

    df = pl.DataFrame(log)
    df.write_parquet(OUT / "polars.parquet")
    df.write_parquet(OUT / "polars-snappy.parquet", compression="snappy", row_group_size=GROUP_ROWS)
    assert pq.ParquetFile(OUT / "polars-snappy.parquet").metadata.num_row_groups == 3

    write(base, "spark.parquet", flavor="spark", version="1.0")

    with ipc.new_file(OUT / "log.arrow", base.schema) as w:
        w.write_table(base, max_chunksize=GROUP_ROWS)
    feather.write_feather(base, OUT / "log.feather", compression="uncompressed", chunksize=GROUP_ROWS)
    with ipc.new_file(OUT / "log-dictionary.arrow", dictionary.schema) as w:
        w.write_table(dictionary, max_chunksize=GROUP_ROWS)

    # Malformed files.
    whole = (OUT / "pyarrow-snappy.parquet").read_bytes()
    (OUT / "truncated.parquet").write_bytes(whole[: len(whole) // 2])
    # 64 bytes of 0xff inside the first data page of row group 2's score chunk (past its header).
    plain = bytearray((OUT / "pyarrow-snappy-plain.parquet").read_bytes())
    at = pq.ParquetFile(OUT / "pyarrow-snappy-plain.parquet").metadata.row_group(1).column(3).data_page_offset + 64
    plain[at : at + 64] = b"\xff" * 64
    (OUT / "corrupt-page.parquet").write_bytes(bytes(plain))
    write(base.drop_columns(["score"]), "missing-column.parquet")
    write(base.set_column(3, "score", pa.array([repr(s) for s in log["score"]], pa.string())), "string-score.parquet")
    labels = list(log["label"])
    labels[1500] = None
    write(base.set_column(2, "label", pa.array(labels, pa.int64())), "null-label.parquet")
    scores = list(log["score"])
    scores[9] = None
    write(base.set_column(3, "score", pa.array(scores, pa.float64())), "null-score.parquet")
    write(base.set_column(0, "user_id", pa.array([u % 2 == 0 for u in log["user_id"]], pa.bool_())), "bool-group.parquet")
    whole = (OUT / "log.arrow").read_bytes()
    (OUT / "truncated.arrow").write_bytes(whole[: len(whole) // 2])
    for codec in ["lz4", "zstd"]:
        with ipc.new_file(OUT / f"{codec}.arrow", base.schema, options=ipc.IpcWriteOptions(compression=codec)) as w:
            w.write_table(base, max_chunksize=GROUP_ROWS)

    # The shipped sample as Parquet too (`npm run main` reads both): every row and column, snappy.
    sample = pa_csv.read_csv(ROOT / "data" / "sample.csv")
    pq.write_table(sample, ROOT / "data" / "sample.parquet", compression="snappy", row_group_size=GROUP_ROWS)

    (OUT / "expected.json").write_text(json.dumps(oracle(log), indent=2) + "\n")
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT.relative_to(ROOT)} (pyarrow {pa.__version__}, polars {pl.__version__})")


if __name__ == "__main__":
    main()
