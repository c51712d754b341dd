#!/usr/bin/env bash
# The main job: set up, build, and evaluate the shipped sample prediction log (CSV, then Parquet).
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh
bash scripts/build.sh
step "reckit eval data/sample.csv" node dist/cli/index.js eval data/sample.csv --label label --score score --group user_id "$@"
# The same log as Parquet (python/make_parquet_fixtures.py writes it): the same metrics.
step "reckit eval data/sample.parquet" node dist/cli/index.js eval data/sample.parquet --label label --score score --group user_id "$@"
