#!/usr/bin/env bash
# npm run bench: builds what it needs, then runs bench/run.mjs (see there).
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh --browser
bash scripts/build.sh
step "bench" node bench/run.mjs
