#!/usr/bin/env bash
# npm run bench: builds what it needs, then runs bench/run.mjs (metrics) and bench/losses.mjs
# (losses with gradients, and ops); `npm run bench -- losses` runs only the latter (see there).
source "$(dirname "$0")/lib.sh"
only=${1:-}
if [[ -n $only && $only != losses ]]; then
  echo "usage: npm run bench [-- losses]" >&2
  exit 2
fi
# Chromium is for run.mjs's browser leg only.
if [[ $only == losses ]]; then bash scripts/setup.sh; else bash scripts/setup.sh --browser; fi
bash scripts/build.sh
[[ $only == losses ]] || step "bench" node bench/run.mjs
step "bench: losses" node bench/losses.mjs
