#!/usr/bin/env bash
# npm run bench: builds what it needs, then runs bench/run.mjs (metrics), bench/losses.mjs
# (losses with gradients, and ops), bench/dense.mjs (matmul, MultiheadAttention, GRU against
# onnxruntime, tfjs and numpy/torch), bench/models.mjs (DIN, DIEN against torch and
# onnxruntime), bench/cli.mjs (`reckit eval` on a 1e7-row CSV) and bench/decide.mjs (DeLong, the
# bootstrap and the paired tests against their Python peers); `npm run bench -- losses`,
# `-- dense`, `-- models`, `-- cli` or `-- decide` runs only that one.
source "$(dirname "$0")/lib.sh"
only=${1:-}
if [[ -n $only && $only != losses && $only != dense && $only != models && $only != cli && $only != decide ]]; then
  echo "usage: npm run bench [-- losses|dense|models|cli|decide]" >&2
  exit 2
fi
# Chromium is for run.mjs's browser leg only.
if [[ -n $only ]]; then bash scripts/setup.sh; else bash scripts/setup.sh --browser; fi
bash scripts/build.sh
# numpy/torch peers: Debian's numpy falls back to the reference BLAS (≈3 GFLOP/s) without OpenBLAS.
openblas() {
  dpkg -s python3-numpy >/dev/null 2>&1 || { echo "no python3-numpy: the numpy/torch rows will be skipped"; return; }
  dpkg -s libopenblas0 >/dev/null 2>&1 && return
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libopenblas0
}
if [[ -z $only || $only == dense || $only == models ]]; then step "bench: OpenBLAS" openblas; fi
if [[ -z $only ]]; then step "bench" node bench/run.mjs; fi
if [[ -z $only || $only == losses ]]; then step "bench: losses" node bench/losses.mjs; fi
if [[ -z $only || $only == dense ]]; then step "bench: dense" node bench/dense.mjs; fi
if [[ -z $only || $only == models ]]; then step "bench: models" node bench/models.mjs; fi
# The Python peers of `reckit eval` (polars, pandas: bench/peers/log_peers.py) and of the decision
# tools (scipy, scikit-learn, MLstatkit: bench/peers/decide_peers.py), in their own virtualenv
# ($RECKIT_CACHE/bench-python), made once; without python3-venv the peers are skipped with the reason.
PEERS="polars==1.35.2 pandas==2.3.3 pyarrow==22.0.0 numpy==1.26.4 scipy==1.17.1 scikit-learn==1.9.1 mlstatkit==0.1.91 tqdm==4.70.1"
bench_python() {
  local venv="$RECKIT_CACHE/bench-python" stamp="$RECKIT_CACHE/bench-python/.stamp"
  if [[ -f $stamp && "$(cat "$stamp")" == "$PEERS" ]]; then echo "polars/pandas peers ready"; return; fi
  python3 -m venv "$venv" || { echo "no python3 venv: the polars/pandas rows will be skipped"; return 0; }
  "$venv/bin/pip" install -q $PEERS && echo "$PEERS" > "$stamp"
}
if [[ -z $only || $only == cli || $only == decide ]]; then step "bench: Python peers" bench_python; fi
if [[ -z $only || $only == cli ]]; then
  BENCH_PYTHON=${BENCH_PYTHON:-$RECKIT_CACHE/bench-python/bin/python} step "bench: cli" node bench/cli.mjs
fi
if [[ -z $only || $only == decide ]]; then
  BENCH_PYTHON=${BENCH_PYTHON:-$RECKIT_CACHE/bench-python/bin/python} step "bench: decide" node bench/decide.mjs
fi
