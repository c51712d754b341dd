#!/usr/bin/env bash
# npm run bench: builds what it needs, then runs bench/run.mjs (metrics), bench/losses.mjs
# (losses with gradients, and ops) and bench/dense.mjs (matmul, MultiheadAttention, GRU against
# onnxruntime, tfjs and numpy/torch); `npm run bench -- losses` or `-- dense` runs only that one.
source "$(dirname "$0")/lib.sh"
only=${1:-}
if [[ -n $only && $only != losses && $only != dense ]]; then
  echo "usage: npm run bench [-- losses|dense]" >&2
  exit 2
fi
# Chromium is for run.mjs's browser leg only.
if [[ -n $only ]]; then bash scripts/setup.sh; else bash scripts/setup.sh --browser; fi
bash scripts/build.sh
if [[ -z $only ]]; then step "bench" node bench/run.mjs; fi
if [[ -z $only || $only == losses ]]; then step "bench: losses" node bench/losses.mjs; fi
if [[ -z $only || $only == dense ]]; then step "bench: dense" node bench/dense.mjs; fi
