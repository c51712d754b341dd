#!/usr/bin/env bash
# The whole test suite: sets up and builds what it needs, then
#   cargo test   the core, single-threaded and with rayon
#   vitest       ts/test on native and wasm-simd (Node) and wasm-simd, wasm-threads (Chromium)
source "$(dirname "$0")/lib.sh"

bash scripts/setup.sh --browser
bash scripts/build.sh

step "test: Rust core" cargo test -q -p reckit-core
step "test: Rust core (parallel)" cargo test -q -p reckit-core --features parallel

step "test: vitest on every backend" npx vitest run
