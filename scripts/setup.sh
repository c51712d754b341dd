#!/usr/bin/env bash
# Installs what building (and, with --browser, testing) reckit needs, idempotently:
#   apt:   rustc-web + rust-web-src (wasm32 std sources), lld-22 (rust-lld), chromium (--browser)
#   cargo: wasm-bindgen-cli at the exact version of the wasm-bindgen crate in Cargo.lock (cached)
#   npm:   the locked dev dependencies (skipped when package-lock.json is unchanged)
source "$(dirname "$0")/lib.sh"

apt_packages=(rustc-web rust-web-src lld-22)
[[ "${1:-}" == --browser ]] && apt_packages+=(chromium)

rust_native() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup (stable)"; return 1; }
  cargo --version
}

wasm_bindgen_cli() {
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $want" ]]; then
    echo "wasm-bindgen $want cached"; return
  fi
  # Built from crates.io (no prebuilt binary can be downloaded here); a few minutes, once.
  cargo install wasm-bindgen-cli --version "=$want" --root "$RECKIT_CACHE/tools"
}

npm_deps() {
  local stamp=node_modules/.reckit-lock.sha256 want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [[ -f $stamp && "$(cat $stamp)" == "$want" ]]; then echo "npm dependencies up to date"; return; fi
  # `npm ci` rejects this lock (npm 11 reports @napi-rs/lzma's optional platform packages as
  # missing); `npm install --no-save` installs the locked versions and leaves the lock as is.
  # onnxruntime-node's install script downloads extras (CUDA; unreachable here) unless skipped:
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save --no-audit --no-fund
  echo "$want" > "$stamp"
}

step "setup: apt packages" apt_install
step "setup: Rust (native)" rust_native
step "setup: wasm-bindgen CLI" wasm_bindgen_cli
step "setup: npm dependencies" npm_deps
