#!/usr/bin/env bash
# npm run test:native | test:wasm | test:browser | test:cli: sets up and builds like
# scripts/test.sh, then runs vitest on one backend's projects only (vitest.config.ts):
#   native    the native addon in Node            (project native)
#   wasm      wasm-simd in Node                   (project wasm-simd)
#   browser   wasm-simd and wasm-threads in Chromium (projects browser-wasm-simd, browser-wasm-threads)
#   cli       the reckit command in Node          (project cli)
# Arguments after the backend go to vitest, e.g. `npm run test:native -- ts/test/auc.test.ts -t ties`.
# The whole suite, with the Rust tests, is `npm test` (scripts/test.sh).
source "$(dirname "$0")/lib.sh"

which=${1:-}
shift || true
case $which in
  native) projects=(native) ;;
  wasm) projects=(wasm-simd) ;;
  browser) projects=(browser-wasm-simd browser-wasm-threads) ;;
  cli) projects=(cli) ;;
  *) echo "usage: bash scripts/test-backend.sh native|wasm|browser|cli [vitest args...]" >&2; exit 2 ;;
esac

# Chromium for the browser projects, and for cli (its install test loads bundled pages). The
# build is the whole of dist/ (incremental, so cheap when nothing changed): every project
# imports the built package.
if [[ $which == browser || $which == cli ]]; then bash scripts/setup.sh --browser; else bash scripts/setup.sh; fi
bash scripts/build.sh

args=()
for p in "${projects[@]}"; do args+=(--project "$p"); done
step "test: vitest ($which: ${projects[*]})" npx vitest run "${args[@]}" "$@"
